/* text.c - the words of each mail: routing, acknowledgement, rejection, notices, reminders. */
#include "notify/notify_private.h"
#include "store/store_outbox.h"

#include <string.h>

char *
notify_url(const struct conf *c, gint64 id)
{
	return g_strdup_printf("%s%" G_GINT64_FORMAT, c->base_url ? c->base_url : "", id);
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

/* title_of - the title as one clean line, or a placeholder. */
static char *
title_of(const struct statement *st)
{
	char *t = notify_clean(st->title, 300);
	if (*t)
		return t;
	g_free(t);
	return g_strdup("(no title)");
}

static void
append_groups(GString *out, GPtrArray *groups)
{
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		g_autofree char *t = notify_clean(g->text ? g->text : g->acronym, 200);
		g_string_append_printf(out, "%s%s", i ? ", " : "", t);
	}
}

static void
append_addrs(GString *out, GPtrArray *list)
{
	for (guint i = 0; list && i < list->len; i++) {
		g_autofree char *f = addr_format(list->pdata[i]);
		g_autofree char *t = notify_clean(f, 300);
		g_string_append_printf(out, "%s%s", i ? ", " : "", t);
	}
}

/* append_side - "Groups (contacts)" of one side of a statement. */
static void
append_side(GString *out, const char *label, GPtrArray *groups, GPtrArray *contacts)
{
	g_string_append_printf(out, "%s: ", label);
	append_groups(out, groups);
	if (contacts->len > 0) {
		g_string_append(out, groups->len ? " (" : "(");
		append_addrs(out, contacts);
		g_string_append(out, ")");
	}
	g_string_append_c(out, '\n');
}

char *
notify_text_routing(struct store *s, const struct conf *c, const struct statement *st,
    const struct notify_rcpts *routing)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	g_autofree char *url = notify_url(c, st->id);
	g_autofree char *date = s ? store_outbox_received_date(s, st->id) : NULL;
	if (!date) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		date = g_date_time_format(now, "%Y-%m-%d");
	}
	g_string_append_printf(out, "Title: %s\nSubmission Date: %s\nURL of the IETF Web page: %s\n",
	    title, date, url);
	if (st->deadline)
		g_string_append_printf(out, "Please reply by %s\n", st->deadline);
	g_string_append_c(out, '\n');
	append_side(out, "From", st->from_groups, st->from_contacts);
	append_side(out, "To", st->to_groups, st->to_contacts);
	g_string_append(out, "Cc: ");
	append_addrs(out, routing->cc);
	g_string_append_c(out, '\n');
	if (st->from_liaison_contact)
		g_string_append_printf(out, "Response Contacts: %s\n", st->from_liaison_contact);
	if (st->from_contacts->len) {
		g_string_append(out, "Technical Contacts: ");
		append_addrs(out, st->from_contacts);
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "Purpose: %s\n", purpose_words(st->purpose));
	if (st->related->len) {
		g_string_append(out, "\nReferenced liaison statements:\n");
		for (guint i = 0; i < st->related->len; i++) {
			gint64 rid = g_array_index(st->related, gint64, i);
			g_autofree char *rt = s ? store_outbox_statement_title(s, rid) : NULL;
			g_autofree char *rtc = notify_clean(rt, 300);
			g_autofree char *ru = notify_url(c, rid);
			g_string_append_printf(out, "    %s%s%s\n", rtc, *rtc ? ": " : "", ru);
		}
	}
	g_string_append_printf(out, "\nBody:\n%s\n", st->body && *st->body ? st->body : "(none)");
	if (st->attachments->len) {
		g_string_append(out, "\nAttachments:\n");
		for (guint i = 0; i < st->attachments->len; i++) {
			const struct attachment *a = st->attachments->pdata[i];
			g_autofree char *name = notify_clean(a->filename, 300);
			g_string_append_printf(out, "\n    %s\n    %s/attachments/%d\n", name, url, a->position);
		}
	}
	return g_string_free(out, FALSE);
}

static void
append_footer(GString *out, const struct conf *c)
{
	g_string_append_printf(out, "\n-- \nThis message was sent automatically. Replies to it are not"
	    " read;\nfor questions write to %s.\n", c->secretariat ? c->secretariat : "the secretariat");
}

char *
notify_text_ack(const struct conf *c, const struct statement *st,
    const struct notify_rcpts *routing)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	g_autofree char *url = notify_url(c, st->id);
	g_string_append_printf(out, "Your liaison statement \"%s\" has been received and recorded"
	    " as number %" G_GINT64_FORMAT ":\n    %s\n\n", title, st->id, url);
	if (routing->to->len + routing->cc->len == 0) {
		g_string_append(out, "No recipient is known for the groups it is addressed to: the"
		    " secretariat will route it by hand.\n");
	} else {
		g_string_append(out, "It was distributed to:\n    To: ");
		append_addrs(out, routing->to);
		g_string_append(out, "\n    Cc: ");
		append_addrs(out, routing->cc);
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "\nDeadline recorded: %s\n",
	    st->deadline ? st->deadline : "none (no reply is asked for by a date)");
	gboolean first = TRUE;
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (p->severity != SEV_WARNING)
			continue;
		if (first)
			g_string_append(out, "\nPlease note (the statement was recorded anyway):\n");
		first = FALSE;
		g_autofree char *m = notify_clean(p->message, 1000);
		g_string_append_printf(out, "  - %s\n", m);
	}
	g_string_append_printf(out, "\nPlease quote number %" G_GINT64_FORMAT " when you write"
	    " about this statement.\n", st->id);
	append_footer(out, c);
	return g_string_free(out, FALSE);
}

/* What the sender must do about each error (issue 4's codes). */
static const struct { const char *code, *words; } explain[] = {
	{ "not_a_statement", "The message does not look like a liaison statement: none of its"
	  " fields (Title, From, To, Purpose) were found." },
	{ "missing_title", "The statement has no title. Give one in a line \"Title: ...\" or in"
	  " the Subject." },
	{ "missing_from", "The sending body is not named. Add a line \"From: <organisation and"
	  " group>\", e.g. \"From: 3GPP TSG SA WG3\"." },
	{ "missing_to", "The receiving IETF body is not named. Add a line \"To: <IETF group>\","
	  " e.g. \"To: IETF QUIC WG\"." },
	{ "unknown_to", "The To line names a body the IETF does not have. Name an IETF working"
	  " group, area, the IETF, the IESG or the IAB." },
	{ "ambiguous_to", "The To line could mean more than one IETF group. Name exactly one"
	  " group for each recipient, by its acronym." },
	{ "missing_from_contact", "No contact person at the sending body is given. Add a line"
	  " \"From-Contact: Name <address>\"." },
	{ "bad_address", "An address could not be read. Write each address as"
	  " \"Name <local@domain>\", separated by commas." },
	{ "bad_purpose", "The purpose is not one of For Information, For Action or In Response." },
	{ "missing_deadline", "A statement For Action needs a deadline. Add a line"
	  " \"Deadline: YYYY-MM-DD\"." },
	{ "bad_deadline", "The deadline could not be read as a date. Write it as YYYY-MM-DD." },
	{ "no_content", "The statement has neither text nor an attached document." },
	{ "parse_failed", "The message could not be processed at all; the secretariat will look"
	  " at it." },
};

static const char *
explain_code(const char *code)
{
	for (gsize i = 0; i < G_N_ELEMENTS(explain); i++)
		if (strcmp(explain[i].code, code) == 0)
			return explain[i].words;
	return NULL;
}

static void
append_errors(GString *out, const struct statement *st)
{
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (p->severity != SEV_ERROR)
			continue;
		const char *w = explain_code(p->code);
		g_autofree char *m = notify_clean(p->message, 1000);
		if (w)
			g_string_append_printf(out, "  - %s\n    (%s)\n", w, m);
		else
			g_string_append_printf(out, "  - %s\n", m);
	}
}

char *
notify_text_rejection(const struct conf *c, const struct statement *st)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	const char *to = c->statements_address && c->statements_address[0] ?
	    c->statements_address[0] : "the liaison statements address";
	g_string_append_printf(out, "Your message \"%s\" was received and kept as number %"
	    G_GINT64_FORMAT ",\nbut it could not be recorded as a liaison statement:\n\n",
	    title, st->id);
	append_errors(out, st);
	/* one instruction, and the software does what it says: a clean resend
	 * with the same title from the same sender replaces this copy (it
	 * becomes dead, "superseded"), and the To groups receive it once */
	g_string_append_printf(out, "\nPlease correct the statement and send it again to %s,\n"
	    "with the same Title; it will replace this copy, and its groups receive it once.\n"
	    "A liaison statement (RFC 4053bis) needs: Title, From (the sending body),\n"
	    "From-Contact (a person's address), To (an IETF group), Purpose (For Information,\n"
	    "For Action with a Deadline, or In Response), and a text or an attached document.\n",
	    to);
	append_footer(out, c);
	return g_string_free(out, FALSE);
}

char *
notify_text_rejected_notice(const struct conf *c, const struct statement *st)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	g_autofree char *sub = notify_clean(st->submitter, 300);
	g_string_append_printf(out, "Message %" G_GINT64_FORMAT " \"%s\" from %s\n"
	    "waits in the rejects queue. Its problems:\n\n", st->id, title,
	    *sub ? sub : "(unknown sender)");
	append_errors(out, st);
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (strcmp(p->code, "possible_duplicate") == 0) {
			g_autofree char *m = notify_clean(p->message, 1000);
			g_string_append_printf(out, "  - %s\n", m);
		}
	}
	g_string_append_printf(out, "\nTo look at it:   liaisonctl show %" G_GINT64_FORMAT "\n"
	    "The queue:       liaisonctl rejects\n"
	    "Then edit and approve it, or discard it.\n", st->id);
	return g_string_free(out, FALSE);
}

char *
notify_text_discarded(const struct conf *c, const struct statement *st, const char *why)
{
	g_autofree char *title = title_of(st);
	g_autofree char *reason = notify_clean(why, 2000);
	g_autofree char *sec = notify_clean(c->secretariat, 300);
	return g_strdup_printf(
	    "Your message \"%s\" (recorded as number %" G_GINT64_FORMAT ") was not accepted as\n"
	    "a liaison statement by the IETF secretariat.\n\nReason: %s\n\n"
	    "If you think this is a mistake, please write to %s.\n",
	    title, st->id, reason, *sec ? sec : "the IETF secretariat");
}

char *
notify_text_reminder(const struct conf *c, const struct statement *st, int days)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	g_autofree char *url = notify_url(c, st->id);
	g_string_append_printf(out, "Liaison statement %" G_GINT64_FORMAT " \"%s\"\nasks for action"
	    " by %s. ", st->id, title, st->deadline);
	if (days > 1)
		g_string_append_printf(out, "The deadline is in %d days.\n", days);
	else if (days == 1)
		g_string_append(out, "The deadline is tomorrow.\n");
	else if (days == 0)
		g_string_append(out, "The deadline is today.\n");
	else
		g_string_append_printf(out, "The deadline passed %d days ago.\n", -days);
	g_string_append_printf(out, "\n    %s\n\n", url);
	append_side(out, "From", st->from_groups, st->from_contacts);
	append_side(out, "To", st->to_groups, st->to_contacts);
	g_string_append_printf(out, "\nWhen the action is taken, send the answer as an In Response"
	    " liaison statement,\nor ask the secretariat to mark it taken (liaisonctl mark-taken %"
	    G_GINT64_FORMAT ");\neither stops these reminders.\n", st->id);
	append_footer(out, c);
	return g_string_free(out, FALSE);
}

char *
notify_text_duplicate(const struct conf *c, const struct statement *st,
    const struct statement *original, const char *posted_at)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_of(st);
	g_autofree char *url = notify_url(c, original->id);
	g_string_append_printf(out, "Thank you. The liaison statement \"%s\" is already on record"
	    " as statement %" G_GINT64_FORMAT ",\n    %s\n", title, original->id, url);
	if (posted_at && *posted_at) {
		g_autofree char *day = g_strndup(posted_at, 10);
		g_string_append_printf(out, "distributed on %s to ", day);
		append_groups(out, original->to_groups);
		g_string_append(out, ".\n");
	} else {
		g_string_append(out, "where it waits for the secretariat before it is distributed.\n");
	}
	g_string_append_printf(out, "\nThis copy is kept as number %" G_GINT64_FORMAT " and is not"
	    " distributed again;\nnothing more needs to be done.\n", st->id);
	append_footer(out, c);
	return g_string_free(out, FALSE);
}
