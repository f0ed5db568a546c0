/* cmd_search.c - finding statements (search, FTS5) and taking them out
 * (export, shaped like the datatracker's liaison statement API). */
#include "ctl/queue.h"

#include <string.h>

/* parse_date - DATE (YYYY-MM-DD) as the stored time it starts at, plus DAYS;
 * NULL when it is not a date. */
static char *
parse_date(const char *date, int days)
{
	g_autofree char *iso = g_strdup_printf("%sT00:00:00Z", date);
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) t = strlen(date) == 10 ? g_date_time_new_from_iso8601(iso, utc) : NULL;
	if (!t)
		return NULL;
	g_autoptr(GDateTime) d = g_date_time_add_days(t, days);
	return g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ");
}

/* resolve_group - a group as the user wrote it: its acronym when the
 * directory knows exactly one match, else the text itself. */
static char *
resolve_group(const struct directory *dir, const char *text)
{
	if (!text)
		return NULL;
	GPtrArray *m = directory_resolve(dir, text);
	char *out = NULL;
	if (m && m->len == 1) {
		struct dir_match *dm = g_ptr_array_index(m, 0);
		if (dm->kind == DIR_MATCH_RESOLVED && dm->groups->len == 1)
			out = g_strdup(((const struct dir_group *)g_ptr_array_index(dm->groups, 0))->acronym);
	}
	if (m)
		g_ptr_array_free(m, TRUE);
	return out ? out : g_strdup(text);
}

/* group_tree - ACRONYM and every group under it in the directory tree (an
 * SDO's sub-groups, an area's WGs), or NULL when the directory does not know
 * it. The parent chain is followed a bounded number of steps (the directory
 * refuses cycles; the bound is for a file changed meanwhile). */
static char **
group_tree(const struct directory *dir, const char *acronym)
{
	if (!dir || !acronym || !directory_get(dir, acronym))
		return NULL;
	g_autoptr(GPtrArray) all = directory_groups(dir);
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < all->len; i++) {
		const struct dir_group *g = all->pdata[i];
		for (int depth = 0; g && depth < 16; depth++) {
			if (strcmp(g->acronym, acronym) == 0) {
				g_ptr_array_add(out, g_strdup(((const struct dir_group *)
				    all->pdata[i])->acronym));
				break;
			}
			g = g->parent ? directory_get(dir, g->parent) : NULL;
		}
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* snippet_is_title - the snippet says nothing the title does not (the hit
 * was in the title). */
static gboolean
snippet_is_title(const char *snippet, const char *title)
{
	if (!title)
		return FALSE;
	GString *plain = g_string_new(NULL);
	for (const char *p = snippet; *p; p++)
		if (*p != '[' && *p != ']')
			g_string_append_c(plain, *p);
	const char *core = plain->str;
	if (g_str_has_prefix(core, "..."))
		core += 3;
	if (g_str_has_suffix(core, "..."))
		plain->str[plain->len - 3] = '\0';
	gboolean same = strstr(title, core) != NULL;
	g_string_free(plain, TRUE);
	return same;
}

int
queue_cmd_search(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	g_autofree char *from = NULL, *to = NULL, *since = NULL, *until = NULL, *state = NULL;
	gint limit = 50;
	GOptionEntry entries[] = {
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from, NULL, NULL },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to, NULL, NULL },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, NULL, NULL },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, NULL, NULL },
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state, NULL, NULL },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("search", entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc < 2 && !from && !to && !since && !until && !state)
		return ctl_usage(queue_cmd("search"));
	g_autofree char *text = argc > 1 ? g_strjoinv(" ", argv + 1) : g_strdup("");
	g_autofree char *since_t = since ? parse_date(since, 0) : NULL;
	g_autofree char *until_t = until ? parse_date(until, 1) : NULL;
	if ((since && !since_t) || (until && !until_t))
		return ctl_fail(EX_USAGE_, "search: dates are YYYY-MM-DD (UTC), as in 2026-11-22");
	if (limit < 0)
		return ctl_fail(EX_USAGE_, "search: --limit is a number of statements (0: all), not %d",
		    limit);
	enum stmt_state known;
	if (state && !stmt_state_from_name(state, &known))
		return ctl_fail(EX_USAGE_, "search: --state is one of received, posted, rejected,"
		    " ignored, dead, duplicate");
	struct directory *dir = NULL;
	if ((from || to) && !(dir = queue_directory(c, &error)))
		return ctl_fail_error(error);
	g_autofree char *from_g = resolve_group(dir, from);
	g_autofree char *to_g = resolve_group(dir, to);
	g_auto(GStrv) from_tree = group_tree(dir, from_g);
	g_auto(GStrv) to_tree = group_tree(dir, to_g);
	if (dir)
		directory_free(dir);

	struct admin_search q = {
		.text = text, .from = from_g, .to = to_g, .since = since_t, .until = until_t,
		.from_any = from_tree, .to_any = to_tree,
		.state = state, .limit = limit > 0 ? limit : 0,
	};
	/* the rest of any PDF read only in part is read now: its statement is
	 * indexed (by store_admin_search) only once its full text is in */
	struct flow_ctx x = { .s = ctl_store(c), .c = c->conf, .actor = "liaisonctl" };
	if (*text && flow_doc_rest(&x, G_MAXINT, &error) < 0)
		return ctl_fail_error(error);
	GPtrArray *rows = store_admin_search(ctl_store(c), &q, &error);
	if (!rows)
		return ctl_fail_error(error);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < rows->len; i++) {
			struct admin_summary *r = g_ptr_array_index(rows, i);
			JsonObject *o = json_object_new();
			json_object_set_int_member(o, "id", r->id);
			json_object_set_string_member(o, "state", stmt_state_name(r->state));
			json_object_set_string_member(o, "received_at", r->received_at);
			json_object_set_string_member(o, "title", r->title);
			json_object_set_member(o, "from_groups", queue_groups_json(r->from_groups));
			json_object_set_member(o, "to_groups", queue_groups_json(r->to_groups));
			json_object_set_member(o, "errors", queue_codes_json(r->errors));
			json_object_set_member(o, "warnings", queue_codes_json(r->warnings));
			json_object_set_string_member(o, "snippet", r->snippet);
			json_array_add_object_element(a, o);
		}
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
	} else if (rows->len == 0) {
		printf("No statement matches.\n");
	} else {
		struct ctl_table *t = ctl_table_new(6, "ID", "RECEIVED", "STATE", "FROM", "TO", "TITLE");
		for (guint i = 0; i < rows->len; i++) {
			struct admin_summary *r = g_ptr_array_index(rows, i);
			g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
			g_autofree char *day = g_strndup(r->received_at, 10);
			g_autofree char *fg = ctl_out_truncate(r->from_groups, 18);
			g_autofree char *tg = ctl_out_truncate(r->to_groups, 18);
			g_autofree char *title = r->snippet && *r->snippet &&
			    !snippet_is_title(r->snippet, r->title) ?
			    g_strdup_printf("%s\n%s", r->title ? r->title : "(no title)", r->snippet) :
			    g_strdup(r->title ? r->title : "(no title)");
			ctl_table_add(t, id, day, stmt_state_name(r->state), fg, tg, title);
			if (r->state == STMT_REJECTED)
				ctl_table_style(t, 2, CTL_RED);
		}
		ctl_table_print(t, stdout);
		if (limit > 0 && rows->len == (guint)limit)
			printf("\n(the first %d; --limit N shows more)\n", limit);
		ctl_table_free(t);
	}
	g_ptr_array_free(rows, TRUE);
	return 0;
}

#include "conf/addr.h"
#include "store/store_stmt.h"


int
queue_cmd_export(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	g_autofree char *since = NULL;
	GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("export", entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc != 1)
		return ctl_usage(queue_cmd("export"));
	g_autofree char *since_t = since ? parse_date(since, 0) : NULL;
	if (since && !since_t)
		return ctl_fail(EX_USAGE_, "export: --since takes a date YYYY-MM-DD (UTC)");
	struct store *s = ctl_store(c);
	GArray *ids = store_admin_posted(s, since_t, &error);
	if (!ids)
		return ctl_fail_error(error);
	JsonArray *out = json_array_new();
	for (guint i = 0; i < ids->len && rc == 0; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		struct admin_summary *sum = store_admin_summary(s, id, &error);
		struct statement *st = sum ? store_stmt_load(s, id, &error) : NULL;
		if (!st) {
			rc = ctl_fail_error(error);
		} else {
			json_array_add_object_element(out, flow_export_json(st, sum, c->conf->base_url));
		}
		statement_free(st);
		admin_summary_free(sum);
	}
	g_array_unref(ids);
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, out);
	if (rc == 0)
		ctl_print_json(n);
	else
		json_node_unref(n);
	return rc;
}

