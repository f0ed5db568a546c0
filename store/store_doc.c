/* store_doc.c - SQL for the documents table: save and load a statement's texts. */
#include "store/store_doc.h"
#include "store/store_private.h"

int
store_doc_save(struct store *s, const struct statement *st, GError **error)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	int rc = -1, r;

	if (store_prepare(s, &del, "DELETE FROM documents WHERE statement = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(del, 1, st->id);
	if ((r = sqlite3_step(del)) != SQLITE_DONE) {
		store_set_sqlite_error(s, r, "delete documents", error);
		goto out;
	}
	if (store_prepare(s, &ins, "INSERT INTO documents (statement, position, filename, role, "
	    "text, text_chars) VALUES (?, ?, ?, ?, ?, ?)", error) < 0)
		goto out;
	for (guint i = 0; st->documents && i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		const char *role = d->role && g_strcmp0(d->role, "statement") == 0 ?
		    "statement" : "attachment";
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, st->id);
		sqlite3_bind_int(ins, 2, (int)i + 1);
		sqlite3_bind_text(ins, 3, d->filename ? d->filename : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, role, -1, SQLITE_STATIC);
		if (d->text)
			sqlite3_bind_text(ins, 5, d->text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 5);
		sqlite3_bind_int64(ins, 6, d->text ? g_utf8_strlen(d->text, -1) : 0);
		if ((r = sqlite3_step(ins)) != SQLITE_DONE) {
			store_set_sqlite_error(s, r, "insert document", error);
			goto out;
		}
	}
	rc = 0;
out:
	store_finish(s, del);
	store_finish(s, ins);
	return rc;
}

int
store_doc_load(struct store *s, gint64 id, GPtrArray *out, gboolean with_text, GError **error)
{
	sqlite3_stmt *q = NULL;
	int r;
	if (store_prepare(s, &q, "SELECT filename, role, text, text_chars FROM documents "
	    "WHERE statement = ? ORDER BY position", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		struct document *d = g_new0(struct document, 1);
		d->filename = g_strdup((const char *)sqlite3_column_text(q, 0));
		d->role = g_strdup((const char *)sqlite3_column_text(q, 1));
		if (with_text && sqlite3_column_type(q, 2) != SQLITE_NULL)
			d->text = g_strdup((const char *)sqlite3_column_text(q, 2));
		d->text_chars = sqlite3_column_int64(q, 3);
		g_ptr_array_add(out, d);
	}
	store_finish(s, q);
	if (r != SQLITE_DONE)
		return store_set_sqlite_error(s, r, "load documents", error);
	return 0;
}
