/* secretariat.c - the secretariat's events on one statement: edit, approve,
 * discard, restore, reprocess, resend, comment, mark-taken. Each: begin, load,
 * the table's row, the writes, commit (or roll back for a dry run). */
#include "flow/flow_private.h"
#include "model/statement_field.h"
#include "parser/fields.h"
#include "parser/validate.h"
#include "store/store_admin.h"
#include "store/store_doc.h"
#include "store/store_flow.h"
#include "store/store_stmt.h"
#include "store/store_sink.h"
#include "store/store_dup.h"

#include <string.h>

#define ID_FMT "statement %" G_GINT64_FORMAT

/* begin - the transaction and statement ID as it is inside it; *PARSED,
 * *BEFORE_DISCARD when asked. NULL with ERROR, rolled back. */
static struct statement *
begin(const struct flow_ctx *x, gint64 id, gboolean *parsed, char **before_discard,
    GError **error)
{
	struct statement *st = flow_load(x, id, error);
	if (!st)
		return NULL;
	g_autofree char *state = NULL;
	if (parsed || before_discard) {
		struct admin_summary *a = parsed ? store_admin_summary(x->s, id, error) : NULL;
		if ((parsed && !a) || (before_discard &&
		    store_flow_state(x->s, id, &state, before_discard, error) < 0)) {
			statement_free(st);
			st = NULL;
		} else if (parsed) {
			*parsed = a->parsed;
		}
		admin_summary_free(a);
	}
	if (!st)
		store_rollback(x->s);
	return st;
}

/* codes - ST's problem codes of severity SEV, "a,b" in order. */
static char *
codes(const struct statement *st, enum severity sev)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < st->problems->len; i++) {
		const struct problem *p = st->problems->pdata[i];
		if (p->severity == sev)
			g_string_append_printf(s, "%s%s", s->len ? "," : "", p->code);
	}
	return g_string_free(s, FALSE);
}

/* close_resends - ST (the original) was just posted by the secretariat:
 * the resends of it that still wait in the rejects queue become its
 * duplicates (the FLOW_DUP row, recognised as "resend"), their senders are
 * told where it is on record, inside the same transaction. */
static int
close_resends(const struct flow_ctx *x, const struct statement *st, GError **error)
{
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (store_dup_resends(x->s, st, x->c->duplicate_window_days, ids, error) < 0)
		return -1;
	for (guint i = 0; i < ids->len; i++) {
		struct statement *d = store_stmt_load(x->s, g_array_index(ids, gint64, i), error);
		if (!d)
			return -1;
		const struct flow_transition *row = flow_match(FLOW_DUP, d->state, flow_facts(d, 0));
		struct flow_result r2;
		flow_result_init(&r2);
		r2.original = st->id;
		r2.how = "resend";
		d->duplicate_of = st->id;
		struct notify_batch *mail = NULL;
		g_autofree char *detail = g_strdup_printf("of statement %" G_GINT64_FORMAT " (resend):"
		    " the statement it resends was approved", st->id);
		enum stmt_state before = d->state;
		d->state = STMT_DUPLICATE;   /* the acknowledgement is composed for the new state */
		int rc = !row ? 0 :
		    notify_prepare_statement(x->s, x->c, x->dir, d, NOTIFY_DUPLICATE, &mail, error) < 0 ||
		    flow_apply(x, d, row, before, NULL, FALSE, detail, &mail, &r2, error) < 0 ? -1 : 0;
		notify_batch_free(mail);
		flow_result_clear(&r2);
		statement_free(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
flow_approve(const struct flow_ctx *x, gint64 id, gboolean force, struct flow_result *r,
    GError **error)
{
	flow_result_init(r);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	const struct flow_transition *row = flow_match(FLOW_APPROVE, before,
	    flow_facts(st, force ? FACT_FORCE : 0));
	g_autofree char *errors = codes(st, SEV_ERROR);
	if (!row) {
		flow_fail(x, NULL);
		if (before == STMT_POSTED)
			flow_refuse(error, ID_FMT " is already posted", id);
		else if (before == STMT_PENDING)
			flow_refuse(error, ID_FMT " is an outgoing statement awaiting its approver: approve"
			    " it with --by ADDRESS (`liaisonctl approvals` says who may)", id);
		else if (before != STMT_REJECTED)
			flow_refuse(error, ID_FMT " is %s, not rejected; only statements in the rejects"
			    " queue can be approved%s", id, stmt_state_name(before),
			    before == STMT_DEAD ? " (restore it first)" : "");
		else {
			g_strdelimit(errors, ",", ' ');
			flow_refuse(error, ID_FMT " still has errors: %s. Fix them with `liaisonctl edit`"
			    " (see `liaisonctl show %" G_GINT64_FORMAT "`), or post it anyway with --force",
			    id, errors, id);
		}
		statement_free(st);
		return -1;
	}
	g_autofree char *detail = *errors ? g_strdup_printf("forced despite errors: %s", errors) :
	    g_strdup("no errors left");
	if (flow_apply(x, st, row, before, NULL, FALSE, detail, NULL, r, error) < 0 ||
	    (r->after == STMT_POSTED && close_resends(x, st, error) < 0) ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->overridden = g_steal_pointer(&errors);
	r->st = st;
	return 0;
}

int
flow_discard(const struct flow_ctx *x, gint64 id, const char *why, gboolean notify_sender,
    struct flow_result *r, GError **error)
{
	flow_result_init(r);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	const struct flow_transition *row = flow_match(FLOW_DISCARD, before,
	    flow_facts(st, notify_sender ? FACT_NOTIFY : 0));
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is already discarded (restore brings it back)", id);
	}
	struct notify_batch *mail = NULL;
	g_autofree char *detail = g_strdup_printf("was %s: %s", stmt_state_name(before), why);
	if ((row->mails & NOTIFY_DISCARD) &&
	    notify_prepare_discard(x->c, st, why, &mail, error) < 0)
		return flow_fail(x, st);
	int rc = flow_apply(x, st, row, before, NULL, FALSE, detail, &mail, r, error);
	notify_batch_free(mail);
	/* the notice on record, in the same transaction as the discard */
	if (rc == 0 && r->mails->len > 0)
		rc = store_event(x->s, id, x->actor, "notified", "discard notice queued", FALSE, error);
	if (rc < 0 || flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

int
flow_restore(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	g_autofree char *was = NULL;
	struct statement *st = begin(x, id, NULL, &was, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	gboolean told = FALSE;
	if (store_flow_discard_told(x->s, id, &told, error) < 0)
		return flow_fail(x, st);
	const struct flow_transition *row = flow_match(FLOW_RESTORE, before,
	    flow_facts(st, told ? FACT_TOLD : 0));
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is not discarded (it is %s)", id,
		    stmt_state_name(before));
	}
	enum stmt_state back = STMT_REJECTED;
	if (was)
		stmt_state_from_name(was, &back);
	gint64 by = 0;
	if (store_dup_superseded_by(x->s, id, &by, error) < 0)
		return flow_fail(x, st);
	g_autofree char *detail = by ? g_strdup_printf("back to %s; no longer superseded by %"
	    G_GINT64_FORMAT, stmt_state_name(back), by) :
	    g_strdup_printf("back to %s", stmt_state_name(back));
	struct notify_batch *mail = NULL;
	if ((row->mails & NOTIFY_RESTORED) &&
	    notify_prepare_restored(x->c, st, back, &mail, error) < 0)
		return flow_fail(x, st);
	int rc = flow_apply(x, st, row, before, was, FALSE, detail, &mail, r, error);
	notify_batch_free(mail);
	/* the notice on record, in the same transaction as the restore */
	if (rc == 0 && r->mails->len > 0)
		rc = store_event(x->s, id, x->actor, "notified", "restore notice queued", FALSE, error);
	/* restore undoes a supersede as it undoes a discard */
	if (rc == 0 && by)
		rc = store_dup_unsupersede(x->s, id, error);
	if (rc < 0 || flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

int
flow_comment(const struct flow_ctx *x, gint64 id, const char *text, gboolean private_,
    struct flow_result *r, GError **error)
{
	flow_result_init(r);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	const struct flow_transition *row = flow_match(FLOW_COMMENT, st->state, flow_facts(st, 0));
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " takes no comment in state %s", id,
		    stmt_state_name(st->state));
	}
	/* the row's history kind, written here: a private comment is marked so */
	struct flow_transition quiet = *row;
	quiet.history = NULL;
	if (flow_apply(x, st, &quiet, st->state, NULL, FALSE, text, NULL, r, error) < 0 ||
	    store_event(x->s, id, x->actor, row->history, text, private_, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->row = row;
	r->st = st;
	return 0;
}

int
flow_mark_taken(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	gboolean parsed = FALSE;
	struct statement *st = begin(x, id, &parsed, NULL, error);
	if (!st)
		return -1;
	const struct flow_transition *row = parsed ?
	    flow_match(FLOW_MARK_TAKEN, st->state, flow_facts(st, 0)) : NULL;
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is not parsed yet", id);
	}
	if (!row->history && !row->effects) {   /* already taken: nothing changes */
		store_rollback(x->s);
		r->id = id;
		r->before = r->after = st->state;
		r->row = row;
		r->st = st;
		return 0;
	}
	if (flow_apply(x, st, row, st->state, NULL, FALSE, "marked taken", NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

int
flow_resend(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	const struct flow_transition *row = flow_match(FLOW_RESEND, st->state, flow_facts(st, 0));
	if (!row) {
		flow_refuse(error, ID_FMT " is %s, not posted: only posted statements are routed", id,
		    stmt_state_name(st->state));
		return flow_fail(x, st);
	}
	g_autofree char *detail = g_strdup_printf("routing mail queued again by %s", x->actor);
	if (flow_apply(x, st, row, st->state, NULL, FALSE, detail, NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

/* summary_into - the summary of ID as reprocess compares it. */
static int
summary_into(struct store *s, gint64 id, char **state, char **errors, char **warnings,
    char **from, char **to, int *version, gboolean *parsed, GError **error)
{
	struct admin_summary *a = store_admin_summary(s, id, error);
	if (!a)
		return -1;
	if (state)
		*state = g_strdup(stmt_state_name(a->state));
	*errors = g_strdup(a->errors);
	*warnings = g_strdup(a->warnings);
	*from = g_strdup(a->from_groups);
	*to = g_strdup(a->to_groups);
	if (version)
		*version = a->version;
	if (parsed)
		*parsed = a->parsed;
	admin_summary_free(a);
	return 0;
}

/* describe_change - "rejected -> posted; errors unknown_to -> none; to QUIK WG -> quic". */
static char *
describe_change(const struct flow_result *r)
{
	const char *after = stmt_state_name(r->after);
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, strcmp(r->state_before, after) ? "%s -> %s" : "still %s",
	    r->state_before, after);
	if (strcmp(r->errors_before, r->errors_after))
		g_string_append_printf(s, "; errors %s -> %s",
		    *r->errors_before ? r->errors_before : "none",
		    *r->errors_after ? r->errors_after : "none");
	if (strcmp(r->warnings_before, r->warnings_after))
		g_string_append_printf(s, "; warnings %s -> %s",
		    *r->warnings_before ? r->warnings_before : "none",
		    *r->warnings_after ? r->warnings_after : "none");
	if (strcmp(r->from_before, r->from_after))
		g_string_append_printf(s, "; from '%s' -> '%s'", r->from_before, r->from_after);
	if (strcmp(r->to_before, r->to_after))
		g_string_append_printf(s, "; to '%s' -> '%s'", r->to_before, r->to_after);
	return g_string_free(s, FALSE);
}

int
flow_reprocess(const struct flow_ctx *x, gint64 id, gboolean force, struct flow_result *r,
    GError **error)
{
	flow_result_init(r);
	g_autofree char *state = NULL;
	enum stmt_state before = STMT_RECEIVED;
	if (store_flow_state(x->s, id, &state, NULL, error) < 0)
		return -1;
	stmt_state_from_name(state, &before);
	/* asked before the mail is read: would any reading be let through? */
	if (!flow_allowed(FLOW_REPROCESS, before, force ? FACT_FORCE : 0))
		return flow_refuse(error, ID_FMT " is %s: %s", id, stmt_state_name(before),
		    before == STMT_DEAD ? "restore it first" :
		    "reprocessing would send its routing mail again (--force to do it anyway)");
	/* the raw mail is read before the write lock is taken, as on arrival:
	 * a long document must not hold up the intake */
	char *parse_detail = NULL;
	struct statement *st = flow_read(x, id, &parse_detail, error);
	g_autofree char *pd = parse_detail;
	if (!st) {
		g_prefix_error(error, ID_FMT ": ", id);
		return -1;
	}
	struct statement *now = begin(x, id, NULL, NULL, error);
	if (!now) {
		statement_free(st);
		return -1;
	}
	enum stmt_state in_tx = now->state;
	statement_free(now);
	if (in_tx != before) {
		flow_fail(x, st);
		g_set_error(error, FLOW_ERROR, FLOW_ERR_CONFLICT, ID_FMT " changed while it was"
		    " read (%s -> %s); run reprocess again", id, stmt_state_name(before),
		    stmt_state_name(in_tx));
		return -1;
	}
	int version_before = 0;
	const struct flow_transition *row = flow_match(FLOW_REPROCESS, before,
	    flow_facts(st, force ? FACT_FORCE : 0));
	if (summary_into(x->s, id, &r->state_before, &r->errors_before, &r->warnings_before,
	    &r->from_before, &r->to_before, &version_before, NULL, error) < 0)
		return flow_fail(x, st);
	if (!row) {   /* flow_allowed said some reading would do */
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " cannot be reprocessed in state %s", id,
		    stmt_state_name(before));
	}
	st->state = (enum stmt_state)row->to;
	notify_note_held(x->c, x->dir, st);   /* read anew: what the bounds hold back, again */
	if (store_stmt_save(x->s, st, error) < 0 || store_doc_save(x->s, st, error) < 0 ||
	    store_event(x->s, id, x->actor, "parsed", pd, FALSE, error) < 0 ||
	    summary_into(x->s, id, NULL, &r->errors_after, &r->warnings_after, &r->from_after,
	        &r->to_after, NULL, NULL, error) < 0)
		return flow_fail(x, st);
	r->after = st->state;
	g_autofree char *what = describe_change(r);
	/* the version moves on, whatever the save did with it: an edit that read
	 * the old statement must not overwrite the new reading */
	int version = MAX(st->version, version_before) + 1;
	if (flow_apply(x, st, row, before, NULL, TRUE, what, NULL, r, error) < 0 ||
	    store_admin_set_version(x->s, id, version, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

/* clear_field - empty field NAME, so that applying a value replaces it and
 * an empty value leaves it cleared. */
static void
clear_field(struct statement *st, const char *name)
{
	if (strcmp(name, "title") == 0) g_clear_pointer(&st->title, g_free);
	else if (strcmp(name, "from") == 0) g_ptr_array_set_size(st->from_groups, 0);
	else if (strcmp(name, "to") == 0) g_ptr_array_set_size(st->to_groups, 0);
	else if (strcmp(name, "from_contact") == 0) g_ptr_array_set_size(st->from_contacts, 0);
	else if (strcmp(name, "to_contact") == 0) g_ptr_array_set_size(st->to_contacts, 0);
	else if (strcmp(name, "from_liaison_contact") == 0)
		g_clear_pointer(&st->from_liaison_contact, g_free);
	else if (strcmp(name, "to_liaison_contact") == 0)
		g_clear_pointer(&st->to_liaison_contact, g_free);
	else if (strcmp(name, "purpose") == 0) g_clear_pointer(&st->purpose, g_free);
	else if (strcmp(name, "deadline") == 0) g_clear_pointer(&st->deadline, g_free);
	else if (strcmp(name, "body") == 0) g_clear_pointer(&st->body, g_free);
}

/* field_matches - does a problem's FIELD belong to edited field NAME? */
static gboolean
field_matches(const char *pfield, const char *name)
{
	size_t n = strlen(name);
	/* "from_contact" also covers "from_contacts" */
	return strncmp(pfield, name, n) == 0 && (pfield[n] == '\0' || strcmp(pfield + n, "s") == 0);
}

/* revalidate - ST's problems anew: reading problems (model/problem.h) of
 * untouched fields are kept, the rules run again. */
static void
revalidate(const struct flow_ctx *x, struct statement *st, GPtrArray *old, GHashTable *edited)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
	struct link_lookup links;
	store_link_lookup(x->s, &links);
	validate_statement(st, x->dir, &links, today);
	flow_outgoing_check(x, st, NULL);
	for (guint i = 0; i < old->len; i++) {
		struct problem *p = g_ptr_array_index(old, i);
		enum problem_id pid;
		gboolean touched = FALSE;
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init(&it, edited);
		while (g_hash_table_iter_next(&it, &key, NULL))
			if (field_matches(p->field ? p->field : "", key))
				touched = TRUE;
		if (touched || !problem_find(p->code, &pid) ||
		    problem_def(pid)->kind != PROBLEM_READING || statement_has_problem(st, pid))
			continue;
		statement_problem_add(st, p->code, p->severity, p->field, p->message);
	}
}

/* edit_value - V as the mail form would say it: the stored purpose codes
 * (for_action) are accepted as well as the words (For Action). */
static const char *
edit_value(const char *name, const char *v)
{
	if (strcmp(name, "purpose") == 0 && strchr(v, '_'))
		return stmt_purpose_text(v);
	return v;
}

/* apply_edits - EDITS onto ST; DETAIL gets "field: old -> new" parts. */
static void
apply_edits(const struct flow_ctx *x, struct statement *st, GHashTable *edits, GString *detail,
    GPtrArray *changed)
{
	for (const struct stmt_field *f = stmt_fields; f->name; f++) {
		const char *name = f->name;
		const char *v = g_hash_table_lookup(edits, name);
		if (!v)
			continue;
		g_ptr_array_add(changed, g_strdup(name));
		g_autofree char *before = stmt_field_text(st, name, TRUE);
		clear_field(st, name);
		if (strcmp(name, "body") == 0)
			st->body = g_strdup(v);
		else
			fields_apply_label(st, f->label, edit_value(name, v), x->dir);
		g_autofree char *after = stmt_field_text(st, name, TRUE);
		if (strcmp(name, "body") == 0)
			g_string_append_printf(detail, "%sbody: changed (%ld -> %ld characters)",
			    detail->len ? "; " : "", g_utf8_strlen(before, -1), g_utf8_strlen(after, -1));
		else
			g_string_append_printf(detail, "%s%s: '%s' -> '%s'", detail->len ? "; " : "",
			    name, before, after);
	}
}

int
flow_edit(const struct flow_ctx *x, gint64 id, int version, GHashTable *edits,
    struct flow_result *r, GError **error)
{
	flow_result_init(r);
	gboolean parsed = FALSE;
	struct statement *st = begin(x, id, &parsed, NULL, error);
	if (!st)
		return -1;
	enum stmt_state state = st->state;
	const struct flow_transition *row = parsed ?
	    flow_match(FLOW_EDIT, state, flow_facts(st, 0)) : NULL;
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is not parsed yet (state %s); try again in a"
		    " moment", id, stmt_state_name(state));
	}
	if (version < 0)
		version = st->version;
	/* the version read before the change (an editor session): someone
	 * else's change in between is a conflict, never a silent overwrite */
	if (store_admin_check_version(x->s, id, version, error) < 0)
		return flow_fail(x, st);
	GPtrArray *old = g_ptr_array_new_with_free_func(problem_free);
	for (guint i = 0; i < st->problems->len; i++)
		g_ptr_array_add(old, statement_problem_copy(st->problems->pdata[i]));
	statement_clear_problems(st);
	GString *detail = g_string_new(NULL);
	r->changed_fields = g_ptr_array_new_with_free_func(g_free);
	apply_edits(x, st, edits, detail, r->changed_fields);
	revalidate(x, st, old, edits);
	g_ptr_array_free(old, TRUE);
	st->state = state;   /* an edit never changes the state: approve does */
	int rc = store_stmt_save(x->s, st, error) < 0 ||
	    store_admin_set_version(x->s, id, version + 1, error) < 0 ||
	    flow_apply(x, st, row, state, NULL, TRUE, detail->str, NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0 ? -1 : 0;
	g_string_free(detail, TRUE);
	if (rc < 0)
		return flow_fail(x, st);
	st->version = version + 1;
	r->version = st->version;
	r->st = st;
	return 0;
}

int
flow_dup(const struct flow_ctx *x, gint64 id, gint64 of, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	if (id == of)
		return flow_refuse(error, ID_FMT " cannot repeat itself", id);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	/* OF must be on record; a duplicate's own original is the one meant */
	g_autofree char *of_state = NULL;
	gint64 of_original = 0;
	if (store_flow_state(x->s, of, &of_state, NULL, error) < 0 ||
	    store_dup_of(x->s, of, &of_original, NULL, error) < 0)
		return flow_fail(x, st);
	if (!strcmp(of_state, "duplicate") && of_original > 0)
		of = of_original;
	if (of == id) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is the original of %s; `liaisonctl undup` that one"
		    " first", id, of_state);
	}
	enum stmt_state before = st->state;
	const struct flow_transition *row = flow_match(FLOW_DUP, before, flow_facts(st, 0));
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is %s: only a posted, rejected or ignored statement"
		    " can be marked a duplicate", id, stmt_state_name(before));
	}
	r->original = of;
	r->how = "secretariat";
	st->duplicate_of = of;
	g_autofree char *detail = g_strdup_printf("of statement %" G_GINT64_FORMAT " (was %s)", of,
	    stmt_state_name(before));
	if (flow_apply(x, st, row, before, NULL, FALSE, detail, NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

int
flow_undup(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	struct statement *st = begin(x, id, NULL, NULL, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	gint64 original = 0;
	if (store_dup_of(x->s, id, &original, NULL, error) < 0)
		return flow_fail(x, st);
	const struct flow_transition *row = flow_match(FLOW_UNDUP, before, flow_facts(st, 0));
	if (!row) {
		flow_fail(x, st);
		return flow_refuse(error, ID_FMT " is %s, not a duplicate", id, stmt_state_name(before));
	}
	r->original = original;
	g_autofree char *detail = g_strdup_printf("not a duplicate of statement %" G_GINT64_FORMAT,
	    original);
	/* validated as it stands (its problems as stored): posted and routed
	 * when it has no errors, else to the rejects queue with its mail */
	if (store_dup_unlink(x->s, id, error) < 0 ||
	    flow_apply(x, st, row, before, NULL, FALSE, detail, NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}
