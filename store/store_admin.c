/* store_admin.c - the secretariat's reads (summaries, history) and the
 * version checks flow/ makes inside its transactions. */
#include "store/store_admin.h"
#include "store/store_admin_private.h"

#include <string.h>

/* col_dup - a text column, NULL when NULL. */
static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? g_strdup((const char *)t) : NULL;
}

/* col_str - a text column, "" when NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return g_strdup(t ? (const char *)t : "");
}

void
admin_summary_free(gpointer p)
{
	struct admin_summary *a = p;
	if (!a)
		return;
	g_free(a->received_at);
	g_free(a->posted_at);
	g_free(a->sender);
	g_free(a->title);
	g_free(a->from_groups);
	g_free(a->to_groups);
	g_free(a->errors);
	g_free(a->warnings);
	g_free(a->purpose);
	g_free(a->deadline);
	g_free(a->snippet);
	g_free(a->relation);
	g_free(a);
}

struct admin_summary *
store_admin_read_summary(sqlite3_stmt *st)
{
	struct admin_summary *a = g_new0(struct admin_summary, 1);
	a->id = sqlite3_column_int64(st, 0);
	stmt_state_from_name((const char *)sqlite3_column_text(st, 1), &a->state);
	a->received_at = col_str(st, 2);
	a->posted_at = col_dup(st, 3);
	a->sender = col_str(st, 4);
	a->title = col_dup(st, 5);
	a->from_groups = col_str(st, 6);
	a->to_groups = col_str(st, 7);
	a->errors = col_str(st, 8);
	a->warnings = col_str(st, 9);
	a->version = sqlite3_column_int(st, 10);
	a->parsed = sqlite3_column_int(st, 11);
	a->action_taken = sqlite3_column_int(st, 12);
	a->purpose = col_dup(st, 13);
	a->deadline = col_dup(st, 14);
	return a;
}

int
store_admin_not_found(gint64 id, GError **error)
{
	g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return -1;
}

struct admin_summary *
store_admin_summary(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	struct admin_summary *a = NULL;
	if (store_prepare(s, &st, ADMIN_SUMMARY_SELECT "WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		a = store_admin_read_summary(st);
	else if (rc == SQLITE_DONE)
		store_admin_not_found(id, error);
	else
		store_set_sqlite_error(s, rc, "read statement", error);
	store_finish(s, st);
	return a;
}

GPtrArray *
store_admin_rejects(struct store *s, GError **error)
{
	sqlite3_stmt *st;
	int rc;
	if (store_prepare(s, &st, ADMIN_SUMMARY_SELECT "WHERE m.state = 'rejected'"
	    " ORDER BY m.received_at, m.id", error) < 0)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_summary_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, store_admin_read_summary(st));
	store_finish(s, st);
	if (rc != SQLITE_DONE) {
		g_ptr_array_free(out, TRUE);
		store_set_sqlite_error(s, rc, "read rejects", error);
		return NULL;
	}
	return out;
}

void
admin_event_free(gpointer p)
{
	struct admin_event *e = p;
	if (!e)
		return;
	g_free(e->at);
	g_free(e->actor);
	g_free(e->kind);
	g_free(e->detail);
	g_free(e);
}

/* message_state - the state of message ID into *STATE; -1 and "no statement N". */
static int
message_state(struct store *s, gint64 id, char **state, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT state FROM messages WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*state = col_str(st, 0);
	store_finish(s, st);
	if (rc == SQLITE_DONE)
		return store_admin_not_found(id, error);
	if (rc != SQLITE_ROW)
		return store_set_sqlite_error(s, rc, "read state", error);
	return 0;
}

GPtrArray *
store_admin_history(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	g_autofree char *state = NULL;
	int rc;
	if (message_state(s, id, &state, error) < 0)
		return NULL;
	if (store_prepare(s, &st, "SELECT id, at, actor, kind, detail, private FROM events"
	    " WHERE statement = ? ORDER BY at, id", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_event_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct admin_event *e = g_new0(struct admin_event, 1);
		e->id = sqlite3_column_int64(st, 0);
		e->at = col_str(st, 1);
		e->actor = col_str(st, 2);
		e->kind = col_str(st, 3);
		e->detail = col_str(st, 4);
		e->private_ = sqlite3_column_int(st, 5);
		g_ptr_array_add(out, e);
	}
	store_finish(s, st);
	if (rc != SQLITE_DONE) {
		g_ptr_array_free(out, TRUE);
		store_set_sqlite_error(s, rc, "read history", error);
		return NULL;
	}
	return out;
}

/* run_update - one UPDATE/INSERT with an id and up to two texts bound
 * (?1 = id, ?2, ?3); *CHANGES gets the rows changed when not NULL. */
static int
run_update(struct store *s, const char *sql, gint64 id, const char *a, const char *b,
    int *changes, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_text(st, 3, b, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	store_finish(s, st);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "update", error);
	if (changes)
		*changes = sqlite3_changes(s->db);
	return 0;
}

int
store_admin_check_version(struct store *s, gint64 id, int expected, GError **error)
{
	sqlite3_stmt *st;
	int changes = 0;
	g_autofree char *sql = g_strdup_printf("UPDATE statements SET version = version + 1"
	    " WHERE id = ?1 AND version = %d", expected);
	if (run_update(s, sql, id, NULL, NULL, &changes, error) < 0)
		return -1;
	if (changes == 1)
		return 0;
	if (store_prepare(s, &st, "SELECT version FROM statements WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int now = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	store_finish(s, st);
	if (now < 0)
		return store_admin_not_found(id, error);
	g_set_error(error, STORE_ERROR, STORE_ERR_CONFLICT,
	    "statement %" G_GINT64_FORMAT " changed since you read it (version %d -> %d);"
	    " run show and try again", id, expected, now);
	return -1;
}

int
store_admin_set_version(struct store *s, gint64 id, int version, GError **error)
{
	g_autofree char *sql = g_strdup_printf("UPDATE statements SET version = %d WHERE id = ?1",
	    version);
	return run_update(s, sql, id, NULL, NULL, NULL, error);
}
