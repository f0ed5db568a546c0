/* cmd_approve.c - decisions on a statement: approve (post it and queue its
 * mail in the same transaction), reprocess (read it again from the raw mail),
 * and the notice a sender gets when a statement is discarded. */
#include "ctl/queue.h"
#include "conf/addr.h"
#include "conf/log.h"

#include <gmime/gmime.h>
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


/* discard_mail - the notice as a complete message (CRLF), built with GMime so
 * that the title from the mail cannot inject a header. */
static char *
discard_mail(struct ctl *c, gint64 id, const char *title, const char *why, GPtrArray *to,
    const char *in_reply_to, char **message_id, gsize *len)
{
	g_mime_init();
	GMimeMessage *m = g_mime_message_new(TRUE);
	g_autofree char *one_line = g_strdup(title && *title ? title : "(no title)");
	g_strdelimit(one_line, "\r\n\t", ' ');
	g_autofree char *subject = g_strdup_printf("Liaison statement not recorded: %s", one_line);
	/* [notify] from is "Name <address>": the name and address go separately */
	struct addr *fa = c->conf->from && *c->conf->from ? addr_parse_one(c->conf->from, NULL) : NULL;
	const char *from = fa ? fa->address : "liaisond@localhost";
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, fa ? fa->name : NULL, from);
	for (guint i = 0; i < to->len; i++)
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, g_ptr_array_index(to, i));
	g_mime_message_set_subject(m, subject, "utf-8");
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_mime_message_set_date(m, now);
	const char *at = strchr(from, '@');
	*message_id = g_mime_utils_generate_message_id(at ? at + 1 : "localhost");
	g_mime_message_set_message_id(m, *message_id);
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted", "auto-generated", NULL);
	if (in_reply_to) {
		g_autofree char *ref = g_strdup_printf("<%s>", in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(m), "In-Reply-To", ref, NULL);
		g_mime_object_set_header(GMIME_OBJECT(m), "References", ref, NULL);
	}
	g_autofree char *text = g_strdup_printf(
	    "Your message \"%s\" (recorded as number %" G_GINT64_FORMAT ") was not accepted as\n"
	    "a liaison statement by the IETF secretariat.\n\nReason: %s\n\n"
	    "If you think this is a mistake, please reply to %s.\n",
	    one_line, id, why,
	    c->conf->secretariat && *c->conf->secretariat ? c->conf->secretariat : from);
	addr_free(fa);
	GMimeTextPart *body = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(body, text);
	/* a UTF-8 title travels in quoted-printable, not as 8-bit */
	g_mime_part_set_content_encoding(GMIME_PART(body), g_mime_part_get_best_content_encoding(
	    GMIME_PART(body), GMIME_ENCODING_CONSTRAINT_7BIT));
	g_mime_message_set_mime_part(m, GMIME_OBJECT(body));
	g_object_unref(body);
	GMimeFormatOptions *fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *raw = g_mime_object_to_string(GMIME_OBJECT(m), fo);
	g_mime_format_options_free(fo);
	g_object_unref(m);
	*len = strlen(raw);
	return raw;
}

int
queue_discard_notify(struct ctl *c, gint64 id, const char *why)
{
	GError *error = NULL;
	struct store *s = ctl_store(c);
	g_autofree char *message_id = NULL, *our_id = NULL;
	gboolean autogen = FALSE;
	GPtrArray *cand = store_admin_sender(s, id, &message_id, &autogen, &error);
	if (!cand)
		return ctl_fail_error(error);
	/* never to a bounce or an auto-reply, never to ourselves, each once */
	GPtrArray *to = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; !autogen && i < cand->len; i++) {
		const char *a = g_ptr_array_index(cand, i);
		gboolean dup = FALSE;
		for (guint j = 0; j < to->len; j++)
			dup = dup || addr_equal(a, g_ptr_array_index(to, j));
		if (!dup && addr_is_valid(a) && !conf_is_statements_address(c->conf, a))
			g_ptr_array_add(to, g_strdup(a));
	}
	g_ptr_array_free(cand, TRUE);
	if (to->len == 0) {
		g_ptr_array_free(to, TRUE);
		fprintf(stderr, "liaisonctl: statement %" G_GINT64_FORMAT " has no sender address"
		    " that may be answered; nobody is told\n", id);
		return 0;
	}
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	if (!sum) {
		g_ptr_array_free(to, TRUE);
		return ctl_fail_error(error);
	}
	gsize len = 0;
	g_autofree char *raw = discard_mail(c, id, sum->title, why, to, message_id, &our_id, &len);
	g_autofree char *subject = g_strdup_printf("Liaison statement not recorded: %s",
	    sum->title ? sum->title : "(no title)");
	g_strdelimit(subject, "\r\n\t", ' ');
	admin_summary_free(sum);
	g_ptr_array_add(to, NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) exp = g_date_time_add_seconds(now,
	    c->conf->retry_lifetime > 0 ? c->conf->retry_lifetime : 5 * 86400);
	g_autofree char *expires = g_date_time_format(exp, "%Y-%m-%dT%H:%M:%SZ");
	struct addr *fa = c->conf->from && *c->conf->from ? addr_parse_one(c->conf->from, NULL) : NULL;
	g_autofree char *from = g_strdup(fa ? fa->address : "");
	addr_free(fa);
	struct admin_mail_new m = {
		.statement = id, .kind = "rejection", .subject = subject, .message_id = our_id,
		.envelope_from = from, .raw = raw, .raw_len = len,
		.to = (const char *const *)to->pdata, .expires_at = expires,
	};
	int rc = 0;
	if (store_begin(s, &error) < 0 || store_admin_queue_mail(s, &m, &error) < 0 ||
	    store_admin_event(s, id, c->actor, "notified", &error, "discard notice queued to %s",
	        (const char *)g_ptr_array_index(to, 0)) < 0 ||
	    store_commit(s, &error) < 0) {
		store_rollback(s);
		rc = ctl_fail_error(error);
	}
	g_ptr_array_free(to, TRUE);
	return rc;
}
