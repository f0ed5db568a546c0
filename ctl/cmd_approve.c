/* cmd_approve.c - decisions on a statement: approve (post it and queue its
 * mail) and reprocess (read it again from the raw mail). The decisions
 * themselves are flow's (flow/secretariat.c); this file parses and prints. */
#include "ctl/queue.h"
#include "conf/log.h"

#include <string.h>

/* print_approve - the answer of approve for one statement, as JSON or words. */
static void
print_approve(struct queue_out *out, const struct flow_result *r)
{
	const char *errors = r->overridden ? r->overridden : "";
	g_autofree char *list = g_strdup(errors);
	g_strdelimit(list, ",", ' ');
	JsonObject *o = queue_result_json(r);
	json_object_set_boolean_member(o, "forced", *errors != '\0');
	json_object_set_member(o, "overridden", queue_codes_json(errors));
	queue_out_add(out, o);
	if (out->c->json)
		return;
	if (r->dry_run) {
		printf("Statement %" G_GINT64_FORMAT " would be posted%s%s%s (dry run: nothing"
		    " changed).\n", r->id, *errors ? " DESPITE errors (" : "", list,
		    *errors ? ")" : "");
		queue_print_mails(r);
	} else if (*errors) {
		printf("Statement %" G_GINT64_FORMAT " posted DESPITE errors (%s); this is recorded"
		    " in its history.\nRouting and acknowledgement mail are queued.\n", r->id, list);
	} else {
		printf("Statement %" G_GINT64_FORMAT " posted. Routing and acknowledgement mail are"
		    " queued.\n", r->id);
	}
}

int
queue_cmd_approve(struct ctl *c, int argc, char **argv)
{
	/* liaisond's info lines (mail queued, parsed) are for its journal, not
	 * for the person at the terminal: the command says what happened */
	log_set_level("warning");
	GError *error = NULL;
	gboolean force = FALSE, dry_run = FALSE;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if ((rc = queue_options("approve", entries, &argc, &argv)) != 0)
		return rc;
	GArray *ids = queue_ids("approve", argc, argv, 1, &rc);
	if (!ids)
		return rc;
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0) {
		g_array_unref(ids);
		return ctl_fail_error(error);
	}
	x.dry_run = dry_run;
	struct queue_out out;
	queue_out_init(&out, c, ids->len);
	/* one statement's failure does not stop the others; the exit code tells */
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		struct flow_result r;
		if (flow_approve(&x, id, force, &r, &error) < 0)
			queue_out_fail(&out, id, g_steal_pointer(&error));
		else
			print_approve(&out, &r);
		flow_result_clear(&r);
	}
	queue_flow_end(&x);
	g_array_unref(ids);
	return queue_out_end(&out);
}

/* summary_json - the parts of a summary reprocess compares. */
static JsonNode *
summary_json(const char *state, const char *errors, const char *warnings, const char *from,
    const char *to)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "state", state);
	json_object_set_member(o, "errors", queue_codes_json(errors));
	json_object_set_member(o, "warnings", queue_codes_json(warnings));
	json_object_set_member(o, "from_groups", queue_groups_json(from));
	json_object_set_member(o, "to_groups", queue_groups_json(to));
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

/* reprocess_json - one statement's answer of reprocess --json. */
static void
reprocess_json(JsonArray *out, const struct flow_result *r)
{
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", r->id);
	json_object_set_member(o, "before", summary_json(r->state_before, r->errors_before,
	    r->warnings_before, r->from_before, r->to_before));
	json_object_set_member(o, "after", summary_json(stmt_state_name(r->after), r->errors_after,
	    r->warnings_after, r->from_after, r->to_after));
	if (r->dry_run) {
		json_object_set_boolean_member(o, "dry_run", TRUE);
		json_object_set_member(o, "mails", queue_mails_json(r));
	}
	json_array_add_object_element(out, o);
}

int
queue_cmd_reprocess(struct ctl *c, int argc, char **argv)
{
	log_set_level("warning");
	GError *error = NULL;
	gboolean all = FALSE, force = FALSE, dry_run = FALSE;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "all-rejected", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if ((rc = queue_options("reprocess", entries, &argc, &argv)) != 0)
		return rc;
	if ((all && argc != 1) || (!all && argc < 2))
		return ctl_usage(queue_cmd("reprocess"));
	GArray *ids;
	if (all) {
		ids = store_admin_ids_in_state(ctl_store(c), stmt_state_name(STMT_REJECTED), &error);
		if (!ids)
			return ctl_fail_error(error);
	} else if (!(ids = queue_ids("reprocess", argc, argv, 1, &rc))) {
		return rc;
	}
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0) {
		g_array_unref(ids);
		return ctl_fail_error(error);
	}
	x.dry_run = dry_run;
	JsonArray *out = c->json ? json_array_new() : NULL;
	/* one statement's failure does not stop the others; the exit code tells */
	for (guint i = 0; i < ids->len; i++) {
		struct flow_result r;
		int one = 0;
		if (flow_reprocess(&x, g_array_index(ids, gint64, i), force, &r, &error) < 0)
			one = ctl_fail_error(g_steal_pointer(&error));
		else if (out)
			reprocess_json(out, &r);
		else if (r.dry_run) {
			printf("%" G_GINT64_FORMAT ": %s (dry run: nothing changed)\n", r.id, r.detail);
			queue_print_mails(&r);
		} else
			printf("%" G_GINT64_FORMAT ": %s\n", r.id, r.detail);
		flow_result_clear(&r);
		if (one && !rc)
			rc = one;
	}
	if (out) {
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, out);
		ctl_print_json(n);
	} else if (ids->len == 0) {
		printf("The rejects queue is empty: nothing to reprocess.\n");
	}
	g_array_unref(ids);
	queue_flow_end(&x);
	return rc;
}
