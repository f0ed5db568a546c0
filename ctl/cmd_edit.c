/* cmd_edit.c - liaisonctl edit: correct a statement's fields the way the mail
 * form would have given them; flow_edit re-validates and saves only if nobody
 * else changed the statement meanwhile (optimistic concurrency on its version). */
#include "ctl/queue.h"

#include <string.h>

#include "store/store_stmt.h"

/* queue_print_problems - a statement's problems, errors first (shared). */
void
queue_print_problems(const struct statement *st)
{
	if (st->problems->len == 0) {
		printf("No problems.\n");
		return;
	}
	struct ctl_table *t = ctl_table_new(4, "", "FIELD", "CODE", "WHAT IS WRONG");
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < st->problems->len; i++) {
			struct problem *p = g_ptr_array_index(st->problems, i);
			if ((p->severity == SEV_ERROR) != (pass == 0))
				continue;
			ctl_table_add(t, pass == 0 ? "error" : "warning", p->field, p->code, p->message);
			ctl_table_style(t, 0, pass == 0 ? CTL_RED : CTL_YELLOW);
		}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

/* print_edit - the answer of edit, as JSON or words. */
static void
print_edit(struct ctl *c, const struct flow_result *r)
{
	const struct statement *st = r->st;
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", r->id);
		json_object_set_int_member(o, "version", r->version);
		json_object_set_string_member(o, "state", stmt_state_name(r->after));
		JsonArray *ch = json_array_new();
		for (guint i = 0; i < r->changed_fields->len; i++)
			json_array_add_string_element(ch, r->changed_fields->pdata[i]);
		json_object_set_array_member(o, "changed", ch);
		json_object_set_member(o, "problems", statement_problems_json(st));
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
		return;
	}
	printf("Statement %" G_GINT64_FORMAT " edited (version %d).\n", r->id, r->version);
	g_auto(GStrv) changes = g_strsplit(r->detail ? r->detail : "", "; ", -1);
	for (int i = 0; changes[i]; i++)
		printf("  %s\n", changes[i]);
	printf("\n");
	queue_print_problems(st);
	if (!statement_has_errors(st) && r->after == STMT_REJECTED)
		printf("\nNo errors left: `liaisonctl approve %" G_GINT64_FORMAT "` posts it.\n", r->id);
	else if (statement_has_errors(st) && r->after == STMT_REJECTED)
		printf("\nStill rejected: fix the errors above, or `liaisonctl approve %"
		    G_GINT64_FORMAT " --force`.\n", r->id);
}

int
queue_cmd_edit(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	gboolean use_editor = FALSE;
	gint version_arg = G_MININT;     /* G_MININT: not given; 0 is checked like any other */
	GOptionEntry entries[] = {
		{ "editor", 0, 0, G_OPTION_ARG_NONE, &use_editor, NULL, NULL },
		{ "version", 0, 0, G_OPTION_ARG_INT, &version_arg, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("edit", entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc < 2 || (argc == 2 && !use_editor) || (argc > 2 && use_editor))
		return ctl_usage(queue_cmd("edit"));
	if (version_arg != G_MININT && version_arg < 0)
		return ctl_fail(EX_USAGE_, "edit: --version %d: a version is 0 or more", version_arg);
	int version = version_arg != G_MININT ? version_arg : -1;   /* -1: flow_edit takes today's */
	gint64 id = queue_id("edit", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;

	g_autoptr(GHashTable) edits = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		g_autofree char *name = eq ? g_strndup(argv[i], eq - argv[i]) : g_strdup(argv[i]);
		const struct stmt_field *f = stmt_field_find(name);
		if (!eq || !f)
			return ctl_fail(EX_USAGE_, "'%s': expected FIELD=VALUE with FIELD one of title,"
			    " from, to, from_contact, from_liaison_contact, to_contact,"
			    " to_liaison_contact, purpose, deadline, body", argv[i]);
		g_hash_table_replace(edits, (char *)f->name, g_strdup(eq + 1));
	}
	if (use_editor) {
		/* the version as read now: a change made while the editor is open
		 * shows as a conflict, never as a silent overwrite */
		struct statement *st = store_stmt_load(ctl_store(c), id, &error);
		if (!st)
			return ctl_fail_error(error);
		if (version < 0)
			version = st->version;
		rc = queue_form_edit(st, edits);
		statement_free(st);
		if (rc)
			return rc;
	}
	if (g_hash_table_size(edits) == 0) {
		printf("Nothing changed.\n");
		return 0;
	}
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0)
		return ctl_fail_error(error);
	struct flow_result r;
	if (flow_edit(&x, id, version, edits, &r, &error) < 0)
		rc = ctl_fail_error(error);
	else
		print_edit(c, &r);
	flow_result_clear(&r);
	queue_flow_end(&x);
	return rc;
}
