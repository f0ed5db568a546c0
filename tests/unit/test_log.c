/* test_log.c - log values: quoting, and addresses kept out below debug. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/log.h"

static void
test_quote(void **state)
{
	assert_string_equal(log_quote("a \"b\"\n"), "\"a \\\"b\\\"?\"");
	assert_string_equal(log_quote(NULL), "-");
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
		cmocka_unit_test(test_redacted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
