/* flow.h - the statement lifecycle: one function per event. Each loads the
 * statement, checks the transition against ONE table (flow_table, below),
 * does all its writes in ONE transaction and fills a result. The daemon's
 * parse worker, liaisonctl and the web front call these and nothing below
 * them that writes. A new state or event is a new row of the table.
 *
 * Every function takes a struct flow_ctx; with ctx->dry_run everything is
 * done inside the transaction, the result says what would change and which
 * mail would go to whom, and the transaction is rolled back. */
#ifndef LIAISON_FLOW_H
#define LIAISON_FLOW_H

#include <glib.h>
#include "conf/conf.h"
#include "conf/directory.h"
#include "model/statement.h"
#include "notify/notify.h"

struct store;

#define FLOW_ERROR flow_error_quark()
GQuark flow_error_quark(void);
enum flow_error_code {
	FLOW_ERR_REFUSED = 1,   /* the table has no row for this event in this state -> 65 */
	FLOW_ERR_USAGE,         /* an argument is wrong (a date) -> 64 */
	FLOW_ERR_DENIED,        /* this person may not do it (not an approver) -> 77 */
	FLOW_ERR_CONFLICT,      /* the statement changed while the event read it -> 65 */
};

enum flow_event {
	FLOW_INGEST,       /* the parse worker read a received message */
	FLOW_EDIT,
	FLOW_APPROVE,
	FLOW_DISCARD,
	FLOW_RESTORE,
	FLOW_REPROCESS,
	FLOW_RESEND,
	FLOW_REMIND,
	FLOW_COMMENT,
	FLOW_MARK_TAKEN,
	FLOW_REFUSE,       /* an outgoing statement not approved: back to its submitter */
	FLOW_DUP,          /* the secretariat: a repeat of another statement (issue 20) */
	FLOW_UNDUP,        /* the secretariat: not a duplicate after all */
	FLOW_N_EVENTS
};

/* Facts a row may require besides its from-states (all must hold). */
enum flow_fact {
	FACT_AUTO = 1 << 0,     /* automatic mail: a bounce, an auto-reply */
	FACT_ERRORS = 1 << 1,   /* the statement has errors */
	FACT_CLEAN = 1 << 2,    /* it has none */
	FACT_FORCE = 1 << 3,    /* the secretariat said --force */
	FACT_NOTIFY = 1 << 4,   /* the secretariat said --notify-sender */
	FACT_OPEN = 1 << 5,     /* its action is not taken yet */
	FACT_TOLD = 1 << 6,     /* its latest discard told the sender (restore says it is back) */
	FACT_OUTGOING = 1 << 7, /* from an IETF group to another body (model/outgoing.h) */
	FACT_APPROVED = 1 << 8, /* its approval is known (the submitter approves every From group) */
	FACT_DIRECT = 1 << 9,   /* the mail shows it already went to the other body */
	FACT_BY = 1 << 10,      /* an approver's approval is given (approve --by) */
	FACT_DUPLICATE = 1 << 11, /* it repeats a statement on record (store/store_dup.h) */
	FACT_DIFFERS = 1 << 12, /* ... and carries something that one lacks */
	FACT_RESEND = 1 << 13,  /* it is a resend of a rejected statement */
};

/* Where a row goes, besides a state. */
#define FLOW_SAME   (-1)     /* stays where it is */
#define FLOW_BEFORE (-2)     /* back to the state it had before discard */

/* What a row does besides state, mail and history. */
enum flow_effect {
	FX_ANSWERS = 1 << 0,    /* a posted In Response marks what it answers as taken */
	FX_TAKEN = 1 << 1,      /* its own action is taken */
	FX_LOG_STATE = 1 << 2,  /* the new state's name goes into history after the kind */
	FX_APPROVAL = 1 << 3,   /* the approval is recorded (who, when, how), history "approved" */
	FX_SENT = 1 << 4,       /* history "sent": to the other body, or sent directly before */
	FX_REQUESTED = 1 << 5,  /* history "approval_requested", naming the approvers */
	FX_DUP_LINK = 1 << 6,   /* linked to the statement it repeats (duplicates table) */
	FX_SUPERSEDES = 1 << 7, /* the rejected statement it resends becomes dead, "superseded" */
};

struct flow_transition {
	enum flow_event event;
	unsigned from;          /* STMT_BIT(state)s */
	unsigned when;          /* FACT_*s that must all hold; 0: always */
	int to;                 /* enum stmt_state, FLOW_SAME or FLOW_BEFORE */
	unsigned mails;         /* NOTIFY_*s queued (notify.h) */
	const char *history;    /* the history kind written; NULL: none */
	unsigned effects;       /* FX_*s */
};

/* The table: rows are tried in order, the first that matches applies. */
extern const struct flow_transition flow_table[];
extern const unsigned flow_table_len;

const char *flow_event_name(enum flow_event e);
/* flow_match - the row for event E in state FROM with FACTS, or NULL. */
const struct flow_transition *flow_match(enum flow_event e, enum stmt_state from,
    unsigned facts);
/* flow_allowed - does the table let event E happen from state FROM, for a
 * statement showing FACTS (flow_facts, with what the caller would say:
 * FACT_FORCE, FACT_NOTIFY, FACT_BY)? What the event finds out only as it
 * happens (reprocess: what the new reading shows; restore: whether the
 * discard told the sender) may come out either way: allowed if some outcome
 * has a row. The question a page asks before offering a button, and the
 * same answer the event's own function gives. */
gboolean flow_allowed(enum flow_event e, enum stmt_state from, unsigned facts);
/* flow_facts - the FACT_*s statement ST shows (auto, errors or clean, open) | EXTRA. */
unsigned flow_facts(const struct statement *st, unsigned extra);
/* flow_table_markdown - the table as docs/design.md prints it (states x
 * events, and the rows with their mail and history). */
char *flow_table_markdown(void);

struct flow_ctx {
	struct store *s;
	const struct conf *c;
	const struct directory *dir;
	const char *actor;       /* into history: "liaisond" or the secretariat member */
	gboolean dry_run;        /* do it all in the transaction, report, roll back */
};

struct flow_result {
	gint64 id;
	enum stmt_state before, after;
	const struct flow_transition *row;   /* the row applied; NULL: nothing to do */
	gboolean changed;        /* FALSE: nothing changed (mark-taken twice, ...) */
	gboolean dry_run;        /* rolled back: what would have happened */
	GPtrArray *mails;        /* struct notify_planned *: queued, or would be */
	struct statement *st;    /* the statement after the event (edit, approve) or NULL */
	char *detail;            /* the history detail written */
	char *overridden;        /* approve --force: the error codes overridden, "a,b" */
	GPtrArray *changed_fields;  /* edit: the field names changed, in form order */
	int version;             /* edit: the new version */
	/* reprocess: before and after ({state, errors, warnings, from_groups,
	 * to_groups} as in a summary) */
	char *state_before, *errors_before, *warnings_before, *from_before, *to_before;
	char *errors_after, *warnings_after, *from_after, *to_after;
	int queued;              /* remind: how many reminders */
	/* duplicates: the statement repeated (or, a resend, replaced) and how it
	 * was recognised (store/store_dup.h dup_how_name, "secretariat") */
	gint64 original;
	const char *how;
};
void flow_result_init(struct flow_result *r);
void flow_result_clear(struct flow_result *r);

/* flow_parse / flow_ingest - the parse worker's event in two steps, so that
 * it can parse several messages and save them in one transaction (the write
 * lock taken once). flow_parse reads message ID, parses, validates, picks
 * the row and composes its mail (reads only); NULL with ERROR (STORE_ERR_TEMP
 * errors are retried later, others count as a failed attempt). flow_ingest
 * writes the N parsed statements in ONE transaction: all, or none and ERROR
 * naming the statement that failed; ATTEMPT (the parse worker) also counts
 * each one's parse attempt (a statement no longer received is left alone). */
struct flow_parsed;
struct flow_parsed *flow_parse(const struct flow_ctx *x, gint64 id, GError **error);
int flow_ingest(const struct flow_ctx *x, struct flow_parsed *const *items, int n,
    gboolean attempt, GError **error);
gint64 flow_parsed_id(const struct flow_parsed *p);
/* flow_parsed_unlinked - an In Response statement whose original was not
 * found (it may be among the statements not saved yet). */
gboolean flow_parsed_unlinked(const struct flow_parsed *p);
void flow_parsed_free(struct flow_parsed *p);
/* flow_ingest_one - flow_parse and flow_ingest of one message. */
int flow_ingest_one(const struct flow_ctx *x, gint64 id, GError **error);
/* flow_ingest_failed - message ID could not be parsed (crash, timeout) in
 * conf->parse_attempts tries: saved rejected with error parse_failed (WHY
 * says what happened) and its rejection mail queued, in one transaction. */
int flow_ingest_failed(const struct flow_ctx *x, gint64 id, const char *why, GError **error);

/* The secretariat's events. Each returns 0 and fills R, or -1 with ERROR:
 * FLOW_ERR_REFUSED when the table has no row (the message says why and
 * what to do), STORE_ERROR otherwise. R is initialised by the function. */
/* flow_edit - set EDITS (field name -> value as the mail form would give
 * it, model/statement_field.h) on ID, re-validate (problems found while
 * reading untouched fields are kept) and save, if ID is still at VERSION
 * (negative: whatever it is now; 0 is checked like any other); the state
 * stays. */
int flow_edit(const struct flow_ctx *x, gint64 id, int version, GHashTable *edits,
    struct flow_result *r, GError **error);
int flow_approve(const struct flow_ctx *x, gint64 id, gboolean force, struct flow_result *r,
    GError **error);
int flow_discard(const struct flow_ctx *x, gint64 id, const char *why, gboolean notify_sender,
    struct flow_result *r, GError **error);
int flow_restore(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error);
/* flow_reprocess - parse ID again from its raw mail, with today's directory. */
int flow_reprocess(const struct flow_ctx *x, gint64 id, gboolean force, struct flow_result *r,
    GError **error);
/* flow_resend - queue ID's routing mail again. */
int flow_resend(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error);
/* flow_remind - the reminders due on TODAY (YYYY-MM-DD; NULL: today, UTC)
 * for every open For Action statement, each in its own transaction; a day
 * already done queues nothing again. r->queued, r->mails. */
int flow_remind(const struct flow_ctx *x, const char *today, struct flow_result *r,
    GError **error);
int flow_comment(const struct flow_ctx *x, gint64 id, const char *text, gboolean private_,
    struct flow_result *r, GError **error);
int flow_mark_taken(const struct flow_ctx *x, gint64 id, struct flow_result *r,
    GError **error);
/* flow_dup - the secretariat says ID repeats OF (kept, not routed, linked);
 * flow_undup - ID is not a duplicate: unlinked and validated again, posted
 * (routing mail) when it has no errors, else rejected. */
int flow_dup(const struct flow_ctx *x, gint64 id, gint64 of, struct flow_result *r,
    GError **error);
int flow_undup(const struct flow_ctx *x, gint64 id, struct flow_result *r, GError **error);

/* Outgoing statements (issue 16, flow/outgoing.c). */
/* flow_outgoing_check - after validation: ST's direction, and for an
 * outgoing one the problems sender_not_authorized (error) and
 * sent_without_approval (warning), and the submitter's own approval (set on
 * ST, recorded when it is posted). RECIPIENTS (bare addresses, the To/Cc of
 * the mail; NULL: keep st->sent_directly as it is) say whether it was sent
 * to the other body already. */
void flow_outgoing_check(const struct flow_ctx *x, struct statement *st, GPtrArray *recipients);
/* flow_approve_by - pending ID approved by BY (an approver of every From
 * group; else FLOW_ERR_DENIED, nothing changed): sent, posted. HOW is
 * "cli", "web" or "recorded" (the secretariat records an approval given
 * elsewhere; NOTE says how, "by phone"). */
int flow_approve_by(const struct flow_ctx *x, gint64 id, const char *by, const char *how,
    const char *note, struct flow_result *r, GError **error);
/* flow_refuse_outgoing - pending ID not approved: dead (restore brings it
 * back to pending), its submitter told WHY. BY: who refused (NULL: the actor). */
int flow_refuse_outgoing(const struct flow_ctx *x, gint64 id, const char *by, const char *why,
    struct flow_result *r, GError **error);
/* One pending statement, for `liaisonctl approvals` and the web's Pending tab. */
struct flow_pending {
	gint64 id;
	char *title, *submitter, *requested_at;   /* requested_at: of the last approval request */
	char *from_groups, *to_groups;            /* "quic, tls" */
	GPtrArray *approvers;                     /* char *: "Name <address>" */
};
/* flow_approvals - the pending statements, oldest first (struct flow_pending *). */
GPtrArray *flow_approvals(const struct flow_ctx *x, GError **error);
void flow_pending_free(gpointer p);
/* flow_doc_rest - read the rest of up to MAX PDFs stored with their first
 * pages only (the parse reads [parser] pdf_parse_pages), each in a
 * transaction of its own: the full text replaces the first pages' and the
 * statement is noted for search. Returns how many, 0 when none is left. */
int flow_doc_rest(const struct flow_ctx *x, int max, GError **error);
struct admin_summary;
/* flow_export_json - posted statement ST (its summary SUM for the times) as
 * `liaisonctl export` and the web's /api/liaison/ write it; attachment urls
 * when BASE_URL is set. */
JsonObject *flow_export_json(const struct statement *st, const struct admin_summary *sum,
    const char *base_url);

#endif
