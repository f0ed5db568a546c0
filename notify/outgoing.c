/* outgoing.c - the mail of an outgoing statement's approval: the request to
 * its approvers (and its reminder), and the refusal to its submitter. */
#include "notify/notify_private.h"
#include "model/outgoing.h"

#include <string.h>

int
notify_plan_approval(struct notify_batch *b, struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, gboolean reminder, const char *key,
    GError **error)
{
	GPtrArray *approvers = outgoing_approvers(dir, st);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	for (guint i = 0; i < approvers->len; i++) {
		const struct addr *a = approvers->pdata[i];
		notify_rcpts_add(c, &r, FALSE, a->name, a->address);
	}
	/* nobody to ask (the directory names no approver): the secretariat is */
	if (r.to->len == 0)
		notify_rcpts_secretariat(c, &r);
	struct notify_text t = { 0 };
	int rc = notify_text_approval(s, c, dir, st, approvers, reminder, &t, error);
	if (rc == 0)
		rc = notify_batch_add(b, c, st->id, reminder ? "approval_reminder" : "approval_request",
		    t.subject, t.body, &r, st->message_id, key, error);
	notify_text_clear(&t);
	notify_rcpts_clear(&r);
	g_ptr_array_unref(approvers);
	return rc;
}

int
notify_prepare_approval_reminder(struct store *s, const struct conf *c,
    const struct directory *dir, const struct statement *st, const char *today,
    struct notify_batch **out, GError **error)
{
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT ":approval:%s", st->id, today);
	*out = notify_batch_new(st->id);
	int rc = notify_plan_approval(*out, s, c, dir, st, TRUE, key, error);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}

int
notify_prepare_refused(const struct conf *c, const struct statement *st, const char *by,
    const char *why, struct notify_batch **out, GError **error)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(c, st, &r);
	struct notify_text t = { 0 };
	*out = notify_batch_new(st->id);
	int rc = notify_text_refused(c, st, by, why, &t, error);
	if (rc == 0)
		rc = notify_batch_add(*out, c, st->id, "refused", t.subject, t.body, &r,
		    st->message_id, NULL, error);
	notify_text_clear(&t);
	notify_rcpts_clear(&r);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}
