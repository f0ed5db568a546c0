/* directory.c - load and check the group directory (docs/directory.md). */
#include "conf/directory_private.h"
#include "conf/conf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const type_names[] = {
	[DIR_WG] = "wg", [DIR_RG] = "rg", [DIR_AREA] = "area", [DIR_IETF] = "ietf",
	[DIR_IESG] = "iesg", [DIR_IAB] = "iab", [DIR_IRTF] = "irtf", [DIR_SDO] = "sdo",
};

static const char *const known_keys[] = {
	"type", "name", "parent", "list", "chairs", "ads", "liaison_managers", "contacts", "cc",
	"aliases", "state", NULL,
};

/* The whole IETF and its partners are a few hundred groups, well under 1 MiB. */
#define DIR_FILE_MAX (16 * 1024 * 1024)

/* One load: where problems are collected and where lines are looked up. */
struct loader {
	const char *path;
	GHashTable *lines;        /* "section" or "section\037key" -> line number */
	GPtrArray *problems;      /* char * */
	GHashTable *broken;       /* acronyms of sections already reported unusable */
};

const char *
dir_type_name(enum dir_type t)
{
	return (unsigned)t < G_N_ELEMENTS(type_names) ? type_names[t] : "?";
}

char *
dir_group_title(const struct dir_group *g)
{
	static const char *const kind[] = { [DIR_WG] = "working group", [DIR_RG] = "research group",
		[DIR_AREA] = "area" };
	const char *k = (unsigned)g->type < G_N_ELEMENTS(kind) ? kind[g->type] : NULL;
	if (!k)   /* the IETF, IESG, IAB, IRTF and other bodies: their name says it */
		return g_strdup(g->name);
	g_autofree char *low = g_ascii_strdown(g->name, -1);
	/* "Transport Area Working Group (tsvwg)", not "... Working Group working group" */
	if (strstr(low, k) || (g->type == DIR_WG && g_str_has_suffix(low, " wg")))
		return g_strdup_printf("%s (%s)", g->name, g->acronym);
	return g_strdup_printf("%s %s (%s)", g->name, k, g->acronym);
}

/* with_article - "a wg", "an area", "an sdo": for messages. */
static const char *
with_article(enum dir_type t)
{
	static const char *const a[] = {
		[DIR_WG] = "a wg", [DIR_RG] = "an rg", [DIR_AREA] = "an area", [DIR_IETF] = "the ietf",
		[DIR_IESG] = "the iesg", [DIR_IAB] = "the iab", [DIR_IRTF] = "the irtf",
		[DIR_SDO] = "an sdo",
	};
	return (unsigned)t < G_N_ELEMENTS(a) ? a[t] : "?";
}

static int
type_from_name(const char *s)
{
	for (size_t i = 0; i < G_N_ELEMENTS(type_names); i++)
		if (g_ascii_strcasecmp(s, type_names[i]) == 0)
			return (int)i;
	return -1;
}

static int
line_of(struct loader *ld, const char *section, const char *key)
{
	g_autofree char *k = key ? g_strdup_printf("%s\037%s", section, key) : g_strdup(section);
	return GPOINTER_TO_INT(g_hash_table_lookup(ld->lines, k));
}

/* problem - record "FILE:LINE: [section] key: reason"; the line is looked up
 * from the scan of the text because GKeyFile does not keep it. */
static void __attribute__((format(printf, 4, 5)))
problem(struct loader *ld, const char *section, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int line = section ? line_of(ld, section, key) : 0;
	if (!line && section && key)
		line = line_of(ld, section, NULL);
	GString *s = g_string_new(ld->path);
	if (line)
		g_string_append_printf(s, ":%d", line);
	g_string_append(s, ": ");
	if (section)
		g_string_append_printf(s, "[%s]%s%s: ", section, key ? " " : "", key ? key : "");
	g_string_append(s, why);
	g_ptr_array_add(ld->problems, g_string_free(s, FALSE));
}

/* scan_lines - note the line of every section and key, and report what
 * GKeyFile would only reject wholesale (bad lines) or silently merge
 * (a section or key given twice). */
static void
scan_lines(struct loader *ld, const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree char *section = NULL;
	for (int i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		int n = i + 1;
		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '[') {
			char *end = strrchr(l, ']');
			if (!end || end[1] != '\0') {
				g_ptr_array_add(ld->problems, g_strdup_printf(
				    "%s:%d: '%s' is not a [section] line", ld->path, n, l));
				continue;
			}
			g_free(section);
			section = g_strndup(l + 1, (gsize)(end - l - 1));
			int first = GPOINTER_TO_INT(g_hash_table_lookup(ld->lines, section));
			if (first)
				g_ptr_array_add(ld->problems, g_strdup_printf("%s:%d: [%s]: "
				    "section given twice (first at line %d)", ld->path, n, section, first));
			else
				g_hash_table_insert(ld->lines, g_strdup(section), GINT_TO_POINTER(n));
			continue;
		}
		char *eq = strchr(l, '=');
		if (!eq) {
			g_ptr_array_add(ld->problems, g_strdup_printf("%s:%d: '%s' is not "
			    "'key = value', a [section] or a # comment", ld->path, n, l));
			continue;
		}
		g_autofree char *key = g_strstrip(g_strndup(l, (gsize)(eq - l)));
		if (!section) {
			g_ptr_array_add(ld->problems, g_strdup_printf("%s:%d: %s: key before "
			    "the first [section]", ld->path, n, key));
			continue;
		}
		g_autofree char *k = g_strdup_printf("%s\037%s", section, key);
		int first = GPOINTER_TO_INT(g_hash_table_lookup(ld->lines, k));
		if (first)
			g_ptr_array_add(ld->problems, g_strdup_printf("%s:%d: [%s] %s: key "
			    "given twice (first at line %d)", ld->path, n, section, key, first));
		else
			g_hash_table_insert(ld->lines, g_steal_pointer(&k), GINT_TO_POINTER(n));
	}
}

static void
group_free(gpointer p)
{
	struct dir_group *g = p;
	if (!g)
		return;
	g_free(g->acronym);
	g_free(g->name);
	g_free(g->parent);
	g_free(g->list);
	g_ptr_array_unref(g->chairs);
	g_ptr_array_unref(g->ads);
	g_ptr_array_unref(g->liaison_managers);
	g_ptr_array_unref(g->contacts);
	g_ptr_array_unref(g->cc);
	g_strfreev(g->aliases);
	g_free(g);
}

static struct dir_group *
group_new(const char *acronym)
{
	struct dir_group *g = g_new0(struct dir_group, 1);
	g->acronym = g_ascii_strdown(acronym, -1);
	g->chairs = g_ptr_array_new_with_free_func(addr_free);
	g->ads = g_ptr_array_new_with_free_func(addr_free);
	g->liaison_managers = g_ptr_array_new_with_free_func(addr_free);
	g->contacts = g_ptr_array_new_with_free_func(addr_free);
	g->cc = g_ptr_array_new_with_free_func(addr_free);
	g->aliases = g_new0(char *, 1);
	return g;
}

/* value - the raw, stripped value of KEY, or NULL when absent or empty. */
static char *
value(GKeyFile *kf, const char *section, const char *key)
{
	char *v = g_key_file_get_value(kf, section, key, NULL);
	if (v && *g_strstrip(v) == '\0')
		g_clear_pointer(&v, g_free);
	return v;
}

static void
load_addresses(struct loader *ld, GKeyFile *kf, const char *section, const char *key,
    GPtrArray *into)
{
	g_autofree char *v = value(kf, section, key);
	GPtrArray *list = NULL;
	GError *e = NULL;
	if (!v)
		return;
	if (!addr_parse_list(v, &list, &e)) {
		problem(ld, section, key, "%s", e->message);
		g_error_free(e);
		return;
	}
	if (list->len == 0)
		problem(ld, section, key, "'%s' has no address (an empty group)", v);
	for (guint i = 0; i < list->len; i++)
		g_ptr_array_add(into, list->pdata[i]);
	g_ptr_array_set_free_func(list, NULL);
	g_ptr_array_unref(list);
}

static gboolean
acronym_ok(const char *s)
{
	if (!*s)
		return FALSE;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return FALSE;
	return TRUE;
}

/* check_keys - every key of SECTION must be one we know. */
static void
check_keys(struct loader *ld, GKeyFile *kf, const char *section)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, section, NULL, NULL);
	for (char **k = keys; k && *k; k++) {
		if (g_strv_contains(known_keys, *k))
			continue;
		const char *near = NULL;
		guint best = 3;
		for (const char *const *c = known_keys; *c; c++) {
			g_autofree char *lk = g_ascii_strdown(*k, -1);
			guint dist = dir_edit_distance(lk, *c);
			if (dist < best) {
				best = dist;
				near = *c;
			}
		}
		if (near)
			problem(ld, section, *k, "unknown key (did you mean %s?)", near);
		else
			problem(ld, section, *k, "unknown key");
	}
}

/* load_group - one section into a group; problems are recorded, and the
 * group is returned whenever its type is known so later checks still run. */
static struct dir_group *
load_group(struct loader *ld, GKeyFile *kf, const char *section)
{
	g_autofree char *acr = g_strstrip(g_strdup(section));
	if (!acronym_ok(acr)) {
		problem(ld, section, NULL, "a section name is the group's acronym: letters, "
		    "digits, '-', '_' or '.'");
		return NULL;
	}
	check_keys(ld, kf, section);

	g_autofree char *type = value(kf, section, "type");
	int t = type ? type_from_name(type) : -1;
	if (!type) {
		problem(ld, section, NULL, "type is missing (wg, rg, area, ietf, iesg, iab, irtf or sdo)");
		return NULL;
	}
	if (t < 0) {
		g_autofree char *low = g_ascii_strdown(type, -1);
		const char *near = NULL;
		for (size_t i = 0; i < G_N_ELEMENTS(type_names) && !near; i++)
			if (dir_edit_distance(low, type_names[i]) == 1)
				near = type_names[i];
		problem(ld, section, "type", "'%s' is not a group type (wg, rg, area, ietf, iesg, "
		    "iab, irtf or sdo)%s%s%s", type, near ? "; did you mean " : "", near ? near : "",
		    near ? "?" : "");
		return NULL;
	}

	struct dir_group *g = group_new(acr);
	g->type = (enum dir_type)t;
	g->name = value(kf, section, "name");
	if (!g->name)
		g->name = g_strdup(g->acronym);
	g->parent = value(kf, section, "parent");
	if (g->parent) {
		char *low = g_ascii_strdown(g->parent, -1);
		g_free(g->parent);
		g->parent = low;
	}

	g_autofree char *list = value(kf, section, "list");
	if (list) {
		GError *e = NULL;
		struct addr *a = addr_parse_one(list, &e);
		if (a) {
			g->list = g_strdup(a->address);
			addr_free(a);
		} else {
			problem(ld, section, "list", "%s", e->message);
			g_error_free(e);
		}
	}
	load_addresses(ld, kf, section, "chairs", g->chairs);
	load_addresses(ld, kf, section, "ads", g->ads);
	load_addresses(ld, kf, section, "liaison_managers", g->liaison_managers);
	load_addresses(ld, kf, section, "contacts", g->contacts);
	load_addresses(ld, kf, section, "cc", g->cc);

	g_autofree char *aliases = value(kf, section, "aliases");
	if (aliases) {
		g_auto(GStrv) parts = g_strsplit(aliases, ";", -1);
		GPtrArray *a = g_ptr_array_new();
		for (char **s = parts; *s; s++)
			if (*g_strstrip(*s))
				g_ptr_array_add(a, g_strdup(*s));
		g_ptr_array_add(a, NULL);
		g_strfreev(g->aliases);
		g->aliases = (char **)g_ptr_array_free(a, FALSE);
	}

	g_autofree char *state = value(kf, section, "state");
	if (state && g_ascii_strcasecmp(state, "concluded") == 0)
		g->concluded = TRUE;
	else if (state && g_ascii_strcasecmp(state, "active") != 0)
		problem(ld, section, "state", "'%s' is not active or concluded", state);
	return g;
}

/* parent_rule - which type a group of type T may hang under, for the message. */
static gboolean
parent_ok(enum dir_type t, enum dir_type p, const char **want)
{
	switch (t) {
	case DIR_WG: *want = "an area"; return p == DIR_AREA;
	case DIR_RG: *want = "the irtf"; return p == DIR_IRTF;
	case DIR_AREA: *want = "the ietf or the iesg"; return p == DIR_IETF || p == DIR_IESG;
	case DIR_IESG: case DIR_IAB: *want = "the ietf"; return p == DIR_IETF;
	case DIR_IRTF: *want = "the iab or the ietf"; return p == DIR_IAB || p == DIR_IETF;
	case DIR_SDO: *want = "an sdo (the body a sub-group belongs to)"; return p == DIR_SDO;
	case DIR_IETF: *want = "nothing"; return FALSE;
	}
	return FALSE;
}

/* check_parents - parents exist, have the right type and do not loop. */
static void
check_parents(struct loader *ld, struct directory *d, GHashTable *sections)
{
	for (guint i = 0; i < d->groups->len; i++) {
		struct dir_group *g = d->groups->pdata[i];
		const char *sec = g_hash_table_lookup(sections, g);
		const char *want;
		if (!g->parent)
			continue;
		struct dir_group *p = g_hash_table_lookup(d->by_acronym, g->parent);
		if (!p && g_hash_table_contains(ld->broken, g->parent)) {
			continue;   /* its own problem is reported; do not pile on */
		} else if (!p) {
			problem(ld, sec, "parent", "no group [%s] in the directory", g->parent);
		} else if (p == g) {
			problem(ld, sec, "parent", "a group cannot be its own parent");
		} else if (g->type == DIR_IETF) {
			problem(ld, sec, "parent", "the ietf has no parent");
		} else if (!parent_ok(g->type, p->type, &want)) {
			problem(ld, sec, "parent", "[%s] is %s, but the parent of %s must be %s",
			    p->acronym, with_article(p->type), with_article(g->type), want);
		} else if (g->type == DIR_SDO) {
			/* Only sdo chains can loop (the other types' parents end at the
			 * ietf, which has none); walk them bounded. */
			const struct dir_group *q = p;
			for (guint n = 0; q && q->parent && n <= d->groups->len; n++) {
				q = g_hash_table_lookup(d->by_acronym, q->parent);
				if (q == g) {
					problem(ld, sec, "parent", "the parent chain loops back to [%s]",
					    g->acronym);
					break;
				}
			}
		}
	}
}

/* check_singletons - there is one IETF, one IESG, one IAB and one IRTF. */
static void
check_singletons(struct loader *ld, struct directory *d, GHashTable *sections)
{
	const struct dir_group *seen[G_N_ELEMENTS(type_names)] = { NULL };
	for (guint i = 0; i < d->groups->len; i++) {
		const struct dir_group *g = d->groups->pdata[i];
		if (g->type != DIR_IETF && g->type != DIR_IESG && g->type != DIR_IAB &&
		    g->type != DIR_IRTF)
			continue;
		if (seen[g->type])
			problem(ld, g_hash_table_lookup(sections, g), "type", "there is only one %s, "
			    "and [%s] is it already", dir_type_name(g->type), seen[g->type]->acronym);
		else
			seen[g->type] = g;
	}
}

static void
index_name(struct loader *ld, struct directory *d, struct dir_group *g, const char *sec,
    const char *key, const char *text)
{
	const struct dir_group *other = NULL;
	gboolean loose = FALSE;
	if (dir_index_add(d, g, text, &other, &loose))
		return;
	if (loose)
		problem(ld, sec, key, "'%s' names [%s] too once IETF/WG/area words are ignored: "
		    "the two %ss would be ambiguous", text, other->acronym, dir_type_name(g->type));
	else
		problem(ld, sec, key, "'%s' also names [%s]: the two groups would be ambiguous",
		    text, other->acronym);
}

/* problem_line - the line number in "PATH:LINE: ...", 0 when none. */
static long
problem_line(const char *p, size_t plen)
{
	if (strlen(p) <= plen + 1 || p[plen] != ':' || !g_ascii_isdigit(p[plen + 1]))
		return 0;
	return strtol(p + plen + 1, NULL, 10);
}

/* problem_cmp - by line, so that the report reads down the file (stable). */
static gint
problem_cmp(gconstpointer a, gconstpointer b, gpointer plen)
{
	long x = problem_line(*(char *const *)a, GPOINTER_TO_SIZE(plen));
	long y = problem_line(*(char *const *)b, GPOINTER_TO_SIZE(plen));
	return x < y ? -1 : x > y;
}

static gint
group_cmp(gconstpointer a, gconstpointer b)
{
	const struct dir_group *x = *(struct dir_group *const *)a, *y = *(struct dir_group *const *)b;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	return strcmp(x->acronym, y->acronym);
}

struct directory *
directory_new_empty(void)
{
	struct directory *d = g_new0(struct directory, 1);
	d->groups = g_ptr_array_new_with_free_func(group_free);
	d->by_acronym = g_hash_table_new(g_str_hash, g_str_equal);
	dir_index_init(d);
	return d;
}

void
directory_free(struct directory *d)
{
	if (!d)
		return;
	g_hash_table_unref(d->scopes);
	g_hash_table_unref(d->loose);
	g_hash_table_unref(d->full);
	g_hash_table_unref(d->by_acronym);
	g_ptr_array_unref(d->groups);
	g_free(d);
}

/* build - the groups of a parsed key file, every problem recorded. */
static void
build(struct loader *ld, struct directory *d, GKeyFile *kf)
{
	g_auto(GStrv) sections = g_key_file_get_groups(kf, NULL);
	g_autoptr(GHashTable) sec_of = g_hash_table_new(NULL, NULL);   /* group -> section */

	for (char **s = sections; *s; s++) {
		struct dir_group *g = load_group(ld, kf, *s);
		if (!g) {
			g_hash_table_add(ld->broken, g_strstrip(g_ascii_strdown(*s, -1)));
			continue;
		}
		struct dir_group *dup = g_hash_table_lookup(d->by_acronym, g->acronym);
		if (dup) {
			problem(ld, *s, NULL, "acronym '%s' is also [%s]", g->acronym,
			    (const char *)g_hash_table_lookup(sec_of, dup));
			group_free(g);
			continue;
		}
		g_ptr_array_add(d->groups, g);
		g_hash_table_insert(d->by_acronym, g->acronym, g);
		g_hash_table_insert(sec_of, g, *s);
	}
	check_singletons(ld, d, sec_of);
	check_parents(ld, d, sec_of);
	g_ptr_array_sort(d->groups, group_cmp);
	for (guint i = 0; i < d->groups->len; i++) {
		struct dir_group *g = d->groups->pdata[i];
		const char *sec = g_hash_table_lookup(sec_of, g);
		index_name(ld, d, g, sec, NULL, g->acronym);
		if (strcmp(g->name, g->acronym) != 0)
			index_name(ld, d, g, sec, "name", g->name);
		for (char **a = g->aliases; *a; a++)
			index_name(ld, d, g, sec, "aliases", *a);
	}
	dir_index_finish(d);
}

struct directory *
directory_load(const char *path, GPtrArray **problems, GError **error)
{
	struct loader ld = { .path = path };
	g_autofree char *text = NULL;
	GError *e = NULL;
	struct directory *d = NULL;
	g_autoptr(GKeyFile) kf = NULL;

	ld.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ld.problems = g_ptr_array_new_with_free_func(g_free);
	ld.broken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GStatBuf st;
	if (g_stat(path, &st) == 0 && st.st_size > DIR_FILE_MAX) {
		g_ptr_array_add(ld.problems, g_strdup_printf("%s: %lld bytes is too large for a "
		    "directory (at most %d)", path, (long long)st.st_size, DIR_FILE_MAX));
		goto out;
	}
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		g_ptr_array_add(ld.problems, g_strdup(e->message));
		g_clear_error(&e);
		goto out;
	}
	const char *bad, *body = text;
	if (!g_utf8_validate(text, -1, &bad)) {
		int line = 1;
		for (const char *p = text; p < bad; p++)
			line += *p == '\n';
		g_ptr_array_add(ld.problems, g_strdup_printf("%s:%d: not UTF-8 text (save the file "
		    "as UTF-8)", path, line));
		goto out;
	}
	if (g_str_has_prefix(body, "\xef\xbb\xbf"))   /* a byte order mark some editors add */
		body += 3;
	scan_lines(&ld, body);
	kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, body, (gsize)-1, G_KEY_FILE_NONE, &e)) {
		/* scan_lines has usually said where already; otherwise say what GKeyFile says. */
		if (ld.problems->len == 0)
			g_ptr_array_add(ld.problems, g_strdup_printf("%s: %s", path, e->message));
		g_clear_error(&e);
		goto out;
	}
	d = directory_new_empty();
	build(&ld, d, kf);
out:
	if (ld.problems->len > 0) {
		g_ptr_array_sort_with_data(ld.problems, problem_cmp, GSIZE_TO_POINTER(strlen(path)));
		g_clear_pointer(&d, directory_free);
		g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "%s%s", (char *)ld.problems->pdata[0],
		    ld.problems->len > 1 ? " (and more problems)" : "");
	}
	if (problems)
		*problems = g_ptr_array_ref(ld.problems);
	g_ptr_array_unref(ld.problems);
	g_hash_table_unref(ld.lines);
	g_hash_table_unref(ld.broken);
	return d;
}

const struct dir_group *
directory_get(const struct directory *d, const char *acronym)
{
	if (!d || !acronym)
		return NULL;
	g_autofree char *low = g_ascii_strdown(acronym, -1);
	return g_hash_table_lookup(d->by_acronym, low);
}

GPtrArray *
directory_groups(const struct directory *d)
{
	GPtrArray *a = g_ptr_array_new();
	for (guint i = 0; d && i < d->groups->len; i++)
		g_ptr_array_add(a, d->groups->pdata[i]);
	return a;
}

GPtrArray *
directory_liaison_managers(const struct directory *d, const struct dir_group *g)
{
	GPtrArray *out = g_ptr_array_new();
	/* Bounded walk: parents were checked for loops at load, but be safe. */
	for (guint n = 0; g && n <= (d ? d->groups->len : 0); n++) {
		if (g->liaison_managers->len > 0) {
			for (guint i = 0; i < g->liaison_managers->len; i++)
				g_ptr_array_add(out, g->liaison_managers->pdata[i]);
			break;
		}
		if (g->type != DIR_SDO || !g->parent)
			break;
		g = directory_get(d, g->parent);
	}
	return out;
}
