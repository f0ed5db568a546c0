/* store_doc.c - SQL for the documents table: save and load a statement's texts. */
#include "store/store_doc.h"
#include "store/store_query.h"

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
	    "text, text_chars) VALUES (?, ?, ?, ?, ?, ?)", error) < 0)
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
	g_ptr_array_add(r->out, d);
	return 0;
}

int
store_doc_load(struct store *s, gint64 id, GPtrArray *out, gboolean with_text, GError **error)
{
	struct doc_rows r = { out, with_text };
	return store_q_each_id(s, "SELECT filename, role, text, text_chars FROM documents"
	    " WHERE statement = ? ORDER BY position", id, row_document, &r, "load documents",
	    error) < 0 ? -1 : 0;
}
