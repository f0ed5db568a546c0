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

/* queue_reminder - the reminder of ST, LEFT days before its deadline. */
static int
queue_reminder(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, int left, const char *today_text, int *queued, GError **error)
{
	struct notify_text t = { 0 };
	if (notify_text_reminder(c, dir, st, left, &t, error) < 0)
		return -1;
	/* One reminder per statement and day: running twice queues nothing new. */
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT ":%s", st->id, today_text);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_reminder(c, dir, st, &r);
	gint64 oid = -1;
	if (store_begin(s, error) == 0) {
		oid = notify_queue_mail(s, c, st->id, "reminder", t.subject, t.body, &r, st->message_id,
		    key, error);
		if (oid < 0 || store_commit(s, error) < 0) {
			store_rollback(s);
			oid = -1;
		}
	}
	notify_rcpts_clear(&r);
	notify_text_clear(&t);
	if (oid > 0)
		(*queued)++;
	return oid < 0 ? -1 : 0;
}

/* remind_one - queue statement ID's reminder for TODAY if one is due. */
static int
remind_one(struct store *s, const struct conf *c, const struct directory *dir, gint64 id,
    const GDate *today, const char *today_text, GArray *days, int *queued, GError **error)
{
	struct statement *st = store_outbox_statement(s, id, error);
	if (!st)
		return -1;
	GDate deadline;
	int rc = 0;
	if (parse_date(st->deadline, &deadline)) {
		int left = g_date_days_between(today, &deadline);
		if (due_offset(days, left))
			rc = queue_reminder(s, c, dir, st, left, today_text, queued, error);
	}
	statement_free(st);
	return rc;
}

int
notify_remind(struct store *s, const struct conf *c, const struct directory *dir,
    const char *today, int *queued, GError **error)
{
	GDate day;
	g_autofree char *now = NULL;
	*queued = 0;
	if (!today) {
		g_autoptr(GDateTime) t = g_date_time_new_now_utc();
		today = now = g_date_time_format(t, "%Y-%m-%d");
	}
	if (!parse_date(today, &day)) {
		g_set_error(error, STORE_ERROR, STORE_ERR_DATA, "'%s' is not a date YYYY-MM-DD", today);
		return -1;
	}
	GArray *ids = store_outbox_open_actions(s, error);
	if (!ids)
		return -1;
	GArray *days = conf_reminder_days(c);
	int rc = 0;
	for (guint i = 0; i < ids->len && rc == 0; i++)
		rc = remind_one(s, c, dir, g_array_index(ids, gint64, i), &day, today, days, queued,
		    error);
	g_array_unref(days);
	g_array_unref(ids);
	if (rc == 0)
		log_info("event=notify_remind today=%s queued=%d", today, *queued);
	return rc;
}
