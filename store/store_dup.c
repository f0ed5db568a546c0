/* store_dup.c - finding the statement a new one repeats; the duplicate and
 * superseded links. */
#include "store/store_dup.h"
#include "store/store_query.h"

#include <string.h>

#define ON_RECORD "m.state IN ('posted','rejected')"
#define WITHIN "m.received_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ?3 || ' days')"

static const char *const how_names[] = {
	[DUP_NONE] = "none", [DUP_MESSAGE_ID] = "message_id", [DUP_CONTENT] = "content",
	[DUP_RESEND] = "resend", [DUP_REJECTED] = "resend",
};

const char *
dup_how_name(enum dup_how h)
{
	return (unsigned)h < G_N_ELEMENTS(how_names) ? how_names[h] : "none";
}

/* id_text - a row of an integer and (when TEXT is not NULL) a text. */
struct id_text {
	gint64 id;
	char **text;
};

static int
row_id_text(sqlite3_stmt *q, void *data)
{
	struct id_text *r = data;
	r->id = store_col_int64(q, 0);
	if (r->text)
		*r->text = store_col_text(q, 1);
	return 1;
}

/* first - SQL with ?1 ST's id, ?2 TEXT, ?3 WINDOW: the first row's id (and,
 * STATE, its state), 0 when none, -1 on error. */
static gint64
first(struct store *s, const char *sql, gint64 self, const char *text, int window,
    char **state, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, self);
	store_bind_text(q, 2, text);
	sqlite3_bind_int(q, 3, window);
	struct id_text r = { 0, state };
	if (store_q_one(s, q, row_id_text, &r, "find the statement repeated", error) < 0)
		return -1;
	return r.id;
}

/* sender - a statement's sending body and submitter against ST's. */
struct sender {
	const struct statement *st;
	int same;
};

static int
row_same_sender(sqlite3_stmt *q, void *data)
{
	struct sender *r = data;
	const char *flc = store_col_str(q, 0), *sub = store_col_str(q, 1);
	r->same = (r->st->from_liaison_contact && *flc &&
	    g_ascii_strcasecmp(flc, r->st->from_liaison_contact) == 0) ||
	    (r->st->submitter && *sub && g_ascii_strcasecmp(sub, r->st->submitter) == 0);
	return 1;
}

/* same_sender - does stored statement ID come from ST's sending body (the
 * same From groups, all resolved) or from ST's sender address? */
static int
same_sender(struct store *s, const struct statement *st, gint64 id, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT coalesce(from_liaison_contact, ''),"
	    " coalesce(submitter, '') FROM statements WHERE id = ?1", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	struct sender r = { st, 0 };
	if (store_q_one(s, q, row_same_sender, &r, "read the sender", error) < 0)
		return -1;
	if (r.same)
		return 1;
	/* the title key already holds the From groups: resolved ones are the body */
	for (guint i = 0; i < st->from_groups->len; i++)
		if (!((const struct group_ref *)st->from_groups->pdata[i])->acronym)
			return 0;
	return st->from_groups->len > 0;
}

static const char *
meta(const struct statement *st, const char *key)
{
	return json_object_has_member(st->metadata, key) ?
	    json_object_get_string_member(st->metadata, key) : NULL;
}

int
store_dup_find(struct store *s, const struct statement *st, int window_days,
    gint64 *original, enum dup_how *how, GError **error)
{
	static const char by_mid[] =
	    "SELECT m.id FROM messages m WHERE m.id IN " BY_MESSAGE_ID
	    " AND m.id != ?1 AND " ON_RECORD " ORDER BY m.id LIMIT 1";
	static const char by_content[] =
	    "SELECT m.id FROM messages m JOIN statements s ON s.id = m.id"
	    " WHERE m.id != ?1 AND " ON_RECORD " AND " WITHIN
	    " AND json_extract(s.metadata, '$.content_key') = ?2"
	    " ORDER BY m.id LIMIT 1";
	static const char by_title[] =
	    "SELECT m.id, m.state FROM messages m JOIN statements s ON s.id = m.id"
	    " WHERE m.id != ?1 AND " ON_RECORD " AND " WITHIN
	    " AND json_extract(s.metadata, '$.title_key') = ?2"
	    /* rejected, or posted by the secretariat out of the rejects queue:
	     * a statement posted on arrival is not what a resend corrects */
	    " AND (m.state = 'rejected' OR EXISTS (SELECT 1 FROM events e"
	    "      WHERE e.statement = m.id AND e.kind = 'approved'))"
	    " ORDER BY m.state = 'posted' DESC, m.id DESC LIMIT 1";
	*original = 0;
	*how = DUP_NONE;
	gint64 id = 0;
	if (st->message_id && *st->message_id) {
		if ((id = first(s, by_mid, st->id, st->message_id, 0, NULL, error)) < 0)
			return -1;
		if (id > 0) {
			*original = id, *how = DUP_MESSAGE_ID;
			return 0;
		}
	}
	if (window_days <= 0)
		return 0;
	const char *ck = meta(st, "content_key"), *tk = meta(st, "title_key");
	if (ck && (id = first(s, by_content, st->id, ck, window_days, NULL, error)) != 0) {
		if (id > 0)
			*original = id, *how = DUP_CONTENT;
		return id < 0 ? -1 : 0;
	}
	g_autofree char *state = NULL;
	if (!tk || (id = first(s, by_title, st->id, tk, window_days, &state, error)) == 0)
		return 0;
	if (id < 0)
		return -1;
	int same = same_sender(s, st, id, error);
	if (same <= 0)
		return same;
	*original = id;
	*how = strcmp(state, "posted") == 0 ? DUP_RESEND : DUP_REJECTED;
	return 0;
}

/* exec_ids - the write SQL with ?1 = A, then ?2 = B and ?3 = TEXT when the
 * SQL has them: 0, or -1 and ERROR. */
static int
exec_ids(struct store *s, const char *sql, gint64 a, gint64 b, const char *text,
    const char *what, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, a);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, b);
	if (sqlite3_bind_parameter_count(q) >= 3)
		store_bind_text(q, 3, text);
	return store_q_exec(s, q, what, error) < 0 ? -1 : 0;
}

int
store_dup_link(struct store *s, gint64 id, gint64 original, const char *how, GError **error)
{
	return exec_ids(s, "INSERT OR REPLACE INTO duplicates(statement, original, how, at)"
	    " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", id, original, how,
	    "link duplicate", error);
}

int
store_dup_unlink(struct store *s, gint64 id, GError **error)
{
	return exec_ids(s, "DELETE FROM duplicates WHERE statement = ?1", id, 0, NULL,
	    "unlink duplicate", error);
}

/* one_id - SQL with ?1 = ID: the first row's integer (and text), 0: none. */
static int
one_id(struct store *s, const char *sql, gint64 id, gint64 *out, char **text, GError **error)
{
	sqlite3_stmt *q;
	*out = 0;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	struct id_text r = { 0, text };
	if (store_q_one(s, q, row_id_text, &r, "read duplicate link", error) < 0)
		return -1;
	*out = r.id;
	return 0;
}

int
store_dup_of(struct store *s, gint64 id, gint64 *original, char **how, GError **error)
{
	return one_id(s, "SELECT original, how FROM duplicates WHERE statement = ?1", id, original,
	    how, error);
}

GArray *
store_dup_list(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT d.statement FROM duplicates d JOIN messages m"
	    " ON m.id = d.statement WHERE d.original = ?1 AND m.state = 'duplicate'"
	    " ORDER BY d.statement", error) < 0)
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, q, store_row_append_int64, out, "read duplicates", error) < 0) {
		g_array_unref(out);
		return NULL;
	}
	return out;
}

int
store_dup_supersede(struct store *s, gint64 old, gint64 by, GError **error)
{
	return exec_ids(s, "INSERT OR REPLACE INTO superseded(statement, by, at)"
	    " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", old, by, NULL,
	    "supersede", error);
}

int
store_dup_unsupersede(struct store *s, gint64 old, GError **error)
{
	return exec_ids(s, "DELETE FROM superseded WHERE statement = ?1", old, 0, NULL,
	    "unsupersede", error);
}

int
store_dup_superseded_by(struct store *s, gint64 id, gint64 *by, GError **error)
{
	return one_id(s, "SELECT by FROM superseded WHERE statement = ?1", id, by, NULL, error);
}

int
store_dup_posted_at(struct store *s, gint64 id, char **at, GError **error)
{
	gint64 dummy;
	*at = NULL;
	return one_id(s, "SELECT 0, posted_at FROM statements WHERE id = ?1 AND posted_at IS NOT NULL",
	    id, &dummy, at, error);
}

int
store_dup_resends(struct store *s, const struct statement *st, int window_days,
    GArray *out, GError **error)
{
	static const char sql[] =
	    "SELECT m.id FROM messages m JOIN statements s ON s.id = m.id"
	    " WHERE m.id != ?1 AND m.state = 'rejected' AND " WITHIN
	    " AND json_extract(s.metadata, '$.title_key') = ?2 ORDER BY m.id LIMIT 20";
	const char *tk = meta(st, "title_key");
	if (!tk || window_days <= 0)
		return 0;
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	store_bind_text(q, 2, tk);
	sqlite3_bind_int(q, 3, window_days);
	g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, q, store_row_append_int64, cand, "find resends", error) < 0)
		return -1;
	for (guint i = 0; i < cand->len; i++) {
		gint64 id = g_array_index(cand, gint64, i);
		int same = same_sender(s, st, id, error);
		if (same < 0)
			return -1;
		if (same)
			g_array_append_val(out, id);
	}
	return 0;
}
