/* queue.c - the mail a statement's new state calls for, queued in the caller's transaction. */
#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "conf/log.h"

#include <string.h>

gint64
notify_queue_mail(struct store *s, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error)
{
	if (r->to->len + r->cc->len == 0) {
		log_info("event=notify_no_recipient kind=%s statement=%" G_GINT64_FORMAT, kind, statement);
		return 0;
	}
	g_autofree char *envelope = notify_envelope_from(c);
	if (!envelope) {
		g_set_error(error, CONF_ERROR, 1, "[notify] from is not a valid address");
		return -1;
	}
	g_autofree char *clean_subject = notify_clean(subject, 400);
	/* The mail is composed when it is sent (schema 0008): the row keeps what
	 * it says and its identity, fixed now. */
	g_autofree char *message_id = notify_message_id(c, error);
	if (!message_id)
		return -1;
	struct outbox_new row = {
		.statement = statement, .kind = kind, .subject = clean_subject,
		.message_id = message_id, .body = body, .envelope_from = envelope,
		.in_reply_to = notify_msgid_ok(in_reply_to) ? in_reply_to : NULL,
		.reminder_key = reminder_key, .to = r->to, .cc = r->cc, .lifetime = c->retry_lifetime,
	};
	gint64 id = store_outbox_add(s, &row, error);
	if (id > 0)
		log_info("event=notify_queued id=%" G_GINT64_FORMAT " kind=%s statement=%" G_GINT64_FORMAT
		    " recipients=%u", id, kind, statement, r->to->len + r->cc->len);
	return id;
}

/* quoted_subject - PREFIX "<title>" with the title on one clean line. */
static char *
quoted_subject(const char *prefix, const struct statement *st)
{
	g_autofree char *t = notify_clean(st->title, 300);
	return g_strdup_printf("%s\"%s\"", prefix, *t ? t : "(no title)");
}

/* queue_routing - the routing mail and, when ACK, the acknowledgement. */
static int
queue_routing(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, gboolean ack, GError **error)
{
	struct notify_rcpts r, sub;
	int rc = -1;
	notify_rcpts_init(&r);
	notify_rcpts_init(&sub);
	notify_rcpts_routing(c, dir, st, &r);
	g_autofree char *subject = quoted_subject("New Liaison Statement, ", st);
	g_autofree char *body = notify_text_routing(s, c, st, &r);
	if (notify_queue_mail(s, c, st->id, "routing", subject, body, &r, st->message_id, NULL,
	    error) < 0)
		goto out;
	if (ack) {
		notify_rcpts_submitter(c, st, &sub);
		g_autofree char *as = quoted_subject("Liaison statement received: ", st);
		g_autofree char *ab = notify_text_ack(c, st, &r);
		if (notify_queue_mail(s, c, st->id, "ack", as, ab, &sub, st->message_id, NULL,
		    error) < 0)
			goto out;
	}
	rc = 0;
out:
	notify_rcpts_clear(&r);
	notify_rcpts_clear(&sub);
	return rc;
}

/* queue_rejected - tell the submitter what to fix, and the secretariat that
 * a statement waits in the rejects queue. */
static int
queue_rejected(struct store *s, const struct conf *c, const struct statement *st,
    GError **error)
{
	struct notify_rcpts sub, sec;
	int rc = -1;
	notify_rcpts_init(&sub);
	notify_rcpts_init(&sec);
	notify_rcpts_submitter(c, st, &sub);
	notify_rcpts_secretariat(c, &sec);
	g_autofree char *subject = quoted_subject("Liaison statement not accepted: ", st);
	g_autofree char *body = notify_text_rejection(c, st);
	g_autofree char *t = notify_clean(st->title, 300);
	g_autofree char *ns = g_strdup_printf("Liaison statement %" G_GINT64_FORMAT
	    " in the rejects queue: \"%s\"", st->id, *t ? t : "(no title)");
	g_autofree char *nb = notify_text_rejected_notice(c, st);
	if (notify_queue_mail(s, c, st->id, "rejection", subject, body, &sub, st->message_id, NULL,
	    error) < 0 ||
	    notify_queue_mail(s, c, st->id, "secretariat", ns, nb, &sec, st->message_id, NULL,
	    error) < 0)
		goto out;
	rc = 0;
out:
	notify_rcpts_clear(&sub);
	notify_rcpts_clear(&sec);
	return rc;
}

int
notify_queue_statement(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GError **error)
{
	if (!st->state || st->auto_generated)
		return 0;    /* an automatic message is never answered: no loops */
	gboolean posted = strcmp(st->state, "posted") == 0;
	if (!posted && strcmp(st->state, "rejected") != 0)
		return 0;    /* ignored, received, dead: nothing to say */
	/* A reprocess that ends in the same state says nothing twice: the mail of
	 * a state goes once per statement (resend sends routing again on purpose). */
	int done = store_outbox_has(s, st->id, posted ? "routing" : "rejection", error);
	if (done != 0)
		return done < 0 ? -1 : 0;
	return posted ? queue_routing(s, c, dir, st, TRUE, error) : queue_rejected(s, c, st, error);
}

int
notify_queue_routing(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GError **error)
{
	return queue_routing(s, c, dir, st, FALSE, error);
}

int
notify_queue_discard(struct store *s, const struct conf *c, const struct statement *st,
    const char *why, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	/* the submitter rules: never a bounce, an auto-reply, a robot or ourselves */
	notify_rcpts_submitter(c, st, &r);
	gint64 rc = 0;
	if (r.to->len > 0) {
		g_autofree char *title = notify_clean(st->title && *st->title ? st->title : "(no title)", 200);
		g_autofree char *subject = g_strdup_printf("Liaison statement not recorded: %s", title);
		g_autofree char *body = notify_text_discarded(c, st, why);
		rc = notify_queue_mail(s, c, st->id, "rejection", subject, body, &r, st->message_id,
		    NULL, error);
	}
	notify_rcpts_clear(&r);
	return rc < 0 ? -1 : (int)(rc > 0);
}
