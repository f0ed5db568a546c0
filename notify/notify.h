/* notify.h - the mail liaisond sends: routing, acknowledgement, rejection,
 * secretariat notice, reminders; queued durably, sent by libcurl. */
#ifndef LIAISON_NOTIFY_H
#define LIAISON_NOTIFY_H

#include "conf/conf.h"
#include "conf/directory.h"
#include "parser/statement.h"

struct store;

/* notify_queue_statement - queue the mail for ST's new state (posted: routing
 * + ack; rejected: rejection + secretariat; ignored: nothing). Must be called
 * inside the transaction that saves ST (store_begin .. store_commit). */
/* notify_note_held - the replies and routing recipients that the bounds
 * hold back ([notify] reply_policy, max_reply_recipients,
 * max_extra_recipients, Precedence), as warnings on ST for the secretariat:
 * no_reply ("No reply sent (acknowledgement): unauthenticated: a@b") and
 * recipients_capped. Called once the state is decided, before saving. */
void notify_note_held(const struct conf *c, const struct directory *dir, struct statement *st);

int notify_queue_statement(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GError **error);

/* notify_prepare_statement / notify_queue_batch - notify_queue_statement in
 * two steps, so that the write transaction only inserts: the first composes
 * the mail (recipients, texts, Message-IDs; reads only) before store_begin,
 * *OUT NULL when there is nothing to say; the second queues it inside the
 * transaction, unless that state's mail was queued meanwhile. */
struct notify_batch;
int notify_prepare_statement(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_batch **out, GError **error);
int notify_queue_batch(struct store *s, const struct conf *c, const struct notify_batch *b,
    GError **error);
void notify_batch_free(struct notify_batch *b);

/* notify_queue_discard - queue the notice that tells ST's sender it was
 * discarded (liaisonctl discard --notify-sender), inside the caller's
 * transaction. Returns 1 when queued, 0 when there is nobody who may be
 * answered, -1 on error. */
int notify_queue_discard(struct store *s, const struct conf *c, const struct statement *st,
    const char *why, GError **error);

/* notify_sender_start / _stop - the thread that delivers the outbox. */
struct notify_sender;
struct notify_sender *notify_sender_start(const struct conf *c, GError **error);
void notify_sender_kick(struct notify_sender *ns);      /* new mail queued */
void notify_sender_stop(struct notify_sender *ns);
/* notify_kick - kick the sender running in this process, if any: for the parse
 * stage after it committed a statement. Cheap; callable from any thread. */
void notify_kick(void);

/* notify_queue_routing - queue the routing mail of posted ST again (resend),
 * inside the caller's transaction. */
int notify_queue_routing(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GError **error);

/* notify_remind - queue the reminders due on TODAY (YYYY-MM-DD, NULL: today
 * in UTC) for every open For Action statement; a day already done queues
 * nothing again. *QUEUED gets how many mails were queued. */
int notify_remind(struct store *s, const struct conf *c, const struct directory *dir,
    const char *today, int *queued, GError **error);

#endif
