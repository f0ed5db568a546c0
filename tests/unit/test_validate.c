/* test_validate.c - every problem code, the states, and In Response linking against a store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "parser/fields.h"
#include "flow/flow.h"
#include "store/store_sink.h"
#include "parser/validate.h"
#include "conf/addr.h"
#include "store/store_link.h"
#include "store/store_private.h"

#define TODAY "2026-11-22"
#define GOOD_SEND_REPLY "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: p@example.com\n" \
    "Send Reply to: liaisons at example dot com\nPurpose: For Information\n\nText\n"
#define GOOD "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: p@example.com\nPurpose: For Information\n\n"


/* ingest_state - the state the transition table gives ST on arrival
 * (validation only adds problems; flow/flow.c decides). */
static const char *
ingest_state(const struct statement *st)
{
	const struct flow_transition *row = flow_match(FLOW_INGEST, STMT_RECEIVED, flow_facts(st, 0));
	return row ? stmt_state_name((enum stmt_state)row->to) : "(no row)";
}

static struct directory *dir;

/* read - a statement from a body (and a Subject), fields then validation. */
static struct statement *
read_body(const char *body, const char *subject, void (*tweak)(struct statement *, struct parsed_mail *))
{
	struct parsed_mail pm = { 0 };
	pm.body = (char *)body;
	pm.h.subject = (char *)subject;
	pm.h.from = (char *)"Sender <sender@example.com>";
	pm.h.from_raw = pm.h.from;
	pm.envelope_from = (char *)"sender@example.com";
	pm.attachments = g_ptr_array_new_with_free_func(attachment_free);
	pm.text_attachments = g_ptr_array_new();
	pm.documents = g_ptr_array_new();
	pm.defects = g_ptr_array_new_with_free_func(g_free);
	struct statement *st = statement_new();
	st->id = 100;
	if (tweak)
		tweak(st, &pm);
	fields_extract(st, &pm, dir);
	validate_statement(st, dir, NULL, TODAY);
	g_ptr_array_unref(pm.attachments);
	g_ptr_array_unref(pm.text_attachments);
	g_ptr_array_unref(pm.documents);
	g_ptr_array_unref(pm.defects);
	return st;
}

static void
add_attachment(struct statement *st, const char *name, const char *type)
{
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = st->attachments->len + 1;
	a->filename = g_strdup(name);
	a->content_type = g_strdup(type);
	a->size = 10;
	a->sha256 = g_strdup("00");
	g_ptr_array_add(st->attachments, a);
}

static void tw_word(struct statement *st, struct parsed_mail *pm) { add_attachment(st, "S3-243456.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"); }
static void tw_word_pdf(struct statement *st, struct parsed_mail *pm) { tw_word(st, pm);
	add_attachment(st, "S3-243456.pdf", "application/pdf"); }
static void tw_defect(struct statement *st, struct parsed_mail *pm) {
	g_ptr_array_add(pm->defects, g_strdup("boundary of a multipart not found")); }
static void tw_charset(struct statement *st, struct parsed_mail *pm) { pm->charset_guessed = TRUE; }
static void tw_auto(struct statement *st, struct parsed_mail *pm) { pm->auto_generated = TRUE; }
static void tw_nofrom(struct statement *st, struct parsed_mail *pm) { pm->h.from = pm->h.from_raw = NULL; }
static void tw_reply(struct statement *st, struct parsed_mail *pm) { pm->h.in_reply_to = (char *)"unknown@x"; }

/* One case per code: the body, the code that must appear with its severity
 * and field, and the state that follows. */
static const struct vcase {
	const char *code, *field, *state;
	enum severity sev;
	const char *body, *subject;
	void (*tweak)(struct statement *, struct parsed_mail *);
} cases[] = {
	{ "not_a_statement", "", "rejected", SEV_ERROR, "Hello, is this the right address?\n", "question", NULL },
	{ "missing_title", "title", "rejected", SEV_ERROR,
	  "From: SA3\nTo: QUIC\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "missing_from", "from_groups", "rejected", SEV_ERROR,
	  "Title: T\nTo: QUIC\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "missing_to", "to_groups", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "unknown_to", "to_groups", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIK WG\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "unknown_to", "to_groups", "rejected", SEV_ERROR,   /* another SDO is not an IETF group */
	  "Title: T\nFrom: SA3\nTo: 3GPP CT4\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "ambiguous_to", "to_groups", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: IETF Routing\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "missing_from_contact", "from_contacts", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\nFrom-Contact:\n\nText\n", NULL, tw_nofrom },
	{ "bad_address", "from_contacts", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nFrom-Contact: Peter Schmitt\nPurpose: For Information\n\nText\n",
	  NULL, NULL },
	{ "bad_address", "from_liaison_contact", "rejected", SEV_ERROR,
	  GOOD "x\n" "", NULL, NULL },  /* replaced below: Send Reply to with a broken address */
	{ "bad_purpose", "purpose", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: Urgent\n\nText\n", NULL, NULL },
	{ "missing_deadline", "deadline", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Action\n\nText\n", NULL, NULL },
	{ "bad_deadline", "deadline", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Action\nDeadline: 03/04/2031\n\nText\n", NULL, NULL },
	{ "no_content", "body", "rejected", SEV_ERROR,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Information\n", NULL, NULL },
	{ "purpose_inferred", "purpose", "posted", SEV_WARNING,
	  "Title: T\nFrom: SA3\nTo: QUIC\n\nText\n", NULL, NULL },
	{ "for_comment_mapped", "purpose", "posted", SEV_WARNING,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Comment\nDeadline: 2031-05-01\n\nText\n", NULL, NULL },
	{ "deadline_past", "deadline", "posted", SEV_WARNING,
	  "Title: T\nFrom: SA3\nTo: QUIC\nPurpose: For Action\nDeadline: 1 September 2024\n\nText\n", NULL, NULL },
	{ "unknown_from", "from_groups", "posted", SEV_WARNING,
	  "Title: T\nFrom: Open Alliance for Widgets\nTo: QUIC\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "concluded_group", "to_groups", "posted", SEV_WARNING,
	  "Title: T\nFrom: SA3\nTo: SIDR WG\nPurpose: For Information\n\nText\n", NULL, NULL },
	{ "word_without_readable", "attachments", "posted", SEV_WARNING, GOOD "See attached.\n", NULL, tw_word },
	{ "in_response_unresolved", "related", "posted", SEV_WARNING,
	  "Title: Reply LS on nothing known\nFrom: SA3\nTo: QUIC\nPurpose: In Response\n\nText\n", NULL, NULL },
	{ "in_response_unresolved", "related", "posted", SEV_WARNING,
	  "Title: T\nFrom: SA3\nTo: QUIC\nResponse to: LS S2-2409999 on things\n\nText\n", NULL, tw_reply },
	{ "mime_defect", "", "posted", SEV_WARNING, GOOD "Text\n", NULL, tw_defect },
	{ "charset_guessed", "body", "posted", SEV_WARNING, GOOD "Caf\xc3\xa9\n", NULL, tw_charset },
};

static void
test_codes(void **state)
{
	int failures = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct vcase *c = &cases[i];
		const char *body = c->body;
		g_autofree char *alt = NULL;
		if (strcmp(c->field, "from_liaison_contact") == 0)
			body = alt = g_strdup(GOOD_SEND_REPLY);
		struct statement *st = read_body(body, c->subject, c->tweak);
		const struct problem *found = NULL;
		for (guint k = 0; k < st->problems->len; k++) {
			const struct problem *p = st->problems->pdata[k];
			if (strcmp(p->code, c->code) == 0 && strcmp(p->field, c->field) == 0)
				found = p;
		}
		/* validation adds problems; the state is the table's (flow/flow.c) */
		const struct flow_transition *row = flow_match(FLOW_INGEST, STMT_RECEIVED,
		    flow_facts(st, 0));
		const char *state = stmt_state_name((enum stmt_state)row->to);
		if (!found || found->severity != c->sev || strcmp(state, c->state) != 0 ||
		    !*found->message) {
			print_error("case %zu %s: state %s, problems:", i, c->code, state);
			for (guint k = 0; k < st->problems->len; k++) {
				const struct problem *p = st->problems->pdata[k];
				print_error(" %s/%s", p->code, p->field);
			}
			print_error("\n");
			failures++;
		}
		statement_free(st);
	}
	assert_int_equal(failures, 0);
}

/* A clean statement is posted with no problem at all. */
static void
test_clean(void **state)
{
	struct statement *st = read_body(GOOD "SA3 informs QUIC of its progress.\n", NULL, tw_word_pdf);
	assert_int_equal(st->problems->len, 0);
	assert_string_equal(ingest_state(st), "posted");
	statement_free(st);
}

static void
test_ignored(void **state)
{
	struct statement *st = read_body("Out of office until Monday.\n", "Auto: out of office", tw_auto);
	assert_string_equal(ingest_state(st), "ignored");
	assert_int_equal(st->problems->len, 0);
	statement_free(st);
}

/* Re-validation (after an edit) works the purpose out again and keeps the
 * warning; an explicit purpose set by the edit is kept as given. */
static void
test_revalidate(void **state)
{
	struct statement *st = read_body("Title: T\nFrom: SA3\nTo: QUIC\n\nText\n", NULL, NULL);
	assert_string_equal(st->purpose, "for_information");
	assert_true(fields_apply_label(st, "Deadline", "2031-01-01", dir));
	statement_clear_problems(st);
	validate_statement(st, dir, NULL, TODAY);
	assert_string_equal(st->purpose, "for_action");
	assert_true(statement_has_problem(st, PROB_PURPOSE_INFERRED));
	assert_true(fields_apply_label(st, "Purpose", "For Information", dir));
	statement_clear_problems(st);
	validate_statement(st, dir, NULL, TODAY);
	assert_string_equal(st->purpose, "for_information");
	assert_false(statement_has_problem(st, PROB_PURPOSE_INFERRED));
	assert_string_equal(ingest_state(st), "posted");
	statement_free(st);
}

/* Messages say what is wrong in the secretariat's words. */
static void
test_message_words(void **state)
{
	struct statement *st = read_body("Title: T\nFrom: SA3\nTo: IETF Routing\nPurpose: For Information\n\nx\n",
	    NULL, NULL);
	const struct problem *p = st->problems->pdata[0];
	assert_string_equal(p->code, "ambiguous_to");
	assert_non_null(strstr(p->message, "'IETF Routing'"));
	assert_non_null(strstr(p->message, "rtg"));
	assert_non_null(strstr(p->message, "rtgwg"));
	statement_free(st);
}

/* ---------------------------------------------------------------- linking */

static char *tmp;
static struct store *store;

/* stored - a statement as the store would hold it (test-only SQL). */
static void
stored(gint64 id, const char *message_id, const char *title, const char *meta,
    const char *from, const char *to, const char *ident)
{
	g_autofree char *sql = g_strdup_printf(
	    "INSERT INTO messages(id, received_at, envelope_from, message_id, size, sha256, dedupe_key,"
	    " path, client, session_id, state) VALUES (%" G_GINT64_FORMAT ", 'now', '', %s%s%s, 1, 'x',"
	    " 'k%" G_GINT64_FORMAT "', 'p', 'unix', 's', 'posted');"
	    "INSERT INTO statements(id, title, metadata, parsed_at) VALUES (%" G_GINT64_FORMAT ", '%s', '%s', 'now');"
	    "INSERT INTO statement_groups VALUES (%" G_GINT64_FORMAT ", 'from', 1, '%s', '%s');"
	    "INSERT INTO statement_groups VALUES (%" G_GINT64_FORMAT ", 'to', 1, '%s', '%s');",
	    id, message_id ? "'" : "", message_id ? message_id : "NULL", message_id ? "'" : "", id,
	    id, title, meta, id, from, from, id, to, to);
	assert_int_equal(store_exec(store, sql, NULL), 0);
	if (ident) {
		g_autofree char *s2 = g_strdup_printf("INSERT INTO identifiers VALUES (%" G_GINT64_FORMAT ", '%s')",
		    id, ident);
		assert_int_equal(store_exec(store, s2, NULL), 0);
	}
}

static int
link_setup(void **state)
{
	tmp = g_dir_make_tmp("test_validate.XXXXXX", NULL);
	store = store_open(tmp, NULL);
	if (!store)
		return -1;
	stored(1, "ls-1@ietf.org", "LS on QUIC multipath", "{\"title_topic\":\"quic multipath\",\"title_is_reply\":false}",
	    "quic", "3gpp-sa2", NULL);
	stored(2, NULL, "LS on N3IWF", "{}", "3gpp-ct4", "quic", "C4-245678");
	stored(3, "outer@chair", "LS on DNS resolvers", "{\"message_id\":\"orig@3gpp.org\"}", "3gpp-ct1", "dnsop", NULL);
	return 0;
}

static int
link_teardown(void **state)
{
	store_close(store);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
	g_free(tmp);
	return 0;
}

static struct statement *
answer(const char *body, const char *in_reply_to)
{
	struct parsed_mail pm = { 0 };
	pm.body = (char *)body;
	pm.h.from = pm.h.from_raw = (char *)"3GPPLiaison@etsi.org";
	pm.h.in_reply_to = (char *)in_reply_to;
	struct statement *st = statement_new();
	st->id = 50;
	fields_extract(st, &pm, dir);
	struct link_lookup links;
	store_link_lookup(store, &links);
	validate_statement(st, dir, &links, TODAY);
	return st;
}

static void
test_link_title(void **state)
{
	struct statement *st = answer("Title: Reply LS on QUIC multipath\nSource: SA2\nTo: QUIC\n\nThanks.\n", NULL);
	assert_int_equal(st->related->len, 1);
	assert_int_equal(g_array_index(st->related, gint64, 0), 1);
	assert_string_equal(st->purpose, "in_response");
	assert_false(statement_has_problem(st, PROB_IN_RESPONSE_UNRESOLVED));
	/* The same title from an unrelated body does not link. */
	struct statement *other = answer("Title: Reply LS on QUIC multipath\nSource: CT1\nTo: TLS\n\nx\n", NULL);
	assert_int_equal(other->related->len, 0);
	statement_free(other);

	/* Posting the answer marks the first statement answered, once. */
	st->state = STMT_POSTED;
	for (int i = 0; i < 2; i++) {   /* inside a transaction, as flow's ingest does */
		assert_int_equal(store_begin(store, NULL), 0);
		assert_int_equal(store_link_mark_answered(store, st, "liaisond", NULL), 0);
		assert_int_equal(store_commit(store, NULL), 0);
	}
	sqlite3_stmt *q;
	assert_int_equal(store_prepare(store, &q, "SELECT action_taken, version,"
	    " (SELECT count(*) FROM events WHERE statement = 1 AND kind = 'action_taken') FROM statements WHERE id = 1",
	    NULL), 0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	assert_int_equal(sqlite3_column_int(q, 1), 2);
	assert_int_equal(sqlite3_column_int(q, 2), 1);
	sqlite3_finalize(q);
	statement_free(st);
}

static void
test_link_tdoc(void **state)
{
	struct statement *st = answer("Title: Reply LS on N3IWF\nResponse to: LS C4-245678 on N3IWF\n"
	    "Source: QUIC WG\nTo: CT4\n\nx\n", NULL);
	assert_int_equal(st->related->len, 1);
	assert_int_equal(g_array_index(st->related, gint64, 0), 2);
	assert_string_equal(st->purpose, "in_response");
	statement_free(st);
}

static void
test_link_message_id(void **state)
{
	struct statement *st = answer("Title: About resolvers\nSource: CT1\nTo: DNSOP\n\nx\n", "orig@3gpp.org");
	assert_int_equal(st->related->len, 1);
	assert_int_equal(g_array_index(st->related, gint64, 0), 3);
	assert_string_equal(st->purpose, "in_response");
	assert_true(statement_has_problem(st, PROB_PURPOSE_INFERRED));
	statement_free(st);
	st = answer("Title: About resolvers\nSource: CT1\nTo: DNSOP\n\nx\n", "ls-1@ietf.org");
	assert_int_equal(g_array_index(st->related, gint64, 0), 1);
	statement_free(st);
	/* Unknown ids link nothing; the purpose is not taken for an answer. */
	st = answer("Title: About resolvers\nSource: CT1\nTo: DNSOP\n\nx\n", "nobody@nowhere");
	assert_int_equal(st->related->len, 0);
	assert_string_equal(st->purpose, "for_information");
	statement_free(st);
}

static int
setup(void **state)
{
	g_mime_init();
	dir = directory_load("conf/directory.example.conf", NULL, NULL);
	return dir ? 0 : -1;
}

static int
teardown(void **state)
{
	directory_free(dir);
	g_mime_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_message_words),
		cmocka_unit_test(test_revalidate),
		cmocka_unit_test_setup_teardown(test_link_title, link_setup, link_teardown),
		cmocka_unit_test_setup_teardown(test_link_tdoc, link_setup, link_teardown),
		cmocka_unit_test_setup_teardown(test_link_message_id, link_setup, link_teardown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
