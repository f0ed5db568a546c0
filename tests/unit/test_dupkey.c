/* test_dupkey.c - the normalisation the duplicate keys are computed over. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parser/dupkey.h"
#include "model/digest.h"

/* reference - the definition, over the whole text at once: NFKC, case
 * fold, letters and digits kept, one space between words. */
static char *
reference(const char *text)
{
	g_autofree char *n = g_utf8_normalize(text, -1, G_NORMALIZE_ALL_COMPOSE);
	g_autofree char *f = g_utf8_casefold(n ? n : "", -1);
	GString *out = g_string_new(NULL);
	gboolean space = FALSE;
	for (const char *p = f; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_isalnum(c)) {
			if (space && out->len)
				g_string_append_c(out, ' ');
			g_string_append_unichar(out, c);
			space = FALSE;
		} else {
			space = TRUE;
		}
	}
	return g_string_free(out, FALSE);
}

/* dupkey_norm cuts the text into words at ASCII punctuation and only
 * normalises words that are not ASCII: on random mixes of ASCII, combining
 * marks (after a letter and after "<", "=" and ">", which compose with
 * U+0338), ligatures, fullwidth and circled digits, final sigma, sharp s,
 * Hangul jamo and quoting, it gives what the whole-text definition gives. */
static void
test_norm_matches_definition(void **state)
{
	(void)state;
	static const char *const bits[] = {
		"a", "Z", "7", " ", ".", "\n", "> ", "<", "=", ">", "-",
		"\xcc\x81" /* U+0301 combining acute */, "\xcc\xb8" /* U+0338 */,
		"\xef\xac\x81" /* U+FB01 fi */, "\xef\xbc\xa1" /* U+FF21 fullwidth A */,
		"\xe2\x91\xa0" /* U+2460 circled 1 */, "\xe2\x91\xb4" /* U+2474 (1) */,
		"\xce\xa3" /* U+03A3 Sigma */, "\xcf\x82" /* U+03C2 final sigma */,
		"\xc3\x9f" /* U+00DF sharp s */, "\xe1\x84\x80" /* U+1100 jamo L */,
		"\xe1\x85\xa1" /* U+1161 jamo V */, "\xe2\x80\x99" /* U+2019 */,
		"\xc2\xa0" /* NBSP */, "\xc3\x89" /* E acute */, "\xe2\x84\xab" /* U+212B angstrom */,
	};
	GRand *r = g_rand_new_with_seed(4053);
	for (int i = 0; i < 20000; i++) {
		GString *t = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 30);
		for (int k = 0; k < n; k++)
			g_string_append(t, bits[g_rand_int_range(r, 0, G_N_ELEMENTS(bits))]);
		g_autofree char *want = reference(t->str);
		g_autofree char *got = dupkey_norm(t->str);
		if (strcmp(want, got) != 0)
			fail_msg("case %d \"%s\": want \"%s\", got \"%s\"", i, t->str, want, got);
		g_string_free(t, TRUE);
	}
	g_rand_free(r);
	g_autofree char *plain = dupkey_norm("> LS on Multipath-QUIC,\n> part 2 ");
	assert_string_equal(plain, "ls on multipath quic part 2");
	g_autofree char *none = dupkey_norm(NULL);
	assert_string_equal(none, "");
}

/* The keys are the SHA-256 (hex) of the normalised title and From groups,
 * then of that and the normalised body: the same digests GLib gives, so
 * keys stored by an older build still match. */
static void
test_keys_are_sha256(void **state)
{
	(void)state;
	struct statement *st = statement_new();
	st->title = g_strdup("LS on Multipath QUIC");
	st->body = g_strdup("3GPP TSG SA WG3 thanks the IETF QUIC working group for its "
	    "liaison statement on multipath QUIC and asks it to clarify the key update.");
	dupkey_set(st);
	g_autofree char *tk = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
	    "ls on multipath quic\n", -1);
	assert_string_equal(json_object_get_string_member(st->metadata, "title_key"), tk);
	g_autofree char *nb = dupkey_norm(st->body);
	g_autofree char *ck_in = g_strdup_printf("%s\n%s", tk, nb);
	g_autofree char *ck = g_compute_checksum_for_string(G_CHECKSUM_SHA256, ck_in, -1);
	assert_string_equal(json_object_get_string_member(st->metadata, "content_key"), ck);
	statement_free(st);
}

/* digest_sha256_join hashes the parts as if joined by newlines, without
 * joining them: the digest of the joined string, whatever the parts. */
static void
test_join_is_digest_of_joined(void **state)
{
	(void)state;
	GString *big = g_string_new(NULL);
	for (int i = 0; i < 5000; i++)
		g_string_append_printf(big, "word%d ", i);
	const char *const sets[][3] = {
		{ "a", "b", "c" }, { "", "", "" }, { "title", "", "x" }, { "\n", "tk", big->str },
	};
	for (guint s = 0; s < G_N_ELEMENTS(sets); s++)
		for (guint n = 0; n <= 3; n++) {
			g_autofree char *joined = g_strjoinv("\n", (char **)(const char *[]){
			    n > 0 ? sets[s][0] : NULL, n > 1 ? sets[s][1] : NULL, n > 2 ? sets[s][2] : NULL, NULL });
			g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, joined, -1);
			g_autofree char *got = digest_sha256_join(sets[s], n);
			assert_string_equal(got, want);
		}
	g_string_free(big, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm_matches_definition),
		cmocka_unit_test(test_keys_are_sha256),
		cmocka_unit_test(test_join_is_digest_of_joined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
