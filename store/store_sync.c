/* store_sync.c - durability per connection: FULL (the default, every commit
 * fsyncs the WAL) or relaxed (NORMAL, for work that is redone when lost).
 *
 * Why the parse worker may commit with synchronous=NORMAL:
 * - In WAL mode NORMAL still writes every commit to the WAL before COMMIT
 *   returns; it only skips the fsync. A killed process (kill -9, crash) loses
 *   nothing: the pages are in the kernel. Only a power failure or kernel
 *   crash can lose commits, and then only a tail of the WAL: recovery keeps
 *   the frames up to the first one whose chained checksum does not match, so
 *   what survives is always a prefix of the commit history.
 * - The WAL is one file: the fsync of a later synchronous=FULL commit (an
 *   LMTP intake batch, liaisonctl, the notify sender's bookkeeping) or of
 *   store_wal_sync flushes every frame written before it, whoever wrote it.
 * - What a lost parse commit loses: the statement, its events, its outbox
 *   rows and the message's move out of state 'received' (one transaction),
 *   or an attempt count. The message row and raw file were committed FULL
 *   by the intake before its 250, so the message is still 'received' and
 *   the worker parses it again: nothing acknowledged is lost.
 * - The one thing done outside the database on a parse commit's behalf is
 *   mail: the notify sender reads outbox rows and talks SMTP *before* its
 *   own FULL commit records the outcome. So the sender calls store_wal_sync
 *   before each batch it sends: no mail leaves for a commit that a power
 *   failure could still undo (else a re-parse could queue it a second time,
 *   possibly under another statement id).
 *
 * The group commit (store_msg.c) is the other use of NORMAL, and there
 * nothing is relaxed: a batch of several messages commits without the fsync
 * and then fsyncs the log itself (store_wal_sync) before any of them is
 * answered 250. The difference is only who waits: SQLite fsyncs inside the
 * COMMIT, holding the database's one write lock through the disk's flush,
 * so every parse worker's save waited for each intake fsync. In the moment
 * between the COMMIT and the fsync, other connections can read rows that a
 * power failure could still undo; that is safe for the same reasons as
 * above: a parse saved on them is a later part of the same log (a prefix
 * survives, so it goes with them), the notify sender syncs the log before
 * mailing, and the client, without its 250, sends the message again. */
#include "store/store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int
store_sync_level(struct store *s, gboolean full, GError **error)
{
	return store_exec(s, full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;", error);
}

int
store_sync_relaxed(struct store *s, GError **error)
{
	return store_sync_level(s, FALSE, error);
}

void
store_wal_open(struct store *s)
{
	if (s->wal_fd >= 0)
		return;
	g_autofree char *path = g_build_filename(s->state_dir, "liaisond.db-wal", NULL);
	s->wal_fd = open(path, O_RDONLY | O_CLOEXEC);
}

int
store_wal_sync(struct store *s, GError **error)
{
	/* fdatasync flushes the file's dirty pages whichever descriptor wrote
	 * them. The descriptor is opened once, with the connection: Linux
	 * reports a failed writeback to each descriptor that was open when it
	 * happened, so one opened afresh for each sync would miss an error
	 * another connection's fsync (a checkpoint, a FULL commit) met first,
	 * and call pages lost on the way to the disk durable. The log is the
	 * same file for as long as a connection is open (SQLite removes it when
	 * the last one closes); none yet means nothing was written to flush. */
	store_wal_open(s);
	if (s->wal_fd < 0) {
		if (errno == ENOENT)
			return 0;
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "open %s/liaisond.db-wal: %s",
		    s->state_dir, g_strerror(errno));
		return -1;
	}
	if (fdatasync(s->wal_fd) != 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "fdatasync %s/liaisond.db-wal: %s",
		    s->state_dir, g_strerror(errno));
		return -1;
	}
	return 0;
}

/* How long a checkpoint may hold up writers to start the log again: RESTART
 * takes the write lock, copies the few frames committed since the PASSIVE
 * pass, syncs the database and waits for readers of the log to finish. */
#define RESTART_WAIT_MS 10
#define RESTART_STEP_US 200

/* Why the RESTART: the log only starts again from its beginning when a
 * writer begins with every frame of it copied back and no reader still in
 * it. Under steady mail some connection always commits while a PASSIVE
 * checkpoint copies, so that never happened: in a burst of 3,000 50 KB
 * statements the log grew to 488 MB, every commit past the threshold
 * checkpointed again (a sync of the database each), and every fsync of
 * the log also wrote the file's new size to the file system's journal.
 * A log written over from its start is fsynced without that. */
int
store_checkpoint(struct store *s, GError **error)
{
	int frames = 0;
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
	if (rc != SQLITE_OK)
		return store_set_sqlite_error(s, rc, "checkpoint", error);
	if ((gint64)frames * MAX(s->page_size, 512) < WAL_CHECKPOINT_BYTES)
		return 0;
	int ms = s->busy_ms;
	gulong step = s->busy_step_us;
	s->busy_ms = RESTART_WAIT_MS;
	s->busy_step_us = RESTART_STEP_US;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	s->busy_ms = ms;
	s->busy_step_us = step;
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)   /* busy: next time */
		return store_set_sqlite_error(s, rc, "checkpoint", error);
	return 0;
}

/* wal_auto - SQLite calls it after each commit, the write lock released. */
static int
wal_auto(void *data, sqlite3 *db, const char *name, int frames)
{
	struct store *s = data;
	if ((gint64)frames * MAX(s->page_size, 512) >= WAL_CHECKPOINT_BYTES) {
		GError *e = NULL;
		if (store_checkpoint(s, &e) < 0)
			g_error_free(e);   /* the next commit tries again */
	}
	return SQLITE_OK;
}

void
store_wal_auto(struct store *s)
{
	sqlite3_wal_hook(s->db, wal_auto, s);
}

static int
wal_watched(void *data, sqlite3 *db, const char *name, int frames)
{
	struct store *s = data;
	gint64 page = MAX(s->page_size, 512);
	if (frames < s->wal_watched)
		s->wal_watched = 0;   /* the log started again */
	if ((gint64)frames * page >= WAL_WATCH_BYTES && s->wal_watch &&
	    (gint64)(frames - s->wal_watched) * page >= WAL_STEP_BYTES) {
		s->wal_watched = frames;
		s->wal_watch(s->wal_watch_data);
	}
	return SQLITE_OK;
}

void
store_wal_watch(struct store *s, void (*fn)(void *), void *data)
{
	s->wal_watch = fn;
	s->wal_watch_data = data;
	sqlite3_wal_hook(s->db, wal_watched, s);   /* replaces store_wal_auto */
}
