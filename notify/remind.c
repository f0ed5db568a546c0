/* remind.c - deadline reminders for open For Action statements (RFC 4053 "tickle"). */
#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "conf/log.h"

#include <stdio.h>
#include <string.h>

#define OVERDUE_WEEKS 8


static gboolean
parse_date(const char *text, GDate *d)
{
	int y, m, day;
	char tail;
	g_date_clear(d, 1);
	if (!text || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 ||
	    !g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y))
		return FALSE;
	g_date_set_dmy(d, (GDateDay)day, (GDateMonth)m, (GDateYear)y);
	return TRUE;
}

/* due_offset - is a reminder due DAYS before the deadline (negative: overdue)? */
static gboolean
due_offset(GArray *days, int left)
{
	if (left < 0)
		return -left % 7 == 0 && -left / 7 <= OVERDUE_WEEKS;
	for (guint i = 0; i < days->len; i++)
		if (g_array_index(days, int, i) == left)
			return TRUE;
	return FALSE;
}

int
notify_reminder_due(const struct conf *c, const struct statement *st, const char *today,
    int *left, GError **error)
{
	GDate day, deadline;
	if (!parse_date(today, &day)) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_DATE, "'%s' is not a date YYYY-MM-DD", today);
		return -1;
	}
	if (!parse_date(st->deadline, &deadline))
		return 0;
	*left = g_date_days_between(&day, &deadline);
	/* an outgoing statement waits on the other body: its IETF side is
	 * reminded once the deadline has come without an answer, not before */
	if (st->outgoing && *left > 0)
		return 0;
	GArray *days = conf_reminder_days(c);
	gboolean due = due_offset(days, *left);
	g_array_unref(days);
	return due ? 1 : 0;
}

int
notify_prepare_reminder(const struct conf *c, const struct directory *dir,
    const struct statement *st, int left, const char *today, struct notify_batch **out,
    GError **error)
{
	struct notify_text t = { 0 };
	if (notify_text_reminder(c, dir, st, left, &t, error) < 0)
		return -1;
	/* One reminder per statement and day: running twice queues nothing new. */
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT ":%s", st->id, today);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_reminder(c, dir, st, &r);
	*out = notify_batch_new(st->id);
	int rc = notify_batch_add(*out, c, st->id, "reminder", t.subject, t.body, &r, st->message_id,
	    key, error);
	notify_rcpts_clear(&r);
	notify_text_clear(&t);
	if (rc < 0)
		g_clear_pointer(out, notify_batch_free);
	return rc;
}
