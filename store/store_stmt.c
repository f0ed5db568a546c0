/* store_stmt.c - a statement saved (replacing an earlier parse); the parse stage's message reads. */
#include "store/store_query.h"
#include "store/store_stmt.h"
#include "store/store_blob.h"
#include "conf/addr.h"

#include <string.h>

/* delete_children - the rows of an earlier parse of ID. */
static int
delete_children(struct store *s, gint64 id, GError **error)
{
	static const char *const tables[] = { "statement_groups", "statement_contacts",
		"identifiers", "related", "attachments", "problems" };
	for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
		sqlite3_stmt *q;
		g_autofree char *sql = g_strdup_printf("DELETE FROM %s WHERE statement = ?", tables[i]);
		if (store_prepare_cached(s, &q, sql, error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		if (store_q_exec(s, q, "delete earlier parse", error) < 0)
			return -1;
	}
	return 0;
}

static int
save_groups(struct store *s, gint64 id, const char *side, GPtrArray *groups, GError **error)
{
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		sqlite3_stmt *q;
		if (store_prepare_cached(s, &q, "INSERT INTO statement_groups(statement, side, position, acronym,"
		    " text) VALUES (?, ?, ?, ?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, side);
		sqlite3_bind_int(q, 3, i + 1);
		store_bind_text(q, 4, g->acronym);
		store_bind_text(q, 5, g->text ? g->text : (g->acronym ? g->acronym : ""));
		if (store_q_exec(s, q, "save group", error) < 0)
			return -1;
	}
	return 0;
}

static int
save_contacts(struct store *s, gint64 id, const char *side, GPtrArray *contacts, GError **error)
{
	for (guint i = 0; i < contacts->len; i++) {
		const struct addr *a = contacts->pdata[i];
		sqlite3_stmt *q;
		if (store_prepare_cached(s, &q, "INSERT INTO statement_contacts(statement, side, position,"
		    " address, name) VALUES (?, ?, ?, ?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, side);
		sqlite3_bind_int(q, 3, i + 1);
		store_bind_text(q, 4, a->address ? a->address : "");
		store_bind_text(q, 5, a->name);
		if (store_q_exec(s, q, "save contact", error) < 0)
			return -1;
	}
	return 0;
}

static int
save_lists(struct store *s, const struct statement *st, GError **error)
{
	sqlite3_stmt *q;
	for (guint i = 0; i < st->other_identifiers->len; i++) {
		if (store_prepare_cached(s, &q, "INSERT OR IGNORE INTO identifiers(statement, value)"
		    " VALUES (?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, st->id);
		store_bind_text(q, 2, st->other_identifiers->pdata[i]);
		if (store_q_exec(s, q, "save identifier", error) < 0)
			return -1;
	}
	for (guint i = 0; i < st->related->len; i++) {
		if (store_prepare_cached(s, &q, "INSERT OR IGNORE INTO related(statement, related)"
		    " VALUES (?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, st->id);
		sqlite3_bind_int64(q, 2, g_array_index(st->related, gint64, i));
		if (store_q_exec(s, q, "save related", error) < 0)
			return -1;
	}
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		if (store_prepare_cached(s, &q, "INSERT INTO attachments(statement, position, filename,"
		    " original_filename, content_type, size, sha256, derived_from)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, st->id);
		sqlite3_bind_int(q, 2, a->position > 0 ? a->position : (int)i + 1);
		store_bind_text(q, 3, a->filename);
		store_bind_text(q, 4, a->original_filename);
		store_bind_text(q, 5, a->content_type ? a->content_type : "application/octet-stream");
		sqlite3_bind_int64(q, 6, a->size);
		store_bind_text(q, 7, a->sha256);
		if (a->derived_from > 0)
			sqlite3_bind_int(q, 8, a->derived_from);
		else
			sqlite3_bind_null(q, 8);
		if (store_q_exec(s, q, "save attachment", error) < 0)
			return -1;
	}
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (store_prepare_cached(s, &q, "INSERT INTO problems(statement, position, code, severity,"
		    " field, message) VALUES (?, ?, ?, ?, ?, ?)", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, st->id);
		sqlite3_bind_int(q, 2, i + 1);
		store_bind_text(q, 3, p->code);
		store_bind_text(q, 4, p->severity == SEV_ERROR ? "error" : "warning");
		store_bind_text(q, 5, p->field ? p->field : "");
		store_bind_text(q, 6, p->message ? p->message : "");
		if (store_q_exec(s, q, "save problem", error) < 0)
			return -1;
	}
	return 0;
}

int
store_stmt_save(struct store *s, struct statement *st, GError **error)
{
	sqlite3_stmt *q;
	store_assert_in_tx(s);
	g_autofree char *now = store_now();
	const char *state = stmt_state_name(st->state);
	g_autofree char *meta = NULL;
	JsonNode *mn = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(mn, st->metadata);
	meta = json_to_string(mn, FALSE);
	json_node_unref(mn);

	if (delete_children(s, st->id, error) < 0)
		return -1;
	/* Upsert: a reprocess keeps action_taken and the first posted_at, and
	 * bumps the version so a concurrent edit notices. */
	if (store_prepare_cached(s, &q, "INSERT INTO statements(id, title, purpose, deadline, body,"
	    " from_liaison_contact, to_liaison_contact, forwarded_by, submitter, auto_generated,"
	    " metadata, parsed_at, posted_at, direction, sent_directly) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, CASE WHEN ?13 = 'posted' THEN ?12 END, ?14, ?15)"
	    " ON CONFLICT(id) DO UPDATE SET title = ?2, purpose = ?3, deadline = ?4, body = ?5,"
	    " from_liaison_contact = ?6, to_liaison_contact = ?7, forwarded_by = ?8, submitter = ?9,"
	    " auto_generated = ?10, metadata = ?11, parsed_at = ?12, direction = ?14,"
	    " sent_directly = ?15,"
	    " posted_at = COALESCE(posted_at, CASE WHEN ?13 = 'posted' THEN ?12 END),"
	    " version = version + 1", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	store_bind_text(q, 2, st->title);
	store_bind_text(q, 3, st->purpose);
	store_bind_text(q, 4, st->deadline);
	store_bind_text(q, 5, st->body);
	store_bind_text(q, 6, st->from_liaison_contact);
	store_bind_text(q, 7, st->to_liaison_contact);
	store_bind_text(q, 8, st->forwarded_by);
	store_bind_text(q, 9, st->submitter);
	sqlite3_bind_int(q, 10, st->auto_generated ? 1 : 0);
	store_bind_text(q, 11, meta);
	store_bind_text(q, 12, now);
	store_bind_text(q, 13, state);
	store_bind_text(q, 14, st->outgoing ? "outgoing" : "incoming");
	sqlite3_bind_int(q, 15, st->sent_directly ? 1 : 0);
	if (store_q_exec(s, q, "save statement", error) < 0)
		return -1;
	if (save_groups(s, st->id, "from", st->from_groups, error) < 0 ||
	    save_groups(s, st->id, "to", st->to_groups, error) < 0 ||
	    save_contacts(s, st->id, "from", st->from_contacts, error) < 0 ||
	    save_contacts(s, st->id, "to", st->to_contacts, error) < 0 ||
	    save_lists(s, st, error) < 0)
		return -1;
	if (store_prepare_cached(s, &q, "UPDATE messages SET state = ? WHERE id = ?", error) < 0)
		return -1;
	store_bind_text(q, 1, state);
	sqlite3_bind_int64(q, 2, st->id);
	int changed = store_q_exec(s, q, "set message state", error);
	if (changed < 0)
		return -1;
	if (changed != 1) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, st->id);
		return -1;
	}
	if (store_prepare(s, &q, "SELECT version FROM statements WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	return store_q_one(s, q, store_row_int, &st->version, "read statement version", error) < 0 ?
	    -1 : 0;
}

struct message_row {
	char **envelope_from, **client;
};

static int
row_message(sqlite3_stmt *q, void *data)
{
	struct message_row *m = data;
	*m->envelope_from = store_col_text(q, 0);
	if (m->client)
		*m->client = store_col_text(q, 1);
	return 1;
}

int
store_stmt_message(struct store *s, gint64 id, char **envelope_from, char **client,
    GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT envelope_from, client FROM messages WHERE id = ?",
	    error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	struct message_row m = { envelope_from, client };
	int found = store_q_one(s, q, row_message, &m, "read message", error);
	if (found == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return found > 0 ? 0 : -1;
}

int
store_stmt_received(struct store *s, int slot, int slots, int max, GArray *out, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare_cached(s, &q, "SELECT id FROM messages WHERE state = 'received'"
	    " AND id % ?2 = ?1 ORDER BY id LIMIT ?3", error) < 0)
		return -1;
	sqlite3_bind_int(q, 1, slot);
	sqlite3_bind_int(q, 2, slots);
	sqlite3_bind_int(q, 3, max);
	if (store_q_each(s, q, store_row_append_int64, out, "next received messages", error) < 0)
		return -1;
	return (int)out->len;
}

gint64
store_stmt_next_received(struct store *s, int slot, int slots, GError **error)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(gint64));
	gint64 id = store_stmt_received(s, slot, slots, 1, a, error) < 0 ? -1 :
	    a->len ? g_array_index(a, gint64, 0) : 0;
	g_array_free(a, TRUE);
	return id;
}

int
store_stmt_attempts(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, "SELECT parse_attempts FROM messages WHERE id = ?", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int n = -1;
	int found = store_q_one(s, q, store_row_int, &n, "read parse attempts", error);
	if (found == 0)
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	return found > 0 ? n : -1;
}

int
store_stmt_attempt(struct store *s, gint64 id, int max, int *before, GError **error)
{
	sqlite3_stmt *q;
	if (store_begin(s, error) < 0)
		return -1;
	int n = store_stmt_attempts(s, id, error);
	if (n < 0)
		goto fail;
	if (before)
		*before = n;
	if (n >= max) {   /* out of attempts: the caller fails it */
		store_rollback(s);
		return 0;
	}
	if (store_prepare(s, &q, "UPDATE messages SET parse_attempts = parse_attempts + 1"
	    " WHERE id = ?", error) < 0)
		goto fail;
	sqlite3_bind_int64(q, 1, id);
	if (store_q_exec(s, q, "count parse attempt", error) < 0)
		goto fail;
	return store_commit(s, error);
fail:
	store_rollback(s);
	return -1;
}

int
store_stmt_attempt_counted(struct store *s, gint64 id, GError **error)
{
	sqlite3_stmt *q;
	store_assert_in_tx(s);
	if (store_prepare(s, &q, "UPDATE messages SET parse_attempts = parse_attempts + 1"
	    " WHERE id = ? AND state = 'received'", error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return store_q_exec(s, q, "count parse attempt", error);
}
