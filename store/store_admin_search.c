/* store_admin_search.c - the secretariat's reads across statements: full-text
 * search (FTS5, schema 0004), posted statements for export, the outbox mails
 * and related statements that show lists. */
#include "store/store_admin_private.h"

#include <string.h>

/* fts_query - the user's words as an FTS5 query that cannot be a syntax
 * error: each word a quoted phrase (so "S2-2401234" or "LS/QUIC" work as
 * written), all required; a trailing * keeps its prefix meaning. NULL when
 * there are no words. */
static char *
fts_query(const char *text)
{
	if (!text)
		return NULL;
	g_auto(GStrv) words = g_strsplit_set(text, " \t\r\n", -1);
	GString *q = g_string_new(NULL);
	for (int i = 0; words[i]; i++) {
		GString *w = g_string_new(NULL);
		gboolean prefix = FALSE;
		for (const char *p = words[i]; *p; p++) {
			if (*p == '"')
				continue;
			g_string_append_c(w, *p);
		}
		if (w->len > 1 && w->str[w->len - 1] == '*') {
			prefix = TRUE;
			g_string_truncate(w, w->len - 1);
		}
		if (w->len) {
			if (q->len)
				g_string_append(q, " AND ");
			g_string_append_printf(q, "\"%s\"%s", w->str, prefix ? "*" : "");
		}
		g_string_free(w, TRUE);
	}
	if (!q->len) {
		g_string_free(q, TRUE);
		return NULL;
	}
	return g_string_free(q, FALSE);
}

/* read_summaries - step ST to the end; EXTRA_SNIPPET: column NCOLS is a snippet. */
static GPtrArray *
read_summaries(struct store *s, sqlite3_stmt *st, gboolean extra_snippet, const char *what,
    GError **error)
{
	int rc;
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_summary_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct admin_summary *a = store_admin_read_summary(st);
		if (extra_snippet && sqlite3_column_text(st, ADMIN_SUMMARY_NCOLS))
			a->snippet = g_strdup((const char *)sqlite3_column_text(st,
			    ADMIN_SUMMARY_NCOLS));
		g_ptr_array_add(out, a);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		g_ptr_array_free(out, TRUE);
		store_set_sqlite_error(s, rc, what, error);
		return NULL;
	}
	return out;
}

GPtrArray *
store_admin_search(struct store *s, const struct admin_search *q, GError **error)
{
	g_autofree char *match = fts_query(q->text);
	GString *sql = g_string_new(ADMIN_SUMMARY_COLS);
	GPtrArray *binds = g_ptr_array_new();
	sqlite3_stmt *st;

	if (match) {
		/* the best few words around a hit, from whichever column matched */
		g_string_append(sql, ", snippet(statement_fts, -1, '[', ']', '...', 12)"
		    ADMIN_SUMMARY_FROM "JOIN statement_fts ON statement_fts.rowid = m.id"
		    " WHERE statement_fts MATCH ?");
		g_ptr_array_add(binds, match);
	} else {
		g_string_append(sql, ", NULL" ADMIN_SUMMARY_FROM "WHERE 1");
	}
	/* a group: its acronym exactly, or words of the name as written */
	if (q->from && *q->from) {
		g_string_append(sql, " AND EXISTS (SELECT 1 FROM statement_groups g WHERE"
		    " g.statement = m.id AND g.side = 'from' AND (g.acronym = lower(?)"
		    " OR g.text LIKE '%' || ? || '%'))");
		g_ptr_array_add(binds, (char *)q->from);
		g_ptr_array_add(binds, (char *)q->from);
	}
	if (q->to && *q->to) {
		g_string_append(sql, " AND EXISTS (SELECT 1 FROM statement_groups g WHERE"
		    " g.statement = m.id AND g.side = 'to' AND (g.acronym = lower(?)"
		    " OR g.text LIKE '%' || ? || '%'))");
		g_ptr_array_add(binds, (char *)q->to);
		g_ptr_array_add(binds, (char *)q->to);
	}
	if (q->since && *q->since) {
		g_string_append(sql, " AND m.received_at >= ?");
		g_ptr_array_add(binds, (char *)q->since);
	}
	if (q->until && *q->until) {
		g_string_append(sql, " AND m.received_at < ?");
		g_ptr_array_add(binds, (char *)q->until);
	}
	if (q->state && *q->state) {
		g_string_append(sql, " AND m.state = ?");
		g_ptr_array_add(binds, (char *)q->state);
	}
	g_string_append(sql, " ORDER BY m.received_at DESC, m.id DESC");
	if (q->limit > 0)
		g_string_append_printf(sql, " LIMIT %d", q->limit);

	int rc = store_prepare(s, &st, sql->str, error);
	g_string_free(sql, TRUE);
	if (rc < 0) {
		g_ptr_array_free(binds, TRUE);
		return NULL;
	}
	for (guint i = 0; i < binds->len; i++)
		sqlite3_bind_text(st, (int)i + 1, g_ptr_array_index(binds, i), -1, SQLITE_TRANSIENT);
	g_ptr_array_free(binds, TRUE);
	return read_summaries(s, st, TRUE, "search", error);
}

/* read_ids - the first column of every row of SQL with TEXT bound (if not NULL). */
static GArray *
read_ids(struct store *s, const char *sql, const char *text, GError **error)
{
	sqlite3_stmt *st;
	int rc;
	if (store_prepare(s, &st, sql, error) < 0)
		return NULL;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(st, 0);
		g_array_append_val(out, id);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		g_array_unref(out);
		store_set_sqlite_error(s, rc, "read ids", error);
		return NULL;
	}
	return out;
}

GArray *
store_admin_posted(struct store *s, const char *since, GError **error)
{
	if (since)
		return read_ids(s, "SELECT m.id FROM messages m JOIN statements s ON s.id = m.id"
		    " WHERE m.state = 'posted' AND coalesce(s.posted_at, m.received_at) >= ?"
		    " ORDER BY coalesce(s.posted_at, m.received_at), m.id", since, error);
	return read_ids(s, "SELECT m.id FROM messages m JOIN statements s ON s.id = m.id"
	    " WHERE m.state = 'posted' ORDER BY coalesce(s.posted_at, m.received_at), m.id",
	    NULL, error);
}

GArray *
store_admin_ids_in_state(struct store *s, const char *state, GError **error)
{
	return read_ids(s, "SELECT id FROM messages WHERE state = ? ORDER BY received_at, id",
	    state, error);
}

void
admin_mail_free(gpointer p)
{
	struct admin_mail *m = p;
	if (!m)
		return;
	g_free(m->kind);
	g_free(m->state);
	g_free(m->subject);
	g_free(m->created_at);
	g_free(m->last_error);
	g_free(m->to);
	g_free(m->cc);
	g_free(m);
}

GPtrArray *
store_admin_outbox_of(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	int rc;
	if (store_prepare(s, &st, "SELECT o.id, o.kind, o.state, o.subject, o.created_at,"
	    " o.last_error, o.attempts,"
	    " (SELECT group_concat(address, ', ') FROM (SELECT address FROM outbox_recipients"
	    "   WHERE outbox = o.id AND header = 'to' ORDER BY position)),"
	    " (SELECT group_concat(address, ', ') FROM (SELECT address FROM outbox_recipients"
	    "   WHERE outbox = o.id AND header = 'cc' ORDER BY position))"
	    " FROM outbox o WHERE o.statement = ? ORDER BY o.id", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_mail_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct admin_mail *m = g_new0(struct admin_mail, 1);
		m->id = sqlite3_column_int64(st, 0);
		m->kind = g_strdup((const char *)sqlite3_column_text(st, 1));
		m->state = g_strdup((const char *)sqlite3_column_text(st, 2));
		m->subject = g_strdup((const char *)sqlite3_column_text(st, 3));
		m->created_at = g_strdup((const char *)sqlite3_column_text(st, 4));
		m->last_error = g_strdup((const char *)sqlite3_column_text(st, 5));
		m->attempts = sqlite3_column_int(st, 6);
		m->to = g_strdup(sqlite3_column_text(st, 7) ? (const char *)sqlite3_column_text(st, 7) : "");
		m->cc = g_strdup(sqlite3_column_text(st, 8) ? (const char *)sqlite3_column_text(st, 8) : "");
		g_ptr_array_add(out, m);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		g_ptr_array_free(out, TRUE);
		store_set_sqlite_error(s, rc, "read outbox", error);
		return NULL;
	}
	return out;
}

GPtrArray *
store_admin_related(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, ADMIN_SUMMARY_COLS ", r.relation FROM (SELECT related AS id,"
	    " 'responds_to' AS relation FROM related WHERE statement = ?1"
	    " UNION SELECT statement, 'answered_by' FROM related WHERE related = ?1) r"
	    " JOIN messages m ON m.id = r.id LEFT JOIN statements s ON s.id = m.id"
	    " ORDER BY m.id", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *out = read_summaries(s, st, TRUE, "read related", error);
	/* the extra column is the relation here, not a snippet */
	for (guint i = 0; out && i < out->len; i++) {
		struct admin_summary *a = g_ptr_array_index(out, i);
		a->relation = a->snippet;
		a->snippet = NULL;
	}
	return out;
}

int
store_admin_queue_mail(struct store *s, const struct admin_mail_new *m, GError **error)
{
	sqlite3_stmt *st;
	g_autofree char *now = store_now();
	if (store_prepare(s, &st, "INSERT INTO outbox(statement, kind, subject, message_id, raw,"
	    " envelope_from, created_at, next_attempt_at, expires_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, m->statement);
	sqlite3_bind_text(st, 2, m->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, m->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, m->message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 5, m->raw, (int)m->raw_len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, m->envelope_from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, m->expires_at, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "queue mail", error);
	gint64 outbox = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; m->to && m->to[i]; i++) {
		if (store_prepare(s, &st, "INSERT INTO outbox_recipients(outbox, position, address,"
		    " header) VALUES (?, ?, ?, 'to')", error) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, outbox);
		sqlite3_bind_int(st, 2, i + 1);
		sqlite3_bind_text(st, 3, m->to[i], -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_set_sqlite_error(s, rc, "queue mail recipient", error);
	}
	return 0;
}

GPtrArray *
store_admin_sender(struct store *s, gint64 id, char **message_id, gboolean *autogen,
    GError **error)
{
	sqlite3_stmt *st;
	int rc;
	*message_id = NULL;
	*autogen = FALSE;
	if (store_prepare(s, &st, "SELECT 0, s.from_liaison_contact, m.message_id,"
	    " coalesce(s.auto_generated, 0) FROM messages m LEFT JOIN statements s ON s.id = m.id"
	    " WHERE m.id = ?1"
	    " UNION ALL SELECT 1, address, NULL, 0 FROM (SELECT address FROM statement_contacts"
	    "   WHERE statement = ?1 AND side = 'from' ORDER BY position)"
	    " UNION ALL SELECT 2, forwarded_by, NULL, 0 FROM statements WHERE id = ?1"
	    " UNION ALL SELECT 3, envelope_from, NULL, 0 FROM messages WHERE id = ?1", error) < 0)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	gboolean found = FALSE;
	char *envelope = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0);
		const char *a = (const char *)sqlite3_column_text(st, 1);
		if (kind == 0) {
			found = TRUE;
			if (sqlite3_column_text(st, 2))
				*message_id = g_strdup((const char *)sqlite3_column_text(st, 2));
			*autogen = sqlite3_column_int(st, 3);
		}
		if (kind == 3)
			envelope = g_strdup(a);
		else if (a && *a)
			g_ptr_array_add(out, g_strdup(a));
	}
	sqlite3_finalize(st);
	if (out->len == 0 && envelope && *envelope)
		g_ptr_array_add(out, g_strdup(envelope));
	g_free(envelope);
	if (rc != SQLITE_DONE || !found) {
		g_ptr_array_free(out, TRUE);
		g_clear_pointer(message_id, g_free);
		if (!found && rc == SQLITE_DONE)
			store_admin_not_found(id, error);
		else
			store_set_sqlite_error(s, rc, "read sender", error);
		return NULL;
	}
	return out;
}
