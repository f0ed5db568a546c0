/* queue.c - the mail a statement's new state calls for, queued in the caller's transaction. */
#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "store/store_dup.h"
#include "store/store_stmt.h"
#include "conf/log.h"

#include <string.h>

G_DEFINE_QUARK(liaisond-notify-error-quark, notify_error)

/* One mail, ready to insert: everything composed before the transaction. */
struct pending {
	gint64 statement;
	char *kind, *subject, *body, *in_reply_to, *message_id, *envelope, *reminder_key;
	struct notify_rcpts r;
};

/* The mail of one statement's new state; CHECK_KIND is the kind whose
 * presence in the outbox means it was queued already (NULL: no check). */
struct notify_batch {
	gint64 statement;
	const char *check_kind;
	GPtrArray *mails;            /* struct pending * */
};

static void
pending_free(gpointer p)
{
	struct pending *m = p;
	g_free(m->kind);
	g_free(m->subject);
	g_free(m->body);
	g_free(m->in_reply_to);
	g_free(m->message_id);
	g_free(m->envelope);
	g_free(m->reminder_key);
	notify_rcpts_clear(&m->r);
	g_free(m);
}

static struct notify_batch *
batch_new(gint64 statement, const char *check_kind);
static int batch_add(struct notify_batch *b, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error);

struct notify_batch *
notify_batch_new(gint64 statement)
{
	return batch_new(statement, NULL);
}

int
notify_batch_add(struct notify_batch *b, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error)
{
	return batch_add(b, c, statement, kind, subject, body, r, in_reply_to, reminder_key, error);
}

static struct notify_batch *
batch_new(gint64 statement, const char *check_kind)
{
	struct notify_batch *b = g_new0(struct notify_batch, 1);
	b->statement = statement;
	b->check_kind = check_kind;
	b->mails = g_ptr_array_new_with_free_func(pending_free);
	return b;
}

void
notify_batch_free(struct notify_batch *b)
{
	if (!b)
		return;
	g_ptr_array_unref(b->mails);
	g_free(b);
}

/* copy_rcpts - an independent copy of R (the caller clears its own). */
static void
copy_rcpts(struct notify_rcpts *to, const struct notify_rcpts *from)
{
	notify_rcpts_init(to);
	for (guint i = 0; i < from->to->len; i++) {
		const struct addr *a = from->to->pdata[i];
		g_ptr_array_add(to->to, addr_new(a->name, a->address));
	}
	for (guint i = 0; i < from->cc->len; i++) {
		const struct addr *a = from->cc->pdata[i];
		g_ptr_array_add(to->cc, addr_new(a->name, a->address));
	}
}

/* batch_add - compose one mail into B: its subject, identity and envelope
 * fixed now (the outbox row is composed into bytes when sent, schema 0008).
 * Nothing is added without a recipient. */
static int
batch_add(struct notify_batch *b, const struct conf *c, gint64 statement, const char *kind,
    const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error)
{
	if (r->to->len + r->cc->len == 0) {
		log_info("event=notify_no_recipient kind=%s statement=%" G_GINT64_FORMAT, kind, statement);
		return 0;
	}
	char *envelope = notify_envelope_from(c);
	char *message_id = envelope ? notify_message_id(c, error) : NULL;
	if (!envelope || !message_id) {
		if (!envelope)
			g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CONFIG,
			    "[notify] from is not a valid address");
		g_free(envelope);
		return -1;
	}
	struct pending *m = g_new0(struct pending, 1);
	m->statement = statement;
	m->kind = g_strdup(kind);
	m->subject = notify_clean(subject, 400);
	m->body = g_strdup(body);
	m->in_reply_to = notify_msgid_ok(in_reply_to) ? g_strdup(in_reply_to) : NULL;
	m->message_id = message_id;
	m->envelope = envelope;
	m->reminder_key = g_strdup(reminder_key);
	copy_rcpts(&m->r, r);
	g_ptr_array_add(b->mails, m);
	return 0;
}

/* queue_one - insert M; its outbox id, 0 when its reminder key was used. */
static gint64
queue_one(struct store *s, const struct conf *c, const struct pending *m, GError **error)
{
	struct outbox_new row = {
		.statement = m->statement, .kind = m->kind, .subject = m->subject,
		.message_id = m->message_id, .body = m->body, .envelope_from = m->envelope,
		.in_reply_to = m->in_reply_to, .reminder_key = m->reminder_key,
		.to = m->r.to, .cc = m->r.cc, .lifetime = c->retry_lifetime,
	};
	gint64 id = store_outbox_add(s, &row, error);
	if (id > 0)
		log_info("event=notify_queued id=%" G_GINT64_FORMAT " kind=%s statement=%" G_GINT64_FORMAT
		    " recipients=%u", id, m->kind, m->statement, m->r.to->len + m->r.cc->len);
	return id;
}

int
notify_queue_batch(struct store *s, const struct conf *c, const struct notify_batch *b,
    GError **error)
{
	if (!b)
		return 0;
	/* Checked again inside the transaction: a reprocess that ran between
	 * the composing and now has queued this state's mail already. */
	if (b->check_kind) {
		int done = store_outbox_has(s, b->statement, b->check_kind, error);
		if (done != 0)
			return done < 0 ? -1 : 0;
	}
	int queued = 0;
	for (guint i = 0; i < b->mails->len; i++) {
		gint64 id = queue_one(s, c, b->mails->pdata[i], error);
		if (id < 0)
			return -1;
		queued += id > 0;
	}
	return queued;
}

gint64
notify_queue_mail(struct store *s, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error)
{
	struct notify_batch *b = batch_new(statement, NULL);
	gint64 id = batch_add(b, c, statement, kind, subject, body, r, in_reply_to, reminder_key,
	    error);
	if (id == 0 && b->mails->len == 1)
		id = queue_one(s, c, b->mails->pdata[0], error);
	notify_batch_free(b);
	return id;
}

/* plan_routing - the routing mail and, when ACK, the acknowledgement. */
static int
plan_routing(struct notify_batch *b, struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, gboolean route, gboolean ack,
    GError **error)
{
	struct notify_rcpts r, sub;
	struct notify_text routing = { .subject_only = TRUE }, ackt = { 0 };
	int rc = -1;
	notify_rcpts_init(&r);
	notify_rcpts_init(&sub);
	notify_rcpts_routing(c, dir, st, &r);
	/* no text kept: the routing mail is the statement, written from its
	 * rows when sent, not a copy of its body in the outbox (its subject is
	 * fixed now, so only the subject is rendered) */
	if (route && (notify_text_routing(s, c, dir, st, &r, FALSE, &routing, error) < 0 ||
	    batch_add(b, c, st->id, "routing", routing.subject, NULL, &r, st->message_id, NULL,
	    error) < 0))
		goto out;
	if (ack) {
		notify_rcpts_submitter(c, st, &sub);
		if (notify_text_ack(s, c, dir, st, &r, &ackt, error) < 0 ||
		    batch_add(b, c, st->id, "ack", ackt.subject, ackt.body, &sub, st->message_id, NULL,
		    error) < 0)
			goto out;
	}
	rc = 0;
out:
	notify_text_clear(&routing);
	notify_text_clear(&ackt);
	notify_rcpts_clear(&r);
	notify_rcpts_clear(&sub);
	return rc;
}

/* plan_duplicate - tell whoever sent the repeat (the forwarding chair, else
 * the sender) where the statement it repeats is on record. */
static int
plan_duplicate(struct notify_batch *b, struct store *s, const struct conf *c,
    const struct statement *st, GError **error)
{
	struct statement *o = store_stmt_load(s, st->duplicate_of, error);
	if (!o)
		return -1;
	char *posted_at = NULL;
	int rc = store_dup_posted_at(s, o->id, &posted_at, error);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	if (st->forwarded_by && *st->forwarded_by)
		notify_rcpts_add(c, &r, FALSE, NULL, st->forwarded_by);
	else
		notify_rcpts_submitter(c, st, &r);
	struct notify_text t = { 0 };
	if (rc == 0 && (rc = notify_text_duplicate(c, st, o, posted_at, &t, error)) == 0)
		rc = batch_add(b, c, st->id, "duplicate", t.subject, t.body, &r, st->message_id, NULL,
		    error);
	notify_text_clear(&t);
	notify_rcpts_clear(&r);
	g_free(posted_at);
	statement_free(o);
	return rc;
}

/* plan_rejected - tell the submitter what to fix (REJECTION), and the
 * secretariat (SECRETARIAT) that a statement waits in the rejects queue. */
static int
plan_rejected(struct notify_batch *b, const struct conf *c, const struct statement *st,
    unsigned mails, GError **error)
{
	struct notify_rcpts sub, sec;
	int rc = -1;
	notify_rcpts_init(&sub);
	notify_rcpts_init(&sec);
	notify_rcpts_submitter(c, st, &sub);
	notify_rcpts_secretariat(c, &sec);
	struct notify_text rej = { 0 }, notice = { 0 };
	if (((mails & NOTIFY_REJECTION) && (notify_text_rejection(c, st, &rej, error) < 0 ||
	    batch_add(b, c, st->id, "rejection", rej.subject, rej.body, &sub, st->message_id, NULL,
	    error) < 0)) ||
	    ((mails & NOTIFY_SECRETARIAT) && (notify_text_rejected_notice(c, st, &notice, error) < 0 ||
	    batch_add(b, c, st->id, "secretariat", notice.subject, notice.body, &sec, st->message_id,
	    NULL, error) < 0))) {
		notify_text_clear(&rej);
		notify_text_clear(&notice);
		goto out;
	}
	notify_text_clear(&rej);
	notify_text_clear(&notice);
	rc = 0;
out:
	notify_rcpts_clear(&sub);
	notify_rcpts_clear(&sec);
	return rc;
}

int
notify_prepare_statement(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, unsigned mails, struct notify_batch **out, GError **error)
{
	*out = NULL;
	if (st->auto_generated)
		return 0;    /* an automatic message is never answered: no loops */
	gboolean routing = (mails & NOTIFY_ROUTING) != 0;
	gboolean ack = (mails & NOTIFY_ACK) != 0;
	gboolean approval = (mails & NOTIFY_APPROVAL) != 0;
	gboolean dup = (mails & NOTIFY_DUPLICATE) != 0 && st->duplicate_of > 0;
	if (!routing && !ack && !approval && !dup &&
	    !(mails & (NOTIFY_REJECTION | NOTIFY_SECRETARIAT)))
		return 0;    /* nothing this function composes */
	/* A reprocess that ends in the same state says nothing twice: the mail of
	 * a state goes once per statement, unless asked AGAIN (resend). */
	const char *kind = (mails & NOTIFY_AGAIN) ? NULL : routing ? "routing" : ack ? "ack" :
	    approval ? "approval_request" : dup ? "duplicate" :
	    (mails & NOTIFY_REJECTION) ? "rejection" : "secretariat";
	if (kind) {
		int done = store_outbox_has(s, st->id, kind, error);
		if (done != 0)
			return done < 0 ? -1 : 0;
	}
	struct notify_batch *b = batch_new(st->id, kind);
	if ((routing || ack ? plan_routing(b, s, c, dir, st, routing, ack, error) :
	    approval ? notify_plan_approval(b, s, c, dir, st, FALSE, NULL, error) :
	    dup ? plan_duplicate(b, s, c, st, error) :
	    plan_rejected(b, c, st, mails, error)) < 0) {
		notify_batch_free(b);
		return -1;
	}
	*out = b;
	return 0;
}

void
notify_batch_describe(const struct notify_batch *b, GPtrArray *out)
{
	for (guint i = 0; b && i < b->mails->len; i++) {
		const struct pending *m = b->mails->pdata[i];
		GString *to = g_string_new(NULL);
		const GPtrArray *lists[] = { m->r.to, m->r.cc };
		for (int k = 0; k < 2; k++)
			for (guint j = 0; j < lists[k]->len; j++)
				g_string_append_printf(to, "%s%s", to->len ? ", " : "",
				    ((const struct addr *)lists[k]->pdata[j])->address);
		g_ptr_array_add(out, notify_planned_new(m->kind, to->str, m->subject));
		g_string_free(to, TRUE);
	}
}

struct notify_planned *
notify_planned_new(const char *kind, const char *to, const char *subject)
{
	struct notify_planned *p = g_new0(struct notify_planned, 1);
	p->kind = g_strdup(kind);
	p->to = g_strdup(to);
	p->subject = g_strdup(subject);
	return p;
}

void
notify_planned_free(gpointer p)
{
	struct notify_planned *m = p;
	if (!m)
		return;
	g_free(m->kind);
	g_free(m->to);
	g_free(m->subject);
	g_free(m);
}

int
notify_prepare_discard(const struct conf *c, const struct statement *st, const char *why,
    struct notify_batch **out, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	/* the submitter rules: never a bounce, an auto-reply, a robot or ourselves */
	notify_rcpts_submitter(c, st, &r);
	*out = batch_new(st->id, NULL);
	struct notify_text t = { 0 };
	int rc = 0;
	if (r.to->len > 0)
		rc = notify_text_discarded(c, st, why, &t, error) < 0 ? -1 :
		    batch_add(*out, c, st->id, "rejection", t.subject, t.body, &r, st->message_id, NULL,
		    error);
	notify_text_clear(&t);
	notify_rcpts_clear(&r);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}

int
notify_prepare_restored(const struct conf *c, const struct statement *st, enum stmt_state state,
    struct notify_batch **out, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(c, st, &r);
	*out = batch_new(st->id, NULL);
	struct notify_text t = { 0 };
	int rc = 0;
	/* only a state the sender can be told about: back to posted or to the
	 * rejects queue (ignored and received say nothing, as before discard).
	 * Stored as kind "ack": the outbox's kinds are a CHECK constraint. */
	gboolean tell = state == STMT_POSTED || state == STMT_REJECTED;
	if (tell && r.to->len > 0)
		rc = notify_text_restored(c, st, stmt_state_name(state), &t, error) < 0 ? -1 :
		    batch_add(*out, c, st->id, "ack", t.subject, t.body, &r, st->message_id, NULL,
		    error);
	notify_text_clear(&t);
	notify_rcpts_clear(&r);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}
