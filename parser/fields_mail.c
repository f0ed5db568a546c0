/* fields_mail.c - what the mail itself says about the statement: headers, threading, defects. */
#include "parser/fields.h"
#include "parser/fields_private.h"
#include "conf/addr.h"

#include <string.h>

#define DEFECTS_SHOWN 5

static void
meta_set(struct statement *st, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_string_member(st->metadata, key, value);
}

/* fields_link_keys - what store_link matches on: the title's topic ("LS on X" ->
 * "x"), whether it is a reply, and the numbers "Response to:" cites. */
void
fields_link_keys(struct statement *st)
{
	gboolean reply = FALSE;
	g_autofree char *topic = ident_title_topic(st->title, &reply);
	json_object_remove_member(st->metadata, "title_topic");
	json_object_remove_member(st->metadata, "title_is_reply");
	if (topic) {
		json_object_set_string_member(st->metadata, "title_topic", topic);
		json_object_set_boolean_member(st->metadata, "title_is_reply", reply);
	}
	const char *rt = json_object_has_member(st->metadata, "response_to") ?
	    json_object_get_string_member(st->metadata, "response_to") : NULL;
	json_object_remove_member(st->metadata, "response_to_ids");
	if (rt) {
		g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
		ident_scan(ids, rt);
		JsonArray *a = json_array_new();
		for (guint i = 0; i < ids->len; i++)
			json_array_add_string_element(a, ids->pdata[i]);
		json_object_set_array_member(st->metadata, "response_to_ids", a);
	}
}

/* fields_headers_fallback - what the labels did not give, from the message headers. */
void
fields_headers_fallback(struct statement *st, const struct parsed_mail *pm, gboolean contact_labelled)
{
	if (!st->title && pm->h.subject && *pm->h.subject) {
		st->title = ident_clean_title(pm->h.subject);
		if (!*st->title)
			g_clear_pointer(&st->title, g_free);
	}
	/* The sender as the original message gives it. */
	GPtrArray *from = g_ptr_array_new_with_free_func(addr_free);
	if (contacts_parse_header(pm->h.from_raw, from) && from->len > 0) {
		g_free(st->submitter);
		st->submitter = g_strdup(((struct addr *)from->pdata[0])->address);
	}
	if (!st->submitter && pm->envelope_from && addr_is_valid(pm->envelope_from)) {
		struct addr *env = addr_new(NULL, pm->envelope_from);   /* lower-cases the domain */
		st->submitter = g_strdup(env->address);
		addr_free(env);
	}
	if (st->from_contacts->len == 0 && !contact_labelled) {
		if (from->len > 0) {
			while (from->len > 0)
				g_ptr_array_add(st->from_contacts, g_ptr_array_steal_index(from, 0));
		} else if (pm->h.from && *pm->h.from) {
			statement_problem(st, PROB_BAD_ADDRESS, NULL,
			    "The sender's From header '%s' holds no valid e-mail address.", pm->h.from);
		}
	}
	g_ptr_array_unref(from);
	/* RFC 4053bis: record the address it was originally received from. */
	if (!st->from_liaison_contact && st->submitter)
		st->from_liaison_contact = g_strdup(st->submitter);
}

/* fields_copy_message - what the pipeline and linking need from the mail itself. */
void
fields_copy_message(struct statement *st, const struct parsed_mail *pm)
{
	if (!st->body)
		st->body = g_strdup(pm->body ? pm->body : "");
	if (!st->forwarded_by && pm->forwarded_by)
		st->forwarded_by = g_strdup(pm->forwarded_by);
	st->auto_generated = pm->auto_generated;
	if (!st->message_id && pm->h.message_id)
		st->message_id = g_strdup(pm->h.message_id);
	/* a forward's original Message-ID is kept (the stored one is the
	 * forward's): replies and repeats of the original are found by it */
	if (pm->h.message_id && (!pm->outer.message_id ||
	    strcmp(pm->outer.message_id, pm->h.message_id) != 0))
		meta_set(st, "message_id", pm->h.message_id);
	if (!st->in_reply_to && pm->h.in_reply_to)
		st->in_reply_to = g_strdup(pm->h.in_reply_to);
	if (st->references->len == 0 && pm->h.references)
		for (guint i = 0; i < pm->h.references->len; i++)
			g_ptr_array_add(st->references, g_strdup(pm->h.references->pdata[i]));
}

/* fields_mail_problems - GMime's complaints and a guessed charset, as warnings,
 * unless the pipeline has recorded them already. */
void
fields_mail_problems(struct statement *st, const struct parsed_mail *pm)
{
	if (!statement_has_problem(st, PROB_MIME_DEFECT)) {
		for (guint i = 0; pm->defects && i < pm->defects->len && i < DEFECTS_SHOWN; i++)
			statement_problem(st, PROB_MIME_DEFECT, NULL,
			    "The message's MIME structure is damaged (%s); check that no part is missing.",
			    (const char *)pm->defects->pdata[i]);
		if (pm->defects && pm->defects->len > DEFECTS_SHOWN)
			statement_problem(st, PROB_MIME_DEFECT, NULL,
			    "%u more MIME defects were found.", pm->defects->len - DEFECTS_SHOWN);
	}
	if (pm->charset_guessed && !statement_has_problem(st, PROB_CHARSET_GUESSED))
		statement_problem(st, PROB_CHARSET_GUESSED, NULL,
		    "The text did not say which character set it uses; it was read as UTF-8, "
		    "else windows-1252. Check accented letters.");
}

GPtrArray *
fields_mail_recipients(const struct parsed_mail *pm)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *lists[] = { pm->h.to, pm->h.cc, pm->outer.to, pm->outer.cc };
	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++) {
		if (!lists[i] || !*lists[i])
			continue;
		GPtrArray *a = g_ptr_array_new_with_free_func(addr_free);
		g_autofree char *bad = NULL;
		/* a bad address among them drops only itself: the others still count */
		contacts_parse(lists[i], a, &bad);
		for (guint k = 0; k < a->len; k++) {
			const char *addr = ((const struct addr *)a->pdata[k])->address;
			gboolean seen = FALSE;
			for (guint j = 0; j < out->len && !seen; j++)
				seen = addr_equal(out->pdata[j], addr);
			if (!seen)
				g_ptr_array_add(out, g_strdup(addr));
		}
		g_ptr_array_unref(a);
	}
	return out;
}
