/* resolve.c - loosely written group names ("IETF QUIC WG", "3GPP TSG SA WG3
 * (SA3)", "QUIC and TLS WGs") to directory groups. */
#include "conf/directory_private.h"

#include <string.h>

#define NAME_WORDS_MAX 16   /* longest group name we try to match, in words */

/* descend - from SDO group G, follow TOKENS[start..] down its sub-groups as
 * far as they name one: the most specific group that exists. */
static const struct dir_group *
descend(const struct directory *d, const struct dir_group *g, GPtrArray *t, guint start)
{
	for (guint guard = 0; start < t->len && guard < t->len; guard++) {
		GHashTable *scope = g_hash_table_lookup(d->scopes, g);
		gboolean moved = FALSE;
		for (guint len = MIN(t->len - start, NAME_WORDS_MAX); scope && len >= 1; len--) {
			g_autofree char *key = dir_join(t, start, start + len);
			GPtrArray *a = g_hash_table_lookup(scope, key);
			if (!a)
				continue;
			if (a->len == 1) {
				g = a->pdata[0];
				start += len;
				moved = TRUE;
			}
			break;
		}
		if (!moved)
			break;
	}
	return g;
}

/* A suggestion must be this similar (1 - edits / length of the longer
 * name): "quik" for quic (0.75) is a typo, "sec" for tls is not. */
#define SUGGEST_SIMILARITY 0.75

/* suggest - the acronym of the one group whose name is closest to KEY, when
 * close enough to be a typo ("quik" -> quic). */
static char *
suggest(const struct directory *d, const char *key)
{
	size_t len = strlen(key);
	guint limit = len <= 2 ? 0 : len <= 5 ? 1 : len <= 9 ? 2 : 3, best = limit + 1;
	size_t best_len = 0;
	const struct dir_group *pick = NULL;
	gboolean tie = FALSE;
	GHashTableIter it;
	gpointer k, v;
	if (limit == 0)
		return NULL;
	for (int pass = 0; pass < 2; pass++) {
		g_hash_table_iter_init(&it, pass == 0 ? d->full : d->loose);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			size_t kl = strlen(k);
			if ((kl > len ? kl - len : len - kl) > limit)
				continue;
			const struct dir_group *g = pass == 0 ? v : ((GPtrArray *)v)->len == 1 ?
			    ((GPtrArray *)v)->pdata[0] : NULL;
			guint dist = dir_edit_distance(key, k);
			if (dist < best) {
				best = dist;
				best_len = MAX(kl, len);
				pick = g;
				tie = g == NULL;
			} else if (dist == best && g != pick) {
				tie = TRUE;
			}
		}
	}
	if (pick && 1.0 - (double)best / (double)best_len < SUGGEST_SIMILARITY)
		return NULL;
	return pick && !tie ? g_strdup(pick->acronym) : NULL;
}

static struct dir_match *
match_new(const char *text, enum dir_match_kind kind)
{
	struct dir_match *m = g_new0(struct dir_match, 1);
	m->text = g_strdup(text);
	m->kind = kind;
	m->groups = g_ptr_array_new();
	return m;
}

void
directory_match_free(gpointer p)
{
	struct dir_match *m = p;
	if (!m)
		return;
	g_free(m->text);
	g_ptr_array_unref(m->groups);
	g_free(m->suggestion);
	g_free(m);
}

/* match_text - one name, no list, no parentheses. PREFIX allows an SDO
 * named at the front with more words after it. */
static struct dir_match *
match_text(const struct directory *d, const char *text, gboolean prefix)
{
	struct dir_match *m = match_new(text, DIR_MATCH_UNKNOWN);
	g_autoptr(GPtrArray) t = dir_tokens(text);
	g_autofree char *full = dir_join(t, 0, t->len);
	int hint;
	g_autofree char *loose = dir_loose_of(t, &hint);
	const struct dir_group *g;

	if (!*full)
		return m;
	if ((g = g_hash_table_lookup(d->full, full)))
		goto resolved;
	if (!*loose) {
		/* Only the kind words are left: "IETF Chair" is the IETF. */
		for (guint i = 0; i < t->len; i++)
			if ((strcmp(t->pdata[i], "ietf") == 0 || strcmp(t->pdata[i], "irtf") == 0) &&
			    (g = g_hash_table_lookup(d->by_acronym, t->pdata[i])))
				goto resolved;
		return m;
	}
	GPtrArray *a = g_hash_table_lookup(d->loose, loose);
	if (a && a->len == 1) {
		g = a->pdata[0];
		goto resolved;
	}
	if (a && a->len > 1) {
		const struct dir_group *only = NULL;
		guint n = 0;
		for (guint i = 0; i < a->len; i++)
			if ((int)((const struct dir_group *)a->pdata[i])->type == hint) {
				only = a->pdata[i];
				n++;
			}
		if (n == 1) {
			g = only;
			goto resolved;
		}
		m->kind = DIR_MATCH_AMBIGUOUS;
		for (guint i = 0; i < a->len; i++)
			if (n == 0 || (int)((const struct dir_group *)a->pdata[i])->type == hint)
				g_ptr_array_add(m->groups, a->pdata[i]);
		return m;
	}
	/* An SDO body named at the front: the most specific sub-group the rest
	 * names, else the body itself ("3GPP TSG RAN WG1" -> 3gpp). Names are
	 * a few words; a long run of words is prose, and would cost n^2. */
	for (guint len = MIN(t->len - 1, NAME_WORDS_MAX); prefix && t->len <= 4 * NAME_WORDS_MAX &&
	    len >= 1; len--) {
		g_autofree char *key = dir_join(t, 0, len);
		g = g_hash_table_lookup(d->full, key);
		if (g && g->type == DIR_SDO) {
			g = descend(d, g, t, len);
			goto resolved;
		}
	}
	m->suggestion = suggest(d, loose);
	return m;
resolved:
	m->kind = DIR_MATCH_RESOLVED;
	g_ptr_array_add(m->groups, (gpointer)g);
	return m;
}

/* is_below - is G a sub-group (at any depth) of ANCESTOR? */
static gboolean
is_below(const struct directory *d, const struct dir_group *g, const struct dir_group *ancestor)
{
	for (guint n = 0; g && g->parent && n <= d->groups->len; n++) {
		g = g_hash_table_lookup(d->by_acronym, g->parent);
		if (g == ancestor)
			return TRUE;
	}
	return FALSE;
}

/* match_one - one name; an abbreviation in parentheses ("3GPP TSG SA WG3
 * (SA3)") is tried when the rest does not resolve. */
static struct dir_match *
match_one(const struct directory *d, const char *text, gboolean prefix)
{
	GString *outside = g_string_new(NULL);
	g_autoptr(GPtrArray) inside = g_ptr_array_new_with_free_func(g_free);
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '('), *close = open ? strchr(open, ')') : NULL;
		if (!open || !close) {
			g_string_append(outside, p);
			break;
		}
		g_string_append_len(outside, p, open - p);
		g_string_append_c(outside, ' ');
		g_ptr_array_add(inside, g_strndup(open + 1, (gsize)(close - open - 1)));
		p = close + 1;
	}
	g_autofree char *rest = g_string_free(outside, FALSE);
	struct dir_match *best = match_text(d, rest, prefix);
	for (guint i = 0; i < inside->len; i++) {
		/* A resolved SDO may still be refined: "3GPP TSG SA (SA3)" is SA3. */
		const struct dir_group *was = best->kind == DIR_MATCH_RESOLVED ?
		    best->groups->pdata[0] : NULL;
		if (was && was->type != DIR_SDO)
			break;
		struct dir_match *m = match_text(d, inside->pdata[i], prefix);
		gboolean main_empty = strspn(rest, " \t") == strlen(rest);
		gboolean better = was ? m->kind == DIR_MATCH_RESOLVED &&
		    is_below(d, m->groups->pdata[0], was) : m->kind == DIR_MATCH_RESOLVED ||
		    main_empty || (m->kind == DIR_MATCH_AMBIGUOUS && best->kind == DIR_MATCH_UNKNOWN);
		if (better) {
			directory_match_free(best);
			best = m;
		} else {
			directory_match_free(m);
		}
	}
	g_free(best->text);
	best->text = g_strdup(text);
	return best;
}

/* split_and - "QUIC and TLS WGs" -> "QUIC", "TLS WGs" (also '&'). */
static GPtrArray *
split_and(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *start = text, *p = text;
	while (*p) {
		size_t skip = 0;
		if (*p == '&')
			skip = 1;
		else if (g_ascii_isspace(*p) && g_ascii_strncasecmp(p + 1, "and", 3) == 0 &&
		    g_ascii_isspace(p[4]))
			skip = 5;
		if (!skip) {
			p++;
			continue;
		}
		char *part = g_strstrip(g_strndup(start, (gsize)(p - start)));
		if (*part)
			g_ptr_array_add(out, part);
		else
			g_free(part);
		p += skip;
		start = p;
	}
	char *part = g_strstrip(g_strdup(start));
	if (*part)
		g_ptr_array_add(out, part);
	else
		g_free(part);
	return out;
}

/* in_context - "3GPP TSG SA WG2 and WG3": an unknown part after an SDO
 * group may be a sibling named relative to the same body; look for it
 * under the previous group's ancestors, nearest first. */
static void
in_context(const struct directory *d, struct dir_match *m, const struct dir_match *prev)
{
	if (prev->kind != DIR_MATCH_RESOLVED)
		return;
	const struct dir_group *g = prev->groups->pdata[0];
	g_autoptr(GPtrArray) t = dir_tokens(m->text);
	for (guint n = 0; g && g->type == DIR_SDO && t->len > 0 && n <= d->groups->len; n++) {
		const struct dir_group *found = descend(d, g, t, 0);
		if (found != g) {
			m->kind = DIR_MATCH_RESOLVED;
			g_ptr_array_add(m->groups, (gpointer)found);
			g_clear_pointer(&m->suggestion, g_free);
			return;
		}
		g = g->parent ? g_hash_table_lookup(d->by_acronym, g->parent) : NULL;
	}
}

/* resolve_piece - one comma-separated piece: as a whole name first (so "Web
 * and Internet Transport" stays one name), then as an "and" list, and only
 * then as a body with more words after it (so that "ITU-T SG15 and SG13" is
 * two groups, not SG15 with words to spare). */
static void
resolve_piece(const struct directory *d, const char *piece, GPtrArray *out)
{
	g_autoptr(GPtrArray) parts = split_and(piece);
	if (parts->len < 2) {
		g_ptr_array_add(out, match_one(d, piece, TRUE));
		return;
	}
	struct dir_match *whole = match_one(d, piece, FALSE);
	if (whole->kind != DIR_MATCH_UNKNOWN) {
		g_ptr_array_add(out, whole);
		return;
	}
	GPtrArray *ms = g_ptr_array_new_with_free_func(directory_match_free);
	gboolean any = FALSE;
	for (guint i = 0; i < parts->len; i++) {
		struct dir_match *m = match_one(d, parts->pdata[i], TRUE);
		any |= m->kind == DIR_MATCH_RESOLVED;
		g_ptr_array_add(ms, m);
	}
	if (any) {
		directory_match_free(whole);
		for (guint i = 0; i < ms->len; i++)
			g_ptr_array_add(out, g_steal_pointer(&ms->pdata[i]));
	} else {
		directory_match_free(whole);
		g_ptr_array_add(out, match_one(d, piece, TRUE));
	}
	g_ptr_array_unref(ms);
}

GPtrArray *
directory_resolve(const struct directory *d, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(directory_match_free);
	struct directory *nothing = NULL;
	if (!text)
		return out;
	if (!d)
		d = nothing = directory_new_empty();
	g_autofree char *valid = g_utf8_make_valid(text, -1);
	g_auto(GStrv) pieces = g_strsplit_set(valid, ",;\r\n", -1);
	for (char **p = pieces; *p; p++) {
		char *s = g_strstrip(*p);
		/* "A, B, and C" / "A, & B": the conjunction opens the last piece. */
		if (g_ascii_strncasecmp(s, "and ", 4) == 0)
			s = g_strstrip(s + 4);
		else if (*s == '&')
			s = g_strstrip(s + 1);
		if (*s)
			resolve_piece(d, s, out);
	}
	for (guint i = 1; i < out->len; i++)
		if (((struct dir_match *)out->pdata[i])->kind == DIR_MATCH_UNKNOWN)
			in_context(d, out->pdata[i], out->pdata[i - 1]);
	directory_free(nothing);
	return out;
}
