/* test_store_msg.c - spooling and committing raw messages: Message-ID scan,
 * dedupe keys, batches, and failures that leave nothing half-stored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <unistd.h>

#include "store/store_msg.h"
#include "store/store_msg_info.h"

static char *dir;
static struct store *st;

/* While set, an fdatasync of the write-ahead log fails as on a failing disk
 * (this definition stands in for the C library's in this program). */
static gboolean wal_sync_fails;

int
fdatasync(int fd)
{
	char link[64], target[4096];
	g_snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (wal_sync_fails && n > 0) {
		target[n] = 0;
		if (g_str_has_suffix(target, "-wal")) {
			errno = EIO;
			return -1;
		}
	}
	return (int)syscall(SYS_fdatasync, fd);
}

static int
setup(void **state)
{
	dir = g_dir_make_tmp("store-msg-XXXXXX", NULL);
	st = store_open(dir, NULL);
	return st ? 0 : -1;
}

static int
teardown(void **state)
{
	store_close(st);
	g_autofree char *cmd = g_strdup_printf("chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	int rc = system(cmd);
	g_free(dir);
	return rc;
}

/* spool - MSG written in pieces of STEP bytes. */
static struct store_spool *
spool(const char *msg, size_t step)
{
	struct store_spool *sp = store_spool_new(st, NULL);
	assert_non_null(sp);
	size_t len = strlen(msg);
	for (size_t i = 0; i < len; i += step)
		assert_int_equal(store_spool_write(sp, msg + i, MIN(step, len - i), NULL), 0);
	return sp;
}

/* commit - commit MSG alone; returns the result (error freed, flagged by id 0). */
static struct store_msg_result
commit_from(const char *msg, size_t step, const char *envelope_from)
{
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope env = { envelope_from, rcpts, "unit", "s1" };
	struct store_spool *sp = spool(msg, step);
	struct store_msg_result r;
	store_msg_commit(st, &sp, &env, &r, 1);
	store_spool_free(sp);
	if (r.error) {
		g_error_free(r.error);
		r.error = NULL;
		r.id = 0;
	}
	return r;
}

static struct store_msg_result
commit(const char *msg, size_t step)
{
	return commit_from(msg, step, "a@example.org");
}

struct mid_case {
	const char *msg;
	const char *message_id;     /* NULL: none found */
};

static const struct mid_case mid_cases[] = {
	{ "Message-ID: <a@b>\r\n\r\nbody\r\n", "a@b" },
	{ "message-id:<lower@case>\r\n\r\n", "lower@case" },
	{ "MESSAGE-ID :  <spaced@x>  \r\n\r\n", "spaced@x" },
	{ "Subject: x\r\nMessage-ID:\r\n <folded@x>\r\n\r\n", "folded@x" },
	{ "Message-ID: bare@token\r\n\r\n", "bare@token" },
	{ "Message-ID: <first@x>\r\nMessage-ID: <second@x>\r\n\r\n", "first@x" },
	{ "Message-ID: <lf@only>\n\nbody\n", "lf@only" },
	{ "Subject: x\r\n\r\nMessage-ID: <in@body>\r\n", NULL },
	{ "Message-IDs: <no@x>\r\n\r\n", NULL },
	{ "Message-ID: <>\r\n\r\n", NULL },
	{ "Message-ID: <with space@x>\r\n\r\n", NULL },
	{ "Subject: no id at all\r\n\r\n", NULL },
	{ "X-Message-ID: <x@x>\r\n\r\n", NULL },
};

static void
test_message_id(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(mid_cases); i++) {
		for (size_t step = 1; step <= 64; step *= 4) {
			/* a unique body so that nothing is a duplicate */
			g_autofree char *msg = g_strdup_printf("%sunique %zu %zu\r\n", mid_cases[i].msg, i, step);
			struct store_msg_result r = commit(msg, step);
			assert_true(r.id > 0);
			if (r.duplicate)
				continue;   /* same Message-ID and body as an earlier step: fine */
			struct store_msg_info *m = store_msg_info_get(st, r.id, NULL);
			assert_non_null(m);
			if (g_strcmp0(m->message_id, mid_cases[i].message_id) != 0)
				fail_msg("case %zu step %zu: message_id '%s', expected '%s'", i, step,
				    m->message_id ? m->message_id : "(null)",
				    mid_cases[i].message_id ? mid_cases[i].message_id : "(null)");
			assert_int_equal(m->size, (gint64)strlen(msg));
			store_msg_info_free(m);
		}
	}
}

static void
test_dedupe(void **state)
{
	const char *m = "Message-ID: <d1@x>\r\nSubject: s\r\n\r\nthe body\r\n";
	struct store_msg_result a = commit(m, 7);
	assert_true(a.id > 0 && !a.duplicate);
	/* trace headers added on redelivery */
	struct store_msg_result b = commit("Received: by relay\r\nDelivered-To: x\r\n"
	    "Message-ID: <d1@x>\r\nSubject: s\r\n\r\nthe body\r\n", 3);
	assert_true(b.duplicate);
	assert_int_equal(b.id, a.id);
	/* same Message-ID, another body */
	struct store_msg_result c = commit("Message-ID: <d1@x>\r\n\r\nanother body\r\n", 5);
	assert_false(c.duplicate);
	assert_true(c.id != a.id);
	/* without Message-ID only identical bytes match */
	struct store_msg_result d = commit("Subject: n\r\n\r\nx\r\n", 1);
	struct store_msg_result e = commit("Subject: n\r\n\r\nx\r\n", 100);
	struct store_msg_result f = commit("Subject: m\r\n\r\nx\r\n", 100);
	assert_true(e.duplicate && e.id == d.id);
	assert_true(!f.duplicate && f.id != d.id);
}

/* Issue 14: a forged copy (same Message-ID and body, another From or
 * envelope sender) is recorded, not taken for the real one; store_msg_twins
 * names each to the other. A redelivery of either is still one. */
static void
test_forged_copy(void **state)
{
	const char *forged = "From: Mallory <m@evil.example>\r\nMessage-ID: <f1@x>\r\n\r\nthe LS\r\n";
	const char *real = "From: Real SDO <ls@sdo.example>\r\nMessage-ID: <f1@x>\r\n\r\nthe LS\r\n";
	struct store_msg_result a = commit_from(forged, 7, "m@evil.example");
	struct store_msg_result b = commit_from(real, 5, "ls@sdo.example");
	assert_true(a.id > 0 && b.id > 0 && !b.duplicate && a.id != b.id);
	/* the same From with another envelope sender is another sender too */
	struct store_msg_result c = commit_from(real, 3, "m@evil.example");
	assert_true(c.id > 0 && !c.duplicate && c.id != b.id);
	/* a redelivery of the real one (a trace header more, From folded otherwise) */
	struct store_msg_result d = commit_from("Received: by relay\r\nFrom: Real SDO\r\n <ls@sdo.example>\r\n"
	    "Message-ID: <f1@x>\r\n\r\nthe LS\r\n", 11, "ls@sdo.example");
	assert_true(d.duplicate && d.id == b.id);
	/* `liaisonctl submit` of a saved copy: no envelope, the From decides */
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope imp = { "", rcpts, "liaisonctl", "s2" };
	struct store_spool *sp = spool(real, 64);
	struct store_msg_result r;
	store_msg_commit(st, &sp, &imp, &r, 1);
	store_spool_free(sp);
	assert_null(r.error);
	assert_true(r.duplicate && r.id == b.id);
	g_autoptr(GArray) twins = g_array_new(FALSE, FALSE, sizeof(gint64));
	assert_int_equal(store_msg_twins(st, b.id, twins, NULL), 2);
	assert_int_equal(g_array_index(twins, gint64, 0), a.id);
	assert_int_equal(g_array_index(twins, gint64, 1), c.id);
	/* another body is no twin */
	struct store_msg_result e = commit_from("From: x <x@y.example>\r\nMessage-ID: <f1@x>\r\n\r\nother\r\n",
	    4, "x@y.example");
	g_array_set_size(twins, 0);
	assert_int_equal(store_msg_twins(st, e.id, twins, NULL), 0);
}

/* stored - message ID's bytes as store_msg_open gives them. */
static char *
stored(gint64 id)
{
	int fd = store_msg_open(st, id, NULL);
	assert_true(fd >= 0);
	GString *out = g_string_new(NULL);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_string_append_len(out, buf, n);
	close(fd);
	return g_string_free(out, FALSE);
}

/* Twice in the same batch: the second is a duplicate of the first; its file
 * is removed, the first's kept. */
static void
test_batch(void **state)
{
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope env[3] = {
		{ "a@x", rcpts, "unit", "s" }, { "b@x", rcpts, "unit", "s" }, { "a@x", rcpts, "unit", "s" },
	};
	struct store_spool *sp[3] = {
		spool("Message-ID: <b1@x>\r\n\r\none\r\n", 4),
		spool("Message-ID: <b2@x>\r\n\r\ntwo\r\n", 4),
		spool("Received: x\r\nMessage-ID: <b1@x>\r\n\r\none\r\n", 4),
	};
	struct store_msg_result r[3];
	assert_int_equal(store_msg_commit(st, sp, env, r, 3), 0);
	assert_false(r[0].duplicate);
	assert_false(r[1].duplicate);
	assert_true(r[2].duplicate);
	assert_int_equal(r[2].id, r[0].id);
	for (int i = 0; i < 3; i++)
		store_spool_free(sp[i]);
	g_autofree char *one = stored(r[0].id), *two = stored(r[1].id);
	assert_string_equal(one, "Message-ID: <b1@x>\r\n\r\none\r\n");
	assert_string_equal(two, "Message-ID: <b2@x>\r\n\r\ntwo\r\n");
	struct store_msg_info *m = store_msg_info_get(st, r[1].id, NULL);
	assert_string_equal(m->envelope_from, "b@x");
	assert_string_equal(m->recipients[0], "statements@ietf.org");
	store_msg_info_free(m);
}

static int
count_files(const char *sub)
{
	g_autofree char *p = g_build_filename(dir, sub, NULL);
	GDir *d = g_dir_open(p, 0, NULL);
	int n = 0;
	while (d && g_dir_read_name(d))
		n++;
	if (d)
		g_dir_close(d);
	return n;
}

/* A failure (here: msg/ gone, a fault even root meets) fails every message
 * of the batch as temporary, records nothing, and leaves no file behind. */
static void
test_failure_leaves_nothing(void **state)
{
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope env[2] = { { "a@x", rcpts, "unit", "s" }, { "b@x", rcpts, "unit", "s" } };
	int before = count_files("msg");
	GPtrArray *rows = store_msg_info_list(st, NULL, NULL);
	guint nrows = rows->len;
	g_ptr_array_unref(rows);
	struct store_spool *sp[2] = { spool("Subject: f1\r\n\r\n1\r\n", 2), spool("Subject: f2\r\n\r\n2\r\n", 2) };
	g_autofree char *msgdir = g_build_filename(dir, "msg", NULL);
	g_autofree char *away = g_build_filename(dir, "msg.away", NULL);
	assert_int_equal(rename(msgdir, away), 0);
	struct store_msg_result r[2];
	assert_int_equal(store_msg_commit(st, sp, env, r, 2), 2);
	assert_int_equal(rename(away, msgdir), 0);
	for (int i = 0; i < 2; i++) {
		assert_true(g_error_matches(r[i].error, STORE_ERROR, STORE_ERR_TEMP));
		g_error_free(r[i].error);
		store_spool_free(sp[i]);
	}
	rows = store_msg_info_list(st, NULL, NULL);
	assert_int_equal(rows->len, nrows);
	g_ptr_array_unref(rows);
	assert_int_equal(count_files("msg"), before);
	assert_int_equal(count_files("tmp"), 0);
}

/* A batch of several messages fsyncs the log after its COMMIT. When that
 * fsync fails, the rows are there but no message is answered as stored, and
 * nothing is again in this process, not even a lone message or the batch's
 * retry (Linux may have dropped the failed pages, and a later fsync would
 * succeed without them); after a restart the retry is a redelivery. */
static void
test_group_sync_failure(void **state)
{
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope env[2] = { { "a@x", rcpts, "unit", "s" }, { "b@x", rcpts, "unit", "s" } };
	const char *msgs[2] = { "Message-ID: <g1@x>\r\n\r\none\r\n", "Message-ID: <g2@x>\r\n\r\ntwo\r\n" };
	struct store_spool *sp[2] = { spool(msgs[0], 5), spool(msgs[1], 5) };
	struct store_msg_result r[2];
	wal_sync_fails = TRUE;
	assert_int_equal(store_msg_commit(st, sp, env, r, 2), 2);
	wal_sync_fails = FALSE;
	gint64 ids[2];
	for (int i = 0; i < 2; i++) {
		assert_true(g_error_matches(r[i].error, STORE_ERROR, STORE_ERR_TEMP));
		assert_non_null(strstr(r[i].error->message, "recorded, but fdatasync"));
		ids[i] = r[i].id;
		assert_true(ids[i] > 0);
		g_error_free(r[i].error);
		store_spool_free(sp[i]);
	}
	struct store_msg_result one = commit_from("Message-ID: <g3@x>\r\n\r\nthree\r\n", 7, "c@x");
	assert_int_equal(one.id, 0);   /* refused, not recorded */
	struct store_spool *again[2] = { spool(msgs[0], 3), spool(msgs[1], 3) };
	assert_int_equal(store_msg_commit(st, again, env, r, 2), 2);
	for (int i = 0; i < 2; i++) {
		assert_non_null(strstr(r[i].error->message, "could not be synced"));
		g_error_free(r[i].error);
		store_spool_free(again[i]);
	}

	store_close(st);                /* the operator restarts liaisond */
	st = store_open(dir, NULL);
	assert_non_null(st);
	struct store_spool *retry[2] = { spool(msgs[0], 3), spool(msgs[1], 3) };
	assert_int_equal(store_msg_commit(st, retry, env, r, 2), 0);
	for (int i = 0; i < 2; i++) {
		assert_null(r[i].error);
		assert_true(r[i].duplicate);
		assert_int_equal(r[i].id, ids[i]);
		store_spool_free(retry[i]);
	}
	one = commit_from("Message-ID: <g3@x>\r\n\r\nthree\r\n", 7, "c@x");
	assert_true(one.id > 0);
	assert_false(one.duplicate);
}

/* store_spool_sync publishes the file; the commit then records it; a spool
 * freed without a commit is removed from wherever it is. */
static void
test_sync_and_free(void **state)
{
	int before = count_files("msg");
	struct store_spool *sp = spool("Subject: synced\r\n\r\nx\r\n", 5);
	assert_int_equal(store_spool_sync(sp, NULL), 0);
	assert_int_equal(count_files("msg"), before + 1);
	assert_int_equal(count_files("tmp"), 0);
	store_spool_free(sp);
	assert_int_equal(count_files("msg"), before);
	struct store_msg_result r = commit("Subject: after\r\n\r\ny\r\n", 3);
	assert_true(r.id > 0);
	assert_int_equal(count_files("msg"), before + 1);
	/* a spool left by a process that is gone is cleaned at start */
	g_autofree char *stale = g_build_filename(dir, "tmp", "999999999-AAAAAA", NULL);
	assert_true(g_file_set_contents(stale, "x", 1, NULL));
	/* and a file published into msg/ whose commit never happened */
	g_autofree char *orphan = g_build_filename(dir, "msg", "999999999-BBBBBB", NULL);
	assert_true(g_file_set_contents(orphan, "x", 1, NULL));
	int msgs = count_files("msg");
	assert_int_equal(store_spool_clean(st), 2);
	assert_int_equal(count_files("tmp"), 0);
	assert_int_equal(count_files("msg"), msgs - 1);
	g_autofree char *bytes = stored(r.id);
	assert_string_equal(bytes, "Subject: after\r\n\r\ny\r\n");
}

/* With inline_max, a message up to it is kept in memory and committed into
 * the database: no file in tmp/ or msg/ at any time, the same bytes read
 * back; one that outgrows it while arriving goes on as a file with every
 * byte; a spool freed without a commit leaves nothing. */
static void
test_inline(void **state)
{
	store_set_inline_max(st, 64);
	int before = count_files("msg");
	struct store_spool *sp = spool("Message-ID: <in@x>\r\n\r\nsmall\r\n", 3);
	assert_int_equal(count_files("tmp"), 0);
	assert_int_equal(store_spool_sync(sp, NULL), 0);
	assert_int_equal(count_files("msg"), before);
	const char *rcpts[] = { "statements@ietf.org", NULL };
	struct store_envelope env = { "a@x", rcpts, "unit", "s" };
	struct store_msg_result r;
	assert_int_equal(store_msg_commit(st, &sp, &env, &r, 1), 0);
	store_spool_free(sp);
	assert_int_equal(count_files("msg"), before);
	assert_int_equal(count_files("tmp"), 0);
	g_autofree char *small = stored(r.id);
	assert_string_equal(small, "Message-ID: <in@x>\r\n\r\nsmall\r\n");
	/* the same message again is a redelivery, inline or not */
	struct store_msg_result again = commit_from("Message-ID: <in@x>\r\n\r\nsmall\r\n", 7, "a@x");
	assert_int_equal(again.id, r.id);
	assert_true(again.duplicate);

	GString *big = g_string_new("Message-ID: <big@x>\r\n\r\n");
	for (int i = 0; i < 40; i++)
		g_string_append(big, "a longer line of the body\r\n");
	struct store_msg_result rb = commit(big->str, 5);
	assert_true(rb.id > 0);
	assert_int_equal(count_files("msg"), before + 1);
	g_autofree char *bigger = stored(rb.id);
	assert_string_equal(bigger, big->str);
	g_string_free(big, TRUE);

	struct store_spool *gone = spool("Subject: never\r\n\r\nz\r\n", 4);
	store_spool_free(gone);
	assert_int_equal(count_files("tmp"), 0);
	assert_int_equal(count_files("msg"), before + 1);
	store_set_inline_max(st, 0);
}

/* key_of - message ID's dedupe key, read from the database. */
static char *
key_of(gint64 id)
{
	g_autofree char *path = g_build_filename(dir, "liaisond.db", NULL);
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT dedupe_key FROM messages WHERE id = ?", -1,
	    &q, NULL), SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	char *key = g_strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return key;
}

static char *
sha(const char *s)
{
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s, -1);
}

/* The body's digest is taken when a second message with the Message-ID
 * comes, for both, from the stored bytes: the first is recorded with "-"
 * in its place, and then has the key the body's digest gives (GLib's
 * SHA-256 of the body, as keys were before, so redeliveries of messages
 * recorded then still match). The body starts after the first blank line,
 * CR LF or LF; a line of two CRs is no blank line; no blank line, no body;
 * in a file, a blank line may straddle the pieces it is read in (256 KB). */
static void
test_lazy_body_digest(void **state)
{
	GString *big = g_string_new("From: Big <big@x>\r\nMessage-ID: <lz5@x>\r\n");
	/* the blank line's CR the last byte of the first 256 KB, once its
	 * Message-ID has a character more (below) */
	while (big->len < 262142 - 1010)
		g_string_append_printf(big, "X-Pad: %0990d\r\n", 0);
	g_string_append_printf(big, "X-Last: %0*d\r\n", (int)(262142 - big->len - 10), 0);
	assert_int_equal(big->len, 262142);
	g_string_append(big, "\r\nthe body after the long header\r\n");
	const struct {
		const char *msg, *mid, *from, *body;
	} cases[] = {
		{ "From: A <a@x>\r\nMessage-ID: <lz1@x>\r\n\r\nbody one\r\n", "lz1@x", "A <a@x>",
		  "body one\r\n" },
		{ "From: A\n <a@x>\nMessage-ID: <lz2@x>\n\nbody two\n\nmore\n", "lz2@x", "A <a@x>",
		  "body two\n\nmore\n" },
		{ "Message-ID: <lz3@x>\r\nX: y\r\n\r\r\nstill header\r\n\r\nbody\r\n", "lz3@x", "",
		  "body\r\n" },
		{ "Message-ID: <lz4@x>\r\nSubject: only a header\r\n", "lz4@x", "", "" },
		{ big->str, "lz5@x", "Big <big@x>", "the body after the long header\r\n" },
	};
	for (int round = 0; round < 2; round++) {
		store_set_inline_max(st, round ? 1024 * 1024 : 0);
		for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
			/* once in a file, once in the database: a new Message-ID each time */
			g_autofree char *mid = g_strdup_printf("%s%c", cases[i].mid, 'a' + round);
			g_autofree char *old = g_strdup_printf("<%s>", cases[i].mid);
			g_autofree char *new = g_strdup_printf("<%s>", mid);
			GString *m = g_string_new(cases[i].msg);
			g_string_replace(m, old, new, 1);
			struct store_msg_result a = commit_from(m->str, 4093, "e@x");
			assert_true(a.id > 0 && !a.duplicate);
			g_autofree char *fd_ = sha(cases[i].from), *ed = sha("e@x");
			g_autofree char *lazy = g_strdup_printf("mid:%s:-:%s:%s", mid, fd_, ed);
			g_autofree char *k1 = key_of(a.id);
			assert_string_equal(k1, lazy);
			/* a redelivery, with a trace header more */
			g_string_prepend(m, "Received: by relay\r\n");
			struct store_msg_result b = commit_from(m->str, 1000, "e@x");
			assert_true(b.duplicate);
			assert_int_equal(b.id, a.id);
			g_autofree char *bd = sha(cases[i].body);
			g_autofree char *full = g_strdup_printf("mid:%s:%s:%s:%s", mid, bd, fd_, ed);
			g_autofree char *k2 = key_of(a.id);
			assert_string_equal(k2, full);
			/* another body with its Message-ID is another message, with its own digest */
			g_string_append(m, "\r\nchanged\r\n");
			struct store_msg_result c = commit_from(m->str, 777, "e@x");
			assert_true(c.id > 0 && !c.duplicate && c.id != a.id);
			g_autofree char *k3 = key_of(c.id);
			assert_true(g_str_has_prefix(k3, "mid:") && strstr(k3, ":-:") == NULL);
			g_string_free(m, TRUE);
		}
	}
	store_set_inline_max(st, 0);
	g_string_free(big, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_dedupe),
		cmocka_unit_test(test_forged_copy),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_failure_leaves_nothing),
		cmocka_unit_test(test_group_sync_failure),
		cmocka_unit_test(test_sync_and_free),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_lazy_body_digest),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
