/* cmd_approve.c - decisions on a statement: approve (post it and queue its
 * mail in the same transaction), reprocess (read it again from the raw mail),
 * and the notice a sender gets when a statement is discarded. */
#include "ctl/queue.h"
#include "conf/addr.h"
#include "conf/log.h"

#include <string.h>

/* summary_json - the parts of a summary reprocess compares. */
static JsonNode *
summary_json(const struct admin_summary *a)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "state", a->state);
	json_object_set_member(o, "errors", queue_codes_json(a->errors));
	json_object_set_member(o, "warnings", queue_codes_json(a->warnings));
	json_object_set_member(o, "from_groups", queue_groups_json(a->from_groups));
	json_object_set_member(o, "to_groups", queue_groups_json(a->to_groups));
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

/* describe_change - "rejected -> posted; errors unknown_to -> none; to QUIK WG -> quic". */
static char *
describe_change(const struct admin_summary *b, const struct admin_summary *a)
{
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, strcmp(b->state, a->state) ? "%s -> %s" : "still %s",
	    b->state, a->state);
	if (strcmp(b->errors, a->errors))
		g_string_append_printf(s, "; errors %s -> %s", *b->errors ? b->errors : "none",
		    *a->errors ? a->errors : "none");
	if (strcmp(b->warnings, a->warnings))
		g_string_append_printf(s, "; warnings %s -> %s", *b->warnings ? b->warnings : "none",
		    *a->warnings ? a->warnings : "none");
	if (strcmp(b->from_groups, a->from_groups))
		g_string_append_printf(s, "; from '%s' -> '%s'", b->from_groups, a->from_groups);
	if (strcmp(b->to_groups, a->to_groups))
		g_string_append_printf(s, "; to '%s' -> '%s'", b->to_groups, a->to_groups);
	return g_string_free(s, FALSE);
}

#include "notify/notify.h"
#include "parser/pipeline.h"
#include "store/store_stmt.h"

int
queue_cmd_approve(struct ctl *c, int argc, char **argv)
{
	/* liaisond's info lines (mail queued, parsed) are for its journal, not
	 * for the person at the terminal: the command says what happened */
	log_set_level("warning");
	GError *error = NULL;
	gboolean force = FALSE;
	int rc = 0;
	GOptionEntry entries[] = {
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if ((rc = queue_options("approve", entries, &argc, &argv)) != 0)
		return rc;
	if (argc != 2)
		return ctl_usage(queue_cmd("approve"));
	gint64 id = queue_id("approve", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;
	struct store *s = ctl_store(c);
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	if (!sum)
		return ctl_fail_error(error);
	int version = sum->version;
	g_autofree char *state = g_strdup(sum->state);
	g_autofree char *errors = g_strdup(sum->errors);
	admin_summary_free(sum);
	if (strcmp(state, "posted") == 0)
		return ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " is already posted", id);
	if (strcmp(state, "rejected") != 0)
		return ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " is %s, not rejected;"
		    " only statements in the rejects queue can be approved%s", id, state,
		    strcmp(state, "dead") == 0 ? " (restore it first)" : "");
	if (*errors && !force) {
		g_autofree char *list = g_strdup(errors);
		g_strdelimit(list, ",", ' ');
		return ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " still has errors: %s."
		    " Fix them with `liaisonctl edit` (see `liaisonctl show %" G_GINT64_FORMAT "`),"
		    " or post it anyway with --force", id, list, id);
	}

	struct directory *dir = queue_directory(c, &error);
	if (!dir)
		return ctl_fail_error(error);
	struct statement *st = store_stmt_load(s, id, &error);
	if (!st) {
		directory_free(dir);
		return ctl_fail_error(error);
	}
	g_free(st->state);
	st->state = g_strdup("posted");
	/* one transaction: the state, the history, the mail and the statements it
	 * answers marked, or none of them */
	if (store_begin(s, &error) < 0 ||
	    store_admin_check_version(s, id, version, &error) < 0 ||
	    store_admin_set_state(s, id, "posted", &error) < 0 ||
	    (*errors ? store_admin_event(s, id, c->actor, "approved", &error,
	        "forced despite errors: %s", errors) :
	     store_admin_event(s, id, c->actor, "approved", &error, "no errors left")) < 0 ||
	    store_admin_event(s, id, c->actor, "posted", &error, "approved by %s", c->actor) < 0 ||
	    pipeline_post(s, c->conf, dir, st, c->actor, &error) < 0 ||
	    store_commit(s, &error) < 0) {
		store_rollback(s);
		rc = ctl_fail_error(error);
		goto out;
	}
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_string_member(o, "state", "posted");
		json_object_set_boolean_member(o, "forced", *errors != '\0');
		json_object_set_member(o, "overridden", queue_codes_json(errors));
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else if (*errors) {
		g_strdelimit(errors, ",", ' ');
		printf("Statement %" G_GINT64_FORMAT " posted DESPITE errors (%s); this is recorded"
		    " in its history.\nRouting and acknowledgement mail are queued.\n", id, errors);
	} else {
		printf("Statement %" G_GINT64_FORMAT " posted. Routing and acknowledgement mail are"
		    " queued.\n", id);
	}
out:
	statement_free(st);
	directory_free(dir);
	return rc;
}

/* reprocess_one - parse ID again; its before/after summaries into OUT. */
static int
reprocess_one(struct ctl *c, const struct directory *dir, gint64 id, gboolean force,
    JsonArray *out)
{
	GError *error = NULL;
	struct store *s = ctl_store(c);
	struct admin_summary *b = store_admin_summary(s, id, &error);
	if (!b)
		return ctl_fail_error(error);
	if (strcmp(b->state, "dead") == 0 || (strcmp(b->state, "posted") == 0 && !force)) {
		int rc = ctl_fail(EX_DATAERR_, "statement %" G_GINT64_FORMAT " is %s: %s", id,
		    b->state, strcmp(b->state, "dead") == 0 ? "restore it first" :
		    "reprocessing would send its routing mail again (--force to do it anyway)");
		admin_summary_free(b);
		return rc;
	}
	if (pipeline_process(s, c->conf, dir, id, c->actor, &error) < 0) {
		admin_summary_free(b);
		g_prefix_error(&error, "statement %" G_GINT64_FORMAT ": ", id);
		return ctl_fail_error(error);
	}
	struct admin_summary *a = store_admin_summary(s, id, &error);
	if (!a) {
		admin_summary_free(b);
		return ctl_fail_error(error);
	}
	g_autofree char *what = describe_change(b, a);
	/* the version moves on, whatever the save did with it: an edit that read
	 * the old statement must not overwrite the new reading */
	int version = MAX(a->version, b->version) + 1;
	if (store_begin(s, &error) < 0 ||
	    (a->parsed && store_admin_set_version(s, id, version, &error) < 0) ||
	    store_event(s, id, c->actor, "reprocessed", what, FALSE, &error) < 0 ||
	    store_commit(s, &error) < 0) {
		store_rollback(s);
		admin_summary_free(a);
		admin_summary_free(b);
		return ctl_fail_error(error);
	}
	if (out) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_member(o, "before", summary_json(b));
		json_object_set_member(o, "after", summary_json(a));
		json_array_add_object_element(out, o);
	} else {
		printf("%" G_GINT64_FORMAT ": %s\n", id, what);
	}
	admin_summary_free(a);
	admin_summary_free(b);
	return 0;
}

int
queue_cmd_reprocess(struct ctl *c, int argc, char **argv)
{
	/* liaisond's info lines (mail queued, parsed) are for its journal, not
	 * for the person at the terminal: the command says what happened */
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
		ids = store_admin_ids_in_state(ctl_store(c), "rejected", &error);
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
	struct directory *dir = queue_directory(c, &error);
	if (!dir) {
		g_array_unref(ids);
		return ctl_fail_error(error);
	}
	JsonArray *out = c->json ? json_array_new() : NULL;
	/* one statement's failure does not stop the others; the exit code tells */
	for (guint i = 0; i < ids->len; i++) {
		int r = reprocess_one(c, dir, g_array_index(ids, gint64, i), force, out);
		if (r && !rc)
			rc = r;
	}
	if (out) {
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, out);
		ctl_print_json(n);
	} else if (ids->len == 0) {
		printf("The rejects queue is empty: nothing to reprocess.\n");
	}
	g_array_unref(ids);
	directory_free(dir);
	return rc;
}


int
queue_discard_notify(struct ctl *c, gint64 id, const char *why)
{
	GError *error = NULL;
	struct store *s = ctl_store(c);
	struct statement *st = store_stmt_load(s, id, &error);
	if (!st)
		return ctl_fail_error(error);
	int queued = -1;
	if (store_begin(s, &error) == 0 &&
	    (queued = notify_queue_discard(s, c->conf, st, why, &error)) >= 0 &&
	    (queued == 0 || store_admin_event(s, id, c->actor, "notified", &error,
	        "discard notice queued") == 0) &&
	    store_commit(s, &error) == 0) {
		statement_free(st);
		if (queued == 0)
			fprintf(stderr, "liaisonctl: statement %" G_GINT64_FORMAT " has no sender address"
			    " that may be answered; nobody is told\n", id);
		return 0;
	}
	store_rollback(s);
	statement_free(st);
	return ctl_fail_error(error);
}
