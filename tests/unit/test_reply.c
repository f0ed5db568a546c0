/* test_reply.c - Authentication-Results read as issue 14 says: only our
 * authserv-id counts, and only a pass vouches for a domain. */
#include "parser/reply.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

static char *
domains(const char *value, const char *env)
{
	g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func(g_free);
	reply_auth_domains(value, "mx.ietf.org", env, d);
	g_ptr_array_add(d, NULL);
	return g_strjoinv(",", (char **)d->pdata);
}

static const struct {
	const char *value, *env, *want;
} cases[] = {
	{ "mx.ietf.org; dmarc=pass (p=none) header.from=SDO.example", NULL, "sdo.example" },
	{ "mx.ietf.org 1; dkim=pass header.d=sdo.example header.s=k1; spf=fail smtp.mailfrom=x@o.example",
	  "o.example", "sdo.example" },
	{ "mx.ietf.org; dkim=pass header.i=@sub.sdo.example", NULL, "sub.sdo.example" },
	/* SPF vouches only for the envelope sender's own domain */
	{ "mx.ietf.org; spf=pass smtp.mailfrom=ls@sdo.example", "sdo.example", "sdo.example" },
	{ "mx.ietf.org; spf=pass smtp.mailfrom=ls@sdo.example", "other.example", "" },
	/* not a pass, not ours, a comment is no value, a forged id in a comment */
	{ "mx.ietf.org; dmarc=fail header.from=sdo.example", NULL, "" },
	{ "mx.evil.example; dmarc=pass header.from=sdo.example", NULL, "" },
	{ "(mx.ietf.org) mx.evil.example; dmarc=pass header.from=sdo.example", NULL, "" },
	{ "mx.ietf.org; dmarc=pass (header.from=victim.example) header.from=sdo.example", NULL,
	  "sdo.example" },
	{ "mx.ietf.org; none", NULL, "" },
	{ "", NULL, "" },
	{ "mx.ietf.org; dkim=pass header.d=\"quoted.example\"", NULL, "quoted.example" },
};

static void
test_cases(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = domains(cases[i].value, cases[i].env);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s' want '%s'", i, got, cases[i].want);
	}
}

static void
test_no_authserv_id(void **state)
{
	g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func(g_free);
	reply_auth_domains("mx.ietf.org; dmarc=pass header.from=sdo.example", "", NULL, d);
	assert_int_equal(d->len, 0);   /* nothing configured: nothing trusted */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_no_authserv_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
