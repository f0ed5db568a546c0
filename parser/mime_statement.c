/* mime_statement.c - the statement's parts that come from the mail itself,
 * not from its fields. */
#include "parser/mime.h"

void
mime_statement_from_mail(struct statement *st, struct parsed_mail *pm)
{
	g_free(st->body);
	st->body = g_strdup(pm->body);
	st->forwarded_by = g_strdup(pm->forwarded_by);
	st->auto_generated = pm->auto_generated;
	/* 4053bis: record the address the statement was originally received from. */
	st->submitter = mime_bare_address(pm->h.from_raw);
	if (!st->submitter && pm->envelope_from && *pm->envelope_from)
		st->submitter = g_strdup(pm->envelope_from);
	st->message_id = g_strdup(pm->h.message_id);
	st->in_reply_to = g_strdup(pm->h.in_reply_to);
	for (guint i = 0; pm->h.references && i < pm->h.references->len; i++)
		g_ptr_array_add(st->references, g_strdup(pm->h.references->pdata[i]));
	for (guint i = 0; i < pm->attachments->len; i++) {
		const struct attachment *a = pm->attachments->pdata[i];
		struct attachment *c = g_new0(struct attachment, 1);
		*c = *a;
		c->filename = g_strdup(a->filename);
		c->original_filename = g_strdup(a->original_filename);
		c->content_type = g_strdup(a->content_type);
		c->sha256 = g_strdup(a->sha256);
		g_ptr_array_add(st->attachments, c);
	}
	for (guint i = 0; i < pm->defects->len; i++)
		statement_problem(st, PROB_MIME_DEFECT, NULL, "The mail's structure is damaged "
		    "or unusual: %s.", (const char *)pm->defects->pdata[i]);
	if (pm->charset_guessed)
		statement_problem(st, PROB_CHARSET_GUESSED, NULL, "Text without a usable "
		    "character set was read as UTF-8 or Windows-1252; check accented letters.");
}

