/* test_store_blob.c - attachments kept during a parse wait in tmp/ and become
 * durable blobs, all at once, when the next transaction begins; a failure
 * then fails the transaction and leaves nothing half made. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/digest.h"
#include "store/store_blob.h"
#include "store/store_msg.h"
#include "store/store_private.h"

static char *dir;
static struct store *s;

/* The store's syncs of the file system, counted: this definition stands in
 * for the C library's in this program. */
static int syncs;

int
syncfs(int fd)
{
	syncs++;
	return (int)syscall(SYS_syncfs, fd);
}

static int
setup(void **state)
{
	GError *e = NULL;
	dir = g_dir_make_tmp("test_store_blob-XXXXXX", NULL);
	s = store_open(dir, &e);
	return s ? 0 : -1;
}

static int
teardown(void **state)
{
	store_close(s);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	g_free(dir);
	return 0;
}

/* files_in - how many files tmp/ holds */
static int
files_in_tmp(void)
{
	g_autofree char *tmp = g_build_filename(dir, "tmp", NULL);
	GDir *d = g_dir_open(tmp, 0, NULL);
	int n = 0;
	while (d && g_dir_read_name(d))
		n++;
	if (d)
		g_dir_close(d);
	return n;
}

/* keep - TEXT written as a blob and kept: its digest; *PATH_NOW set. */
static char *
keep(const char *text, char **path_now)
{
	GError *e = NULL;
	struct store_blob *b = store_blob_new(s, &e);
	assert_non_null(b);
	size_t n = strlen(text);
	assert_int_equal(write(store_blob_fd(b), text, n), (ssize_t)n);
	char *sha = digest_sha256(text, n);
	assert_int_equal(store_blob_keep(b, sha, path_now, &e), 0);
	store_blob_free(b);
	return sha;
}

static void
assert_file_holds(const char *path, const char *text)
{
	g_autofree char *got = NULL;
	assert_true(g_file_get_contents(path, &got, NULL, NULL));
	assert_string_equal(got, text);
}

static void
kept_blobs_move_in_at_begin(void **state)
{
	GError *e = NULL;
	g_autofree char *now1 = NULL, *now2 = NULL, *now3 = NULL;
	g_autofree char *sha1 = keep("first attachment", &now1);
	g_autofree char *sha2 = keep("second attachment", &now2);
	g_autofree char *sha3 = keep("first attachment", &now3);   /* same bytes again */
	g_autofree char *final1 = store_blob_path(s, sha1);
	g_autofree char *final2 = store_blob_path(s, sha2);
	/* readable during the parse, where they are; not yet in blobs/ */
	assert_file_holds(now1, "first attachment");
	assert_file_holds(now2, "second attachment");
	assert_false(g_file_test(final1, G_FILE_TEST_EXISTS));
	assert_false(g_file_test(final2, G_FILE_TEST_EXISTS));
	/* named by the writer's pid, so a crash's leftovers are cleaned */
	g_autofree char *base = g_path_get_basename(now1);
	g_autofree char *prefix = g_strdup_printf("%d-blob-", (int)getpid());
	assert_true(g_str_has_prefix(base, prefix));
	assert_int_equal(files_in_tmp(), 3);

	syncs = 0;
	assert_int_equal(store_begin(s, &e), 0);
	store_rollback(s);
	assert_int_equal(syncs, 2);   /* the files, then their names */
	assert_file_holds(final1, "first attachment");
	assert_file_holds(final2, "second attachment");
	assert_int_equal(files_in_tmp(), 0);

	/* an existing digest: readable in blobs/ at once, nothing waits */
	g_autofree char *now4 = NULL;
	g_autofree char *sha4 = keep("second attachment", &now4);
	assert_string_equal(now4, final2);
	assert_int_equal(files_in_tmp(), 0);
	assert_null(s->blobs_pending);
	/* its name may be another process's, renamed and not yet synced: one
	 * sync before a row can name it, then none */
	syncs = 0;
	assert_int_equal(store_begin(s, &e), 0);
	store_rollback(s);
	assert_int_equal(syncs, 1);
	assert_int_equal(store_begin(s, &e), 0);
	store_rollback(s);
	assert_int_equal(syncs, 1);
}

static void
close_drops_what_no_row_can_name(void **state)
{
	g_autofree char *now = NULL;
	g_autofree char *sha = keep("never saved", &now);
	g_autofree char *final = store_blob_path(s, sha);
	store_close(s);
	GError *e = NULL;
	s = store_open(dir, &e);
	assert_non_null(s);
	assert_false(g_file_test(now, G_FILE_TEST_EXISTS));
	assert_false(g_file_test(final, G_FILE_TEST_EXISTS));
}

static void
failed_flush_fails_the_transaction(void **state)
{
	g_autofree char *now = NULL;
	g_autofree char *sha = keep("lost folder", &now);
	g_autofree char *final = store_blob_path(s, sha);
	g_autofree char *bucket = g_path_get_dirname(final);
	assert_int_equal(rmdir(bucket), 0);   /* the rename will fail */
	GError *e = NULL;
	assert_int_equal(store_begin(s, &e), -1);
	assert_non_null(e);
	assert_int_equal(e->code, STORE_ERR_TEMP);
	assert_non_null(strstr(e->message, "rename"));
	g_clear_error(&e);
	assert_true(store_in_transaction(s) == FALSE);
	assert_int_equal(files_in_tmp(), 0);
	assert_null(s->blobs_pending);
	/* nothing pending: the next transaction begins */
	assert_int_equal(store_begin(s, &e), 0);
	store_rollback(s);
}

static void
dead_writers_leftovers_are_cleaned(void **state)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	assert_true(pid > 0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	g_autofree char *name = g_strdup_printf("%d-blob-AbCdEf", (int)pid);
	g_autofree char *path = g_build_filename(dir, "tmp", name, NULL);
	assert_true(g_file_set_contents(path, "half written", -1, NULL));
	g_autofree char *now = NULL;
	g_autofree char *sha = keep("this process's own", &now);
	assert_int_equal(store_spool_clean(s), 1);
	assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	assert_true(g_file_test(now, G_FILE_TEST_EXISTS));   /* ours stays */
}

/* A new store has its 256 blob folders from the start: no parse waits for
 * them to be made. */
static void
new_store_has_its_folders(void **state)
{
	assert_true(s->blob_dirs_ready);
	for (int i = 0; i < 256; i += 85) {
		char sub[3];
		g_snprintf(sub, sizeof sub, "%02x", i);
		g_autofree char *p = g_build_filename(dir, "blobs", sub, NULL);
		assert_true(g_file_test(p, G_FILE_TEST_IS_DIR));
	}
	/* reopened, an existing store is not made again */
	store_close(s);
	GError *e = NULL;
	s = store_open(dir, &e);
	assert_non_null(s);
	assert_false(s->blob_dirs_ready);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_store_has_its_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(kept_blobs_move_in_at_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(close_drops_what_no_row_can_name, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_flush_fails_the_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(dead_writers_leftovers_are_cleaned, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
