/* test_lmtp_cmd.c - the LMTP command parser and the DATA decoder, from tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

/* The daemon's files are not in the layers' archives; these two are pure, so they are
 * compiled into the test directly. */
#include "daemon/lmtp_cmd.c"
#include "daemon/lmtp_data.c"

struct cmd_case {
	const char *line;
	enum lmtp_parse result;
	enum lmtp_verb verb;
	const char *path;        /* expected path, or NULL to skip */
	const char *arg;         /* expected arg, or NULL to skip */
	gint64 size;
	enum lmtp_body body;
	gboolean smtputf8;
	gboolean path_8bit;
};

#define OK LMTP_PARSE_OK
#define UNK LMTP_PARSE_UNKNOWN
#define SYN LMTP_PARSE_SYNTAX
#define PAR LMTP_PARSE_PARAM
#define LONG LMTP_PARSE_PATH_LONG

static const struct cmd_case cases[] = {
	/* verbs */
	{ "LHLO client.example", OK, LMTP_V_LHLO, NULL, "client.example", -1, 0, 0, 0 },
	{ "lhlo client.example  ", OK, LMTP_V_LHLO, NULL, "client.example", -1, 0, 0, 0 },
	{ "LhLo [127.0.0.1]", OK, LMTP_V_LHLO, NULL, "[127.0.0.1]", -1, 0, 0, 0 },
	{ "LHLO", SYN, LMTP_V_LHLO, NULL, NULL, -1, 0, 0, 0 },
	{ "LHLO ", SYN, LMTP_V_LHLO, NULL, NULL, -1, 0, 0, 0 },
	{ "HELO x", OK, LMTP_V_HELO, NULL, "x", -1, 0, 0, 0 },
	{ "EHLO x", OK, LMTP_V_EHLO, NULL, "x", -1, 0, 0, 0 },
	{ "EHLO", OK, LMTP_V_EHLO, NULL, NULL, -1, 0, 0, 0 },
	{ "DATA", OK, LMTP_V_DATA, NULL, NULL, -1, 0, 0, 0 },
	{ "data", OK, LMTP_V_DATA, NULL, NULL, -1, 0, 0, 0 },
	{ "DATA ", OK, LMTP_V_DATA, NULL, NULL, -1, 0, 0, 0 },
	{ "DATA x", SYN, LMTP_V_DATA, NULL, NULL, -1, 0, 0, 0 },
	{ "RSET", OK, LMTP_V_RSET, NULL, NULL, -1, 0, 0, 0 },
	{ "RSET now", SYN, LMTP_V_RSET, NULL, NULL, -1, 0, 0, 0 },
	{ "QUIT", OK, LMTP_V_QUIT, NULL, NULL, -1, 0, 0, 0 },
	{ "QUIT please", SYN, LMTP_V_QUIT, NULL, NULL, -1, 0, 0, 0 },
	{ "NOOP", OK, LMTP_V_NOOP, NULL, NULL, -1, 0, 0, 0 },
	{ "NOOP anything at all", OK, LMTP_V_NOOP, NULL, "anything at all", -1, 0, 0, 0 },
	{ "VRFY postmaster", OK, LMTP_V_VRFY, NULL, "postmaster", -1, 0, 0, 0 },
	{ "VRFY", SYN, LMTP_V_VRFY, NULL, NULL, -1, 0, 0, 0 },
	{ "", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ " ", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "BDAT 100 LAST", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "STARTTLS", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "EXPN list", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "DATAX", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "MAI", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ "GET / HTTP/1.0", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },
	{ " LHLO x", UNK, LMTP_V_UNKNOWN, NULL, NULL, -1, 0, 0, 0 },

	/* MAIL */
	{ "MAIL FROM:<a@example.org>", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, 0, 0, 0 },
	{ "mail from:<a@example.org>", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<>", OK, LMTP_V_MAIL, "", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM: <a@example.org>", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=12345", OK, LMTP_V_MAIL, "a@example.org", NULL, 12345, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=0", OK, LMTP_V_MAIL, "a@example.org", NULL, 0, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=99999999999999999999", OK, LMTP_V_MAIL, "a@example.org", NULL, G_MAXINT64, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=999999999999999999999", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> BODY=8BITMIME", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, LMTP_BODY_8BITMIME, 0, 0 },
	{ "MAIL FROM:<a@example.org> body=7bit", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, LMTP_BODY_7BIT, 0, 0 },
	{ "MAIL FROM:<a@example.org> SMTPUTF8", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, 0, TRUE, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=10 BODY=8BITMIME SMTPUTF8", OK, LMTP_V_MAIL, "a@example.org", NULL, 10, LMTP_BODY_8BITMIME, TRUE, 0 },
	{ "MAIL FROM:<a@example.org>  SIZE=10   BODY=7BIT ", OK, LMTP_V_MAIL, "a@example.org", NULL, 10, LMTP_BODY_7BIT, 0, 0 },
	{ "MAIL FROM:<\xc3\xa9l\xc3\xa8ve@exemple.fr> SMTPUTF8", OK, LMTP_V_MAIL, "\xc3\xa9l\xc3\xa8ve@exemple.fr", NULL, -1, 0, TRUE, TRUE },
	{ "MAIL FROM:<@relay.example,@b.example:a@example.org>", OK, LMTP_V_MAIL, "a@example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<\"john doe\"@example.org>", OK, LMTP_V_MAIL, "\"john doe\"@example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<\"a>b\"@example.org>", OK, LMTP_V_MAIL, "\"a>b\"@example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@[192.0.2.1]>", OK, LMTP_V_MAIL, "a@[192.0.2.1]", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a+tag@sub.example.org>", OK, LMTP_V_MAIL, "a+tag@sub.example.org", NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:a@example.org", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL TO:<a@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL  FROM:<a@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM <a@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org>x", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a b@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@exa mple.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a..b@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<.a@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example..org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@-example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a(b)@example.org>", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org>\r", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=12a", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=-1", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SIZE=1 SIZE=2", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> BODY=BINARYMIME", PAR, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> BODY", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> SMTPUTF8=yes", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> AUTH=<>", PAR, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> RET=FULL", PAR, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> =x", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<a@example.org> -X=1", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },
	{ "MAIL FROM:<\xff@example.org> SMTPUTF8", SYN, LMTP_V_MAIL, NULL, NULL, -1, 0, 0, 0 },

	/* RCPT */
	{ "RCPT TO:<statements@ietf.org>", OK, LMTP_V_RCPT, "statements@ietf.org", NULL, -1, 0, 0, 0 },
	{ "rcpt to:<Statements@IETF.ORG>", OK, LMTP_V_RCPT, "Statements@IETF.ORG", NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<postmaster>", OK, LMTP_V_RCPT, "postmaster", NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<PostMaster>", OK, LMTP_V_RCPT, "PostMaster", NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<@a.example:statements@ietf.org>", OK, LMTP_V_RCPT, "statements@ietf.org", NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<user>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:statements@ietf.org", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT FROM:<statements@ietf.org>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<statements@ietf.org> NOTIFY=NEVER", PAR, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<statements@ietf.org> SIZE=1", PAR, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<@bad:>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<@bad statements@ietf.org>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
	{ "RCPT TO:<st\tatements@ietf.org>", SYN, LMTP_V_RCPT, NULL, NULL, -1, 0, 0, 0 },
};

static void
test_cmd_table(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct cmd_case *t = &cases[i];
		struct lmtp_cmd cmd;
		const char *why = NULL;
		enum lmtp_parse r = lmtp_cmd_parse(t->line, strlen(t->line), &cmd, &why);
		if (r != t->result)
			fail_msg("line %zu '%s': result %d, expected %d (%s)", i, t->line, r, t->result,
			    why ? why : "");
		assert_true(r == LMTP_PARSE_OK ? why == NULL : why != NULL);
		if (t->result != UNK && cmd.verb != t->verb)
			fail_msg("line '%s': verb %s", t->line, lmtp_cmd_verb_name(cmd.verb));
		if (r == LMTP_PARSE_OK) {
			if (t->path && strcmp(cmd.path, t->path) != 0)
				fail_msg("line '%s': path '%s'", t->line, cmd.path);
			if (t->arg && (!cmd.arg || strcmp(cmd.arg, t->arg) != 0))
				fail_msg("line '%s': arg '%s'", t->line, cmd.arg ? cmd.arg : "(null)");
			if (cmd.size != t->size || cmd.body != t->body || cmd.smtputf8 != t->smtputf8 ||
			    cmd.path_8bit != t->path_8bit)
				fail_msg("line '%s': params size=%" G_GINT64_FORMAT " body=%d utf8=%d 8bit=%d",
				    t->line, cmd.size, cmd.body, cmd.smtputf8, cmd.path_8bit);
		}
		lmtp_cmd_clear(&cmd);
	}
}

/* Paths are limited to 256 octets with <> (RFC 5321 4.5.3.1.3). */
static void
test_path_length(void **state)
{
	struct lmtp_cmd cmd;
	const char *why;
	for (int n = 240; n <= 260; n++) {
		g_autofree char *local = g_strnfill((gsize)(n - 2 - 12), 'a');
		g_autofree char *line = g_strdup_printf("RCPT TO:<%s@example.org>", local);
		enum lmtp_parse r = lmtp_cmd_parse(line, strlen(line), &cmd, &why);
		assert_int_equal(r, n <= 256 ? LMTP_PARSE_OK : LMTP_PARSE_PATH_LONG);
		lmtp_cmd_clear(&cmd);
	}
}

/* NUL and other control octets inside a command are a syntax error, and the
 * parser never reads past LEN. */
static void
test_binary(void **state)
{
	struct lmtp_cmd cmd;
	const char *why;
	static const char nul[] = "MAIL FROM:<a@b.example>\0 SIZE=1";
	assert_int_equal(lmtp_cmd_parse(nul, sizeof(nul) - 1, &cmd, &why), LMTP_PARSE_SYNTAX);
	lmtp_cmd_clear(&cmd);
	/* LEN cuts the line: "RCPT TO:<a@b.example>" without the '>' is incomplete. */
	static const char cut[] = "RCPT TO:<a@b.example>";
	assert_int_equal(lmtp_cmd_parse(cut, sizeof(cut) - 2, &cmd, &why), LMTP_PARSE_SYNTAX);
	lmtp_cmd_clear(&cmd);
	assert_int_equal(lmtp_cmd_parse("NOOP", 2, &cmd, &why), LMTP_PARSE_UNKNOWN);
	lmtp_cmd_clear(&cmd);
	/* every prefix of a valid line parses without crashing */
	static const char full[] = "MAIL FROM:<@r.example:\"q\\\"x\"@[1.2.3.4]> SIZE=10 BODY=8BITMIME SMTPUTF8";
	for (size_t n = 0; n <= sizeof(full) - 1; n++) {
		char *copy = g_memdup2(full, n);     /* exact size: ASan catches over-reads */
		lmtp_cmd_parse(copy, n, &cmd, &why);
		lmtp_cmd_clear(&cmd);
		g_free(copy);
	}
}

struct data_case {
	const char *in;          /* the bytes after the 354 */
	const char *out;         /* what is stored */
	gboolean done;
	gboolean bare;
	size_t rest;             /* bytes left after the end (the next command) */
};

static const struct data_case data_cases[] = {
	{ ".\r\n", "", TRUE, FALSE, 0 },
	{ "a\r\n.\r\n", "a\r\n", TRUE, FALSE, 0 },
	{ "a\r\n.\r\nQUIT\r\n", "a\r\n", TRUE, FALSE, 6 },
	{ "..a\r\n.\r\n", ".a\r\n", TRUE, FALSE, 0 },
	{ "..\r\n.\r\n", ".\r\n", TRUE, FALSE, 0 },
	{ "...\r\n.\r\n", "..\r\n", TRUE, FALSE, 0 },
	{ "a.b\r\n.\r\n", "a.b\r\n", TRUE, FALSE, 0 },
	{ "a\r\n .\r\n.\r\n", "a\r\n .\r\n", TRUE, FALSE, 0 },
	{ "a\r\n\r\n.\r\n", "a\r\n\r\n", TRUE, FALSE, 0 },
	{ "a\r\n.", "a\r\n", FALSE, FALSE, 0 },
	{ "a\r\n.\r", "a\r\n", FALSE, FALSE, 0 },
	{ "a\r\n", "a\r\n", FALSE, FALSE, 0 },
	/* smuggling attempts: none of these ends the data */
	{ "a\n.\n", "a\n.\n", FALSE, TRUE, 0 },
	{ "a\n.\r\n", "a\n.\r\n", FALSE, TRUE, 0 },
	{ "a\r\n.\n", "a\r\n\n", FALSE, TRUE, 0 },
	{ "a\r.\r\n", "a\r.\r\n", FALSE, TRUE, 0 },
	{ "a\r\n.\rX", "a\r\n\rX", FALSE, TRUE, 0 },
	{ "a\n.\nMAIL FROM:<x@y>\r\n.\r\n", "a\n.\nMAIL FROM:<x@y>\r\n", TRUE, TRUE, 0 },
	{ "a\r\r\n.\r\n", "a\r\r\n", TRUE, TRUE, 0 },
	{ "a\rb\r\n.\r\n", "a\rb\r\n", TRUE, TRUE, 0 },
	{ "\n.\r\n.\r\n", "\n.\r\n", TRUE, TRUE, 0 },
	{ "8bit \xc3\xa9\x01\x7f\r\n.\r\n", "8bit \xc3\xa9\x01\x7f\r\n", TRUE, FALSE, 0 },
};

/* run_data - decode IN in pieces of STEP bytes (1 = byte by byte). */
static void
run_data(const struct data_case *t, size_t len, size_t step)
{
	struct lmtp_data d;
	GString *out = g_string_new(NULL);
	char buf[64];
	size_t i = 0;
	lmtp_data_init(&d);
	while (i < len && !d.done) {
		size_t n = MIN(step, len - i), o;
		size_t used = lmtp_data_feed(&d, t->in + i, n, buf, &o);
		assert_true(o <= n + 2);
		g_string_append_len(out, buf, (gssize)o);
		i += used;
		if (used < n)
			assert_true(d.done);
	}
	size_t want = strlen(t->out);
	if (out->len != want || memcmp(out->str, t->out, want) != 0 || d.done != t->done ||
	    d.bare_eol != t->bare || len - i != t->rest)
		fail_msg("data %s (step %zu): out %zu bytes, done %d, bare %d, rest %zu",
		    g_strescape(t->in, NULL), step, out->len, d.done, d.bare_eol, len - i);
	g_string_free(out, TRUE);
}

static void
test_data_table(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(data_cases); i++) {
		const struct data_case *t = &data_cases[i];
		size_t len = strlen(t->in);
		for (size_t step = 1; step <= 7; step++)
			run_data(t, len, step);
		run_data(t, len, 60);
	}
}

/* NUL octets are content like any other (stored as sent). */
static void
test_data_nul(void **state)
{
	static const char in[] = "a\0b\r\n.\r\n";
	struct lmtp_data d;
	char out[32];
	size_t o;
	lmtp_data_init(&d);
	assert_int_equal(lmtp_data_feed(&d, in, sizeof(in) - 1, out, &o), sizeof(in) - 1);
	assert_true(d.done);
	assert_int_equal(o, 5);
	assert_memory_equal(out, "a\0b\r\n", 5);
}

/* Inputs for the chunking test: each is decoded whole, then cut into two and
 * into three pieces at every possible place; all must give OUT, the flags and
 * the bytes left over (REST) exactly. LEN/OUT_LEN 0: strlen. */
struct split_case {
	const char *in;
	size_t len;
	const char *out;
	size_t out_len;
	gboolean done;
	gboolean bare;
	size_t rest;
};

static const struct split_case split_cases[] = {
	{ ".\r\n", 0, "", 0, TRUE, FALSE, 0 },
	{ "..a\r\n...\r\n..\r\nb.\r\n.\r\n", 0, ".a\r\n..\r\n.\r\nb.\r\n", 0, TRUE, FALSE, 0 },
	{ "a\r\n.\r\nQUIT\r\n", 0, "a\r\n", 0, TRUE, FALSE, 6 },
	{ "\r\n\r\n.\r\n", 0, "\r\n\r\n", 0, TRUE, FALSE, 0 },
	{ "a\rb\r\n.\r\n", 0, "a\rb\r\n", 0, TRUE, TRUE, 0 },
	{ "a\nb\r\n.\r\n", 0, "a\nb\r\n", 0, TRUE, TRUE, 0 },
	{ "a\r\r\n.\r\n", 0, "a\r\r\n", 0, TRUE, TRUE, 0 },
	{ "a\n.\r\nb\r\n.\r\n", 0, "a\n.\r\nb\r\n", 0, TRUE, TRUE, 0 },
	{ "a\n.\n.\r\n", 0, "a\n.\n.\r\n", 0, FALSE, TRUE, 0 },
	{ "a\r\n.\rX\r\n.\r\n", 0, "a\r\n\rX\r\n", 0, TRUE, TRUE, 0 },
	{ "a\r\n.\n", 0, "a\r\n\n", 0, FALSE, TRUE, 0 },
	{ "a\r\n.\r", 0, "a\r\n", 0, FALSE, FALSE, 0 },
	{ "line\r", 0, "line", 0, FALSE, FALSE, 0 },
	{ "\r\r\r\n\n\n\r\n.\r\n", 0, "\r\r\r\n\n\n\r\n", 0, TRUE, TRUE, 0 },
	{ "a\0b\r\n.\0\r\n.\r\n", 12, "a\0b\r\n\0\r\n", 8, TRUE, FALSE, 0 },
	{ "no end at all", 0, "no end at all", 0, FALSE, FALSE, 0 },
};

/* split_decode - IN decoded in the pieces that CUTS (NCUTS ascending offsets)
 * make, each piece a copy of its exact size and each output buffer of the
 * size the contract promises (piece + 2), so that ASan sees any overrun. */
static GString *
split_decode(const char *in, size_t len, const size_t *cuts, int ncuts, struct lmtp_data *d,
    size_t *rest)
{
	GString *out = g_string_new(NULL);
	size_t start = 0;
	lmtp_data_init(d);
	for (int k = 0; k <= ncuts && !d->done; k++) {
		size_t end = k < ncuts ? cuts[k] : len, n = end - start, o;
		char *piece = g_memdup2(in + start, n), *buf = g_malloc(n + 2);
		size_t used = lmtp_data_feed(d, piece, n, buf, &o);
		assert_true(used <= n && o <= n + 2);
		if (used < n)
			assert_true(d->done);
		g_string_append_len(out, buf, (gssize)o);
		g_free(piece);
		g_free(buf);
		start += used;
	}
	*rest = len - start;
	return out;
}

static void
check_split(const struct split_case *t, const char *in, size_t len, const char *want,
    size_t want_len, const size_t *cuts, int ncuts)
{
	struct lmtp_data d;
	size_t rest;
	GString *out = split_decode(in, len, cuts, ncuts, &d, &rest);
	if (out->len != want_len || memcmp(out->str, want, want_len) != 0 ||
	    d.done != t->done || d.bare_eol != t->bare || rest != t->rest)
		fail_msg("data of %zu bytes cut at %zu,%zu (%d cuts): out %zu bytes (want %zu), "
		    "done %d, bare %d, rest %zu", len, ncuts > 0 ? cuts[0] : 0,
		    ncuts > 1 ? cuts[1] : 0, ncuts, out->len, want_len, d.done, d.bare_eol, rest);
	g_string_free(out, TRUE);
}

/* run_splits - whole, then every cut into two and into three non-empty pieces. */
static void
run_splits(const struct split_case *t, const char *in, size_t len, const char *want,
    size_t want_len)
{
	size_t cuts[2] = { 0, 0 };
	check_split(t, in, len, want, want_len, cuts, 0);
	for (cuts[0] = 1; cuts[0] < len; cuts[0]++) {
		check_split(t, in, len, want, want_len, cuts, 1);
		for (cuts[1] = cuts[0] + 1; cuts[1] < len; cuts[1]++)
			check_split(t, in, len, want, want_len, cuts, 2);
	}
}

static void
test_data_splits(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(split_cases); i++) {
		const struct split_case *t = &split_cases[i];
		run_splits(t, t->in, t->len ? t->len : strlen(t->in), t->out,
		    t->out_len ? t->out_len : strlen(t->out));
	}
	/* Long lines around stuffed dots and the end, then a run of bare LFs
	 * with no CR anywhere after it (the scan for the next CR finds none). */
	GString *in = g_string_new(NULL), *want = g_string_new(NULL);
	for (int k = 0; k < 3; k++) {
		g_string_append_c(in, '.');
		for (int j = 0; j < 150; j++) {
			g_string_append_c(in, (char)('a' + (j + k) % 26));
			g_string_append_c(want, (char)('a' + (j + k) % 26));
		}
		g_string_append(in, "\r\n");
		g_string_append(want, "\r\n");
	}
	g_string_append(in, ".\r\nnext");
	struct split_case long_lines = { NULL, 0, NULL, 0, TRUE, FALSE, 4 };
	run_splits(&long_lines, in->str, in->len, want->str, want->len);
	g_string_truncate(in, 0);
	for (int k = 0; k < 120; k++)
		g_string_append(in, k % 2 ? "\n" : "x\n.");
	struct split_case bare_lfs = { NULL, 0, NULL, 0, FALSE, TRUE, 0 };
	run_splits(&bare_lfs, in->str, in->len, in->str, in->len);
	g_string_free(in, TRUE);
	g_string_free(want, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_table),
		cmocka_unit_test(test_path_length),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_data_table),
		cmocka_unit_test(test_data_nul),
		cmocka_unit_test(test_data_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
