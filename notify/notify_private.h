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
/* notify_rcpts_routing_held - the same; the To-Contacts left out for
 * [notify] max_extra_recipients are added to HELD (char *, may be NULL). */
void notify_rcpts_routing_held(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r, GPtrArray *held);
/* notify_rcpts_submitter - the acknowledgement or rejection: From-Liaison-Contact,
 * From-Contacts, forwarded_by (else the submitter); none for a null or
 * automatic sender, none under reply_policy never or for Precedence
 * bulk/junk/list, under authenticated only addresses of a domain our MTA
 * authenticated, at most max_reply_recipients. */
void notify_rcpts_submitter(const struct conf *c, const struct statement *st,
    struct notify_rcpts *r);
/* notify_rcpts_submitter_held - the same; one line per address (or reason)
 * left out is added to HELD ("unauthenticated: a@b"). */
void notify_rcpts_submitter_held(const struct conf *c, const struct statement *st,
    struct notify_rcpts *r, GPtrArray *held);
/* notify_rcpts_reminder - the routing To without lists; Cc liaison managers
 * of the From SDO groups and the liaison coordinators. */
void notify_rcpts_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, struct notify_rcpts *r);
/* notify_rcpts_secretariat - [notify] secretariat. */
void notify_rcpts_secretariat(const struct conf *c, struct notify_rcpts *r);

/* Header-safe text (clean.c). */
/* notify_gmime_init - GMime must be initialised once before first use. */
void notify_gmime_init(void);
/* notify_clean - TEXT as one header-safe line: valid UTF-8, control
 * characters (C0, DEL, C1, line and paragraph separators) turned into
 * spaces, runs of space collapsed, trimmed, at most MAX characters. */
char *notify_clean(const char *text, gsize max);
/* notify_msgid_ok - a Message-ID (without <>) safe to put in a header. */
gboolean notify_msgid_ok(const char *id);

/* A document attached to a mail: the stored blob's bytes under FILENAME. */
struct notify_file {
	char *path;
	char *filename;
	char *content_type;
};

struct notify_mail {
	const char *subject;         /* cleaned again here */
	const char *body;            /* UTF-8 text, LF line ends */
	const struct notify_rcpts *rcpts;
	const char *in_reply_to;     /* the statement's Message-ID, or NULL */
	const char *message_id;      /* without <>; NULL: a new one */
	GDateTime *date;             /* NULL: now */
	GPtrArray *files;            /* struct notify_file *, attached in order; NULL: none */
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
 * rows in S (groups named with DIR, which may be NULL); the bytes stored by
 * a version before schema 0008 as they are. */
struct outbox_mail;
GBytes *notify_compose_queued(struct store *s, const struct conf *c,
    const struct directory *dir, const struct outbox_mail *m, GError **error);
/* notify_envelope_from - the bare address of [notify] from (for MAIL FROM). */
char *notify_envelope_from(const struct conf *c);

/* Templates (template.c): VARS maps placeholder names to values (strings;
 * empty or absent: not set). notify_render fills the template of KIND into
 * *SUBJECT (one clean line) and *BODY (LF line ends; BODY NULL: the subject only). */
GHashTable *notify_vars_new(void);
void notify_var(GHashTable *vars, const char *name, const char *value);
void notify_var_int(GHashTable *vars, const char *name, gint64 value);
int notify_render(const struct conf *c, const char *kind, GHashTable *vars, char **subject,
    char **body, GError **error);

/* The mails (text.c): subject and body from the kind's template. S may be
 * NULL (then related titles, dates and corrections are left out), DIR too
 * (then groups are named as written). */
struct notify_text {
	char *subject, *body;
	gboolean subject_only;      /* set by the caller: body stays NULL */
};
void notify_text_clear(struct notify_text *t);
/* notify_text_routing - ATTACHED: the documents go with this mail (else
 * their links only, and the text says why). */
int notify_text_routing(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const struct notify_rcpts *routing, gboolean attached,
    struct notify_text *out, GError **error);
/* notify_attach_ok - do ST's documents go attached (total <= attach_max)? */
gboolean notify_attach_ok(const struct conf *c, const struct statement *st);
int notify_text_ack(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const struct notify_rcpts *routing, struct notify_text *out,
    GError **error);
int notify_text_rejection(const struct conf *c, const struct statement *st,
    struct notify_text *out, GError **error);
int notify_text_rejected_notice(const struct conf *c, const struct statement *st,
    struct notify_text *out, GError **error);
int notify_text_discarded(const struct conf *c, const struct statement *st, const char *why,
    struct notify_text *out, GError **error);
/* notify_text_duplicate - "already on record as statement N, <link>,
 * distributed on <date> to <groups>" about ST, a repeat of ORIGINAL
 * (POSTED_AT: when it was posted, NULL: not yet). */
int notify_text_duplicate(const struct conf *c, const struct statement *st,
    const struct statement *original, const char *posted_at, struct notify_text *out,
    GError **error);
/* STATE: the state it is back in. */
int notify_text_restored(const struct conf *c, const struct statement *st, const char *state,
    struct notify_text *out, GError **error);
/* DAYS >= 0: days before the deadline; < 0: days overdue. */
int notify_text_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, int days, struct notify_text *out, GError **error);
struct outbox_mail;
/* Outgoing statements (issue 16): the request to APPROVERS (struct addr *;
 * REMINDER: its reminder), and the refusal BY, with WHY, to the submitter. */
int notify_text_approval(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, GPtrArray *approvers, gboolean reminder,
    struct notify_text *out, GError **error);
int notify_text_refused(const struct conf *c, const struct statement *st, const char *by,
    const char *why, struct notify_text *out, GError **error);
int notify_text_undelivered(const struct conf *c, const struct outbox_mail *m,
    struct notify_text *out, GError **error);
char *notify_url(const struct conf *c, gint64 id);

/* notify_plan_approval - the approval request (REMINDER: its reminder,
 * keyed by KEY) of pending outgoing ST into B: one mail to its approvers. */
int notify_plan_approval(struct notify_batch *b, struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, gboolean reminder, const char *key,
    GError **error);

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
