/* statement.c - constructors, the state names and the problem list of a statement. */
#include "model/statement.h"
#include "conf/addr.h"

#include <stdarg.h>
#include <string.h>

/* The names stored in messages.state and printed in JSON. */
static const char *const state_names[STMT_N_STATES] = {
	[STMT_RECEIVED] = "received",
	[STMT_POSTED] = "posted",
	[STMT_REJECTED] = "rejected",
	[STMT_IGNORED] = "ignored",
	[STMT_DEAD] = "dead",
	[STMT_PENDING] = "pending",
	[STMT_DUPLICATE] = "duplicate",
};

const char *
stmt_state_name(enum stmt_state s)
{
	return (unsigned)s < STMT_N_STATES ? state_names[s] : "unknown";
}

gboolean
stmt_state_from_name(const char *name, enum stmt_state *out)
{
	for (int i = 0; name && i < STMT_N_STATES; i++)
		if (strcmp(state_names[i], name) == 0) {
			*out = (enum stmt_state)i;
			return TRUE;
		}
	return FALSE;
}

void
problem_free(gpointer p)
{
	struct problem *pr = p;
	g_free(pr->code);
	g_free(pr->field);
	g_free(pr->message);
	g_free(pr);
}

struct group_ref *
group_ref_new(const char *text, const char *acronym)
{
	struct group_ref *g = g_new0(struct group_ref, 1);
	g->text = g_strdup(text);
	g->acronym = g_strdup(acronym);
	return g;
}

void
group_ref_free(gpointer p)
{
	struct group_ref *g = p;
	g_free(g->text);
	g_free(g->acronym);
	g_free(g);
}

void
attachment_free(gpointer p)
{
	struct attachment *a = p;
	g_free(a->filename);
	g_free(a->original_filename);
	g_free(a->content_type);
	g_free(a->sha256);
	g_free(a);
}

void
document_free(gpointer p)
{
	struct document *d = p;
	g_free(d->filename);
	g_free(d->role);
	g_free(d->text);
	g_free(d);
}

struct statement *
statement_new(void)
{
	struct statement *st = g_new0(struct statement, 1);
	st->from_groups = g_ptr_array_new_with_free_func(group_ref_free);
	st->to_groups = g_ptr_array_new_with_free_func(group_ref_free);
	st->from_contacts = g_ptr_array_new_with_free_func(addr_free);
	st->to_contacts = g_ptr_array_new_with_free_func(addr_free);
	st->attachments = g_ptr_array_new_with_free_func(attachment_free);
	st->documents = g_ptr_array_new_with_free_func(document_free);
	st->other_identifiers = g_ptr_array_new_with_free_func(g_free);
	st->related = g_array_new(FALSE, FALSE, sizeof(gint64));
	st->problems = g_ptr_array_new_with_free_func(problem_free);
	st->metadata = json_object_new();
	st->references = g_ptr_array_new_with_free_func(g_free);
	st->version = 1;
	return st;
}

void
statement_free(struct statement *st)
{
	if (!st)
		return;
	g_free(st->title);
	g_free(st->purpose);
	g_free(st->deadline);
	g_free(st->body);
	g_ptr_array_unref(st->from_groups);
	g_ptr_array_unref(st->to_groups);
	g_ptr_array_unref(st->from_contacts);
	g_ptr_array_unref(st->to_contacts);
	g_free(st->from_liaison_contact);
	g_free(st->to_liaison_contact);
	g_free(st->forwarded_by);
	g_free(st->submitter);
	g_ptr_array_unref(st->attachments);
	g_ptr_array_unref(st->documents);
	g_ptr_array_unref(st->other_identifiers);
	g_array_unref(st->related);
	g_ptr_array_unref(st->problems);
	json_object_unref(st->metadata);
	g_free(st->message_id);
	g_free(st->in_reply_to);
	g_ptr_array_unref(st->references);
	g_free(st->approved_by);
	g_free(st->approved_at);
	g_free(st->approval_how);
	g_free(st->approval_note);
	g_free(st);
}

void
statement_problem_add(struct statement *st, const char *code, enum severity sev,
    const char *field, const char *message)
{
	struct problem *p = g_new0(struct problem, 1);
	p->code = g_strdup(code ? code : "");
	p->severity = sev;
	p->field = g_strdup(field ? field : "");
	p->message = g_strdup(message ? message : "");
	g_ptr_array_add(st->problems, p);
}

void
statement_problem(struct statement *st, enum problem_id id, const char *field,
    const char *fmt, ...)
{
	const struct problem_def *d = problem_def(id);
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	statement_problem_add(st, d->code, d->severity, field ? field : d->field, message);
}

gboolean
statement_has_problem(const struct statement *st, enum problem_id id)
{
	const char *code = problem_def(id)->code;
	for (guint i = 0; i < st->problems->len; i++)
		if (strcmp(((struct problem *)st->problems->pdata[i])->code, code) == 0)
			return TRUE;
	return FALSE;
}

struct problem *
statement_problem_copy(const struct problem *p)
{
	struct problem *q = g_new0(struct problem, 1);
	q->code = g_strdup(p->code);
	q->severity = p->severity;
	q->field = g_strdup(p->field ? p->field : "");
	q->message = g_strdup(p->message);
	return q;
}

gboolean
statement_has_errors(const struct statement *st)
{
	for (guint i = 0; i < st->problems->len; i++)
		if (((struct problem *)st->problems->pdata[i])->severity == SEV_ERROR)
			return TRUE;
	return FALSE;
}

void
statement_clear_problems(struct statement *st)
{
	g_ptr_array_set_size(st->problems, 0);
}

gboolean
statement_authenticated(const struct statement *st, const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	if (!at || !at[1] || !st->metadata ||
	    !json_object_has_member(st->metadata, "reply_domains"))
		return FALSE;
	JsonNode *n = json_object_get_member(st->metadata, "reply_domains");
	if (!JSON_NODE_HOLDS_ARRAY(n))
		return FALSE;
	JsonArray *a = json_node_get_array(n);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		const char *v = json_array_get_string_element(a, i);
		if (v && g_ascii_strcasecmp(v, at + 1) == 0)
			return TRUE;
	}
	return FALSE;
}
