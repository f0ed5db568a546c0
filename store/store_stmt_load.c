/* store_stmt_load.c - a statement read back (the one loader): for notify, show, list, attachment. */
#include "store/store_query.h"
#include "store/store_outbox.h"
#include "store/store_stmt.h"
#include "store/store_doc.h"
#include "store/store_blob.h"
#include "conf/addr.h"

#include <string.h>

#define ATTACHMENT_COLS "position, filename, original_filename, content_type, size, sha256," \
	" COALESCE(derived_from, 0)"

static struct attachment *
attachment_from_row(sqlite3_stmt *q)
{
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = store_col_int(q, 0);
	a->filename = store_col_text(q, 1);
	a->original_filename = store_col_text(q, 2);
	a->content_type = store_col_text(q, 3);
	a->size = store_col_int64(q, 4);
	a->sha256 = store_col_text(q, 5);
	a->derived_from = store_col_int(q, 6);
	return a;
}

static gboolean
is_from(sqlite3_stmt *q)
{
	return g_strcmp0(store_col_str(q, 0), "from") == 0;
}

static int
row_group(sqlite3_stmt *q, void *data)
{
	struct statement *st = data;
	g_ptr_array_add(is_from(q) ? st->from_groups : st->to_groups,
	    group_ref_new(store_col_str(q, 2), store_col_str(q, 1)));
	return 0;
}

static int
row_contact(sqlite3_stmt *q, void *data)
{
	struct statement *st = data;
	g_ptr_array_add(is_from(q) ? st->from_contacts : st->to_contacts,
	    addr_new(store_col_str(q, 1), store_col_str(q, 2)));
	return 0;
}

static int
row_identifier(sqlite3_stmt *q, void *data)
{
	g_ptr_array_add(((struct statement *)data)->other_identifiers, store_col_text(q, 0));
	return 0;
}

static int
row_related(sqlite3_stmt *q, void *data)
{
	return store_row_append_int64(q, ((struct statement *)data)->related);
}

static int
row_attachment(sqlite3_stmt *q, void *data)
{
	g_ptr_array_add(((struct statement *)data)->attachments, attachment_from_row(q));
	return 0;
}

static int
row_problem(sqlite3_stmt *q, void *data)
{
	statement_problem_add(data, store_col_str(q, 0),
	    g_strcmp0(store_col_str(q, 1), "error") == 0 ? SEV_ERROR : SEV_WARNING,
	    store_col_str(q, 2), store_col_str(q, 3));
	return 0;
}

/* loading - the statement being read, and what to read of it. */
struct loading {
	struct statement *st;
	unsigned flags;
	gboolean parsed;   /* it has a statements row */
};

static int
row_statement(sqlite3_stmt *q, void *data)
{
	struct loading *l = data;
	struct statement *st = l->st;
	stmt_state_from_name(store_col_str(q, 0), &st->state);
	st->message_id = store_col_text(q, 13);
	l->parsed = !store_col_is_null(q, 1);
	if (!l->parsed)
		return 1;
	st->title = store_col_text(q, 2);
	st->purpose = store_col_text(q, 3);
	st->deadline = store_col_text(q, 4);
	st->body = store_col_text(q, 5);
	st->from_liaison_contact = store_col_text(q, 6);
	st->to_liaison_contact = store_col_text(q, 7);
	st->forwarded_by = store_col_text(q, 8);
	st->submitter = store_col_text(q, 9);
	st->auto_generated = store_col_bool(q, 10);
	st->version = store_col_int(q, 12);
	st->action_taken = store_col_bool(q, 14);
	const char *meta = (l->flags & STORE_LOAD_METADATA) ? store_col_str(q, 11) : NULL;
	JsonNode *n = meta ? json_from_string(meta, NULL) : NULL;
	if (n && JSON_NODE_HOLDS_OBJECT(n)) {
		json_object_unref(st->metadata);
		st->metadata = json_object_ref(json_node_get_object(n));
	}
	if (n)
		json_node_unref(n);
	return 1;
}

/* The child tables, in the order a statement is read; WHAT names each for
 * the error message. */
static const struct child {
	unsigned flag;
	const char *sql;
	store_row_fn row;
	const char *what;
} children[] = {
	{ 0, "SELECT side, acronym, text FROM statement_groups WHERE statement = ?"
	    " ORDER BY side, position", row_group, "load statement groups" },
	{ 0, "SELECT side, name, address FROM statement_contacts WHERE statement = ?"
	    " ORDER BY side, position", row_contact, "load statement contacts" },
	{ STORE_LOAD_IDENTIFIERS, "SELECT value FROM identifiers WHERE statement = ? ORDER BY rowid",
	    row_identifier, "load identifiers" },
	{ 0, "SELECT related FROM related WHERE statement = ? ORDER BY related", row_related,
	    "load related statements" },
	{ 0, "SELECT " ATTACHMENT_COLS " FROM attachments WHERE statement = ? AND removed = 0"
	    " ORDER BY position", row_attachment, "load attachments" },
	{ 0, "SELECT code, severity, field, message FROM problems WHERE statement = ?"
	    " ORDER BY position", row_problem, "load problems" },
};

struct statement *
store_stmt_load_with(struct store *s, gint64 id, unsigned flags, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT m.state, st.id, st.title, st.purpose, st.deadline, st.body,"
	    " st.from_liaison_contact, st.to_liaison_contact, st.forwarded_by, st.submitter,"
	    " st.auto_generated, st.metadata, st.version, m.message_id, st.action_taken"
	    " FROM messages m LEFT JOIN statements st ON st.id = m.id WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	struct statement *st = statement_new();
	st->id = id;
	struct loading l = { st, flags, FALSE };
	int found = store_q_one(s, q, row_statement, &l, "load statement", error);
	if (found == 0 || (found > 0 && !l.parsed && !(flags & STORE_LOAD_UNPARSED))) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		found = -1;
	}
	if (found < 0) {
		statement_free(st);
		return NULL;
	}
	if (!l.parsed)
		return st;
	for (size_t i = 0; i < G_N_ELEMENTS(children); i++) {
		const struct child *c = &children[i];
		if ((c->flag & flags) != c->flag)
			continue;
		if (store_q_each_id(s, c->sql, id, c->row, st, c->what, error) < 0) {
			statement_free(st);
			return NULL;
		}
	}
	if ((flags & STORE_LOAD_DOCUMENTS) && store_doc_load(s, id, st->documents, FALSE, error) < 0) {
		statement_free(st);
		return NULL;
	}
	return st;
}

struct statement *
store_stmt_load(struct store *s, gint64 id, GError **error)
{
	return store_stmt_load_with(s, id, STORE_LOAD_SHOW, error);
}

struct statement *
store_outbox_statement(struct store *s, gint64 id, GError **error)
{
	return store_stmt_load_with(s, id, STORE_LOAD_MAIL, error);
}

static int
row_attachment_one(sqlite3_stmt *q, void *data)
{
	*(struct attachment **)data = attachment_from_row(q);
	return 1;
}

struct attachment *
store_stmt_attachment(struct store *s, gint64 id, int position, char **blob_path,
    GError **error)
{
	sqlite3_stmt *q;
	struct attachment *a = NULL;
	if (store_prepare(s, &q, "SELECT " ATTACHMENT_COLS " FROM attachments"
	    " WHERE statement = ? AND position = ? AND removed = 0", error) < 0)
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, position);
	int found = store_q_one(s, q, row_attachment_one, &a, "read attachment", error);
	if (found <= 0) {
		if (found == 0)
			g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "statement %" G_GINT64_FORMAT
			    " has no attachment %d", id, position);
		return NULL;
	}
	if (blob_path)
		*blob_path = store_blob_path(s, a->sha256);
	return a;
}

struct summary {
	char **state, **title;
	int *problems;
};

static int
row_summary(sqlite3_stmt *q, void *data)
{
	struct summary *o = data;
	*o->state = store_col_text(q, 0);
	*o->title = store_col_text(q, 1);
	*o->problems = store_col_int(q, 2);
	return 1;
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
	struct summary o = { state, title, problems };
	int found = store_q_one(s, q, row_summary, &o, "statement summary", error);
	if (found == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return found > 0 ? 0 : -1;
}
