/* test_log.c - log values: quoting, and addresses kept out below debug. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>

#include "conf/log.h"

static void
test_quote(void **state)
{
	assert_string_equal(log_quote("a \"b\"\n"), "\"a \\\"b\\\"?\"");
	assert_string_equal(log_quote(NULL), "-");
}

/* One log line quotes several values (lmtp_refused: the client and the
 * reason): each keeps its own text, up to LOG_QUOTE_MAX of them. */
static void
test_quote_several(void **state)
{
	g_autofree char *line = g_strdup_printf("event=lmtp_refused client=%s reason=%s",
	    log_quote("127.0.0.1:4711"), log_quote("too many connections, try again later"));
	assert_string_equal(line,
	    "event=lmtp_refused client=\"127.0.0.1:4711\" reason=\"too many connections, try again later\"");
	const char *q[LOG_QUOTE_MAX];
	char in[LOG_QUOTE_MAX][16];
	for (int i = 0; i < LOG_QUOTE_MAX; i++) {
		g_snprintf(in[i], sizeof(in[i]), "value %d", i);
		q[i] = i % 2 ? log_quote(in[i]) : log_quote_redacted(in[i]);
	}
	for (int i = 0; i < LOG_QUOTE_MAX; i++) {
		g_autofree char *want = g_strdup_printf("\"value %d\"", i);
		assert_string_equal(q[i], want);
	}
}

static void
test_redacted(void **state)
{
	static const struct { const char *in, *info; } rows[] = {
		{ "<bob@example.org> no such recipient here", "\"<[address]> no such recipient here\"" },
		{ "550 5.1.1 <a@b>: Recipient address rejected", "\"550 5.1.1 <[address]>: Recipient address rejected\"" },
		{ "450 mailbox user@x.example busy, try a@b,c@d", "\"450 mailbox [address] busy, try [address],[address]\"" },
		{ "connection refused", "\"connection refused\"" },
		{ NULL, "-" },
	};
	log_set_level("info");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(log_quote_redacted(rows[i].in), rows[i].info);
	log_set_level("debug");
	assert_string_equal(log_level_name(), "debug");
	assert_string_equal(log_quote_redacted("<bob@example.org> x"), "\"<bob@example.org> x\"");
	log_set_level("info");
	assert_string_equal(log_level_name(), "info");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_quote_several),
		cmocka_unit_test(test_redacted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
