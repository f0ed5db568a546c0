/* test_flow.c - the transition table: docs/design.md prints the table the
 * code has; the rows decide what each event does in each state; a dry run
 * reports what would change and which mail would go, and changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "store/store_admin.h"
#include "store/store_private.h"

/* The docs block and the code's table are the same text. */
static void
test_design_md(void **state)
{
	gchar *doc = NULL;
	assert_true(g_file_get_contents("docs/design.md", &doc, NULL, NULL));
	const char *a = strstr(doc, "<!-- transitions -->\n");
	const char *b = a ? strstr(a, "<!-- /transitions -->") : NULL;
	assert_non_null(b);
	a += strlen("<!-- transitions -->\n");
	g_autofree char *in_doc = g_strndup(a, b - a);
	g_autofree char *in_code = flow_table_markdown();
	if (strcmp(in_doc, in_code) != 0)
		fail_msg("docs/design.md's transition table differs from flow/flow.c's; the code's is:"
		    "\n%s", in_code);
	g_free(doc);
}

/* Every problem code of model/problem.c is explained in docs/statement.md,
 * under Errors or Warnings as its severity says, and nothing else is. */
static void
test_problem_codes_documented(void **state)
{
	gchar *doc = NULL;
	assert_true(g_file_get_contents("docs/statement.md", &doc, NULL, NULL));
	const char *warnings = strstr(doc, "**Warnings**");
	assert_non_null(warnings);
	for (int i = 0; i < PROB_N; i++) {
		const struct problem_def *d = problem_def((enum problem_id)i);
		g_autofree char *row = g_strdup_printf("| `%s` |", d->code);
		const char *at = strstr(doc, row);
		if (!at)
			fail_msg("docs/statement.md does not explain %s", d->code);
		if ((at > warnings) != (d->severity == SEV_WARNING))
			fail_msg("docs/statement.md lists %s under the wrong severity", d->code);
	}
	/* and every code the doc lists is in the table */
	for (const char *p = strstr(doc, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
		const char *end = strchr(p + 4, '`');
		g_autofree char *code = g_strndup(p + 4, end - p - 4);
		if (!problem_find(code, NULL))
			fail_msg("docs/statement.md explains %s, which model/problem.c lacks", code);
	}
	g_free(doc);
}

static const char *
to(enum flow_event e, enum stmt_state from, unsigned facts)
{
	const struct flow_transition *t = flow_match(e, from, facts);
	return !t ? "(refused)" : t->to == FLOW_SAME ? "(same)" : t->to == FLOW_BEFORE ?
	    "(before)" : stmt_state_name((enum stmt_state)t->to);
}

/* What each event does where: the first row that matches. */
static void
test_rows(void **state)
{
	/* arrival: the facts decide, auto-generated first */
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, FACT_AUTO | FACT_ERRORS), "ignored");
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, FACT_ERRORS), "rejected");
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, FACT_CLEAN), "posted");
	assert_string_equal(to(FLOW_INGEST, STMT_POSTED, FACT_CLEAN), "(refused)");
	/* approve: only from the rejects queue; errors need --force */
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, FACT_CLEAN), "posted");
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, FACT_ERRORS), "(refused)");
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, FACT_ERRORS | FACT_FORCE), "posted");
	assert_string_equal(to(FLOW_APPROVE, STMT_POSTED, FACT_CLEAN), "(refused)");
	assert_string_equal(to(FLOW_APPROVE, STMT_DEAD, FACT_CLEAN | FACT_FORCE), "(refused)");
	/* discard and restore */
	assert_string_equal(to(FLOW_DISCARD, STMT_POSTED, 0), "dead");
	assert_string_equal(to(FLOW_DISCARD, STMT_DEAD, 0), "(refused)");
	assert_string_equal(to(FLOW_RESTORE, STMT_DEAD, 0), "(before)");
	assert_string_equal(to(FLOW_RESTORE, STMT_REJECTED, 0), "(refused)");
	assert_true(flow_match(FLOW_DISCARD, STMT_REJECTED, FACT_NOTIFY)->mails & NOTIFY_DISCARD);
	assert_false(flow_match(FLOW_DISCARD, STMT_REJECTED, 0)->mails & NOTIFY_DISCARD);
	/* reprocess: a posted one only with --force (its mail would go again) */
	assert_string_equal(to(FLOW_REPROCESS, STMT_POSTED, FACT_CLEAN), "(refused)");
	assert_string_equal(to(FLOW_REPROCESS, STMT_POSTED, FACT_CLEAN | FACT_FORCE), "posted");
	assert_string_equal(to(FLOW_REPROCESS, STMT_REJECTED, FACT_ERRORS), "rejected");
	assert_string_equal(to(FLOW_REPROCESS, STMT_DEAD, FACT_FORCE), "(refused)");
	/* mail: posted -> routing + ack, rejected -> rejection + secretariat */
	assert_int_equal(flow_match(FLOW_INGEST, STMT_RECEIVED, FACT_CLEAN)->mails,
	    NOTIFY_ROUTING | NOTIFY_ACK);
	assert_int_equal(flow_match(FLOW_INGEST, STMT_RECEIVED, FACT_ERRORS)->mails,
	    NOTIFY_REJECTION | NOTIFY_SECRETARIAT);
	assert_int_equal(flow_match(FLOW_INGEST, STMT_RECEIVED, FACT_AUTO)->mails, 0);
	/* every event has a row somewhere; every received statement has one on arrival */
	for (int e = 0; e < FLOW_N_EVENTS; e++) {
		gboolean any = FALSE;
		for (unsigned i = 0; i < flow_table_len; i++)
			any |= (int)flow_table[i].event == e;
		assert_true(any);
	}
	for (unsigned facts = 0; facts < 64; facts++)
		assert_non_null(flow_match(FLOW_INGEST, STMT_RECEIVED, facts));
}

/* Outgoing statements (issue 16): never out without an approval. */
static void
test_rows_outgoing(void **state)
{
	const unsigned out = FACT_OUTGOING | FACT_CLEAN;
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, out), "pending");
	assert_int_equal(flow_match(FLOW_INGEST, STMT_RECEIVED, out)->mails, NOTIFY_APPROVAL);
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, out | FACT_APPROVED), "posted");
	assert_true(flow_match(FLOW_INGEST, STMT_RECEIVED, out | FACT_APPROVED)->mails &
	    NOTIFY_ROUTING);
	/* sent directly: recorded, not sent again, approved or not */
	for (unsigned ap = 0; ap <= FACT_APPROVED; ap += FACT_APPROVED) {
		const struct flow_transition *t = flow_match(FLOW_INGEST, STMT_RECEIVED,
		    out | FACT_DIRECT | ap);
		assert_int_equal(t->to, STMT_POSTED);
		assert_false(t->mails & NOTIFY_ROUTING);
	}
	/* errors still reject (sender_not_authorized is an error) */
	assert_string_equal(to(FLOW_INGEST, STMT_RECEIVED, FACT_OUTGOING | FACT_ERRORS), "rejected");
	/* pending: only an approver's approval sends it */
	assert_string_equal(to(FLOW_APPROVE, STMT_PENDING, FACT_CLEAN | FACT_OUTGOING), "(refused)");
	assert_string_equal(to(FLOW_APPROVE, STMT_PENDING, FACT_CLEAN | FACT_FORCE | FACT_OUTGOING),
	    "(refused)");
	assert_string_equal(to(FLOW_APPROVE, STMT_PENDING, FACT_BY | FACT_CLEAN | FACT_OUTGOING),
	    "posted");
	assert_string_equal(to(FLOW_APPROVE, STMT_PENDING, FACT_BY | FACT_ERRORS | FACT_OUTGOING),
	    "(refused)");
	/* out of the rejects queue: to pending, unless its approval is known */
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, out), "pending");
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, FACT_OUTGOING | FACT_ERRORS | FACT_FORCE),
	    "pending");
	assert_string_equal(to(FLOW_APPROVE, STMT_REJECTED, out | FACT_APPROVED), "posted");
	assert_string_equal(to(FLOW_REPROCESS, STMT_REJECTED, out), "pending");
	assert_false(flow_match(FLOW_REPROCESS, STMT_POSTED, out | FACT_FORCE)->mails &
	    NOTIFY_ROUTING);
	/* refuse: pending only */
	assert_string_equal(to(FLOW_REFUSE, STMT_PENDING, 0), "dead");
	assert_string_equal(to(FLOW_REFUSE, STMT_POSTED, 0), "(refused)");
	assert_string_equal(to(FLOW_RESTORE, STMT_DEAD, 0), "(before)");
	/* every outgoing statement that arrives has a row */
	for (unsigned facts = 0; facts < (FACT_DIRECT << 1); facts++)
		assert_non_null(flow_match(FLOW_INGEST, STMT_RECEIVED, facts));
}

/* flow_allowed: the question a page asks before it offers a button. */
static void
test_allowed(void **state)
{
	const unsigned err = FACT_ERRORS | FACT_OPEN, clean = FACT_CLEAN | FACT_OPEN;
	/* approve: a reject with errors only with --force; a pending one only by its approver */
	assert_false(flow_allowed(FLOW_APPROVE, STMT_REJECTED, err));
	assert_true(flow_allowed(FLOW_APPROVE, STMT_REJECTED, err | FACT_FORCE));
	assert_true(flow_allowed(FLOW_APPROVE, STMT_REJECTED, clean));
	assert_false(flow_allowed(FLOW_APPROVE, STMT_PENDING, clean | FACT_OUTGOING | FACT_FORCE));
	assert_true(flow_allowed(FLOW_APPROVE, STMT_PENDING, clean | FACT_OUTGOING | FACT_BY));
	assert_false(flow_allowed(FLOW_APPROVE, STMT_PENDING, err | FACT_OUTGOING | FACT_BY));
	for (unsigned f = 0; f < (FACT_RESEND << 1); f++) {
		assert_false(flow_allowed(FLOW_APPROVE, STMT_POSTED, f));
		assert_false(flow_allowed(FLOW_APPROVE, STMT_DEAD, f));
		assert_false(flow_allowed(FLOW_RESTORE, STMT_POSTED, f));
		assert_false(flow_allowed(FLOW_RESTORE, STMT_PENDING, f));
		assert_false(flow_allowed(FLOW_DISCARD, STMT_DEAD, f));
		assert_false(flow_allowed(FLOW_RESEND, STMT_REJECTED, f));
		assert_true(flow_allowed(FLOW_COMMENT, STMT_DEAD, f));
		/* what reprocess finds it finds by reading again: the old facts do not count */
		assert_true(flow_allowed(FLOW_REPROCESS, STMT_REJECTED, f));
		assert_false(flow_allowed(FLOW_REPROCESS, STMT_DEAD, f));
		assert_int_equal(flow_allowed(FLOW_REPROCESS, STMT_POSTED, f), (f & FACT_FORCE) != 0);
		/* whether the discard told the sender, restore looks up itself */
		assert_true(flow_allowed(FLOW_RESTORE, STMT_DEAD, f));
	}
	assert_true(flow_allowed(FLOW_RESEND, STMT_POSTED, clean));
	assert_true(flow_allowed(FLOW_DISCARD, STMT_PENDING, clean | FACT_OUTGOING));
	assert_true(flow_allowed(FLOW_REFUSE, STMT_PENDING, clean | FACT_OUTGOING));
	assert_false(flow_allowed(FLOW_REFUSE, STMT_REJECTED, err | FACT_OUTGOING));
	assert_false(flow_allowed(FLOW_N_EVENTS, STMT_POSTED, ~0u));
}

struct fx {
	char *dir;
	struct store *s;
	struct directory *d;
};

static void
exec_ok(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
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

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	GError *e = NULL;
	f->dir = g_dir_make_tmp("test_flow-XXXXXX", NULL);
	f->s = store_open(f->dir, &e);
	assert_non_null(f->s);
	f->d = directory_new_empty();
	/* a rejected statement (an unknown To group) from a person who may be answered */
	exec_ok(f->s, "INSERT INTO messages(id, received_at, envelope_from, size, sha256,"
	    " dedupe_key, path, client, session_id, state) VALUES (1, '2026-11-20T10:00:00Z',"
	    " 'ls@3gpp.example', 1, 'x', 'k1', 'msg/1', 'unix', 's', 'rejected');"
	    "INSERT INTO statements(id, title, body, submitter, parsed_at) VALUES"
	    " (1, 'LS on QUIC', 'Text.', 'chair@3gpp.example', '2026-11-20T10:00:00Z');"
	    "INSERT INTO statement_groups VALUES (1, 'from', 1, NULL, '3GPP SA2');"
	    "INSERT INTO statement_groups VALUES (1, 'to', 1, NULL, 'QUIK WG');"
	    "INSERT INTO problems VALUES (1, 1, 'unknown_to', 'error', 'to_groups', 'no group');");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	directory_free(f->d);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* A dry run reports the change and the mail, and leaves no trace. */
static void
test_dry_run(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	struct conf *c = conf_load_text("[notify]\nfrom = statements-noreply@ietf.org\n"
	    "secretariat = secretariat@ietf.example\nreply_policy = always\n", "t.conf", f->dir, &e);
	assert_non_null(c);
	struct flow_ctx x = { .s = f->s, .c = c, .dir = f->d, .actor = "alice", .dry_run = TRUE };
	struct flow_result r;
	int events = count(f->s, "SELECT count(*) FROM events");
	int mails = count(f->s, "SELECT count(*) FROM outbox");

	assert_int_equal(flow_approve(&x, 1, FALSE, &r, &e), -1);   /* errors, no --force */
	assert_true(e->domain == FLOW_ERROR && e->code == FLOW_ERR_REFUSED);
	g_clear_error(&e);
	flow_result_clear(&r);

	assert_int_equal(flow_approve(&x, 1, TRUE, &r, &e), 0);
	assert_true(r.dry_run);
	assert_int_equal(r.before, STMT_REJECTED);
	assert_int_equal(r.after, STMT_POSTED);
	assert_string_equal(r.overridden, "unknown_to");
	gboolean ack = FALSE;
	for (guint i = 0; i < r.mails->len; i++) {
		const struct notify_planned *m = r.mails->pdata[i];
		ack |= strcmp(m->kind, "ack") == 0 && strstr(m->to, "chair@3gpp.example") != NULL;
	}
	assert_true(ack);
	flow_result_clear(&r);

	assert_int_equal(flow_discard(&x, 1, "sent twice", TRUE, &r, &e), 0);
	assert_int_equal(r.after, STMT_DEAD);
	assert_int_equal(r.mails->len, 1);
	assert_string_equal(((struct notify_planned *)r.mails->pdata[0])->to, "chair@3gpp.example");
	flow_result_clear(&r);

	/* nothing of it is in the store */
	struct admin_summary *a = store_admin_summary(f->s, 1, &e);
	assert_int_equal(a->state, STMT_REJECTED);
	assert_int_equal(a->version, 1);
	admin_summary_free(a);
	assert_int_equal(count(f->s, "SELECT count(*) FROM events"), events);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox"), mails);

	/* and the same for real */
	x.dry_run = FALSE;
	assert_int_equal(flow_discard(&x, 1, "sent twice", TRUE, &r, &e), 0);
	assert_false(r.dry_run);
	flow_result_clear(&r);
	assert_int_equal(count(f->s, "SELECT count(*) FROM messages WHERE state = 'dead'"), 1);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox"), mails + 1);
	assert_int_equal(count(f->s, "SELECT count(*) FROM events WHERE kind IN"
	    " ('discarded', 'notified')"), 2);

	/* the discard told the sender: the restore row queues the restore
	 * notice, in the restore's transaction (dry run: none of it stays) */
	x.dry_run = TRUE;
	assert_int_equal(flow_restore(&x, 1, &r, &e), 0);
	assert_int_equal(r.after, STMT_REJECTED);
	assert_true(r.row->mails & NOTIFY_RESTORED);
	assert_int_equal(r.mails->len, 1);
	assert_string_equal(((struct notify_planned *)r.mails->pdata[0])->to, "chair@3gpp.example");
	flow_result_clear(&r);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox"), mails + 1);
	x.dry_run = FALSE;
	assert_int_equal(flow_restore(&x, 1, &r, &e), 0);
	assert_int_equal(r.mails->len, 1);
	flow_result_clear(&r);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox"), mails + 2);
	assert_int_equal(count(f->s, "SELECT count(*) FROM events WHERE kind = 'notified'"
	    " AND detail = 'restore notice queued'"), 1);
	/* discarded again without telling the sender: restored silently */
	assert_int_equal(flow_discard(&x, 1, "again", FALSE, &r, &e), 0);
	flow_result_clear(&r);
	assert_int_equal(flow_restore(&x, 1, &r, &e), 0);
	assert_false(r.row->mails & NOTIFY_RESTORED);
	assert_int_equal(r.mails->len, 0);
	flow_result_clear(&r);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox"), mails + 2);
	conf_free(c);
}

/* The reply gates (issue 14) hold through the secretariat's events too: under
 * the default reply_policy (authenticated), a sender no Authentication-Results
 * vouched for gets no acknowledgement on approve or resend, and no notice on
 * discard --notify-sender. */
static void
test_reply_gates(void **state)
{
	struct fx *f = *state;
	GError *e = NULL;
	struct conf *c = conf_load_text("[notify]\nfrom = statements-noreply@ietf.org\n"
	    "secretariat = secretariat@ietf.example\n", "t.conf", f->dir, &e);
	assert_non_null(c);
	assert_int_equal(c->reply_policy, CONF_REPLY_AUTHENTICATED);
	struct flow_ctx x = { .s = f->s, .c = c, .dir = f->d, .actor = "alice", .dry_run = TRUE };
	struct flow_result r;

	assert_int_equal(flow_discard(&x, 1, "sent twice", TRUE, &r, &e), 0);
	assert_int_equal(r.mails->len, 0);
	flow_result_clear(&r);

	x.dry_run = FALSE;
	assert_int_equal(flow_approve(&x, 1, TRUE, &r, &e), 0);
	assert_int_equal(r.after, STMT_POSTED);
	for (guint i = 0; i < r.mails->len; i++)
		assert_string_not_equal(((struct notify_planned *)r.mails->pdata[i])->kind, "ack");
	flow_result_clear(&r);
	assert_int_equal(count(f->s, "SELECT count(*) FROM outbox WHERE kind = 'ack'"), 0);

	x.dry_run = TRUE;
	assert_int_equal(flow_resend(&x, 1, &r, &e), 0);
	for (guint i = 0; i < r.mails->len; i++)
		assert_string_not_equal(((struct notify_planned *)r.mails->pdata[i])->kind, "ack");
	flow_result_clear(&r);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_md),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_rows_outgoing),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_problem_codes_documented),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_gates, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
