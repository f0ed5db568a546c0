/* cmd_directory.c - liaisonctl directory import: the group directory built
 * from the datatracker's public group and role data.
 *
 * Input: JSON in the shapes of the datatracker's API exports (tastypie),
 * /api/v1/group/group/ (acronym, name, type, state, parent, list_email),
 * /api/v1/group/role/ (name chair|ad|secr|delegate|liaiman, group, person,
 * email) and, for display names, /api/v1/person/person/ (name) -- each file
 * a list page {"meta": ..., "objects": [...]}, a bare array, or one object;
 * what an object is comes from its resource_uri (else its keys).
 *
 * The directory file named in the config gets the groups of the types it
 * knows; the keys that come from the datatracker (type, name, parent, list,
 * chairs, ads, liaison_managers, state) are replaced, the local ones
 * (aliases, contacts, cc, and comments) are kept, and groups that are not in
 * the import are left as they are. The result is checked like liaisond
 * loads it before it replaces the file; every change is printed. */
#include "ctl/ctl.h"
#include "conf/addr.h"
#include "conf/directory.h"
#include "ctl/ctl_out.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROLE_URI   "/api/v1/group/role/"
#define GROUP_URI  "/api/v1/group/group/"
#define PERSON_URI "/api/v1/person/person/"
#define EMAIL_URI  "/api/v1/person/email/"

/* The keys the import owns, in the order they are written. */
static const char *const imported_keys[] = {
	"type", "name", "parent", "list", "chairs", "ads", "liaison_managers", "state", NULL,
};

struct imp_group {
	char *uri, *acronym, *name, *type, *state, *parent_uri, *list;
	GPtrArray *chairs, *ads, *liaimen, *delegates, *secretaries;   /* char * "Name <a@b>" */
};

struct import {
	GHashTable *groups;        /* uri -> struct imp_group * (also keyed by acronym below) */
	GHashTable *by_acronym;    /* acronym -> struct imp_group * (not owned) */
	GHashTable *persons;       /* person uri -> name */
	GPtrArray *roles;          /* JsonObject * (ref held) */
	GPtrArray *notes;          /* what was left out, and why (char *) */
	guint skipped_groups;
};

static void
imp_group_free(gpointer p)
{
	struct imp_group *g = p;
	g_free(g->uri);
	g_free(g->acronym);
	g_free(g->name);
	g_free(g->type);
	g_free(g->state);
	g_free(g->parent_uri);
	g_free(g->list);
	g_ptr_array_unref(g->chairs);
	g_ptr_array_unref(g->ads);
	g_ptr_array_unref(g->liaimen);
	g_ptr_array_unref(g->delegates);
	g_ptr_array_unref(g->secretaries);
	g_free(g);
}

/* str - a string member, or NULL (missing, null or not a string). */
static const char *
str(JsonObject *o, const char *key)
{
	JsonNode *n = json_object_get_member(o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* slug - the last path segment of a resource URI ("/api/v1/name/grouptypename/wg/"
 * -> "wg"), or VALUE itself when it is not a URI; NULL for NULL. */
static char *
slug(const char *value)
{
	if (!value)
		return NULL;
	g_autofree char *v = g_strdup(value);
	while (*v && v[strlen(v) - 1] == '/')
		v[strlen(v) - 1] = '\0';
	const char *last = strrchr(v, '/');
	return g_uri_unescape_string(last ? last + 1 : v, NULL);
}

/* clean - VALUE with control characters and surrounding spaces dropped: it
 * goes into a key file line. */
static char *
clean(const char *value)
{
	GString *s = g_string_new(NULL);
	for (const char *p = value ? value : ""; *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			g_string_append_c(s, *p);
	return g_strstrip(g_string_free(s, FALSE));
}

static void
add_group(struct import *im, JsonObject *o)
{
	const char *uri = str(o, "resource_uri");
	g_autofree char *acronym = g_ascii_strdown(str(o, "acronym") ? str(o, "acronym") : "", -1);
	g_autofree char *type = slug(str(o, "type"));
	g_autofree char *state = slug(str(o, "state"));
	static const char *const types[] = { "wg", "rg", "area", "ietf", "iesg", "iab", "irtf",
		"sdo", NULL };
	/* The datatracker types the IESG and the IAB "ietf" like the IETF itself;
	 * the directory has a type for each of the four bodies. */
	static const char *const bodies[] = { "ietf", "iesg", "iab", "irtf", NULL };
	if (g_strv_contains(bodies, acronym)) {
		g_free(type);
		type = g_strdup(acronym);
	} else if (type && g_strv_contains(bodies, type)) {
		g_free(type);
		type = NULL;   /* another group typed as a body (e.g. "ietf"): not a party */
	}
	if (!*acronym || !type || !g_strv_contains(types, type)) {
		im->skipped_groups++;   /* teams, directorates, programs...: not liaison parties */
		return;
	}
	for (const char *p = acronym; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("-_.", *p)) {
			g_ptr_array_add(im->notes, g_strdup_printf("group '%s': not an acronym the"
			    " directory takes; left out", acronym));
			return;
		}
	/* active, bof, proposed: routed; conclude, replaced, dormant: still
	 * recognised in old statements; abandoned or unknown: left out */
	static const char *const live[] = { "active", "bof", "proposed", NULL };
	static const char *const past[] = { "conclude", "replaced", "dormant", NULL };
	if (state && !g_strv_contains(live, state) && !g_strv_contains(past, state)) {
		im->skipped_groups++;
		return;
	}
	struct imp_group *g = g_new0(struct imp_group, 1);
	g->uri = g_strdup(uri ? uri : "");
	if (!uri && json_object_has_member(o, "id"))
		g->uri = (g_free(g->uri), g_strdup_printf(GROUP_URI "%" G_GINT64_FORMAT "/",
		    json_object_get_int_member(o, "id")));
	g->acronym = g_steal_pointer(&acronym);
	g->name = clean(str(o, "name") ? str(o, "name") : g->acronym);
	g->type = g_steal_pointer(&type);
	g->state = g_strdup(state && g_strv_contains(past, state) ? "concluded" : "active");
	g->parent_uri = g_strdup(str(o, "parent"));
	const char *list = str(o, "list_email");
	g->list = list && addr_is_valid(list) ? g_ascii_strdown(list, -1) : NULL;
	g->chairs = g_ptr_array_new_with_free_func(g_free);
	g->ads = g_ptr_array_new_with_free_func(g_free);
	g->liaimen = g_ptr_array_new_with_free_func(g_free);
	g->delegates = g_ptr_array_new_with_free_func(g_free);
	g->secretaries = g_ptr_array_new_with_free_func(g_free);
	if (g_hash_table_contains(im->by_acronym, g->acronym)) {
		g_ptr_array_add(im->notes, g_strdup_printf("group '%s' given twice; the first kept",
		    g->acronym));
		imp_group_free(g);
		return;
	}
	g_hash_table_insert(im->by_acronym, g->acronym, g);
	g_hash_table_insert(im->groups, g->uri, g);
}

/* add_object - sort one exported object by what it is. */
static void
add_object(struct import *im, JsonObject *o)
{
	const char *uri = str(o, "resource_uri");
	if ((uri && g_str_has_prefix(uri, GROUP_URI)) || (!uri && json_object_has_member(o, "acronym")))
		add_group(im, o);
	else if ((uri && g_str_has_prefix(uri, ROLE_URI)) ||
	    (!uri && json_object_has_member(o, "group") && json_object_has_member(o, "email")))
		g_ptr_array_add(im->roles, json_object_ref(o));
	else if (uri && g_str_has_prefix(uri, PERSON_URI) && str(o, "name"))
		g_hash_table_insert(im->persons, g_strdup(uri), clean(str(o, "name")));
}

/* read_file - every object of PATH into IM; FALSE and ERROR when it is not JSON
 * of one of the shapes. */
static gboolean
read_file(struct import *im, const char *path, GError **error)
{
	g_autoptr(JsonParser) p = json_parser_new();
	if (!json_parser_load_from_file(p, path, error)) {
		g_prefix_error(error, "%s: ", path);
		return FALSE;
	}
	JsonNode *root = json_parser_get_root(p);
	JsonArray *objects = NULL;
	if (root && JSON_NODE_HOLDS_OBJECT(root)) {
		JsonObject *o = json_node_get_object(root);
		JsonNode *n = json_object_get_member(o, "objects");
		if (n && JSON_NODE_HOLDS_ARRAY(n))
			objects = json_node_get_array(n);
		else {
			add_object(im, o);
			return TRUE;
		}
	} else if (root && JSON_NODE_HOLDS_ARRAY(root)) {
		objects = json_node_get_array(root);
	}
	if (!objects) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a datatracker export"
		    " (a list page with \"objects\", an array, or one object)", path);
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(objects); i++) {
		JsonNode *n = json_array_get_element(objects, i);
		if (JSON_NODE_HOLDS_OBJECT(n))
			add_object(im, json_node_get_object(n));
	}
	return TRUE;
}

/* apply_roles - each role to its group: "Name <address>" in the list of its kind. */
static void
apply_roles(struct import *im)
{
	for (guint i = 0; i < im->roles->len; i++) {
		JsonObject *o = im->roles->pdata[i];
		g_autofree char *kind = slug(str(o, "name"));
		struct imp_group *g = g_hash_table_lookup(im->groups, str(o, "group") ?
		    str(o, "group") : "");
		const char *email = str(o, "email");
		g_autofree char *addr = email && g_str_has_prefix(email, EMAIL_URI) ? slug(email) :
		    g_strdup(email);
		if (!g || !kind)
			continue;   /* a role in a group that is not imported */
		if (!addr || !addr_is_valid(addr)) {
			g_ptr_array_add(im->notes, g_strdup_printf("[%s] %s role: '%s' is not an"
			    " address; left out", g->acronym, kind, addr ? addr : ""));
			continue;
		}
		const char *name = g_hash_table_lookup(im->persons, str(o, "person") ?
		    str(o, "person") : "");
		struct addr a = { (char *)name, addr };
		GPtrArray *to = strcmp(kind, "chair") == 0 ? g->chairs : strcmp(kind, "ad") == 0 ?
		    g->ads : strcmp(kind, "liaiman") == 0 ? g->liaimen : strcmp(kind, "delegate") == 0 ?
		    g->delegates : strcmp(kind, "secr") == 0 || strcmp(kind, "secretary") == 0 ?
		    g->secretaries : NULL;
		if (to)
			g_ptr_array_add(to, addr_format(&a));
	}
}

/* parent_ok - may a group of type CHILD have a parent of type PARENT (docs/directory.md)? */
static gboolean
parent_ok(const char *child, const char *parent)
{
	static const struct { const char *child, *parents; } rules[] = {
		{ "wg", " area " }, { "rg", " irtf " }, { "area", " ietf iesg " },
		{ "iesg", " ietf " }, { "iab", " ietf " }, { "irtf", " iab ietf " },
		{ "sdo", " sdo " },
	};
	g_autofree char *p = g_strdup_printf(" %s ", parent);
	for (size_t i = 0; i < G_N_ELEMENTS(rules); i++)
		if (strcmp(rules[i].child, child) == 0)
			return strstr(rules[i].parents, p) != NULL;
	return FALSE;
}

static char *
join(GPtrArray *a)
{
	g_ptr_array_add(a, NULL);
	char *s = g_strjoinv(", ", (char **)a->pdata);
	g_ptr_array_remove_index(a, a->len - 1);
	return s;
}

/* group_value - the value of imported KEY for G, or NULL (no key). */
static char *
group_value(struct import *im, const struct imp_group *g, const char *key)
{
	if (strcmp(key, "type") == 0)
		return g_strdup(g->type);
	if (strcmp(key, "name") == 0)
		return g_strcmp0(g->name, g->acronym) != 0 && *g->name ? g_strdup(g->name) : NULL;
	if (strcmp(key, "parent") == 0) {
		const struct imp_group *p = g->parent_uri ? g_hash_table_lookup(im->groups,
		    g->parent_uri) : NULL;
		return p && parent_ok(g->type, p->type) ? g_strdup(p->acronym) : NULL;
	}
	if (strcmp(key, "list") == 0)
		return g_strdup(g->list);
	if (strcmp(key, "state") == 0)
		return strcmp(g->state, "concluded") == 0 ? g_strdup("concluded") : NULL;
	/* who mail for the group reaches: chairs, or their delegates, or the
	 * secretary when a group has none of the former */
	GPtrArray *l = strcmp(key, "chairs") == 0 ? (g->chairs->len ? g->chairs : g->delegates->len ?
	    g->delegates : g->secretaries) : strcmp(key, "ads") == 0 ? g->ads :
	    strcmp(key, "liaison_managers") == 0 ? g->liaimen : NULL;
	if (strcmp(key, "ads") == 0 && strcmp(g->type, "area") != 0)
		return NULL;      /* a WG's responsible AD is found through its area */
	if (strcmp(key, "liaison_managers") == 0 && strcmp(g->type, "sdo") != 0)
		return NULL;
	if (strcmp(key, "chairs") == 0 && (strcmp(g->type, "area") == 0 ||
	    strcmp(g->type, "sdo") == 0 || strcmp(g->type, "iesg") == 0))
		return NULL;
	return l && l->len ? join(l) : NULL;
}

struct change {
	char *group, *key, *old, *new_;   /* old/new NULL: none */
};

static void
change_free(gpointer p)
{
	struct change *c = p;
	g_free(c->group);
	g_free(c->key);
	g_free(c->old);
	g_free(c->new_);
	g_free(c);
}

static gint
cmp_group(gconstpointer a, gconstpointer b)
{
	const struct imp_group *x = *(struct imp_group *const *)a, *y = *(struct imp_group *const *)b;
	return strcmp(x->acronym, y->acronym);
}

/* merge - the imported groups into KF; every change into CHANGES, the
 * acronyms of new groups into ADDED. */
static void
merge(struct import *im, GKeyFile *kf, GPtrArray *changes, GPtrArray *added)
{
	g_autoptr(GPtrArray) groups = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, im->by_acronym);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(groups, v);
	g_ptr_array_sort(groups, cmp_group);
	/* sections compare in lower case: find an existing [QUIC] for quic */
	g_auto(GStrv) sections = g_key_file_get_groups(kf, NULL);
	for (guint i = 0; i < groups->len; i++) {
		const struct imp_group *g = groups->pdata[i];
		const char *section = g->acronym;
		for (char **s = sections; *s; s++)
			if (g_ascii_strcasecmp(*s, g->acronym) == 0)
				section = *s;
		if (!g_key_file_has_group(kf, section))
			g_ptr_array_add(added, g_strdup(g->acronym));
		for (const char *const *k = imported_keys; *k; k++) {
			g_autofree char *old = g_key_file_get_value(kf, section, *k, NULL);
			g_autofree char *val = group_value(im, g, *k);
			if (old)
				g_strstrip(old);
			if (old && !*old)
				g_clear_pointer(&old, g_free);
			if (g_strcmp0(old, val) == 0)
				continue;
			if (val)
				g_key_file_set_value(kf, section, *k, val);
			else
				g_key_file_remove_key(kf, section, *k, NULL);
			struct change *c = g_new0(struct change, 1);
			c->group = g_strdup(g->acronym);
			c->key = g_strdup(*k);
			c->old = g_steal_pointer(&old);
			c->new_ = g_steal_pointer(&val);
			g_ptr_array_add(changes, c);
		}
		const char *p = g->parent_uri;
		const struct imp_group *pg = p ? g_hash_table_lookup(im->groups, p) : NULL;
		if (p && !pg)
			g_ptr_array_add(im->notes, g_strdup_printf("[%s] parent: %s is not in the"
			    " import; no parent", g->acronym, p));
		else if (pg && !parent_ok(g->type, pg->type))
			g_ptr_array_add(im->notes, g_strdup_printf("[%s] parent: a %s under a %s (%s)"
			    " is not a parent the directory takes; no parent", g->acronym, g->type,
			    pg->type, pg->acronym));
	}
}

/* check_text - TEXT loaded as liaisond would load it; its problems printed. */
static gboolean
check_text(const char *target, const char *text)
{
	g_autofree char *dir = g_path_get_dirname(target);
	g_autofree char *tmpl = g_build_filename(dir, ".directory-import-XXXXXX", NULL);
	GError *e = NULL;
	int fd = g_mkstemp(tmpl);
	if (fd < 0) {
		g_free(tmpl);
		tmpl = g_build_filename(g_get_tmp_dir(), "directory-import-XXXXXX", NULL);
		fd = g_mkstemp(tmpl);
	}
	if (fd < 0) {
		ctl_fail(EX_CANTCREAT_, "cannot write a temporary file next to %s", target);
		return FALSE;
	}
	close(fd);
	if (!g_file_set_contents(tmpl, text, -1, &e)) {
		ctl_fail(EX_IOERR_, "%s", e->message);
		g_error_free(e);
		g_unlink(tmpl);
		return FALSE;
	}
	GPtrArray *problems = NULL;
	struct directory *d = directory_load(tmpl, &problems, NULL);
	g_unlink(tmpl);
	for (guint i = 0; problems && i < problems->len; i++) {
		/* name the file it would become, not the temporary one */
		const char *msg = problems->pdata[i];
		const char *rest = g_str_has_prefix(msg, tmpl) ? msg + strlen(tmpl) : NULL;
		fprintf(stderr, "%s%s\n", rest ? target : "", rest ? rest : msg);
	}
	if (problems)
		g_ptr_array_unref(problems);
	directory_free(d);
	return d != NULL;
}

static void
print_human(const char *target, GPtrArray *changes, GPtrArray *added, struct import *im,
    guint groups, gboolean dry_run, gboolean wrote)
{
	for (guint i = 0; i < im->notes->len; i++)
		printf("note: %s\n", (char *)im->notes->pdata[i]);
	const char *last = NULL;
	for (guint i = 0; i < changes->len; i++) {
		const struct change *c = changes->pdata[i];
		gboolean is_new = FALSE;
		for (guint j = 0; j < added->len; j++)
			is_new |= strcmp(added->pdata[j], c->group) == 0;
		if (!last || strcmp(last, c->group) != 0)
			printf("%s [%s]\n", is_new ? "added" : "changed", c->group);
		last = c->group;
		g_autofree char *o = ctl_out_cut(c->old ? c->old : "(none)", 0);
		g_autofree char *n = ctl_out_cut(c->new_ ? c->new_ : "(none)", 0);
		if (is_new)
			printf("    %s = %s\n", c->key, n);
		else
			printf("    %s: %s -> %s\n", c->key, o, n);
	}
	guint touched = 0;
	for (guint i = 0; i < changes->len; i++)
		touched += i == 0 || strcmp(((struct change *)changes->pdata[i])->group,
		    ((struct change *)changes->pdata[i - 1])->group) != 0;
	printf("%u group%s imported (%u added, %u changed, %u unchanged); %u left out (other"
	    " types, abandoned)\n", groups, groups == 1 ? "" : "s", added->len, touched - added->len,
	    groups - touched, im->skipped_groups);
	if (dry_run)
		printf("--dry-run: %s not written\n", target);
	else if (wrote)
		printf("%s written; liaisond reads it on reload (systemctl reload liaisond)\n", target);
	else
		printf("%s unchanged\n", target);
}

static JsonNode *
result_json(const char *target, GPtrArray *changes, GPtrArray *added, struct import *im,
    gboolean written)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, target);
	json_builder_set_member_name(b, "written");
	json_builder_add_boolean_value(b, written);
	json_builder_set_member_name(b, "added");
	json_builder_begin_array(b);
	for (guint i = 0; i < added->len; i++)
		json_builder_add_string_value(b, added->pdata[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "changes");
	json_builder_begin_array(b);
	for (guint i = 0; i < changes->len; i++) {
		const struct change *c = changes->pdata[i];
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "group");
		json_builder_add_string_value(b, c->group);
		json_builder_set_member_name(b, "key");
		json_builder_add_string_value(b, c->key);
		json_builder_set_member_name(b, "old");
		if (c->old)
			json_builder_add_string_value(b, c->old);
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "new");
		if (c->new_)
			json_builder_add_string_value(b, c->new_);
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "groups");
	json_builder_add_int_value(b, g_hash_table_size(im->by_acronym));
	json_builder_set_member_name(b, "not_imported");
	json_builder_add_int_value(b, im->skipped_groups);
	json_builder_set_member_name(b, "notes");
	json_builder_begin_array(b);
	for (guint i = 0; i < im->notes->len; i++)
		json_builder_add_string_value(b, im->notes->pdata[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static const struct ctl_cmd *cmd_self(void);

static int
directory_import(struct ctl *c, int nfiles, char **files, gboolean dry_run)
{
	const char *target = c->conf->directory_file;
	if (!target || !*target)
		return ctl_fail(EX_CONFIG_, "directory import: [directory] file is not set in %s;"
		    " set it to where the directory goes", c->conf->path);
	struct import im = {
		.groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, imp_group_free),
		.by_acronym = g_hash_table_new(g_str_hash, g_str_equal),
		.persons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.roles = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref),
		.notes = g_ptr_array_new_with_free_func(g_free),
	};
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(change_free);
	g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(g_free);
	GError *e = NULL;
	int rc = 0;
	gboolean wrote = FALSE;
	g_autofree char *text = NULL;

	for (int i = 0; i < nfiles; i++)
		if (!read_file(&im, files[i], &e)) {
			rc = ctl_fail(e->domain == G_FILE_ERROR && e->code == G_FILE_ERROR_NOENT ?
			    EX_NOINPUT_ : EX_DATAERR_, "directory import: %s", e->message);
			g_error_free(e);
			goto out;
		}
	if (g_hash_table_size(im.by_acronym) == 0) {
		rc = ctl_fail(EX_DATAERR_, "directory import: no groups of the types the directory"
		    " takes (wg, rg, area, ietf, iesg, iab, irtf, sdo) in the files; are they the"
		    " datatracker's /api/v1/group/group/ export?");
		goto out;
	}
	apply_roles(&im);
	if (g_file_test(target, G_FILE_TEST_EXISTS) &&
	    !g_key_file_load_from_file(kf, target, G_KEY_FILE_KEEP_COMMENTS, &e)) {
		rc = ctl_fail(EX_DATAERR_, "directory import: %s: %s (fix it, or move it away to"
		    " start afresh)", target, e->message);
		g_error_free(e);
		goto out;
	}
	gsize nsections = 0;
	g_strfreev(g_key_file_get_groups(kf, &nsections));
	if (nsections == 0)   /* a new file: say where it comes from and what is kept */
		g_key_file_set_comment(kf, NULL, NULL, " The group directory (docs/directory.md), made by"
		    " `liaisonctl directory import`\n from the datatracker's groups and roles. Running it"
		    " again replaces type, name,\n parent, list, chairs, ads, liaison_managers and state;"
		    " aliases, contacts, cc\n and these comments are kept.", NULL);
	merge(&im, kf, changes, added);
	text = g_key_file_to_data(kf, NULL, NULL);
	if (!check_text(target, text)) {
		rc = ctl_fail(EX_DATAERR_, "directory import: the result has the problems above;"
		    " %s is left as it was", target);
		goto out;
	}
	if (!dry_run && changes->len) {
		if (!g_file_set_contents(target, text, -1, &e)) {
			rc = ctl_fail(e->code == G_FILE_ERROR_ACCES || e->code == G_FILE_ERROR_PERM ?
			    EX_NOPERM_ : EX_CANTCREAT_, "directory import: %s", e->message);
			g_error_free(e);
			goto out;
		}
		g_chmod(target, 0644);
		wrote = TRUE;
	}
	if (c->json)
		ctl_print_json(result_json(target, changes, added, &im, wrote));
	else
		print_human(target, changes, added, &im, g_hash_table_size(im.by_acronym), dry_run,
		    wrote);
out:
	g_hash_table_destroy(im.by_acronym);
	g_hash_table_destroy(im.groups);
	g_hash_table_destroy(im.persons);
	g_ptr_array_unref(im.roles);
	g_ptr_array_unref(im.notes);
	return rc;
}

static int
cmd_directory(struct ctl *c, int argc, char **argv)
{
	gboolean dry_run = FALSE;
	GPtrArray *files = g_ptr_array_new();
	int rc;
	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		g_ptr_array_free(files, TRUE);
		return ctl_usage(cmd_self());
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = TRUE;
		else if (argv[i][0] == '-' && argv[i][1]) {
			g_ptr_array_free(files, TRUE);
			ctl_fail(EX_USAGE_, "directory import: unknown option '%s'", argv[i]);
			return ctl_usage(cmd_self());
		} else
			g_ptr_array_add(files, argv[i]);
	}
	if (files->len == 0)
		rc = ctl_usage(cmd_self());
	else
		rc = directory_import(c, (int)files->len, (char **)files->pdata, dry_run);
	g_ptr_array_free(files, TRUE);
	return rc;
}

const struct ctl_cmd ctl_cmds_directory[] = {
	{ "directory", cmd_directory, "import FILE... [--dry-run] [--json]",
	  "build the group directory from the datatracker's group and role exports",
	  "Reads the datatracker's public JSON (the pages of /api/v1/group/group/ and\n"
	  "/api/v1/group/role/, and optionally /api/v1/person/person/ for display names;\n"
	  "FILE may be a page {\"meta\", \"objects\"}, an array or one object) and writes\n"
	  "the groups of type wg, rg, area, ietf, iesg, iab, irtf and sdo into the\n"
	  "directory file of the config ([directory] file), creating it if needed.\n"
	  "From the datatracker: type, name, parent, list (list_email), state (active,\n"
	  "bof, proposed: active; conclude, replaced, dormant: concluded), chairs (role\n"
	  "chair; delegate, else secr, when a group has no chair), ads (role ad, areas),\n"
	  "liaison_managers (role liaiman, SDOs). Kept from the file: aliases, contacts,\n"
	  "cc, comments, and groups not in the import. The result is checked as liaisond\n"
	  "loads it; with a problem nothing is written (exit 65). Prints each change\n"
	  "(added [group], changed [group] key: old -> new); --dry-run writes nothing.\n"
	  "Then `liaisonctl check-config` and `systemctl reload liaisond`.\n"
	  "--json: {file, written, added: [acronym], changes: [{group, key, old, new}],\n"
	  "groups, not_imported, notes}." },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct ctl_cmd *
cmd_self(void)
{
	return &ctl_cmds_directory[0];
}
