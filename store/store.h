/* store.h - the SQLite database and the files under state_dir.
 *
 * state_dir/liaisond.db      the database (WAL; every commit that a reply
 *                            or a mail depends on reaches the disk first)
 * state_dir/tmp/             messages being received (not yet durable)
 * state_dir/msg/             raw messages, one file each, never changed
 * state_dir/blobs/ab/<sha>   decoded attachments, content-addressed
 *
 * All SQL lives in store/. Other layers use the functions in store*.h. */
#ifndef LIAISON_STORE_H
#define LIAISON_STORE_H

#include <glib.h>

#define STORE_ERROR store_error_quark()
GQuark store_error_quark(void);

/* Error classes: each maps to one reply class in the daemon and one exit code
 * in liaisonctl, so callers switch on these, never on SQLite's codes. */
enum store_error_code {
	STORE_ERR_TEMP = 1,    /* may pass: busy, locked, disk full, I/O, no memory -> 4xx / 75 */
	STORE_ERR_DATA,        /* the input is wrong -> 5xx / 65 */
	STORE_ERR_NOTFOUND,    /* no such row -> 65 */
	STORE_ERR_CONFLICT,    /* changed since read -> 65 */
	STORE_ERR_SCHEMA,      /* database newer than this program, or corrupt -> 69 */
};

struct store;

/* store_open - open (creating if needed) the database and folders under
 * STATE_DIR and bring the schema up to date. */
struct store *store_open(const char *state_dir, GError **error);
void store_close(struct store *s);

const char *store_state_dir(const struct store *s);
/* store_schema_version - user_version after migration; store_schema_latest - ours. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* Transactions: BEGIN IMMEDIATE (take the write lock up front, so a busy
 * database fails here, not half-way), COMMIT, ROLLBACK. */
int store_begin(struct store *s, GError **error);
int store_commit(struct store *s, GError **error);
void store_rollback(struct store *s);

/* store_now - the current time as stored: ISO 8601 UTC with a Z. */
char *store_now(void);

/* store_event - add a history event for STATEMENT (inside the caller's transaction). */
int store_event(struct store *s, gint64 statement, const char *actor, const char *kind,
    const char *detail, gboolean private_, GError **error);

/* store_fsync_dir - fsync a folder so that a new or renamed entry is durable. */
int store_fsync_dir(const char *dir, GError **error);

/* store_cache_statements - keep every statement this connection prepares
 * for reuse (parsing SQL was a fifth of the parse worker's CPU). Only for a
 * connection used by one thread at a time. */
void store_cache_statements(struct store *s);

/* store_sync_relaxed - this connection's commits no longer fsync (WAL with
 * synchronous=NORMAL): only for work that is redone when lost (the parse
 * worker). The next synchronous=FULL commit of any connection, or
 * store_wal_sync, makes them durable. See store_sync.c for the argument. */
int store_sync_relaxed(struct store *s, GError **error);
/* store_wal_sync - fsync the write-ahead log: every commit made so far, by
 * any connection, is durable when it returns. Call before acting outside
 * the database (sending mail) on rows a relaxed connection may have written. */
int store_wal_sync(struct store *s, GError **error);
/* store_checkpoint - copy what the write-ahead log holds back into the
 * database, as far as readers allow, without waiting for anyone (PASSIVE);
 * then have the log start again from its beginning, waiting at most a few
 * milliseconds for the write lock and the readers (RESTART), or leave that
 * for next time. */
int store_checkpoint(struct store *s, GError **error);
/* store_wal_watch - this connection never checkpoints in its own commits
 * (the LMTP commit: a client waits for each); after a commit that leaves
 * the log at 2 MB or more, and 256 KB more than at the last call, FN(DATA)
 * runs on the committing thread, to have
 * another connection checkpoint (daemon/commit.c). The parse workers
 * checkpoint at 32 MB and when idle; this keeps the log short while mail
 * arrives, without the LMTP commit waiting for it. */
void store_wal_watch(struct store *s, void (*fn)(void *), void *data);

#endif
