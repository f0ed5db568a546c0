/* store_flow.c - a message's state columns, inside the caller's transaction. */
#include "store/store_flow.h"
#include "store/store_private.h"

#include <string.h>

static char *
col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? g_strdup((const char *)t) : NULL;
}

int
store_flow_state(struct store *s, gint64 id, char **state, char **before_discard,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT state, state_before_discard FROM messages WHERE id = ?",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*state = col_dup(q, 0);
		if (before_discard)
			*before_discard = col_dup(q, 1);
	}
	store_finish(s, q);
	if (rc == SQLITE_DONE) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		return -1;
	}
	return rc == SQLITE_ROW ? 0 : store_set_sqlite_error(s, rc, "read state", error);
}

/* run - one UPDATE with ?1 = ID and ?2, ?3 texts (NULL binds NULL). */
static int
run(struct store *s, const char *sql, gint64 id, const char *a, const char *b, int *changes,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int n = sqlite3_bind_parameter_count(q);
	if (n >= 2)
		sqlite3_bind_text(q, 2, a, -1, SQLITE_TRANSIENT);
	if (n >= 3)
		sqlite3_bind_text(q, 3, b, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	store_finish(s, q);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "update state", error);
	if (changes)
		*changes = sqlite3_changes(s->db);
	return 0;
}

int
store_flow_set_state(struct store *s, gint64 id, const char *state, const char *before_discard,
    GError **error)
{
	int changes = 0;
	g_autofree char *now = store_now();
	if (run(s, "UPDATE messages SET state = ?2, state_before_discard = ?3 WHERE id = ?1", id,
	    state, before_discard, &changes, error) < 0)
		return -1;
	if (changes == 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		return -1;
	}
	return run(s, "UPDATE statements SET version = version + 1,"
	    " posted_at = CASE WHEN ?2 = 'posted' THEN COALESCE(posted_at, ?3) ELSE posted_at END"
	    " WHERE id = ?1", id, state, now, NULL, error);
}

int
store_flow_mark_taken(struct store *s, gint64 id, gboolean *changed, GError **error)
{
	int changes = 0;
	if (run(s, "UPDATE statements SET action_taken = 1, version = version + 1"
	    " WHERE id = ?1 AND action_taken = 0", id, NULL, NULL, &changes, error) < 0)
		return -1;
	*changed = changes > 0;
	return 0;
}

int
store_flow_set_approval(struct store *s, gint64 id, const char *by, const char *how,
    const char *note, char **at, GError **error)
{
	sqlite3_stmt *q;
	g_autofree char *now = store_now();
	if (store_prepare(s, &q, "UPDATE statements SET approved_by = ?2, approved_at = ?3,"
	    " approval_how = ?4, approval_note = ?5, version = version + 1 WHERE id = ?1", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, how, -1, SQLITE_TRANSIENT);
	if (note)
		sqlite3_bind_text(q, 5, note, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, 5);
	int rc = sqlite3_step(q);
	store_finish(s, q);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "record approval", error);
	if (at)
		*at = g_steal_pointer(&now);
	return 0;
}

GArray *
store_flow_pending(struct store *s, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT id FROM messages WHERE state = 'pending' ORDER BY id",
	    error) < 0)
		return NULL;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(q, 0);
		g_array_append_val(ids, id);
	}
	store_finish(s, q);
	if (rc != SQLITE_DONE) {
		g_array_unref(ids);
		store_set_sqlite_error(s, rc, "list pending", error);
		return NULL;
	}
	return ids;
}

int
store_flow_last_event(struct store *s, gint64 id, const char *kind, char **at, GError **error)
{
	sqlite3_stmt *q;
	*at = NULL;
	if (store_prepare(s, &q, "SELECT max(at) FROM events WHERE statement = ?1 AND kind = ?2",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, kind, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*at = col_dup(q, 0);
	store_finish(s, q);
	return rc == SQLITE_ROW ? 0 : store_set_sqlite_error(s, rc, "read last event", error);
}

int
store_flow_last_approval_mail(struct store *s, gint64 id, char **day, GError **error)
{
	sqlite3_stmt *q;
	*day = NULL;
	/* a reminder's day is the one it was queued for (its key ends with
	 * it: `remind --today` may run ahead of the clock); a request's, the
	 * day it was queued */
	if (store_prepare(s, &q, "SELECT max(CASE WHEN kind = 'approval_reminder'"
	    " THEN substr(reminder_key, -10) ELSE substr(created_at, 1, 10) END)"
	    " FROM outbox WHERE statement = ?1"
	    " AND kind IN ('approval_request', 'approval_reminder')", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*day = col_dup(q, 0);
	store_finish(s, q);
	return rc == SQLITE_ROW ? 0 : store_set_sqlite_error(s, rc, "read last mail", error);
}
