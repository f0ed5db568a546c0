/* statement_field.c - the mail form's fields: their names and labels, and a
 * statement's field as the form shows it (edit, its history detail, the editor). */
#include "model/statement_field.h"
#include "conf/addr.h"

#include <string.h>

/* The editable fields: the command-line name and the mail form's label
 * (body has no label in the form; it is the text itself). */
const struct stmt_field stmt_fields[] = {
	{ "title", "Title" },
	{ "from", "From" },
	{ "from_contact", "From-Contact" },
	{ "from_liaison_contact", "From-Liaison-Contact" },
	{ "to", "To" },
	{ "to_contact", "To-Contact" },
	{ "to_liaison_contact", "To-Liaison-Contact" },
	{ "purpose", "Purpose" },
	{ "deadline", "Deadline" },
	{ "body", "Body" },
	{ NULL, NULL },
};

/* stmt_field_find - by name (from_contact, from-contact) or label (From-Contact). */
const struct stmt_field *
stmt_field_find(const char *name)
{
	g_autofree char *n = g_ascii_strdown(name, -1);
	g_strdelimit(n, "-", '_');
	g_strstrip(n);
	for (const struct stmt_field *f = stmt_fields; f->name; f++)
		if (strcmp(f->name, n) == 0)
			return f;
	return NULL;
}

/* groups_text - groups as written, comma-separated. */
static char *
groups_text(GPtrArray *groups, gboolean resolved)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < groups->len; i++) {
		struct group_ref *g = g_ptr_array_index(groups, i);
		g_string_append_printf(s, "%s%s", i ? ", " : "", g->text);
		if (resolved)
			g_string_append_printf(s, " (%s)", g->acronym ? g->acronym : "unresolved");
	}
	return g_string_free(s, FALSE);
}

/* contacts_text - addresses as "Name <a@x>", comma-separated. */
static char *
contacts_text(GPtrArray *contacts)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < contacts->len; i++) {
		g_autofree char *a = addr_format(g_ptr_array_index(contacts, i));
		g_string_append_printf(s, "%s%s", i ? ", " : "", a);
	}
	return g_string_free(s, FALSE);
}

const char *
stmt_purpose_text(const char *p)
{
	if (!p)
		return "";
	if (strcmp(p, "for_action") == 0)
		return "For Action";
	if (strcmp(p, "for_information") == 0)
		return "For Information";
	if (strcmp(p, "in_response") == 0)
		return "In Response";
	return p;
}

/* stmt_field_text - field F of ST as the form would show it; RESOLVED adds
 * the directory group after each group name. */
char *
stmt_field_text(const struct statement *st, const char *name, gboolean resolved)
{
	if (strcmp(name, "title") == 0) return g_strdup(st->title ? st->title : "");
	if (strcmp(name, "from") == 0) return groups_text(st->from_groups, resolved);
	if (strcmp(name, "to") == 0) return groups_text(st->to_groups, resolved);
	if (strcmp(name, "from_contact") == 0) return contacts_text(st->from_contacts);
	if (strcmp(name, "to_contact") == 0) return contacts_text(st->to_contacts);
	if (strcmp(name, "from_liaison_contact") == 0)
		return g_strdup(st->from_liaison_contact ? st->from_liaison_contact : "");
	if (strcmp(name, "to_liaison_contact") == 0)
		return g_strdup(st->to_liaison_contact ? st->to_liaison_contact : "");
	if (strcmp(name, "purpose") == 0) return g_strdup(stmt_purpose_text(st->purpose));
	if (strcmp(name, "deadline") == 0) return g_strdup(st->deadline ? st->deadline : "");
	if (strcmp(name, "body") == 0) return g_strdup(st->body ? st->body : "");
	return g_strdup("");
}

