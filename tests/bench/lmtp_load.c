/* lmtp_load.c - an LMTP load generator for `make bench`.
 *
 * N client threads, each on one persistent connection (as Postfix caches
 * them), send distinct realistic liaison statements: MAIL/RCPT/DATA
 * pipelined as Postfix does, then the body; each gets its own Message-ID so
 * that no receiver can fold them. Reports messages/s, MB/s and the latency
 * from the end of DATA (the final dot written) to the last reply.
 *
 * Kinds: "text" (the statement in a text/plain body of --size bytes), "pdf"
 * (a short labelled body and --size bytes of base64 random filler named .pdf)
 * and "doc" (a mail shaped like a real 3GPP one: a few lines of text/plain
 * and the statement as the PDF --doc FILE, written by tests/bench/mkpdf.py,
 * whose cover title ends in "part 000000": those digits become the message's
 * number, so that each message is a distinct statement; --size is unused).
 *
 * usage: lmtp_load (--port P | --unix PATH) [--clients N] [--messages M]
 *        [--size BYTES] [--kind text|pdf|doc] [--doc FILE] [--rcpt ADDR] [--run TAG]
 * prints one line: key=value ... */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *unix_path;
static int clients = 8;
static int messages = 1000;
static long size = 50 * 1024;
static const char *kind = "text";
static const char *rcpt = "statements@ietf.org";
static const char *run_tag = "r";
static const char *doc_path;
static char *doc;              /* --doc FILE's bytes */
static gsize doc_len;
static gsize doc_mark;         /* offset of the digits of "part 000000" in doc */

static int next_msg;          /* shared counter: which message to send next */
static int errors;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static GArray *latencies;     /* double ms */
static long long bytes_sent;

struct conn {
	int fd;
	char buf[8192];
	size_t len;
};

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
conn_open(struct conn *c)
{
	c->len = 0;
	if (unix_path) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		g_strlcpy(sa.sun_path, unix_path, sizeof(sa.sun_path));
		c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		return connect(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return connect(c->fd, (struct sockaddr *)&sa, sizeof(sa));
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_reply - one whole (multi-line) reply; returns its code or -1. */
static int
read_reply(struct conn *c)
{
	for (;;) {
		char *eol;
		while ((eol = memmem(c->buf, c->len, "\r\n", 2)) != NULL) {
			size_t linelen = (size_t)(eol - c->buf) + 2;
			int code = linelen >= 5 ? atoi(c->buf) : -1;
			int last = linelen < 6 || c->buf[3] != '-';
			memmove(c->buf, c->buf + linelen, c->len - linelen);
			c->len -= linelen;
			if (last)
				return code;
		}
		if (c->len == sizeof(c->buf))
			return -1;
		ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c->len += (size_t)r;
	}
}

static const char *const paragraphs[] = {
	"3GPP TSG SA WG3 thanks the IETF QUIC working group for its liaison statement on "
	"multipath QUIC and would like to provide the following feedback on the security "
	"considerations of the ATSSS steering functions in Release 19.",
	"SA3 has studied the proposed key update procedure and notes that the current text "
	"of draft-ietf-quic-multipath does not address the case where the paths are anchored "
	"in different PLMNs; SA3 kindly asks the working group to clarify this point.",
	"The attached documents describe the agreed changes to TS 33.501 and the open "
	"questions that SA3 would like to discuss at its next meeting in October.",
	"ITU-T Study Group 15 informs the IETF CCAMP working group that the revised G.8080 "
	"architecture for the automatically switched optical network was consented.",
};

/* b64 filler for the "pdf" kind: a realistic attachment part, lines of 76. */
static void
append_attachment(GString *m, long want, int n)
{
	g_string_append_printf(m,
	    "--bench-boundary\r\nContent-Type: application/pdf; name=\"S3-24%04d.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"S3-24%04d.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", n % 10000, n % 10000);
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	guint32 x = (guint32)n * 2654435761u + 1;
	while ((long)m->len < want) {
		char line[78];
		for (int i = 0; i < 76; i++) {
			x = x * 1664525u + 1013904223u;
			line[i] = b64[(x >> 24) & 63];
		}
		line[76] = '\r';
		line[77] = '\n';
		g_string_append_len(m, line, 78);
	}
	g_string_append(m, "--bench-boundary--\r\n");
}

/* make_doc_message - statement number N as 3GPP sends them: a short
 * covering note and the LS as a PDF attachment whose cover title carries N. */
static GString *
make_doc_message(int n)
{
	int tdoc = 240000 + n % 10000;
	GString *m = g_string_sized_new(doc_len * 4 / 3 + doc_len / 38 + 4096);
	g_string_append_printf(m,
	    "From: 3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>\r\n"
	    "To: statements@ietf.org\r\n"
	    "Subject: [LS] LS on security of multipath QUIC for ATSSS steering, part %d\r\n"
	    "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
	    "Message-ID: <bench.%s.%d.%d@bench.example>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n"
	    "--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Dear colleagues,\r\n\r\n"
	    "please find attached LS S3-%d on security of multipath QUIC for ATSSS steering\r\n"
	    "from 3GPP TSG SA WG3 (SA3#124, Orlando, 16 - 20 November 2026).\r\n\r\n"
	    "Best regards,\r\n3GPP Liaisons Coordinator\r\n\r\n",
	    n, run_tag, (int)getpid(), n, tdoc);
	g_string_append_printf(m,
	    "--bench-boundary\r\nContent-Type: application/pdf; name=\"S3-%d.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"S3-%d.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", tdoc, tdoc);
	char *pdf = g_memdup2(doc, doc_len);
	char digits[8];
	g_snprintf(digits, sizeof(digits), "%06d", n % 1000000);
	memcpy(pdf + doc_mark, digits, 6);     /* same length: the xref stays right */
	char *b64 = g_base64_encode((const guchar *)pdf, doc_len);
	g_free(pdf);
	for (size_t off = 0, len = strlen(b64); off < len; off += 76) {
		g_string_append_len(m, b64 + off, (gssize)MIN(76, len - off));
		g_string_append(m, "\r\n");
	}
	g_free(b64);
	g_string_append(m, "--bench-boundary--\r\n.\r\n");   /* base64 has no '.' */
	return m;
}

/* make_message - statement number N, about SIZE bytes, CRLF, dot-stuffed. */
static GString *
make_message(int n)
{
	if (doc)
		return make_doc_message(n);
	GString *m = g_string_sized_new((gsize)size + 4096);
	gboolean pdf = strcmp(kind, "pdf") == 0;
	g_string_append_printf(m,
	    "From: 3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>\r\n"
	    "To: statements@ietf.org\r\n"
	    "Subject: LS on multipath QUIC security, part %d\r\n"
	    "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
	    "Message-ID: <bench.%s.%d.%d@bench.example>\r\n"
	    "MIME-Version: 1.0\r\n", n, run_tag, (int)getpid(), n);
	if (pdf)
		g_string_append(m, "Content-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n"
		    "--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	else
		g_string_append(m, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	g_string_append_printf(m,
	    "Title: LS on multipath QUIC security, part %d\r\n"
	    "From: 3GPP TSG SA WG3\r\n"
	    "From-Contact: Peter Schmitt <peter.schmitt@example.com>\r\n"
	    "To: IETF QUIC WG\r\n"
	    "Purpose: For Action\r\n"
	    "Deadline: 2030-09-10\r\n\r\n", n);
	long body_target = pdf ? 4096 : size;
	for (int i = 0; (long)m->len < body_target; i++) {
		g_string_append(m, paragraphs[(i + n) % G_N_ELEMENTS(paragraphs)]);
		g_string_append(m, "\r\n\r\n");
	}
	if (pdf)
		append_attachment(m, size, n);
	g_string_append(m, ".\r\n");   /* no line starts with '.', so no stuffing needed */
	return m;
}

static void *
client(void *arg G_GNUC_UNUSED)
{
	struct conn c;
	GArray *lat = g_array_new(FALSE, FALSE, sizeof(double));
	long long sent = 0;
	int errs = 0;

	if (conn_open(&c) < 0 || read_reply(&c) != 220) {
		pthread_mutex_lock(&mu);
		errors++;
		pthread_mutex_unlock(&mu);
		return NULL;
	}
	static const char lhlo[] = "LHLO bench.example\r\n";
	write_all(c.fd, lhlo, sizeof(lhlo) - 1);
	if (read_reply(&c) != 250)
		errs++;
	g_autofree char *env = g_strdup_printf("MAIL FROM:<bench@bench.example>\r\n"
	    "RCPT TO:<%s>\r\nDATA\r\n", rcpt);
	for (;;) {
		pthread_mutex_lock(&mu);
		int n = next_msg < messages ? next_msg++ : -1;
		pthread_mutex_unlock(&mu);
		if (n < 0)
			break;
		GString *m = make_message(n);
		if (write_all(c.fd, env, strlen(env)) < 0 || read_reply(&c) != 250 ||
		    read_reply(&c) != 250 || read_reply(&c) != 354 ||
		    write_all(c.fd, m->str, m->len) < 0) {
			errs++;
			g_string_free(m, TRUE);
			break;
		}
		double t0 = now_ms();
		int code = read_reply(&c);
		double dt = now_ms() - t0;
		if (code != 250)
			errs++;
		else
			g_array_append_val(lat, dt);
		sent += (long long)m->len;
		g_string_free(m, TRUE);
	}
	write_all(c.fd, "QUIT\r\n", 6);
	read_reply(&c);
	close(c.fd);
	pthread_mutex_lock(&mu);
	g_array_append_vals(latencies, lat->data, lat->len);
	bytes_sent += sent;
	errors += errs;
	pthread_mutex_unlock(&mu);
	g_array_unref(lat);
	return NULL;
}

static gint
cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	GOptionEntry opts[] = {
		{ "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1", "P" },
		{ "unix", 0, 0, G_OPTION_ARG_STRING, &unix_path, "unix socket", "PATH" },
		{ "clients", 0, 0, G_OPTION_ARG_INT, &clients, "concurrent connections", "N" },
		{ "messages", 0, 0, G_OPTION_ARG_INT, &messages, "messages in all", "M" },
		{ "size", 0, 0, G_OPTION_ARG_INT64, &size, "bytes per message", "BYTES" },
		{ "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "text, pdf or doc", "KIND" },
		{ "doc", 0, 0, G_OPTION_ARG_FILENAME, &doc_path, "the PDF for --kind doc (mkpdf.py)", "FILE" },
		{ "rcpt", 0, 0, G_OPTION_ARG_STRING, &rcpt, "recipient", "ADDR" },
		{ "run", 0, 0, G_OPTION_ARG_STRING, &run_tag, "tag in Message-IDs", "TAG" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *e = NULL;
	GOptionContext *ctx = g_option_context_new("- LMTP load generator");
	g_option_context_add_main_entries(ctx, opts, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &e) || (!port && !unix_path) ||
	    clients < 1 || messages < 1 || size < 1024) {
		fprintf(stderr, "lmtp_load: %s\n", e ? e->message : "need --port or --unix");
		return 64;
	}
	g_option_context_free(ctx);
	if (strcmp(kind, "text") != 0 && strcmp(kind, "pdf") != 0 && strcmp(kind, "doc") != 0) {
		fprintf(stderr, "lmtp_load: --kind is text, pdf or doc\n");
		return 64;
	}
	if (strcmp(kind, "doc") == 0) {
		if (!doc_path) {
			fprintf(stderr, "lmtp_load: --kind doc needs --doc FILE\n");
			return 64;
		}
		if (!g_file_get_contents(doc_path, &doc, &doc_len, &e)) {
			fprintf(stderr, "lmtp_load: %s\n", e->message);
			return 66;
		}
		const char *mark = memmem(doc, doc_len, "part 000000", 11);
		if (!mark) {
			fprintf(stderr, "lmtp_load: %s has no \"part 000000\" to number\n", doc_path);
			return 65;
		}
		doc_mark = (gsize)(mark - doc) + 5;
	}

	latencies = g_array_new(FALSE, FALSE, sizeof(double));
	pthread_t *th = g_new(pthread_t, clients);
	double t0 = now_ms();
	for (int i = 0; i < clients; i++)
		pthread_create(&th[i], NULL, client, NULL);
	for (int i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	double secs = (now_ms() - t0) / 1e3;
	g_array_sort(latencies, cmp_double);
	guint n = latencies->len;
	double p50 = n ? g_array_index(latencies, double, n / 2) : 0;
	double p99 = n ? g_array_index(latencies, double, n - 1 - n / 100) : 0;
	printf("acked=%u errors=%d seconds=%.3f msgs_per_s=%.1f mb_per_s=%.2f p50_ms=%.2f p99_ms=%.2f\n",
	    n, errors, secs, n / secs, bytes_sent / secs / 1e6, p50, p99);
	g_array_unref(latencies);
	g_free(th);
	g_free(doc);
	return errors ? 1 : 0;
}
