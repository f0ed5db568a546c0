/* store_link.c - In Response linking: finding the statement answered, marking it answered. */
#include "store/store_link.h"
#include "store/store_private.h"
#include "store/store_stmt.h"
#include "store/store_query.h"

#include <string.h>

#define LINKABLE "m.state IN ('posted','rejected')"
#define TOPIC_CANDIDATES 20

static gboolean
has_id(GArray *a, gint64 id)
{
	for (guint i = 0; i < a->len; i++)
		if (g_array_index(a, gint64, i) == id)
			return TRUE;
	return FALSE;
}

static int
add_related(struct statement *st, gint64 id)
{
	if (id <= 0 || id == st->id || has_id(st->related, id))
		return 0;
	g_array_append_val(st->related, id);
	return 1;
}

/* first_id - run SQL with ?1 = st->id and ?2 = TEXT; the first row's id, 0
 * when none, -1 on error. */
static gint64
first_id(struct store *s, const char *sql, gint64 self, const char *text, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, self);
	store_bind_text(q, 2, text);
	gint64 id = 0;
	return store_q_one(s, q, store_row_int64, &id, "find linked statement", error) < 0 ? -1 : id;
}

/* by_message_id - In-Reply-To, then References newest first (RFC 5322 3.6.4). */
static int
by_message_id(struct store *s, struct statement *st, GError **error)
{
	static const char sql[] =
	    "SELECT m.id FROM messages m WHERE m.id IN " BY_MESSAGE_ID
	    " AND m.id != ?1 AND " LINKABLE " ORDER BY m.id DESC LIMIT 1";
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	if (st->in_reply_to && *st->in_reply_to)
		g_ptr_array_add(ids, st->in_reply_to);
	for (guint i = st->references->len; i > 0; i--)
		g_ptr_array_add(ids, st->references->pdata[i - 1]);
	for (guint i = 0; i < ids->len && i < 20; i++) {
		gint64 id = first_id(s, sql, st->id, ids->pdata[i], error);
		if (id < 0)
			return -1;
		if (id > 0)
			return add_related(st, id);
	}
	return 0;
}

/* by_identifier - the Tdoc / LS numbers of "Response to:" (metadata
 * response_to_ids, found by the parser) among stored identifiers. */
static int
by_identifier(struct store *s, struct statement *st, GError **error)
{
	static const char sql[] =
	    "SELECT i.statement FROM identifiers i JOIN messages m ON m.id = i.statement"
	    " WHERE i.statement != ?1 AND " LINKABLE " AND i.value = ?2 COLLATE NOCASE"
	    " ORDER BY i.statement DESC LIMIT 1";
	if (!json_object_has_member(st->metadata, "response_to_ids"))
		return 0;
	JsonArray *a = json_object_get_array_member(st->metadata, "response_to_ids");
	int added = 0;
	for (guint i = 0; a && i < json_array_get_length(a) && i < 20; i++) {
		const char *v = json_array_get_string_element(a, i);
		if (!v)
			continue;
		gint64 id = first_id(s, sql, st->id, v, error);
		if (id < 0)
			return -1;
		added += add_related(st, id);
	}
	return added;
}

/* acronyms - the resolved groups of one side of ST. */
static gboolean
side_has(GPtrArray *groups, const char *acronym)
{
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		if (!g->acronym)
			continue;
		/* A body matches its own sub-groups: 3gpp answers for 3gpp-sa3. */
		size_t n = strlen(acronym);
		if (strcmp(g->acronym, acronym) == 0 ||
		    (strncmp(g->acronym, acronym, n) == 0 && g->acronym[n] == '-') ||
		    (strncmp(acronym, g->acronym, strlen(g->acronym)) == 0 &&
		    acronym[strlen(g->acronym)] == '-'))
			return TRUE;
	}
	return FALSE;
}

struct opposite {
	const struct statement *st;
	int found;
};

static int
row_opposite(sqlite3_stmt *q, void *data)
{
	struct opposite *o = data;
	const char *side = store_col_str(q, 0), *acr = store_col_str(q, 1);
	o->found = strcmp(side, "to") == 0 ? side_has(o->st->from_groups, acr) :
	    side_has(o->st->to_groups, acr);
	return o->found;   /* one is enough */
}

/* opposite - did stored statement ID go the other way (its To is our From,
 * or its From our To)? */
static int
opposite(struct store *s, const struct statement *st, gint64 id, GError **error)
{
	struct opposite o = { st, 0 };
	if (store_q_each_id(s, "SELECT side, acronym FROM statement_groups"
	    " WHERE statement = ?1 AND acronym IS NOT NULL", id, row_opposite, &o,
	    "read statement groups", error) < 0)
		return -1;
	return o.found;
}

/* by_title - "Reply LS on X" to the newest stored "LS on X" sent the other way. */
static int
by_title(struct store *s, struct statement *st, GError **error)
{
	static const char sql[] =
	    "SELECT s.id FROM statements s JOIN messages m ON m.id = s.id"
	    " WHERE s.id != ?1 AND " LINKABLE
	    " AND json_extract(s.metadata, '$.title_topic') = ?2"
	    " AND coalesce(json_extract(s.metadata, '$.title_is_reply'), 0) = 0"
	    " ORDER BY s.id DESC LIMIT " G_STRINGIFY(TOPIC_CANDIDATES);
	if (!json_object_has_member(st->metadata, "title_topic") ||
	    !json_object_has_member(st->metadata, "title_is_reply") ||
	    !json_object_get_boolean_member(st->metadata, "title_is_reply"))
		return 0;
	const char *topic = json_object_get_string_member(st->metadata, "title_topic");
	sqlite3_stmt *q;
	if (!topic || store_prepare(s, &q, sql, error) < 0)
		return topic ? -1 : 0;
	sqlite3_bind_int64(q, 1, st->id);
	store_bind_text(q, 2, topic);
	g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, q, store_row_append_int64, cand, "find statement by title", error) < 0)
		return -1;
	for (guint i = 0; i < cand->len; i++) {
		gint64 id = g_array_index(cand, gint64, i);
		int o = opposite(s, st, id, error);
		if (o < 0)
			return -1;
		if (o)
			return add_related(st, id);
	}
	return 0;
}

int
store_link_resolve(struct store *s, struct statement *st, GError **error)
{
	int total = 0, n;
	if ((n = by_message_id(s, st, error)) < 0)
		return -1;
	total += n;
	if ((n = by_identifier(s, st, error)) < 0)
		return -1;
	total += n;
	if (total == 0) {
		if ((n = by_title(s, st, error)) < 0)
			return -1;
		total += n;
	}
	return total;
}

int
store_link_mark_answered(struct store *s, const struct statement *st, const char *actor,
    GError **error)
{
	store_assert_in_tx(s);
	if (!st->purpose || strcmp(st->purpose, "in_response") != 0 ||
	    st->state != STMT_POSTED)
		return 0;
	for (guint i = 0; i < st->related->len; i++) {
		gint64 id = g_array_index(st->related, gint64, i);
		sqlite3_stmt *q;
		if (store_prepare(s, &q, "UPDATE statements SET action_taken = 1, version = version + 1"
		    " WHERE id = ?1 AND action_taken = 0", error) < 0)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		int changed = store_q_exec(s, q, "mark statement answered", error);
		if (changed < 0)
			return -1;
		if (changed == 0)
			continue;
		g_autofree char *detail = g_strdup_printf("answered by statement %" G_GINT64_FORMAT, st->id);
		if (store_event(s, id, actor, "action_taken", detail, FALSE, error) < 0)
			return -1;
	}
	return 0;
}

/* exec1 - SQL with ?1, ?2 bound to A, B; -1 on error. */
static int
exec1(struct store *s, const char *sql, gint64 a, gint64 b, GError **error)
{
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, a);
	sqlite3_bind_int64(q, 2, b);
	return store_q_exec(s, q, "link a reply", error) < 0 ? -1 : 0;
}

/* meta_ids - the strings of metadata array KEY of ST into OUT. */
static void
meta_ids(const struct statement *st, const char *key, GPtrArray *out)
{
	if (!json_object_has_member(st->metadata, key))
		return;
	JsonArray *a = json_object_get_array_member(st->metadata, key);
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		const char *v = json_array_get_string_element(a, i);
		if (v)
			g_ptr_array_add(out, g_strdup(v));
	}
}

int
store_link_late(struct store *s, struct statement *st, const char *actor, GError **error)
{
	/* the candidates: waiting replies whose In-Reply-To or References name
	 * ST's Message-ID (its own or the forwarded original's), whose Tdoc
	 * references name one of ST's identifiers, or whose reply title has
	 * ST's topic; store_link_resolve then decides as on arrival */
	static const char sql[] =
	    "SELECT DISTINCT p.statement FROM problems p JOIN messages m ON m.id = p.statement"
	    " JOIN statements c ON c.id = p.statement"
	    " WHERE p.code = 'in_response_unresolved' AND p.statement != ?1 AND " LINKABLE
	    " AND (json_extract(c.metadata, '$.in_reply_to') IN (?2, ?3)"
	    "   OR EXISTS (SELECT 1 FROM json_each(c.metadata, '$.references') r"
	    "              WHERE r.value IN (?2, ?3))"
	    "   OR EXISTS (SELECT 1 FROM json_each(c.metadata, '$.response_to_ids') t"
	    "              JOIN identifiers i ON i.statement = ?1 AND i.value = t.value COLLATE NOCASE)"
	    "   OR (json_extract(c.metadata, '$.title_topic') = ?4"
	    "       AND json_extract(c.metadata, '$.title_is_reply')))"
	    " ORDER BY p.statement LIMIT 20";
	if (st->state != STMT_POSTED && st->state != STMT_REJECTED)
		return 0;
	/* the Message-ID the parse gave, and a forward's original one */
	const char *own = st->message_id, *inner = st->message_id;
	if (json_object_has_member(st->metadata, "message_id"))
		inner = json_object_get_string_member(st->metadata, "message_id");
	const char *topic = json_object_has_member(st->metadata, "title_topic") ?
	    json_object_get_string_member(st->metadata, "title_topic") : NULL;
	sqlite3_stmt *q;
	if (store_prepare(s, &q, sql, error) < 0)
		return -1;
	sqlite3_bind_int64(q, 1, st->id);
	sqlite3_bind_text(q, 2, own ? own : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, inner ? inner : "", -1, SQLITE_TRANSIENT);
	if (topic)
		sqlite3_bind_text(q, 4, topic, -1, SQLITE_TRANSIENT);
	g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_q_each(s, q, store_row_append_int64, cand, "find waiting replies", error) < 0)
		return -1;
	int linked = 0;
	for (guint i = 0; i < cand->len; i++) {
		gint64 id = g_array_index(cand, gint64, i);
		struct statement *c = store_stmt_load(s, id, error);
		if (!c)
			return -1;
		/* as the reply was read: what it answers, from its metadata */
		g_free(c->in_reply_to);
		c->in_reply_to = json_object_has_member(c->metadata, "in_reply_to") ?
		    g_strdup(json_object_get_string_member(c->metadata, "in_reply_to")) : NULL;
		meta_ids(c, "references", c->references);
		g_array_set_size(c->related, 0);
		int n = store_link_resolve(s, c, error);
		gboolean answers = FALSE;
		for (guint j = 0; n > 0 && j < c->related->len; j++)
			answers |= g_array_index(c->related, gint64, j) == st->id;
		gboolean posted = c->state == STMT_POSTED;
		statement_free(c);
		if (n < 0)
			return -1;
		if (!answers)
			continue;
		g_autofree char *detail = g_strdup_printf("answers statement %" G_GINT64_FORMAT
		    ", saved after it", st->id);
		if (exec1(s, "INSERT OR IGNORE INTO related(statement, related) VALUES (?1, ?2)",
		        id, st->id, error) < 0 ||
		    exec1(s, "DELETE FROM problems WHERE statement = ?1 AND ?2 = ?2"
		        " AND code = 'in_response_unresolved'", id, 0, error) < 0 ||
		    exec1(s, "UPDATE statements SET version = version + 1 WHERE id = ?1 AND ?2 = ?2",
		        id, 0, error) < 0 ||
		    store_event(s, id, actor, "linked", detail, FALSE, error) < 0)
			return -1;
		linked++;
		if (posted && !st->action_taken) {
			g_autofree char *by = g_strdup_printf("answered by statement %" G_GINT64_FORMAT, id);
			if (exec1(s, "UPDATE statements SET action_taken = 1, version = version + 1"
			        " WHERE id = ?1 AND ?2 = ?2", st->id, 0, error) < 0 ||
			    store_event(s, st->id, actor, "action_taken", by, FALSE, error) < 0)
				return -1;
			st->action_taken = TRUE;
		}
	}
	return linked;
}
