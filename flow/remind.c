/* remind.c - the daily event: a reminder for every open For Action statement
 * whose deadline calls for one today, each in its own transaction. */
#include "flow/flow_private.h"
#include "store/store_outbox.h"
#include "store/store_flow.h"
#include "store/store_stmt.h"
#include "conf/log.h"

#include <stdio.h>

/* send - inside the transaction: ROW applied to ST with MAIL (taken), the
 * reminder prepared for it, committed, its mails added to R; -1 on failure. */
static int
send(const struct flow_ctx *x, struct statement *st, const struct flow_transition *row,
    struct notify_batch *mail, struct flow_result *r, GError **error)
{
	struct flow_result one;
	flow_result_init(&one);
	int rc = -1;
	if (flow_apply(x, st, row, st->state, NULL, FALSE, NULL, &mail, &one, error) == 0 &&
	    flow_end(x, &one, error) == 0) {
		rc = 0;
		r->queued += one.mails->len;
		while (one.mails->len)
			g_ptr_array_add(r->mails, g_ptr_array_steal_index(one.mails, 0));
	}
	notify_batch_free(mail);
	flow_result_clear(&one);
	return rc;
}

/* remind_one - statement ID's reminder for TODAY, if the table and the
 * deadline say so. */
static int
remind_one(const struct flow_ctx *x, gint64 id, const char *today, struct flow_result *r,
    GError **error)
{
	if (store_begin(x->s, error) < 0)
		return -1;
	struct statement *st = store_outbox_statement(x->s, id, error);
	int left = 0, rc = -1, due = 0;
	const struct flow_transition *row = st ?
	    flow_match(FLOW_REMIND, st->state, flow_facts(st, 0)) : NULL;
	if (st && row && (due = notify_reminder_due(x->c, st, today, &left, error)) > 0) {
		struct notify_batch *mail = NULL;
		if (notify_prepare_reminder(x->c, x->dir, st, left, today, &mail, error) == 0)
			rc = send(x, st, row, mail, r, error);
		else
			notify_batch_free(mail);
	} else if (st && due >= 0) {
		rc = 0;   /* not open, or nothing due today */
	}
	if (rc < 0 || !row || due <= 0)
		store_rollback(x->s);
	statement_free(st);
	return rc;
}

/* days_since - whole days from the date of AT (ISO 8601) to TODAY; -1 when unreadable. */
static int
days_since(const char *at, const char *today)
{
	GDate d[2];
	const char *text[2] = { at, today };
	for (int i = 0; i < 2; i++) {
		int y, m, day;
		if (!text[i] || sscanf(text[i], "%4d-%2d-%2d", &y, &m, &day) != 3 ||
		    !g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y))
			return -1;
		g_date_clear(&d[i], 1);
		g_date_set_dmy(&d[i], (GDateDay)day, (GDateMonth)m, (GDateYear)y);
	}
	return g_date_days_between(&d[0], &d[1]);
}

/* remind_pending - pending statement ID's approvers reminded on TODAY when
 * its last request or reminder is [notify] approval_remind_days old. */
static int
remind_pending(const struct flow_ctx *x, gint64 id, const char *today, struct flow_result *r,
    GError **error)
{
	if (store_begin(x->s, error) < 0)
		return -1;
	struct statement *st = store_stmt_load(x->s, id, error);
	const struct flow_transition *row = st ?
	    flow_match(FLOW_REMIND, st->state, flow_facts(st, 0)) : NULL;
	g_autofree char *last = NULL;
	int rc = st ? 0 : -1;
	if (row && store_flow_last_approval_mail(x->s, id, &last, error) < 0)
		rc = -1;
	if (row && rc == 0 && !last &&
	    store_flow_last_event(x->s, id, "approval_requested", &last, error) < 0)
		rc = -1;
	int days = rc == 0 && row ? days_since(last, today) : -1;
	if (days >= x->c->approval_remind_days) {
		struct notify_batch *mail = NULL;
		rc = -1;
		if (notify_prepare_approval_reminder(x->s, x->c, x->dir, st, today, &mail, error) == 0)
			rc = send(x, st, row, mail, r, error);
		else
			notify_batch_free(mail);
		if (rc < 0)
			store_rollback(x->s);
	} else {
		store_rollback(x->s);
	}
	statement_free(st);
	return rc;
}

int
flow_remind(const struct flow_ctx *x, const char *today, struct flow_result *r,
    GError **error)
{
	flow_result_init(r);
	g_autofree char *now = NULL;
	if (!today) {
		g_autoptr(GDateTime) t = g_date_time_new_now_utc();
		today = now = g_date_time_format(t, "%Y-%m-%d");
	}
	int left;
	struct statement *probe = statement_new();
	probe->deadline = g_strdup(today);
	int ok = notify_reminder_due(x->c, probe, today, &left, error);
	statement_free(probe);
	if (ok < 0) {
		g_clear_error(error);
		g_set_error(error, FLOW_ERROR, FLOW_ERR_USAGE, "'%s' is not a date YYYY-MM-DD", today);
		return -1;
	}
	GArray *ids = store_outbox_open_actions(x->s, error);
	if (!ids)
		return -1;
	int rc = 0;
	for (guint i = 0; i < ids->len && rc == 0; i++)
		rc = remind_one(x, g_array_index(ids, gint64, i), today, r, error);
	g_array_unref(ids);
	/* outgoing statements still waiting for an approver */
	GArray *pending = rc == 0 ? store_flow_pending(x->s, error) : NULL;
	if (rc == 0 && !pending)
		rc = -1;
	for (guint i = 0; pending && i < pending->len && rc == 0; i++)
		rc = remind_pending(x, g_array_index(pending, gint64, i), today, r, error);
	if (pending)
		g_array_unref(pending);
	r->dry_run = x->dry_run;
	if (rc == 0)
		log_info("event=notify_remind today=%s queued=%d", today, r->queued);
	return rc;
}
