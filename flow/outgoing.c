/* outgoing.c - statements the IETF sends to another body (issue 16): who
 * may send one, its approval (by submitting it, approve --by, recorded),
 * its refusal, the list of those waiting, and what their history says. */
#include "flow/flow_private.h"
#include "model/outgoing.h"
#include "store/store_flow.h"
#include "store/store_stmt.h"
#include "conf/addr.h"

#include <string.h>

#define ID_FMT "statement %" G_GINT64_FORMAT

/* addrs_text - "Name <a>, b" of LIST (struct addr *). */
static char *
addrs_text(GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; list && i < list->len; i++) {
		g_autofree char *f = addr_format(list->pdata[i]);
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", f);
	}
	return g_string_free(s, FALSE);
}

/* groups_text - the From or To groups by acronym (the text when unresolved). */
static char *
groups_text(GPtrArray *groups)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = groups->pdata[i];
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", g->acronym ? g->acronym :
		    g->text ? g->text : "");
	}
	return g_string_free(s, FALSE);
}

void
flow_outgoing_check(const struct flow_ctx *x, struct statement *st, GPtrArray *recipients)
{
	st->outgoing = outgoing_is(st, x->dir);
	if (!st->outgoing) {
		st->sent_directly = FALSE;
		return;
	}
	if (recipients)
		st->sent_directly = outgoing_sent_to_body(x->dir, st, recipients);
	const char *sender = st->submitter;
	if (!outgoing_may_submit(x->dir, st, x->c->secretariat, sender)) {
		g_autofree char *from = groups_text(st->from_groups);
		statement_problem(st, PROB_SENDER_NOT_AUTHORIZED, NULL,
		    "%s may not send a statement for %s to another body: that is for a chair,"
		    " secretary or delegate of the group, an AD of its area, the IETF, IAB or IRTF"
		    " chair, the liaison manager for that body, or the secretariat.",
		    sender && *sender ? sender : "An unknown sender", from);
		return;
	}
	/* A submission approves only when the sender is shown to be who the
	 * From header says: anyone can write an AD's address there, and the
	 * approval sends the statement to the other body in the IETF's name. */
	gboolean approver = !st->approved_by && outgoing_approves(x->dir, st, sender);
	gboolean shown = x->c->reply_policy == CONF_REPLY_ALWAYS ||
	    statement_authenticated(st, sender);
	if (approver && shown) {
		st->approved_by = g_strdup(sender);
		g_free(st->approval_how);
		st->approval_how = g_strdup("submitter");
	} else if (approver) {
		statement_problem(st, PROB_APPROVAL_UNAUTHENTICATED, NULL,
		    "%s approves statements of these groups, but our MTA did not authenticate the"
		    " mail's sender (no passing Authentication-Results for its domain), so the mail"
		    " cannot stand for the approval: approve it on the web or with liaisonctl approve"
		    " --by.", sender);
	}
	if (st->sent_directly && !st->approved_by) {
		GPtrArray *ap = outgoing_approvers(x->dir, st);
		g_autofree char *who = addrs_text(ap);
		g_ptr_array_unref(ap);
		statement_problem(st, PROB_SENT_WITHOUT_APPROVAL, NULL,
		    "It was sent to the other body by %s, %s, and no approval is on record; the"
		    " approvers are: %s.", sender ? sender : "its sender", approver ?
		    "whose mail our MTA did not authenticate" :
		    "who does not approve statements of these groups",
		    *who ? who : "(none in the directory)");
	}
}

int
flow_outgoing_record(const struct flow_ctx *x, struct statement *st,
    const struct flow_transition *row, GError **error)
{
	if ((row->effects & FX_APPROVAL) && st->approved_by) {
		char *at = NULL;
		if (store_flow_set_approval(x->s, st->id, st->approved_by, st->approval_how,
		    st->approval_note, &at, error) < 0)
			return -1;
		g_free(st->approved_at);
		st->approved_at = at;
		g_autofree char *detail = g_strdup_printf("by %s (%s%s%s)", st->approved_by,
		    st->approval_how, st->approval_note ? ": " : "",
		    st->approval_note ? st->approval_note : "");
		if (store_event(x->s, st->id, x->actor, "approved", detail, FALSE, error) < 0)
			return -1;
	}
	if (row->effects & FX_REQUESTED) {
		GPtrArray *ap = outgoing_approvers(x->dir, st);
		g_autofree char *who = addrs_text(ap);
		g_ptr_array_unref(ap);
		g_autofree char *detail = g_strdup_printf("approvers: %s",
		    *who ? who : "none in the directory (the secretariat was asked)");
		if (store_event(x->s, st->id, x->actor, "approval_requested", detail, FALSE, error) < 0)
			return -1;
	}
	return 0;
}

int
flow_outgoing_sent(const struct flow_ctx *x, const struct statement *st, GPtrArray *mails,
    GError **error)
{
	g_autofree char *detail = NULL;
	if (st->sent_directly) {
		detail = g_strdup_printf("sent directly to the receiving body by %s; not sent again",
		    st->submitter ? st->submitter : "its sender");
	} else {
		for (guint i = 0; mails && i < mails->len && !detail; i++) {
			const struct notify_planned *m = mails->pdata[i];
			if (strcmp(m->kind, "routing") == 0)
				detail = g_strdup_printf("to %s", m->to);
		}
		if (!detail)   /* nobody known to send it to: the secretariat must */
			detail = g_strdup("no address of the receiving body is known");
	}
	return store_event(x->s, st->id, x->actor, "sent", detail, FALSE, error);
}

int
flow_approve_by(const struct flow_ctx *x, gint64 id, const char *by, const char *how,
    const char *note, struct flow_result *r, GError **error)
{
	flow_result_init(r);
	g_autoptr(GError) e = NULL;
	struct addr *who = by ? addr_parse_one(by, &e) : NULL;
	if (!who || !addr_is_valid(who->address)) {
		addr_free(who);
		g_set_error(error, FLOW_ERROR, FLOW_ERR_USAGE, "'%s' is not an address (--by wants the"
		    " approver's address, as in the directory)", by ? by : "");
		return -1;
	}
	g_autofree char *address = g_strdup(who->address);
	addr_free(who);
	struct statement *st = flow_load(x, id, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	const struct flow_transition *row = flow_match(FLOW_APPROVE, before,
	    flow_facts(st, FACT_BY));
	if (!row && before == STMT_PENDING) {
		flow_refuse(error, ID_FMT " has errors since it was edited: fix them with `liaisonctl"
		    " edit` (see `liaisonctl show %" G_GINT64_FORMAT "`), then approve it", id, id);
		return flow_fail(x, st);
	}
	if (!row) {
		flow_refuse(error, ID_FMT " is %s, not pending: --by approves an outgoing statement"
		    " that awaits approval%s", id, stmt_state_name(before),
		    before == STMT_REJECTED ? " (approve it without --by to take it out of the rejects"
		    " queue first)" : "");
		return flow_fail(x, st);
	}
	if (!outgoing_approves(x->dir, st, address)) {
		GPtrArray *ap = outgoing_approvers(x->dir, st);
		g_autofree char *list = addrs_text(ap);
		g_ptr_array_unref(ap);
		g_autofree char *from = groups_text(st->from_groups);
		g_set_error(error, FLOW_ERROR, FLOW_ERR_DENIED, "%s is not an approver of " ID_FMT
		    " (from %s); it can be approved by: %s", address, id, from,
		    *list ? list : "nobody in the directory (add the ADs or chairs there)");
		return flow_fail(x, st);
	}
	g_free(st->approved_by);
	st->approved_by = g_strdup(address);
	g_free(st->approval_how);
	st->approval_how = g_strdup(how ? how : "cli");
	g_free(st->approval_note);
	st->approval_note = note && *note ? g_strdup(note) : NULL;
	if (flow_apply(x, st, row, before, NULL, FALSE, NULL, NULL, r, error) < 0 ||
	    flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

int
flow_refuse_outgoing(const struct flow_ctx *x, gint64 id, const char *by, const char *why,
    struct flow_result *r, GError **error)
{
	flow_result_init(r);
	if (!why || !*why) {
		g_set_error(error, FLOW_ERROR, FLOW_ERR_USAGE, "A refusal needs its reason.");
		return -1;
	}
	struct statement *st = flow_load(x, id, error);
	if (!st)
		return -1;
	enum stmt_state before = st->state;
	const struct flow_transition *row = flow_match(FLOW_REFUSE, before, flow_facts(st, 0));
	if (!row) {
		flow_refuse(error, ID_FMT " is %s, not pending: only an outgoing statement awaiting"
		    " approval can be refused%s", id, stmt_state_name(before),
		    before == STMT_REJECTED ? " (discard takes one out of the rejects queue)" : "");
		return flow_fail(x, st);
	}
	const char *who = by && *by ? by : x->actor;
	struct notify_batch *mail = NULL;
	if (notify_prepare_refused(x->c, st, who, why, &mail, error) < 0)
		return flow_fail(x, st);
	g_autofree char *detail = g_strdup_printf("by %s: %s", who, why);
	int rc = flow_apply(x, st, row, before, NULL, FALSE, detail, &mail, r, error);
	notify_batch_free(mail);
	if (rc < 0 || flow_end(x, r, error) < 0)
		return flow_fail(x, st);
	r->st = st;
	return 0;
}

void
flow_pending_free(gpointer p)
{
	struct flow_pending *f = p;
	if (!f)
		return;
	g_free(f->title);
	g_free(f->submitter);
	g_free(f->requested_at);
	g_free(f->from_groups);
	g_free(f->to_groups);
	if (f->approvers)
		g_ptr_array_unref(f->approvers);
	g_free(f);
}

GPtrArray *
flow_approvals(const struct flow_ctx *x, GError **error)
{
	GArray *ids = store_flow_pending(x->s, error);
	if (!ids)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(flow_pending_free);
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		struct statement *st = store_stmt_load(x->s, id, error);
		if (!st) {
			if (g_error_matches(*error, STORE_ERROR, STORE_ERR_NOTFOUND)) {
				g_clear_error(error);   /* gone since the list was read */
				continue;
			}
			g_ptr_array_unref(out);
			out = NULL;
			break;
		}
		struct flow_pending *p = g_new0(struct flow_pending, 1);
		p->id = id;
		p->title = g_strdup(st->title);
		p->submitter = g_strdup(st->submitter);
		p->from_groups = groups_text(st->from_groups);
		p->to_groups = groups_text(st->to_groups);
		p->approvers = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *ap = outgoing_approvers(x->dir, st);
		for (guint k = 0; k < ap->len; k++)
			g_ptr_array_add(p->approvers, addr_format(ap->pdata[k]));
		g_ptr_array_unref(ap);
		statement_free(st);
		g_ptr_array_add(out, p);
		if (store_flow_last_event(x->s, id, "approval_requested", &p->requested_at, error) < 0) {
			g_ptr_array_unref(out);
			out = NULL;
			break;
		}
	}
	g_array_unref(ids);
	return out;
}
