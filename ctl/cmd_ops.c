/* cmd_ops.c - liaisonctl status: the operator's view, and a monitoring check. */
#include "ctl/ctl.h"
#include "conf/version.h"
#include "store/store_ops.h"

#include <stdio.h>

/* A queued mail older than this means the sender is stuck or the relay down. */
#define QUEUED_TOO_LONG (60 * 60)

/* age_of - seconds from ISO 8601 time AT until now; -1 when AT is absent or bad. */
static gint64
age_of(const char *at, GDateTime *now)
{
	if (!at)
		return -1;
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(at, NULL);
	if (!t)
		return -1;
	gint64 d = g_date_time_difference(now, t) / G_TIME_SPAN_SECOND;
	return d < 0 ? 0 : d;
}

/* human_age - "3d 4h", "2h 5m", "40s". */
static char *
human_age(gint64 s)
{
	if (s >= 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT "d %" G_GINT64_FORMAT "h", s / 86400, s % 86400 / 3600);
	if (s >= 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT "h %" G_GINT64_FORMAT "m", s / 3600, s % 3600 / 60);
	if (s >= 60)
		return g_strdup_printf("%" G_GINT64_FORMAT "m %" G_GINT64_FORMAT "s", s / 60, s % 60);
	return g_strdup_printf("%" G_GINT64_FORMAT "s", s);
}

/* attention - what needs a person, one phrase each; empty when all is well. */
static GPtrArray *
attention(const struct store_status *st, gint64 queued_age)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	if (st->rejects > 0)
		g_ptr_array_add(a, g_strdup_printf("%" G_GINT64_FORMAT " statement(s) wait in the rejects queue"
		    " (liaisonctl rejects)", st->rejects));
	if (st->outbox_failed > 0)
		g_ptr_array_add(a, g_strdup_printf("%" G_GINT64_FORMAT " mail(s) failed (liaisonctl outbox --state failed)",
		    st->outbox_failed));
	if (queued_age > QUEUED_TOO_LONG)
		g_ptr_array_add(a, g_strdup_printf("mail queued for more than an hour (#%" G_GINT64_FORMAT
		    "): is smtp_url reachable and liaisond running?", st->oldest_queued_id));
	return a;
}

static void
add_opt_int(JsonBuilder *b, const char *key, gint64 v, gboolean present)
{
	json_builder_set_member_name(b, key);
	if (present)
		json_builder_add_int_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void
add_opt_str(JsonBuilder *b, const char *key, const char *v)
{
	json_builder_set_member_name(b, key);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void
print_json(const struct store_status *st, gint64 reject_age, gint64 queued_age, gint64 last_age,
    GPtrArray *att)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	add_opt_str(b, "version", LIAISON_VERSION);
	add_opt_str(b, "database", st->db_path);
	add_opt_int(b, "database_size", st->db_size, TRUE);
	add_opt_int(b, "wal_size", st->wal_size, TRUE);
	add_opt_int(b, "schema_version", st->schema_version, TRUE);
	add_opt_int(b, "messages", st->messages, TRUE);
	json_builder_set_member_name(b, "states");
	json_builder_begin_object(b);
	for (guint i = 0; i < st->states->len; i++) {
		const struct store_count *c = st->states->pdata[i];
		add_opt_int(b, c->state, c->count, TRUE);
	}
	json_builder_end_object(b);
	add_opt_int(b, "rejects_waiting", st->rejects, TRUE);
	add_opt_int(b, "oldest_reject_id", st->oldest_reject_id, st->oldest_reject_id > 0);
	add_opt_int(b, "oldest_reject_age", reject_age, reject_age >= 0);
	add_opt_int(b, "outbox_queued", st->outbox_queued, TRUE);
	add_opt_int(b, "outbox_failed", st->outbox_failed, TRUE);
	add_opt_int(b, "oldest_queued_age", queued_age, queued_age >= 0);
	add_opt_int(b, "last_received_id", st->last_id, st->last_id > 0);
	add_opt_str(b, "last_received_at", st->last_received_at);
	add_opt_int(b, "last_received_age", last_age, last_age >= 0);
	json_builder_set_member_name(b, "attention");
	json_builder_begin_array(b);
	for (guint i = 0; i < att->len; i++)
		json_builder_add_string_value(b, att->pdata[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, att->len == 0);
	json_builder_end_object(b);
	ctl_print_json(json_builder_get_root(b));
}

static void
print_text(const struct store_status *st, gint64 reject_age, gint64 queued_age, gint64 last_age,
    GPtrArray *att)
{
	printf("liaisond %s\n", LIAISON_VERSION);
	printf("%-13s %s (%" G_GINT64_FORMAT " bytes, wal %" G_GINT64_FORMAT " bytes, schema %d)\n",
	    "database", st->db_path, st->db_size, st->wal_size, st->schema_version);
	printf("%-13s %" G_GINT64_FORMAT, "messages", st->messages);
	for (guint i = 0; i < st->states->len; i++) {
		const struct store_count *c = st->states->pdata[i];
		printf("%s %s %" G_GINT64_FORMAT, i ? "," : ":", c->state, c->count);
	}
	printf("\n");
	if (st->rejects > 0) {
		g_autofree char *age = human_age(reject_age < 0 ? 0 : reject_age);
		printf("%-13s %" G_GINT64_FORMAT " waiting, oldest #%" G_GINT64_FORMAT " received %s ago\n",
		    "rejects", st->rejects, st->oldest_reject_id, age);
	} else {
		printf("%-13s none waiting\n", "rejects");
	}
	printf("%-13s %" G_GINT64_FORMAT " queued, %" G_GINT64_FORMAT " failed", "outbox",
	    st->outbox_queued, st->outbox_failed);
	if (queued_age >= 0) {
		g_autofree char *age = human_age(queued_age);
		printf(", oldest queued %s ago", age);
	}
	printf("\n");
	if (st->last_id > 0) {
		g_autofree char *age = human_age(last_age < 0 ? 0 : last_age);
		printf("%-13s #%" G_GINT64_FORMAT " at %s (%s ago)\n", "last message", st->last_id,
		    st->last_received_at, age);
	} else {
		printf("%-13s none yet\n", "last message");
	}
	if (att->len == 0)
		printf("%-13s ok\n", "attention");
	for (guint i = 0; i < att->len; i++)
		printf("%-13s %s\n", i ? "" : "attention", (const char *)att->pdata[i]);
}

/* cmd_status - exit 0 when nothing needs a person, 1 when something does, so
 * that monitoring can run it as a check. */
static int
cmd_status(struct ctl *c, int argc, char **argv)
{
	if (argc > 1)
		return ctl_usage(&ctl_cmds_ops[0]);
	struct store_status st;
	GError *error = NULL;
	if (store_status_read(ctl_store(c), &st, &error) < 0) {
		store_status_clear(&st);
		return ctl_fail_error(error);
	}
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	gint64 reject_age = age_of(st.oldest_reject_at, now);
	gint64 queued_age = age_of(st.oldest_queued_at, now);
	gint64 last_age = age_of(st.last_received_at, now);
	g_autoptr(GPtrArray) att = attention(&st, queued_age);
	if (c->json)
		print_json(&st, reject_age, queued_age, last_age, att);
	else
		print_text(&st, reject_age, queued_age, last_age, att);
	store_status_clear(&st);
	return att->len ? 1 : 0;
}

const struct ctl_cmd ctl_cmds_ops[] = {
	{ "status", cmd_status, "[--json]",
	  "version, database, queues at a glance; exit 1 when something needs attention",
	  "Shows the version, the database path, size and schema version, the messages\n"
	  "per state, the rejects queue (how many, the oldest and its age), the outbox\n"
	  "(queued, failed, the oldest queued mail's age) and the last message received.\n"
	  "\n"
	  "Exit status 1 when something needs a person: a statement waits in the\n"
	  "rejects queue, a mail failed, or a mail has been queued for more than an\n"
	  "hour; 0 otherwise. Monitoring can run it as a check.\n"
	  "\n"
	  "--json keys: version, database, database_size, wal_size, schema_version,\n"
	  "messages, states (object: state -> count), rejects_waiting, oldest_reject_id,\n"
	  "oldest_reject_age (seconds), outbox_queued, outbox_failed, oldest_queued_age\n"
	  "(seconds), last_received_id, last_received_at, last_received_age (seconds),\n"
	  "attention (array of strings), ok (boolean). Absent values are null." },
	{ NULL, NULL, NULL, NULL, NULL },
};
