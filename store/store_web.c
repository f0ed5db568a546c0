/* store_web.c - liaisond-web's reads (store_web.h). */
#include "store/store_web.h"
#include "store/store_admin_private.h"

#include <string.h>

struct store *
store_open_readonly(const char *state_dir, GError **error)
{
	store_sqlite_setup();
	struct store *s = store_alloc(state_dir);
	g_autofree char *path = g_build_filename(state_dir, "liaisond.db", NULL);
	/* NOMUTEX: each thread has its own connection */
	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_set_sqlite_error(s, rc, path, error);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* Pages read through a map of the file rather than a read call each:
	 * with 4 KB pages a 50 KB statement is a chain of 13. The web's list
	 * page while mail arrives went from 2.6-2.8k to 6.7-6.9k requests/s
	 * (docs/performance.md). Only liaisond writes the file and it never
	 * shrinks it; an I/O error on a mapped page ends the process (SIGBUS),
	 * and systemd starts it again. */
	store_exec(s, "PRAGMA mmap_size = 1073741824;", NULL);
	int v = store_schema_version(s);
	if (v != store_schema_latest()) {
		g_set_error(error, STORE_ERROR, STORE_ERR_SCHEMA, "%s: schema version %d, this "
		    "program reads %d (start liaisond, or run liaisonctl once, to create or "
		    "migrate it)", path, v, store_schema_latest());
		goto fail;
	}
	store_cache_statements(s);
	return s;
fail:
	g_prefix_error(error, "store %s: ", state_dir);
	store_close(s);
	return NULL;
}

/* fts_words - TEXT as an FTS5 query that cannot be a syntax error: each word
 * a quoted phrase, all required. NULL when there are no words. */
static char *
fts_words(const char *text)
{
	if (!text)
		return NULL;
	g_auto(GStrv) words = g_strsplit_set(text, " \t\r\n", -1);
	GString *q = g_string_new(NULL);
	for (int i = 0; words[i]; i++) {
		GString *w = g_string_new(NULL);
		for (const char *p = words[i]; *p; p++)
			if (*p != '"')
				g_string_append_c(w, *p);
		if (w->len)
			g_string_append_printf(q, "%s\"%s\"", q->len ? " AND " : "", w->str);
		g_string_free(w, TRUE);
	}
	if (!q->len) {
		g_string_free(q, TRUE);
		return NULL;
	}
	return g_string_free(q, FALSE);
}

static void
group_filter(GString *sql, GPtrArray *binds, const char *side, const char *const *acr)
{
	if (!acr || !acr[0])
		return;
	g_string_append_printf(sql, " AND EXISTS (SELECT 1 FROM statement_groups g WHERE"
	    " g.statement = m.id AND g.side = '%s' AND g.acronym IN (", side);
	for (int i = 0; acr[i]; i++) {
		g_string_append(sql, i ? ", ?" : "?");
		g_ptr_array_add(binds, (char *)acr[i]);
	}
	g_string_append(sql, "))");
}

/* ADMIN_SUMMARY_COLS without the problem codes (NULL there): the public
 * list shows none, and they were a third of its time. */
#define PUBLIC_SUMMARY_COLS \
	"SELECT m.id, m.state, m.received_at, s.posted_at," \
	" coalesce(nullif(s.submitter, ''), m.envelope_from), s.title," \
	" (SELECT group_concat(coalesce(acronym, text), ', ') FROM (SELECT acronym, text" \
	"   FROM statement_groups WHERE statement = m.id AND side = 'from' ORDER BY position))," \
	" (SELECT group_concat(coalesce(acronym, text), ', ') FROM (SELECT acronym, text" \
	"   FROM statement_groups WHERE statement = m.id AND side = 'to' ORDER BY position))," \
	" NULL, NULL," \
	" coalesce(s.version, 0), s.id IS NOT NULL, coalesce(s.action_taken, 0)," \
	" s.purpose, s.deadline"

static int
row_summary(sqlite3_stmt *st, void *data)
{
	g_ptr_array_add(data, store_admin_read_summary(st));
	return 0;
}

GPtrArray *
store_web_list(struct store *s, const struct web_list_query *q, GError **error)
{
	g_autofree char *match = fts_words(q->text);
	/* the page's ids first, newest (highest id) first, so that SQLite walks
	 * the ids backwards and stops at the page's end; only those rows get
	 * the summary's subqueries (10,000 summaries sorted per request made
	 * the list 50 times slower) */
	GString *sql = g_string_new(q->problems ? ADMIN_SUMMARY_COLS : PUBLIC_SUMMARY_COLS);
	g_string_append(sql, ", NULL" ADMIN_SUMMARY_FROM "WHERE m.id IN (SELECT m.id FROM messages m"
	    " LEFT JOIN statements s ON s.id = m.id ");
	GPtrArray *binds = g_ptr_array_new();
	/* the public never waits for indexing: the parse worker keeps the
	 * index up to date when idle (store_search_index) */
	if (match) {
		g_string_append(sql, "JOIN statement_fts ON statement_fts.rowid = m.id"
		    " WHERE statement_fts MATCH ?");
		g_ptr_array_add(binds, match);
	} else {
		g_string_append(sql, "WHERE 1");
	}
	if (q->state) {
		g_string_append(sql, " AND m.state = ?");
		g_ptr_array_add(binds, (char *)q->state);
	}
	group_filter(sql, binds, "from", q->from);
	group_filter(sql, binds, "to", q->to);
	if (q->purpose) {
		g_string_append(sql, " AND s.purpose = ?");
		g_ptr_array_add(binds, (char *)q->purpose);
	}
	g_string_append(sql, " ORDER BY m.id DESC");
	if (q->limit > 0)
		g_string_append_printf(sql, " LIMIT %d OFFSET %d", q->limit, MAX(q->offset, 0));
	g_string_append(sql, ") ORDER BY m.id DESC");
	sqlite3_stmt *st;
	int rc = store_prepare(s, &st, sql->str, error);
	g_string_free(sql, TRUE);
	if (rc < 0) {
		g_ptr_array_free(binds, TRUE);
		return NULL;
	}
	for (guint i = 0; i < binds->len; i++)
		sqlite3_bind_text(st, (int)i + 1, g_ptr_array_index(binds, i), -1, SQLITE_STATIC);
	GPtrArray *out = g_ptr_array_new_with_free_func(admin_summary_free);
	rc = store_q_each(s, st, row_summary, out, "list statements", error);
	g_ptr_array_free(binds, TRUE);
	if (rc < 0) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

/* state_counts - the counts by state, N of them. */
struct state_counts {
	gint64 *counts;
	int n;
};

static int
row_state_count(sqlite3_stmt *st, void *data)
{
	struct state_counts *c = data;
	enum stmt_state k;
	const char *name = store_col_str(st, 0);
	if (name && stmt_state_from_name(name, &k) && (int)k < c->n)
		c->counts[k] = store_col_int64(st, 1);
	return 0;
}

int
store_web_state_counts(struct store *s, gint64 *counts, int n, GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, "SELECT state, count(*) FROM messages GROUP BY state", error) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		counts[i] = 0;
	struct state_counts c = { counts, n };
	return store_q_each(s, st, row_state_count, &c, "count states", error) < 0 ? -1 : 0;
}
