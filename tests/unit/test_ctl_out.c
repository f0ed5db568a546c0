/* test_ctl_out.c - liaisonctl's human output: wrapping, columns, dates, sizes.
 * ctl/ is not part of the layers' archives (it is the liaisonctl program), so the
 * file under test is compiled in here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ctl/ctl_out.c"

/* max_line_width - widest line of TEXT in display columns. */
static int
max_line_width(const char *text)
{
	int m = 0;
	char **lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++)
		if (ctl_out_display_width(lines[i]) > m)
			m = ctl_out_display_width(lines[i]);
	g_strfreev(lines);
	return m;
}

static const struct {
	const char *in;
	int width, first, indent;
	const char *want;
} wraps[] = {
	{ "short", 20, 0, 0, "short" },
	{ "the quick brown fox jumps over the lazy dog", 20, 0, 0,
	  "the quick brown fox\njumps over the lazy\ndog" },
	{ "the quick brown fox jumps", 21, 6, 6, "the quick brown\n      fox jumps" },
	{ "para one\n\npara two", 40, 0, 2, "para one\n\n  para two" },
	{ "abcdefghijklmnopqrstuvwxyz", 10, 0, 0, "abcdefghij\nklmnopqrst\nuvwxyz" },
	{ "tab\there\r\n", 40, 0, 0, "tab here" },
	{ "esc\033[31mred", 40, 0, 0, "esc\\x1b[31mred" },
	{ "rlo\xe2\x80\xae" "fdp.exe \xc2\x9b", 40, 0, 0, "rlo<U+202E>fdp.exe <U+009B>" },
	{ "", 40, 0, 0, "" },
	{ "  quoted line", 40, 0, 0, "  quoted line" },
	{ "trailing   \n\n\n", 40, 0, 0, "trailing" },
};

static void
test_wrap(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(wraps); i++) {
		g_autofree char *got = ctl_out_wrap(wraps[i].in, wraps[i].width, wraps[i].first,
		    wraps[i].indent);
		if (strcmp(got, wraps[i].want) != 0)
			fail_msg("case %zu: got '%s' want '%s'", i, got, wraps[i].want);
	}
}

static void
test_wrap_never_exceeds_width(void **state)
{
	const char *text = "Liaison statement on the use of QUIC for 5G user plane traffic, "
	    "including multipath considerations (S2-2401234) and the status of ATSSS "
	    "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97 rules in Release 19 with a "
	    "veryveryveryveryveryveryveryveryveryveryverylongword in it.";
	for (int w = 20; w <= 100; w += 7) {
		g_autofree char *got = ctl_out_wrap(text, w, 0, 4);
		assert_true(max_line_width(got) <= w);
		/* every word is still there */
		assert_non_null(strstr(got, "ATSSS"));
		assert_non_null(strstr(got, "(S2-2401234)"));
	}
}

static void
test_display_width(void **state)
{
	assert_int_equal(ctl_out_display_width("abc"), 3);
	assert_int_equal(ctl_out_display_width("caf\xc3\xa9"), 4);                /* é */
	assert_int_equal(ctl_out_display_width("\xe6\xbc\xa2\xe5\xad\x97"), 4);   /* 漢字 */
	assert_int_equal(ctl_out_display_width("e\xcc\x81"), 1);                  /* e + combining */
	assert_int_equal(ctl_out_display_width(NULL), 0);
}

static void
test_truncate(void **state)
{
	g_autofree char *a = ctl_out_truncate("hello world", 20);
	g_autofree char *b = ctl_out_truncate("hello wonderful world", 10);
	g_autofree char *c = ctl_out_truncate("line\nbreak", 20);
	assert_string_equal(a, "hello world");
	assert_string_equal(b, "hello w...");
	assert_string_equal(c, "line break");
}

static void
test_clean(void **state)
{
	g_autofree char *a = ctl_out_clean("a\tb\nc\033[2Jd\r\n\xff");
	assert_string_equal(a, "a\tb\nc\\x1b[2Jd\n\xef\xbf\xbd");
}

static void
test_table_columns(void **state)
{
	ctl_out_set_color(0);
	struct ctl_table *t = ctl_table_new(3, "ID", "AGE", "TITLE");
	ctl_table_add(t, "7", "3d 4h", "LS on QUIC");
	ctl_table_add(t, "1234", "5m", "caf\xc3\xa9 statement");
	ctl_table_add(t, "12", "", "");
	assert_int_equal(ctl_table_rows(t), 3);
	g_autofree char *got = ctl_table_render(t, 80);
	assert_string_equal(got,
	    "ID    AGE    TITLE\n"
	    "7     3d 4h  LS on QUIC\n"
	    "1234  5m     caf\xc3\xa9 statement\n"
	    "12\n");
	ctl_table_free(t);
}

/* The one-line listings (list, rejects, outbox): capped columns, numbers on
 * the right, the last column cut with an ellipsis to the width left; width
 * 0 (not a terminal, no $COLUMNS) cuts nothing. */
static void
test_table_lines_fit(void **state)
{
	ctl_out_set_color(0);
	struct ctl_table *t = ctl_table_new(3, "ID", "SENDER", "TITLE");
	ctl_table_cap(t, 0, 5, TRUE);
	ctl_table_cap(t, 1, 10, FALSE);
	ctl_table_add(t, "7", "a@b.example", "LS on QUIC multipath in 5G ATSSS, a long title");
	ctl_table_add(t, "1234", "x@y", "short");
	g_autofree char *got = ctl_table_render_lines(t, 30);
	/* C locale in this test: the ellipsis is "..." */
	assert_string_equal(got,
	    "  ID  SENDER      TITLE\n"
	    "   7  a@b.exa...  LS on QUI...\n"
	    "1234  x@y         short\n");
	assert_int_equal(max_line_width(got), 30);
	g_autofree char *full = ctl_table_render_lines(t, 0);
	assert_non_null(strstr(full, "a@b.example  LS on QUIC multipath in 5G ATSSS, a long title\n"));
	g_autofree char *narrow = ctl_table_render_lines(t, 24);
	assert_true(max_line_width(narrow) <= 24);
	ctl_table_free(t);
}

static void
test_cut(void **state)
{
	g_autofree char *a = ctl_out_cut("hello world", 20);
	g_autofree char *b = ctl_out_cut("hello wonderful world", 10);
	g_autofree char *c = ctl_out_cut("line\nbreak\033[2J", 0);
	assert_string_equal(a, "hello world");
	assert_string_equal(b, "hello w...");
	/* a control character shows escaped, as everywhere in human output */
	assert_string_equal(c, "line break\\x1b[2J");
}

static void
test_table_wraps_last_column(void **state)
{
	ctl_out_set_color(0);
	struct ctl_table *t = ctl_table_new(2, "ID", "TITLE");
	ctl_table_add(t, "1", "one two three four five six seven eight nine ten");
	g_autofree char *got = ctl_table_render(t, 40);
	assert_string_equal(got,
	    "ID  TITLE\n"
	    "1   one two three four five six seven\n"
	    "    eight nine ten\n");
	ctl_table_free(t);
}

static void
test_table_color(void **state)
{
	ctl_out_set_color(1);
	struct ctl_table *t = ctl_table_new(2, "ID", "CODES");
	ctl_table_add(t, "1", "unknown_to");
	ctl_table_style(t, 1, CTL_RED);
	g_autofree char *got = ctl_table_render(t, 80);
	assert_non_null(strstr(got, "\033[31munknown_to\033[0m"));
	ctl_table_free(t);
	ctl_out_set_color(0);
	assert_string_equal(ctl_out_style(CTL_RED), "");
	ctl_out_set_color(-1);
}

static void
test_no_color_env(void **state)
{
	ctl_out_set_color(-1);
	g_setenv("NO_COLOR", "1", TRUE);
	assert_false(ctl_out_color());
	assert_string_equal(ctl_out_style(CTL_BOLD), "");
	g_unsetenv("NO_COLOR");
}

static void
test_times(void **state)
{
	g_autofree char *a = ctl_out_time("2026-11-22T04:05:06Z");
	g_autofree char *b = ctl_out_time("2026-11-22T06:05:06+02:00");
	g_autofree char *c = ctl_out_time("not a time");
	assert_string_equal(a, "2026-11-22 04:05 UTC");
	assert_string_equal(b, "2026-11-22 04:05 UTC");
	assert_string_equal(c, "not a time");
	static const struct { const char *then, *want; } ages[] = {
		{ "2026-11-22T04:04:30Z", "36s" },
		{ "2026-11-22T03:00:00Z", "1h" },
		{ "2026-11-19T00:00:00Z", "3d 4h" },
		{ "2026-11-01T04:00:00Z", "21d" },
		{ "2026-11-23T00:00:00Z", "0s" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(ages); i++) {
		g_autofree char *got = ctl_out_age(ages[i].then, "2026-11-22T04:05:06Z");
		if (strcmp(got, ages[i].want) != 0)
			fail_msg("age %s: got %s want %s", ages[i].then, got, ages[i].want);
	}
}

static void
test_sizes(void **state)
{
	g_autofree char *a = ctl_out_size(812);
	g_autofree char *b = ctl_out_size(14540);
	g_autofree char *c = ctl_out_size(3250585);
	assert_string_equal(a, "812 B");
	assert_string_equal(b, "14.2 KB");
	assert_string_equal(c, "3.1 MB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_wrap_never_exceeds_width),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_table_columns),
		cmocka_unit_test(test_table_wraps_last_column),
		cmocka_unit_test(test_table_color),
		cmocka_unit_test(test_no_color_env),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_table_lines_fit),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
