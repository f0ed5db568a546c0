/* cmd_notify.c - liaisonctl commands of the outbox: outbox, outbox retry, resend, remind. */
#include "ctl/ctl.h"
#include "ctl/queue.h"
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

/* print_reason - "(REASON)" wrapped to WIDTH (0: one line), as postqueue -p
 * prints why a recipient is still waiting. */
static void
print_reason(const char *reason, int width)
{
	g_autofree char *text = g_strdup_printf("(%s)", reason);
	g_autofree char *wrapped = width > 0 ? ctl_out_wrap(text, width, 0, 1) : ctl_out_cut(text, 0);
	printf("%s%s%s\n", ctl_out_style(CTL_YELLOW), wrapped, ctl_out_reset());
}

/* print_rcpts - after a mail's line, each recipient on a line of its own,
 * under the reason it waits or failed in parentheses, like postqueue -p.
 * Sent recipients only with ALL. */
static void
print_rcpts(const struct outbox_mail *m, int width, gboolean all)
{
	const char *shown = NULL;
	gboolean own = FALSE;    /* recipients with their own reason: the mail's repeats one */
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		own |= r->last_error && (all || strcmp(r->state, "sent") != 0);
	}
	if (m->last_error && !own && strcmp(m->state, "sent") != 0) {
		print_reason(m->last_error, width);
		shown = m->last_error;
	}
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		if (!all && strcmp(r->state, "sent") == 0)
			continue;
		if (r->last_error && (!shown || strcmp(shown, r->last_error) != 0)) {
			print_reason(r->last_error, width);
			shown = r->last_error;
		}
		const char *tag = strcmp(r->state, "failed") == 0 ? " failed" :
		    strcmp(r->state, "sent") == 0 ? " sent" : "";
		const char *cc = strcmp(r->header, "cc") == 0 ? " (cc)" : "";
		/* addresses are never cut: indented less when one is long */
		int len = ctl_out_display_width(r->address) + (int)strlen(tag) + (int)strlen(cc);
		int indent = width > 0 && width - len < 24 ? MAX(width - len, 1) : 24;
		g_autofree char *addr = ctl_out_cut(r->address, 0);
		printf("%*s%s%s%s\n", indent, "", addr, cc, tag);
	}
}

static int
outbox_list(struct ctl *c, const char *state, gboolean all)
{
	GError *e = NULL;
	GPtrArray *mails = store_outbox_list(ctl_store(c), state, 0, &e);
	if (!mails)
		return ctl_fail_error(e);
	/* by default what is not sent yet (queued and failed), like postqueue -p */
	if (!state && !all)
		for (guint i = mails->len; i-- > 0; )
			if (strcmp(((const struct outbox_mail *)mails->pdata[i])->state, "sent") == 0)
				g_ptr_array_remove_index(mails, i);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < mails->len; i++)
			json_array_add_element(a, mail_json(mails->pdata[i]));
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
	} else if (mails->len == 0) {
		if (state)
			printf("No mail in state %s.\n", state);
		else
			printf("%s\n", all ? "The outbox is empty." : "No mail waiting: everything was"
			    " sent (`liaisonctl outbox --all` lists it).");
	} else {
		int width = ctl_out_fit_width();
		struct ctl_table *t = ctl_table_new(7, "ID", "STMT", "KIND", "STATE", "TRIES",
		    "CREATED (UTC)", "SUBJECT");
		static const int caps[] = { 7, 6, 11, 6, 5, 16 };
		for (int i = 0; i < 6; i++)
			ctl_table_cap(t, i, caps[i], i == 0 || i == 1 || i == 4);
		int queued = 0, failed = 0;
		for (guint i = 0; i < mails->len; i++) {
			const struct outbox_mail *m = mails->pdata[i];
			g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, m->id);
			g_autofree char *st = m->statement ? g_strdup_printf("%" G_GINT64_FORMAT,
			    m->statement) : g_strdup("-");
			g_autofree char *tries = g_strdup_printf("%d", m->attempts);
			g_autofree char *when = ctl_out_time(m->created_at);
			if (g_str_has_suffix(when, " UTC"))
				when[strlen(when) - 4] = '\0';
			ctl_table_add(t, id, st, m->kind, m->state, tries, when, m->subject);
			if (strcmp(m->state, "failed") == 0)
				ctl_table_style(t, 3, CTL_RED);
			queued += strcmp(m->state, "queued") == 0;
			failed += strcmp(m->state, "failed") == 0;
		}
		/* one table for the mail lines (aligned alike), each followed by
		 * its recipients and a blank line */
		g_autofree char *text = ctl_table_render_lines(t, width);
		ctl_table_free(t);
		g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
		printf("%s\n", lines[0]);
		for (guint i = 0; i < mails->len && lines[i + 1]; i++) {
			printf("%s\n", lines[i + 1]);
			print_rcpts(mails->pdata[i], width, all || state);
			fputc('\n', stdout);
		}
		printf("-- %u mail%s: %d queued, %d failed, %u sent\n", mails->len,
		    mails->len == 1 ? "" : "s", queued, failed, mails->len - queued - failed);
	}
	g_ptr_array_unref(mails);
	return 0;
}

/* print_done - the answer of resend and outbox retry: HUMAN, or with --json
 * {id, state} (KEY names the id: "id" of a mail, "statement_id"). */
static void
print_done(struct ctl *c, const char *key, gint64 id, const char *state, const char *human)
{
	if (!c->json) {
		printf("%s\n", human);
		return;
	}
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, key, id);
	json_object_set_string_member(o, "state", state);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	ctl_print_json(n);
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
	g_autofree char *human = g_strdup_printf("outbox mail %" G_GINT64_FORMAT " queued again", id);
	print_done(c, "id", id, "queued", human);
	return 0;
}

static int
cmd_outbox(struct ctl *c, int argc, char **argv)
{
	const char *state = NULL;
	gboolean all = FALSE;
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
		else if (strcmp(argv[i], "--all") == 0)
			all = TRUE;
		else
			return ctl_usage(&ctl_cmds_notify[0]);
	}
	if (state && strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
	    strcmp(state, "failed") != 0)
		return ctl_fail(EX_USAGE_, "outbox: --state is queued, sent or failed, not '%s'", state);
	return outbox_list(c, state, all);
}

/* flow_begin - X for flow/ with the directory loaded; -1 and ERROR. */
static int
flow_begin(struct ctl *c, struct flow_ctx *x, GError **error)
{
	memset(x, 0, sizeof *x);
	x->s = ctl_store(c);   /* first: a missing database is exit 69, whatever else */
	struct directory *d = load_directory(c, error);
	if (!d)
		return -1;
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
	} else if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "statement_id", id);
		json_object_set_string_member(o, "state", "queued");
		if (dry_run) {
			json_object_set_boolean_member(o, "dry_run", TRUE);
			json_object_set_member(o, "mails", queue_mails_json(&r));
		}
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
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

/* is_other_day - DAY (YYYY-MM-DD) is a valid date and not today in UTC. */
static gboolean
is_other_day(const char *day)
{
	g_autofree char *iso = g_strdup_printf("%sT00:00:00Z", day);
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, NULL);
	if (!t || strlen(day) != 10)
		return FALSE;   /* not a date: notify_remind says so */
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
	return strcmp(day, today) != 0;
}

static int
cmd_remind(struct ctl *c, int argc, char **argv)
{
	const char *today = NULL;
	gboolean yes = FALSE, dry_run = FALSE;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = TRUE;
		else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc)
			today = argv[++i];
		else if (g_str_has_prefix(argv[i], "--today="))
			today = argv[i] + 8;
		else if (strcmp(argv[i], "--yes") == 0)
			yes = TRUE;
		else
			return ctl_usage(&ctl_cmds_notify[2]);
	}
	/* Reminders for another day go to real chairs (a date "to test" mailed
	 * OUT OF DATE to every WG): only when the operator says so. A dry run
	 * mails nobody, so it needs no --yes. */
	if (today && !yes && !dry_run && is_other_day(today))
		return ctl_fail(EX_USAGE_, "remind: --today %s is not today: the reminders of that"
		    " day would be mailed to the real recipients. Add --yes to send them", today);
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
	{ "outbox", cmd_outbox, "[--all | --state queued|sent|failed] [--json] | retry ID [--json]",
	  "the mail liaisond sends, and what became of it (like postqueue -p)",
	  "Lists the mail not sent yet (queued and failed), like postqueue -p: a line per\n"
	  "mail (ID, statement, kind, state, attempts, created, subject), then under it\n"
	  "each recipient still waiting or refused on a line of its own, after the reason\n"
	  "in parentheses (the SMTP server's reply); a last line counts them. --all lists\n"
	  "the sent mail too (with its sent recipients), --state only that state. Lines\n"
	  "fit the terminal (subjects cut with an ellipsis, addresses never); $COLUMNS\n"
	  "when set; nothing is cut in a pipe. A recipient the server refused with a 5xx\n"
	  "is failed; the others of the same mail are still delivered.\n"
	  "`outbox retry ID` queues a failed mail again for its failed recipients\n"
	  "(--json: {id, state}).\n"
	  "JSON keys (the same selection): id, statement_id, kind, to, cc, subject, state,\n"
	  "attempts, last_error." },
	{ "resend", cmd_resend, "STATEMENT_ID [--dry-run] [--json]",
	  "queue the routing mail of a posted statement again",
	  "Recomputes the recipients from the directory as it is now and queues the\n"
	  "routing mail again; the history gets a 'resent' event.\n"
	  "--dry-run: who would get it, nothing queued.\n"
	  "--json: {statement_id, state: \"queued\"} (--dry-run adds dry_run and\n"
	  "mails: [{kind, to, subject}])." },
	{ "remind", cmd_remind, "[--today YYYY-MM-DD [--yes]] [--dry-run] [--json]",
	  "queue today's deadline reminders (run daily by a timer)",
	  "For every posted For Action statement whose action is not taken: a reminder\n"
	  "on each of [notify] reminder_days before the deadline, then weekly while overdue\n"
	  "for up to 8 weeks. Running it twice on one day queues nothing new.\n"
	  "--today: act as if it were that day (to catch up after an outage); a day\n"
	  "other than today (UTC) mails real recipients, so it needs --yes (without:\n"
	  "exit 64, nothing queued) unless --dry-run is given.\n"
	  "--dry-run: which reminders would go to whom, nothing queued.\n"
	  "Prints how many reminders were queued; --json: {queued} (--dry-run adds\n"
	  "dry_run and mails: [{kind, to, subject}])." },
	{ NULL, NULL, NULL, NULL, NULL },
};
