/* store_private.h - shared by the files of store/ only. */
#ifndef LIAISON_STORE_PRIVATE_H
#define LIAISON_STORE_PRIVATE_H

#include <sqlite3.h>
#include "store/store.h"

struct store {
	sqlite3 *db;
	char *state_dir;
	char *tmp_dir, *msg_dir, *blob_dir;
	/* SQL text -> prepared statement, NULL unless store_cache_statements;
	 * cached: the same statements, to tell store_finish what to keep. */
	GHashTable *cache, *cached;
	gboolean blob_dirs_ready;       /* blobs/00 .. ff made and durable (store_blob_dirs) */
	GPtrArray *blobs_pending;       /* kept, durable at the next begin (store_blob.c) */
	gboolean blobs_reused;          /* a kept blob was found in blobs/: sync before rows name it */
	int blobs_sync_fd;              /* blobs/, for syncfs; -1 until the first blob */
	gint64 busy_since;   /* monotonic us: when the current wait for the lock began */
	gulong busy_step_us; /* how often a writer waiting for the lock tries again */
	int busy_ms;         /* and for how long in all (BUSY_MS but in store_checkpoint) */
	int wal_fd;          /* the log, for store_wal_sync; -1 until it exists */
	char *wal_error;     /* why an fsync of the log failed: no 250 after it (store_msg.c) */
	gint64 inline_max;   /* a spool up to this is kept in memory, then in the database */
	int page_size;       /* the database's, in bytes (store_open) */
	void (*wal_watch)(void *);      /* store_wal_watch */
	void *wal_watch_data;
	int wal_watched;                /* the log's frames at the last call of wal_watch */
};

/* the write-ahead log's size at which a connection checkpoints after its
 * commit (store_open), and has it start again from its beginning
 * (store_checkpoint); at which a watched one calls for a checkpoint
 * (store_wal_watch), and then again each time it has grown by
 * WAL_STEP_BYTES (steps of 256 KB rather than every commit: half the
 * database fsyncs with one client, the same statements/s and p99); the
 * log's file is cut back to WAL_LIMIT_BYTES when it starts again after a
 * burst made it larger */
#define WAL_CHECKPOINT_BYTES (32 * 1024 * 1024)
#define WAL_WATCH_BYTES (2 * 1024 * 1024)
#define WAL_LIMIT_BYTES (64 * 1024 * 1024)
#define WAL_STEP_BYTES (256 * 1024)

/* store_blob_dirs - the blob folders made and durable (store_blob.c). */
int store_blob_dirs(struct store *s, GError **error);

/* store_wal_auto - checkpoint in this connection's own commits once the
 * log holds WAL_CHECKPOINT_BYTES (store_checkpoint); store_wal_watch
 * replaces it. */
void store_wal_auto(struct store *s);

/* store_alloc - a store for STATE_DIR, not opened (store_open, and the
 * web's read-only store_open_readonly); store_close frees it. */
struct store *store_alloc(const char *state_dir);
/* store_in_transaction - is a transaction open on S's connection? */
gboolean store_in_transaction(struct store *s);

/* store_sqlite_temporary - an SQLite result that a retry may cure (busy,
 * locked, full, I/O...): STORE_ERR_TEMP; everything else is ours to fix. */
gboolean store_sqlite_temporary(int rc);
/* store_set_sqlite_error - fill ERROR from the database's last error, classed
 * temporary or not; WHAT says which operation failed. Returns -1. */
int store_set_sqlite_error(struct store *s, int rc, const char *what, GError **error);

/* store_prepare - a prepared statement, or -1 and ERROR; on a connection
 * that caches (store_cache_statements), the one kept for this SQL. Every
 * statement goes back through store_finish, never sqlite3_finalize. */
int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, GError **error);

/* store_prepare_cached - the statement kept for SQL when the connection
 * caches; a fresh one while that is still stepping (the same query nested). */
int store_prepare_cached(struct store *s, sqlite3_stmt **st, const char *sql, GError **error);
/* store_finish - done with ST: reset and keep it if cached, else finalize. */
void store_finish(struct store *s, sqlite3_stmt *st);
/* store_cache_free - finalize the cached statements (store_close). */
void store_cache_free(struct store *s);



/* store_exec - run SQL without results (store_query.c, with the above). */
int store_exec(struct store *s, const char *sql, GError **error);

/* store_wal_open - open the log for store_wal_sync, if it exists yet
 * (store_sync.c). */
void store_wal_open(struct store *s);

/* store_sync_level - whether this connection's next COMMIT fsyncs the log
 * (TRUE: synchronous=FULL) or leaves that to the caller (FALSE: NORMAL).
 * SQLite refuses the change inside a transaction. See store_sync.c. */
int store_sync_level(struct store *s, gboolean full, GError **error);

/* BY_MESSAGE_ID - the ids of the statements that came in a mail with
 * Message-ID ?2: their own, or a forwarded original's (metadata). Two index
 * lookups (messages_message_id, statements_message_id of schema 11); an OR
 * over the joined rows would read every statement on record. */
#define BY_MESSAGE_ID "(SELECT id FROM messages WHERE message_id = ?2" \
	" UNION ALL SELECT id FROM statements WHERE json_extract(metadata, '$.message_id') = ?2)"

/* store_sqlite_setup - process-wide SQLite settings, once, before the
 * first connection (store_open, store_open_readonly). */
void store_sqlite_setup(void);

#endif
