/* notify_private.h - shared by the files of notify/ (and their unit tests). */
#ifndef LIAISON_NOTIFY_PRIVATE_H
#define LIAISON_NOTIFY_PRIVATE_H

#include "notify/notify.h"
#include "conf/addr.h"

/* Who a mail goes to: struct addr * each, names cleaned, addresses valid,
 * every mailbox once over both lists, never a statements_address. */
struct notify_rcpts {
	GPtrArray *to, *cc;
};

void notify_rcpts_init(struct notify_rcpts *r);
void notify_rcpts_clear(struct notify_rcpts *r);
/* notify_rcpts_add - add one mailbox unless it is invalid, one of ours, or
 * already in To (or, for Cc, in Cc). Returns TRUE when it was added. */
gboolean notify_rcpts_add(const struct conf *c, struct notify_rcpts *r, gboolean cc,
    const char *name, const char *address);
/* notify_rcpts_add_text - every mailbox of an RFC 5322 list such as
 * liaison_coordinators; a list that does not parse adds nothing. */
void notify_rcpts_add_text(const struct conf *c, struct notify_rcpts *r, gboolean cc,
    const char *text);
gboolean notify_rcpts_contains(const struct notify_rcpts *r, const char *address);

/* notify_rcpts_routing - the routing mail of a posted statement (issue 5). */
void notify_rcpts_routing(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r);
/* notify_rcpts_submitter - the acknowledgement or rejection: From-Liaison-Contact,
 * From-Contacts, forwarded_by (else the submitter); none for a null or
 * automatic sender. */
void notify_rcpts_submitter(const struct conf *c, const struct statement *st,
    struct notify_rcpts *r);
/* notify_rcpts_reminder - the routing To without lists; Cc liaison managers
 * of the From SDO groups and the liaison coordinators. */
void notify_rcpts_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r);
/* notify_rcpts_secretariat - [notify] secretariat. */
void notify_rcpts_secretariat(const struct conf *c, struct notify_rcpts *r);

/* notify_clean - TEXT as one header-safe line: valid UTF-8, control
 * characters (C0, DEL, C1, line and paragraph separators) turned into
 * spaces, runs of space collapsed, trimmed, at most MAX characters. */
char *notify_clean(const char *text, gsize max);
/* notify_msgid_ok - a Message-ID (without <>) safe to put in a header. */
gboolean notify_msgid_ok(const char *id);

struct notify_mail {
	const char *subject;         /* cleaned again here */
	const char *body;            /* UTF-8 text, LF line ends */
	const struct notify_rcpts *rcpts;
	const char *in_reply_to;     /* the statement's Message-ID, or NULL */
	const char *message_id;      /* without <>; NULL: a new one */
	GDateTime *date;             /* NULL: now */
};

/* notify_compose - the complete message as CRLF bytes. The same mail (same
 * message_id and date) gives the same bytes, so a retry sends what the first
 * attempt did. */
GBytes *notify_compose(const struct conf *c, const struct notify_mail *m, GError **error);
/* notify_message_id - a new Message-ID (without <>) in the domain of [notify]
 * from, or NULL with ERROR when that is not a valid address. */
char *notify_message_id(const struct conf *c, GError **error);
/* notify_compose_queued - the bytes of an outbox mail at send time: composed
 * from its text, or for a routing mail (no text kept) from the statement's
 * rows in S; the bytes stored by a version before schema 0008 as they are. */
struct outbox_mail;
GBytes *notify_compose_queued(struct store *s, const struct conf *c,
    const struct outbox_mail *m, GError **error);
/* notify_envelope_from - the bare address of [notify] from (for MAIL FROM). */
char *notify_envelope_from(const struct conf *c);

/* Bodies (text.c). S may be NULL: then related titles and dates are left out. */
char *notify_text_routing(struct store *s, const struct conf *c, const struct statement *st,
    const struct notify_rcpts *routing);
char *notify_text_ack(const struct conf *c, const struct statement *st,
    const struct notify_rcpts *routing);
char *notify_text_rejection(const struct conf *c, const struct statement *st);
char *notify_text_rejected_notice(const struct conf *c, const struct statement *st);
/* notify_text_duplicate - "already on record as statement N, <link>,
 * distributed on <date> to <groups>" (POSTED_AT NULL: not yet). */
char *notify_text_duplicate(const struct conf *c, const struct statement *st,
    const struct statement *original, const char *posted_at);
char *notify_text_discarded(const struct conf *c, const struct statement *st, const char *why);
/* DAYS >= 0: days before the deadline; < 0: days overdue. */
char *notify_text_reminder(const struct conf *c, const struct statement *st, int days);
char *notify_url(const struct conf *c, gint64 id);

/* notify_batch_new / notify_batch_add - a batch of mails composed one by one
 * (reminders); nothing is added without a recipient. */
struct notify_batch *notify_batch_new(gint64 statement);
int notify_batch_add(struct notify_batch *b, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error);

/* notify_queue_mail - compose and add one mail to the outbox (inside the
 * caller's transaction). Returns the outbox id, 0 when REMINDER_KEY was used
 * already or there is no recipient, -1 on error. */
gint64 notify_queue_mail(struct store *s, const struct conf *c, gint64 statement,
    const char *kind, const char *subject, const char *body, const struct notify_rcpts *r,
    const char *in_reply_to, const char *reminder_key, GError **error);

#endif
