/* sd.c - sd_notify and socket activation without libsystemd.
 *
 * The protocol is small and stable (sd_notify(3), sd_listen_fds(3)): a
 * datagram of "KEY=VALUE\n" lines to the unix socket named in NOTIFY_SOCKET
 * ('@' starts an abstract name), and listening sockets passed from fd 3 on
 * with LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES. Writing it here keeps the
 * daemon free of one more library and lets the tests speak it in Python. */
#include "daemon/sd.h"
#include "conf/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Captured by sd_init: the environment is not read again afterwards, so the
 * send path needs no getenv and no allocation. */
static struct sockaddr_un notify_addr;
static socklen_t notify_len;
static uint64_t watchdog_usec;

static GThread *wd_thread;
static GMutex wd_lock;
static GCond wd_cond;
static gboolean wd_stop;
static int (*wd_healthy)(void);

static char **fd_names;        /* LISTEN_FDNAMES split at ':' */
static int fd_count;

/* parse_u64 - a whole decimal number, all of S; FALSE otherwise. */
static gboolean
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return FALSE;
	*out = v;
	return TRUE;
}

void
sd_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	notify_len = 0;
	if (path && (path[0] == '/' || path[0] == '@') && path[1] != '\0' &&
	    strlen(path) < sizeof(notify_addr.sun_path)) {
		size_t n = strlen(path);
		memset(&notify_addr, 0, sizeof(notify_addr));
		notify_addr.sun_family = AF_UNIX;
		memcpy(notify_addr.sun_path, path, n);
		if (path[0] == '@') {
			/* Abstract namespace: a leading NUL and no terminator in the length. */
			notify_addr.sun_path[0] = '\0';
			notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
		} else {
			notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
		}
	} else if (path && *path) {
		log_warning("event=sd_notify_socket_ignored reason=%s", log_quote("not a unix socket path"));
	}

	/* The watchdog is ours only when WATCHDOG_PID is absent or names us. */
	uint64_t usec = 0, pid = 0;
	const char *wpid = getenv("WATCHDOG_PID");
	if (parse_u64(getenv("WATCHDOG_USEC"), &usec) && usec > 0 &&
	    (!wpid || (parse_u64(wpid, &pid) && pid == (uint64_t)getpid())))
		watchdog_usec = usec;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int
sd_notify_send(const char *state)
{
	if (notify_len == 0)
		return 0;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (const struct sockaddr *)&notify_addr, notify_len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 1;
}

/* send_logged - sd_notify_send, with a failure logged once per kind. */
static void
send_logged(const char *state, const char *what)
{
	if (sd_notify_send(state) < 0)
		log_warning("event=sd_notify_failed what=%s reason=%s", what, log_quote(g_strerror(errno)));
	else
		log_debug("event=sd_notify what=%s", what);
}

/* status_line - STATUS= takes one line: newlines would start new keys. */
static char *
status_line(const char *status)
{
	char *s = g_strdup(status);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

void
sd_ready(const char *status)
{
	if (notify_len == 0)
		return;
	g_autofree char *st = status_line(status ? status : "running");
	g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", st);
	send_logged(msg, "ready");
}

void
sd_reloading(void)
{
	if (notify_len == 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t usec = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	g_autofree char *msg = g_strdup_printf("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=%" G_GUINT64_FORMAT,
	    (guint64)usec);
	send_logged(msg, "reloading");
}

void
sd_stopping(void)
{
	if (notify_len == 0)
		return;
	send_logged("STOPPING=1\nSTATUS=stopping: draining sessions", "stopping");
}

void
sd_status(const char *status)
{
	if (notify_len == 0)
		return;
	g_autofree char *st = status_line(status);
	g_autofree char *msg = g_strdup_printf("STATUS=%s", st);
	send_logged(msg, "status");
}

uint64_t
sd_watchdog_usec(void)
{
	return watchdog_usec;
}

/* watchdog_main - WATCHDOG=1 every half period (sd_watchdog_enabled(3)
 * advises half), skipped while the health check fails so that systemd
 * restarts a daemon that is alive but stuck. */
static gpointer
watchdog_main(gpointer unused)
{
	gint64 period = (gint64)(watchdog_usec / 2);
	if (period < 1000)
		period = 1000;
	g_mutex_lock(&wd_lock);
	while (!wd_stop) {
		g_mutex_unlock(&wd_lock);
		if (!wd_healthy || wd_healthy())
			sd_notify_send("WATCHDOG=1");
		else
			log_warning("event=watchdog_skipped reason=%s", log_quote("health check failed"));
		g_mutex_lock(&wd_lock);
		gint64 until = g_get_monotonic_time() + period;
		while (!wd_stop && g_cond_wait_until(&wd_cond, &wd_lock, until))
			;
	}
	g_mutex_unlock(&wd_lock);
	return NULL;
}

int
sd_watchdog_start(int (*healthy)(void))
{
	if (watchdog_usec == 0 || notify_len == 0 || wd_thread)
		return 0;
	wd_healthy = healthy;
	wd_stop = FALSE;
	wd_thread = g_thread_new("watchdog", watchdog_main, NULL);
	log_info("event=watchdog_enabled period_ms=%" G_GUINT64_FORMAT, (guint64)(watchdog_usec / 1000));
	return 0;
}

void
sd_watchdog_stop(void)
{
	if (!wd_thread)
		return;
	g_mutex_lock(&wd_lock);
	wd_stop = TRUE;
	g_cond_broadcast(&wd_cond);
	g_mutex_unlock(&wd_lock);
	g_thread_join(wd_thread);
	wd_thread = NULL;
}

int
sd_listen_fds(void)
{
	const char *spid = getenv("LISTEN_PID"), *sfds = getenv("LISTEN_FDS");
	uint64_t pid = 0, n = 0;
	int result = 0;

	if (!spid || !sfds)
		goto out;
	if (!parse_u64(spid, &pid) || !parse_u64(sfds, &n) || n > 1024) {
		log_error("event=socket_activation_invalid reason=%s",
		    log_quote("LISTEN_PID or LISTEN_FDS is not a number"));
		result = -1;
		goto out;
	}
	/* Meant for another process (a parent that did not unset them). */
	if (pid != (uint64_t)getpid())
		goto out;
	for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + (int)n; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags < 0) {
			log_error("event=socket_activation_invalid fd=%d reason=%s", fd,
			    log_quote(g_strerror(errno)));
			result = -1;
			goto out;
		}
		if (!(flags & FD_CLOEXEC))
			fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	}
	result = (int)n;
	fd_count = result;
	g_strfreev(fd_names);
	fd_names = NULL;
	const char *names = getenv("LISTEN_FDNAMES");
	if (names) {
		fd_names = g_strsplit(names, ":", -1);
		if (g_strv_length(fd_names) != n) {
			log_warning("event=socket_activation_names_ignored reason=%s",
			    log_quote("LISTEN_FDNAMES does not match LISTEN_FDS"));
			g_clear_pointer(&fd_names, g_strfreev);
		}
	}
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return result;
}

const char *
sd_listen_fd_name(int i)
{
	if (i < 0 || i >= fd_count)
		return NULL;
	return fd_names ? fd_names[i] : "unknown";
}

int
sd_is_listening_stream(int fd)
{
	int type = 0, acc = 0;
	socklen_t l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0 || type != SOCK_STREAM)
		return 0;
	l = sizeof(acc);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l) < 0)
		return 0;
	return acc != 0;
}

const char *
sd_describe_fd(int fd, char *buf, unsigned long size)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	char host[INET6_ADDRSTRLEN];

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0) {
		snprintf(buf, size, "fd:%d", fd);
		return buf;
	}
	if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
		size_t plen = l > offsetof(struct sockaddr_un, sun_path) ?
		    l - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen > 0 && un->sun_path[0] == '\0')
			snprintf(buf, size, "unix:@%.*s", (int)(plen - 1), un->sun_path + 1);
		else
			snprintf(buf, size, "unix:%.*s", (int)strnlen(un->sun_path, plen), un->sun_path);
	} else if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, size, "fd:%d", fd);
	}
	return buf;
}
