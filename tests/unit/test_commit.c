/* test_commit.c - the group commit never checkpoints in its own commits;
 * once they have grown the log past 2 MB its checkpointer thread copies it
 * back into the database on a connection of its own, and has the log start
 * again from its beginning however busy the readers are. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/commit.c"

#define MSG_BYTES (1024 * 1024)
#define MESSAGES 80   /* 80 MB of message bytes in the log */

static gint64
db_size(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "liaisond.db", NULL);
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static gint64
file_size(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* A reader of the database, as the parse workers and the web are: read
 * transactions of 2 ms back to back, started OFFSET us after the other
 * reader's, so that one of them is always inside the log. */
struct reader {
	const char *dir;
	gulong offset;
	gint *stop;
};

static gpointer
reader(gpointer p)
{
	struct reader *r = p;
	g_autofree char *path = g_build_filename(r->dir, "liaisond.db", NULL);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 1000);
	g_usleep(r->offset);
	while (!g_atomic_int_get(r->stop)) {
		sqlite3_exec(db, "BEGIN; SELECT count(*) FROM messages;", NULL, NULL, NULL);
		g_usleep(2000);
		sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return NULL;
}

static void
count(void *data)
{
	(*(int *)data)++;
}

/* fill - MESSAGES messages of a MB each through the group commit on a fresh
 * state folder, with its checkpointer, or without one but watched (*CALLS
 * counts the calls for a checkpoint); the database file's size once the
 * checkpointer had its chance (2 s at most). With READERS, two threads
 * read all along, and *WAL_MAX is the log's largest size seen. */
static gint64
fill(gboolean checkpointer, int *calls, gboolean readers, gint64 *wal_max)
{
	GError *e = NULL;
	g_autofree char *dir = g_dir_make_tmp("test_commit-XXXXXX", NULL);
	gint stop = 0;
	struct reader rd[2] = { { dir, 0, &stop }, { dir, 1000, &stop } };
	GThread *rt[2] = { NULL, NULL };
	struct store *st = store_open(dir, &e);
	struct store *ck = checkpointer ? store_open(dir, &e) : NULL;
	struct store *sp_store = store_open(dir, &e);
	assert_non_null(st);
	assert_non_null(sp_store);
	store_set_inline_max(sp_store, 2 * MSG_BYTES);   /* the bytes go into the log */
	if (!checkpointer)
		store_wal_watch(st, count, calls);
	struct commit *c = commit_start(st, ck, 8, NULL, NULL, &e);
	assert_non_null(c);
	char *body = g_malloc(MSG_BYTES);
	memset(body, 'x', MSG_BYTES);
	for (int i = 0; readers && i < 2; i++)
		rt[i] = g_thread_new("reader", reader, &rd[i]);
	const char *rcpts[] = { "statements@ietf.org", NULL };
	for (int i = 0; i < MESSAGES; i++) {
		struct store_spool *sp = store_spool_new(sp_store, &e);
		assert_non_null(sp);
		g_autofree char *head = g_strdup_printf("Message-ID: <m%d@test>\r\n"
		    "From: a@example.org\r\n\r\n", i);
		assert_int_equal(store_spool_write(sp, head, strlen(head), &e), 0);
		assert_int_equal(store_spool_write(sp, body, MSG_BYTES, &e), 0);
		struct store_envelope env = { "a@example.org", rcpts, "unit", "s" };
		struct store_msg_result r;
		commit_submit(c, sp, &env, &r);
		assert_null(r.error);
		assert_true(r.id > 0);
		store_spool_free(sp);
		if (wal_max)
			*wal_max = MAX(*wal_max, file_size(dir, "liaisond.db-wal"));
	}
	g_atomic_int_set(&stop, 1);
	for (int i = 0; i < 2; i++)
		if (rt[i])
			g_thread_join(rt[i]);
	gint64 size = db_size(dir);
	for (int i = 0; checkpointer && i < 200 && size < MESSAGES / 2 * (gint64)MSG_BYTES; i++) {
		g_usleep(10000);
		size = db_size(dir);
	}
	commit_stop(c);
	commit_free(c);
	g_free(body);
	store_close(st);
	store_close(ck);
	store_close(sp_store);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return size;
}

static void
watched_connection_never_checkpoints(void **state)
{
	int calls = 0;
	/* the log holds everything: the database file is the schema alone,
	 * and every commit past 2 MB asked for a checkpoint */
	assert_true(fill(FALSE, &calls, FALSE, NULL) < 4 * MSG_BYTES);
	assert_true(calls >= MESSAGES - 4 && calls <= MESSAGES);
}

static void
checkpointer_copies_the_log_back(void **state)
{
	assert_true(fill(TRUE, NULL, FALSE, NULL) >= MESSAGES / 2 * (gint64)MSG_BYTES);
}

/* With a reader always inside the log, copying it back never finished
 * before the next commit, so the log never started again: it held every
 * message (80 MB here, 488 MB after 3,000 statements of 50 KB). The
 * checkpointer now restarts it once past 32 MB. */
static void
the_log_starts_again_under_readers(void **state)
{
	gint64 wal_max = 0;
	assert_true(fill(TRUE, NULL, TRUE, &wal_max) >= MESSAGES / 2 * (gint64)MSG_BYTES);
	assert_true(wal_max > 8 * MSG_BYTES);
	assert_true(wal_max < 56 * MSG_BYTES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watched_connection_never_checkpoints),
		cmocka_unit_test(checkpointer_copies_the_log_back),
		cmocka_unit_test(the_log_starts_again_under_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
