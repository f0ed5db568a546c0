/* store_flow.c - a message's state columns, inside the caller's transaction. */
#include "store/store_flow.h"
#include "store/store_query.h"

struct state_row {
	char **state, **before_discard;
};

static int
row_state(sqlite3_stmt *q, void *data)
{
	struct state_row *r = data;
	*r->state = store_col_text(q, 0);
	if (r->before_discard)
		*r->before_discard = store_col_text(q, 1);
	return 1;
}

static int
not_found(gint64 id, GError **error)
{
	g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return -1;
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
	struct state_row r = { state, before_discard };
	int found = store_q_one(s, q, row_state, &r, "read state", error);
	if (found == 0)
		return not_found(id, error);
	return found < 0 ? -1 : 0;
}

/* run - one UPDATE with ?1 = ID and ?2, ?3 texts (NULL binds NULL): the
 * number of rows it changed, or -1. */
static int
run(struct store *s, const char *sql, gint64 id, const char *a, const char *b, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int n = sqlite3_bind_parameter_count(q);
	if (n >= 2)
		store_bind_text(q, 2, a);
	if (n >= 3)
		store_bind_text(q, 3, b);
	return store_q_exec(s, q, "update state", error);
}

int
store_flow_set_state(struct store *s, gint64 id, const char *state, const char *before_discard,
    GError **error)
{
	g_autofree char *now = store_now();
	store_assert_in_tx(s);
	int changes = run(s, "UPDATE messages SET state = ?2, state_before_discard = ?3 WHERE id = ?1",
	    id, state, before_discard, error);
	if (changes < 0)
		return -1;
	if (changes == 0)
		return not_found(id, error);
	return run(s, "UPDATE statements SET version = version + 1,"
	    " posted_at = CASE WHEN ?2 = 'posted' THEN COALESCE(posted_at, ?3) ELSE posted_at END"
	    " WHERE id = ?1", id, state, now, error) < 0 ? -1 : 0;
}

int
store_flow_mark_taken(struct store *s, gint64 id, gboolean *changed, GError **error)
{
	store_assert_in_tx(s);
	int changes = run(s, "UPDATE statements SET action_taken = 1, version = version + 1"
	    " WHERE id = ?1 AND action_taken = 0", id, NULL, NULL, error);
	if (changes < 0)
		return -1;
	*changed = changes > 0;
	return 0;
}

int
store_flow_discard_told(struct store *s, gint64 id, gboolean *told, GError **error)
{
	sqlite3_stmt *q;
	/* only the latest discard counts: a notice before an earlier restore
	 * told the sender of another discard */
	if (store_prepare(s, &q, "SELECT EXISTS (SELECT 1 FROM events WHERE statement = ?1"
	    " AND kind = 'notified' AND detail = 'discard notice queued' AND id > (SELECT"
	    " COALESCE(MAX(id), 0) FROM events WHERE statement = ?1 AND kind = 'discarded'))",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int v = 0;
	if (store_q_one(s, q, store_row_int, &v, "read discard notice", error) < 0)
		return -1;
	*told = v != 0;
	return 0;
}
