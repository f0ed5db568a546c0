/* test_addr.c - strict RFC 5322 address lists: what parses, what is refused, and why. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "conf/addr.h"

/* "name|address" per address, joined by "; ", or NULL when the text must be refused. */
static const struct { const char *text, *want; } lists[] = {
	{ "a@b.c", "|a@b.c" },
	{ "  a@b.c  ", "|a@b.c" },
	{ "<a@b.c>", "|a@b.c" },
	{ "A <a@B.COM>", "A|a@b.com" },
	{ "3GPPLiaison@ETSI.org", "|3GPPLiaison@etsi.org" },
	{ "Matt Joras <matt.joras@example.com>, Lucas Pardue <lucas@example.com>",
	  "Matt Joras|matt.joras@example.com; Lucas Pardue|lucas@example.com" },
	{ "\"Doe, John\" <j@x.org>, k@y", "Doe, John|j@x.org; |k@y" },
	{ "=?utf-8?q?J=C3=B6rg?= <j@x.de>", "Jörg|j@x.de" },
	{ "=?iso-8859-1?q?J=F6rg?= <j@x.de>", "Jörg|j@x.de" },
	{ "Jörg <j@x.de>", "Jörg|j@x.de" },
	{ "=?utf-8?q?a=0D=0ABcc:_x?= <a@b.c>", "a  Bcc: x|a@b.c" },
	{ "team: a@b.c, d@e.f;", "|a@b.c; |d@e.f" },
	{ "undisclosed-recipients:;", "" },
	{ "a@b.c,\r\n d@e.f", "|a@b.c; |d@e.f" },
	{ "a@[192.0.2.1]", "|a@[192.0.2.1]" },
	{ "a@b-c.d", "|a@b-c.d" },
	/* refused */
	{ "", NULL },
	{ "x", NULL },
	{ "a@", NULL },
	{ "@b", NULL },
	{ "a@b.c,", NULL },
	{ ",a@b.c", NULL },
	{ "a@b.c; d@e.f", NULL },
	{ "a@b.c junk", NULL },
	{ "a b@c.d", NULL },
	{ "a . b@x.org", NULL },
	{ "a@x .org", NULL },
	{ "John Doe <john@example.com", NULL },
	{ "a@b..c", NULL },
	{ "a@.b.c", NULL },
	{ "a@b.c.", NULL },
	{ "a@-b.c", NULL },
	{ "a@b-.c", NULL },
	{ "\"a b\"@x.org", NULL },
};

static char *
flatten(GPtrArray *l)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < l->len; i++) {
		const struct addr *a = l->pdata[i];
		g_string_append_printf(s, "%s%s|%s", i ? "; " : "", a->name ? a->name : "", a->address);
	}
	return g_string_free(s, FALSE);
}

static void
test_lists(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++) {
		GPtrArray *l = NULL;
		GError *e = NULL;
		gboolean ok = addr_parse_list(lists[i].text, &l, &e);
		if (!lists[i].want) {
			if (ok)
				fail_msg("'%s' parsed but must be refused", lists[i].text);
			assert_non_null(e);
			assert_null(l);
			g_error_free(e);
			continue;
		}
		if (!ok)
			fail_msg("'%s' refused: %s", lists[i].text, e->message);
		g_autofree char *got = flatten(l);
		if (strcmp(got, lists[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", lists[i].text, got, lists[i].want);
		g_ptr_array_unref(l);
	}
}

static void
test_reasons(void **state)
{
	GError *e = NULL;
	assert_false(addr_parse_list("a b@c.d", NULL, &e));
	assert_non_null(strstr(e->message, "spaces inside an address"));
	g_clear_error(&e);
	assert_false(addr_parse_list("nope", NULL, &e));
	assert_non_null(strstr(e->message, "'nope'"));
	g_clear_error(&e);
	assert_false(addr_parse_list(NULL, NULL, &e));
	assert_non_null(strstr(e->message, "empty"));
	g_clear_error(&e);
}

static void
test_one(void **state)
{
	GError *e = NULL;
	struct addr *a = addr_parse_one("QUIC <quic@IETF.ORG>", &e);
	assert_non_null(a);
	assert_string_equal(a->name, "QUIC");
	assert_string_equal(a->address, "quic@ietf.org");
	addr_free(a);
	assert_null(addr_parse_one("a@b.c, d@e.f", &e));
	assert_non_null(strstr(e->message, "not one"));
	g_clear_error(&e);
	assert_null(addr_parse_one("x:;", &e));
	g_clear_error(&e);
}

static void
test_valid_equal(void **state)
{
	assert_true(addr_is_valid("a@b.c"));
	assert_true(addr_is_valid("first.last+tag@sub.example.com"));
	assert_false(addr_is_valid(NULL));
	assert_false(addr_is_valid(""));
	assert_false(addr_is_valid("a@b c"));
	assert_false(addr_is_valid("foo@@bad"));   /* issue 18: one @ */
	assert_false(addr_is_valid("a@b@c.example"));
	assert_false(addr_is_valid("a\r\n@b.c"));
	assert_false(addr_is_valid("<a@b.c>"));
	assert_false(addr_is_valid("a,b@c.d"));
	g_autofree char *longa = g_strnfill(250, 'a');
	g_autofree char *toolong = g_strconcat(longa, "@b.cd", NULL);
	assert_false(addr_is_valid(toolong));

	assert_true(addr_equal("Joe@Example.COM", "Joe@example.com"));
	assert_false(addr_equal("joe@example.com", "Joe@example.com"));
	assert_false(addr_equal("joe@example.com", "joe@example.org"));
}

static void
test_format(void **state)
{
	struct addr *a = addr_new("Doe, \"J\"", "j@X.org");
	g_autofree char *f = addr_format(a);
	assert_string_equal(f, "\"Doe, \\\"J\\\"\" <j@x.org>");
	addr_free(a);
	a = addr_new(NULL, "j@x.org");
	g_autofree char *b = addr_format(a);
	assert_string_equal(b, "j@x.org");
	addr_free(a);
	/* What addr_format writes parses back to the same address. */
	a = addr_new("Liaison, 3GPP", "3gpp-liaison@ietf.org");
	g_autofree char *c = addr_format(a);
	GError *e = NULL;
	struct addr *back = addr_parse_one(c, &e);
	assert_non_null(back);
	assert_string_equal(back->name, "Liaison, 3GPP");
	assert_string_equal(back->address, "3gpp-liaison@ietf.org");
	addr_free(back);
	addr_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_valid_equal),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
