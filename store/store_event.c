/* store_event.c - the events table: a statement's history, written inside
 * the transaction of the change it records. */
#include "store/store_query.h"

int
store_event(struct store *s, gint64 statement, const char *actor, const char *kind,
    const char *detail, gboolean private_, GError **error)
{
	sqlite3_stmt *st;
	store_assert_in_tx(s);
	g_autofree char *now = store_now();
	if (store_prepare_cached(s, &st, "INSERT INTO events(statement, at, actor, kind, detail, private)"
	    " VALUES (?, ?, ?, ?, ?, ?)", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, statement);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, kind);
	store_bind_text(st, 5, detail ? detail : "");
	sqlite3_bind_int(st, 6, private_ ? 1 : 0);
	return store_q_exec(s, st, "add event", error) < 0 ? -1 : 0;
}
