/* store_query.h - running prepared statements, for the files of store/ only.
 *
 * Every sqlite3_step result is checked in store_query.c: a query run through
 * these helpers either reads all of its rows or returns -1 with ERROR, never
 * a part of them as success (a busy or I/O error half-way through a loop).
 * Each helper finishes the statement (store_finish), whatever happens. */
#ifndef LIAISON_STORE_QUERY_H
#define LIAISON_STORE_QUERY_H

#include "store/store_private.h"

/* store_row_fn - called with each result row: 0 for the next one, 1 to stop
 * reading (not an error). */
typedef int (*store_row_fn)(sqlite3_stmt *q, void *data);

/* store_q_each - step Q to its end, ROW for every row. Returns the number of
 * rows read, or -1 and ERROR "WHAT: <SQLite's message>". */
int store_q_each(struct store *s, sqlite3_stmt *q, store_row_fn row, void *data,
    const char *what, GError **error);
/* store_q_one - the first row only, to ROW (may be NULL): 1, 0 when there is
 * no row, -1 on error. */
int store_q_one(struct store *s, sqlite3_stmt *q, store_row_fn row, void *data,
    const char *what, GError **error);
/* store_q_exec - run a write to its end: the number of rows it changed, or -1. */
int store_q_exec(struct store *s, sqlite3_stmt *q, const char *what, GError **error);

/* store_q_run - store_q_exec, but Q is reset, not finished: for a write
 * prepared once and run in a loop; the caller calls store_finish after it. */
int store_q_run(struct store *s, sqlite3_stmt *q, const char *what, GError **error);

/* store_q_each_id - prepare SQL (through the cache when the connection has
 * one), bind ?1 = ID and store_q_each it: the usual child-table read. */
int store_q_each_id(struct store *s, const char *sql, gint64 id, store_row_fn row, void *data,
    const char *what, GError **error);

/* Row functions for one-column results: the first column into DATA. */
int store_row_int64(sqlite3_stmt *q, void *data);   /* gint64 * */
int store_row_int(sqlite3_stmt *q, void *data);     /* int * */
int store_row_text(sqlite3_stmt *q, void *data);    /* char ** (a copy, NULL for NULL) */
/* store_row_append_int64 - the first column appended to a GArray of gint64. */
int store_row_append_int64(sqlite3_stmt *q, void *data);

/* Typed column getters. */
char *store_col_text(sqlite3_stmt *q, int i);        /* a copy, or NULL for NULL */
char *store_col_text_or(sqlite3_stmt *q, int i, const char *null);   /* a copy, a copy of NULL_ for NULL */
const char *store_col_str(sqlite3_stmt *q, int i);   /* valid until the next step */
gint64 store_col_int64(sqlite3_stmt *q, int i);
int store_col_int(sqlite3_stmt *q, int i);
gboolean store_col_bool(sqlite3_stmt *q, int i);
gboolean store_col_is_null(sqlite3_stmt *q, int i);

/* store_bind_text - V (copied), or NULL as SQL NULL. */
void store_bind_text(sqlite3_stmt *q, int i, const char *v);

/* store_assert_in_tx - for functions that write inside the caller's
 * transaction: called outside one, each statement would commit on its own,
 * and a crash half-way would leave half the change. A programming error. */
#define store_assert_in_tx(s) g_assert(!sqlite3_get_autocommit((s)->db))

#endif
