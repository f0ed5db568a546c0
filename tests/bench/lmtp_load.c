/* lmtp_load.c - an LMTP load generator for `make bench`.
 *
 * N client threads, each on one persistent connection (as Postfix caches
 * them), send distinct realistic liaison statements: MAIL/RCPT/DATA
 * pipelined as Postfix does, then the body; each gets its own Message-ID so
 * that no receiver can fold them. Reports messages/s, MB/s and the latency
 * from the end of DATA (the final dot written) to the last reply.
 *
 * Kinds: "text" (the statement in a text/plain body of --size bytes), "pdf"
 * (a short labelled body and --size bytes of base64 pseudo-random filler
 * named .pdf, starting with the message's number) and "doc" (a mail shaped
 * like a real 3GPP one: a few lines of text/plain and the statement as the
 * PDF --doc FILE, written by tests/bench/mkpdf.py, whose cover title ends in
 * "part 000000": those digits become the message's number, so that each
 * message is a distinct statement; --size is unused). Numbers are six digits
 * (Subject, Message-ID, Title, the PDF's), zero-padded: every message of a
 * kind has the same length, so that each is its template with the numbers
 * written over (see struct tmpl); --check compares that with whole builds.
 *
 * usage: lmtp_load (--port P | --unix PATH) [--clients N] [--messages M]
 *        [--size BYTES] [--kind text|pdf|doc] [--doc FILE] [--rcpt ADDR] [--run TAG]
 *        lmtp_load --check [--messages M] [--size BYTES] [--kind ...] [--doc FILE]
 * prints one line: key=value ... */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
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
static gboolean check_only;
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

/* A message kind is built once, before the clients start, as a template:
 * message number T (one per rotation of the paragraphs; one for doc). Each
 * message N is that template with N's numbers written over T's. They are
 * fixed width, so that every message of a template has the same length, and
 * for doc the few base64 characters that carry the PDF's six digits are
 * encoded again. The message goes out with writev from the shared template
 * and the patched pieces in between: the generator spends next to no CPU per
 * byte, since it shares the 2 cores with the server it measures. */
enum field {
	F_N6,        /* N, %06d */
	F_N4,        /* N % 10000, %04d */
	F_TDOC,      /* 240000 + N % 10000 */
	F_B64,       /* doc: the base64 (with any CRLF within) of the PDF's digits */
};

#define MAX_FIELDS 8
#define ROTATIONS 4            /* the text body starts at paragraph N % 4 */
G_STATIC_ASSERT(G_N_ELEMENTS(paragraphs) == ROTATIONS);

struct tmpl {
	GString *m;
	int nfields;
	struct {
		size_t off, len;
		enum field f;
	} fields[MAX_FIELDS];
	size_t b64;               /* doc: where the PDF's base64 starts */
};

static struct tmpl *tmpls[ROTATIONS];

/* b64_pos - where base64 character C is, from the start of the base64: lines
 * of 76 characters, each followed by CRLF. */
static size_t
b64_pos(size_t c)
{
	return c + 2 * (c / 76);
}

/* doc_groups - the 3-byte groups of the PDF holding its six digits: bytes
 * [*FROM, *TO) of it. */
static void
doc_groups(size_t *from, size_t *to)
{
	*from = doc_mark / 3 * 3;
	*to = MIN((doc_mark + 6 + 2) / 3 * 3, doc_len);
}

/* field_text - field K of T for message N into BUF (32 bytes); its length,
 * the same as in T. */
static size_t
field_text(const struct tmpl *t, int k, int n, char *buf)
{
	switch (t->fields[k].f) {
	case F_N6:
		return (size_t)g_snprintf(buf, 32, "%06d", n);
	case F_N4:
		return (size_t)g_snprintf(buf, 32, "%04d", n % 10000);
	case F_TDOC:
		return (size_t)g_snprintf(buf, 32, "%d", 240000 + n % 10000);
	case F_B64:
		break;
	}
	size_t from, to;
	doc_groups(&from, &to);
	guchar bytes[9];
	char digits[8];
	memcpy(bytes, doc + from, to - from);
	g_snprintf(digits, sizeof(digits), "%06d", n % 1000000);
	memcpy(bytes + (doc_mark - from), digits, 6);
	g_autofree char *enc = g_base64_encode(bytes, to - from);
	size_t first = b64_pos(from / 3 * 4), len = t->fields[k].len;
	memcpy(buf, t->m->str + t->fields[k].off, len);     /* the CRLF, if one is within */
	for (size_t i = 0; enc[i]; i++)
		buf[b64_pos(from / 3 * 4 + i) - first] = enc[i];
	return len;
}

/* put - append field F of message N to T's message, and note where it is. */
static void
put(struct tmpl *t, enum field f, int n)
{
	g_assert(t->nfields < MAX_FIELDS && f != F_B64);
	char buf[32];
	t->fields[t->nfields].off = t->m->len;
	t->fields[t->nfields].f = f;
	size_t len = field_text(t, t->nfields, n, buf);
	t->fields[t->nfields++].len = len;
	g_string_append_len(t->m, buf, (gssize)len);
}

/* b64 filler for the "pdf" kind: a realistic attachment part, lines of 76,
 * starting with the message's number (its bytes differ from every other's:
 * liaisond stores attachments by digest). */
static void
append_attachment(struct tmpl *t, long want, int n)
{
	GString *m = t->m;
	g_string_append(m, "--bench-boundary\r\nContent-Type: application/pdf; name=\"S3-24");
	put(t, F_N4, n);
	g_string_append(m, ".pdf\"\r\nContent-Disposition: attachment; filename=\"S3-24");
	put(t, F_N4, n);
	g_string_append(m, ".pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	put(t, F_N6, n);
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	guint32 x = 2654435761u;
	for (int first = 6; (long)m->len < want; first = 0) {
		char line[78];
		for (int i = first; i < 76; i++) {
			x = x * 1664525u + 1013904223u;
			line[i] = b64[(x >> 24) & 63];
		}
		line[76] = '\r';
		line[77] = '\n';
		g_string_append_len(m, line + first, 78 - first);
	}
	g_string_append(m, "--bench-boundary--\r\n");
}

/* put_headers - the header fields both kinds share: SUBJECT ", part NNNNNN",
 * a Message-ID with the number, MIME-Version. */
static void
put_headers(struct tmpl *t, const char *subject, int n)
{
	g_string_append_printf(t->m,
	    "From: 3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>\r\n"
	    "To: statements@ietf.org\r\n"
	    "Subject: %s, part ", subject);
	put(t, F_N6, n);
	g_string_append_printf(t->m, "\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
	    "Message-ID: <bench.%s.%d.", run_tag, (int)getpid());
	put(t, F_N6, n);
	g_string_append(t->m, "@bench.example>\r\nMIME-Version: 1.0\r\n");
}

/* make_doc_message - statement number N as 3GPP sends them: a short
 * covering note and the LS as a PDF attachment whose cover title carries N. */
static struct tmpl *
make_doc_message(int n)
{
	struct tmpl *t = g_new0(struct tmpl, 1);
	GString *m = t->m = g_string_sized_new(doc_len * 4 / 3 + doc_len / 38 + 4096);
	put_headers(t, "[LS] LS on security of multipath QUIC for ATSSS steering", n);
	g_string_append(m,
	    "Content-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n"
	    "--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Dear colleagues,\r\n\r\n"
	    "please find attached LS S3-");
	put(t, F_TDOC, n);
	g_string_append(m, " on security of multipath QUIC for ATSSS steering\r\n"
	    "from 3GPP TSG SA WG3 (SA3#124, Orlando, 16 - 20 November 2026).\r\n\r\n"
	    "Best regards,\r\n3GPP Liaisons Coordinator\r\n\r\n"
	    "--bench-boundary\r\nContent-Type: application/pdf; name=\"S3-");
	put(t, F_TDOC, n);
	g_string_append(m, ".pdf\"\r\nContent-Disposition: attachment; filename=\"S3-");
	put(t, F_TDOC, n);
	g_string_append(m, ".pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	t->b64 = m->len;
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
	size_t from, to;
	doc_groups(&from, &to);
	size_t first = b64_pos(from / 3 * 4), last = b64_pos((to + 2) / 3 * 4 - 1);
	t->fields[t->nfields].off = t->b64 + first;
	t->fields[t->nfields].len = last + 1 - first;
	t->fields[t->nfields++].f = F_B64;
	g_string_append(m, "--bench-boundary--\r\n.\r\n");   /* base64 has no '.' */
	return t;
}

/* make_message - statement number N, about SIZE bytes, CRLF, dot-stuffed:
 * built as a whole, the straightforward way (templates, --check). */
static struct tmpl *
make_message(int n)
{
	if (doc)
		return make_doc_message(n);
	struct tmpl *t = g_new0(struct tmpl, 1);
	GString *m = t->m = g_string_sized_new((gsize)size + 4096);
	gboolean pdf = strcmp(kind, "pdf") == 0;
	put_headers(t, "LS on multipath QUIC security", n);
	if (pdf)
		g_string_append(m, "Content-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n"
		    "--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	else
		g_string_append(m, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	g_string_append(m, "Title: LS on multipath QUIC security, part ");
	put(t, F_N6, n);
	g_string_append(m, "\r\n"
	    "From: 3GPP TSG SA WG3\r\n"
	    "From-Contact: Peter Schmitt <peter.schmitt@example.com>\r\n"
	    "To: IETF QUIC WG\r\n"
	    "Purpose: For Action\r\n"
	    "Deadline: 2030-09-10\r\n\r\n");
	long body_target = pdf ? 4096 : size;
	for (int i = 0; (long)m->len < body_target; i++) {
		g_string_append(m, paragraphs[(i + n) % ROTATIONS]);
		g_string_append(m, "\r\n\r\n");
	}
	if (pdf)
		append_attachment(t, size, n);
	g_string_append(m, ".\r\n");   /* no line starts with '.', so no stuffing needed */
	return t;
}

static void
tmpl_free(struct tmpl *t)
{
	g_string_free(t->m, TRUE);
	g_free(t);
}

/* message_iov - message N as pieces: the template's bytes between its
 * fields, and N's fields (written into PATCH) in their places. */
static int
message_iov(int n, char patch[][32], struct iovec *iov)
{
	const struct tmpl *t = tmpls[doc ? 0 : n % ROTATIONS];
	size_t at = 0;
	int k = 0;
	for (int i = 0; i < t->nfields; i++) {
		size_t len = field_text(t, i, n, patch[i]);
		g_assert(len == t->fields[i].len);
		iov[k++] = (struct iovec){ t->m->str + at, t->fields[i].off - at };
		iov[k++] = (struct iovec){ patch[i], len };
		at = t->fields[i].off + len;
	}
	iov[k++] = (struct iovec){ t->m->str + at, t->m->len - at };
	return k;
}

static int
writev_all(int fd, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t w = writev(fd, iov, MIN(cnt, IOV_MAX));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		size_t left = (size_t)w;
		for (; cnt > 0 && left >= iov->iov_len; iov++, cnt--)
			left -= iov->iov_len;
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

/* check - message N from the template equals message N built whole, for
 * numbers that change every digit and the wrap of N % 10000; all of one
 * template the same length. 0 when so. */
static int
check(void)
{
	static const int ns[] = { 0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 99, 100, 101, 999, 1000, 9999,
		10000, 12345, 99999, 100000, 543210, 999999 };
	int checked = 0, bad = 0;
	for (size_t i = 0; i <= G_N_ELEMENTS(ns); i++) {
		int n = i < G_N_ELEMENTS(ns) ? ns[i] : messages - 1;
		if (n >= messages)
			continue;
		char patch[MAX_FIELDS][32];
		struct iovec iov[2 * MAX_FIELDS + 1];
		int cnt = message_iov(n, patch, iov);
		GString *got = g_string_new(NULL);
		for (int k = 0; k < cnt; k++)
			g_string_append_len(got, iov[k].iov_base, (gssize)iov[k].iov_len);
		struct tmpl *want = make_message(n);
		if (got->len != want->m->len || memcmp(got->str, want->m->str, got->len) != 0) {
			fprintf(stderr, "lmtp_load: message %d differs from its whole build\n", n);
			bad++;
		}
		checked++;
		tmpl_free(want);
		g_string_free(got, TRUE);
	}
	printf("checked=%d mismatches=%d bytes=%zu\n", checked, bad, tmpls[0]->m->len);
	return bad ? 1 : 0;
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
		char patch[MAX_FIELDS][32];
		struct iovec iov[2 * MAX_FIELDS + 1];
		int cnt = message_iov(n, patch, iov);
		size_t len = 0;
		for (int k = 0; k < cnt; k++)
			len += iov[k].iov_len;
		if (write_all(c.fd, env, strlen(env)) < 0 || read_reply(&c) != 250 ||
		    read_reply(&c) != 250 || read_reply(&c) != 354 ||
		    writev_all(c.fd, iov, cnt) < 0) {
			errs++;
			break;
		}
		double t0 = now_ms();
		int code = read_reply(&c);
		double dt = now_ms() - t0;
		if (code != 250)
			errs++;
		else
			g_array_append_val(lat, dt);
		sent += (long long)len;
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
		{ "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
		  "send nothing: compare messages from the templates with whole builds", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *e = NULL;
	GOptionContext *ctx = g_option_context_new("- LMTP load generator");
	g_option_context_add_main_entries(ctx, opts, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &e) || (!port && !unix_path && !check_only) ||
	    clients < 1 || messages < 1 || messages > 1000000 || size < 1024) {
		fprintf(stderr, "lmtp_load: %s\n", e ? e->message :
		    "need --port or --unix, 1 to 1000000 --messages, --size of 1024 or more");
		g_clear_error(&e);
		g_option_context_free(ctx);
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
			g_error_free(e);
			return 66;
		}
		const char *mark = memmem(doc, doc_len, "part 000000", 11);
		if (!mark) {
			fprintf(stderr, "lmtp_load: %s has no \"part 000000\" to number\n", doc_path);
			g_free(doc);
			return 65;
		}
		doc_mark = (gsize)(mark - doc) + 5;
	}

	int ntmpl = doc ? 1 : MIN(ROTATIONS, messages);
	for (int r = 0; r < ntmpl; r++)
		tmpls[r] = make_message(r);
	if (check_only) {
		int rc = check();
		for (int r = 0; r < ntmpl; r++)
			tmpl_free(tmpls[r]);
		g_free(doc);
		return rc;
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
	for (int r = 0; r < ntmpl; r++)
		tmpl_free(tmpls[r]);
	g_free(doc);
	return errors ? 1 : 0;
}
