/* validate.c - RFC 4053bis rules over a read statement: errors reject, warnings are kept. */
#include "parser/validate.h"
#include "parser/fields_private.h"
#include "conf/addr.h"
#include "conf/log.h"

#include <string.h>

static gboolean
meta_true(const struct statement *st, const char *key)
{
	return json_object_has_member(st->metadata, key) &&
	    json_object_get_boolean_member(st->metadata, key);
}

static const char *
meta_str(const struct statement *st, const char *key)
{
	if (!json_object_has_member(st->metadata, key))
		return NULL;
	JsonNode *n = json_object_get_member(st->metadata, key);
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ?
	    json_node_get_string(n) : NULL;
}

static const char *
purpose_words(const char *p)
{
	if (strcmp(p, "for_action") == 0)
		return "For Action";
	if (strcmp(p, "in_response") == 0)
		return "In Response";
	return "For Information";
}

/* infer_purpose - 4053bis requires a Purpose; when none was written, the
 * statement's shape says which: an answer, a request, or news. */
static void
infer_purpose(struct statement *st)
{
	const char *p, *why;
	if (meta_str(st, "response_to")) {
		p = "in_response";
		why = "it says what it responds to";
	} else if (st->related->len > 0) {
		p = "in_response";
		why = "it answers a statement already recorded";
	} else if (meta_true(st, "action_requested")) {
		p = "for_action";
		why = "it has an ACTION paragraph";
	} else if (st->deadline) {
		p = "for_action";
		why = "it gives a deadline";
	} else {
		p = "for_information";
		why = "it asks for nothing and gives no deadline";
	}
	st->purpose = g_strdup(p);
	json_object_set_string_member(st->metadata, "purpose_source", "inferred");
	statement_problem(st, PROB_PURPOSE_INFERRED, NULL,
	    "No Purpose was given; recorded as %s because %s.", purpose_words(p), why);
}

/* candidates - "a, b or c" of the groups of an ambiguous match. */
static char *
candidates(const struct dir_match *m)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; m->groups && i < m->groups->len && i < 6; i++) {
		const struct dir_group *g = m->groups->pdata[i];
		if (i > 0)
			g_string_append(s, i + 1 == m->groups->len ? " or " : ", ");
		g_string_append(s, g->acronym);
	}
	return g_string_free(s, FALSE);
}

/* from_ietf - the statement is the IETF's own, sent out to another body. */
static gboolean
from_ietf(const struct statement *st, const struct directory *dir)
{
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct group_ref *g = st->from_groups->pdata[i];
		const struct dir_group *dg = g->acronym && dir ? directory_get(dir, g->acronym) : NULL;
		if (dg && dg->type != DIR_SDO)
			return TRUE;
	}
	return FALSE;
}

/* check_to - each To body must be one group of the directory: an IETF group,
 * or, for a statement the IETF sends out (recorded for linking), any body. */
static void
check_to(struct statement *st, const struct directory *dir)
{
	gboolean outgoing = from_ietf(st, dir);
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct group_ref *g = st->to_groups->pdata[i];
		const struct dir_group *dg = g->acronym && dir ? directory_get(dir, g->acronym) : NULL;
		if (dg) {
			if (dg->type == DIR_SDO && !outgoing)
				statement_problem(st, PROB_UNKNOWN_TO, NULL,
				    "To names '%s', which is not an IETF group (it is %s); the liaison "
				    "manager must find the right recipient.", g->text, dg->name);
			else if (dg->concluded)
				statement_problem(st, PROB_CONCLUDED_GROUP, NULL,
				    "To names %s, which has concluded; the statement goes to its area or "
				    "to the liaison manager.", dg->acronym);
			continue;
		}
		GPtrArray *ms = dir ? directory_resolve(dir, g->text) : NULL;
		const struct dir_match *m = ms && ms->len > 0 ? ms->pdata[0] : NULL;
		if (m && m->kind == DIR_MATCH_AMBIGUOUS) {
			g_autofree char *c = candidates(m);
			statement_problem(st, PROB_AMBIGUOUS_TO, NULL,
			    "To names '%s', which could be %s; edit the To field to name one.", g->text, c);
		} else if (m && m->suggestion) {
			/* the group in full: the sender may not know our acronyms */
			const struct dir_group *sg = directory_get(dir, m->suggestion);
			g_autofree char *full = sg ? dir_group_title(sg) : g_strdup(m->suggestion);
			statement_problem(st, PROB_UNKNOWN_TO, NULL,
			    "To names '%s', which matches no IETF group; did you mean the %s?", g->text,
			    full);
		} else {
			statement_problem(st, PROB_UNKNOWN_TO, NULL,
			    "To names '%s', which matches no IETF group; the liaison manager must find "
			    "the right recipient.", g->text);
		}
		if (ms)
			g_ptr_array_unref(ms);
	}
}

/* check_from - a sender outside the directory is fine (no liaison relationship is required). */
static void
check_from(struct statement *st, const struct directory *dir)
{
	for (guint i = 0; i < st->from_groups->len; i++) {
		const struct group_ref *g = st->from_groups->pdata[i];
		const struct dir_group *dg = g->acronym && dir ? directory_get(dir, g->acronym) : NULL;
		if (!dg)
			statement_problem(st, PROB_UNKNOWN_FROM, NULL,
			    "From names '%s', which is not in the group directory; it is kept as written.",
			    g->text);
		else if (dg->concluded)
			statement_problem(st, PROB_CONCLUDED_GROUP, "from_groups",
			    "From names %s, which has concluded.", dg->acronym);
	}
}

static gboolean
has_ext(const char *name, const char *const *exts)
{
	if (!name)
		return FALSE;
	g_autofree char *low = g_ascii_strdown(name, -1);
	for (; *exts; exts++)
		if (g_str_has_suffix(low, *exts))
			return TRUE;
	return FALSE;
}

/* word_was_read - the gateway extracted the text of attachment NAME (issue 8):
 * `show --text` is then the readable version. */
static gboolean
word_was_read(const struct statement *st, const char *name)
{
	for (guint i = 0; st->documents && i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		if (d->text && d->text_chars > 0 && g_strcmp0(d->filename, name) == 0)
			return TRUE;
	}
	return FALSE;
}

/* check_word - RFC 4053bis: Word may be sent, with a readable version beside it. */
static void
check_word(struct statement *st)
{
	static const char *const word[] = { ".doc", ".docx", ".docm", ".rtf", NULL };
	static const char *const readable[] = { ".pdf", ".htm", ".html", ".txt", NULL };
	GString *names = g_string_new(NULL);
	gboolean rendition = FALSE;
	for (guint i = 0; i < st->attachments->len; i++) {
		const struct attachment *a = st->attachments->pdata[i];
		const char *ct = a->content_type ? a->content_type : "";
		if ((has_ext(a->filename, word) || strstr(ct, "msword") ||
		    strstr(ct, "wordprocessingml")) && !word_was_read(st, a->filename))
			g_string_append_printf(names, "%s%s", names->len ? ", " : "", a->filename);
		else if (has_ext(a->filename, readable) || strcmp(ct, "application/pdf") == 0 ||
		    strcmp(ct, "text/html") == 0)
			rendition = TRUE;
	}
	if (names->len && !rendition)
		statement_problem(st, PROB_WORD_WITHOUT_READABLE, NULL,
		    "%s came without a PDF, HTML or text version; RFC 4053bis asks for one.", names->str);
	g_string_free(names, TRUE);
}

/* has_text - something in S besides white space (as g_strstrip sees it). */
static gboolean
has_text(const char *s)
{
	while (g_ascii_isspace(*s))
		s++;
	return *s != '\0';
}

/* has_content - some text besides the labelled fields, or an attachment. */
static gboolean
has_content(const struct statement *st)
{
	if (st->attachments->len > 0)
		return TRUE;
	if (!st->body)
		return FALSE;
	struct label_block *b = labels_scan(st->body);
	gboolean some = b->items->len > 0 ? has_text(b->lead) || has_text(b->prose) :
	    has_text(st->body);
	label_block_free(b);
	return some;
}

static void
check_contacts(struct statement *st)
{
	if (st->from_contacts->len == 0 && !statement_has_problem(st, PROB_BAD_ADDRESS))
		statement_problem(st, PROB_MISSING_FROM_CONTACT, NULL,
		    "The statement names no From-Contact: at least one address of a person at the "
		    "sender is needed.");
	const char *single[] = { st->from_liaison_contact, st->to_liaison_contact };
	const char *names[] = { "from_liaison_contact", "to_liaison_contact" };
	for (int i = 0; i < 2; i++)
		if (single[i] && !addr_is_valid(single[i]) && !statement_has_problem(st, PROB_BAD_ADDRESS))
			statement_problem(st, PROB_BAD_ADDRESS, names[i],
			    "'%s' is not a valid e-mail address.", single[i]);
}

/* link_answered - what the statement answers, by LINKS; unresolved is a warning. */
static void
link_answered(struct statement *st, struct link_lookup *links)
{
	if (!links)
		return;
	GError *e = NULL;
	if (links->resolve(links, st, &e) < 0) {
		log_warning("event=link_failed statement=%" G_GINT64_FORMAT " error=%s", st->id,
		    log_quote(e->message));
		g_error_free(e);
	}
}

void
validate_statement(struct statement *st, const struct directory *dir,
    struct link_lookup *links, const char *today)
{
	if (st->auto_generated)   /* never answered, so nothing to check */
		return;
	link_answered(st, links);
	/* A purpose worked out earlier is worked out again (re-validation after
	 * an edit): the deadline or the link it came from may have changed. */
	if (g_strcmp0(meta_str(st, "purpose_source"), "inferred") == 0)
		g_clear_pointer(&st->purpose, g_free);
	gboolean explicit_purpose = st->purpose != NULL;
	if (!st->purpose && !statement_has_problem(st, PROB_BAD_PURPOSE))
		infer_purpose(st);

	gint64 labelled = json_object_has_member(st->metadata, "labelled_fields") ?
	    json_object_get_int_member(st->metadata, "labelled_fields") : 1;
	if (labelled == 0 && st->to_groups->len == 0 && st->from_groups->len == 0) {
		statement_problem(st, PROB_NOT_A_STATEMENT, NULL,
		    "This message has none of the fields of a liaison statement (Title, From, To, "
		    "Purpose...); it may be ordinary mail sent to the statements address.");
	} else {
		if (!st->title || !*st->title)
			statement_problem(st, PROB_MISSING_TITLE, NULL,
			    "The statement has no Title (and the mail no Subject).");
		if (st->from_groups->len == 0)
			statement_problem(st, PROB_MISSING_FROM, NULL,
			    "The statement does not say which body sends it (a From: or Source: line).");
		if (st->to_groups->len == 0)
			statement_problem(st, PROB_MISSING_TO, NULL,
			    "The statement does not say which IETF group it is for (a To: line).");
		check_to(st, dir);
		check_from(st, dir);
		check_contacts(st);
		if (explicit_purpose && g_strcmp0(st->purpose, "for_action") == 0 && !st->deadline &&
		    !statement_has_problem(st, PROB_BAD_DEADLINE))
			statement_problem(st, PROB_MISSING_DEADLINE, NULL,
			    "The statement is For Action but gives no Deadline; RFC 4053bis requires one.");
	}
	if (st->deadline && today && strcmp(st->deadline, today) < 0)
		statement_problem(st, PROB_DEADLINE_PAST, NULL,
		    "The deadline %s had already passed when the statement arrived (%s).",
		    st->deadline, today);
	if (g_strcmp0(st->purpose, "in_response") == 0 && st->related->len == 0) {
		const char *ref = meta_str(st, "response_to");
		if (!ref && st->in_reply_to)
			json_object_set_string_member(st->metadata, "response_to", st->in_reply_to);
		ref = meta_str(st, "response_to");
		statement_problem(st, PROB_IN_RESPONSE_UNRESOLVED, NULL,
		    "The statement answers %s%s%s, which is not among the statements recorded here; "
		    "link it by hand if it is.", ref ? "'" : "an earlier statement", ref ? ref : "",
		    ref ? "'" : "");
	}
	if (!has_content(st))
		statement_problem(st, PROB_NO_CONTENT, NULL,
		    "The statement has no text besides its fields and no attachment.");
	check_word(st);
}
