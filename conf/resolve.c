/* resolve.c - loosely written group names ("IETF QUIC WG", "3GPP TSG SA WG3
 * (SA3)", "QUIC and TLS WGs") to directory groups. */
#include "conf/directory_private.h"

#include <string.h>

/* Words that say what kind of group something is, not which one. The type
 * they imply separates an area from a WG of the same name ("Routing Area"
 * vs "Routing Area Working Group"). */
static const struct { const char *w1, *w2; int hint; } noise[] = {
	{ "working", "group", DIR_WG }, { "working", "groups", DIR_WG },
	{ "research", "group", DIR_RG }, { "research", "groups", DIR_RG },
	{ "wg", NULL, DIR_WG }, { "wgs", NULL, DIR_WG },
	{ "rg", NULL, DIR_RG }, { "rgs", NULL, DIR_RG },
	{ "area", NULL, DIR_AREA }, { "areas", NULL, DIR_AREA },
	{ "ietf", NULL, DIR_HINT_NONE }, { "irtf", NULL, DIR_HINT_NONE },
	{ "directorate", NULL, DIR_HINT_NONE }, { "directorates", NULL, DIR_HINT_NONE },
	{ "the", NULL, DIR_HINT_NONE },
	{ "chair", NULL, DIR_HINT_NONE }, { "chairs", NULL, DIR_HINT_NONE },
	{ "cochair", NULL, DIR_HINT_NONE }, { "cochairs", NULL, DIR_HINT_NONE },
	{ "co", "chair", DIR_HINT_NONE }, { "co", "chairs", DIR_HINT_NONE },
};

#define NAME_WORDS_MAX 16   /* longest group name we try to match, in words */

static gboolean
all_digits(const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return FALSE;
	return TRUE;
}

/* tokens - lower-cased words of letters and digits; "wg 3", "working group
 * 3", "sg 15" and "study group 15" become "wg3" / "sg15" so that 3GPP and
 * ITU-T numbering reads the same however it is spelled. */
static GPtrArray *
tokens(const char *text)
{
	g_autofree char *valid = g_utf8_make_valid(text, -1);
	g_autofree char *low = g_utf8_strdown(valid, -1);
	g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);
	for (const char *p = low;; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c && g_unichar_isalnum(c)) {
			g_string_append_unichar(cur, c);
			continue;
		}
		if (cur->len)
			g_ptr_array_add(raw, g_strdup(cur->str));
		g_string_truncate(cur, 0);
		if (!c)
			break;
	}
	g_string_free(cur, TRUE);

	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < raw->len; i++) {
		const char *t = raw->pdata[i];
		const char *n1 = i + 1 < raw->len ? raw->pdata[i + 1] : "";
		const char *n2 = i + 2 < raw->len ? raw->pdata[i + 2] : "";
		if ((strcmp(t, "wg") == 0 || strcmp(t, "sg") == 0) && all_digits(n1)) {
			g_ptr_array_add(out, g_strconcat(t, n1, NULL));
			i += 1;
		} else if ((strcmp(t, "working") == 0 || strcmp(t, "study") == 0) &&
		    strcmp(n1, "group") == 0 && all_digits(n2)) {
			g_ptr_array_add(out, g_strconcat(*t == 'w' ? "wg" : "sg", n2, NULL));
			i += 2;
		} else {
			g_ptr_array_add(out, g_strdup(t));
		}
	}
	return out;
}

static char *
join(GPtrArray *t, guint from, guint to)
{
	GString *s = g_string_new(NULL);
	for (guint i = from; i < to; i++) {
		if (s->len)
			g_string_append_c(s, ' ');
		g_string_append(s, t->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

char *
dir_norm_full(const char *text)
{
	g_autoptr(GPtrArray) t = tokens(text ? text : "");
	return join(t, 0, t->len);
}

char *
dir_norm_loose(const char *text, int *hint)
{
	g_autoptr(GPtrArray) t = tokens(text ? text : "");
	GString *s = g_string_new(NULL);
	*hint = DIR_HINT_NONE;
	for (guint i = 0; i < t->len; i++) {
		const char *w = t->pdata[i], *next = i + 1 < t->len ? t->pdata[i + 1] : "";
		gboolean skip = FALSE;
		for (size_t k = 0; k < G_N_ELEMENTS(noise) && !skip; k++) {
			if (strcmp(w, noise[k].w1) != 0 || (noise[k].w2 && strcmp(next, noise[k].w2) != 0))
				continue;
			skip = TRUE;
			if (noise[k].hint != DIR_HINT_NONE)
				*hint = noise[k].hint;
			if (noise[k].w2)
				i++;
		}
		if (skip)
			continue;
		if (s->len)
			g_string_append_c(s, ' ');
		g_string_append(s, w);
	}
	return g_string_free(s, FALSE);
}

guint
dir_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	guint row[129];
	if (la > 128 || lb > 128)
		return G_MAXUINT;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (guint)j;
	for (size_t i = 1; i <= la; i++) {
		guint diag = row[0];
		row[0] = (guint)i;
		for (size_t j = 1; j <= lb; j++) {
			guint up = row[j];
			guint best = diag + (a[i - 1] != b[j - 1]);
			best = MIN(best, up + 1);
			best = MIN(best, row[j - 1] + 1);
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void
add_unique(GPtrArray *a, gpointer p)
{
	for (guint i = 0; i < a->len; i++)
		if (a->pdata[i] == p)
			return;
	g_ptr_array_add(a, p);
}

static void
free_array(gpointer a)
{
	g_ptr_array_unref(a);
}

void
dir_index_init(struct directory *d)
{
	d->full = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d->loose = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
	d->scopes = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_hash_table_unref);
}

gboolean
dir_index_add(struct directory *d, struct dir_group *g, const char *text,
    const struct dir_group **clash, gboolean *loose)
{
	g_autofree char *full = dir_norm_full(text);
	int hint;
	if (!*full)
		return TRUE;
	const struct dir_group *other = g_hash_table_lookup(d->full, full);
	if (other && other != g) {
		*clash = other;
		*loose = FALSE;
		return FALSE;
	}
	if (!other)
		g_hash_table_insert(d->full, g_steal_pointer(&full), g);

	g_autofree char *lk = dir_norm_loose(text, &hint);
	if (!*lk)
		return TRUE;
	GPtrArray *a = g_hash_table_lookup(d->loose, lk);
	if (!a) {
		a = g_ptr_array_new();
		g_hash_table_insert(d->loose, g_strdup(lk), a);
	}
	/* Same loose name on groups of different types is fine: "Routing Area"
	 * and "Routing Area Working Group" are told apart by the type word. */
	for (guint i = 0; i < a->len; i++) {
		const struct dir_group *h = a->pdata[i];
		if (h != g && h->type == g->type) {
			*clash = h;
			*loose = TRUE;
			return FALSE;
		}
	}
	add_unique(a, g);
	return TRUE;
}

static void
scope_add(struct directory *d, const struct dir_group *scope_of, const char *key,
    struct dir_group *g)
{
	GHashTable *scope = g_hash_table_lookup(d->scopes, scope_of);
	if (!scope) {
		scope = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
		g_hash_table_insert(d->scopes, (gpointer)scope_of, scope);
	}
	GPtrArray *a = g_hash_table_lookup(scope, key);
	if (!a) {
		a = g_ptr_array_new();
		g_hash_table_insert(scope, g_strdup(key), a);
	}
	add_unique(a, g);
}

/* dir_index_finish - for each SDO body, the names its sub-groups go by
 * inside it: their own names, and their names with the body's name taken
 * off the front ("3GPP TSG SA WG3" is "wg3" inside "3GPP TSG SA"). */
void
dir_index_finish(struct directory *d)
{
	g_autoptr(GHashTable) keys_of = g_hash_table_new_full(NULL, NULL, NULL, free_array);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, d->full);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		GPtrArray *a = g_hash_table_lookup(keys_of, v);
		if (!a) {
			a = g_ptr_array_new();
			g_hash_table_insert(keys_of, v, a);
		}
		g_ptr_array_add(a, k);
	}
	for (guint i = 0; i < d->groups->len; i++) {
		struct dir_group *g = d->groups->pdata[i];
		GPtrArray *mine = g_hash_table_lookup(keys_of, g);
		if (g->type != DIR_SDO || !mine)
			continue;
		/* Every ancestor sees every key and every relative key. */
		g_autoptr(GPtrArray) ancestors = g_ptr_array_new();
		const struct dir_group *p = g;
		for (guint n = 0; n < d->groups->len && p->parent; n++) {
			p = g_hash_table_lookup(d->by_acronym, p->parent);
			if (!p || p->type != DIR_SDO || p == g)
				break;
			add_unique(ancestors, (gpointer)p);
		}
		g_autoptr(GPtrArray) rel = g_ptr_array_new_with_free_func(g_free);
		for (guint j = 0; j < mine->len; j++) {
			const char *key = mine->pdata[j];
			g_ptr_array_add(rel, g_strdup(key));
			for (guint a = 0; a < ancestors->len; a++) {
				GPtrArray *theirs = g_hash_table_lookup(keys_of, ancestors->pdata[a]);
				for (guint t = 0; theirs && t < theirs->len; t++) {
					size_t n = strlen(theirs->pdata[t]);
					if (strncmp(key, theirs->pdata[t], n) == 0 && key[n] == ' ')
						g_ptr_array_add(rel, g_strdup(key + n + 1));
				}
			}
		}
		for (guint a = 0; a < ancestors->len; a++)
			for (guint j = 0; j < rel->len; j++)
				scope_add(d, ancestors->pdata[a], rel->pdata[j], g);
	}
}

/* descend - from SDO group G, follow TOKENS[start..] down its sub-groups as
 * far as they name one: the most specific group that exists. */
static const struct dir_group *
descend(const struct directory *d, const struct dir_group *g, GPtrArray *t, guint start)
{
	for (guint guard = 0; start < t->len && guard < t->len; guard++) {
		GHashTable *scope = g_hash_table_lookup(d->scopes, g);
		gboolean moved = FALSE;
		for (guint len = MIN(t->len - start, NAME_WORDS_MAX); scope && len >= 1; len--) {
			g_autofree char *key = join(t, start, start + len);
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

/* suggest - the acronym of the one group whose name is closest to KEY, when
 * close enough to be a typo ("quik" -> quic). */
static char *
suggest(const struct directory *d, const char *key)
{
	size_t len = strlen(key);
	guint limit = len <= 2 ? 0 : len <= 5 ? 1 : len <= 9 ? 2 : 3, best = limit + 1;
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
				pick = g;
				tie = g == NULL;
			} else if (dist == best && g != pick) {
				tie = TRUE;
			}
		}
	}
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
	g_autoptr(GPtrArray) t = tokens(text);
	g_autofree char *full = join(t, 0, t->len);
	int hint;
	g_autofree char *loose = dir_norm_loose(text, &hint);
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
		g_autofree char *key = join(t, 0, len);
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
	for (guint i = 0; i < inside->len && best->kind != DIR_MATCH_RESOLVED; i++) {
		struct dir_match *m = match_text(d, inside->pdata[i], prefix);
		gboolean main_empty = strspn(rest, " \t") == strlen(rest);
		if (m->kind == DIR_MATCH_RESOLVED || main_empty ||
		    (m->kind == DIR_MATCH_AMBIGUOUS && best->kind == DIR_MATCH_UNKNOWN)) {
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
	g_autoptr(GPtrArray) t = tokens(m->text);
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
