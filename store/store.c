/* store.c - open the database, migrate the schema, transactions, the time as stored. */
#include "store/store_query.h"
#include "store/store_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_MS 5000   /* then SQLITE_BUSY: a temporary failure (451 on intake) */

extern const char *const schema[];
extern const int schema_count;

static int
make_dir(const char *path, GError **error)
{
	if (g_mkdir_with_parents(path, 0750) != 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "mkdir %s: %s", path,
		    g_strerror(errno));
		return -1;
	}
	return 0;
}

int
store_fsync_dir(const char *dir, GError **error)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "fsync %s: %s", dir,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
store_schema_latest(void)
{
	return schema_count;
}

int
store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (store_prepare(s, &st, "PRAGMA user_version", NULL) == 0 &&
	    store_q_one(s, st, store_row_int, &v, "read schema version", NULL) <= 0)
		v = -1;
	return v;
}

/* fk_check - no row refers to a row that is not there (PRAGMA
 * foreign_key_check), inside a migration's transaction. */
static int
fk_check(struct store *s, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "PRAGMA foreign_key_check", error) < 0)
		return -1;
	g_autofree char *table = NULL;
	int found = store_q_one(s, q, store_row_text, &table, "foreign_key_check", error);
	if (found > 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_SCHEMA, "a row of %s refers to a row that"
		    " is not there", table ? table : "?");
		return -1;
	}
	return found;
}

/* migrate - apply each schema file above user_version in its own transaction.
 * A database from a newer program is refused: we cannot know its meaning. */
static int
migrate(struct store *s, GError **error)
{
	int v = store_schema_version(s);
	if (v < 0)
		return store_set_sqlite_error(s, sqlite3_errcode(s->db), "read schema version", error);
	if (v > schema_count) {
		g_set_error(error, STORE_ERROR, STORE_ERR_SCHEMA,
		    "database schema version %d is newer than this program's (%d): "
		    "run the newer liaisond, or restore a backup", v, schema_count);
		return -1;
	}
	for (int i = v; i < schema_count; i++) {
		g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", i + 1);
		if (store_begin(s, error) < 0)
			return -1;
		if (store_exec(s, schema[i], error) < 0 || fk_check(s, error) < 0 ||
		    store_exec(s, bump, error) < 0) {
			g_prefix_error(error, "migration to schema version %d: ", i + 1);
			store_rollback(s);
			return -1;
		}
		if (store_commit(s, error) < 0)
			return -1;
	}
	return 0;
}

/* busy_wait - wait for the write lock in steps of s->busy_step_us, for
 * s->busy_ms in all (BUSY_MS). SQLite's own busy timeout sleeps 1, 2, 5, 10 ... 100 ms:
 * with the LMTP intake and the parse workers each committing transactions
 * of about a millisecond, a writer that lost the race slept several times
 * longer than the lock was held (the parse workers spent a third of their
 * time asleep under load). Steps of 1 ms; the intake polls every 250 us
 * (store_msg_commit), so a 250 waits least. */
static int
busy_wait(void *data, int count)
{
	struct store *s = data;
	gint64 now = g_get_monotonic_time();
	if (count == 0)
		s->busy_since = now;
	if (now - s->busy_since >= (gint64)s->busy_ms * 1000)
		return 0;
	g_usleep(s->busy_step_us);
	return 1;
}

/* private_files - the database holds the mail and private comments: never
 * readable by others, whatever the umask. SQLite makes it 0644 & ~umask and
 * gives its -wal and -shm the database's mode, so the mode is set before
 * they are made (FRESH: just created, 0640), and an older world-readable
 * set loses its bits for others. */
static void
private_files(const char *path, gboolean fresh)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
		g_autofree char *p = g_strconcat(path, suffix[i], NULL);
		struct stat sb;
		if (stat(p, &sb) != 0)
			continue;
		mode_t want = fresh ? 0640 : (sb.st_mode & 07770);
		if ((sb.st_mode & 07777) != want && chmod(p, want) != 0)
			g_debug("chmod %s: %s", p, g_strerror(errno));
	}
}

void
store_sqlite_setup(void)
{
	static gsize done;
	if (g_once_init_enter(&done)) {
		/* No allocation statistics: with them every SQLite malloc and free
		 * takes one process-wide mutex, which threads with connections of
		 * their own (the web's, the daemon's) then queue on. Only possible
		 * before SQLite is initialised; later it is refused, harmlessly. */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		g_once_init_leave(&done, 1);
	}
}

struct store *
store_alloc(const char *state_dir)
{
	struct store *s = g_new0(struct store, 1);
	s->state_dir = g_strdup(state_dir);
	s->tmp_dir = g_build_filename(state_dir, "tmp", NULL);
	s->msg_dir = g_build_filename(state_dir, "msg", NULL);
	s->blob_dir = g_build_filename(state_dir, "blobs", NULL);
	s->blobs_sync_fd = -1;
	s->wal_fd = -1;
	return s;
}

struct store *
store_open(const char *state_dir, GError **error)
{
	store_sqlite_setup();
	struct store *s = store_alloc(state_dir);
	g_autofree char *path = g_build_filename(state_dir, "liaisond.db", NULL);

	if (make_dir(s->tmp_dir, error) < 0 || make_dir(s->msg_dir, error) < 0 ||
	    make_dir(s->blob_dir, error) < 0)
		goto fail;
	gboolean fresh = !g_file_test(path, G_FILE_TEST_EXISTS);
	int rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_set_sqlite_error(s, rc, path, error);
		goto fail;
	}
	private_files(path, fresh);
	/* a new store's blob folders now, not at its first attachment (a
	 * mail's parse would wait for their 256 new inodes) */
	if (fresh && store_blob_dirs(s, error) < 0)
		goto fail;
	s->busy_step_us = 1000;
	s->busy_ms = BUSY_MS;
	sqlite3_busy_handler(s->db, busy_wait, s);
	/* synchronous=FULL: a COMMIT has reached the disk when it returns, which
	 * is what a 250 promises (WAL with NORMAL may lose the last commits).
	 * The group commit of several messages fsyncs the log itself right
	 * after its COMMIT instead (store_msg.c), the parse worker relaxes it
	 * (store_sync.c). */
	/* page_size 4 KB (a new database only; an existing one keeps its own):
	 * every page a transaction touches is written to the log whole, and a
	 * statement's rows touch a dozen tables and indexes. With 16 KB pages
	 * (the choice until 2026-12) a 50 KB statement with one client cost
	 * 0.60 MB of writes, at 4 KB 0.34; alternated A/B, 50 KB statements/s
	 * rose 25-45 % with one client and 10-20 % with 8 and 20
	 * (docs/performance.md, item 20), and 1 MB was unchanged. */
	if (store_exec(s, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = FULL;", error) < 0)
		goto fail;
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "PRAGMA page_size", error) < 0 ||
	    store_q_one(s, q, store_row_int, &s->page_size, "page size", error) < 0)
		goto fail;
	/* Checkpoints by the log's size in bytes, whatever the page size:
	 * SQLite's 1,000 pages (4 MB at 4 KB) made the parse worker copy the
	 * log back into the database (and fsync it) every few statements,
	 * inside a burst; at 32 MB a burst mostly just appends, the idle parse
	 * worker checkpoints (store_checkpoint), and the limit still bounds
	 * the log under any load. Our hook rather than SQLite's autocheckpoint,
	 * which never starts the log again from its beginning (store_sync.c). */
	char limit[64];
	g_snprintf(limit, sizeof limit, "PRAGMA journal_size_limit = %d;", WAL_LIMIT_BYTES);
	if (store_exec(s, limit, error) < 0)
		goto fail;
	store_wal_auto(s);
	/* foreign keys are off while the schema migrates (a migration may
	 * rebuild a table others refer to, which SQLite allows only so) and each
	 * migration is checked before it commits; on for everything after */
	if (migrate(s, error) < 0 || store_exec(s, "PRAGMA foreign_keys = ON;", error) < 0)
		goto fail;
	store_wal_open(s);
	return s;
fail:
	g_prefix_error(error, "store %s: ", state_dir);
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	store_blob_drop_pending(s);
	if (s->blobs_sync_fd >= 0)
		close(s->blobs_sync_fd);
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	g_free(s->wal_error);
	store_cache_free(s);
	if (s->db)
		sqlite3_close_v2(s->db);
	g_free(s->state_dir);
	g_free(s->tmp_dir);
	g_free(s->msg_dir);
	g_free(s->blob_dir);
	g_free(s);
}

const char *
store_state_dir(const struct store *s)
{
	return s->state_dir;
}

gboolean
store_in_transaction(struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

int
store_begin(struct store *s, GError **error)
{
	/* outside the write lock: the attachments the rows may name */
	if (store_blob_flush(s, error) < 0)
		return -1;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_set_sqlite_error(s, rc, "begin", error);
}

int
store_commit(struct store *s, GError **error)
{
	int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	store_set_sqlite_error(s, rc, "commit", error);
	store_rollback(s);
	return -1;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
store_now(void)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}
