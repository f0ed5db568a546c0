/* store_stmt.h - statements: saved by the parse stage, read by notify and liaisonctl. */
#ifndef LIAISON_STORE_STMT_H
#define LIAISON_STORE_STMT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "model/statement.h"
#include "store/store.h"

/* store_stmt_save - write ST (st->id = its message) inside the caller's
 * transaction: the statements row and its groups, contacts, identifiers,
 * related ids, attachments and problems, replacing those of an earlier parse
 * (reprocess); sets messages.state to st->state and bumps the version (the new
 * value is put into st->version). */
int store_stmt_save(struct store *s, struct statement *st, GError **error);

/* store_search_index - rebuild the search rows of up to MAX statements whose
 * text changed since they were indexed (schema 0007), in one transaction of
 * its own; returns how many, 0 when the index is up to date, -1 on error.
 * A statement with a document read only in part (schema 0013) waits. */
int store_search_index(struct store *s, int max, GError **error);

/* store_stmt_load - statement ID as stored. A message not parsed yet gives a
 * statement with only id and state set. STORE_ERR_NOTFOUND: no message ID. */
struct statement *store_stmt_load(struct store *s, gint64 id, GError **error);

/* What store_stmt_load_with reads besides the statements row and its groups,
 * contacts, related ids, attachments and problems. */
enum store_load_flags {
	STORE_LOAD_UNPARSED    = 1 << 0,  /* a message not parsed yet: id and state (else NOTFOUND) */
	STORE_LOAD_METADATA    = 1 << 1,  /* statements.metadata (else left empty) */
	STORE_LOAD_IDENTIFIERS = 1 << 2,  /* other_identifiers */
	STORE_LOAD_DOCUMENTS   = 1 << 3,  /* documents, without their text */
	/* store_stmt_load: everything `liaisonctl show` prints. */
	STORE_LOAD_SHOW = STORE_LOAD_UNPARSED | STORE_LOAD_METADATA | STORE_LOAD_IDENTIFIERS |
	    STORE_LOAD_DOCUMENTS,
	/* store_outbox_statement: what notification mail shows. */
	STORE_LOAD_MAIL = 0,
};
/* store_stmt_load_with - statement ID with what FLAGS ask for: the one reader
 * of a statement. Every row is read or the load fails: NULL and ERROR, never
 * a statement with some of its rows missing. */
struct statement *store_stmt_load_with(struct store *s, gint64 id, unsigned flags,
    GError **error);

/* store_stmt_attachment - attachment POSITION (from 1) of statement ID: its
 * blob path and row. STORE_ERR_NOTFOUND when there is none. */
struct attachment *store_stmt_attachment(struct store *s, gint64 id, int position,
    char **blob_path, GError **error);

/* store_stmt_summary - what `liaisonctl list` shows of ID: state, title (may
 * be NULL) and the number of problems. */
int store_stmt_summary(struct store *s, gint64 id, char **state, char **title,
    int *problems, GError **error);

/* For the parse stage. */
/* store_stmt_message - the envelope sender and client ("liaisonctl" for
 * `liaisonctl submit`) of message ID (its bytes: store_msg_open). */
int store_stmt_message(struct store *s, gint64 id, char **envelope_from, char **client,
    GError **error);
/* store_stmt_next_received - the oldest message in state 'received' whose
 * id % SLOTS is SLOT (one parse worker's share); 0 when none, -1 on error. */
gint64 store_stmt_next_received(struct store *s, int slot, int slots, GError **error);
/* store_stmt_received - up to MAX such ids, oldest first, appended to OUT
 * (gint64); how many, or -1 on error. */
int store_stmt_received(struct store *s, int slot, int slots, int max, GArray *out,
    GError **error);
/* store_stmt_attempt - count one failed parse attempt of ID in its own
 * commit (a crash or a timeout, counted by the parse stage's supervisor; an
 * error, by the worker); *BEFORE gets the earlier count. Nothing is counted
 * when MAX attempts were made already. */
int store_stmt_attempt(struct store *s, gint64 id, int max, int *before, GError **error);
/* store_stmt_attempts - parse_attempts of message ID (a read), or -1. */
int store_stmt_attempts(struct store *s, gint64 id, GError **error);
/* store_stmt_attempt_counted - one more parse attempt of ID, inside the
 * caller's transaction (the one that saves its successful parse): 1, or 0
 * when ID is no longer 'received' (discarded while it was parsed), -1. */
int store_stmt_attempt_counted(struct store *s, gint64 id, GError **error);

#endif
