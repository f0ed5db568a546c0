/* queue.c - what the secretariat's commands share (queue.h): options, ids,
 * the directory and flow context, the subject of a raw mail, JSON lists,
 * the history table. No command lives here, so the command files call it
 * and not each other. */
#include "ctl/queue.h"
#include "store/store_msg.h"

#include <gmime/gmime.h>
#include <string.h>
#include <unistd.h>

const struct ctl_cmd *
queue_cmd(const char *name)
{
	return ctl_find_cmd(name);
}

int
queue_options(const char *cmd, GOptionEntry *entries, int *argc, char ***argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	GError *error = NULL;
	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		ctl_fail(EX_USAGE_, "%s: %s", cmd, error->message);
		g_error_free(error);
		return ctl_usage(queue_cmd(cmd));
	}
	return 0;
}

gint64
queue_id(const char *cmd, int argc, char **argv, int i)
{
	gint64 id = i < argc ? ctl_parse_id(argv[i]) : -1;
	if (id < 0) {
		if (i < argc)
			ctl_fail(EX_USAGE_, "'%s' is not a statement number", argv[i]);
		ctl_usage(queue_cmd(cmd));
	}
	return id;
}

struct directory *
queue_directory(struct ctl *c, GError **error)
{
	const char *file = c->conf->directory_file;
	if (!file || !*file)
		return directory_new_empty();
	return directory_load(file, NULL, error);
}

int
queue_flow_begin(struct ctl *c, struct flow_ctx *x, GError **error)
{
	memset(x, 0, sizeof *x);
	/* the store first: without a database nothing else matters, and that
	 * is what to say (exit 69 with its path), not a directory problem */
	x->s = ctl_store(c);
	struct directory *dir = queue_directory(c, error);
	if (!dir)
		return -1;
	x->c = c->conf;
	x->dir = dir;
	x->actor = c->actor;
	return 0;
}

void
queue_flow_end(struct flow_ctx *x)
{
	directory_free((struct directory *)x->dir);
	x->dir = NULL;
}

char *
queue_subject(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	int fd = store_msg_open(ctl_store(c), id, &error);
	g_autofree char *data = NULL;
	gsize len = 0;
	if (fd < 0) {
		g_clear_error(&error);
		return NULL;
	}
	/* only the header section: the first blank line ends it, 64 KB at most */
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return NULL;
	}
	GString *head = g_string_new(NULL);
	char line[4096];
	while (head->len < 65536 && fgets(line, sizeof line, f)) {
		if (line[0] == '\r' || line[0] == '\n')
			break;
		g_string_append(head, line);
	}
	fclose(f);
	g_string_append(head, "\r\n");
	len = head->len;
	data = g_string_free(head, FALSE);
	g_mime_init();
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	char *subject = NULL;
	if (msg && g_mime_message_get_subject(msg))
		subject = g_strdup(g_mime_message_get_subject(msg));
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	return subject;
}

char *
queue_today(void)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	return g_date_time_format(now, "%Y-%m-%d");
}

/* split_json - LIST cut at SEP as a JSON array of its non-empty items. */
static JsonNode *
split_json(const char *list, const char *sep)
{
	JsonArray *a = json_array_new();
	g_auto(GStrv) v = g_strsplit(list ? list : "", sep, -1);
	for (int i = 0; v[i]; i++)
		if (*v[i])
			json_array_add_string_element(a, v[i]);
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

JsonNode *
queue_codes_json(const char *codes)
{
	return split_json(codes, ",");
}

JsonNode *
queue_groups_json(const char *groups)
{
	return split_json(groups, ", ");
}

GArray *
queue_ids(const char *cmd, int argc, char **argv, int first, int *rc)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	*rc = 0;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			gint64 id = queue_id(cmd, argc, argv, i);
			if (id < 0)
				goto usage;
			g_array_append_val(ids, id);
			continue;
		}
		/* "-": the ids on stdin, separated by white space (a pipe from rejects --json | jq) */
		char word[32];
		int n = 0;
		while (n < 100000 && scanf("%31s", word) == 1) {
			gint64 id = ctl_parse_id(word);
			if (id < 0) {
				ctl_fail(EX_USAGE_, "'%s' (on stdin) is not a statement number", word);
				goto usage;
			}
			g_array_append_val(ids, id);
			n++;
		}
	}
	if (ids->len > 0)
		return ids;
	ctl_usage(queue_cmd(cmd));
usage:
	g_array_unref(ids);
	*rc = EX_USAGE_;
	return NULL;
}

JsonNode *
queue_mails_json(const struct flow_result *r)
{
	JsonArray *a = json_array_new();
	for (guint i = 0; r->mails && i < r->mails->len; i++) {
		const struct notify_planned *m = r->mails->pdata[i];
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "kind", m->kind);
		json_object_set_string_member(o, "to", m->to);
		json_object_set_string_member(o, "subject", m->subject);
		json_array_add_object_element(a, o);
	}
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

void
queue_print_mails(const struct flow_result *r)
{
	ctl_out_planned(stdout, r->mails);
}

JsonObject *
queue_result_json(const struct flow_result *r)
{
	JsonObject *o = json_object_new();
	json_object_set_int_member(o, "id", r->id);
	json_object_set_string_member(o, "state", stmt_state_name(r->after));
	if (r->dry_run) {
		json_object_set_boolean_member(o, "dry_run", TRUE);
		json_object_set_string_member(o, "state_before", stmt_state_name(r->before));
		json_object_set_member(o, "mails", queue_mails_json(r));
	}
	return o;
}

void
queue_out_init(struct queue_out *o, struct ctl *c, guint n)
{
	memset(o, 0, sizeof *o);
	o->c = c;
	o->several = n > 1;
	o->all = json_array_new();
}

void
queue_out_add(struct queue_out *o, JsonObject *one)
{
	if (!o->c->json) {
		json_object_unref(one);
		return;
	}
	if (o->several) {
		json_array_add_object_element(o->all, one);
		return;
	}
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, one);
	ctl_print_json(n);
}

void
queue_out_fail(struct queue_out *o, gint64 id, GError *error)
{
	if (o->c->json && o->several) {
		JsonObject *e = json_object_new();
		json_object_set_int_member(e, "id", id);
		json_object_set_string_member(e, "error", error->message);
		json_array_add_object_element(o->all, e);
	}
	int rc = ctl_fail_error(error);
	if (!o->rc)
		o->rc = rc;
}

int
queue_out_end(struct queue_out *o)
{
	if (o->c->json && o->several) {
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, o->all);
		ctl_print_json(n);
	} else {
		json_array_unref(o->all);
	}
	o->all = NULL;
	return o->rc;
}
