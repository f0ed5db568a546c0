/* test_outbox.c - queueing per statement state, per-recipient outbox states, reminders by day. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "flow/flow.h"

static const char *const dir_text =
    "[quic]\ntype = wg\nname = QUIC\nparent = wit\nlist = quic@ietf.org\n"
    "chairs = Matt Joras <matt@example.com>\n\n"
    "[wit]\ntype = area\nads = Zahed <zahed@example.com>\n\n"
    "[3gpp]\ntype = sdo\nliaison_managers = 3GPP LM <3gpp-liaison@ietf.org>\n";

struct fx {
	char *tmp, *dir_path;
	struct conf *c;
	struct directory *d;
	struct store *s;
	sqlite3 *db;      /* a second connection: the test's own rows */
};

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	GError *e = NULL;
	f->tmp = g_dir_make_tmp("outboxXXXXXX", &e);
	assert_non_null(f->tmp);
	f->dir_path = g_build_filename(f->tmp, "directory.conf", NULL);
	assert_true(g_file_set_contents(f->dir_path, dir_text, -1, &e));
	f->d = directory_load(f->dir_path, NULL, &e);
	assert_non_null(f->d);
	g_autofree char *conf = g_strdup_printf("[liaisond]\nstate_dir = %s\n"
	    "[notify]\nfrom = Liaisons <statements-noreply@ietf.org>\n"
	    "secretariat = Secretariat <ietf-action@ietf.org>\nreply_policy = always\n", f->tmp);
	f->c = conf_load_text(conf, "t.conf", f->tmp, &e);
	assert_non_null(f->c);
	f->s = store_open(f->tmp, &e);
	assert_non_null(f->s);
	g_autofree char *db = g_build_filename(f->tmp, "liaisond.db", NULL);
	assert_int_equal(sqlite3_open(db, &f->db), SQLITE_OK);
	sqlite3_busy_timeout(f->db, 5000);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	sqlite3_close(f->db);
	store_close(f->s);
	directory_free(f->d);
	conf_free(f->c);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	g_free(f->tmp);
	g_free(f->dir_path);
	g_free(f);
	return 0;
}

static void
sql(struct fx *f, const char *text)
{
	char *err = NULL;
	if (sqlite3_exec(f->db, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
}

/* add_statement - a message and statement row with To quic, from 3gpp. */
static void
add_statement(struct fx *f, gint64 id, const char *state, const char *purpose,
    const char *deadline)
{
	g_autofree char *q = g_strdup_printf(
	    "INSERT INTO messages(id, received_at, envelope_from, message_id, size, sha256,"
	    " dedupe_key, path, client, session_id, state) VALUES (%" G_GINT64_FORMAT ","
	    " '2026-11-01T10:00:00Z', 'a@3gpp.org', 'm%" G_GINT64_FORMAT "@3gpp.org', 1, 'x',"
	    " 'k%" G_GINT64_FORMAT "', 'p', 'unix', 's', '%s');"
	    "INSERT INTO statements(id, title, purpose, deadline, body, submitter, parsed_at)"
	    " VALUES (%" G_GINT64_FORMAT ", 'LS on QUIC', '%s', %s%s%s, 'Please act.',"
	    " 'a@3gpp.org', '2026-11-01T10:00:01Z');"
	    "INSERT INTO statement_groups VALUES (%" G_GINT64_FORMAT ", 'to', 1, 'quic', 'QUIC WG');"
	    "INSERT INTO statement_groups VALUES (%" G_GINT64_FORMAT ", 'from', 1, '3gpp', '3GPP');",
	    id, id, id, state, id, purpose, deadline ? "'" : "", deadline ? deadline : "NULL",
	    deadline ? "'" : "", id, id);
	sql(f, q);
}

static int
count(struct fx *f, const char *where)
{
	g_autofree char *q = g_strdup_printf("SELECT count(*) FROM outbox WHERE %s", where);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->db, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int
remind(struct fx *f, const char *today)
{
	GError *e = NULL;
	struct flow_ctx x = { .s = f->s, .c = f->c, .dir = f->d, .actor = "test" };
	struct flow_result r;
	if (flow_remind(&x, today, &r, &e) < 0)
		fail_msg("remind: %s", e->message);
	int queued = r.queued;
	flow_result_clear(&r);
	return queued;
}

static void
test_reminder_days(void **state)
{
	struct fx *f = *state;
	add_statement(f, 1, "posted", "for_action", "2026-12-20");
	add_statement(f, 2, "posted", "for_information", "2026-12-20");
	add_statement(f, 3, "rejected", "for_action", "2026-12-20");
	const struct { const char *day; int n; const char *subject; } days[] = {
		{ "2026-12-05", 0, NULL },
		{ "2026-12-06", 1, "Liaison deadline in 14 days: LS on QUIC" },
		{ "2026-12-06", 0, NULL },                     /* idempotent */
		{ "2026-12-13", 1, "Liaison deadline in 7 days: LS on QUIC" },
		{ "2026-12-14", 0, NULL },
		{ "2026-12-17", 1, "Liaison deadline in 3 days: LS on QUIC" },
		{ "2026-12-19", 1, "Liaison deadline in 1 days: LS on QUIC" },
		{ "2026-12-20", 1, "Liaison deadline today: LS on QUIC" },
		{ "2026-12-20", 0, NULL },
		{ "2026-12-21", 0, NULL },
		{ "2026-12-27", 1, "Liaison OUT OF DATE: LS on QUIC" },
		{ "2027-02-14", 1, "Liaison OUT OF DATE: LS on QUIC" },   /* week 8 */
		{ "2027-02-21", 0, NULL },                                 /* week 9: stop */
	};
	for (gsize i = 0; i < G_N_ELEMENTS(days); i++) {
		int before = count(f, "kind = 'reminder'");
		assert_int_equal(remind(f, days[i].day), days[i].n);
		if (days[i].subject) {
			g_autofree char *w = g_strdup_printf("kind = 'reminder' AND subject = '%s' AND"
			    " reminder_key = '1:%s'", days[i].subject, days[i].day);
			assert_int_equal(count(f, w), 1);
		}
		assert_int_equal(count(f, "kind = 'reminder'"), before + days[i].n);
	}
	/* Reminder recipients: chairs, not the list; Cc the liaison manager. */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT group_concat(header || ':' || address)"
	    " FROM (SELECT header, address FROM outbox_recipients WHERE outbox = (SELECT min(id)"
	    " FROM outbox WHERE kind = 'reminder') ORDER BY position)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	    "to:matt@example.com,cc:3gpp-liaison@ietf.org,cc:liaison-coordination@iab.org");
	sqlite3_finalize(st);

	/* Marked taken, or answered by a posted In Response: no more reminders. */
	sql(f, "UPDATE statements SET action_taken = 1 WHERE id = 1");
	assert_int_equal(remind(f, "2026-12-27"), 0);
	sql(f, "DELETE FROM outbox_recipients; DELETE FROM outbox;"
	    " UPDATE statements SET action_taken = 0 WHERE id = 1");
	add_statement(f, 4, "posted", "in_response", NULL);
	sql(f, "INSERT INTO related(statement, related) VALUES (4, 1)");
	assert_int_equal(remind(f, "2026-12-27"), 0);
}

static void
test_bad_today(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	struct flow_ctx x = { .s = f->s, .c = f->c, .dir = f->d, .actor = "test" };
	struct flow_result r;
	assert_int_equal(flow_remind(&x, "2026-13-45", &r, &e), -1);
	assert_non_null(e);
	assert_true(e->domain == FLOW_ERROR && e->code == FLOW_ERR_USAGE);
	g_error_free(e);
	flow_result_clear(&r);
}

/* queue - the mail the ingest row that leads to ST's state queues (the
 * transition table's), for a statement built in C, in a transaction. */
static void
queue(struct fx *f, struct statement *st)
{
	GError *e = NULL;
	unsigned mails = 0;
	for (unsigned i = 0; i < flow_table_len; i++)
		if (flow_table[i].event == FLOW_INGEST && flow_table[i].to == (int)st->state)
			mails = flow_table[i].mails;
	struct notify_batch *b = NULL;
	assert_int_equal(store_begin(f->s, &e), 0);
	if (notify_prepare_statement(f->s, f->c, f->d, st, mails, &b, &e) < 0 ||
	    notify_queue_batch(f->s, f->c, b, &e) < 0)
		fail_msg("queue: %s", e->message);
	notify_batch_free(b);
	assert_int_equal(store_commit(f->s, &e), 0);
}

static void
test_queue_by_state(void **state)
{
	struct fx *f = *state;
	add_statement(f, 1, "posted", "for_action", "2026-12-20");
	add_statement(f, 2, "rejected", "for_action", "2026-12-20");
	add_statement(f, 3, "ignored", "for_action", "2026-12-20");
	add_statement(f, 5, "posted", "for_action", "2026-12-20");
	GError *e = NULL;
	struct statement *st = store_outbox_statement(f->s, 1, &e);
	assert_non_null(st);
	g_ptr_array_add(st->from_contacts, addr_new("Expert", "expert@3gpp.org"));
	queue(f, st);
	statement_free(st);
	assert_int_equal(count(f, "statement = 1 AND kind = 'routing'"), 1);
	assert_int_equal(count(f, "statement = 1 AND kind = 'ack'"), 1);
	assert_int_equal(count(f, "statement = 1"), 2);

	/* Reprocessed and still posted: not distributed twice. */
	st = store_outbox_statement(f->s, 1, &e);
	queue(f, st);
	statement_free(st);
	assert_int_equal(count(f, "statement = 1"), 2);

	st = store_outbox_statement(f->s, 2, &e);
	statement_problem_add(st, "missing_from_contact", SEV_ERROR, "from_contact", "No From-Contact.");
	queue(f, st);
	queue(f, st);
	statement_free(st);
	assert_int_equal(count(f, "statement = 2 AND kind = 'rejection'"), 1);
	assert_int_equal(count(f, "statement = 2 AND kind = 'secretariat'"), 1);

	st = store_outbox_statement(f->s, 3, &e);
	queue(f, st);
	statement_free(st);
	assert_int_equal(count(f, "statement = 3"), 0);

	/* Posted but automatic (a bounce that slipped through): nothing at all. */
	st = store_outbox_statement(f->s, 5, &e);
	st->auto_generated = TRUE;
	queue(f, st);
	statement_free(st);
	assert_int_equal(count(f, "statement = 5"), 0);

	/* The routing mail threads under the statement and carries its URL. */
	GPtrArray *all = store_outbox_list(f->s, NULL, 1, &e);
	assert_int_equal(all->len, 2);
	const struct outbox_mail *m = all->pdata[0];
	assert_string_equal(m->kind, "routing");
	assert_string_equal(m->subject, "New Liaison Statement, \"LS on QUIC\"");
	assert_string_equal(m->state, "queued");
	assert_int_equal(m->rcpts->len, 5);   /* matt, quic list; cc zahed, 3gpp LM, coordinators */
	g_ptr_array_unref(all);
}

static void
test_recipient_states(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	add_statement(f, 1, "posted", "for_action", "2026-12-20");
	struct statement *st = store_outbox_statement(f->s, 1, &e);
	queue(f, st);
	statement_free(st);
	g_autofree char *far = g_strdup("9999-01-01T00:00:00Z");
	GPtrArray *due = store_outbox_due(f->s, far, 10, &e);
	assert_int_equal(due->len, 2);     /* routing, and the ack to the submitter */
	const struct outbox_mail *m = due->pdata[0];
	/* composed when sent (schema 0008): the ack from its text, the routing
	 * mail (no text kept) from the statement */
	const struct outbox_mail *ack = due->pdata[1];
	assert_string_equal(m->kind, "routing");
	assert_null(m->body);
	assert_string_equal(ack->kind, "ack");
	assert_non_null(ack->body);
	gint64 id = m->id;
	/* recipient 1 sent, 2 refused, 3 and 4 still queued: mail stays queued. */
	const char *s = NULL;
	assert_int_equal(store_outbox_rcpt_sent(f->s, id, 1, &e), 0);
	assert_int_equal(store_outbox_rcpt_failed(f->s, id, 2, "550 5.1.1 no such user", &e), 0);
	assert_int_equal(store_outbox_attempt_done(f->s, id, "451 try later", far, &s, &e), 0);
	assert_string_equal(s, "queued");
	g_ptr_array_unref(due);
	due = store_outbox_due(f->s, "2000-01-01T00:00:00Z", 10, &e);
	assert_int_equal(due->len, 0);     /* not due before its next attempt */
	g_ptr_array_unref(due);
	assert_int_equal(store_outbox_rcpt_sent(f->s, id, 3, &e), 0);
	assert_int_equal(store_outbox_rcpt_sent(f->s, id, 4, &e), 0);
	assert_int_equal(store_outbox_rcpt_sent(f->s, id, 5, &e), 0);
	/* A second "sent" for the same recipient changes nothing. */
	assert_int_equal(store_outbox_rcpt_failed(f->s, id, 1, "late", &e), 0);
	assert_int_equal(store_outbox_attempt_done(f->s, id, NULL, NULL, &s, &e), 0);
	assert_string_equal(s, "failed");
	struct outbox_mail *got = store_outbox_get(f->s, id, &e);
	assert_int_equal(got->attempts, 2);
	assert_string_equal(got->last_error, "quic@ietf.org: 550 5.1.1 no such user");
	assert_string_equal(((struct outbox_rcpt *)got->rcpts->pdata[0])->state, "sent");
	assert_string_equal(((struct outbox_rcpt *)got->rcpts->pdata[1])->last_error,
	    "550 5.1.1 no such user");
	outbox_mail_free(got);

	/* retry: only a failed mail, only its failed recipients. */
	assert_int_equal(store_outbox_retry(f->s, id, 3600, &e), 0);
	got = store_outbox_get(f->s, id, &e);
	assert_string_equal(got->state, "queued");
	assert_string_equal(((struct outbox_rcpt *)got->rcpts->pdata[0])->state, "sent");
	assert_string_equal(((struct outbox_rcpt *)got->rcpts->pdata[1])->state, "queued");
	outbox_mail_free(got);
	assert_int_equal(store_outbox_retry(f->s, id, 3600, &e), -1);
	assert_int_equal(e->code, STORE_ERR_CONFLICT);
	g_clear_error(&e);
	assert_int_equal(store_outbox_retry(f->s, 999, 3600, &e), -1);
	assert_int_equal(e->code, STORE_ERR_NOTFOUND);
	g_clear_error(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reminder_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_today, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_by_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recipient_states, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
