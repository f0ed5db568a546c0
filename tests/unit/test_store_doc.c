/* test_store_doc.c - documents saved with a statement, loaded back in order,
 * replaced on reprocessing, and found by full-text search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "store/store_admin.h"
#include "store/store_doc.h"
#include "store/store_private.h"
#include "store/store_stmt.h"

static char *dir;
static struct store *s;

static void
exec_ok(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int
setup(void **state)
{
	GError *e = NULL;
	dir = g_dir_make_tmp("test_store_doc-XXXXXX", NULL);
	s = store_open(dir, &e);
	if (!s)
		return -1;
	exec_ok("INSERT INTO messages(id, received_at, envelope_from, size, sha256, dedupe_key, path,"
	    " client, session_id, state) VALUES (7, '2026-11-20T10:00:00Z', '3GPPLiaison@etsi.org',"
	    " 1, 'x', 'k7', 'msg/7', 'unix', 's', 'posted');"
	    "INSERT INTO statements(id, title, body, parsed_at) VALUES"
	    " (7, 'LS S3-243456', 'Please find attached LS S3-243456', '2026-11-20T10:00:00Z');");
	return 0;
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

static struct document *
doc(const char *name, const char *role, const char *text)
{
	struct document *d = g_new0(struct document, 1);
	d->filename = g_strdup(name);
	d->role = g_strdup(role);
	d->text = g_strdup(text);
	return d;
}

static char *
search(const char *text)
{
	struct admin_search q = { .text = text };
	GError *e = NULL;
	GPtrArray *r = store_admin_search(s, &q, &e);
	assert_non_null(r);
	GString *ids = g_string_new(NULL);
	for (guint i = 0; i < r->len; i++)
		g_string_append_printf(ids, "%s%" G_GINT64_FORMAT, i ? "," : "",
		    ((struct admin_summary *)r->pdata[i])->id);
	g_ptr_array_free(r, TRUE);
	return g_string_free(ids, FALSE);
}

static void
test_save_load_search(void **state)
{
	GError *e = NULL;
	struct statement *st = statement_new();
	st->id = 7;
	g_ptr_array_add(st->documents, doc("S3-243456.docx", "statement",
	    "Title: LS on Security considerations for MPQUIC\nÉtude multipath\n"));
	g_ptr_array_add(st->documents, doc("S3-240001.doc", "attachment", NULL));
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_doc_save(s, st, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);

	GPtrArray *got = g_ptr_array_new_with_free_func(document_free);
	assert_int_equal(store_doc_load(s, 7, got, TRUE, &e), 0);
	assert_int_equal(got->len, 2);
	struct document *a = got->pdata[0], *b = got->pdata[1];
	assert_string_equal(a->filename, "S3-243456.docx");
	assert_string_equal(a->role, "statement");
	assert_string_equal(a->text, "Title: LS on Security considerations for MPQUIC\nÉtude multipath\n");
	assert_int_equal(a->text_chars, g_utf8_strlen(a->text, -1));
	assert_string_equal(b->role, "attachment");
	assert_null(b->text);
	assert_int_equal(b->text_chars, 0);
	g_ptr_array_set_size(got, 0);
	assert_int_equal(store_doc_load(s, 7, got, FALSE, &e), 0);
	assert_null(((struct document *)got->pdata[0])->text);
	assert_int_equal(((struct document *)got->pdata[0])->text_chars, 64);

	/* The document's words are searchable (the body alone has none of them). */
	g_autofree char *hit = search("MPQUIC");
	assert_string_equal(hit, "7");
	g_autofree char *hit2 = search("etude");
	assert_string_equal(hit2, "7");

	/* Reprocessing replaces the documents, and search follows. */
	g_ptr_array_set_size(st->documents, 0);
	g_ptr_array_add(st->documents, doc("S3-243456.pdf", "statement", "LS on satellite access\n"));
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_doc_save(s, st, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	g_ptr_array_set_size(got, 0);
	assert_int_equal(store_doc_load(s, 7, got, TRUE, &e), 0);
	assert_int_equal(got->len, 1);
	g_autofree char *miss = search("MPQUIC");
	assert_string_equal(miss, "");
	g_autofree char *hit3 = search("satellite");
	assert_string_equal(hit3, "7");
	g_autofree char *hit4 = search("attached");      /* the body is still there */
	assert_string_equal(hit4, "7");
	g_ptr_array_unref(got);
	statement_free(st);
}

/* A PDF read in part (issue 19): the statement waits for search until the
 * rest is in; the rest's reads are counted; a reprocess meanwhile wins. */
static void
test_partial(void **state)
{
	GError *e = NULL;
	exec_ok("INSERT INTO attachments(statement, position, filename, content_type, size, sha256)"
	    " VALUES (7, 1, 'annex.pdf', 'application/pdf', 9, '"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');");
	struct statement *st = statement_new();
	st->id = 7;
	struct document *d = doc("annex.pdf", "statement", "Cover page of the annex\n");
	d->attachment = 1;
	d->partial = TRUE;
	g_ptr_array_add(st->documents, d);
	g_ptr_array_add(st->documents, doc("other.docx", "attachment", "other text\n"));
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_doc_save(s, st, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	/* not indexed while partial: nothing pending is ready */
	assert_int_equal(store_search_index(s, 100, &e), 0);

	struct doc_rest r;
	assert_int_equal(store_doc_rest_next(s, &r, &e), 1);
	assert_int_equal(r.statement, 7);
	assert_int_equal(r.position, 1);
	assert_int_equal(r.attachment, 1);
	assert_int_equal(r.attempts, 0);
	assert_string_equal(r.content_type, "application/pdf");
	assert_non_null(strstr(r.blob_path, "/blobs/aa/aaaa"));
	doc_rest_free(&r);
	assert_int_equal(store_doc_rest_next(s, &r, &e), 1);   /* a crash: read again */
	assert_int_equal(r.attempts, 1);
	assert_int_equal(store_doc_rest_save(s, &r, "Cover page of the annex\nPage 35 platypus\n",
	    &e), 0);
	doc_rest_free(&r);
	assert_int_equal(store_doc_rest_next(s, &r, &e), 0);   /* nothing left */
	assert_int_equal(store_search_index(s, 100, &e), 1);
	g_autofree char *hit = search("platypus");
	assert_string_equal(hit, "7");

	GPtrArray *got = g_ptr_array_new_with_free_func(document_free);
	assert_int_equal(store_doc_load(s, 7, got, TRUE, &e), 0);
	struct document *a = got->pdata[0];
	assert_false(a->partial);
	assert_int_equal(a->attachment, 1);
	assert_int_equal(a->text_chars, g_utf8_strlen(a->text, -1));
	assert_false(((struct document *)got->pdata[1])->partial);

	/* saved again (reprocess) while the rest was being read: the late
	 * text does not overwrite it; NULL keeps the first pages' text */
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_doc_save(s, st, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_doc_rest_next(s, &r, &e), 1);
	struct doc_rest stale = r;
	stale.attachment = 2;
	assert_int_equal(store_doc_rest_save(s, &stale, "stale text\n", &e), 0);
	assert_int_equal(store_doc_rest_save(s, &r, NULL, &e), 0);
	doc_rest_free(&r);
	g_ptr_array_set_size(got, 0);
	assert_int_equal(store_doc_load(s, 7, got, TRUE, &e), 0);
	assert_string_equal(((struct document *)got->pdata[0])->text, "Cover page of the annex\n");
	assert_false(((struct document *)got->pdata[0])->partial);
	g_ptr_array_unref(got);
	statement_free(st);
}

static void
test_json(void **state)
{
	struct statement *st = statement_new();
	g_ptr_array_add(st->documents, doc("S3-243456.docx", "statement", "abc"));
	((struct document *)st->documents->pdata[0])->text_chars = 3;
	g_ptr_array_add(st->documents, doc("annex.pdf", NULL, NULL));
	json_object_set_string_member(st->metadata, "work_items", "FS_ATSSS_Ph4, FS_QUIC;X");
	JsonArray *nm = json_array_new();
	json_array_add_string_element(nm, "SA3#118 14 - 18 October 2024 Hyderabad, IN");
	json_object_set_array_member(st->metadata, "next_meetings", nm);
	/* the document keys of the statement's JSON (model/statement_json.c) */
	JsonObject *all = json_object_new(), *o = json_object_new();
	statement_json_add(all, st);
	static const char *const keys[] = { "documents", "release", "work_items", "next_meetings" };
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		json_object_set_member(o, keys[i], json_node_copy(json_object_get_member(all, keys[i])));
	json_object_unref(all);
	JsonNode *n = json_node_init_object(json_node_alloc(), o);
	g_autofree char *got = json_to_string(n, FALSE);
	assert_string_equal(got, "{\"documents\":[{\"filename\":\"S3-243456.docx\",\"role\":"
	    "\"statement\",\"text_chars\":3},{\"filename\":\"annex.pdf\",\"role\":\"attachment\","
	    "\"text_chars\":0}],\"release\":null,\"work_items\":[\"FS_ATSSS_Ph4\",\"FS_QUIC\",\"X\"],"
	    "\"next_meetings\":[\"SA3#118 14 - 18 October 2024 Hyderabad, IN\"]}");
	json_node_unref(n);
	json_object_unref(o);
	statement_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_load_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial, setup, teardown),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
