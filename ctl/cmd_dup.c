/* cmd_dup.c - the secretariat decides about duplicates (issue 20): `dup ID OF`
 * marks ID a repeat of OF, `undup ID` says it is not one. */
#include "ctl/queue.h"

/* print_dup - {id, state, duplicate_of} or the words. */
static void
print_dup(struct ctl *c, const struct flow_result *r, const char *human)
{
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", r->id);
		json_object_set_string_member(o, "state", stmt_state_name(r->after));
		if (r->after == STMT_DUPLICATE)
			json_object_set_int_member(o, "duplicate_of", r->original);
		else
			json_object_set_null_member(o, "duplicate_of");
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else {
		printf("%s\n", human);
	}
}

static int
run(struct ctl *c, gint64 id, gint64 of, struct flow_result *r)
{
	GError *error = NULL;
	struct flow_ctx x;
	if (queue_flow_begin(c, &x, &error) < 0) {
		flow_result_init(r);
		return ctl_fail_error(error);
	}
	int rc = of > 0 ? flow_dup(&x, id, of, r, &error) : flow_undup(&x, id, r, &error);
	queue_flow_end(&x);
	return rc < 0 ? ctl_fail_error(error) : 0;
}

int
queue_cmd_dup(struct ctl *c, int argc, char **argv)
{
	if (argc != 3)
		return ctl_usage(queue_cmd("dup"));
	gint64 id = queue_id("dup", argc, argv, 1), of = queue_id("dup", argc, argv, 2);
	if (id < 0 || of < 0)
		return EX_USAGE_;
	struct flow_result r;
	int rc = run(c, id, of, &r);
	if (rc == 0) {
		g_autofree char *msg = g_strdup_printf("Statement %" G_GINT64_FORMAT " is a duplicate"
		    " of %" G_GINT64_FORMAT " (was %s): kept, not routed. `liaisonctl undup %"
		    G_GINT64_FORMAT "` undoes it.", id, r.original, stmt_state_name(r.before), id);
		print_dup(c, &r, msg);
	}
	flow_result_clear(&r);
	return rc;
}

int
queue_cmd_undup(struct ctl *c, int argc, char **argv)
{
	if (argc != 2)
		return ctl_usage(queue_cmd("undup"));
	gint64 id = queue_id("undup", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;
	struct flow_result r;
	int rc = run(c, id, 0, &r);
	if (rc == 0) {
		g_autofree char *msg = g_strdup_printf(r.after == STMT_POSTED ?
		    "Statement %" G_GINT64_FORMAT " is not a duplicate: posted, its routing mail is"
		    " queued." : "Statement %" G_GINT64_FORMAT " is not a duplicate: it has errors"
		    " and waits in the rejects queue (`liaisonctl show %" G_GINT64_FORMAT "`).", id, id);
		print_dup(c, &r, msg);
	}
	flow_result_clear(&r);
	return rc;
}
