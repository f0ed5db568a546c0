/* flow_export.c - a posted statement as `liaisonctl export` and the web's
 * /api/liaison/ give it: the datatracker's liaison statement shape, one
 * writer for both so that their keys cannot drift. */
#include "flow/flow.h"
#include "conf/addr.h"
#include "store/store_admin.h"

#include <string.h>

/* addr_list - bare addresses, comma-separated (the datatracker keeps contact
 * fields as such strings). */
static char *
addr_list(GPtrArray *contacts)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < contacts->len; i++) {
		const struct addr *a = g_ptr_array_index(contacts, i);
		g_string_append_printf(s, "%s%s", i ? ", " : "", a->address);
	}
	return g_string_free(s, FALSE);
}

/* groups_array - acronyms when resolved, else the text as written. */
static JsonArray *
groups_array(GPtrArray *groups)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = g_ptr_array_index(groups, i);
		json_array_add_string_element(a, g->acronym ? g->acronym : g->text);
	}
	return a;
}

/* datatracker_purpose - the datatracker's purpose slugs. */
static const char *
datatracker_purpose(const char *p)
{
	if (!p) return NULL;
	if (strcmp(p, "for_action") == 0) return "action";
	if (strcmp(p, "for_information") == 0) return "info";
	if (strcmp(p, "in_response") == 0) return "response";
	return p;
}

JsonObject *
flow_export_json(const struct statement *st, const struct admin_summary *sum, const char *base_url)
{
	JsonObject *o = json_object_new();
	g_autofree char *to_contacts = addr_list(st->to_contacts);
	g_autofree char *tech = addr_list(st->from_contacts);
	json_object_set_int_member(o, "id", st->id);
	json_object_set_string_member(o, "title", st->title);
	json_object_set_array_member(o, "from_groups", groups_array(st->from_groups));
	/* who submitted it: the first From-Contact, else the liaison contact */
	const char *from_contact = st->from_contacts->len ?
	    ((const struct addr *)g_ptr_array_index(st->from_contacts, 0))->address :
	    st->from_liaison_contact;
	json_object_set_string_member(o, "from_contact", from_contact);
	json_object_set_array_member(o, "to_groups", groups_array(st->to_groups));
	json_object_set_string_member(o, "to_contacts", to_contacts);
	json_object_set_string_member(o, "response_contacts",
	    st->from_liaison_contact ? st->from_liaison_contact : "");
	json_object_set_string_member(o, "technical_contacts", tech);
	json_object_set_string_member(o, "cc_contacts",
	    st->to_liaison_contact ? st->to_liaison_contact : "");
	json_object_set_string_member(o, "purpose", datatracker_purpose(st->purpose));
	json_object_set_string_member(o, "deadline", st->deadline);
	GString *ids = g_string_new(NULL);
	for (guint i = 0; i < st->other_identifiers->len; i++)
		g_string_append_printf(ids, "%s%s", i ? ", " : "",
		    (const char *)g_ptr_array_index(st->other_identifiers, i));
	json_object_set_string_member(o, "other_identifiers", ids->str);
	g_string_free(ids, TRUE);
	json_object_set_string_member(o, "body", st->body ? st->body : "");
	JsonArray *att = json_array_new();
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = g_ptr_array_index(st->attachments, i);
		JsonObject *ao = json_object_new();
		json_object_set_string_member(ao, "title", a->original_filename ?
		    a->original_filename : a->filename);
		json_object_set_string_member(ao, "filename", a->filename);
		json_object_set_string_member(ao, "content_type", a->content_type);
		json_object_set_int_member(ao, "size", a->size);
		json_object_set_string_member(ao, "sha256", a->sha256);
		if (base_url && *base_url) {
			g_autofree char *url = g_strdup_printf("%s%" G_GINT64_FORMAT "/attachments/%d",
			    base_url, st->id, a->position);
			json_object_set_string_member(ao, "url", url);
		}
		json_array_add_object_element(att, ao);
	}
	json_object_set_array_member(o, "attachments", att);
	JsonArray *rel = json_array_new();
	for (guint i = 0; i < st->related->len; i++) {
		JsonObject *ro = json_object_new();
		json_object_set_int_member(ro, "target", g_array_index(st->related, gint64, i));
		json_object_set_string_member(ro, "relationship", "refold");
		json_array_add_object_element(rel, ro);
	}
	json_object_set_array_member(o, "related", rel);
	json_object_set_string_member(o, "state", stmt_state_name(STMT_POSTED));
	json_object_set_string_member(o, "submitted", sum->received_at);
	json_object_set_string_member(o, "posted", sum->posted_at ? sum->posted_at : sum->received_at);
	return o;
}
