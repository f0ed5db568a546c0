/* test_lmtp_session.c - replies and limits of a whole LMTP session, from a
 * table of scripts: a real session on a socketpair, a real store in a temp
 * folder, no network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The daemon's files are not in the layers' archives: compiled in here. */
#include "daemon/lmtp_cmd.c"
#include "daemon/lmtp_data.c"
#include "daemon/commit.c"
#include "daemon/lmtp_session.c"
#include "store/store_msg_info.h"

struct script {
	const char *name;
	const char *conf;        /* extra [liaisond] lines */
	const char *input;       /* everything the client sends, at once (pipelined) */
	const char *expect;      /* reply codes in order, space-separated */
	gboolean closes;         /* the server hangs up (else the script ends with QUIT) */
	int stored;              /* messages in the store afterwards */
};

#define HELLO "LHLO client.example\r\n"
#define MAIL "MAIL FROM:<sender@example.org>\r\n"
#define RCPT "RCPT TO:<statements@ietf.org>\r\n"
#define BODY "Subject: t\r\nMessage-ID: <s@x>\r\n\r\nhello\r\n.\r\n"

static const struct script scripts[] = {
	{ "one message", "", HELLO MAIL RCPT "DATA\r\n" BODY "QUIT\r\n",
	  "220 250 250 250 354 250 221", TRUE, 1 },
	{ "two recipients, two replies", "", HELLO MAIL RCPT "RCPT TO:<x@example.org>\r\n" RCPT
	  "DATA\r\n" BODY "QUIT\r\n", "220 250 250 250 550 250 354 250 250 221", TRUE, 1 },
	{ "sequence errors", "", "MAIL FROM:<a@b.example>\r\n" HELLO RCPT "DATA\r\n" MAIL MAIL
	  "DATA\r\nQUIT\r\n", "220 503 250 503 503 250 503 503 221", TRUE, 0 },
	{ "HELO and EHLO", "", "HELO x\r\nEHLO x\r\n" HELLO "QUIT\r\n", "220 500 500 250 221", TRUE, 0 },
	{ "syntax and parameters", "", HELLO "FOO\r\nMAIL FROM:x\r\nMAIL FROM:<a@b.example> X=1\r\n"
	  "RSET x\r\nVRFY x\r\nNOOP\r\nQUIT\r\n", "220 250 500 501 555 501 252 250 221", TRUE, 0 },
	{ "SIZE over the limit", "max_message_size = 1024\n", HELLO
	  "MAIL FROM:<a@b.example> SIZE=1025\r\nMAIL FROM:<a@b.example> SIZE=1024\r\nQUIT\r\n",
	  "220 250 552 250 221", TRUE, 0 },
	{ "DATA past the limit", "max_message_size = 1024\n", HELLO MAIL RCPT RCPT "DATA\r\n"
	  "Subject: big\r\n\r\n"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
	  ".\r\nNOOP\r\nQUIT\r\n", "220 250 250 250 250 354 552 552 250 221", TRUE, 0 },
	{ "too many recipients", "max_recipients = 2\n", HELLO MAIL RCPT RCPT RCPT
	  "DATA\r\n" BODY "QUIT\r\n", "220 250 250 250 250 452 354 250 250 221", TRUE, 1 },
	{ "rejected RCPTs count too", "max_recipients = 2\n", HELLO MAIL
	  "RCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\n" RCPT "QUIT\r\n",
	  "220 250 250 550 550 452 221", TRUE, 0 },
	{ "bad commands", "max_bad_commands = 3\n", HELLO "A\r\nB\r\nC\r\nNOOP\r\n",
	  "220 250 500 500 500 421", TRUE, 0 },
	{ "line too long", "max_line_length = 512\n", HELLO "NOOP "
	  "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	  "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\r\n"
	  "NOOP\r\nQUIT\r\n", "220 250 500 250 221", TRUE, 0 },
	{ "bare LF smuggling", "", HELLO MAIL RCPT "DATA\r\nSubject: s\r\n\r\nhi\n.\n" MAIL RCPT
	  "DATA\r\nevil\r\n.\r\nQUIT\r\n", "220 250 250 250 354 550 221", TRUE, 0 },
	{ "RSET between transactions", "", HELLO MAIL RCPT "RSET\r\nDATA\r\n" MAIL RCPT "DATA\r\n"
	  BODY MAIL RCPT "DATA\r\nSubject: 2\r\n\r\nsecond\r\n.\r\nQUIT\r\n",
	  "220 250 250 250 250 503 250 250 354 250 250 250 354 250 221", TRUE, 2 },
	{ "redelivery", "", HELLO MAIL RCPT "DATA\r\n" BODY MAIL RCPT "DATA\r\nReceived: again\r\n"
	  BODY "QUIT\r\n", "220 250 250 250 354 250 250 250 354 250 221", TRUE, 1 },
	{ "idle timeout", "idle_timeout = 1\n", HELLO, "220 250 421", TRUE, 0 },
};

struct rig {
	struct conf *conf;
	struct store *store;
	struct commit *commit;
	struct lmtp_ctx ctx;
	int drain[2];
	char *dir;
	int fd;
	GThread *thread;
};

static gpointer
session_main(gpointer p)
{
	struct rig *r = p;
	lmtp_session_run(&r->ctx, r->fd, "test");
	return NULL;
}

static void
rig_start(struct rig *r, const char *conf, int *client)
{
	GError *e = NULL;
	r->dir = g_dir_make_tmp("lmtp-session-XXXXXX", &e);
	assert_non_null(r->dir);
	g_autofree char *text = g_strdup_printf("[liaisond]\nstate_dir = %s\n%s", r->dir, conf);
	r->conf = conf_load_text(text, "test.conf", r->dir, &e);
	assert_non_null(r->conf);
	r->store = store_open(r->dir, &e);
	assert_non_null(r->store);
	r->commit = commit_start(r->store, NULL, 8, NULL, NULL, &e);
	assert_non_null(r->commit);
	assert_int_equal(pipe(r->drain), 0);
	r->ctx = (struct lmtp_ctx){ r->conf, r->store, r->commit, r->drain[0] };
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r->fd = sv[1];
	*client = sv[0];
	r->thread = g_thread_new("session", session_main, r);
}

static int
rig_stop(struct rig *r)
{
	g_thread_join(r->thread);
	commit_stop(r->commit);
	commit_free(r->commit);
	GError *e = NULL;
	GPtrArray *a = store_msg_info_list(r->store, NULL, &e);
	int n = a ? (int)a->len : -1;
	if (a)
		g_ptr_array_unref(a);
	store_close(r->store);
	close(r->drain[0]);
	close(r->drain[1]);
	conf_free(r->conf);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", r->dir);
	assert_int_equal(system(cmd), 0);
	g_free(r->dir);
	return n;
}

/* read_codes - the code of every complete reply until EOF (or 10 s). */
static GString *
read_codes(int fd, gboolean *eof)
{
	GString *codes = g_string_new(NULL), *buf = g_string_new(NULL);
	char chunk[4096];
	*eof = FALSE;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0)
			break;
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n <= 0) {
			*eof = n == 0;
			break;
		}
		g_string_append_len(buf, chunk, n);
		char *nl;
		while ((nl = strstr(buf->str, "\r\n"))) {
			if (nl - buf->str >= 4 && buf->str[3] == ' ')
				g_string_append_printf(codes, "%s%.3s", codes->len ? " " : "", buf->str);
			g_string_erase(buf, 0, nl - buf->str + 2);
		}
	}
	g_string_free(buf, TRUE);
	return codes;
}

static void
test_scripts(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(scripts); i++) {
		const struct script *s = &scripts[i];
		struct rig r = { 0 };
		int client;
		rig_start(&r, s->conf, &client);
		ssize_t w = send(client, s->input, strlen(s->input), MSG_NOSIGNAL);
		assert_true(w >= 0);
		gboolean eof;
		GString *codes = read_codes(client, &eof);
		close(client);
		int stored = rig_stop(&r);
		if (strcmp(codes->str, s->expect) != 0 || eof != s->closes || stored != s->stored)
			fail_msg("%s: replies '%s' (expected '%s'), closed %d, stored %d (expected %d)",
			    s->name, codes->str, s->expect, eof, stored, s->stored);
		g_string_free(codes, TRUE);
	}
}

/* The drain: an idle session is told 421 4.3.2 at once. */
static void
test_drain_idle(void **state)
{
	struct rig r = { 0 };
	int client;
	rig_start(&r, "", &client);
	assert_int_equal(send(client, HELLO, strlen(HELLO), MSG_NOSIGNAL), (ssize_t)strlen(HELLO));
	g_usleep(100000);
	assert_int_equal(write(r.drain[1], "x", 1), 1);
	gboolean eof;
	GString *codes = read_codes(client, &eof);
	assert_string_equal(codes->str, "220 250 421");
	assert_true(eof);
	g_string_free(codes, TRUE);
	close(client);
	rig_stop(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_drain_idle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
