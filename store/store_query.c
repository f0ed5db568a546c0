/* store_query.c - preparing statements (and the parse worker's cache of
 * them), and the one place where sqlite3_step results are checked. */
#include "store/store_query.h"

int
store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, GError **error)
{
	if (s->cache)   /* the parse worker: reuse (store_finish resets, not finalizes) */
		return store_prepare_cached(s, st, sql, error);
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return store_set_sqlite_error(s, rc, "prepare", error);
	return 0;
}

int
store_exec(struct store *s, const char *sql, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = store_sqlite_temporary(rc) ? STORE_ERR_TEMP : STORE_ERR_SCHEMA;
		g_set_error(error, STORE_ERROR, code, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void
store_cache_statements(struct store *s)
{
	if (s->cache)
		return;
	s->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->cached = g_hash_table_new(g_direct_hash, g_direct_equal);
}

int
store_prepare_cached(struct store *s, sqlite3_stmt **st, const char *sql, GError **error)
{
	if (!s->cache)
		return store_prepare(s, st, sql, error);
	*st = g_hash_table_lookup(s->cache, sql);
	if (*st && !sqlite3_stmt_busy(*st))
		return 0;
	if (*st) {   /* the same SQL still stepping further up the stack: a fresh one */
		int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
		return rc == SQLITE_OK ? 0 : store_set_sqlite_error(s, rc, "prepare", error);
	}
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK)
		return store_set_sqlite_error(s, rc, "prepare", error);
	g_hash_table_insert(s->cache, g_strdup(sql), *st);
	g_hash_table_add(s->cached, *st);
	return 0;
}

void
store_finish(struct store *s, sqlite3_stmt *st)
{
	if (s->cached && g_hash_table_contains(s->cached, st)) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);   /* no pointer to the caller's data survives */
	} else {
		sqlite3_finalize(st);
	}
}

/* store_cache_free - finalize the cached statements (before closing). */
void
store_cache_free(struct store *s)
{
	if (!s->cache)
		return;
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, s->cache);
	while (g_hash_table_iter_next(&it, &k, &v))
		sqlite3_finalize(v);
	g_clear_pointer(&s->cache, g_hash_table_destroy);
	g_clear_pointer(&s->cached, g_hash_table_destroy);
}

int
store_q_each(struct store *s, sqlite3_stmt *q, store_row_fn row, void *data,
    const char *what, GError **error)
{
	int rc, n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n++;
		if (row && row(q, data) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_finish(s, q);
	return rc == SQLITE_DONE ? n : store_set_sqlite_error(s, rc, what, error);
}

int
store_q_one(struct store *s, sqlite3_stmt *q, store_row_fn row, void *data,
    const char *what, GError **error)
{
	int rc = sqlite3_step(q), n = 0;
	if (rc == SQLITE_ROW) {
		n = 1;
		if (row)
			row(q, data);
	}
	store_finish(s, q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : store_set_sqlite_error(s, rc, what, error);
}

int
store_q_exec(struct store *s, sqlite3_stmt *q, const char *what, GError **error)
{
	int rc = sqlite3_step(q);
	store_finish(s, q);
	return rc == SQLITE_DONE ? sqlite3_changes(s->db) : store_set_sqlite_error(s, rc, what, error);
}

int
store_q_run(struct store *s, sqlite3_stmt *q, const char *what, GError **error)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? sqlite3_changes(s->db) : store_set_sqlite_error(s, rc, what, error);
}

int
store_q_each_id(struct store *s, const char *sql, gint64 id, store_row_fn row, void *data,
    const char *what, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return store_q_each(s, q, row, data, what, error);
}

int
store_row_int64(sqlite3_stmt *q, void *data)
{
	*(gint64 *)data = sqlite3_column_int64(q, 0);
	return 1;
}

int
store_row_int(sqlite3_stmt *q, void *data)
{
	*(int *)data = sqlite3_column_int(q, 0);
	return 1;
}

int
store_row_text(sqlite3_stmt *q, void *data)
{
	char **out = data;
	g_free(*out);
	*out = store_col_text(q, 0);
	return 1;
}

int
store_row_append_int64(sqlite3_stmt *q, void *data)
{
	gint64 v = sqlite3_column_int64(q, 0);
	g_array_append_val((GArray *)data, v);
	return 0;
}

char *
store_col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? g_strdup((const char *)t) : NULL;
}

char *
store_col_text_or(sqlite3_stmt *q, int i, const char *null)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return g_strdup(t ? (const char *)t : null);
}

const char *
store_col_str(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

gint64
store_col_int64(sqlite3_stmt *q, int i)
{
	return sqlite3_column_int64(q, i);
}

int
store_col_int(sqlite3_stmt *q, int i)
{
	return sqlite3_column_int(q, i);
}

gboolean
store_col_bool(sqlite3_stmt *q, int i)
{
	return sqlite3_column_int(q, i) != 0;
}

gboolean
store_col_is_null(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL;
}

void
store_bind_text(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}
