/* flow.c - THE transition table, and what every event does with its row:
 * the state, the history, the mail, the effects, commit or (dry run) roll back. */
#include "flow/flow_private.h"
#include "store/store_flow.h"
#include "store/store_link.h"
#include "store/store_dup.h"
#include "store/store_stmt.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(flow-error-quark, flow_error)

#define RCV STMT_BIT(STMT_RECEIVED)
#define PST STMT_BIT(STMT_POSTED)
#define REJ STMT_BIT(STMT_REJECTED)
#define IGN STMT_BIT(STMT_IGNORED)
#define DED STMT_BIT(STMT_DEAD)
#define PND STMT_BIT(STMT_PENDING)
#define DUP STMT_BIT(STMT_DUPLICATE)
#define PARSED (PST | REJ | IGN | DED | DUP)
#define ALIVE (RCV | PST | REJ | IGN | DUP)
#define ANY (ALIVE | DED)

#define POSTED_MAIL (NOTIFY_ROUTING | NOTIFY_ACK)
#define REJECTED_MAIL (NOTIFY_REJECTION | NOTIFY_SECRETARIAT)
/* outgoing (issue 16) */
#define OUT_CLEAN (FACT_OUTGOING | FACT_CLEAN)
#define OUT_SENT (FX_LOG_STATE | FX_APPROVAL | FX_SENT | FX_ANSWERS)
#define OUT_ASK (FX_LOG_STATE | FX_REQUESTED)

/* The statement lifecycle. docs/design.md prints it (flow_table_markdown;
 * tests/unit/test_flow.c checks the two agree). Read a row as: EVENT in one
 * of FROM, when all of WHEN hold, goes TO, queues MAILS, records HISTORY. */
const struct flow_transition flow_table[] = {
	/* Duplicates (issue 20) first. A clean resend of a rejected statement
	 * (or a repeat of one that is clean now) replaces it: posted, the
	 * rejected copy dead; an outgoing one only as its approval allows (one
	 * that waits for its approver leaves the rejected copy as it is). A
	 * statement on record arriving again, incoming or outgoing, is kept,
	 * linked and not routed (nor sent for approval again); its forwarder
	 * or sender is told where it is. One that adds something (an
	 * attachment, a deadline) waits for the secretariat. */
	{ FLOW_INGEST, RCV, FACT_RESEND | OUT_CLEAN | FACT_DIRECT, STMT_POSTED, NOTIFY_ACK, "parsed",
	  OUT_SENT | FX_SUPERSEDES },
	{ FLOW_INGEST, RCV, FACT_RESEND | OUT_CLEAN | FACT_APPROVED, STMT_POSTED, POSTED_MAIL,
	  "parsed", OUT_SENT | FX_SUPERSEDES },
	{ FLOW_INGEST, RCV, FACT_RESEND | OUT_CLEAN, STMT_PENDING, NOTIFY_APPROVAL, "parsed",
	  OUT_ASK },
	{ FLOW_INGEST, RCV, FACT_RESEND | FACT_CLEAN, STMT_POSTED, POSTED_MAIL, "parsed",
	  FX_LOG_STATE | FX_ANSWERS | FX_SUPERSEDES },
	{ FLOW_INGEST, RCV, FACT_DUPLICATE | FACT_DIFFERS, STMT_REJECTED, NOTIFY_SECRETARIAT,
	  "parsed", FX_LOG_STATE | FX_DUP_LINK },
	{ FLOW_INGEST, RCV, FACT_DUPLICATE, STMT_DUPLICATE, NOTIFY_DUPLICATE, "parsed",
	  FX_LOG_STATE | FX_DUP_LINK },
	/* Outgoing statements (issue 16): from an IETF group to another body.
	 * Before the generic rows, so that they never send one out unapproved: one
	 * the mail shows was sent already is recorded (not sent again); one
	 * its approver submitted goes at once; any other waits, pending, for
	 * an approver. Errors fall through to the rows below (rejected). */
	{ FLOW_INGEST, RCV, OUT_CLEAN | FACT_DIRECT, STMT_POSTED, NOTIFY_ACK, "parsed", OUT_SENT },
	{ FLOW_INGEST, RCV, OUT_CLEAN | FACT_APPROVED, STMT_POSTED, POSTED_MAIL, "parsed", OUT_SENT },
	{ FLOW_INGEST, RCV, OUT_CLEAN, STMT_PENDING, NOTIFY_APPROVAL, "parsed", OUT_ASK },
	{ FLOW_APPROVE, PND, FACT_BY | FACT_CLEAN, STMT_POSTED, POSTED_MAIL, NULL, OUT_SENT },
	{ FLOW_APPROVE, REJ, OUT_CLEAN | FACT_DIRECT, STMT_POSTED, NOTIFY_ACK, "approved", OUT_SENT },
	{ FLOW_APPROVE, REJ, OUT_CLEAN | FACT_APPROVED, STMT_POSTED, POSTED_MAIL, "approved",
	  OUT_SENT },
	{ FLOW_APPROVE, REJ, OUT_CLEAN, STMT_PENDING, NOTIFY_APPROVAL, "approved", OUT_ASK },
	{ FLOW_APPROVE, REJ, FACT_OUTGOING | FACT_FORCE, STMT_PENDING, NOTIFY_APPROVAL, "approved",
	  OUT_ASK },
	{ FLOW_REPROCESS, RCV | REJ | IGN, OUT_CLEAN | FACT_DIRECT, STMT_POSTED, NOTIFY_ACK,
	  "reprocessed", OUT_SENT },
	{ FLOW_REPROCESS, RCV | REJ | IGN, OUT_CLEAN | FACT_APPROVED, STMT_POSTED, POSTED_MAIL,
	  "reprocessed", OUT_SENT },
	{ FLOW_REPROCESS, RCV | REJ | IGN, OUT_CLEAN, STMT_PENDING, NOTIFY_APPROVAL, "reprocessed",
	  OUT_ASK },
	{ FLOW_REPROCESS, PST, FACT_FORCE | OUT_CLEAN, STMT_POSTED, 0, "reprocessed", FX_LOG_STATE },
	{ FLOW_REFUSE, PND, 0, STMT_DEAD, NOTIFY_REFUSED, "refused", 0 },
	{ FLOW_EDIT, PND, 0, FLOW_SAME, 0, "edited", 0 },
	{ FLOW_DISCARD, PND, FACT_NOTIFY, STMT_DEAD, NOTIFY_DISCARD, "discarded", 0 },
	{ FLOW_DISCARD, PND, 0, STMT_DEAD, 0, "discarded", 0 },
	{ FLOW_REMIND, PND, 0, FLOW_SAME, NOTIFY_APPROVAL | NOTIFY_AGAIN, NULL, 0 },
	{ FLOW_COMMENT, PND, 0, FLOW_SAME, 0, "comment", 0 },
	/* a received message, parsed and validated */
	{ FLOW_INGEST, RCV, FACT_AUTO, STMT_IGNORED, 0, "parsed", FX_LOG_STATE },
	{ FLOW_DUP, PST | REJ | IGN, 0, STMT_DUPLICATE, 0, "duplicate", FX_DUP_LINK },
	{ FLOW_UNDUP, DUP, FACT_ERRORS, STMT_REJECTED, REJECTED_MAIL, "undup", FX_LOG_STATE },
	{ FLOW_UNDUP, DUP, 0, STMT_POSTED, POSTED_MAIL, "undup", FX_LOG_STATE | FX_ANSWERS },
	{ FLOW_INGEST, RCV, FACT_ERRORS, STMT_REJECTED, REJECTED_MAIL, "parsed", FX_LOG_STATE },
	{ FLOW_INGEST, RCV, 0, STMT_POSTED, POSTED_MAIL, "parsed", FX_LOG_STATE | FX_ANSWERS },
	/* the secretariat */
	{ FLOW_EDIT, PARSED, 0, FLOW_SAME, 0, "edited", 0 },
	{ FLOW_APPROVE, REJ, FACT_CLEAN, STMT_POSTED, POSTED_MAIL, "approved",
	  FX_LOG_STATE | FX_ANSWERS },
	{ FLOW_APPROVE, REJ, FACT_FORCE, STMT_POSTED, POSTED_MAIL, "approved",
	  FX_LOG_STATE | FX_ANSWERS },
	{ FLOW_DISCARD, ALIVE, FACT_NOTIFY, STMT_DEAD, NOTIFY_DISCARD, "discarded", 0 },
	{ FLOW_DISCARD, ALIVE, 0, STMT_DEAD, 0, "discarded", 0 },
	{ FLOW_RESTORE, DED, FACT_TOLD, FLOW_BEFORE, NOTIFY_RESTORED, "restored", 0 },
	{ FLOW_RESTORE, DED, 0, FLOW_BEFORE, 0, "restored", 0 },
	{ FLOW_REPROCESS, RCV | REJ | IGN, FACT_AUTO, STMT_IGNORED, 0, "reprocessed",
	  FX_LOG_STATE },
	{ FLOW_REPROCESS, RCV | REJ | IGN, FACT_ERRORS, STMT_REJECTED, REJECTED_MAIL, "reprocessed",
	  FX_LOG_STATE },
	{ FLOW_REPROCESS, RCV | REJ | IGN, 0, STMT_POSTED, POSTED_MAIL, "reprocessed",
	  FX_LOG_STATE | FX_ANSWERS },
	{ FLOW_REPROCESS, PST, FACT_FORCE | FACT_AUTO, STMT_IGNORED, 0, "reprocessed", FX_LOG_STATE },
	{ FLOW_REPROCESS, PST, FACT_FORCE | FACT_ERRORS, STMT_REJECTED, REJECTED_MAIL, "reprocessed",
	  FX_LOG_STATE },
	{ FLOW_REPROCESS, PST, FACT_FORCE, STMT_POSTED, POSTED_MAIL, "reprocessed",
	  FX_LOG_STATE | FX_ANSWERS },
	{ FLOW_RESEND, PST, 0, FLOW_SAME, NOTIFY_ROUTING | NOTIFY_AGAIN, "resent", 0 },
	{ FLOW_REMIND, PST, FACT_OPEN, FLOW_SAME, NOTIFY_REMINDER, NULL, 0 },
	{ FLOW_COMMENT, ANY, 0, FLOW_SAME, 0, "comment", 0 },
	{ FLOW_MARK_TAKEN, PARSED, FACT_OPEN, FLOW_SAME, 0, "action_taken", FX_TAKEN },
	{ FLOW_MARK_TAKEN, PARSED, 0, FLOW_SAME, 0, NULL, 0 },   /* already taken: nothing */
};
const unsigned flow_table_len = G_N_ELEMENTS(flow_table);

static const char *const event_names[FLOW_N_EVENTS] = {
	[FLOW_INGEST] = "ingest", [FLOW_EDIT] = "edit", [FLOW_APPROVE] = "approve",
	[FLOW_DISCARD] = "discard", [FLOW_RESTORE] = "restore", [FLOW_REPROCESS] = "reprocess",
	[FLOW_RESEND] = "resend", [FLOW_REMIND] = "remind", [FLOW_COMMENT] = "comment",
	[FLOW_MARK_TAKEN] = "mark-taken", [FLOW_REFUSE] = "refuse",
	[FLOW_DUP] = "dup", [FLOW_UNDUP] = "undup",
};

const char *
flow_event_name(enum flow_event e)
{
	return (unsigned)e < FLOW_N_EVENTS ? event_names[e] : "unknown";
}

const struct flow_transition *
flow_match(enum flow_event e, enum stmt_state from, unsigned facts)
{
	for (unsigned i = 0; i < flow_table_len; i++) {
		const struct flow_transition *t = &flow_table[i];
		if (t->event == e && (t->from & STMT_BIT(from)) && (t->when & facts) == t->when)
			return t;
	}
	return NULL;
}

/* The facts an event finds out itself, as it happens (see flow_allowed). */
static const unsigned found_by[FLOW_N_EVENTS] = {
	[FLOW_REPROCESS] = FACT_AUTO | FACT_ERRORS | FACT_CLEAN,
	[FLOW_RESTORE] = FACT_TOLD,
};

gboolean
flow_allowed(enum flow_event e, enum stmt_state from, unsigned facts)
{
	unsigned found = (unsigned)e < FLOW_N_EVENTS ? found_by[e] : 0;
	facts &= ~found;
	if (flow_match(e, from, facts))
		return TRUE;
	/* one found fact at a time: errors and clean never hold together */
	for (unsigned bit = 1; bit && bit <= found; bit <<= 1)
		if ((found & bit) && flow_match(e, from, facts | bit))
			return TRUE;
	return FALSE;
}

unsigned
flow_facts(const struct statement *st, unsigned extra)
{
	unsigned f = extra;
	f |= st->auto_generated ? FACT_AUTO : 0;
	f |= statement_has_errors(st) ? FACT_ERRORS : FACT_CLEAN;
	f |= st->action_taken ? 0 : FACT_OPEN;
	f |= st->outgoing ? FACT_OUTGOING : 0;
	f |= st->outgoing && st->approved_by ? FACT_APPROVED : 0;
	f |= st->outgoing && st->sent_directly ? FACT_DIRECT : 0;
	return f;
}

/* Names for the printed table. */
static const char *const fact_names[] = { "auto", "errors", "clean", "force", "notify-sender",
	"open", "sender told", "outgoing", "approved", "sent directly", "by an approver",
	"duplicate", "differs", "resend" };
static const char *const mail_names[] = { "routing", "ack", "rejection", "secretariat",
	"discard notice", "reminder", "again", "restore notice", "approval request", "refusal",
	"duplicate ack" };

static void
append_bits(GString *s, unsigned bits, const char *const *names, unsigned n, const char *sep)
{
	gboolean first = TRUE;
	for (unsigned i = 0; i < n; i++)
		if (bits & (1u << i)) {
			g_string_append_printf(s, "%s%s", first ? "" : sep, names[i]);
			first = FALSE;
		}
	if (first)
		g_string_append(s, "-");
}

static const char *
to_name(int to)
{
	return to == FLOW_SAME ? "(same)" : to == FLOW_BEFORE ? "(before discard)" :
	    stmt_state_name((enum stmt_state)to);
}

char *
flow_table_markdown(void)
{
	GString *s = g_string_new("| event \\ state |");
	for (int st = 0; st < STMT_N_STATES; st++)
		g_string_append_printf(s, " %s |", stmt_state_name((enum stmt_state)st));
	g_string_append(s, "\n|---|");
	for (int st = 0; st < STMT_N_STATES; st++)
		g_string_append(s, "---|");
	g_string_append(s, "\n");
	for (int e = 0; e < FLOW_N_EVENTS; e++) {
		g_string_append_printf(s, "| %s |", event_names[e]);
		for (int st = 0; st < STMT_N_STATES; st++) {
			GString *cell = g_string_new(NULL);
			gboolean forced = TRUE;   /* every row of the cell needs --force */
			for (unsigned i = 0; i < flow_table_len; i++) {
				const struct flow_transition *t = &flow_table[i];
				if ((int)t->event != e || !(t->from & STMT_BIT(st)))
					continue;
				forced &= (t->when & FACT_FORCE) != 0;
				const char *to = t->to == FLOW_SAME ? stmt_state_name((enum stmt_state)st) :
				    to_name(t->to);
				if (!strstr(cell->str, to))
					g_string_append_printf(cell, "%s%s", cell->len ? ", " : "", to);
			}
			g_string_append_printf(s, " %s%s |", cell->len && forced ? "(force) " : "",
			    cell->len ? cell->str : "");
			g_string_free(cell, TRUE);
		}
		g_string_append(s, "\n");
	}
	g_string_append(s, "\n| event | from | when | to | mail queued | history |\n"
	    "|---|---|---|---|---|---|\n");
	for (unsigned i = 0; i < flow_table_len; i++) {
		const struct flow_transition *t = &flow_table[i];
		g_string_append_printf(s, "| %s | ", event_names[t->event]);
		GString *from = g_string_new(NULL);
		for (int st = 0; st < STMT_N_STATES; st++)
			if (t->from & STMT_BIT(st))
				g_string_append_printf(from, "%s%s", from->len ? ", " : "",
				    stmt_state_name((enum stmt_state)st));
		g_string_append_printf(s, "%s | ", from->str);
		g_string_free(from, TRUE);
		append_bits(s, t->when, fact_names, G_N_ELEMENTS(fact_names), " + ");
		g_string_append_printf(s, " | %s | ", to_name(t->to));
		append_bits(s, t->mails, mail_names, G_N_ELEMENTS(mail_names), ", ");
		GString *h = g_string_new(t->history);
		if (t->effects & FX_APPROVAL)
			g_string_append_printf(h, "%sapproved", h->len ? ", " : "");
		if (t->effects & FX_REQUESTED)
			g_string_append_printf(h, "%sapproval_requested", h->len ? ", " : "");
		if (t->effects & FX_LOG_STATE)
			g_string_append_printf(h, "%sthe new state", h->len ? ", then " : "");
		if (t->effects & FX_SENT)
			g_string_append_printf(h, "%ssent", h->len ? ", " : "");
		g_string_append_printf(s, " | %s%s%s%s%s |\n", h->len ? h->str : "-",
		    (t->effects & FX_ANSWERS) ? "; marks what it answers taken" : "",
		    (t->effects & FX_TAKEN) ? "; marks it taken" : "",
		    (t->effects & FX_DUP_LINK) ? "; linked to the statement it repeats" : "",
		    (t->effects & FX_SUPERSEDES) ? "; the rejected one it resends: dead,"
		    " superseded" : "");
		g_string_free(h, TRUE);
	}
	return g_string_free(s, FALSE);
}

void
flow_result_init(struct flow_result *r)
{
	memset(r, 0, sizeof *r);
	r->mails = g_ptr_array_new_with_free_func(notify_planned_free);
}

void
flow_result_clear(struct flow_result *r)
{
	if (r->mails)
		g_ptr_array_unref(r->mails);
	statement_free(r->st);
	g_free(r->detail);
	g_free(r->overridden);
	if (r->changed_fields)
		g_ptr_array_unref(r->changed_fields);
	g_free(r->state_before);
	g_free(r->errors_before);
	g_free(r->warnings_before);
	g_free(r->from_before);
	g_free(r->to_before);
	g_free(r->errors_after);
	g_free(r->warnings_after);
	g_free(r->from_after);
	g_free(r->to_after);
	memset(r, 0, sizeof *r);
}

int
flow_refuse(GError **error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(error, FLOW_ERROR, FLOW_ERR_REFUSED, msg);
	return -1;
}

int
flow_apply(const struct flow_ctx *x, struct statement *st, const struct flow_transition *row,
    enum stmt_state before, const char *before_discard, gboolean saved, const char *detail,
    struct notify_batch **mail, struct flow_result *r, GError **error)
{
	struct store *s = x->s;
	enum stmt_state to = row->to == FLOW_SAME ? before :
	    row->to == FLOW_BEFORE ? STMT_REJECTED : (enum stmt_state)row->to;
	/* dead without a remembered state: discarded by something older than
	 * this program; rejected is the safe place, it posts nothing */
	if (row->to == FLOW_BEFORE && before_discard)
		stmt_state_from_name(before_discard, &to);
	st->state = to;
	r->id = st->id;
	r->before = before;
	r->after = to;
	r->row = row;
	if (!saved && row->to != FLOW_SAME &&
	    store_flow_set_state(s, st->id, stmt_state_name(to),
	        to == STMT_DEAD ? stmt_state_name(before) : NULL, error) < 0)
		return -1;
	if (row->history && store_event(s, st->id, x->actor, row->history, detail ? detail : "",
	    FALSE, error) < 0)
		return -1;
	if ((row->effects & (FX_APPROVAL | FX_REQUESTED)) && flow_outgoing_record(x, st, row, error) < 0)
		return -1;
	if (row->effects & FX_LOG_STATE) {
		/* approve says who posted it; the parse says nothing more */
		g_autofree char *what = row->event == FLOW_APPROVE ?
		    g_strdup_printf("approved by %s", x->actor) :
		    to == STMT_DUPLICATE && r->original > 0 ? g_strdup_printf("of statement %"
		    G_GINT64_FORMAT " (%s)", r->original, r->how ? r->how : "secretariat") :
		    g_strdup("");
		if (store_event(s, st->id, x->actor, stmt_state_name(to), what, FALSE, error) < 0)
			return -1;
	}
	if (row->effects & FX_TAKEN) {
		gboolean changed = FALSE;
		if (store_flow_mark_taken(s, st->id, &changed, error) < 0)
			return -1;
		st->action_taken = TRUE;
	}
	if ((row->effects & FX_ANSWERS) && store_link_mark_answered(s, st, x->actor, error) < 0)
		return -1;
	if ((row->effects & FX_DUP_LINK) && r->original > 0 &&
	    store_dup_link(s, st->id, r->original, r->how ? r->how : "secretariat", error) < 0)
		return -1;
	if ((row->effects & FX_SUPERSEDES) && r->original > 0 && to == STMT_POSTED) {
		/* the corrected resend is posted: the rejected copy it replaces is done */
		g_autofree char *by = g_strdup_printf("superseded by %" G_GINT64_FORMAT, st->id);
		if (store_dup_supersede(s, r->original, st->id, error) < 0 ||
		    store_flow_set_state(s, r->original, stmt_state_name(STMT_DEAD),
		        stmt_state_name(STMT_REJECTED), error) < 0 ||
		    store_event(s, r->original, x->actor, "superseded", by, FALSE, error) < 0)
			return -1;
	}
	struct notify_batch *own = NULL;
	if (!mail && row->mails &&
	    notify_prepare_statement(s, x->c, x->dir, st, row->mails, &own, error) < 0)
		return -1;
	struct notify_batch *b = mail ? *mail : own;
	int queued = notify_queue_batch(s, x->c, b, error);
	if (queued > 0)
		notify_batch_describe(b, r->mails);
	notify_batch_free(own);
	if (queued < 0)
		return -1;
	if ((row->effects & FX_SENT) && flow_outgoing_sent(x, st, r->mails, error) < 0)
		return -1;
	r->changed = TRUE;
	r->detail = g_strdup(detail);
	return 0;
}

struct statement *
flow_load(const struct flow_ctx *x, gint64 id, GError **error)
{
	if (store_begin(x->s, error) < 0)
		return NULL;
	struct statement *st = store_stmt_load(x->s, id, error);
	if (!st)
		store_rollback(x->s);
	return st;
}

int
flow_fail(const struct flow_ctx *x, struct statement *st)
{
	store_rollback(x->s);
	statement_free(st);
	return -1;
}

int
flow_end(const struct flow_ctx *x, struct flow_result *r, GError **error)
{
	if (x->dry_run) {
		store_rollback(x->s);
		r->dry_run = TRUE;
		return 0;
	}
	if (store_commit(x->s, error) < 0) {
		store_rollback(x->s);
		return -1;
	}
	return 0;
}
