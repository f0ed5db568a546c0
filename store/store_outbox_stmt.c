/* store_outbox_stmt.c - read back what notification mail shows of a saved statement. */
#include "store/store_outbox.h"
#include "store/store_private.h"
#include "model/statement.h"
#include "conf/addr.h"

#include <string.h>

static char *
dup_col(sqlite3_stmt *st, int i)
{
	return g_strdup((const char *)sqlite3_column_text(st, i));
}

/* each_row - prepare SQL bound to ID and call ROW for every result row. */
static int
each_row(struct store *s, const char *sql, gint64 id, struct statement *out,
    void (*row)(sqlite3_stmt *, struct statement *), GError **error)
{
	sqlite3_stmt *st;
	int rc;
	if (store_prepare(s, &st, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(st, out);
	store_finish(s, st);
	return rc == SQLITE_DONE ? 0 : store_set_sqlite_error(s, rc, "load statement", error);
}

static void
row_group(sqlite3_stmt *st, struct statement *out)
{
	const char *side = (const char *)sqlite3_column_text(st, 0);
	GPtrArray *to = strcmp(side, "from") == 0 ? out->from_groups : out->to_groups;
	g_ptr_array_add(to, group_ref_new((const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 1)));
}

static void
row_contact(sqlite3_stmt *st, struct statement *out)
{
	const char *side = (const char *)sqlite3_column_text(st, 0);
	GPtrArray *to = strcmp(side, "from") == 0 ? out->from_contacts : out->to_contacts;
	g_ptr_array_add(to, addr_new((const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 1)));
}

static void
row_attachment(sqlite3_stmt *st, struct statement *out)
{
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = sqlite3_column_int(st, 0);
	a->filename = dup_col(st, 1);
	a->content_type = dup_col(st, 2);
	a->size = sqlite3_column_int64(st, 3);
	a->sha256 = dup_col(st, 4);
	a->derived_from = sqlite3_column_int(st, 5);
	g_ptr_array_add(out->attachments, a);
}

static void
row_related(sqlite3_stmt *st, struct statement *out)
{
	gint64 id = sqlite3_column_int64(st, 0);
	g_array_append_val(out->related, id);
}

static void
row_problem(sqlite3_stmt *st, struct statement *out)
{
	const char *sev = (const char *)sqlite3_column_text(st, 1);
	statement_problem_add(out, (const char *)sqlite3_column_text(st, 0),
	    strcmp(sev, "error") == 0 ? SEV_ERROR : SEV_WARNING,
	    (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
}

struct statement *
store_outbox_statement(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT m.state, m.message_id, s.title, s.purpose, s.deadline,"
	    " s.body, s.from_liaison_contact, s.to_liaison_contact, s.forwarded_by, s.submitter,"
	    " s.auto_generated, s.version, s.direction, s.sent_directly, s.approved_by"
	    " FROM messages m JOIN statements s ON s.id = m.id"
	    " WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_finish(s, st);
		if (rc == SQLITE_DONE)
			g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		else
			store_set_sqlite_error(s, rc, "load statement", error);
		return NULL;
	}
	struct statement *out = statement_new();
	out->id = id;
	stmt_state_from_name((const char *)sqlite3_column_text(st, 0), &out->state);
	out->message_id = dup_col(st, 1);
	out->title = dup_col(st, 2);
	out->purpose = dup_col(st, 3);
	out->deadline = dup_col(st, 4);
	out->body = dup_col(st, 5);
	out->from_liaison_contact = dup_col(st, 6);
	out->to_liaison_contact = dup_col(st, 7);
	out->forwarded_by = dup_col(st, 8);
	out->submitter = dup_col(st, 9);
	out->auto_generated = sqlite3_column_int(st, 10) != 0;
	out->version = sqlite3_column_int(st, 11);
	out->outgoing = g_strcmp0((const char *)sqlite3_column_text(st, 12), "outgoing") == 0;
	out->sent_directly = sqlite3_column_int(st, 13) != 0;
	out->approved_by = dup_col(st, 14);
	store_finish(s, st);

	if (each_row(s, "SELECT side, acronym, text FROM statement_groups WHERE statement = ?"
	    " ORDER BY side, position", id, out, row_group, error) < 0 ||
	    each_row(s, "SELECT side, address, name FROM statement_contacts WHERE statement = ?"
	    " ORDER BY side, position", id, out, row_contact, error) < 0 ||
	    each_row(s, "SELECT position, filename, content_type, size, sha256, derived_from"
	    " FROM attachments"
	    " WHERE statement = ? AND removed = 0 ORDER BY position", id, out, row_attachment,
	    error) < 0 ||
	    each_row(s, "SELECT related FROM related WHERE statement = ? ORDER BY related", id, out,
	    row_related, error) < 0 ||
	    each_row(s, "SELECT code, severity, field, message FROM problems WHERE statement = ?"
	    " ORDER BY position", id, out, row_problem, error) < 0) {
		statement_free(out);
		return NULL;
	}
	return out;
}
