/* cmd_ops.c - liaisonctl status: the operator's view, and a monitoring check. */
#include "ctl/ctl.h"
#include "conf/version.h"
#include "store/store_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The parse stage's record (daemon/stage_parse.c writes it): workers killed
 * and restarted because they stopped answering. */
struct workers_status {
	int restarts;            /* since the daemon started; -1: no record */
	char *last_at;
	int last_slot;
};

static void
read_workers(const struct conf *conf, struct workers_status *w)
{
	*w = (struct workers_status){ .restarts = -1, .last_slot = -1 };
	g_autofree char *path = g_build_filename(conf->state_dir, "parse-workers", NULL);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return;
	g_auto(GStrv) lines = g_strsplit(text, "\n", 16);
	for (int i = 0; lines[i]; i++) {
		g_auto(GStrv) kv = g_strsplit(lines[i], " ", 2);
		if (!kv[0] || !kv[1])
			continue;
		if (!strcmp(kv[0], "unresponsive_restarts"))
			w->restarts = atoi(kv[1]);
		else if (!strcmp(kv[0], "last_unresponsive_at") && !w->last_at)
			w->last_at = g_strdup(kv[1]);
		else if (!strcmp(kv[0], "last_unresponsive_slot"))
			w->last_slot = atoi(kv[1]);
	}
}

/* attention - what needs a person, one phrase each; empty when all is well. */
static GPtrArray *
attention(const struct store_status *st, gint64 queued_age, gint64 received_age,
    const struct conf *conf)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	/* A parse takes at most parse_timeout, a stuck worker is restarted
	 * after another: longer than both (and a minute) is a stall. */
	if (received_age > 2 * (gint64)conf->parse_timeout + 60)
		g_ptr_array_add(a, g_strdup_printf("message #%" G_GINT64_FORMAT " has waited to be parsed"
		    " for %" G_GINT64_FORMAT "s: is liaisond running, are its parse workers answering?",
		    st->oldest_received_id, received_age));
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
    gint64 received_age, const struct workers_status *w, GPtrArray *att)
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
	add_opt_int(b, "oldest_unparsed_id", st->oldest_received_id, st->oldest_received_id > 0);
	add_opt_int(b, "oldest_unparsed_age", received_age, received_age >= 0);
	add_opt_int(b, "worker_restarts_unresponsive", w->restarts, w->restarts >= 0);
	add_opt_str(b, "last_worker_unresponsive_at", w->last_at);
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
    gint64 received_age, const struct workers_status *w, GPtrArray *att)
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
	if (received_age >= 0) {
		g_autofree char *age = human_age(received_age);
		printf("%-13s #%" G_GINT64_FORMAT " oldest not yet parsed, received %s ago\n",
		    "parse queue", st->oldest_received_id, age);
	}
	if (w->restarts > 0 || w->last_at)
		printf("%-13s %d restarted for not answering since liaisond started; last at %s"
		    " (slot %d)\n", "parse workers", MAX(w->restarts, 0), w->last_at ? w->last_at : "-",
		    w->last_slot);
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
	gint64 received_age = age_of(st.oldest_received_at, now);
	struct workers_status w;
	read_workers(c->conf, &w);
	g_autoptr(GPtrArray) att = attention(&st, queued_age, received_age, c->conf);
	if (c->json)
		print_json(&st, reject_age, queued_age, last_age, received_age, &w, att);
	else
		print_text(&st, reject_age, queued_age, last_age, received_age, &w, att);
	g_free(w.last_at);
	store_status_clear(&st);
	return att->len ? 1 : 0;
}

const struct ctl_cmd ctl_cmds_ops[] = {
	{ "status", cmd_status, "[--json]",
	  "version, database, queues at a glance; exit 1 when something needs attention",
	  "Shows the version, the database path, size and schema version, the messages\n"
	  "per state, the rejects queue (how many, the oldest and its age), the outbox\n"
	  "(queued, failed, the oldest queued mail's age), the last message received,\n"
	  "the oldest message not yet parsed and the parse workers restarted because\n"
	  "they stopped answering.\n"
	  "\n"
	  "Exit status 1 when something needs a person: a statement waits in the\n"
	  "rejects queue, a mail failed, a mail has been queued for more than an\n"
	  "hour, or a message has waited to be parsed for longer than twice\n"
	  "parse_timeout and a minute; 0 otherwise. Monitoring can run it as a check.\n"
	  "\n"
	  "--json keys: version, database, database_size, wal_size, schema_version,\n"
	  "messages, states (object: state -> count), rejects_waiting, oldest_reject_id,\n"
	  "oldest_reject_age (seconds), outbox_queued, outbox_failed, oldest_queued_age\n"
	  "(seconds), last_received_id, last_received_at, last_received_age (seconds),\n"
	  "oldest_unparsed_id, oldest_unparsed_age (seconds), worker_restarts_unresponsive,\n"
	  "last_worker_unresponsive_at, attention (array of strings), ok (boolean).\n"
	  "Absent values are null." },
	{ NULL, NULL, NULL, NULL, NULL },
};
