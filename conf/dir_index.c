/* dir_index.c - the names of groups, normalised once at load: words,
 * the words that do not name a group, and the tables the resolver reads. */
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

/* dir_tokens - lower-cased words of letters and digits; "wg 3", "working group
 * 3", "sg 15" and "study group 15" become "wg3" / "sg15" so that 3GPP and
 * ITU-T numbering reads the same however it is spelled. */
GPtrArray *
dir_tokens(const char *text)
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

char *
dir_join(GPtrArray *t, guint from, guint to)
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
	g_autoptr(GPtrArray) t = dir_tokens(text ? text : "");
	return dir_join(t, 0, t->len);
}

char *
dir_loose_of(GPtrArray *t, int *hint)
{
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

char *
dir_norm_loose(const char *text, int *hint)
{
	g_autoptr(GPtrArray) t = dir_tokens(text ? text : "");
	return dir_loose_of(t, hint);
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

void
dir_add_unique(GPtrArray *a, gpointer p)
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
	dir_add_unique(a, g);
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
	dir_add_unique(a, g);
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
			dir_add_unique(ancestors, (gpointer)p);
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
