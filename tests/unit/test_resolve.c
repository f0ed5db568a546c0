/* test_resolve.c - loosely written group names, as statements write them,
 * against the shipped example directory (conf/directory.example.conf). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "conf/directory.h"

/* want: one entry per name, comma-separated: "acr" resolved, "?a|b"
 * ambiguous (candidates sorted), "!acr" unknown with that suggestion, "!"
 * unknown without one. "" means no names at all. */
static const struct { const char *text, *want; } cases[] = {
	/* The IETF's own groups, however they are written. */
	{ "IETF QUIC WG", "quic" },
	{ "QUIC working group", "quic" },
	{ "quic", "quic" },
	{ "IETF QUIC", "quic" },
	{ "QUIC", "quic" },
	{ "the QUIC WG", "quic" },
	{ "IETF QUIC WG Chairs", "quic" },
	{ "QUIC WG co-chairs", "quic" },
	{ "IETF TSVWG", "tsvwg" },
	{ "Transport Area Working Group (TSVWG)", "tsvwg" },
	{ "HTTP WG", "httpbis" },
	{ "HTTPbis", "httpbis" },
	{ "DNS Operations WG", "dnsop" },
	{ "Lamps WG", "lamps" },
	{ "NETCONF Working Group", "netconf" },
	{ "IETF SIDR WG", "sidr" },                       /* concluded, still known */
	{ "RTGWG", "rtgwg" },
	{ "Routing Area Working Group", "rtgwg" },
	{ "Routing Area", "rtg" },
	{ "Security Area", "sec" },
	{ "Security Area Directorate", "sec" },
	{ "Web and Internet Transport Area", "wit" },     /* "and" inside a name */
	{ "Operations and Management Area", "ops" },
	{ "Operations and Management Area Working Group", "opsawg" },
	{ "IETF", "ietf" },
	{ "IETF Chair", "ietf" },
	{ "IESG", "iesg" },
	{ "The IESG", "iesg" },
	{ "IAB", "iab" },
	{ "Internet Architecture Board", "iab" },
	{ "IRTF CFRG", "cfrg" },
	{ "Crypto Forum Research Group", "cfrg" },
	{ "Network Management Research Group", "nmrg" },
	/* Lists. */
	{ "IETF QUIC WG, IETF TSVWG", "quic,tsvwg" },
	{ "QUIC and TLS WGs", "quic,tls" },
	{ "QUIC & TLS", "quic,tls" },
	{ "IDR and BESS working groups", "idr,bess" },
	{ "IETF CCAMP WG; IETF MPLS WG", "ccamp,mpls" },
	{ "IETF MPLS WG, IEEE 802.1", "mpls,ieee-802.1" },
	{ "CCAMP, MPLS, and DetNet WGs", "ccamp,mpls,detnet" },
	{ "SA2, CT4", "3gpp-sa2,3gpp-ct4" },
	{ "ITU-T SG15 and SG13", "itu-t-sg15,itu-t-sg13" },
	{ "3GPP SA2 and SA3", "3gpp-sa2,3gpp-sa3" },
	{ "3GPP TSG SA WG2 and WG3", "3gpp-sa2,3gpp-sa3" },   /* WG3 of the same TSG */
	{ "3GPP TSG CT WG1 & WG4", "3gpp-ct1,3gpp-ct4" },
	{ "3GPP TSG SA WG3, WG2", "3gpp-sa3,3gpp-sa2" },
	{ "ITU-T SG15, WG3", "itu-t-sg15,!" },            /* no WG3 in ITU-T */
	{ "3GPP TSG SA and CT", "3gpp-tsgsa,3gpp-tsgct" },
	{ "IETF TLS and QUIC WG chairs", "tls,quic" },
	{ "3GPP TSG RAN and GERAN", "3gpp,!" },           /* neither exists: the body, then free text */
	{ "IETF QUIC and Frobnicator WGs", "quic,!" },
	/* Other bodies: the most specific group that exists. */
	{ "3GPP TSG SA WG3 (SA3)", "3gpp-sa3" },
	{ "3GPP TSG SA (SA3)", "3gpp-sa3" },              /* the more specific wins */
	{ "3GPP (Security)", "3gpp" },
	{ "ITU-T SG15 (CCAMP)", "itu-t-sg15" },           /* an IETF WG is not below ITU-T */
	{ "SA3", "3gpp-sa3" },
	{ "S3", "3gpp-sa3" },
	{ "3GPP SA WG 3", "3gpp-sa3" },
	{ "3GPP TSG SA Working Group 3", "3gpp-sa3" },
	{ "TSG SA WG3", "3gpp-sa3" },
	{ "3GPP SA2", "3gpp-sa2" },
	{ "3GPP TSG CT WG4", "3gpp-ct4" },
	{ "CT4", "3gpp-ct4" },
	{ "3GPP TSG SA", "3gpp-tsgsa" },
	{ "3GPP TSG-SA", "3gpp-tsgsa" },
	{ "3GPP", "3gpp" },
	{ "3rd Generation Partnership Project", "3gpp" },
	{ "3GPP TSG RAN WG1", "3gpp" },                   /* RAN is not in the directory */
	{ "ITU-T SG15", "itu-t-sg15" },
	{ "ITU-T Study Group 15", "itu-t-sg15" },
	{ "ITU-T SG 15", "itu-t-sg15" },
	{ "SG15", "itu-t-sg15" },
	{ "ITU-T SG15 Question 11/15", "itu-t-sg15" },
	{ "ITU-T SG13", "itu-t-sg13" },
	{ "ITU-T SG17", "itu-t" },
	{ "ITU-T", "itu-t" },
	{ "IEEE 802.1", "ieee-802.1" },
	{ "IEEE 802.1 WG", "ieee-802.1" },
	{ "IEEE 802.11", "ieee" },
	{ "Broadband Forum", "bbf" },
	{ "The Broadband Forum (BBF)", "bbf" },
	{ "BBF", "bbf" },
	/* No liaison relationship: free text. */
	{ "ETSI TC CYBER", "!" },
	{ "GSMA", "!" },
	/* Ambiguous: no guess. */
	{ "IETF Routing", "?rtg|rtgwg" },
	{ "IETF Operations and Management", "?ops|opsawg" },
	/* Typos. */
	{ "QUIK WG", "!quic" },
	{ "TSVWGG", "!tsvwg" },
	{ "NETCONFXYZ", "!" },   /* 3 edits in 10: under the similarity threshold (issue 18) */
	{ "IETF NETCONFF", "!netconf" },
	{ "IETF DNSOPS", "!dnsop" },
	{ "Foo, QUIK", "!,!quic" },
	/* Nothing to resolve. */
	{ "", "" },
	{ " , ; ", "" },
	{ "IETF WGs", "ietf" },
	{ "Working Group", "!" },
};

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* describe - the matches in the notation of the table. */
static char *
describe(GPtrArray *ms)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < ms->len; i++) {
		const struct dir_match *m = ms->pdata[i];
		if (i)
			g_string_append_c(s, ',');
		switch (m->kind) {
		case DIR_MATCH_RESOLVED:
			assert_int_equal(m->groups->len, 1);
			g_string_append(s, ((const struct dir_group *)m->groups->pdata[0])->acronym);
			break;
		case DIR_MATCH_AMBIGUOUS: {
			g_autoptr(GPtrArray) names = g_ptr_array_new();
			for (guint j = 0; j < m->groups->len; j++)
				g_ptr_array_add(names, ((const struct dir_group *)m->groups->pdata[j])->acronym);
			g_ptr_array_sort(names, cmp_str);
			g_string_append_c(s, '?');
			for (guint j = 0; j < names->len; j++)
				g_string_append_printf(s, "%s%s", j ? "|" : "", (char *)names->pdata[j]);
			break;
		}
		case DIR_MATCH_UNKNOWN:
			assert_int_equal(m->groups->len, 0);
			g_string_append_printf(s, "!%s", m->suggestion ? m->suggestion : "");
			break;
		}
	}
	return g_string_free(s, FALSE);
}

static int
setup(void **state)
{
	GPtrArray *problems = NULL;
	*state = directory_load("conf/directory.example.conf", &problems, NULL);
	for (guint i = 0; problems && i < problems->len; i++)
		print_message("# %s\n", (char *)problems->pdata[i]);
	if (problems)
		g_ptr_array_unref(problems);
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	directory_free(*state);
	return 0;
}

static void
test_table(void **state)
{
	const struct directory *d = *state;
	guint failed = 0;
	assert_true(G_N_ELEMENTS(cases) >= 40);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) ms = directory_resolve(d, cases[i].text);
		g_autofree char *got = describe(ms);
		if (strcmp(got, cases[i].want) != 0) {
			print_message("# '%s': got '%s', want '%s'\n", cases[i].text, got, cases[i].want);
			failed++;
		}
	}
	if (failed)
		fail_msg("%u of %zu names resolved wrongly", failed, G_N_ELEMENTS(cases));
}

static void
test_text_kept(void **state)
{
	/* Each match carries the name as written, for messages and warnings. */
	g_autoptr(GPtrArray) ms = directory_resolve(*state, "IETF QUIC WG,  IETF TSVWG ; QUIK");
	assert_int_equal(ms->len, 3);
	assert_string_equal(((struct dir_match *)ms->pdata[0])->text, "IETF QUIC WG");
	assert_string_equal(((struct dir_match *)ms->pdata[1])->text, "IETF TSVWG");
	assert_string_equal(((struct dir_match *)ms->pdata[2])->text, "QUIK");
	g_autoptr(GPtrArray) and = directory_resolve(*state, "QUIC and TLS WGs");
	assert_string_equal(((struct dir_match *)and->pdata[1])->text, "TLS WGs");
	g_autoptr(GPtrArray) paren = directory_resolve(*state, "3GPP TSG SA WG3 (SA3)");
	assert_string_equal(((struct dir_match *)paren->pdata[0])->text, "3GPP TSG SA WG3 (SA3)");
}

static void
test_concluded(void **state)
{
	g_autoptr(GPtrArray) ms = directory_resolve(*state, "SIDR");
	const struct dir_match *m = ms->pdata[0];
	assert_int_equal(m->kind, DIR_MATCH_RESOLVED);
	assert_true(((const struct dir_group *)m->groups->pdata[0])->concluded);
}

static void
test_hostile(void **state)
{
	/* NULL, invalid UTF-8, control characters, a very long name: no crash, bounded. */
	g_autoptr(GPtrArray) a = directory_resolve(*state, NULL);
	assert_int_equal(a->len, 0);
	g_autoptr(GPtrArray) b = directory_resolve(*state, "QUIC\xff\xfe WG");
	assert_int_equal(b->len, 1);
	g_autoptr(GPtrArray) c = directory_resolve(*state, "QU\x01IC\tWG");
	assert_int_equal(c->len, 1);
	g_autofree char *big = g_strnfill(20000, 'a');
	g_autoptr(GPtrArray) e = directory_resolve(*state, big);
	assert_int_equal(e->len, 1);
	assert_int_equal(((struct dir_match *)e->pdata[0])->kind, DIR_MATCH_UNKNOWN);
	GString *words = g_string_new("3GPP");
	for (int n = 0; n < 20000; n++)
		g_string_append(words, " TSG");
	g_autoptr(GPtrArray) w = directory_resolve(*state, words->str);
	assert_int_equal(w->len, 1);
	g_string_free(words, TRUE);
	g_autofree char *many = g_strnfill(5000, ',');
	g_autoptr(GPtrArray) f = directory_resolve(*state, many);
	assert_int_equal(f->len, 0);
	g_autoptr(GPtrArray) g = directory_resolve(NULL, "QUIC");
	assert_int_equal(g->len, 1);
	assert_int_equal(((struct dir_match *)g->pdata[0])->kind, DIR_MATCH_UNKNOWN);
	g_autoptr(GPtrArray) h = directory_resolve(*state, "((((SA3");
	assert_int_equal(h->len, 1);
	g_autoptr(GPtrArray) i = directory_resolve(*state, "(SA3)");
	assert_int_equal(((struct dir_match *)i->pdata[0])->kind, DIR_MATCH_RESOLVED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_text_kept),
		cmocka_unit_test(test_concluded),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
