/* store_outbox.c - the SQL of the outbox: queue, deliver per recipient, list, retry. */
#include "store/store_outbox.h"
#include "store/store_query.h"
#include "conf/addr.h"

#include <string.h>

static void
rcpt_free(gpointer p)
{
	struct outbox_rcpt *r = p;
	g_free(r->address);
	g_free(r->name);
	g_free(r->header);
	g_free(r->state);
	g_free(r->last_error);
	g_free(r);
}

void
outbox_mail_free(gpointer p)
{
	struct outbox_mail *m = p;
	if (!m)
		return;
	g_free(m->kind);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m->envelope_from);
	g_free(m->state);
	g_free(m->created_at);
	g_free(m->next_attempt_at);
	g_free(m->expires_at);
	g_free(m->last_error);
	g_free(m->body);
	g_free(m->in_reply_to);
	if (m->raw)
		g_bytes_unref(m->raw);
	if (m->rcpts)
		g_ptr_array_unref(m->rcpts);
	g_free(m);
}

/* iso_after - now + SECONDS in the stored time format. */
static char *
iso_after(int seconds)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) t = g_date_time_add_seconds(now, seconds);
	return g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
}

static int
add_rcpts(struct store *s, gint64 id, GPtrArray *list, const char *header, int *pos,
    GError **error)
{
	for (guint i = 0; list && i < list->len; i++) {
		sqlite3_stmt *st;
		const struct addr *a = list->pdata[i];
		if (store_prepare_cached(s, &st, "INSERT INTO outbox_recipients(outbox, position, address,"
		    " header, name) VALUES (?, ?, ?, ?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, ++*pos);
		sqlite3_bind_text(st, 3, a->address, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, header, -1, SQLITE_STATIC);
		if (a->name && *a->name)
			sqlite3_bind_text(st, 5, a->name, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 5);
		if (store_q_exec(s, st, "add outbox recipient", error) < 0)
			return -1;
	}
	return 0;
}

gint64
store_outbox_add(struct store *s, const struct outbox_new *m, GError **error)
{
	sqlite3_stmt *st;
	store_assert_in_tx(s);
	g_autofree char *now = store_now();
	g_autofree char *expires = iso_after(m->lifetime);
	/* ON CONFLICT on reminder_key only: any other constraint is a real error. */
	if (store_prepare_cached(s, &st, "INSERT INTO outbox(statement, kind, subject, message_id, raw,"
	    " envelope_from, created_at, next_attempt_at, expires_at, reminder_key, body, in_reply_to)"
	    " VALUES (?, ?, ?, ?, X'', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(reminder_key) DO NOTHING",
	    error) < 0)
		return -1;
	if (m->statement > 0)
		sqlite3_bind_int64(st, 1, m->statement);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_text(st, 2, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->envelope_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, expires, -1, SQLITE_STATIC);
	if (m->reminder_key)
		sqlite3_bind_text(st, 9, m->reminder_key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	if (m->body)
		sqlite3_bind_text(st, 10, m->body, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	if (m->in_reply_to)
		sqlite3_bind_text(st, 11, m->in_reply_to, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 11);
	int added = store_q_exec(s, st, "add outbox mail", error);
	if (added <= 0)
		return added;   /* -1, or 0: the reminder was queued before */
	gint64 id = sqlite3_last_insert_rowid(s->db);
	int pos = 0;
	if (add_rcpts(s, id, m->to, "to", &pos, error) < 0 ||
	    add_rcpts(s, id, m->cc, "cc", &pos, error) < 0)
		return -1;
	return id;
}

static int
row_rcpt(sqlite3_stmt *st, void *data)
{
	struct outbox_rcpt *r = g_new0(struct outbox_rcpt, 1);
	r->position = store_col_int(st, 0);
	r->address = store_col_text(st, 1);
	r->header = store_col_text(st, 2);
	r->state = store_col_text(st, 3);
	r->last_error = store_col_text(st, 4);
	r->name = store_col_text(st, 5);
	g_ptr_array_add(data, r);
	return 0;
}

/* load_rcpts - every recipient of mail M, in position order. */
static int
load_rcpts(struct store *s, struct outbox_mail *m, GError **error)
{
	m->rcpts = g_ptr_array_new_with_free_func(rcpt_free);
	return store_q_each_id(s, "SELECT position, address, header, state, last_error, name"
	    " FROM outbox_recipients WHERE outbox = ? ORDER BY position", m->id, row_rcpt, m->rcpts,
	    "load outbox recipients", error) < 0 ? -1 : 0;
}

#define MAIL_COLS "id, statement, kind, subject, message_id, envelope_from, state, created_at," \
    " next_attempt_at, expires_at, last_error, attempts"

/* read_mail - a row of MAIL_COLS (RAW_COL: the column of raw, then body and
 * in_reply_to; -1 when the query has none of them). */
static struct outbox_mail *
read_mail(sqlite3_stmt *st, int raw_col)
{
	struct outbox_mail *m = g_new0(struct outbox_mail, 1);
	m->id = store_col_int64(st, 0);
	m->statement = store_col_int64(st, 1);
	m->kind = store_col_text(st, 2);
	m->subject = store_col_text(st, 3);
	m->message_id = store_col_text(st, 4);
	m->envelope_from = store_col_text(st, 5);
	m->state = store_col_text(st, 6);
	m->created_at = store_col_text(st, 7);
	m->next_attempt_at = store_col_text(st, 8);
	m->expires_at = store_col_text(st, 9);
	m->last_error = store_col_text(st, 10);
	m->attempts = store_col_int(st, 11);
	if (raw_col >= 0) {
		m->raw = g_bytes_new(sqlite3_column_blob(st, raw_col),
		    (gsize)sqlite3_column_bytes(st, raw_col));
		m->body = store_col_text(st, raw_col + 1);
		m->in_reply_to = store_col_text(st, raw_col + 2);
	}
	return m;
}

struct mail_rows {
	GPtrArray *out;
	int raw_col;
};

static int
row_mail(sqlite3_stmt *st, void *data)
{
	struct mail_rows *r = data;
	g_ptr_array_add(r->out, read_mail(st, r->raw_col));
	return 0;
}

/* query_mails - run a prepared query of MAIL_COLS and load each mail's recipients. */
static GPtrArray *
query_mails(struct store *s, sqlite3_stmt *st, int raw_col, const char *what, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(outbox_mail_free);
	struct mail_rows r = { out, raw_col };
	if (store_q_each(s, st, row_mail, &r, what, error) < 0) {
		g_ptr_array_unref(out);
		return NULL;
	}
	for (guint i = 0; i < out->len; i++)
		if (load_rcpts(s, out->pdata[i], error) < 0) {
			g_ptr_array_unref(out);
			return NULL;
		}
	return out;
}

GPtrArray *
store_outbox_due(struct store *s, const char *now, int limit, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT " MAIL_COLS ", raw, body, in_reply_to FROM outbox"
	    " WHERE state = 'queued'"
	    " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?", error) < 0)
		return NULL;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, limit);
	return query_mails(s, st, 12, "list due mail", error);
}

char *
store_outbox_next_due(struct store *s, GError **error)
{
	sqlite3_stmt *st;
	char *out = NULL;
	if (store_prepare(s, &st, "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'",
	    error) < 0)
		return NULL;
	store_q_one(s, st, store_row_text, &out, "next due mail", error);
	return out;
}

static int
set_rcpt(struct store *s, gint64 id, int position, const char *state, const char *reply,
    GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "UPDATE outbox_recipients SET state = ?, last_error = ?"
	    " WHERE outbox = ? AND position = ? AND state = 'queued'", error) < 0)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	if (reply)
		sqlite3_bind_text(st, 2, reply, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int(st, 4, position);
	return store_q_exec(s, st, "update outbox recipient", error) < 0 ? -1 : 0;
}

int
store_outbox_rcpt_sent(struct store *s, gint64 id, int position, GError **error)
{
	return set_rcpt(s, id, position, "sent", NULL, error);
}

int
store_outbox_rcpt_failed(struct store *s, gint64 id, int position, const char *reply,
    GError **error)
{
	return set_rcpt(s, id, position, "failed", reply, error);
}

/* count_rcpts - recipients of mail ID in STATE. */
static int
count_rcpts(struct store *s, gint64 id, const char *state, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT count(*) FROM outbox_recipients WHERE outbox = ?"
	    " AND state = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	int n = 0;
	return store_q_one(s, st, store_row_int, &n, "count outbox recipients", error) < 0 ? -1 : n;
}

int
store_outbox_attempt_done(struct store *s, gint64 id, const char *last_error,
    const char *next_at, const char **state_out, GError **error)
{
	int queued = count_rcpts(s, id, "queued", error);
	int failed = queued < 0 ? -1 : count_rcpts(s, id, "failed", error);
	if (failed < 0)
		return -1;
	const char *state = queued > 0 ? "queued" : failed > 0 ? "failed" : "sent";
	sqlite3_stmt *st;
	/* A mail that ends failed shows the first failed recipient's reply when
	 * the attempt itself had no error of its own. */
	if (store_prepare(s, &st, "UPDATE outbox SET attempts = attempts + 1, state = ?1,"
	    " next_attempt_at = coalesce(?2, next_attempt_at),"
	    " last_error = CASE WHEN ?1 = 'sent' THEN NULL ELSE coalesce(?3, CASE WHEN ?1 ="
	    "   'failed' THEN (SELECT address || ': ' || last_error FROM outbox_recipients"
	    "   WHERE outbox = ?4 AND state = 'failed' ORDER BY position LIMIT 1) END,"
	    "   last_error) END"
	    " WHERE id = ?4", error) < 0)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	if (next_at)
		sqlite3_bind_text(st, 2, next_at, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	if (last_error)
		sqlite3_bind_text(st, 3, last_error, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, id);
	if (store_q_exec(s, st, "update outbox mail", error) < 0)
		return -1;
	if (state_out)
		*state_out = state;
	return 0;
}

GPtrArray *
store_outbox_list(struct store *s, const char *state, gint64 statement, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT " MAIL_COLS " FROM outbox WHERE (?1 IS NULL OR"
	    " state = ?1) AND (?2 = 0 OR statement = ?2) ORDER BY id", error) < 0)
		return NULL;
	if (state)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, statement);
	return query_mails(s, st, -1, "list outbox", error);
}

struct outbox_mail *
store_outbox_get(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT " MAIL_COLS " FROM outbox WHERE id = ?", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *all = query_mails(s, st, -1, "read outbox mail", error);
	if (!all)
		return NULL;
	struct outbox_mail *m = NULL;
	if (all->len == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no outbox mail %" G_GINT64_FORMAT, id);
	else
		m = g_ptr_array_steal_index(all, 0);
	g_ptr_array_unref(all);
	return m;
}

int
store_outbox_retry(struct store *s, gint64 id, int lifetime, GError **error)
{
	struct outbox_mail *m = store_outbox_get(s, id, error);
	if (!m)
		return -1;
	gboolean failed = strcmp(m->state, "failed") == 0;
	outbox_mail_free(m);
	if (!failed) {
		g_set_error(error, STORE_ERROR, STORE_ERR_CONFLICT,
		    "outbox mail %" G_GINT64_FORMAT " is not failed", id);
		return -1;
	}
	g_autofree char *now = store_now();
	g_autofree char *expires = iso_after(lifetime);
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "UPDATE outbox_recipients SET state = 'queued', last_error = NULL"
	    " WHERE outbox = ? AND state = 'failed'", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (store_q_exec(s, st, "requeue outbox recipients", error) < 0)
		return -1;
	if (store_prepare(s, &st, "UPDATE outbox SET state = 'queued', next_attempt_at = ?,"
	    " expires_at = ?, last_error = NULL WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, expires, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return store_q_exec(s, st, "requeue outbox mail", error) < 0 ? -1 : 0;
}

int
store_outbox_has(struct store *s, gint64 id, const char *kind, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT EXISTS (SELECT 1 FROM outbox WHERE statement = ?"
	    " AND kind = ?)", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	int out = 0;
	return store_q_one(s, st, store_row_int, &out, "look up outbox", error) < 0 ? -1 : out;
}

/* one_text - the first column of a one-row query about ID, or NULL. */
static char *
one_text(struct store *s, const char *sql, gint64 id)
{
	sqlite3_stmt *st;
	char *out = NULL;
	if (store_prepare(s, &st, sql, NULL) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (store_q_one(s, st, store_row_text, &out, "read", NULL) < 0)
		g_clear_pointer(&out, g_free);
	return out;
}

char *
store_outbox_received_date(struct store *s, gint64 id)
{
	return one_text(s, "SELECT substr(received_at, 1, 10) FROM messages WHERE id = ?", id);
}

char *
store_outbox_statement_title(struct store *s, gint64 id)
{
	return one_text(s, "SELECT title FROM statements WHERE id = ?", id);
}

char *
store_outbox_statement_state(struct store *s, gint64 id)
{
	return one_text(s, "SELECT state FROM messages WHERE id = ?", id);
}

GArray *
store_outbox_open_actions(struct store *s, GError **error)
{
	sqlite3_stmt *st;
	/* An In Response statement that is posted and linked to it closes the
	 * action even when nobody marked it (RFC 4053bis; datatracker #9387). */
	if (store_prepare(s, &st, "SELECT s.id FROM statements s JOIN messages m ON m.id = s.id"
	    " WHERE m.state = 'posted' AND s.purpose = 'for_action' AND s.deadline IS NOT NULL"
	    " AND s.action_taken = 0 AND NOT EXISTS (SELECT 1 FROM related r"
	    "   JOIN statements s2 ON s2.id = r.statement JOIN messages m2 ON m2.id = r.statement"
	    "   WHERE r.related = s.id AND m2.state = 'posted' AND s2.purpose = 'in_response')"
	    " ORDER BY s.id", error) < 0)
		return NULL;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, st, store_row_append_int64, ids, "list open actions", error) < 0) {
		g_array_unref(ids);
		return NULL;
	}
	return ids;
}
