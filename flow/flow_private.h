/* flow_private.h - shared by the files of flow/ only. */
#ifndef LIAISON_FLOW_PRIVATE_H
#define LIAISON_FLOW_PRIVATE_H

#include "flow/flow.h"
#include "store/store.h"


/* flow_refuse - FLOW_ERR_REFUSED with the message; returns -1. */
int flow_refuse(GError **error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* flow_apply - inside the transaction: ROW applied to ST (in state BEFORE;
 * BEFORE_DISCARD as remembered): the state (unless SAVED: store_stmt_save
 * wrote it), the history kind with DETAIL (and the new state's name), the
 * effects, and the mail: *MAIL when MAIL is given (composed by the caller;
 * NULL inside: none), else composed from row->mails. Fills R. */
int flow_apply(const struct flow_ctx *x, struct statement *st, const struct flow_transition *row,
    enum stmt_state before, const char *before_discard, gboolean saved, const char *detail,
    struct notify_batch **mail, struct flow_result *r, GError **error);

/* flow_load - the transaction begun, and statement ID as it is inside it;
 * NULL with ERROR, rolled back. */
struct statement *flow_load(const struct flow_ctx *x, gint64 id, GError **error);
/* flow_fail - roll back, free ST; -1. */
int flow_fail(const struct flow_ctx *x, struct statement *st);

/* flow_end - commit (or, dry run, roll back); on failure rolled back, -1. */
int flow_end(const struct flow_ctx *x, struct flow_result *r, GError **error);

/* flow_read - parse message ID from its raw mail into a validated statement
 * (state still as stored); *DETAIL gets the parse's accounting. */
struct statement *flow_read(const struct flow_ctx *x, gint64 id, char **detail, GError **error);

/* flow_outgoing_record - inside the transaction, ROW's FX_APPROVAL (ST's
 * approval, when it has one, on record with history "approved") and
 * FX_REQUESTED (history "approval_requested" naming the approvers). */
int flow_outgoing_record(const struct flow_ctx *x, struct statement *st,
    const struct flow_transition *row, GError **error);
/* flow_outgoing_sent - history "sent": where the routing mail in MAILS
 * (struct notify_planned *) goes, or that it was sent directly. */
int flow_outgoing_sent(const struct flow_ctx *x, const struct statement *st, GPtrArray *mails,
    GError **error);

#endif
