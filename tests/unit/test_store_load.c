/* test_store_load.c - a statement read back is whole or an error: an I/O
 * error at any read of a load (injected by a VFS shim that fails one xRead)
 * must never give a statement with some of its rows missing. The same for
 * the duplicate links and the web's state counts (every query of store/ goes
 * through store_query.c's helpers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <sqlite3.h>
#include "store/store_private.h"
#include "store/store_stmt.h"
#include "store/store_doc.h"
#include "store/store_outbox.h"
#include "store/store_dup.h"
#include "store/store_web.h"
#include "conf/addr.h"

/* The shim: every file SQLite opens goes through the default VFS, but the
 * read after READS_LEFT more reads fails with SQLITE_IOERR_READ (once). */
static int reads_left = -1;   /* -1: never fail */
static int faults;            /* how many reads were failed */
static sqlite3_vfs *real_vfs;

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;   /* follows this struct, real_vfs->szOsFile bytes */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int
shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (reads_left == 0) {
		reads_left = -1;
		faults++;
		return SQLITE_IOERR_READ;
	}
	if (reads_left > 0)
		reads_left--;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int shim_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int shim_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int shim_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int shim_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int shim_reserved(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int shim_control(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int shim_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int shim_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **p) { return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, p); }
static int shim_shm_lock(sqlite3_file *f, int off, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags); }
static void shim_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int shim_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }

/* No xFetch/xUnfetch (version 2 methods): SQLite then reads every page with
 * xRead, never through a memory map that the shim could not fail. */
static const sqlite3_io_methods shim_methods = {
	2, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock,
	shim_unlock, shim_reserved, shim_control, shim_sector, shim_device, shim_shm_map,
	shim_shm_lock, shim_shm_barrier, shim_shm_unmap, NULL, NULL,
};

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct shim_file *sf = (struct shim_file *)f;
	sf->real = (sqlite3_file *)(sf + 1);
	int rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
	sf->base.pMethods = rc == SQLITE_OK ? &shim_methods : NULL;
	return rc;
}

static sqlite3_vfs shim_vfs;

static void
shim_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "test-faulty";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	assert_int_equal(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

static char *dir;

static struct document *
doc(const char *name, const char *role, const char *text)
{
	struct document *d = g_new0(struct document, 1);
	d->filename = g_strdup(name);
	d->role = g_strdup(role);
	d->text = g_strdup(text);
	return d;
}

static struct attachment *
att(int position, const char *name)
{
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = position;
	a->filename = g_strdup(name);
	a->content_type = g_strdup("application/pdf");
	a->size = 100 * position;
	a->sha256 = g_strdup_printf("%064d", position);
	return a;
}

/* setup - statement 7 with rows in every child table, and message 6 it relates to. */
static int
setup(void **state)
{
	GError *e = NULL;
	shim_install();
	dir = g_dir_make_tmp("test_store_load-XXXXXX", NULL);
	struct store *s = store_open(dir, &e);
	assert_non_null(s);
	assert_int_equal(store_begin(s, &e), 0);
	for (int id = 6; id <= 7; id++) {
		g_autofree char *sql = g_strdup_printf("INSERT INTO messages(id, received_at,"
		    " envelope_from, size, sha256, dedupe_key, path, client, session_id, state)"
		    " VALUES (%d, '2026-11-20T10:00:00Z', 'ls@etsi.org', 1, 'x', 'k%d', 'msg/%d',"
		    " 'unix', 's', 'received')", id, id, id);
		assert_int_equal(store_exec(s, sql, &e), 0);
	}
	struct statement *st = statement_new();
	st->id = 7;
	st->state = STMT_POSTED;
	st->title = g_strdup("LS on MPQUIC");
	st->purpose = g_strdup("for_action");
	st->deadline = g_strdup("2026-12-31");
	st->body = g_strdup("Please find attached");
	g_ptr_array_add(st->from_groups, group_ref_new("3GPP SA3", "3gpp-sa3"));
	g_ptr_array_add(st->from_groups, group_ref_new("3GPP CT4", "3gpp-ct4"));
	g_ptr_array_add(st->to_groups, group_ref_new("IETF QUIC", "quic"));
	g_ptr_array_add(st->from_contacts, addr_new("Ann", "ann@example.org"));
	g_ptr_array_add(st->to_contacts, addr_new("Bob", "bob@example.org"));
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "carol@example.org"));
	g_ptr_array_add(st->other_identifiers, g_strdup("S3-243456"));
	g_ptr_array_add(st->other_identifiers, g_strdup("C4-240001"));
	gint64 rel = 6;
	g_array_append_val(st->related, rel);
	g_ptr_array_add(st->attachments, att(1, "S3-243456.pdf"));
	g_ptr_array_add(st->attachments, att(2, "annex.pdf"));
	statement_problem_add(st, "deadline_soon", SEV_WARNING, "deadline", "soon");
	statement_problem_add(st, "no_contact", SEV_WARNING, "contacts", "none");
	g_ptr_array_add(st->documents, doc("S3-243456.pdf", "statement", "Title: LS on MPQUIC"));
	g_ptr_array_add(st->documents, doc("annex.pdf", "attachment", "annex"));
	assert_int_equal(store_stmt_save(s, st, &e), 0);
	assert_int_equal(store_doc_save(s, st, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	statement_free(st);
	store_close(s);
	return 0;
}

static int
teardown(void **state)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	g_free(dir);
	sqlite3_vfs_unregister(&shim_vfs);
	return 0;
}

/* as_json - everything `liaisonctl show --json` prints of ST, plus what
 * notification mail uses that it does not print. */
static char *
as_json(const struct statement *st)
{
	JsonObject *o = json_object_new();
	statement_json_add(o, st);
	json_object_set_string_member(o, "message_id", st->message_id ? st->message_id : "");
	json_object_set_string_member(o, "submitter", st->submitter ? st->submitter : "");
	json_object_set_int_member(o, "version", st->version);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	char *text = json_to_string(n, FALSE);
	json_node_unref(n);
	return text;
}

/* reader - what one read gives, as text to compare; NULL and ERROR when it failed. */
typedef char *(*reader)(struct store *, GError **);

/* every_read_fails - READ once whole, then once with each read of the
 * database in turn failing, on a fresh connection each time (so that
 * nothing comes from the page cache): each gives the whole answer or a
 * temporary error. Returns how many failed. */
static int
every_read_fails(reader read)
{
	GError *e = NULL;
	struct store *s = store_open(dir, &e);
	assert_non_null(s);
	g_autofree char *want = read(s, &e);
	assert_non_null(want);
	store_close(s);

	int failed = 0;
	for (int k = 0; k < 1000; k++) {
		s = store_open(dir, &e);
		assert_non_null(s);
		faults = 0;
		reads_left = k;
		char *got = read(s, &e);
		gboolean fired = faults > 0;
		reads_left = -1;
		if (got) {
			if (strcmp(got, want) != 0)
				fail_msg("read %d failed, the load succeeded with a partial answer:\n"
				    "got  %s\nwant %s", k + 1, got, want);
			g_free(got);
		} else {
			assert_true(fired);
			assert_non_null(e);
			assert_int_equal(e->domain, STORE_ERROR);
			assert_int_equal(e->code, STORE_ERR_TEMP);
			g_clear_error(&e);
			failed++;
		}
		store_close(s);
		if (!fired)   /* the load made fewer than k + 1 reads: every one was tried */
			return failed;
	}
	fail_msg("a load made more than 1000 reads");
	return failed;
}

/* statement 7 by the loader, as JSON; a whole one has all its rows */
static char *
read_stmt(struct store *s, GError **error)
{
	struct statement *st = store_stmt_load(s, 7, error);
	if (!st)
		return NULL;
	assert_int_equal(st->to_contacts->len, 2);
	assert_int_equal(st->problems->len, 2);
	char *text = as_json(st);
	statement_free(st);
	return text;
}

/* the same by the sender's loader */
static char *
read_outbox_stmt(struct store *s, GError **error)
{
	struct statement *st = store_outbox_statement(s, 7, error);
	if (!st)
		return NULL;
	char *text = as_json(st);
	statement_free(st);
	return text;
}

/* the repeats of 6, what 9 repeats, and the count of each state */
static char *
read_dups(struct store *s, GError **error)
{
	GArray *ids = store_dup_list(s, 6, error);
	if (!ids)
		return NULL;
	GString *o = g_string_new("repeats of 6:");
	for (guint i = 0; i < ids->len; i++)
		g_string_append_printf(o, " %" G_GINT64_FORMAT, g_array_index(ids, gint64, i));
	g_array_unref(ids);
	gint64 original = -1;
	g_autofree char *how = NULL;
	gint64 counts[STMT_N_STATES];
	if (store_dup_of(s, 9, &original, &how, error) < 0 ||
	    store_web_state_counts(s, counts, STMT_N_STATES, error) < 0) {
		g_string_free(o, TRUE);
		return NULL;
	}
	g_string_append_printf(o, "; 9 repeats %" G_GINT64_FORMAT " by %s;", original, how);
	for (int i = 0; i < STMT_N_STATES; i++)
		g_string_append_printf(o, " %s=%" G_GINT64_FORMAT, stmt_state_name(i), counts[i]);
	return g_string_free(o, FALSE);
}

static void
test_load_io_error(void **state)
{
	/* The load reads the statement row and seven child tables: at least
	 * one read each, so at least eight points where it must fail whole. */
	assert_true(every_read_fails(read_stmt) >= 8);
}

static void
test_outbox_load_io_error(void **state)
{
	assert_true(every_read_fails(read_outbox_stmt) >= 6);
}

static void
test_dup_io_error(void **state)
{
	/* messages 8, 9, 10 repeat 6 (11 repeats 7): three lists to read whole */
	GError *e = NULL;
	struct store *s = store_open(dir, &e);
	assert_non_null(s);
	for (int id = 8; id <= 11; id++) {
		g_autofree char *sql = g_strdup_printf("INSERT INTO messages(id, received_at,"
		    " envelope_from, size, sha256, dedupe_key, path, client, session_id, state)"
		    " VALUES (%d, '2026-11-21T10:00:00Z', 'ls@etsi.org', 1, 'x', 'k%d', 'msg/%d',"
		    " 'unix', 's', 'duplicate')", id, id, id);
		assert_int_equal(store_exec(s, sql, &e), 0);
		assert_int_equal(store_dup_link(s, id, id == 11 ? 7 : 6, "content", &e), 0);
	}
	g_autofree char *whole = read_dups(s, &e);
	assert_string_equal(whole, "repeats of 6: 8 9 10; 9 repeats 6 by content; received=1"
	    " posted=1 rejected=0 ignored=0 dead=0 pending=0 duplicate=4");
	store_close(s);
	/* three queries, each at least one read */
	assert_true(every_read_fails(read_dups) >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_io_error),
		cmocka_unit_test(test_outbox_load_io_error),
		cmocka_unit_test(test_dup_io_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
