/* test_store_admin.c - the secretariat's SQL: rejects queue order, discard and
 * restore (through flow/, which owns the transaction), version conflicts,
 * comments, mark-taken, full-text search. Rows are written directly (the
 * parser's tables), then read through store_admin. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <glib/gstdio.h>

#include "store/store_admin.h"
#include "store/store_private.h"
#include "store/store_stmt.h"
#include "flow/flow.h"

struct fx {
	char *dir;
	struct store *s;
};

static void
exec_ok(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* add_statement - a message and its statement in STATE with the given problems. */
static void
add_statement(struct store *s, int id, const char *received, const char *state,
    const char *title, const char *body, const char *problems_sql)
{
	g_autofree char *sql = g_strdup_printf(
	    "INSERT INTO messages(id, received_at, envelope_from, size, sha256, dedupe_key, path,"
	    " client, session_id, state) VALUES (%d, '%s', 'ls@3gpp.org', 1, 'x', 'k%d', 'msg/%d',"
	    " 'unix', 's', '%s');"
	    "INSERT INTO statements(id, title, body, submitter, parsed_at) VALUES"
	    " (%d, '%s', '%s', 'Chair <chair@3gpp.org>', '%s');"
	    "INSERT INTO statement_groups VALUES (%d, 'from', 1, '3gpp-sa2', '3GPP SA2');"
	    "INSERT INTO statement_groups VALUES (%d, 'to', 1, NULL, 'QUIK WG');%s",
	    id, received, id, id, state, id, title, body, received, id, id,
	    problems_sql ? problems_sql : "");
	exec_ok(s, sql);
}

/* The secretariat's events through flow/, as liaisonctl calls them. */
static int
discard(struct fx *f, gint64 id, const char *actor, const char *why, GError **e)
{
	struct directory *d = directory_new_empty();
	struct flow_ctx x = { .s = f->s, .dir = d, .actor = actor };
	struct flow_result r;
	int rc = flow_discard(&x, id, why, FALSE, &r, e);
	flow_result_clear(&r);
	directory_free(d);
	return rc;
}

static int
restore(struct fx *f, gint64 id, const char *actor, char **restored, GError **e)
{
	struct flow_ctx x = { .s = f->s, .actor = actor };
	struct flow_result r;
	int rc = flow_restore(&x, id, &r, e);
	if (rc == 0)
		*restored = g_strdup(stmt_state_name(r.after));
	flow_result_clear(&r);
	return rc;
}

static int
comment(struct fx *f, gint64 id, const char *actor, const char *text, gboolean private_,
    GError **e)
{
	struct flow_ctx x = { .s = f->s, .actor = actor };
	struct flow_result r;
	int rc = flow_comment(&x, id, text, private_, &r, e);
	flow_result_clear(&r);
	return rc;
}

static int
mark_taken(struct fx *f, gint64 id, const char *actor, gboolean *was, GError **e)
{
	struct flow_ctx x = { .s = f->s, .actor = actor };
	struct flow_result r;
	int rc = flow_mark_taken(&x, id, &r, e);
	*was = !r.changed;
	flow_result_clear(&r);
	return rc;
}

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	GError *e = NULL;
	f->dir = g_dir_make_tmp("test_store_admin-XXXXXX", NULL);
	f->s = store_open(f->dir, &e);
	assert_non_null(f->s);
	add_statement(f->s, 1, "2026-11-20T10:00:00Z", "rejected", "LS on QUIC multipath",
	    "Please consider ATSSS steering.",
	    "INSERT INTO problems VALUES (1, 1, 'unknown_to', 'error', 'to', 'no group');"
	    "INSERT INTO problems VALUES (1, 2, 'purpose_inferred', 'warning', 'purpose', 'x');"
	    "INSERT INTO problems VALUES (1, 3, 'missing_deadline', 'error', 'deadline', 'y');");
	add_statement(f->s, 2, "2026-11-19T10:00:00Z", "rejected", "LS on YANG models",
	    "Models for transport.",
	    "INSERT INTO problems VALUES (2, 1, 'missing_from_contact', 'error', 'from_contact', 'z');");
	add_statement(f->s, 3, "2026-11-21T10:00:00Z", "posted", "Reply LS on QUIC",
	    "We thank IETF.", NULL);
	exec_ok(f->s, "INSERT INTO attachments VALUES (3, 1, 'S2-2401234_LS_on_Satellite.pdf',"
	    " NULL, 'application/pdf', 1000, 'ab', NULL, 0);"
	    "INSERT INTO identifiers VALUES (3, 'S2-2401234');"
	    "INSERT INTO related VALUES (3, 1, 'responds_to');");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void
test_rejects_oldest_first(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	GPtrArray *r = store_admin_rejects(f->s, &e);
	assert_non_null(r);
	assert_int_equal(r->len, 2);
	struct admin_summary *a = g_ptr_array_index(r, 0), *b = g_ptr_array_index(r, 1);
	assert_int_equal(a->id, 2);
	assert_int_equal(b->id, 1);
	assert_string_equal(b->errors, "unknown_to,missing_deadline");
	assert_string_equal(b->warnings, "purpose_inferred");
	assert_string_equal(b->to_groups, "QUIK WG");
	assert_string_equal(b->from_groups, "3gpp-sa2");
	assert_string_equal(b->sender, "Chair <chair@3gpp.org>");
	assert_int_equal(b->version, 1);
	g_ptr_array_free(r, TRUE);
}

static void
test_unknown_id(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	assert_null(store_admin_summary(f->s, 99, &e));
	assert_int_equal(e->code, STORE_ERR_NOTFOUND);
	assert_string_equal(e->message, "no statement 99");
	g_clear_error(&e);
	assert_null(store_admin_history(f->s, 99, &e));
	assert_string_equal(e->message, "no statement 99");
	g_clear_error(&e);
	assert_int_equal(discard(f, 99, "me", "x", &e), -1);
	assert_int_equal(e->code, STORE_ERR_NOTFOUND);
	g_clear_error(&e);
}

static void
test_discard_restore(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	char *restored = NULL;
	assert_int_equal(discard(f, 3, "alice", "spam", &e), 0);
	struct admin_summary *a = store_admin_summary(f->s, 3, &e);
	assert_int_equal(a->state, STMT_DEAD);
	assert_int_equal(a->version, 2);
	admin_summary_free(a);
	assert_int_equal(discard(f, 3, "alice", "again", &e), -1);
	assert_true(e->domain == FLOW_ERROR && e->code == FLOW_ERR_REFUSED);
	g_clear_error(&e);
	assert_int_equal(restore(f, 3, "bob", &restored, &e), 0);
	assert_string_equal(restored, "posted");
	g_free(restored);
	assert_int_equal(restore(f, 3, "bob", &restored, &e), -1);
	g_clear_error(&e);
	GPtrArray *h = store_admin_history(f->s, 3, &e);
	assert_int_equal(h->len, 2);
	struct admin_event *d = g_ptr_array_index(h, 0), *r = g_ptr_array_index(h, 1);
	assert_string_equal(d->kind, "discarded");
	assert_string_equal(d->actor, "alice");
	assert_string_equal(d->detail, "was posted: spam");
	assert_string_equal(r->kind, "restored");
	assert_string_equal(r->detail, "back to posted");
	g_ptr_array_free(h, TRUE);
}

static void
test_version_conflict(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	assert_int_equal(store_begin(f->s, &e), 0);
	assert_int_equal(store_admin_check_version(f->s, 1, 1, &e), 0);
	assert_int_equal(store_commit(f->s, &e), 0);
	/* a second editor who read version 1 too */
	assert_int_equal(store_begin(f->s, &e), 0);
	assert_int_equal(store_admin_check_version(f->s, 1, 1, &e), -1);
	store_rollback(f->s);
	assert_int_equal(e->code, STORE_ERR_CONFLICT);
	assert_string_equal(e->message, "statement 1 changed since you read it (version 1 -> 2);"
	    " run show and try again");
	g_clear_error(&e);
}

static void
test_comment_and_mark_taken(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	gboolean was = TRUE;
	assert_int_equal(comment(f, 1, "alice", "asked 3GPP", TRUE, &e), 0);
	assert_int_equal(mark_taken(f, 1, "alice", &was, &e), 0);
	assert_false(was);
	assert_int_equal(mark_taken(f, 1, "alice", &was, &e), 0);
	assert_true(was);
	GPtrArray *h = store_admin_history(f->s, 1, &e);
	assert_int_equal(h->len, 2);
	struct admin_event *c = g_ptr_array_index(h, 0), *t = g_ptr_array_index(h, 1);
	assert_string_equal(c->kind, "comment");
	assert_true(c->private_);
	assert_string_equal(t->kind, "action_taken");
	g_ptr_array_free(h, TRUE);
}

/* search_ids - the ids search returns, as "3,1". */
static char *
search_ids(struct store *s, const struct admin_search *q)
{
	GError *e = NULL;
	GPtrArray *r = store_admin_search(s, q, &e);
	if (!r)
		fail_msg("search: %s", e->message);
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < r->len; i++)
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i ? "," : "",
		    ((struct admin_summary *)g_ptr_array_index(r, i))->id);
	g_ptr_array_free(r, TRUE);
	return g_string_free(out, FALSE);
}

static void
test_search(void **state)
{
	struct fx *f = *state;
	static const struct { struct admin_search q; const char *want; } cases[] = {
		{ { .text = "QUIC" }, "3,1" },                  /* newest first */
		{ { .text = "satellite" }, "3" },               /* attachment name */
		{ { .text = "S2-2401234" }, "3" },              /* identifier, with its hyphen */
		{ { .text = "steering" }, "1" },                /* body, stemmed */
		{ { .text = "chair@3gpp.org" }, "3,1,2" },      /* contacts */
		{ { .text = "quic", .state = "rejected" }, "1" },
		{ { .text = "LS", .since = "2026-11-20", .until = "2026-11-21" }, "1" },
		{ { .text = "\"unbalanced ( AND" }, "" },        /* never a syntax error */
		{ { .to = "QUIK" }, "3,1,2" },
		{ { .from = "3gpp-sa2", .text = "yang" }, "2" },
		{ { .text = "multi*" }, "1" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = search_ids(f->s, &cases[i].q);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s' want '%s'", i, got, cases[i].want);
	}
	/* an edit of the title is searchable at once (noted by the triggers,
	 * indexed by the search itself) */
	exec_ok(f->s, "UPDATE statements SET title = 'LS on satellite access' WHERE id = 2");
	struct admin_search q = { .text = "satellite" };
	g_autofree char *got = search_ids(f->s, &q);
	assert_string_equal(got, "3,2");
}

static int
count(struct store *s, const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* Writers only note a statement in search_pending; store_search_index
 * rebuilds its row, in batches, and drops a deleted statement's row. */
static void
test_search_index_catches_up(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	assert_int_equal(count(f->s, "SELECT count(*) FROM search_pending"), 3);
	assert_int_equal(count(f->s, "SELECT count(*) FROM statement_fts"), 0);
	assert_int_equal(store_search_index(f->s, 2, &e), 2);   /* a batch of at most 2 */
	assert_int_equal(count(f->s, "SELECT count(*) FROM search_pending"), 1);
	assert_int_equal(store_search_index(f->s, 2, &e), 1);
	assert_int_equal(store_search_index(f->s, 2, &e), 0);   /* up to date */
	assert_int_equal(count(f->s, "SELECT count(*) FROM statement_fts"), 3);
	assert_int_equal(count(f->s,
	    "SELECT count(*) FROM statement_fts WHERE statement_fts MATCH 'steering'"), 1);
	/* a child row changes the text: pending again, then the new word is found */
	exec_ok(f->s, "INSERT INTO identifiers VALUES (1, 'C1-259999')");
	assert_int_equal(count(f->s, "SELECT count(*) FROM search_pending"), 1);
	assert_int_equal(store_search_index(f->s, 8, &e), 1);
	assert_int_equal(count(f->s,
	    "SELECT count(*) FROM statement_fts WHERE statement_fts MATCH '\"C1-259999\"'"), 1);
	/* a statement deleted (only ever by hand): its row goes */
	exec_ok(f->s, "DELETE FROM problems WHERE statement = 2; DELETE FROM statement_groups"
	    " WHERE statement = 2; DELETE FROM statements WHERE id = 2");
	assert_int_equal(store_search_index(f->s, 8, &e), 1);
	assert_int_equal(count(f->s, "SELECT count(*) FROM statement_fts"), 2);
	assert_null(e);
}

static void
test_related_and_posted(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	GPtrArray *r = store_admin_related(f->s, 1, &e);
	assert_int_equal(r->len, 1);
	struct admin_summary *a = g_ptr_array_index(r, 0);
	assert_int_equal(a->id, 3);
	assert_string_equal(a->relation, "answered_by");
	g_ptr_array_free(r, TRUE);
	GArray *p = store_admin_posted(f->s, NULL, &e);
	assert_int_equal(p->len, 1);
	assert_int_equal(g_array_index(p, gint64, 0), 3);
	g_array_unref(p);
	p = store_admin_posted(f->s, "2026-12-01", &e);
	assert_int_equal(p->len, 0);
	g_array_unref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rejects_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comment_and_mark_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_index_catches_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_related_and_posted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
