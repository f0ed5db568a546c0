/* statement_json.c - the statement as `liaisonctl show --json` and export
 * write it: the JSON boundary of the model (keys are an interface). */
#include "model/statement.h"
#include "conf/addr.h"

/* meta_strings - metadata KEY as an array of strings: an array as stored, or a
 * string as written split at commas and semicolons ("FS_A, FS_B"). */
static JsonArray *
meta_strings(JsonObject *meta, const char *key)
{
	JsonArray *a = json_array_new();
	JsonNode *n = meta && json_object_has_member(meta, key) ?
	    json_object_get_member(meta, key) : NULL;
	if (n && JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *src = json_node_get_array(n);
		for (guint i = 0; i < json_array_get_length(src); i++) {
			JsonNode *e = json_array_get_element(src, i);
			if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING)
				json_array_add_string_element(a, json_node_get_string(e));
		}
	} else if (n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING) {
		char **parts = g_regex_split_simple("\\s*[,;]\\s*", json_node_get_string(n), 0, 0);
		for (char **p = parts; *p; p++)
			if (*g_strstrip(*p))
				json_array_add_string_element(a, *p);
		g_strfreev(parts);
	}
	return a;
}

static void
documents_json_add(JsonObject *o, const struct statement *st)
{
	JsonArray *docs = json_array_new();
	for (guint i = 0; st->documents && i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		JsonObject *dj = json_object_new();
		json_object_set_string_member(dj, "filename", d->filename ? d->filename : "");
		json_object_set_string_member(dj, "role", g_strcmp0(d->role, "statement") == 0 ?
		    "statement" : "attachment");
		json_object_set_int_member(dj, "text_chars", d->text_chars);
		json_array_add_object_element(docs, dj);
	}
	json_object_set_array_member(o, "documents", docs);
	JsonObject *m = st->metadata;
	const char *release = m && json_object_has_member(m, "release") &&
	    JSON_NODE_HOLDS_VALUE(json_object_get_member(m, "release")) ?
	    json_object_get_string_member(m, "release") : NULL;
	if (release)
		json_object_set_string_member(o, "release", release);
	else
		json_object_set_null_member(o, "release");
	json_object_set_array_member(o, "work_items", meta_strings(m, "work_items"));
	json_object_set_array_member(o, "next_meetings", meta_strings(m, "next_meetings"));
}

JsonNode *
statement_problems_json(const struct statement *st)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		JsonObject *po = json_object_new();
		json_object_set_string_member(po, "code", p->code);
		json_object_set_string_member(po, "severity", severity_name(p->severity));
		json_object_set_string_member(po, "field", p->field ? p->field : "");
		json_object_set_string_member(po, "message", p->message ? p->message : "");
		json_array_add_object_element(a, po);
	}
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

static void
set_string_or_null(JsonObject *o, const char *key, const char *v)
{
	if (v)
		json_object_set_string_member(o, key, v);
	else
		json_object_set_null_member(o, key);
}

static JsonArray *
groups_json(GPtrArray *groups)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		json_array_add_string_element(a, g->acronym ? g->acronym : (g->text ? g->text : ""));
	}
	return a;
}

static JsonArray *
contacts_json(GPtrArray *contacts)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < contacts->len; i++)
		json_array_add_string_element(a, ((const struct addr *)contacts->pdata[i])->address);
	return a;
}

void
statement_json_add(JsonObject *o, const struct statement *st)
{
	json_object_set_string_member(o, "state", stmt_state_name(st->state));
	set_string_or_null(o, "title", st->title);
	set_string_or_null(o, "purpose", st->purpose);
	set_string_or_null(o, "deadline", st->deadline);
	json_object_set_array_member(o, "from_groups", groups_json(st->from_groups));
	json_object_set_array_member(o, "to_groups", groups_json(st->to_groups));
	json_object_set_array_member(o, "from_contacts", contacts_json(st->from_contacts));
	json_object_set_array_member(o, "to_contacts", contacts_json(st->to_contacts));
	set_string_or_null(o, "from_liaison_contact", st->from_liaison_contact);
	set_string_or_null(o, "to_liaison_contact", st->to_liaison_contact);
	set_string_or_null(o, "body", st->body);
	JsonArray *atts = json_array_new();
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		JsonObject *ao = json_object_new();
		json_object_set_string_member(ao, "filename", a->filename ? a->filename : "");
		json_object_set_string_member(ao, "content_type", a->content_type ? a->content_type : "");
		json_object_set_int_member(ao, "size", a->size);
		json_object_set_string_member(ao, "sha256", a->sha256 ? a->sha256 : "");
		json_array_add_object_element(atts, ao);
	}
	json_object_set_array_member(o, "attachments", atts);
	JsonArray *ids = json_array_new();
	for (guint i = 0; i < st->other_identifiers->len; i++)
		json_array_add_string_element(ids, st->other_identifiers->pdata[i]);
	json_object_set_array_member(o, "other_identifiers", ids);
	JsonArray *rel = json_array_new();
	for (guint i = 0; i < st->related->len; i++)
		json_array_add_int_element(rel, g_array_index(st->related, gint64, i));
	json_object_set_array_member(o, "related", rel);
	set_string_or_null(o, "forwarded_by", st->forwarded_by);
	json_object_set_boolean_member(o, "action_taken", st->action_taken);
	json_object_set_member(o, "problems", statement_problems_json(st));
	documents_json_add(o, st);
}

