/* cmd_notify.c - liaisonctl commands of the outbox: outbox, outbox retry, resend, remind. */
#include "ctl/ctl.h"
#include "ctl/ctl_out.h"
#include "flow/flow.h"
#include "store/store_outbox.h"

#include <stdio.h>
#include <string.h>

/* load_directory - the configured directory, or an empty one when none is set. */
static struct directory *
load_directory(struct ctl *c, GError **error)
{
	if (!c->conf->directory_file || !*c->conf->directory_file)
		return directory_new_empty();
	GPtrArray *problems = NULL;
	struct directory *d = directory_load(c->conf->directory_file, &problems, error);
	if (!d && problems && problems->len && error && !*error)
		g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "%s", (char *)problems->pdata[0]);
	if (!d && error && !*error)
		g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "cannot load the directory %s",
		    c->conf->directory_file);
	if (problems)
		g_ptr_array_unref(problems);
	return d;
}

static JsonNode *
addresses(const struct outbox_mail *m, const char *header)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		if (strcmp(r->header, header) == 0)
			json_array_add_string_element(a, r->address);
	}
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

static JsonNode *
mail_json(const struct outbox_mail *m)
{
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", m->id);
	if (m->statement)
		json_object_set_int_member(o, "statement_id", m->statement);
	else
		json_object_set_null_member(o, "statement_id");
	json_object_set_string_member(o, "kind", m->kind);
	json_object_set_member(o, "to", addresses(m, "to"));
	json_object_set_member(o, "cc", addresses(m, "cc"));
	json_object_set_string_member(o, "subject", m->subject);
	json_object_set_string_member(o, "state", m->state);
	json_object_set_int_member(o, "attempts", m->attempts);
	if (m->last_error)
		json_object_set_string_member(o, "last_error", m->last_error);
	else
		json_object_set_null_member(o, "last_error");
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

/* rcpt_summary - "a@x, b@y [failed: 550 ...]" for the human listing. */
static char *
rcpt_summary(const struct outbox_mail *m)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		g_string_append_printf(s, "%s%s", i ? ", " : "", r->address);
		/* Only what needs attention: a refused recipient, or one still
		 * waiting in a mail that is otherwise done. */
		if (strcmp(r->state, "failed") == 0 ||
		    (strcmp(r->state, "queued") == 0 && strcmp(m->state, "queued") != 0))
			g_string_append_printf(s, " [%s%s%s]", r->state, r->last_error ? ": " : "",
			    r->last_error ? r->last_error : "");
	}
	return g_string_free(s, FALSE);
}

static int
outbox_list(struct ctl *c, const char *state)
{
	GError *e = NULL;
	GPtrArray *mails = store_outbox_list(ctl_store(c), state, 0, &e);
	if (!mails)
		return ctl_fail_error(e);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < mails->len; i++)
			json_array_add_element(a, mail_json(mails->pdata[i]));
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
	} else if (mails->len == 0) {
		printf("no mail%s%s\n", state ? " in state " : "", state ? state : "");
	} else {
		struct ctl_table *t = ctl_table_new(7, "ID", "STMT", "KIND", "STATE", "TRIES",
		    "CREATED", "SUBJECT / RECIPIENTS");
		for (guint i = 0; i < mails->len; i++) {
			const struct outbox_mail *m = mails->pdata[i];
			g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, m->id);
			g_autofree char *st = m->statement ? g_strdup_printf("%" G_GINT64_FORMAT,
			    m->statement) : g_strdup("-");
			g_autofree char *tries = g_strdup_printf("%d", m->attempts);
			g_autofree char *when = ctl_out_time(m->created_at);
			g_autofree char *who = rcpt_summary(m);
			g_autofree char *last = g_strdup_printf("%s\n%s%s%s", m->subject, who,
			    m->last_error ? "\nlast error: " : "", m->last_error ? m->last_error : "");
			ctl_table_add(t, id, st, m->kind, m->state, tries, when, last);
			if (strcmp(m->state, "failed") == 0)
				ctl_table_style(t, 3, CTL_RED);
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
	}
	g_ptr_array_unref(mails);
	return 0;
}

static int
outbox_retry(struct ctl *c, const char *arg)
{
	gint64 id = ctl_parse_id(arg);
	if (id < 0)
		return ctl_fail(EX_USAGE_, "outbox retry: '%s' is not a mail id", arg);
	GError *e = NULL;
	if (store_outbox_retry(ctl_store(c), id, c->conf->retry_lifetime, &e) < 0)
		return ctl_fail_error(e);
	printf("outbox mail %" G_GINT64_FORMAT " queued again\n", id);
	return 0;
}

static int
cmd_outbox(struct ctl *c, int argc, char **argv)
{
	const char *state = NULL;
	if (argc >= 2 && strcmp(argv[1], "retry") == 0) {
		if (argc != 3)
			return ctl_usage(&ctl_cmds_notify[0]);
		return outbox_retry(c, argv[2]);
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			state = argv[++i];
		else if (g_str_has_prefix(argv[i], "--state="))
			state = argv[i] + 8;
		else
			return ctl_usage(&ctl_cmds_notify[0]);
	}
	if (state && strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
	    strcmp(state, "failed") != 0)
		return ctl_fail(EX_USAGE_, "outbox: --state is queued, sent or failed, not '%s'", state);
	return outbox_list(c, state);
}

/* flow_begin - X for flow/ with the directory loaded; -1 and ERROR. */
static int
flow_begin(struct ctl *c, struct flow_ctx *x, GError **error)
{
	memset(x, 0, sizeof *x);
	struct directory *d = load_directory(c, error);
	if (!d)
		return -1;
	x->s = ctl_store(c);
	x->c = c->conf;
	x->dir = d;
	x->actor = c->actor;
	return 0;
}

static int
cmd_resend(struct ctl *c, int argc, char **argv)
{
	gboolean dry_run = FALSE;
	const char *arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = TRUE;
		else if (arg)
			return ctl_usage(&ctl_cmds_notify[1]);
		else
			arg = argv[i];
	}
	if (!arg)
		return ctl_usage(&ctl_cmds_notify[1]);
	gint64 id = ctl_parse_id(arg);
	if (id < 0)
		return ctl_fail(EX_USAGE_, "resend: '%s' is not a statement id", arg);
	GError *e = NULL;
	struct flow_ctx x;
	if (flow_begin(c, &x, &e) < 0)
		return ctl_fail_error(e);
	x.dry_run = dry_run;
	struct flow_result r;
	int rc = 0;
	if (flow_resend(&x, id, &r, &e) < 0) {
		rc = ctl_fail_error(e);
	} else if (dry_run) {
		printf("The routing mail of statement %" G_GINT64_FORMAT " would be queued again"
		    " (dry run: nothing changed):\n", id);
		ctl_out_planned(stdout, r.mails);
	} else {
		printf("routing mail of statement %" G_GINT64_FORMAT " queued again\n", id);
	}
	flow_result_clear(&r);
	directory_free((struct directory *)x.dir);
	return rc;
}

static int
cmd_remind(struct ctl *c, int argc, char **argv)
{
	const char *today = NULL;
	gboolean dry_run = FALSE;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = TRUE;
		else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc)
			today = argv[++i];
		else if (g_str_has_prefix(argv[i], "--today="))
			today = argv[i] + 8;
		else
			return ctl_usage(&ctl_cmds_notify[2]);
	}
	GError *e = NULL;
	struct flow_ctx x;
	if (flow_begin(c, &x, &e) < 0)
		return ctl_fail_error(e);
	x.dry_run = dry_run;
	struct flow_result r;
	int rc = flow_remind(&x, today, &r, &e);
	int queued = r.queued;
	directory_free((struct directory *)x.dir);
	if (rc < 0) {
		if (e->domain == FLOW_ERROR && e->code == FLOW_ERR_USAGE) {
			int code = ctl_fail(EX_USAGE_, "remind: %s", e->message);
			g_error_free(e);
			flow_result_clear(&r);
			return code;
		}
		flow_result_clear(&r);
		return ctl_fail_error(e);
	}
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "queued", queued);
		if (dry_run) {
			json_object_set_boolean_member(o, "dry_run", TRUE);
			JsonArray *a = json_array_new();
			for (guint i = 0; i < r.mails->len; i++) {
				const struct notify_planned *m = r.mails->pdata[i];
				JsonObject *mo = json_object_new();
				json_object_set_string_member(mo, "kind", m->kind);
				json_object_set_string_member(mo, "to", m->to);
				json_object_set_string_member(mo, "subject", m->subject);
				json_array_add_object_element(a, mo);
			}
			json_object_set_array_member(o, "mails", a);
		}
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
	} else if (dry_run) {
		printf("%d reminder%s would be queued (dry run: nothing changed)\n", queued,
		    queued == 1 ? "" : "s");
		ctl_out_planned(stdout, r.mails);
	} else {
		printf("%d reminder%s queued\n", queued, queued == 1 ? "" : "s");
	}
	flow_result_clear(&r);
	return 0;
}

const struct ctl_cmd ctl_cmds_notify[] = {
	{ "outbox", cmd_outbox, "[--state queued|sent|failed] [--json] | retry ID",
	  "the mail liaisond sends, and what became of it",
	  "Lists the outbox: routing, acknowledgement, rejection, secretariat and reminder\n"
	  "mail, each with its recipients, state (queued, sent, failed), attempts and the\n"
	  "last error (the SMTP server's reply). A recipient the server refused with a 5xx\n"
	  "is failed; the others of the same mail are still delivered.\n"
	  "`outbox retry ID` queues a failed mail again for its failed recipients.\n"
	  "JSON keys: id, statement_id, kind, to, cc, subject, state, attempts, last_error." },
	{ "resend", cmd_resend, "STATEMENT_ID [--dry-run]",
	  "queue the routing mail of a posted statement again",
	  "Recomputes the recipients from the directory as it is now and queues the\n"
	  "routing mail again; the history gets a 'resent' event.\n"
	  "--dry-run: who would get it, nothing queued." },
	{ "remind", cmd_remind, "[--today YYYY-MM-DD] [--dry-run] [--json]",
	  "queue today's deadline reminders (run daily by a timer)",
	  "For every posted For Action statement whose action is not taken: a reminder\n"
	  "on each of [notify] reminder_days before the deadline, then weekly while overdue\n"
	  "for up to 8 weeks. Running it twice on one day queues nothing new.\n"
	  "--today: act as if it were that day (to catch up after an outage, or to test).\n"
	  "--dry-run: which reminders would go to whom, nothing queued.\n"
	  "Prints how many reminders were queued; --json: {queued} (--dry-run adds\n"
	  "dry_run and mails: [{kind, to, subject}])." },
	{ NULL, NULL, NULL, NULL, NULL },
};
