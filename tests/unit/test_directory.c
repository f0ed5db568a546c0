/* test_directory.c - the directory loader: every class of mistake reported with
 * file, line, section, key and reason, all of them at once; the groups as
 * loaded; liaison managers inherited from the parent body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "conf/directory.h"

#define FIX "tests/fixtures/directory/"

/* Each fixture and the exact problems it must give, in file order (each a
 * prefix of the reported string after FIX). */
static const struct {
	const char *file;
	const char *want[8];
} bad[] = {
	{ "unknown_type.conf", {
	  "unknown_type.conf:2: [quic] type: 'wgg' is not a group type (wg, rg, area, ietf, iesg, iab, irtf or sdo); did you mean wg?" } },
	{ "missing_type.conf", {
	  "missing_type.conf:1: [quic]: type is missing" } },
	{ "unknown_key.conf", {
	  "unknown_key.conf:4: [quic] chair: unknown key (did you mean chairs?)",
	  "unknown_key.conf:5: [quic] colour: unknown key" } },
	{ "parent_missing.conf", {
	  "parent_missing.conf:3: [quic] parent: no group [wit] in the directory" } },
	{ "parent_wrong_type.conf", {
	  "parent_wrong_type.conf:10: [tls] parent: [quic] is a wg, but the parent of a wg must be an area",
	  "parent_wrong_type.conf:14: [cfrg] parent: [wit] is an area, but the parent of an rg must be the irtf",
	  "parent_wrong_type.conf:21: [3gpp-sa3] parent: [quic] is a wg, but the parent of an sdo must be an sdo",
	  "parent_wrong_type.conf:25: [sa9] parent: [3gpp] is an sdo, but the parent of a wg must be an area" } },
	{ "parent_loop.conf", {
	  "parent_loop.conf:3: [a] parent: the parent chain loops back to [a]",
	  "parent_loop.conf:7: [b] parent: the parent chain loops back to [b]",
	  "parent_loop.conf:11: [c] parent: a group cannot be its own parent" } },
	{ "bad_address.conf", {
	  "bad_address.conf:3: [quic] list: 'quic at ietf.org' has spaces inside an address",
	  "bad_address.conf:4: [quic] chairs: 'Matt Joras <matt.joras@example.com>, Lucas Pardue lucas@example.com' has spaces",
	  "bad_address.conf:5: [quic] ads: 'a@b.c; d@e.f' does not parse after 'a@b.c'",
	  "bad_address.conf:6: [quic] liaison_managers: 'nobody' is not a usable address",
	  "bad_address.conf:7: [quic] contacts: 'John Doe <john@example.com'",
	  "bad_address.conf:8: [quic] cc: 'undisclosed:;' has no address" } },
	{ "duplicate_alias.conf", {
	  "duplicate_alias.conf:8: [tls] name: 'Transport Layer Security' also names [quic]: the two groups would be ambiguous" } },
	{ "loose_duplicate.conf", {
	  "loose_duplicate.conf:2: [quic]: 'quic' names [other] too once IETF/WG/area words are ignored",
	  "loose_duplicate.conf:4: [quic] aliases: 'QUIC WG' names [other] too" } },
	{ "bad_state.conf", {
	  "bad_state.conf:3: [quic] state: 'closed' is not active or concluded" } },
	{ "duplicate_section.conf", {
	  "duplicate_section.conf:7: [quic]: section given twice (first at line 1)",
	  "duplicate_section.conf:10: [TLS]: acronym 'tls' is also [tls]" } },
	{ "duplicate_key.conf", {
	  "duplicate_key.conf:4: [quic] name: key given twice (first at line 3)" } },
	{ "syntax.conf", {
	  "syntax.conf:2: orphan: key before the first [section]",
	  "syntax.conf:5: 'this line has no equals sign' is not 'key = value'",
	  "syntax.conf:6: '[broken' is not a [section] line" } },
	{ "bad_acronym.conf", {
	  "bad_acronym.conf:1: [quic wg]: a section name is the group's acronym" } },
	{ "singletons.conf", {
	  "singletons.conf:3: [ietf] parent: the ietf has no parent",
	  "singletons.conf:10: [ietf2] type: there is only one ietf, and [ietf] is it already",
	  "singletons.conf:17: [iesg-too] type: there is only one iesg, and [iesg] is it already" } },
	{ "many.conf", {
	  "many.conf:4: [quic] parent: no group [nowhere]",
	  "many.conf:5: [quic] list: 'not an address'",
	  "many.conf:6: [quic] colour: unknown key",
	  "many.conf:9: [thing] type: 'widget' is not a group type",
	  "many.conf:13: [tls] parent: [quic] is a wg",
	  "many.conf:14: [tls] state: 'maybe' is not active or concluded",
	  "many.conf:15: [tls] aliases: 'QUIC' also names [quic]" } },
};

static void
test_mistakes(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *path = g_strconcat(FIX, bad[i].file, NULL);
		GPtrArray *problems = NULL;
		GError *e = NULL;
		struct directory *d = directory_load(path, &problems, &e);
		if (d)
			fail_msg("%s loaded but has mistakes", bad[i].file);
		assert_non_null(e);
		assert_true(g_str_has_prefix(e->message, path));
		g_error_free(e);
		guint n = 0;
		while (n < G_N_ELEMENTS(bad[i].want) && bad[i].want[n])
			n++;
		for (guint j = 0; j < problems->len; j++)
			print_message("# %s\n", (char *)problems->pdata[j]);
		if (problems->len != n)
			fail_msg("%s: %u problems, want %u", bad[i].file, problems->len, n);
		for (guint j = 0; j < n; j++) {
			const char *got = problems->pdata[j];
			assert_true(g_str_has_prefix(got, FIX));
			if (!g_str_has_prefix(got + strlen(FIX), bad[i].want[j]))
				fail_msg("%s: got '%s', want '%s'", bad[i].file, got, bad[i].want[j]);
		}
		g_ptr_array_unref(problems);
	}
}

static void
test_missing_file(void **state)
{
	GPtrArray *problems = NULL;
	GError *e = NULL;
	assert_null(directory_load(FIX "no-such-file.conf", &problems, &e));
	assert_int_equal(problems->len, 1);
	assert_non_null(strstr(problems->pdata[0], "no-such-file.conf"));
	assert_non_null(e);
	g_error_free(e);
	g_ptr_array_unref(problems);
	/* A file far larger than any directory is refused before it is read. */
	char path[] = "/tmp/test-directory-big-XXXXXX";
	int fd = g_mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 17 * 1024 * 1024), 0);
	close(fd);
	assert_null(directory_load(path, &problems, NULL));
	assert_int_equal(problems->len, 1);
	assert_non_null(strstr(problems->pdata[0], "too large"));
	g_ptr_array_unref(problems);
	unlink(path);
	/* Not UTF-8: the line is named. A byte order mark is fine. */
	static const struct { const char *text, *want; } odd[] = {
		{ "[quic]\ntype = wg\nname = Q\xffIC\n", ":3: not UTF-8 text" },
		{ "\xef\xbb\xbf[quic]\ntype = wg\nparent = x\n", ":3: [quic] parent: no group [x]" },
		{ "[quic]\r\ntype = wg\r\nparent = x\r\n", ":3: [quic] parent: no group [x]" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(odd); i++) {
		char tmp[] = "/tmp/test-directory-odd-XXXXXX";
		int tfd = g_mkstemp(tmp);
		assert_true(tfd >= 0);
		assert_int_equal(write(tfd, odd[i].text, strlen(odd[i].text)), (ssize_t)strlen(odd[i].text));
		close(tfd);
		assert_null(directory_load(tmp, &problems, NULL));
		assert_int_equal(problems->len, 1);
		if (!g_str_has_prefix(problems->pdata[0], tmp) ||
		    !g_str_has_prefix((char *)problems->pdata[0] + strlen(tmp), odd[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, (char *)problems->pdata[0], odd[i].want);
		g_ptr_array_unref(problems);
		unlink(tmp);
	}
	/* PROBLEMS and ERROR may both be NULL. */
	assert_null(directory_load(FIX "many.conf", NULL, NULL));
}

static void
test_good(void **state)
{
	GPtrArray *problems = NULL;
	GError *e = NULL;
	struct directory *d = directory_load(FIX "good.conf", &problems, &e);
	assert_non_null(d);
	assert_null(e);
	assert_int_equal(problems->len, 0);
	g_ptr_array_unref(problems);

	const struct dir_group *q = directory_get(d, "QUIC");
	assert_non_null(q);
	assert_string_equal(q->acronym, "quic");
	assert_int_equal(q->type, DIR_WG);
	assert_string_equal(q->name, "QUIC");
	assert_string_equal(q->parent, "wit");
	assert_string_equal(q->list, "quic@ietf.org");
	assert_int_equal(q->chairs->len, 2);
	assert_string_equal(((struct addr *)q->chairs->pdata[1])->name, "Lucas Pardue");
	assert_string_equal(((struct addr *)q->chairs->pdata[1])->address, "lucas@example.com");
	assert_string_equal(q->aliases[0], "QUIC WG");
	assert_string_equal(q->aliases[1], "QUIC Working Group");
	assert_null(q->aliases[2]);
	assert_false(q->concluded);
	assert_int_equal(q->ads->len, 0);
	assert_int_equal(directory_get(d, "wit")->ads->len, 2);
	assert_true(directory_get(d, "old")->concluded);

	const struct dir_group *irtf = directory_get(d, "irtf");
	assert_string_equal(irtf->name, "irtf");      /* the acronym when no name */
	assert_null(irtf->parent);
	assert_null(irtf->list);
	assert_non_null(irtf->aliases);
	assert_null(irtf->aliases[0]);
	assert_null(directory_get(d, "nope"));
	assert_null(directory_get(d, NULL));

	/* Sorted by type, then acronym. */
	g_autoptr(GPtrArray) all = directory_groups(d);
	assert_int_equal(all->len, 11);
	static const char *const order[] = { "old", "quic", "cfrg", "wit", "ietf", "irtf",
	    "3gpp", "3gpp-sa2", "3gpp-sa3", "3gpp-tsgsa", "bbf" };
	for (guint i = 0; i < all->len; i++)
		assert_string_equal(((const struct dir_group *)all->pdata[i])->acronym, order[i]);
	assert_string_equal(dir_type_name(DIR_SDO), "sdo");
	assert_string_equal(dir_type_name(DIR_AREA), "area");
	directory_free(d);
}

static void
test_liaison_managers(void **state)
{
	struct directory *d = directory_load(FIX "good.conf", NULL, NULL);
	assert_non_null(d);
	static const struct { const char *group, *want; } cases[] = {
		{ "3gpp", "3gpp-liaison@ietf.org" },
		{ "3gpp-tsgsa", "3gpp-liaison@ietf.org" },     /* inherited from 3gpp */
		{ "3gpp-sa2", "3gpp-liaison@ietf.org" },       /* two levels up */
		{ "3gpp-sa3", "sa3-liaison@ietf.org,sa3-backup@ietf.org" },   /* its own */
		{ "bbf", "" },                                 /* none anywhere */
		{ "quic", "" },                                /* not an sdo */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) lm = directory_liaison_managers(d, directory_get(d, cases[i].group));
		GString *s = g_string_new(NULL);
		for (guint j = 0; j < lm->len; j++)
			g_string_append_printf(s, "%s%s", j ? "," : "", ((struct addr *)lm->pdata[j])->address);
		if (strcmp(s->str, cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].group, s->str, cases[i].want);
		g_string_free(s, TRUE);
	}
	g_autoptr(GPtrArray) none = directory_liaison_managers(d, NULL);
	assert_int_equal(none->len, 0);
	directory_free(d);
}

static void
test_reload(void **state)
{
	/* What a SIGHUP does: load again while the old one is in use, swap, free. */
	struct directory *old = directory_load(FIX "good.conf", NULL, NULL);
	for (int i = 0; i < 20; i++) {
		struct directory *d = directory_load(FIX "good.conf", NULL, NULL);
		assert_non_null(d);
		g_autoptr(GPtrArray) m = directory_resolve(old, "SA3");
		assert_int_equal(((struct dir_match *)m->pdata[0])->kind, DIR_MATCH_RESOLVED);
		directory_free(old);
		old = d;
	}
	assert_null(directory_load(FIX "many.conf", NULL, NULL));
	assert_non_null(directory_get(old, "quic"));
	directory_free(old);
	directory_free(NULL);
}

static void
test_empty(void **state)
{
	struct directory *d = directory_new_empty();
	g_autoptr(GPtrArray) all = directory_groups(d);
	assert_int_equal(all->len, 0);
	g_autoptr(GPtrArray) m = directory_resolve(d, "IETF QUIC WG");
	assert_int_equal(m->len, 1);
	assert_int_equal(((struct dir_match *)m->pdata[0])->kind, DIR_MATCH_UNKNOWN);
	directory_free(d);
}

static void
test_example(void **state)
{
	/* The shipped example must stay clean: make run and the docs use it. */
	GPtrArray *problems = NULL;
	struct directory *d = directory_load("conf/directory.example.conf", &problems, NULL);
	for (guint i = 0; i < problems->len; i++)
		print_message("# %s\n", (char *)problems->pdata[i]);
	assert_non_null(d);
	g_ptr_array_unref(problems);
	g_autoptr(GPtrArray) all = directory_groups(d);
	assert_true(all->len >= 30);
	directory_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_liaison_managers),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
