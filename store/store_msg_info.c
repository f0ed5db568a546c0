/* store_msg_info.c - the records of received messages, read for liaisonctl. */
#include "store/store_msg_info.h"
#include "store/store_private.h"

#define COLUMNS "id, received_at, envelope_from, message_id, size, sha256, path, client," \
	" session_id, state, parse_attempts"

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? g_strdup((const char *)t) : NULL;
}

/* from_row - a record from a row selected with COLUMNS. */
static struct store_msg_info *
from_row(sqlite3_stmt *st)
{
	struct store_msg_info *m = g_new0(struct store_msg_info, 1);
	m->id = sqlite3_column_int64(st, 0);
	m->received_at = col_text(st, 1);
	m->envelope_from = col_text(st, 2);
	m->message_id = col_text(st, 3);
	m->size = sqlite3_column_int64(st, 4);
	m->sha256 = col_text(st, 5);
	m->path = col_text(st, 6);
	m->client = col_text(st, 7);
	m->session_id = col_text(st, 8);
	m->state = col_text(st, 9);
	m->parse_attempts = sqlite3_column_int(st, 10);
	return m;
}

void
store_msg_info_free(gpointer p)
{
	struct store_msg_info *m = p;
	if (!m)
		return;
	g_free(m->received_at);
	g_free(m->envelope_from);
	g_free(m->message_id);
	g_free(m->sha256);
	g_free(m->path);
	g_free(m->client);
	g_free(m->session_id);
	g_free(m->state);
	g_strfreev(m->recipients);
	g_free(m);
}

GPtrArray *
store_msg_info_list(struct store *s, const char *state, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT " COLUMNS " FROM messages"
	    " WHERE ?1 IS NULL OR state = ?1 ORDER BY id", error) < 0)
		return NULL;
	if (state)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_TRANSIENT);
	GPtrArray *a = g_ptr_array_new_with_free_func(store_msg_info_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(a, from_row(st));
	store_finish(s, st);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		store_set_sqlite_error(s, rc, "list messages", error);
		return NULL;
	}
	return a;
}

/* recipients - message ID's accepted RCPTs in order, NULL-terminated. */
static char **
recipients(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT address FROM message_recipients WHERE message = ?"
	    " ORDER BY position", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *a = g_ptr_array_new();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(a, col_text(st, 0));
	store_finish(s, st);
	g_ptr_array_add(a, NULL);
	char **v = (char **)g_ptr_array_free(a, FALSE);
	if (rc != SQLITE_DONE) {
		g_strfreev(v);
		store_set_sqlite_error(s, rc, "list recipients", error);
		return NULL;
	}
	return v;
}

struct store_msg_info *
store_msg_info_get(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	struct store_msg_info *m = NULL;
	if (store_prepare(s, &st, "SELECT " COLUMNS " FROM messages WHERE id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		m = from_row(st);
	store_finish(s, st);
	if (rc == SQLITE_DONE) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		return NULL;
	}
	if (!m) {
		store_set_sqlite_error(s, rc, "find message", error);
		return NULL;
	}
	m->recipients = recipients(s, id, error);
	if (!m->recipients) {
		store_msg_info_free(m);
		return NULL;
	}
	return m;
}
