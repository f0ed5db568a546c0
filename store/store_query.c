/* store_query.c - the one place where sqlite3_step results are checked. */
#include "store/store_query.h"

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
