/* store_ops.c - the operator's summary of the database (liaisonctl status). */
#include "store/store_ops.h"
#include "store/store_query.h"

#include <string.h>
#include <sys/stat.h>

static gint64
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (gint64)st.st_size : 0;
}

/* one_row - run SQL (no parameters) and hand its single row to FILL (a
 * struct store_status *); a query without rows leaves it as it was. */
static int
one_row(struct store *s, const char *sql, store_row_fn fill, struct store_status *out,
    GError **error)
{
	sqlite3_stmt *st;
	if (store_prepare(s, &st, sql, error) < 0)
		return -1;
	return store_q_one(s, st, fill, out, "status", error) < 0 ? -1 : 0;
}

static int
fill_reject(sqlite3_stmt *st, void *data)
{
	struct store_status *o = data;
	o->rejects = store_col_int64(st, 0);
	o->oldest_reject_id = store_col_int64(st, 1);
	o->oldest_reject_at = store_col_text(st, 2);
	return 1;
}

static int
fill_outbox(sqlite3_stmt *st, void *data)
{
	struct store_status *o = data;
	o->outbox_queued = store_col_int64(st, 0);
	o->outbox_failed = store_col_int64(st, 1);
	return 1;
}

static int
fill_oldest_queued(sqlite3_stmt *st, void *data)
{
	struct store_status *o = data;
	o->oldest_queued_id = store_col_int64(st, 0);
	o->oldest_queued_at = store_col_text(st, 1);
	return 1;
}

static int
fill_last(sqlite3_stmt *st, void *data)
{
	struct store_status *o = data;
	o->last_id = store_col_int64(st, 0);
	o->last_received_at = store_col_text(st, 1);
	return 1;
}

static int
fill_oldest_received(sqlite3_stmt *st, void *data)
{
	struct store_status *o = data;
	o->oldest_received_id = store_col_int64(st, 0);
	o->oldest_received_at = store_col_text(st, 1);
	return 1;
}

static void
count_free(gpointer p)
{
	struct store_count *c = p;
	g_free(c->state);
	g_free(c);
}

/* The states of schema 0001, listed even at 0 so that monitoring sees every
 * key; a state added by a later migration shows up once a message has it. */
static const char *const known_states[] = { "received", "posted", "rejected", "ignored", "dead" };

static struct store_count *
state_count(struct store_status *out, const char *state)
{
	for (guint i = 0; i < out->states->len; i++) {
		struct store_count *c = out->states->pdata[i];
		if (strcmp(c->state, state) == 0)
			return c;
	}
	struct store_count *c = g_new0(struct store_count, 1);
	c->state = g_strdup(state);
	g_ptr_array_add(out->states, c);
	return c;
}

static int
row_state(sqlite3_stmt *st, void *data)
{
	struct store_status *out = data;
	const char *state = store_col_str(st, 0);
	struct store_count *c = state_count(out, state ? state : "");
	c->count = store_col_int64(st, 1);
	out->messages += c->count;
	return 0;
}

static int
read_states(struct store *s, struct store_status *out, GError **error)
{
	sqlite3_stmt *st;
	for (size_t i = 0; i < G_N_ELEMENTS(known_states); i++)
		state_count(out, known_states[i]);
	if (store_prepare(s, &st, "SELECT state, count(*) FROM messages GROUP BY state ORDER BY state",
	    error) < 0)
		return -1;
	return store_q_each(s, st, row_state, out, "status", error) < 0 ? -1 : 0;
}

int
store_status_read(struct store *s, struct store_status *out, GError **error)
{
	memset(out, 0, sizeof(*out));
	out->states = g_ptr_array_new_with_free_func(count_free);
	out->db_path = g_build_filename(s->state_dir, "liaisond.db", NULL);
	g_autofree char *wal = g_strconcat(out->db_path, "-wal", NULL);
	out->schema_version = store_schema_version(s);

	/* A deferred transaction: every query below sees the same snapshot. */
	if (store_exec(s, "BEGIN", error) < 0)
		return -1;
	/* The oldest reject by id: ids grow with time received. */
	if (read_states(s, out, error) < 0 ||
	    one_row(s, "SELECT count(*), min(id), (SELECT received_at FROM messages WHERE id ="
	    " (SELECT min(id) FROM messages WHERE state = 'rejected'))"
	    " FROM messages WHERE state = 'rejected'", fill_reject, out, error) < 0 ||
	    one_row(s, "SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'failed'), 0)"
	    " FROM outbox", fill_outbox, out, error) < 0 ||
	    one_row(s, "SELECT id, created_at FROM outbox WHERE state = 'queued'"
	    " ORDER BY created_at, id LIMIT 1", fill_oldest_queued, out, error) < 0 ||
	    one_row(s, "SELECT id, received_at FROM messages WHERE state = 'received'"
	    " ORDER BY state, id LIMIT 1", fill_oldest_received, out, error) < 0 ||
	    one_row(s, "SELECT id, received_at FROM messages ORDER BY id DESC LIMIT 1",
	    fill_last, out, error) < 0) {
		store_rollback(s);
		return -1;
	}
	store_rollback(s);       /* read only: nothing to commit */
	out->db_size = file_size(out->db_path);
	out->wal_size = file_size(wal);
	return 0;
}

void
store_status_clear(struct store_status *st)
{
	g_free(st->db_path);
	if (st->states)
		g_ptr_array_unref(st->states);
	g_free(st->oldest_reject_at);
	g_free(st->oldest_queued_at);
	g_free(st->last_received_at);
	g_free(st->oldest_received_at);
	memset(st, 0, sizeof(*st));
}
