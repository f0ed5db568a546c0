/* store_msg_info.c - the records of received messages, read for liaisonctl. */
#include "store/store_msg_info.h"
#include "store/store_query.h"

#define COLUMNS "id, received_at, envelope_from, message_id, size, sha256, path, client," \
	" session_id, state, parse_attempts"

/* from_row - a record from a row selected with COLUMNS. */
static struct store_msg_info *
from_row(sqlite3_stmt *st)
{
	struct store_msg_info *m = g_new0(struct store_msg_info, 1);
	m->id = store_col_int64(st, 0);
	m->received_at = store_col_text(st, 1);
	m->envelope_from = store_col_text(st, 2);
	m->message_id = store_col_text(st, 3);
	m->size = store_col_int64(st, 4);
	m->sha256 = store_col_text(st, 5);
	m->path = store_col_text(st, 6);
	m->client = store_col_text(st, 7);
	m->session_id = store_col_text(st, 8);
	m->state = store_col_text(st, 9);
	m->parse_attempts = store_col_int(st, 10);
	return m;
}

/* row_info - a record appended to the GPtrArray DATA. */
static int
row_info(sqlite3_stmt *st, void *data)
{
	g_ptr_array_add(data, from_row(st));
	return 0;
}

static int
row_one_info(sqlite3_stmt *st, void *data)
{
	*(struct store_msg_info **)data = from_row(st);
	return 1;
}

static int
row_address(sqlite3_stmt *st, void *data)
{
	g_ptr_array_add(data, store_col_text(st, 0));
	return 0;
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
	if (store_q_each(s, st, row_info, a, "list messages", error) < 0) {
		g_ptr_array_unref(a);
		return NULL;
	}
	return a;
}

/* recipients - message ID's accepted RCPTs in order, NULL-terminated. */
static char **
recipients(struct store *s, gint64 id, GError **error)
{
	GPtrArray *a = g_ptr_array_new();
	int n = store_q_each_id(s, "SELECT address FROM message_recipients WHERE message = ?"
	    " ORDER BY position", id, row_address, a, "list recipients", error);
	g_ptr_array_add(a, NULL);
	char **v = (char **)g_ptr_array_free(a, FALSE);
	if (n < 0) {
		g_strfreev(v);
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
	int found = store_q_one(s, st, row_one_info, &m, "find message", error);
	if (found == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	if (found <= 0)
		return NULL;
	m->recipients = recipients(s, id, error);
	if (!m->recipients) {
		store_msg_info_free(m);
		return NULL;
	}
	return m;
}
