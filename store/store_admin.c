/* store_admin.c - the secretariat's reads (summaries, history) and the
 * version checks flow/ makes inside its transactions. */
#include "store/store_admin.h"
#include "store/store_admin_private.h"

#include <string.h>


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
	a->id = store_col_int64(st, 0);
	stmt_state_from_name(store_col_str(st, 1), &a->state);
	a->received_at = store_col_text_or(st, 2, "");
	a->posted_at = store_col_text(st, 3);
	a->sender = store_col_text_or(st, 4, "");
	a->title = store_col_text(st, 5);
	a->from_groups = store_col_text_or(st, 6, "");
	a->to_groups = store_col_text_or(st, 7, "");
	a->errors = store_col_text_or(st, 8, "");
	a->warnings = store_col_text_or(st, 9, "");
	a->version = store_col_int(st, 10);
	a->parsed = store_col_int(st, 11);
	a->action_taken = store_col_int(st, 12);
	a->purpose = store_col_text(st, 13);
	a->deadline = store_col_text(st, 14);
	return a;
}

int
store_admin_not_found(gint64 id, GError **error)
{
	g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return -1;
}

static int
row_summary(sqlite3_stmt *st, void *data)
{
	g_ptr_array_add(data, store_admin_read_summary(st));
	return 0;
}

static int
row_one_summary(sqlite3_stmt *st, void *data)
{
	*(struct admin_summary **)data = store_admin_read_summary(st);
	return 1;
}

struct admin_summary *
store_admin_summary(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	struct admin_summary *a = NULL;
	if (store_prepare(s, &st, ADMIN_SUMMARY_SELECT "WHERE m.id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (store_q_one(s, st, row_one_summary, &a, "read statement", error) == 0)
		store_admin_not_found(id, error);
	return a;
}

GPtrArray *
store_admin_rejects(struct store *s, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, ADMIN_SUMMARY_SELECT "WHERE m.state = 'rejected'"
	    " ORDER BY m.received_at, m.id", error) < 0)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_summary_free);
	if (store_q_each(s, st, row_summary, out, "read rejects", error) < 0) {
		g_ptr_array_free(out, TRUE);
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

static int
row_state(sqlite3_stmt *st, void *data)
{
	*(char **)data = store_col_text_or(st, 0, "");
	return 1;
}

/* message_state - the state of message ID into *STATE; -1 and "no statement N". */
static int
message_state(struct store *s, gint64 id, char **state, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT state FROM messages WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int found = store_q_one(s, st, row_state, state, "read state", error);
	if (found == 0)
		return store_admin_not_found(id, error);
	return found < 0 ? -1 : 0;
}

static int
row_event(sqlite3_stmt *st, void *data)
{
	struct admin_event *e = g_new0(struct admin_event, 1);
	e->id = store_col_int64(st, 0);
	e->at = store_col_text_or(st, 1, "");
	e->actor = store_col_text_or(st, 2, "");
	e->kind = store_col_text_or(st, 3, "");
	e->detail = store_col_text_or(st, 4, "");
	e->private_ = store_col_int(st, 5);
	g_ptr_array_add(data, e);
	return 0;
}

GPtrArray *
store_admin_history(struct store *s, gint64 id, GError **error)
{
	g_autofree char *state = NULL;
	if (message_state(s, id, &state, error) < 0)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_event_free);
	if (store_q_each_id(s, "SELECT id, at, actor, kind, detail, private FROM events"
	    " WHERE statement = ? ORDER BY at, id", id, row_event, out, "read history", error) < 0) {
		g_ptr_array_free(out, TRUE);
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
		store_bind_text(st, 2, a);
	if (sqlite3_bind_parameter_count(st) >= 3)
		store_bind_text(st, 3, b);
	int n = store_q_exec(s, st, "update", error);
	if (n < 0)
		return -1;
	if (changes)
		*changes = n;
	return 0;
}

int
store_admin_check_version(struct store *s, gint64 id, int expected, GError **error)
{
	sqlite3_stmt *st;
	int changes = 0;
	store_assert_in_tx(s);
	g_autofree char *sql = g_strdup_printf("UPDATE statements SET version = version + 1"
	    " WHERE id = ?1 AND version = %d", expected);
	if (run_update(s, sql, id, NULL, NULL, &changes, error) < 0)
		return -1;
	if (changes == 1)
		return 0;
	if (store_prepare(s, &st, "SELECT version FROM statements WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int now = -1;
	int found = store_q_one(s, st, store_row_int, &now, "read version", error);
	if (found < 0)
		return -1;
	if (found == 0)
		return store_admin_not_found(id, error);
	g_set_error(error, STORE_ERROR, STORE_ERR_CONFLICT,
	    "statement %" G_GINT64_FORMAT " changed since you read it (version %d -> %d);"
	    " run show and try again", id, expected, now);
	return -1;
}

int
store_admin_set_version(struct store *s, gint64 id, int version, GError **error)
{
	store_assert_in_tx(s);
	g_autofree char *sql = g_strdup_printf("UPDATE statements SET version = %d WHERE id = ?1",
	    version);
	return run_update(s, sql, id, NULL, NULL, NULL, error);
}
