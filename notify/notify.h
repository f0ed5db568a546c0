/* notify.h - the mail liaisond sends: routing, acknowledgement, rejection,
 * secretariat notice, reminders; queued durably, sent by libcurl. */
#ifndef LIAISON_NOTIFY_H
#define LIAISON_NOTIFY_H

#include "conf/conf.h"
#include "conf/directory.h"
#include "model/statement.h"

struct store;

#define NOTIFY_ERROR notify_error_quark()
GQuark notify_error_quark(void);
enum notify_error_code {
	NOTIFY_ERR_CONFIG = 1,  /* [notify] settings that cannot work (from, password file) */
	NOTIFY_ERR_CURL,        /* libcurl could not start a transfer */
	NOTIFY_ERR_NOTFOUND,    /* the statement a mail is written from is gone */
	NOTIFY_ERR_TEMPLATE,    /* a mail template that cannot be read, checked or named */
	NOTIFY_ERR_ATTACHMENT,  /* a document to attach to a mail cannot be opened */
	NOTIFY_ERR_DATE,        /* "today" is not a date YYYY-MM-DD (reminders) */
};

/* notify_note_held - the replies and routing recipients that the bounds
 * hold back ([notify] reply_policy, max_reply_recipients,
 * max_extra_recipients, Precedence), as warnings on ST for the secretariat:
 * no_reply ("No reply sent (acknowledgement): unauthenticated: a@b") and
 * recipients_capped. Called once the state is decided, before saving. */
void notify_note_held(const struct conf *c, const struct directory *dir, struct statement *st);

/* The mail a transition queues: flow/flow.c's table names them per row. */
enum notify_mails {
	NOTIFY_ROUTING = 1 << 0,      /* the statement to its To groups */
	NOTIFY_ACK = 1 << 1,          /* "received" to the sender (with ROUTING) */
	NOTIFY_REJECTION = 1 << 2,    /* "not accepted" to the sender */
	NOTIFY_SECRETARIAT = 1 << 3,  /* "in the rejects queue" to the secretariat */
	NOTIFY_DISCARD = 1 << 4,      /* "not recorded" to the sender (discard --notify-sender) */
	NOTIFY_REMINDER = 1 << 5,     /* a deadline reminder to the To groups */
	NOTIFY_AGAIN = 1 << 6,        /* even if this kind went before (resend) */
	NOTIFY_RESTORED = 1 << 7,     /* "back" to the sender (restore after a told discard) */
	NOTIFY_APPROVAL = 1 << 8,     /* outgoing: "please approve" to the approvers (issue 16) */
	NOTIFY_REFUSED = 1 << 9,      /* outgoing: "not approved" to the submitter (refuse) */
	NOTIFY_DUPLICATE = 1 << 10,   /* "already on record as N" to the forwarder or sender */
};

/* notify_prepare_statement / notify_queue_batch - queue the MAILS
 * (ROUTING [+ ACK] [+ AGAIN], ACK alone (an outgoing statement sent
 * directly), APPROVAL, or REJECTION + SECRETARIAT) of ST in two steps,
 * so that the write transaction only inserts: the first composes the mail
 * (recipients, texts, Message-IDs; reads only), *OUT NULL when there is
 * nothing to say (an automatic message; the mail of that kind went before);
 * the second queues it inside the transaction, unless that kind's mail was
 * queued meanwhile. */
struct notify_batch;
int notify_prepare_statement(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, unsigned mails, struct notify_batch **out, GError **error);
int notify_queue_batch(struct store *s, const struct conf *c, const struct notify_batch *b,
    GError **error);   /* how many mails were queued, or -1 */
void notify_batch_free(struct notify_batch *b);

/* One mail as it would go: for previews and results. */
struct notify_planned {
	char *kind;       /* routing, ack, rejection, secretariat, reminder */
	char *to;         /* "a@x, b@y" (To and Cc) */
	char *subject;
};
struct notify_planned *notify_planned_new(const char *kind, const char *to, const char *subject);
void notify_planned_free(gpointer p);
/* notify_batch_describe - B's mails appended to OUT (struct notify_planned *). */
void notify_batch_describe(const struct notify_batch *b, GPtrArray *out);

/* notify_prepare_discard - compose the notice that tells ST's sender it was
 * discarded, and why (discard --notify-sender) into *OUT: no mail in it when
 * there is nobody who may be answered. */
int notify_prepare_discard(const struct conf *c, const struct statement *st, const char *why,
    struct notify_batch **out, GError **error);

/* notify_prepare_refused - compose the mail that tells ST's submitter its
 * outgoing statement was not approved, by BY, and WHY (refuse). */
int notify_prepare_refused(const struct conf *c, const struct statement *st, const char *by,
    const char *why, struct notify_batch **out, GError **error);
/* notify_prepare_approval_reminder - the approvers of pending ST reminded
 * on TODAY (keyed by statement and day: queued once). */
int notify_prepare_approval_reminder(struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, const char *today,
    struct notify_batch **out, GError **error);
/* notify_prepare_restored - compose the notice that tells ST's sender it is
 * back in STATE after `liaisonctl restore` into *OUT (posted or rejected;
 * other states say nothing: no mail in it, nor when nobody may be answered).
 * flow_restore's table row queues it only when the discard told the sender. */
int notify_prepare_restored(const struct conf *c, const struct statement *st,
    enum stmt_state state, struct notify_batch **out, GError **error);

/* notify_templates_load - read the mail templates (docs/notify.md): each
 * kind's file in [notify] template_dir, else the one compiled in; check them
 * all (an unknown placeholder is an error) and use them from now on in this
 * process (SIGHUP calls it again; on error the old ones stay). Mail composed
 * before any load loads them first. */
int notify_templates_load(const struct conf *c, GError **error);
/* notify_templates_check - the same check without using them: every problem
 * ("FILE:LINE: ...") added to PROBLEMS; -1 when there was one. */
int notify_templates_check(const struct conf *c, GPtrArray *problems);

/* notify_sender_start / _stop - the thread that delivers the outbox. */
struct notify_sender;
struct notify_sender *notify_sender_start(const struct conf *c, GError **error);
void notify_sender_kick(struct notify_sender *ns);      /* new mail queued */
/* notify_sender_reload - SIGHUP: read the group directory again (the names in
 * routing mail); the templates are reloaded by notify_templates_load. */
void notify_sender_reload(struct notify_sender *ns);
void notify_sender_stop(struct notify_sender *ns);
/* notify_kick - kick the sender running in this process, if any: for the parse
 * stage after it committed a statement. Cheap; callable from any thread. */
void notify_kick(void);


/* notify_reminder_due - 1 when a reminder of ST is due on TODAY (YYYY-MM-DD;
 * [notify] reminder_days before its deadline, then weekly while overdue),
 * *LEFT the days left (negative: overdue); 0 when not; -1 and STORE_ERR_DATA
 * when TODAY is not a date. */
int notify_reminder_due(const struct conf *c, const struct statement *st, const char *today,
    int *left, GError **error);
/* notify_prepare_reminder - compose ST's reminder for TODAY into *OUT (keyed
 * by statement and day: queued once, notify_queue_batch then returns 0). */
int notify_prepare_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, int left, const char *today, struct notify_batch **out,
    GError **error);

#endif
