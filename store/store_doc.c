/* store_doc.c - SQL for the documents table: save and load a statement's texts. */
#include "store/store_doc.h"
#include "store/store_blob.h"
#include "store/store_query.h"

#include <string.h>

int
store_doc_save(struct store *s, const struct statement *st, GError **error)
{
	sqlite3_stmt *q;
	store_assert_in_tx(s);
	if (store_prepare(s, &q, "DELETE FROM documents WHERE statement = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	if (store_q_exec(s, q, "delete documents", error) < 0)
		return -1;
	if (store_prepare(s, &q, "INSERT INTO documents (statement, position, filename, role, "
	    "text, text_chars, attachment, text_partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    error) < 0)
		return -1;
	int rc = 0;
	for (guint i = 0; rc == 0 && st->documents && i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		const char *role = d->role && g_strcmp0(d->role, "statement") == 0 ?
		    "statement" : "attachment";
		sqlite3_bind_int64(q, 1, st->id);
		sqlite3_bind_int(q, 2, (int)i + 1);
		sqlite3_bind_text(q, 3, d->filename ? d->filename : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, role, -1, SQLITE_STATIC);
		if (d->text)
			sqlite3_bind_text(q, 5, d->text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 5);
		sqlite3_bind_int64(q, 6, d->text ? g_utf8_strlen(d->text, -1) : 0);
		if (d->attachment > 0)
			sqlite3_bind_int(q, 7, d->attachment);
		else
			sqlite3_bind_null(q, 7);
		/* only a PDF read from an attachment can be completed later */
		sqlite3_bind_int(q, 8, d->partial && d->attachment > 0);
		if (store_q_run(s, q, "insert document", error) < 0)
			rc = -1;
	}
	store_finish(s, q);
	return rc;
}

struct doc_rows {
	GPtrArray *out;
	gboolean with_text;
};

static int
row_document(sqlite3_stmt *q, void *data)
{
	struct doc_rows *r = data;
	struct document *d = g_new0(struct document, 1);
	d->filename = store_col_text(q, 0);
	d->role = store_col_text(q, 1);
	if (r->with_text)
		d->text = store_col_text(q, 2);
	d->text_chars = store_col_int64(q, 3);
	d->attachment = store_col_int(q, 4);
	d->partial = store_col_bool(q, 5);
	g_ptr_array_add(r->out, d);
	return 0;
}

int
store_doc_load(struct store *s, gint64 id, GPtrArray *out, gboolean with_text, GError **error)
{
	struct doc_rows r = { out, with_text };
	return store_q_each_id(s, "SELECT filename, role, text, text_chars,"
	    " coalesce(attachment, 0), text_partial FROM documents"
	    " WHERE statement = ? ORDER BY position", id, row_document, &r, "load documents",
	    error) < 0 ? -1 : 0;
}

void
doc_rest_free(struct doc_rest *r)
{
	if (!r)
		return;
	g_free(r->filename);
	g_free(r->content_type);
	g_free(r->blob_path);
	memset(r, 0, sizeof *r);
}

struct rest_row {
	struct store *s;
	struct doc_rest *out;
};

static int
row_rest(sqlite3_stmt *q, void *data)
{
	struct rest_row *rr = data;
	struct doc_rest *r = rr->out;
	r->statement = store_col_int64(q, 0);
	r->position = store_col_int(q, 1);
	r->attachment = store_col_int(q, 2);
	r->filename = store_col_text(q, 3);
	r->content_type = store_col_text(q, 4);
	const char *sha = store_col_str(q, 5);
	r->blob_path = sha ? store_blob_path(rr->s, sha) : NULL;
	r->attempts = store_col_int(q, 6);
	return 0;
}

int
store_doc_rest_next(struct store *s, struct doc_rest *out, GError **error)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof *out);
	/* a read first (the partial index of schema 0013 holds only these rows),
	 * outside any transaction: the idle worker asks every
	 * round, and the write lock is taken only when there is something */
	if (store_prepare_cached(s, &q, "SELECT d.statement, d.position, d.attachment, d.filename,"
	    " a.content_type, a.sha256, d.rest_attempts FROM documents d LEFT JOIN attachments a"
	    " ON a.statement = d.statement AND a.position = d.attachment"
	    " WHERE d.text_partial = 1 ORDER BY d.statement, d.position LIMIT 1", error) < 0)
		return -1;
	struct rest_row rr = { s, out };
	int got = store_q_one(s, q, row_rest, &rr, "partial documents", error);
	if (got <= 0)
		return got;
	if (store_begin(s, error) < 0)
		goto fail;
	if (store_prepare_cached(s, &q, "UPDATE documents SET rest_attempts = rest_attempts + 1"
	    " WHERE statement = ?1 AND position = ?2", error) < 0) {
		store_rollback(s);
		goto fail;
	}
	sqlite3_bind_int64(q, 1, out->statement);
	sqlite3_bind_int(q, 2, out->position);
	if (store_q_exec(s, q, "count document read", error) < 0) {
		store_rollback(s);
		goto fail;
	}
	if (store_commit(s, error) < 0)
		goto fail;
	return 1;
fail:
	doc_rest_free(out);
	return -1;
}

int
store_doc_rest_save(struct store *s, const struct doc_rest *r, const char *text,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_begin(s, error) < 0)
		return -1;
	if (store_prepare_cached(s, &q, "UPDATE documents SET text = coalesce(?3, text),"
	    " text_chars = CASE WHEN ?3 IS NULL THEN text_chars ELSE ?4 END, text_partial = 0"
	    " WHERE statement = ?1 AND position = ?2 AND attachment IS ?5 AND text_partial = 1",
	    error) < 0)
		goto fail;
	sqlite3_bind_int64(q, 1, r->statement);
	sqlite3_bind_int(q, 2, r->position);
	if (text)
		sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 3);
	sqlite3_bind_int64(q, 4, text ? g_utf8_strlen(text, -1) : 0);
	if (r->attachment > 0)
		sqlite3_bind_int(q, 5, r->attachment);
	else
		sqlite3_bind_null(q, 5);
	if (store_q_exec(s, q, "complete document", error) < 0)
		goto fail;
	return store_commit(s, error) < 0 ? -1 : 0;
fail:
	store_rollback(s);
	return -1;
}
