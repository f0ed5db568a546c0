/* text.c - what each mail says: the values of its template's placeholders
 * (the words themselves are in templates/, rendered by template.c). Calls go
 * one way: compose.c -> text.c -> template.c -> clean.c. */
#include "notify/notify_private.h"
#include "store/store_admin.h"
#include "store/store_outbox.h"

#include <string.h>

char *
notify_url(const struct conf *c, gint64 id)
{
	return g_strdup_printf("%s%" G_GINT64_FORMAT, c->base_url ? c->base_url : "", id);
}

void
notify_text_clear(struct notify_text *t)
{
	g_clear_pointer(&t->subject, g_free);
	g_clear_pointer(&t->body, g_free);
}

static const char *
purpose_words(const char *purpose)
{
	if (!purpose)
		return "(not given)";
	if (strcmp(purpose, "for_action") == 0)
		return "For action";
	if (strcmp(purpose, "in_response") == 0)
		return "In response";
	if (strcmp(purpose, "for_information") == 0)
		return "For information";
	return purpose;
}

/* group_words - a group for people: in full with its acronym when the
 * directory knows it ("QUIC working group (quic)"), else as written. */
static char *
group_words(const struct directory *dir, const struct group_ref *g)
{
	const struct dir_group *dg = dir && g->acronym ? directory_get(dir, g->acronym) : NULL;
	if (dg)
		return dir_group_title(dg);
	return notify_clean(g->text && *g->text ? g->text : g->acronym, 200);
}

/* groups_list - for a sentence: "the QUIC working group (quic)", "A and B",
 * "A, B and C" (IETF bodies with "the"; other bodies by their own name). */
static char *
groups_list(const struct directory *dir, GPtrArray *groups)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		const struct dir_group *dg = dir && g->acronym ? directory_get(dir, g->acronym) : NULL;
		g_autofree char *t = group_words(dir, g);
		if (i)
			g_string_append(out, i + 1 == groups->len ? " and " : ", ");
		if (dg && dg->type != DIR_SDO && g_ascii_strncasecmp(t, "the ", 4) != 0)
			g_string_append(out, "the ");
		g_string_append(out, t);
	}
	return g_string_free(out, FALSE);
}

static char *
addrs_list(GPtrArray *list)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; list && i < list->len; i++) {
		g_autofree char *f = addr_format(list->pdata[i]);
		g_string_append_printf(out, "%s%s", i ? ", " : "", f);
	}
	return g_string_free(out, FALSE);
}

/* side - "Groups (contacts)" of one side of a statement. */
static char *
side(const struct directory *dir, GPtrArray *groups, GPtrArray *contacts)
{
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < groups->len; i++) {
		g_autofree char *t = group_words(dir, groups->pdata[i]);
		g_string_append_printf(out, "%s%s", i ? ", " : "", t);
	}
	if (contacts->len > 0) {
		g_autofree char *a = addrs_list(contacts);
		g_string_append_printf(out, "%s(%s)", groups->len ? " " : "", a);
	}
	return g_string_free(out, FALSE);
}

/* common_vars - what every statement's mail knows. */
static GHashTable *
common_vars(const struct conf *c, const struct statement *st)
{
	GHashTable *v = notify_vars_new();
	g_autofree char *title = notify_clean(st ? st->title : NULL, 300);
	g_autofree char *link = st ? notify_url(c, st->id) : NULL;
	if (st)
		notify_var_int(v, "id", st->id);
	notify_var(v, "title", *title ? title : "(no title)");
	notify_var(v, "link", link);
	notify_var(v, "secretariat", c->secretariat && *c->secretariat ? c->secretariat :
	    "the IETF secretariat");
	notify_var(v, "statements_address", c->statements_address && c->statements_address[0] ?
	    c->statements_address[0] : "the IETF's liaison statements address");
	notify_var(v, "guide_url", c->guide_url);
	return v;
}

/* render - KIND's template with V into OUT; V is freed. */
static int
render(const struct conf *c, const char *kind, GHashTable *v, struct notify_text *out,
    GError **error)
{
	int rc = notify_render(c, kind, v, &out->subject, out->subject_only ? NULL : &out->body,
	    error);
	g_hash_table_unref(v);
	return rc;
}

gboolean
notify_attach_ok(const struct conf *c, const struct statement *st)
{
	gint64 total = 0;
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		if (a->derived_from <= 0)   /* what came out of an archive goes as the archive */
			total += a->size;
	}
	return st->attachments->len > 0 && total <= c->attach_max;
}

int
notify_text_routing(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const struct notify_rcpts *routing, gboolean attached,
    struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	g_autofree char *date = s ? store_outbox_received_date(s, st->id) : NULL;
	if (!date) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		date = g_date_time_format(now, "%Y-%m-%d");
	}
	notify_var(v, "date", date);
	notify_var(v, "deadline", st->deadline);
	notify_var(v, "purpose", purpose_words(st->purpose));
	g_autofree char *fg = groups_list(dir, st->from_groups);
	g_autofree char *tg = groups_list(dir, st->to_groups);
	notify_var(v, "from_groups", *fg ? fg : "(sender not named)");
	notify_var(v, "to_groups", *tg ? tg : "(no IETF group named)");
	g_autofree char *fs = side(dir, st->from_groups, st->from_contacts);
	g_autofree char *ts = side(dir, st->to_groups, st->to_contacts);
	g_autofree char *cc = addrs_list(routing->cc);
	g_autofree char *tech = addrs_list(st->from_contacts);
	notify_var(v, "from_side", fs);
	notify_var(v, "to_side", ts);
	notify_var(v, "cc", cc);
	notify_var(v, "response_contacts", st->from_liaison_contact);
	notify_var(v, "technical_contacts", tech);
	GString *rel = g_string_new(NULL);
	for (guint i = 0; i < st->related->len; i++) {
		gint64 rid = g_array_index(st->related, gint64, i);
		g_autofree char *rt = s ? store_outbox_statement_title(s, rid) : NULL;
		g_autofree char *rtc = notify_clean(rt, 300);
		g_autofree char *ru = notify_url(c, rid);
		g_string_append_printf(rel, "    %s%s%s\n", rtc, *rtc ? ": " : "", ru);
	}
	notify_var(v, "related", rel->str);
	g_string_free(rel, TRUE);
	notify_var(v, "body", st->body);
	GString *att = g_string_new(NULL);
	g_autofree char *url = notify_url(c, st->id);
	/* the documents go with the mail up to [notify] attach_max; the text
	 * says which, and links each either way */
	if (st->attachments->len)
		g_string_append(att, attached ? "    (attached to this mail)\n" :
		    notify_attach_ok(c, st) ? "" : "    (too large to attach, at these links)\n");
	for (guint i = 0, n = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		if (a->derived_from > 0)   /* out of an archive: the archive is listed */
			continue;
		g_autofree char *name = notify_clean(a->filename, 300);
		g_string_append_printf(att, "%s    %s\n    %s/attachments/%d\n", n++ ? "\n" : "", name,
		    url, a->position);
	}
	notify_var(v, "attachments", att->str);
	g_string_free(att, TRUE);
	return render(c, "routing", v, out, error);
}

/* correction_words - one change of an "edited" event ("to: 'IETF QUIK WG
 * (unresolved)' -> 'IETF QUIC WG (quic)'") for the sender: the field by its
 * label, the values as written ("To: IETF QUIK WG -> IETF QUIC WG (quic)"). */
static char *
correction_words(const char *change)
{
	static GRegex *re;
	if (g_once_init_enter(&re))
		g_once_init_leave(&re, g_regex_new("^([a-z_]+): (?:'(.*)' -> '(.*)'|(.*))$", 0, 0, NULL));
	GMatchInfo *mi = NULL;
	char *out;
	if (g_regex_match(re, change, 0, &mi)) {
		g_autofree char *field = g_match_info_fetch(mi, 1);
		g_autofree char *before = g_match_info_fetch(mi, 2);
		g_autofree char *after = g_match_info_fetch(mi, 3);
		g_autofree char *rest = g_match_info_fetch(mi, 4);
		/* from_liaison_contact -> From-Liaison-Contact, as a statement writes it */
		g_auto(GStrv) w = g_strsplit(field, "_", -1);
		for (char **x = w; *x; x++)
			**x = g_ascii_toupper(**x);
		g_autofree char *label = g_strjoinv("-", w);
		if (rest && *rest) {
			out = g_strdup_printf("%s: %s", label, strcmp(field, "body") == 0 ? "changed" : rest);
		} else {
			GString *b = g_string_new(before), *a = g_string_new(after);
			g_string_replace(b, " (unresolved)", "", 0);
			g_string_replace(a, " (unresolved)", "", 0);
			out = g_strdup_printf("%s: %s -> %s", label, *b->str ? b->str : "(none)",
			    *a->str ? a->str : "(none)");
			g_string_free(b, TRUE);
			g_string_free(a, TRUE);
		}
	} else {
		out = g_strdup(change);
	}
	g_match_info_free(mi);
	return out;
}

/* corrections - what the secretariat changed before posting ("edited"
 * events), one "  - ..." line each; "" when nothing. */
static char *
corrections(struct store *s, const struct statement *st)
{
	GString *out = g_string_new(NULL);
	/* a statement never edited is at version 1: no history to read */
	if (!s || st->version <= 1)
		return g_string_free(out, FALSE);
	GPtrArray *ev = store_admin_history(s, st->id, NULL);
	for (guint i = 0; ev && i < ev->len; i++) {
		const struct admin_event *e = ev->pdata[i];
		if (strcmp(e->kind, "edited") != 0 || !e->detail)
			continue;
		g_auto(GStrv) parts = g_strsplit(e->detail, "; ", -1);
		for (char **p = parts; *p; p++)
			if (**p) {
				g_autofree char *w = correction_words(*p);
				g_string_append_printf(out, "  - %s\n", w);
			}
	}
	if (ev)
		g_ptr_array_unref(ev);
	return g_string_free(out, FALSE);
}

int
notify_text_ack(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const struct notify_rcpts *routing, struct notify_text *out,
    GError **error)
{
	GHashTable *v = common_vars(c, st);
	g_autofree char *tg = groups_list(dir, st->to_groups);
	notify_var(v, "to_groups", *tg ? tg : "the groups it names");
	gboolean routed = routing->to->len + routing->cc->len > 0;
	notify_var(v, "routed", routed ? "yes" : "");
	notify_var(v, "unrouted", routed ? "" : "yes");
	g_autofree char *rto = addrs_list(routing->to);
	g_autofree char *rcc = addrs_list(routing->cc);
	notify_var(v, "recipients_to", rto);
	notify_var(v, "recipients_cc", rcc);
	notify_var(v, "deadline", st->deadline);
	notify_var(v, "deadline_words", st->deadline ? st->deadline :
	    "none (no reply is asked for by a date)");
	GString *w = g_string_new(NULL);
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (p->severity != SEV_WARNING)
			continue;
		g_autofree char *m = notify_clean(p->message, 1000);
		g_string_append_printf(w, "  - %s\n", m);
	}
	notify_var(v, "warnings", w->str);
	g_string_free(w, TRUE);
	g_autofree char *fix = corrections(s, st);
	notify_var(v, "corrections", fix);
	if (st->outgoing) {   /* issue 16: "sent as statement N", or recorded as sent directly */
		notify_var(v, "sent_directly", st->sent_directly ? "yes" : "");
		notify_var(v, "sent_here", st->sent_directly ? "" : "yes");
		notify_var(v, "sent_word", st->sent_directly ? "recorded" : "sent");
		notify_var(v, "approved_by", st->approved_by);
		notify_var(v, "approval_how", !st->approved_by ? NULL :
		    g_strcmp0(st->approval_how, "submitter") == 0 ? "by submitting it" :
		    g_strcmp0(st->approval_how, "recorded") == 0 ? "recorded by the secretariat" :
		    g_strcmp0(st->approval_how, "web") == 0 ? "on the web" : "with liaisonctl");
		notify_var(v, "unapproved", st->approved_by ? "" : "yes");
		return render(c, "sent", v, out, error);
	}
	return render(c, "ack", v, out, error);
}

int
notify_text_approval(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GPtrArray *approvers, gboolean reminder,
    struct notify_text *out, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_routing(c, dir, st, &r);
	/* the statement as it will be sent; its documents linked, not attached */
	struct notify_text routing = { 0 };
	int rc = notify_text_routing(s, c, dir, st, &r, FALSE, &routing, error);
	if (rc == 0) {
		GHashTable *v = common_vars(c, st);
		notify_var(v, "reminder", reminder ? "yes" : "");
		notify_var(v, "needed", reminder ? "still needed (reminder)" : "needed");
		notify_var(v, "submitter", st->submitter ? st->submitter : "(unknown sender)");
		g_autofree char *who = addrs_list(approvers);
		notify_var(v, "approvers", *who ? who : "(nobody in the directory: the secretariat)");
		g_autofree char *rto = addrs_list(r.to);
		g_autofree char *rcc = addrs_list(r.cc);
		notify_var(v, "recipients_to", rto);
		notify_var(v, "recipients_cc", rcc);
		notify_var(v, "statement", routing.body);
		rc = render(c, "approval", v, out, error);
	}
	notify_text_clear(&routing);
	notify_rcpts_clear(&r);
	return rc;
}

int
notify_text_refused(const struct conf *c, const struct statement *st, const char *by,
    const char *why, struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	notify_var(v, "by", by && *by ? by : "the approver");
	notify_var(v, "reason", why);
	return render(c, "refused", v, out, error);
}

/* Each error of model/problem.c's table in plain words, and what to do about
 * it (the words are the mail's, so they live here, keyed by the table's ids). */
static const struct { const char *what, *fix; } explain[PROB_N] = {
	[PROB_NOT_A_STATEMENT] = { "The message does not look like a liaison statement: none of its"
	  " fields (Title, From, To, Purpose) were found.",
	  "Start the text with the lines \"Title:\", \"From:\", \"To:\" and \"Purpose:\", or attach"
	  " the statement as a document." },
	[PROB_MISSING_TITLE] = { "The statement has no title.",
	  "Add a line \"Title: ...\", or give the title as the mail's Subject." },
	[PROB_MISSING_FROM] = { "The sending organisation is not named.",
	  "Add a line \"From: <organisation and group>\", for example \"From: 3GPP TSG SA WG3\"." },
	[PROB_MISSING_TO] = { "The IETF group it is for is not named.",
	  "Add a line \"To: <IETF group>\", for example \"To: IETF QUIC WG\"." },
	[PROB_UNKNOWN_TO] = { "The To line names a group the IETF does not have.",
	  "Name an IETF working group, an area, the IETF, the IESG or the IAB." },
	[PROB_AMBIGUOUS_TO] = { "The To line could mean more than one IETF group.",
	  "Name each group by its acronym, for example \"To: IETF QUIC WG\"." },
	[PROB_MISSING_FROM_CONTACT] = { "No contact person at the sending organisation is given.",
	  "Add a line \"From-Contact: Name <address>\"." },
	[PROB_BAD_ADDRESS] = { "An e-mail address could not be read.",
	  "Write each address as \"Name <local@domain>\", separated by commas." },
	[PROB_BAD_PURPOSE] = { "The purpose is not one the IETF uses.",
	  "Write \"Purpose: For Information\", \"Purpose: For Action\" or \"Purpose: In Response\"." },
	[PROB_MISSING_DEADLINE] = { "The statement asks for action but gives no date.",
	  "Add a line \"Deadline: YYYY-MM-DD\", or write \"Purpose: For Information\" if no"
	  " answer is needed." },
	[PROB_BAD_DEADLINE] = { "The deadline could not be read as a date.",
	  "Write it as YYYY-MM-DD, for example \"Deadline: 2031-03-15\"." },
	[PROB_NO_CONTENT] = { "The statement has neither text nor an attached document.",
	  "Write the statement in the mail, or attach it (PDF or Word)." },
	[PROB_PARSE_FAILED] = { "The message could not be processed at all.",
	  "Nothing to do: the secretariat will look at it." },
	[PROB_SENDER_NOT_AUTHORIZED] = { "A statement the IETF sends to another body may only"
	  " be sent by a chair, secretary or delegate of the group, an AD of its area, the IETF,"
	  " IAB or IRTF chair, the liaison manager for that body, or the secretariat.",
	  "Ask one of them to send it; it then goes out once its approver agrees." },
};

/* problems_text - each error as "1. what\n   Fix: ...\n   (what was read)". */
static char *
problems_text(const struct statement *st)
{
	GString *out = g_string_new(NULL);
	int n = 0;
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		/* a repeat held for the secretariat (issue 20) says why it waits */
		if (p->severity != SEV_ERROR && strcmp(p->code, "possible_duplicate") != 0)
			continue;
		g_autofree char *m = notify_clean(p->message, 1000);
		enum problem_id id;
		gboolean known = problem_find(p->code, &id) && explain[id].what;
		if (n)
			g_string_append_c(out, '\n');
		if (known)
			g_string_append_printf(out, "  %d. %s\n     Fix: %s\n     (%s)\n", ++n,
			    explain[id].what, explain[id].fix, m);
		else
			g_string_append_printf(out, "  %d. %s\n", ++n, m);
	}
	return g_string_free(out, FALSE);
}

int
notify_text_rejection(const struct conf *c, const struct statement *st, struct notify_text *out,
    GError **error)
{
	GHashTable *v = common_vars(c, st);
	g_autofree char *p = problems_text(st);
	notify_var(v, "problems", p);
	notify_var(v, "submitter", st->submitter ? st->submitter : "(unknown sender)");
	return render(c, "rejection", v, out, error);
}

int
notify_text_rejected_notice(const struct conf *c, const struct statement *st,
    struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	g_autofree char *p = problems_text(st);
	notify_var(v, "problems", p);
	notify_var(v, "submitter", st->submitter && *st->submitter ? st->submitter :
	    "(unknown sender)");
	return render(c, "rejects_queue", v, out, error);
}

int
notify_text_discarded(const struct conf *c, const struct statement *st, const char *why,
    struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	notify_var(v, "reason", why);
	return render(c, "discarded", v, out, error);
}

int
notify_text_restored(const struct conf *c, const struct statement *st, const char *state,
    struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	notify_var(v, "state", state);
	notify_var(v, "posted", g_strcmp0(state, "posted") == 0 ? "yes" : "");
	return render(c, "restored", v, out, error);
}

int
notify_text_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, int days, struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, st);
	notify_var(v, "deadline", st->deadline);
	notify_var_int(v, "days", days < 0 ? -days : days);
	g_autofree char *when = days > 1 ? g_strdup_printf("in %d days", days) :
	    days == 1 ? g_strdup("tomorrow") : days == 0 ? g_strdup("today") :
	    g_strdup_printf("%d days ago", -days);
	notify_var(v, "when", when);
	/* the subject's words are an earlier issue's contract, "in 1 days"
	 * included, so that filters match one pattern (docs/notify.md) */
	g_autofree char *due = days > 0 ? g_strdup_printf("in %d days", days) : days == 0 ?
	    g_strdup("today") : g_strdup_printf("%d days ago", -days);
	notify_var(v, "due", due);
	g_autofree char *fg = groups_list(dir, st->from_groups);
	g_autofree char *tg = groups_list(dir, st->to_groups);
	notify_var(v, "from_groups", fg);
	notify_var(v, "to_groups", tg);
	g_autofree char *fs = side(dir, st->from_groups, st->from_contacts);
	g_autofree char *ts = side(dir, st->to_groups, st->to_contacts);
	notify_var(v, "from_side", fs);
	notify_var(v, "to_side", ts);
	/* an outgoing statement: the other body owes the answer (issue 16) */
	notify_var(v, "outgoing", st->outgoing ? "yes" : "");
	return render(c, days < 0 ? "overdue" : "reminder", v, out, error);
}

int
notify_text_undelivered(const struct conf *c, const struct outbox_mail *m,
    struct notify_text *out, GError **error)
{
	GHashTable *v = common_vars(c, NULL);
	if (m->statement)
		notify_var_int(v, "id", m->statement);
	notify_var_int(v, "mail_id", m->id);
	notify_var(v, "mail_kind", m->kind);
	notify_var(v, "subject", m->subject);
	GString *f = g_string_new(NULL);
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *r = m->rcpts->pdata[i];
		if (strcmp(r->state, "failed") == 0) {
			g_autofree char *why = notify_clean(r->last_error, 500);
			g_string_append_printf(f, "  %s\n    %s\n", r->address, why);
		}
	}
	notify_var(v, "failed", f->str);
	g_string_free(f, TRUE);
	return render(c, "undelivered", v, out, error);
}

int
notify_text_duplicate(const struct conf *c, const struct statement *st,
    const struct statement *original, const char *posted_at, struct notify_text *out,
    GError **error)
{
	GHashTable *v = common_vars(c, st);
	g_autofree char *link = notify_url(c, original->id);
	g_autofree char *day = posted_at ? g_strndup(posted_at, 10) : NULL;
	GString *groups = g_string_new(NULL);
	for (guint i = 0; i < original->to_groups->len; i++) {
		const struct group_ref *g = original->to_groups->pdata[i];
		g_autofree char *t = notify_clean(g->text ? g->text : g->acronym, 200);
		g_string_append_printf(groups, "%s%s", i ? ", " : "", t);
	}
	notify_var_int(v, "original", original->id);
	notify_var(v, "original_link", link);
	notify_var(v, "distributed_on", day);
	notify_var(v, "to_groups", groups->str);
	g_string_free(groups, TRUE);
	return render(c, "duplicate", v, out, error);
}
