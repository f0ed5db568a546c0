/* test_date.c - deadlines as written, to YYYY-MM-DD or refused with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parser/fields.h"

/* want NULL: refused; why_has: a word the reason must contain. */
static const struct { const char *text, *want, *why_has; } cases[] = {
	{ "2024-09-10", "2024-09-10", NULL },
	{ "2030-1-5", "2030-01-05", NULL },
	{ "2024-09-10T12:00:00Z", "2024-09-10", NULL },
	{ "2024/09/10", "2024-09-10", NULL },
	{ "2024.09.10", "2024-09-10", NULL },
	{ "10 September 2024", "2024-09-10", NULL },
	{ "10 september 2024", "2024-09-10", NULL },
	{ "September 10, 2024", "2024-09-10", NULL },
	{ "September 10 2024", "2024-09-10", NULL },
	{ "Sep 10, 2024", "2024-09-10", NULL },
	{ "10 Sep 2024", "2024-09-10", NULL },
	{ "10 Sept 2024", "2024-09-10", NULL },
	{ "10 Sep. 2024", "2024-09-10", NULL },
	{ "10-Sep-2024", "2024-09-10", NULL },
	{ "1st September 2024", "2024-09-01", NULL },
	{ "2nd March 2031", "2031-03-02", NULL },
	{ "23rd June 2030", "2030-06-23", NULL },
	{ "September 1st, 2024", "2024-09-01", NULL },
	{ "Tuesday, 10 September 2024", "2024-09-10", NULL },
	{ "Mon 2 December 2030", "2030-12-02", NULL },
	{ "by 15 January 2031", "2031-01-15", NULL },
	{ "  1 September 2024  ", "2024-09-01", NULL },
	{ "1 September 2024 (SG15 plenary)", "2024-09-01", NULL },
	{ "15 March 2031.", "2031-03-15", NULL },
	{ "29 February 2032", "2032-02-29", NULL },
	{ "25.09.2024", "2024-09-25", NULL },
	{ "09/25/2024", "2024-09-25", NULL },
	{ "25/09/2024", "2024-09-25", NULL },
	{ "05.05.2031", "2031-05-05", NULL },
	{ "10.09.2024", NULL, "ambiguous" },
	{ "09/10/2024", NULL, "ambiguous" },
	{ "03-04-2030", NULL, "ambiguous" },
	{ "29 February 2031", NULL, "calendar" },
	{ "31 April 2030", NULL, "calendar" },
	{ "2030-13-01", NULL, "calendar" },
	{ "2030-02-30", NULL, "calendar" },
	{ "32.13.2030", NULL, "calendar" },
	{ "ASAP", NULL, "YYYY-MM-DD" },
	{ "next meeting", NULL, "YYYY-MM-DD" },
	{ "10 Smarch 2030", NULL, "YYYY-MM-DD" },
	{ "10.09.24", NULL, "YYYY-MM-DD" },
	{ "", NULL, "YYYY-MM-DD" },
	{ "September 2030", NULL, "YYYY-MM-DD" },
	{ "1 January 1066", NULL, "calendar" },
};

static void
test_table(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *why = NULL;
		g_autofree char *got = date_parse(cases[i].text, &why);
		if (cases[i].want) {
			if (!got || strcmp(got, cases[i].want) != 0)
				fail_msg("'%s': got %s, want %s (%s)", cases[i].text, got ? got : "NULL",
				    cases[i].want, why ? why : "");
			assert_null(why);
		} else {
			if (got)
				fail_msg("'%s': got %s, want refusal", cases[i].text, got);
			assert_non_null(why);
			if (!strstr(why, cases[i].why_has))
				fail_msg("'%s': reason '%s' lacks '%s'", cases[i].text, why, cases[i].why_has);
		}
	}
}

static void
test_null(void **state)
{
	const char *why = NULL;
	assert_null(date_parse(NULL, &why));
	assert_non_null(why);
	assert_null(date_parse("junk", NULL));
	g_autofree char *d = date_parse("2030-06-01", NULL);
	assert_string_equal(d, "2030-06-01");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
