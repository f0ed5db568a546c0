/* store_dup.c - finding the statement a new one repeats; the duplicate and
 * superseded links. */
#include "store/store_dup.h"
#include "store/store_private.h"

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
	sqlite3_bind_text(q, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, window);
	int rc = sqlite3_step(q);
	gint64 id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (rc == SQLITE_ROW && state)
		*state = g_strdup((const char *)sqlite3_column_text(q, 1));
	store_finish(s, q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "find the statement repeated", error);
	return id;
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
	int rc = sqlite3_step(q), same = 0;
	if (rc == SQLITE_ROW) {
		const char *flc = (const char *)sqlite3_column_text(q, 0);
		const char *sub = (const char *)sqlite3_column_text(q, 1);
		same = (st->from_liaison_contact && *flc &&
		    g_ascii_strcasecmp(flc, st->from_liaison_contact) == 0) ||
		    (st->submitter && *sub && g_ascii_strcasecmp(sub, st->submitter) == 0);
	}
	store_finish(s, q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "read the sender", error);
	if (same)
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

static int
exec_ids(struct store *s, const char *sql, gint64 a, gint64 b, const char *text,
    const char *what, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, a);
	sqlite3_bind_int64(q, 2, b);
	if (text)
		sqlite3_bind_text(q, 3, text, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	store_finish(s, q);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, what, error);
	return 0;
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
	return exec_ids(s, "DELETE FROM duplicates WHERE statement = ?1 AND ?2 = ?2", id, 0, NULL,
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
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(q, 0);
		if (text)
			*text = g_strdup((const char *)sqlite3_column_text(q, 1));
	}
	store_finish(s, q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "read duplicate link", error);
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
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gint64 v = sqlite3_column_int64(q, 0);
		g_array_append_val(out, v);
	}
	store_finish(s, q);
	if (rc != SQLITE_DONE) {
		g_array_unref(out);
		store_set_sqlite_error(s, rc, "read duplicates", error);
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
	return exec_ids(s, "DELETE FROM superseded WHERE statement = ?1 AND ?2 = ?2", old, 0, NULL,
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
	sqlite3_bind_text(q, 2, tk, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, window_days);
	g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(gint64));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(q, 0);
		g_array_append_val(cand, id);
	}
	store_finish(s, q);
	if (rc != SQLITE_DONE)
		return store_set_sqlite_error(s, rc, "find resends", error);
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
