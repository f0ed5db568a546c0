/* cmd_approve.c - decisions on a statement: approve (post it and queue its
 * mail) and reprocess (read it again from the raw mail). The decisions
 * themselves are flow's (flow/secretariat.c); this file parses and prints. */
#include "ctl/queue.h"
#include "store/store_flow.h"
#include "conf/log.h"

#include <string.h>

/* print_approve - the answer of approve, as JSON or words. */
static void
print_approve(struct ctl *c, const struct flow_result *r)
{
	const char *errors = r->overridden ? r->overridden : "";
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", r->id);
		json_object_set_string_member(o, "state", stmt_state_name(r->after));
		json_object_set_boolean_member(o, "forced", *errors != '\0');
		json_object_set_member(o, "overridden", queue_codes_json(errors));
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else if (*errors) {
		g_autofree char *list = g_strdup(errors);
		g_strdelimit(list, ",", ' ');
		printf("Statement %" G_GINT64_FORMAT " posted DESPITE errors (%s); this is recorded"
		    " in its history.\nRouting and acknowledgement mail are queued.\n", r->id, list);
	} else {
		printf("Statement %" G_GINT64_FORMAT " posted. Routing and acknowledgement mail are"
		    " queued.\n", r->id);
	}
}

/* print_mails - the mail an event queued (or would), one line each. */
static void
print_mails(const struct flow_result *r)
{
	for (guint i = 0; i < r->mails->len; i++) {
		const struct notify_planned *m = r->mails->pdata[i];
		g_autofree char *line = g_strdup_printf("%s to %s", m->kind, m->to);
		g_autofree char *w = ctl_out_wrap(line, ctl_out_width(), 2, 4);
		printf("  %s\n", w);
	}
}

/* print_approved_by - the answer of approve --by on a pending outgoing statement. */
static void
print_approved_by(struct ctl *c, const struct flow_result *r)
{
	const struct statement *st = r->st;
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", r->id);
		json_object_set_string_member(o, "state", stmt_state_name(r->after));
		JsonObject *ap = json_object_new();
		json_object_set_string_member(ap, "by", st->approved_by);
		json_object_set_string_member(ap, "at", st->approved_at ? st->approved_at : "");
		json_object_set_string_member(ap, "how", st->approval_how);
		json_object_set_object_member(o, "approval", ap);
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
		return;
	}
	printf("Statement %" G_GINT64_FORMAT " approved by %s (%s%s%s)%s and %s.\n", r->id,
	    st->approved_by, st->approval_how, st->approval_note ? ": " : "",
	    st->approval_note ? st->approval_note : "", r->dry_run ? " would be" : "",
	    r->dry_run ? "sent" : "sent: posted, the mail to the other body is queued");
	print_mails(r);
}

int
queue_cmd_approve(struct ctl *c, int argc, char **argv)
{
	/* liaisond's info lines (mail queued, parsed) are for its journal, not
	 * for the person at the terminal: the command says what happened */
	log_set_level("warning");
	GError *error = NULL;
	gboolean force = FALSE;
	g_autofree char *recorded = NULL;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
		{ "recorded", 0, 0, G_OPTION_ARG_STRING, &recorded, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if ((rc = queue_options("approve", entries, &argc, &argv)) != 0)
		return rc;
	if (argc != 2)
		return ctl_usage(queue_cmd("approve"));
	gint64 id = queue_id("approve", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;
	if (recorded && (!c->by || !*recorded))
		return ctl_fail(EX_USAGE_, "approve: --recorded TEXT says how the approval of --by"
		    " ADDRESS was given (\"by phone\"); both are needed");
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0)
		return ctl_fail_error(error);
	/* --by is the approver of a pending outgoing statement; on any other it
	 * is, as everywhere, only the name recorded in the history */
	g_autofree char *state = NULL;
	if (c->by && store_flow_state(ctl_store(c), id, &state, NULL, &error) < 0) {
		queue_flow_end(&x);
		return ctl_fail_error(error);
	}
	gboolean pending = state && strcmp(state, stmt_state_name(STMT_PENDING)) == 0;
	if (recorded && !pending) {
		queue_flow_end(&x);
		return ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " is %s, not pending:"
		    " --recorded records the approval of an outgoing statement awaiting it", id, state);
	}
	struct flow_result r;
	if (pending) {
		/* the approver of an outgoing statement; a recorded approval is
		 * entered by the secretariat member at the terminal */
		if (recorded)
			x.actor = g_getenv("SUDO_USER") ? g_getenv("SUDO_USER") :
			    g_getenv("USER") ? g_getenv("USER") : "unknown";
		if (flow_approve_by(&x, id, c->by, recorded ? "recorded" : "cli", recorded, &r,
		    &error) < 0)
			rc = ctl_fail_error(error);
		else
			print_approved_by(c, &r);
	} else if (flow_approve(&x, id, force, &r, &error) < 0)
		rc = ctl_fail_error(error);
	else
		print_approve(c, &r);
	flow_result_clear(&r);
	queue_flow_end(&x);
	return rc;
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
	json_array_add_object_element(out, o);
}

int
queue_cmd_reprocess(struct ctl *c, int argc, char **argv)
{
	log_set_level("warning");
	GError *error = NULL;
	gboolean all = FALSE, force = FALSE;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "all-rejected", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
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
	} else {
		ids = g_array_new(FALSE, FALSE, sizeof(gint64));
		for (int i = 1; i < argc; i++) {
			gint64 id = queue_id("reprocess", argc, argv, i);
			if (id < 0) {
				g_array_unref(ids);
				return EX_USAGE_;
			}
			g_array_append_val(ids, id);
		}
	}
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0) {
		g_array_unref(ids);
		return ctl_fail_error(error);
	}
	JsonArray *out = c->json ? json_array_new() : NULL;
	/* one statement's failure does not stop the others; the exit code tells */
	for (guint i = 0; i < ids->len; i++) {
		struct flow_result r;
		int one = 0;
		if (flow_reprocess(&x, g_array_index(ids, gint64, i), force, &r, &error) < 0)
			one = ctl_fail_error(g_steal_pointer(&error));
		else if (out)
			reprocess_json(out, &r);
		else
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
