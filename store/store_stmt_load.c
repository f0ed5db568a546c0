/* store_stmt_load.c - a statement read back: for notify, show, list, attachment. */
#include "store/store_private.h"
#include "store/store_stmt.h"
#include "store/store_doc.h"
#include "store/store_blob.h"
#include "conf/addr.h"

#include <string.h>

static char *
col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? g_strdup((const char *)t) : NULL;
}

static int
load_groups_contacts(struct store *s, struct statement *st, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT side, acronym, text FROM statement_groups"
	    " WHERE statement = ? ORDER BY side, position", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *side = (const char *)sqlite3_column_text(q, 0);
		g_ptr_array_add(strcmp(side, "from") == 0 ? st->from_groups : st->to_groups,
		    group_ref_new((const char *)sqlite3_column_text(q, 2),
		    (const char *)sqlite3_column_text(q, 1)));
	}
	store_finish(s, q);
	if (store_prepare(s, &q, "SELECT side, name, address FROM statement_contacts"
	    " WHERE statement = ? ORDER BY side, position", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *side = (const char *)sqlite3_column_text(q, 0);
		g_ptr_array_add(strcmp(side, "from") == 0 ? st->from_contacts : st->to_contacts,
		    addr_new((const char *)sqlite3_column_text(q, 1),
		    (const char *)sqlite3_column_text(q, 2)));
	}
	store_finish(s, q);
	return 0;
}

static struct attachment *
attachment_from_row(sqlite3_stmt *q)
{
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = sqlite3_column_int(q, 0);
	a->filename = col_text(q, 1);
	a->original_filename = col_text(q, 2);
	a->content_type = col_text(q, 3);
	a->size = sqlite3_column_int64(q, 4);
	a->sha256 = col_text(q, 5);
	a->derived_from = sqlite3_column_int(q, 6);
	return a;
}

#define ATTACHMENT_COLS "position, filename, original_filename, content_type, size, sha256," \
	" COALESCE(derived_from, 0)"

static int
load_lists(struct store *s, struct statement *st, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT value FROM identifiers WHERE statement = ? ORDER BY rowid",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW)
		g_ptr_array_add(st->other_identifiers, col_text(q, 0));
	store_finish(s, q);
	if (store_prepare(s, &q, "SELECT related FROM related WHERE statement = ? ORDER BY related",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		gint64 r = sqlite3_column_int64(q, 0);
		g_array_append_val(st->related, r);
	}
	store_finish(s, q);
	if (store_prepare(s, &q, "SELECT " ATTACHMENT_COLS " FROM attachments"
	    " WHERE statement = ? AND removed = 0 ORDER BY position", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW)
		g_ptr_array_add(st->attachments, attachment_from_row(q));
	store_finish(s, q);
	if (store_prepare(s, &q, "SELECT code, severity, field, message FROM problems"
	    " WHERE statement = ? ORDER BY position", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	while (sqlite3_step(q) == SQLITE_ROW)
		statement_problem_add(st, (const char *)sqlite3_column_text(q, 0),
		    strcmp((const char *)sqlite3_column_text(q, 1), "error") == 0 ? SEV_ERROR : SEV_WARNING,
		    (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3));
	store_finish(s, q);
	return 0;
}

struct statement *
store_stmt_load(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT m.state, st.id, st.title, st.purpose, st.deadline, st.body,"
	    " st.from_liaison_contact, st.to_liaison_contact, st.forwarded_by, st.submitter,"
	    " st.auto_generated, st.metadata, st.version, m.message_id, st.action_taken,"
	    " st.direction, st.sent_directly, st.approved_by, st.approved_at, st.approval_how,"
	    " st.approval_note FROM messages m LEFT JOIN statements st ON st.id = m.id WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		store_finish(s, q);
		if (rc == SQLITE_DONE)
			g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		else
			store_set_sqlite_error(s, rc, "load statement", error);
		return NULL;
	}
	struct statement *st = statement_new();
	st->id = id;
	stmt_state_from_name((const char *)sqlite3_column_text(q, 0), &st->state);
	st->message_id = col_text(q, 13);
	gboolean parsed = sqlite3_column_type(q, 1) != SQLITE_NULL;
	if (parsed) {
		st->title = col_text(q, 2);
		st->purpose = col_text(q, 3);
		st->deadline = col_text(q, 4);
		st->body = col_text(q, 5);
		st->from_liaison_contact = col_text(q, 6);
		st->to_liaison_contact = col_text(q, 7);
		st->forwarded_by = col_text(q, 8);
		st->submitter = col_text(q, 9);
		st->auto_generated = sqlite3_column_int(q, 10) != 0;
		st->version = sqlite3_column_int(q, 12);
		st->action_taken = sqlite3_column_int(q, 14) != 0;
		st->outgoing = g_strcmp0((const char *)sqlite3_column_text(q, 15), "outgoing") == 0;
		st->sent_directly = sqlite3_column_int(q, 16) != 0;
		st->approved_by = col_text(q, 17);
		st->approved_at = col_text(q, 18);
		st->approval_how = col_text(q, 19);
		st->approval_note = col_text(q, 20);
		const char *meta = (const char *)sqlite3_column_text(q, 11);
		JsonNode *n = meta ? json_from_string(meta, NULL) : NULL;
		if (n && JSON_NODE_HOLDS_OBJECT(n)) {
			json_object_unref(st->metadata);
			st->metadata = json_object_ref(json_node_get_object(n));
		}
		if (n)
			json_node_unref(n);
	}
	store_finish(s, q);
	if (parsed && (load_groups_contacts(s, st, error) < 0 || load_lists(s, st, error) < 0 ||
	    store_doc_load(s, id, st->documents, FALSE, error) < 0)) {
		statement_free(st);
		return NULL;
	}
	return st;
}

struct attachment *
store_stmt_attachment(struct store *s, gint64 id, int position, char **blob_path,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT " ATTACHMENT_COLS " FROM attachments"
	    " WHERE statement = ? AND position = ? AND removed = 0", error) < 0)
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, position);
	int rc = sqlite3_step(q);
	struct attachment *a = rc == SQLITE_ROW ? attachment_from_row(q) : NULL;
	store_finish(s, q);
	if (!a) {
		if (rc == SQLITE_DONE)
			g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "statement %" G_GINT64_FORMAT
			    " has no attachment %d", id, position);
		else
			store_set_sqlite_error(s, rc, "read attachment", error);
		return NULL;
	}
	if (blob_path)
		*blob_path = store_blob_path(s, a->sha256);
	return a;
}

int
store_stmt_summary(struct store *s, gint64 id, char **state, char **title, int *problems,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT m.state, st.title,"
	    " (SELECT count(*) FROM problems p WHERE p.statement = m.id)"
	    " FROM messages m LEFT JOIN statements st ON st.id = m.id WHERE m.id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*state = col_text(q, 0);
		*title = col_text(q, 1);
		*problems = sqlite3_column_int(q, 2);
	}
	store_finish(s, q);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		return -1;
	}
	return store_set_sqlite_error(s, rc, "statement summary", error);
}
