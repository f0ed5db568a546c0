/* floor.c - the machine's floor for `make bench`: the least an LMTP server
 * that acknowledges only durable mail can do per message.
 *
 * It answers LHLO/MAIL/RCPT/DATA/RSET/NOOP/QUIT on 127.0.0.1 (liaisond's
 * listener in bench.py), reads the DATA bytes to the final dot, writes them
 * and answers 250 (one per RCPT) only after an fsync that covers them. No
 * parsing, no database, no copy but the one to the page cache.
 *
 * Design, the cheapest that is still honest: all sessions append to ONE
 * spool file, each message as one record "<length>\n<bytes>" written with a
 * single writev under a mutex (so records never interleave and the spool can
 * be read back); one file per message would add an inode allocation and a
 * directory entry per message, which is exactly the cost the floor should
 * not include. One committer thread does group commit: it fsyncs the spool
 * for everything appended since its last fsync, then wakes every session
 * whose record that fsync covered. The message is gathered in memory (fine
 * for the bench's 50 KB - 1.2 MB cases, not for the 100 MB one, which the
 * floor does not run) and not un-dot-stuffed: the load generator never
 * stuffs, and the scan for the final dot is done either way.
 *
 * One thread per connection. Runs until SIGTERM or SIGINT, then prints its
 * CPU time from getrusage (all threads, also those that ended; microseconds,
 * where /proc's clock ticks are 10 ms, too coarse for a few ms of work):
 * "cpu_ms=U.UUU" on stdout, and exits 0.
 *
 * usage: floor --port P --spool FILE */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int spool_fd;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t written_cv = PTHREAD_COND_INITIALIZER;    /* wakes the committer */
static pthread_cond_t durable_cv = PTHREAD_COND_INITIALIZER;    /* wakes the sessions */
static guint64 written_seq;   /* records appended so far */
static guint64 durable_seq;   /* records covered by a finished fsync */

static void *
committer(void *arg G_GNUC_UNUSED)
{
	pthread_mutex_lock(&mu);
	for (;;) {
		while (durable_seq == written_seq)
			pthread_cond_wait(&written_cv, &mu);
		guint64 upto = written_seq;
		pthread_mutex_unlock(&mu);
		if (fsync(spool_fd) < 0) {
			perror("floor: fsync");
			exit(75);
		}
		pthread_mutex_lock(&mu);
		durable_seq = upto;
		pthread_cond_broadcast(&durable_cv);
	}
	return NULL;
}

/* spool_append - append one record and wait until an fsync covers it. */
static void
spool_append(const char *p, size_t n)
{
	char head[32];
	int hl = g_snprintf(head, sizeof(head), "%zu\n", n);
	struct iovec iov[2] = { { head, (size_t)hl }, { (void *)p, n } };
	size_t want = (size_t)hl + n;
	pthread_mutex_lock(&mu);
	ssize_t w = writev(spool_fd, iov, 2);
	if (w < 0 || (size_t)w != want) {
		/* A short append leaves a torn record that the ones after it would
		 * follow: stop rather than acknowledge on an unreadable spool. */
		perror("floor: spool append");
		exit(75);
	}
	guint64 mine = ++written_seq;
	pthread_cond_signal(&written_cv);
	while (durable_seq < mine)
		pthread_cond_wait(&durable_cv, &mu);
	pthread_mutex_unlock(&mu);
}

/* stopper - waits for SIGTERM/SIGINT (blocked in every thread) and reports. */
static void *
stopper(void *arg)
{
	int sig;
	sigwait((sigset_t *)arg, &sig);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("cpu_ms=%.3f\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	fflush(stdout);
	_exit(0);
}

struct session {
	int fd;
	GByteArray *in;     /* bytes read and not consumed yet */
};

static int
say(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
fill(struct session *s)
{
	guint8 buf[65536];
	for (;;) {
		ssize_t r = read(s->fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		g_byte_array_append(s->in, buf, (guint)r);
		return 0;
	}
}

/* read_line - the next command line (without CRLF) into LINE; -1 at EOF. */
static int
read_line(struct session *s, char *line, size_t size)
{
	for (;;) {
		guint8 *eol = s->in->len >= 2 ? memmem(s->in->data, s->in->len, "\r\n", 2) : NULL;
		if (eol) {
			size_t n = (size_t)(eol - s->in->data);
			g_strlcpy(line, (const char *)s->in->data, MIN(n + 1, size));
			g_byte_array_remove_range(s->in, 0, (guint)(n + 2));
			return 0;
		}
		if (s->in->len > 4096 || fill(s) < 0)
			return -1;
	}
}

/* read_data - the message up to the final dot, into S->in's head; returns
 * its length (the terminating ".\r\n" excluded, the CRLF before it kept). */
static gssize
read_data(struct session *s)
{
	if (s->in->len >= 3 && memcmp(s->in->data, ".\r\n", 3) == 0)
		return 0;
	gsize scanned = 0;
	for (;;) {
		if (s->in->len >= 5) {
			guint8 *end = memmem(s->in->data + scanned, s->in->len - scanned, "\r\n.\r\n", 5);
			if (end)
				return (gssize)(end - s->in->data) + 2;
			scanned = s->in->len - 4;
		}
		if (fill(s) < 0)
			return -1;
	}
}

static void *
session(void *arg)
{
	struct session s = { .fd = GPOINTER_TO_INT(arg), .in = g_byte_array_new() };
	char line[1024];
	int rcpts = 0;
	if (say(s.fd, "220 floor LMTP\r\n") < 0)
		goto out;
	while (read_line(&s, line, sizeof(line)) == 0) {
		int r = 0;
		if (g_ascii_strncasecmp(line, "LHLO", 4) == 0)
			r = say(s.fd, "250-floor\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
		else if (g_ascii_strncasecmp(line, "MAIL", 4) == 0) {
			rcpts = 0;
			r = say(s.fd, "250 2.1.0 ok\r\n");
		} else if (g_ascii_strncasecmp(line, "RCPT", 4) == 0) {
			rcpts++;
			r = say(s.fd, "250 2.1.5 ok\r\n");
		} else if (g_ascii_strncasecmp(line, "DATA", 4) == 0) {
			if (rcpts == 0) {
				r = say(s.fd, "503 5.5.1 no recipients\r\n");
				continue;
			}
			if (say(s.fd, "354 go ahead\r\n") < 0)
				break;
			gssize n = read_data(&s);
			if (n < 0)
				break;
			spool_append((const char *)s.in->data, (size_t)n);
			g_byte_array_remove_range(s.in, 0, (guint)n + 3);
			for (int i = 0; i < rcpts && r == 0; i++)
				r = say(s.fd, "250 2.0.0 stored\r\n");
			rcpts = 0;
		} else if (g_ascii_strncasecmp(line, "RSET", 4) == 0) {
			rcpts = 0;
			r = say(s.fd, "250 2.0.0 ok\r\n");
		} else if (g_ascii_strncasecmp(line, "NOOP", 4) == 0)
			r = say(s.fd, "250 2.0.0 ok\r\n");
		else if (g_ascii_strncasecmp(line, "QUIT", 4) == 0) {
			say(s.fd, "221 2.0.0 bye\r\n");
			break;
		} else
			r = say(s.fd, "500 5.5.2 unknown command\r\n");
		if (r < 0)
			break;
	}
out:
	close(s.fd);
	g_byte_array_unref(s.in);
	return NULL;
}

int
main(int argc, char **argv)
{
	int port = 0;
	char *spool = NULL;
	GOptionEntry opts[] = {
		{ "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1", "P" },
		{ "spool", 0, 0, G_OPTION_ARG_FILENAME, &spool, "the file messages are appended to", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *e = NULL;
	GOptionContext *ctx = g_option_context_new("- the floor LMTP server for make bench");
	g_option_context_add_main_entries(ctx, opts, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &e) || port <= 0 || port > 65535 || !spool) {
		fprintf(stderr, "floor: %s\n", e ? e->message : "need --port and --spool");
		return 64;
	}
	g_option_context_free(ctx);
	signal(SIGPIPE, SIG_IGN);
	static sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);   /* inherited by every thread */
	spool_fd = open(spool, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (spool_fd < 0) {
		perror(spool);
		return 73;
	}
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 128) < 0) {
		perror("floor: listen");
		return 69;
	}
	pthread_t t;
	pthread_create(&t, NULL, stopper, &stop);
	pthread_detach(t);
	pthread_create(&t, NULL, committer, NULL);
	pthread_detach(t);
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			perror("floor: accept");
			return 71;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&t, NULL, session, GINT_TO_POINTER(fd)) != 0) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
}
