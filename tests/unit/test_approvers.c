/* test_approvers.c - model/outgoing.c: the direction of a statement, who may
 * send an outgoing one and who approves it, for each kind of From group. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "model/outgoing.h"
#include "conf/addr.h"

static const char *const dir_text =
    "[quic]\ntype = wg\nparent = wit\nlist = quic@ietf.org\nchairs = Matt <matt@example.com>\n"
    "secretaries = Sec <quic-sec@example.com>\ndelegates = Del <quic-del@example.com>\n\n"
    "[wit]\ntype = area\nparent = ietf\nads = Zahed <zahed@example.com>, Gorry <gorry@example.com>\n\n"
    "[ops]\ntype = area\nparent = ietf\nads = Warren <warren@example.com>\n\n"
    "[ietf]\ntype = ietf\nchairs = IETF Chair <chair@ietf.org>\n\n"
    "[iesg]\ntype = iesg\nparent = ietf\nlist = iesg@ietf.org\n\n"
    "[iab]\ntype = iab\nparent = ietf\nchairs = IAB Chair <iab-chair@iab.org>\n\n"
    "[irtf]\ntype = irtf\nparent = iab\nchairs = IRTF Chair <irtf-chair@irtf.org>\n\n"
    "[cfrg]\ntype = rg\nparent = irtf\nchairs = CFRG Chair <cfrg@irtf.org>\n\n"
    "[3gpp]\ntype = sdo\nliaison_managers = LM <3gpp-liaison@ietf.org>\n\n"
    "[3gpp-sa2]\ntype = sdo\nname = 3GPP SA2\nparent = 3gpp\ncontacts = sa2@3gpp.example\n";

static struct directory *dir;
static char *path;

static int
setup(void **state)
{
	GError *e = NULL;
	int fd = g_file_open_tmp("outXXXXXX.conf", &path, &e);
	assert_true(fd >= 0);
	assert_true(write(fd, dir_text, strlen(dir_text)) == (ssize_t)strlen(dir_text));
	close(fd);
	dir = directory_load(path, NULL, &e);
	assert_non_null(dir);
	return 0;
}

static int
teardown(void **state)
{
	unlink(path);
	g_free(path);
	directory_free(dir);
	return 0;
}

/* st - a statement From FROM (acronyms, "," separated) To TO. */
static struct statement *
st(const char *from, const char *to)
{
	struct statement *s = statement_new();
	g_auto(GStrv) f = g_strsplit(from, ",", -1), t = g_strsplit(to, ",", -1);
	for (char **p = f; *p; p++)
		g_ptr_array_add(s->from_groups, group_ref_new(*p, directory_get(dir, *p) ? *p : NULL));
	for (char **p = t; *p; p++)
		g_ptr_array_add(s->to_groups, group_ref_new(*p, directory_get(dir, *p) ? *p : NULL));
	return s;
}

/* approvers - "a b" of ST's approvers' addresses, in order. */
static char *
approvers(const struct statement *s)
{
	GPtrArray *a = outgoing_approvers(dir, s);
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(out, "%s%s", i ? " " : "",
		    ((const struct addr *)a->pdata[i])->address);
	g_ptr_array_unref(a);
	return g_string_free(out, FALSE);
}

static void
test_direction(void **state)
{
	static const struct { const char *from, *to; gboolean out; } cases[] = {
		{ "quic", "3gpp-sa2", TRUE },
		{ "quic", "Some Unknown Forum", TRUE },     /* a body the directory does not know */
		{ "iab", "3gpp", TRUE },
		{ "quic,cfrg", "3gpp-sa2", TRUE },
		{ "3gpp-sa2", "quic", FALSE },               /* incoming */
		{ "quic", "iesg", FALSE },                   /* IETF to IETF: not outgoing */
		{ "quic,3gpp-sa2", "3gpp", FALSE },          /* not all From groups are the IETF's */
		{ "Unknown Org", "3gpp", FALSE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct statement *s = st(cases[i].from, cases[i].to);
		assert_int_equal(outgoing_is(s, dir), cases[i].out);
		s->auto_generated = TRUE;   /* a bounce is never outgoing */
		assert_false(outgoing_is(s, dir));
		statement_free(s);
	}
}

static void
test_approvers(void **state)
{
	static const struct { const char *from, *want; } cases[] = {
		{ "quic", "zahed@example.com gorry@example.com" },   /* wg: its area's ADs */
		{ "wit", "zahed@example.com gorry@example.com" },    /* area: its ADs */
		{ "cfrg", "irtf-chair@irtf.org" },                   /* rg: the IRTF chair */
		{ "irtf", "irtf-chair@irtf.org" },
		{ "ietf", "chair@ietf.org" },                        /* ietf, iesg: the IETF chair */
		{ "iesg", "chair@ietf.org" },
		{ "iab", "iab-chair@iab.org" },                      /* iab: the IAB chair */
		{ "quic,ops", "zahed@example.com gorry@example.com warren@example.com" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct statement *s = st(cases[i].from, "3gpp-sa2");
		g_autofree char *got = approvers(s);
		assert_string_equal(got, cases[i].want);
		statement_free(s);
	}
	/* an approver of every From group, not of one */
	struct statement *s = st("quic,ops", "3gpp-sa2");
	assert_false(outgoing_approves(dir, s, "zahed@example.com"));
	statement_free(s);
	s = st("quic", "3gpp-sa2");
	assert_true(outgoing_approves(dir, s, "zahed@EXAMPLE.com"));   /* domains in any case */
	assert_false(outgoing_approves(dir, s, "matt@example.com"));   /* the chair submits */
	assert_false(outgoing_approves(dir, s, NULL));
	statement_free(s);
}

static void
test_may_submit(void **state)
{
	struct statement *s = st("quic", "3gpp-sa2");
	static const char *const yes[] = { "matt@example.com", "quic-sec@example.com",
		"quic-del@example.com", "zahed@example.com", "chair@ietf.org", "iab-chair@iab.org",
		"irtf-chair@irtf.org", "3gpp-liaison@ietf.org", "ietf-action@ietf.org" };
	static const char *const no[] = { "someone@example.org", "warren@example.com",
		"cfrg@irtf.org", "sa2@3gpp.example", "" };
	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++)
		assert_true(outgoing_may_submit(dir, s, "Secretariat <ietf-action@ietf.org>", yes[i]));
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++)
		assert_false(outgoing_may_submit(dir, s, "Secretariat <ietf-action@ietf.org>", no[i]));
	assert_false(outgoing_may_submit(dir, s, NULL, NULL));
	statement_free(s);
}

static void
test_sent_to_body(void **state)
{
	struct statement *s = st("quic", "3gpp-sa2");
	GPtrArray *r = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r, g_strdup("statements@ietf.org"));
	assert_false(outgoing_sent_to_body(dir, s, r));
	g_ptr_array_add(r, g_strdup("sa2@3gpp.example"));     /* the SDO group's contacts */
	assert_true(outgoing_sent_to_body(dir, s, r));
	g_ptr_array_set_size(r, 1);
	g_ptr_array_add(s->to_contacts, addr_new(NULL, "ls@other.example"));
	g_ptr_array_add(r, g_strdup("ls@other.example"));     /* a To-Contact of the statement */
	assert_true(outgoing_sent_to_body(dir, s, r));
	g_ptr_array_unref(r);
	GPtrArray *lm = outgoing_liaison_managers(dir, s);     /* inherited from the body */
	assert_int_equal(lm->len, 1);
	assert_string_equal(((const struct addr *)lm->pdata[0])->address, "3gpp-liaison@ietf.org");
	g_ptr_array_unref(lm);
	statement_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_approvers),
		cmocka_unit_test(test_may_submit),
		cmocka_unit_test(test_sent_to_body),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
