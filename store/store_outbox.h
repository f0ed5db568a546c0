/* store_outbox.h - the durable outbox: mail queued in the transaction that
 * posts or rejects a statement, delivered per recipient by notify/send.c.
 *
 * States: a recipient is queued until the SMTP server answered 250 for it
 * (sent) or a 5xx / the retry lifetime ran out (failed). A mail is queued
 * while any recipient is queued, then sent when all were sent, else failed. */
#ifndef LIAISON_STORE_OUTBOX_H
#define LIAISON_STORE_OUTBOX_H

#include <glib.h>
#include "store/store.h"

/* A mail to queue: what it says; notify composes it when it is sent
 * (schema 0008). TO and CC hold struct addr * (conf/addr.h), already checked. */
struct outbox_new {
	gint64 statement;            /* 0: not about a statement */
	const char *kind;            /* routing|ack|rejection|secretariat|reminder */
	const char *subject;
	const char *message_id;      /* without <> */
	const char *body;            /* UTF-8 text; NULL: a routing mail, written
	                              * from the statement's rows when sent */
	const char *in_reply_to;     /* without <>, or NULL */
	const char *envelope_from;
	const char *reminder_key;    /* NULL, or unique: a second add is ignored */
	GPtrArray *to, *cc;
	int lifetime;                /* seconds until the sender gives up */
};

struct outbox_rcpt {
	int position;
	char *address;
	char *name;                  /* display name, or NULL */
	char *header;                /* "to" | "cc" */
	char *state;                 /* queued|sent|failed */
	char *last_error;            /* the server's reply, or NULL */
};

struct outbox_mail {
	gint64 id;
	gint64 statement;            /* 0 when none */
	char *kind, *subject, *message_id, *envelope_from, *state;
	char *created_at, *next_attempt_at, *expires_at, *last_error;
	int attempts;
	/* only filled by store_outbox_due: the text to compose (NULL: written
	 * from the statement when sent), and raw, empty but for rows queued
	 * before schema 0008: the complete message, CRLF */
	char *body, *in_reply_to;
	GBytes *raw;
	GPtrArray *rcpts;            /* struct outbox_rcpt *, in position order */
};

/* store_outbox_add - insert a mail and its recipients (inside the caller's
 * transaction). Returns its id, 0 when REMINDER_KEY was already used, -1 on error. */
gint64 store_outbox_add(struct store *s, const struct outbox_new *m, GError **error);

/* store_outbox_due - queued mails whose next attempt is due at NOW (ISO
 * 8601 UTC), oldest first, at most LIMIT, with their text and recipients. */
GPtrArray *store_outbox_due(struct store *s, const char *now, int limit, GError **error);

/* store_outbox_next_due - the earliest next_attempt_at of a queued mail, or NULL. */
char *store_outbox_next_due(struct store *s, GError **error);

/* store_outbox_rcpt_sent - the server answered 250 for this recipient: commit
 * it at once (its own transaction), so it is never sent again. */
int store_outbox_rcpt_sent(struct store *s, gint64 id, int position, GError **error);

/* store_outbox_rcpt_failed - a permanent failure (5xx, or the lifetime ran
 * out) for this recipient, with the server's reply. */
int store_outbox_rcpt_failed(struct store *s, gint64 id, int position, const char *reply,
    GError **error);

/* store_outbox_attempt_done - count an attempt, record LAST_ERROR (NULL when
 * none), schedule NEXT_AT for the recipients still queued and derive the mail's
 * state. Returns the new state in *STATE_OUT (static string). */
int store_outbox_attempt_done(struct store *s, gint64 id, const char *last_error,
    const char *next_at, const char **state_out, GError **error);

/* store_outbox_list - mails, newest first; STATE NULL for all, STATEMENT 0 for all. */
GPtrArray *store_outbox_list(struct store *s, const char *state, gint64 statement,
    GError **error);

/* store_outbox_get - one mail with its recipients (no raw), or NULL (NOTFOUND). */
struct outbox_mail *store_outbox_get(struct store *s, gint64 id, GError **error);

/* store_outbox_retry - requeue a failed mail's failed recipients now, with a
 * new lifetime of LIFETIME seconds. CONFLICT when the mail is not failed. */
int store_outbox_retry(struct store *s, gint64 id, int lifetime, GError **error);

void outbox_mail_free(gpointer m);

/* store_outbox_has - does statement ID already have a mail of KIND (any state)? */
int store_outbox_has(struct store *s, gint64 id, const char *kind, GError **error);

/* What notify needs of a statement that the statement store does not give. */

/* store_outbox_received_date - YYYY-MM-DD the message was received, or NULL. */
char *store_outbox_received_date(struct store *s, gint64 id);
/* store_outbox_statement_title - a statement's title, or NULL. */
char *store_outbox_statement_title(struct store *s, gint64 id);
/* store_outbox_statement_state - a message's state, or NULL when there is none. */
char *store_outbox_statement_state(struct store *s, gint64 id);

/* store_outbox_statement - the fields of statement ID that notification mail
 * shows (everything but documents and metadata), or NULL (NOTFOUND). Kept
 * here so that resend and remind need nothing but the saved rows. */
struct statement;
struct statement *store_outbox_statement(struct store *s, gint64 id, GError **error);

/* store_outbox_open_actions - ids of posted for_action statements with a
 * deadline whose action is not taken (no mark, no posted In Response linked
 * to them), oldest first. */
GArray *store_outbox_open_actions(struct store *s, GError **error);

#endif
