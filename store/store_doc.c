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

/* meta_strings - metadata KEY as an array of strings: an array as stored, or a
 * string as written split at commas and semicolons ("FS_A, FS_B"). */
static JsonArray *
meta_strings(JsonObject *meta, const char *key)
{
	JsonArray *a = json_array_new();
	JsonNode *n = meta && json_object_has_member(meta, key) ?
	    json_object_get_member(meta, key) : NULL;
	if (n && JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *src = json_node_get_array(n);
		for (guint i = 0; i < json_array_get_length(src); i++) {
			JsonNode *e = json_array_get_element(src, i);
			if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING)
				json_array_add_string_element(a, json_node_get_string(e));
		}
	} else if (n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING) {
		char **parts = g_regex_split_simple("\\s*[,;]\\s*", json_node_get_string(n), 0, 0);
		for (char **p = parts; *p; p++)
			if (*g_strstrip(*p))
				json_array_add_string_element(a, *p);
		g_strfreev(parts);
	}
	return a;
}

void
store_doc_json_add(JsonObject *o, const struct statement *st)
{
	JsonArray *docs = json_array_new();
	for (guint i = 0; st->documents && i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		JsonObject *dj = json_object_new();
		json_object_set_string_member(dj, "filename", d->filename ? d->filename : "");
		json_object_set_string_member(dj, "role", g_strcmp0(d->role, "statement") == 0 ?
		    "statement" : "attachment");
		json_object_set_int_member(dj, "text_chars", d->text_chars);
		json_array_add_object_element(docs, dj);
	}
	json_object_set_array_member(o, "documents", docs);
	JsonObject *m = st->metadata;
	const char *release = m && json_object_has_member(m, "release") &&
	    JSON_NODE_HOLDS_VALUE(json_object_get_member(m, "release")) ?
	    json_object_get_string_member(m, "release") : NULL;
	if (release)
		json_object_set_string_member(o, "release", release);
	else
		json_object_set_null_member(o, "release");
	json_object_set_array_member(o, "work_items", meta_strings(m, "work_items"));
	json_object_set_array_member(o, "next_meetings", meta_strings(m, "next_meetings"));
}
