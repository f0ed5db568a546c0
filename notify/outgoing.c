/* outgoing.c - the mail of an outgoing statement's approval: the request to
 * its approvers (and its reminder), and the refusal to its submitter. */
#include "notify/notify_private.h"
#include "model/outgoing.h"

#include <string.h>

static char *
title_line(const struct statement *st)
{
	char *t = notify_clean(st->title, 300);
	if (*t)
		return t;
	g_free(t);
	return g_strdup("(no title)");
}

static void
append_list(GString *out, GPtrArray *list)
{
	for (guint i = 0; list && i < list->len; i++) {
		g_autofree char *f = addr_format(list->pdata[i]);
		g_autofree char *t = notify_clean(f, 300);
		g_string_append_printf(out, "%s%s", i ? ", " : "", t);
	}
	if (!list || list->len == 0)
		g_string_append(out, "(nobody)");
}

/* text_approval - what an approver reads: who asks, how to approve or
 * refuse, where it will go, then the statement as it will be sent. */
static char *
text_approval(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GPtrArray *approvers, gboolean reminder)
{
	GString *out = g_string_new(NULL);
	g_autofree char *title = title_line(st);
	g_autofree char *url = notify_url(c, st->id);
	g_autofree char *sub = notify_clean(st->submitter, 300);
	g_string_append_printf(out, "%sLiaison statement %" G_GINT64_FORMAT " \"%s\",\n"
	    "submitted by %s, waits for approval before it is sent.\n\n",
	    reminder ? "Reminder: " : "", st->id, title, *sub ? sub : "(unknown sender)");
	g_string_append(out, "Who may approve it: ");
	append_list(out, approvers);
	g_string_append_printf(out, "\n\nTo approve it, open\n    %s\nor run on the mail host\n"
	    "    liaisonctl approve %" G_GINT64_FORMAT " --by YOUR-ADDRESS\n"
	    "To refuse it (it goes back to the submitter with the reason):\n"
	    "    liaisonctl refuse %" G_GINT64_FORMAT " --why \"...\"\n"
	    "Approved elsewhere (by phone, in a meeting)? The secretariat records it:\n"
	    "    liaisonctl approve %" G_GINT64_FORMAT " --by ADDRESS --recorded \"by phone\"\n",
	    url, st->id, st->id, st->id);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_routing(c, dir, st, &r);
	g_string_append(out, "\nOnce approved it goes to:\n    To: ");
	append_list(out, r.to);
	g_string_append(out, "\n    Cc: ");
	append_list(out, r.cc);
	g_string_append(out, "\n\n-------- The statement --------\n");
	/* the documents go with the statement once it is sent; here their links */
	g_autofree char *body = notify_text_routing(s, c, st, &r, FALSE);
	g_string_append(out, body);
	notify_rcpts_clear(&r);
	return g_string_free(out, FALSE);
}

int
notify_plan_approval(struct notify_batch *b, struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, gboolean reminder, const char *key,
    GError **error)
{
	GPtrArray *approvers = outgoing_approvers(dir, st);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	for (guint i = 0; i < approvers->len; i++) {
		const struct addr *a = approvers->pdata[i];
		notify_rcpts_add(c, &r, FALSE, a->name, a->address);
	}
	/* nobody to ask (the directory names no approver): the secretariat is */
	if (r.to->len == 0)
		notify_rcpts_secretariat(c, &r);
	g_autofree char *title = title_line(st);
	g_autofree char *subject = g_strdup_printf("%sApproval needed: liaison statement %"
	    G_GINT64_FORMAT " \"%s\"", reminder ? "Reminder: " : "", st->id, title);
	g_autofree char *body = text_approval(s, c, dir, st, approvers, reminder);
	int rc = notify_batch_add(b, c, st->id, reminder ? "approval_reminder" : "approval_request",
	    subject, body, &r, st->message_id, key, error);
	notify_rcpts_clear(&r);
	g_ptr_array_unref(approvers);
	return rc;
}

int
notify_prepare_approval_reminder(struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, const char *today,
    struct notify_batch **out, GError **error)
{
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT ":approval:%s", st->id, today);
	*out = notify_batch_new(st->id);
	int rc = notify_plan_approval(*out, s, c, dir, st, TRUE, key, error);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}

int
notify_prepare_refused(const struct conf *c, const struct statement *st, const char *by,
    const char *why, struct notify_batch **out, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(c, st, &r);
	g_autofree char *title = title_line(st);
	g_autofree char *reason = notify_clean(why, 2000);
	g_autofree char *who = notify_clean(by, 300);
	g_autofree char *sec = notify_clean(c->secretariat, 300);
	g_autofree char *subject = g_strdup_printf("Liaison statement not approved: \"%s\"", title);
	g_autofree char *body = g_strdup_printf(
	    "Your liaison statement \"%s\" (number %" G_GINT64_FORMAT ") was not approved\n"
	    "by %s, and it was not sent.\n\nReason: %s\n\n"
	    "Please correct it and submit it again; for questions write to %s.\n",
	    title, st->id, *who ? who : "the approver", reason, *sec ? sec : "the secretariat");
	*out = notify_batch_new(st->id);
	int rc = notify_batch_add(*out, c, st->id, "refused", subject, body, &r, st->message_id,
	    NULL, error);
	notify_rcpts_clear(&r);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}
