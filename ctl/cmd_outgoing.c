/* cmd_outgoing.c - outgoing statements waiting for approval (issue 16):
 * approvals (the list) and refuse; approve --by is in cmd_approve.c. The
 * decisions are flow's (flow/outgoing.c); this file parses and prints. */
#include "ctl/queue.h"
#include "conf/log.h"

#include <string.h>

static JsonNode *
pending_json(const struct flow_pending *p)
{
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", p->id);
	json_object_set_string_member(o, "title", p->title ? p->title : "");
	json_object_set_string_member(o, "submitter", p->submitter ? p->submitter : "");
	json_object_set_string_member(o, "from_groups", p->from_groups);
	json_object_set_string_member(o, "to_groups", p->to_groups);
	if (p->requested_at)
		json_object_set_string_member(o, "requested_at", p->requested_at);
	else
		json_object_set_null_member(o, "requested_at");
	JsonArray *a = json_array_new();
	for (guint i = 0; i < p->approvers->len; i++)
		json_array_add_string_element(a, p->approvers->pdata[i]);
	json_object_set_array_member(o, "approvers", a);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

static int
cmd_approvals(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	if (argc != 1)
		return ctl_usage(&ctl_cmds_outgoing[0]);
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0)
		return ctl_fail_error(error);
	GPtrArray *list = flow_approvals(&x, &error);
	queue_flow_end(&x);
	if (!list)
		return ctl_fail_error(error);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < list->len; i++)
			json_array_add_element(a, pending_json(list->pdata[i]));
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
	} else if (list->len == 0) {
		printf("No outgoing statement is waiting for approval.\n");
	} else {
		struct ctl_table *t = ctl_table_new(5, "ID", "AGE", "FROM -> TO", "TITLE",
		    "WHO MAY APPROVE");
		for (guint i = 0; i < list->len; i++) {
			const struct flow_pending *p = list->pdata[i];
			g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, p->id);
			g_autofree char *age = p->requested_at ? ctl_out_age(p->requested_at, NULL) :
			    g_strdup("-");
			g_autofree char *dir = g_strdup_printf("%s -> %s", p->from_groups, p->to_groups);
			GString *who = g_string_new(NULL);
			for (guint k = 0; k < p->approvers->len; k++)
				g_string_append_printf(who, "%s%s", k ? "\n" : "",
				    (const char *)p->approvers->pdata[k]);
			ctl_table_add(t, id, age, dir, p->title ? p->title : "(no title)",
			    who->len ? who->str : "(nobody in the directory)");
			g_string_free(who, TRUE);
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
		printf("(`liaisonctl approve ID --by ADDRESS` sends one;\n"
		    " `liaisonctl refuse ID --why TEXT` returns it to its submitter)\n");
	}
	g_ptr_array_unref(list);
	return 0;
}

static int
cmd_refuse(struct ctl *c, int argc, char **argv)
{
	log_set_level("warning");
	GError *error = NULL;
	g_autofree char *why = NULL;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "why", 0, 0, G_OPTION_ARG_STRING, &why, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		ctl_fail(EX_USAGE_, "refuse: %s", error->message);
		g_error_free(error);
		return ctl_usage(&ctl_cmds_outgoing[1]);
	}
	gint64 id = argc == 2 ? ctl_parse_id(argv[1]) : -1;
	if (id < 0 || !why || !*why)
		return ctl_usage(&ctl_cmds_outgoing[1]);
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0)
		return ctl_fail_error(error);
	struct flow_result r;
	if (flow_refuse_outgoing(&x, id, c->by, why, &r, &error) < 0) {
		rc = ctl_fail_error(error);
	} else if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", r.id);
		json_object_set_string_member(o, "state", stmt_state_name(r.after));
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else {
		printf("Statement %" G_GINT64_FORMAT " refused: not sent, set aside (restore brings it"
		    " back to pending).\n%s\n", r.id, r.mails->len ? "The submitter is told why." :
		    "Nobody could be told (no address of the submitter).");
	}
	flow_result_clear(&r);
	queue_flow_end(&x);
	return rc;
}

const struct ctl_cmd ctl_cmds_outgoing[] = {
	{ "approvals", cmd_approvals, "[--json]",
	  "outgoing statements waiting for approval, oldest first, and who may approve each",
	  "Lists every statement in state 'pending': an outgoing statement (from an IETF\n"
	  "group to another body) whose submitter is not its approver. Each line: its\n"
	  "number (ID), how long ago approval was asked (AGE), its From and To groups,\n"
	  "its title, and who may approve it (for a WG an AD of its area, for an RG the\n"
	  "IRTF chair, for an area its ADs, for the IETF or IESG the IETF chair, for the\n"
	  "IAB the IAB chair).\n\n"
	  "--json: an array of {id, title, submitter, from_groups, to_groups,\n"
	  "requested_at, approvers: [\"Name <address>\"]}." },
	{ "refuse", cmd_refuse, "ID --why TEXT [--by ADDRESS] [--json]",
	  "do not send a pending outgoing statement: back to its submitter with the reason",
	  "Statement ID (pending) is not sent: it becomes 'dead', its submitter gets a mail\n"
	  "with TEXT, and the history records who refused it (--by, else you) and why.\n"
	  "`liaisonctl restore ID` brings it back to pending.\n\n"
	  "--json: {id, state}." },
	{ NULL, NULL, NULL, NULL, NULL },
};
