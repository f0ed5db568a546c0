/* store_admin_search.c - the secretariat's reads across statements: full-text
 * search (FTS5, schema 0004), posted statements for export, the outbox mails
 * and related statements that show lists. */
#include "store/store_admin_private.h"

#include <string.h>

int
store_search_index(struct store *s, int max, GError **error)
{
	static const char *const sql[] = {
		"DELETE FROM statement_fts WHERE rowid = ?1",
		/* nothing when the statement is gone: its row just goes */
		"INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)"
		" SELECT id, title, body, contacts, identifiers, attachments, groups"
		" FROM statement_search_text WHERE id = ?1",
		"DELETE FROM search_pending WHERE statement = ?1",
	};
	/* Nothing pending, the usual case when idle: no write lock taken (the
	 * idle worker asks every second, and a writer the LMTP commit had to
	 * wait for would hold up its replies). */
	sqlite3_stmt *q;
	if (store_prepare_cached(s, &q, "SELECT 1 FROM search_pending LIMIT 1", error) < 0)
		return -1;
	int any = store_q_one(s, q, NULL, NULL, "search index", error);
	if (any <= 0)
		return any;
	if (store_begin(s, error) < 0)
		return -1;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	/* a statement whose PDF is still read only in part stays pending: it
	 * is indexed once its full text is in (flow_doc_rest, schema 0013) */
	if (store_prepare_cached(s, &q, "SELECT statement FROM search_pending p WHERE NOT EXISTS"
	    " (SELECT 1 FROM documents d WHERE d.statement = p.statement AND d.text_partial = 1)"
	    " ORDER BY statement LIMIT ?1", error) < 0)
		goto fail;
	sqlite3_bind_int(q, 1, max);
	if (store_q_each(s, q, store_row_append_int64, ids, "search index", error) < 0)
		goto fail;
	for (guint i = 0; i < ids->len; i++) {
		for (size_t k = 0; k < G_N_ELEMENTS(sql); k++) {
			if (store_prepare_cached(s, &q, sql[k], error) < 0)
				goto fail;
			sqlite3_bind_int64(q, 1, g_array_index(ids, gint64, i));
			if (store_q_exec(s, q, "search index", error) < 0)
				goto fail;
		}
	}
	if (store_commit(s, error) < 0)
		goto fail;
	int n = (int)ids->len;
	g_array_free(ids, TRUE);
	return n;
fail:
	store_rollback(s);
	g_array_free(ids, TRUE);
	return -1;
}

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

/* row_snippet - a summary, with column NCOLS (a snippet) into ->snippet. */
static int
row_snippet(sqlite3_stmt *st, void *data)
{
	struct admin_summary *a = store_admin_read_summary(st);
	a->snippet = store_col_text(st, ADMIN_SUMMARY_NCOLS);
	g_ptr_array_add(data, a);
	return 0;
}

/* read_summaries - step ST to the end: a summary and a snippet per row. */
static GPtrArray *
read_summaries(struct store *s, sqlite3_stmt *st, const char *what, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_summary_free);
	if (store_q_each(s, st, row_snippet, out, what, error) < 0) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

/* add_group_filter - statements with a group on SIDE that is TEXT (acronym,
 * or words of the name as written) or one of the acronyms ANY. */
static void
add_group_filter(GString *sql, GPtrArray *binds, const char *side, const char *text,
    char **any)
{
	gboolean has_text = text && *text, has_any = any && *any;
	if (!has_text && !has_any)
		return;
	g_string_append_printf(sql, " AND EXISTS (SELECT 1 FROM statement_groups g WHERE"
	    " g.statement = m.id AND g.side = '%s' AND (0", side);
	if (has_text) {
		g_string_append(sql, " OR g.acronym = lower(?) OR g.text LIKE '%' || ? || '%'");
		g_ptr_array_add(binds, (char *)text);
		g_ptr_array_add(binds, (char *)text);
	}
	if (has_any) {
		g_string_append(sql, " OR g.acronym IN (");
		for (char **a = any; *a; a++) {
			g_string_append(sql, a == any ? "?" : ", ?");
			g_ptr_array_add(binds, *a);
		}
		g_string_append_c(sql, ')');
	}
	g_string_append(sql, "))");
}

GPtrArray *
store_admin_search(struct store *s, const struct admin_search *q, GError **error)
{
	g_autofree char *match = fts_query(q->text);
	/* the parse worker indexes when idle: whatever it has not reached yet
	 * is indexed now, so a search never misses a statement */
	if (match && store_search_index(s, G_MAXINT, error) < 0)
		return NULL;
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
	/* a group: its acronym exactly, or words of the name as written, or
	 * any acronym of its tree */
	add_group_filter(sql, binds, "from", q->from, q->from_any);
	add_group_filter(sql, binds, "to", q->to, q->to_any);
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
		store_bind_text(st, (int)i + 1, g_ptr_array_index(binds, i));
	g_ptr_array_free(binds, TRUE);
	return read_summaries(s, st, "search", error);
}

/* read_ids - the first column of every row of SQL with TEXT bound (if not NULL). */
static GArray *
read_ids(struct store *s, const char *sql, const char *text, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, sql, error) < 0)
		return NULL;
	if (text)
		store_bind_text(st, 1, text);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, st, store_row_append_int64, out, "read ids", error) < 0) {
		g_array_unref(out);
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

static int
row_mail(sqlite3_stmt *st, void *data)
{
	struct admin_mail *m = g_new0(struct admin_mail, 1);
	m->id = store_col_int64(st, 0);
	m->kind = store_col_text(st, 1);
	m->state = store_col_text(st, 2);
	m->subject = store_col_text(st, 3);
	m->created_at = store_col_text(st, 4);
	m->last_error = store_col_text(st, 5);
	m->attempts = store_col_int(st, 6);
	m->to = store_col_text_or(st, 7, "");
	m->cc = store_col_text_or(st, 8, "");
	g_ptr_array_add(data, m);
	return 0;
}

GPtrArray *
store_admin_outbox_of(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *st;
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
	if (store_q_each(s, st, row_mail, out, "read outbox", error) < 0) {
		g_ptr_array_free(out, TRUE);
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
	GPtrArray *out = read_summaries(s, st, "read related", error);
	/* the extra column is the relation here, not a snippet */
	for (guint i = 0; out && i < out->len; i++) {
		struct admin_summary *a = g_ptr_array_index(out, i);
		a->relation = a->snippet;
		a->snippet = NULL;
	}
	return out;
}

