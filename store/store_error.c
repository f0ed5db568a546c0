/* store_error.c - the store's error domain, and SQLite's result codes classed into it. */
#include "store/store_private.h"

G_DEFINE_QUARK(liaisond-store-error-quark, store_error)

gboolean
store_sqlite_temporary(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL: case SQLITE_IOERR:
	case SQLITE_NOMEM: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL: case SQLITE_READONLY:
		return TRUE;
	default:
		return FALSE;
	}
}

int
store_set_sqlite_error(struct store *s, int rc, const char *what, GError **error)
{
	int code = store_sqlite_temporary(rc) ? STORE_ERR_TEMP :
	    (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_ERR_DATA : STORE_ERR_SCHEMA;
	g_set_error(error, STORE_ERROR, code, "%s: %s", what,
	    s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	return -1;
}
