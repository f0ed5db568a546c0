/* cmd_msg.c - liaisonctl list, show, raw, submit: the received messages. */
#include "ctl/ctl.h"
#include "ctl/ctl_doc.h"
#include "ctl/ctl_out.h"
#include "store/store_msg.h"
#include "store/store_msg_info.h"
#include "store/store_stmt.h"
#include "store/store_admin.h"
#include "store/store_dup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* msg_json - one message as a JSON object: the keys of `list --json`, plus
 * recipients when it has them (show). Statement keys are added here. */
static JsonNode *
msg_json(const struct store_msg_info *m)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_int_value(b, m->id);
	json_builder_set_member_name(b, "received_at");
	json_builder_add_string_value(b, m->received_at);
	json_builder_set_member_name(b, "envelope_from");
	json_builder_add_string_value(b, m->envelope_from);
	json_builder_set_member_name(b, "message_id");
	if (m->message_id)
		json_builder_add_string_value(b, m->message_id);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "size");
	json_builder_add_int_value(b, m->size);
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, m->state);
	if (m->recipients) {
		json_builder_set_member_name(b, "recipients");
		json_builder_begin_array(b);
		for (char **r = m->recipients; *r; r++)
			json_builder_add_string_value(b, *r);
		json_builder_end_array(b);
		json_builder_set_member_name(b, "sha256");
		json_builder_add_string_value(b, m->sha256);
		json_builder_set_member_name(b, "client");
		json_builder_add_string_value(b, m->client);
		json_builder_set_member_name(b, "session_id");
		json_builder_add_string_value(b, m->session_id);
		json_builder_set_member_name(b, "parse_attempts");
		json_builder_add_int_value(b, m->parse_attempts);
	}
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* fail_id - store errors, with "no statement N" for an unknown id (exit 65). */
static int
fail_id(GError *error, gint64 id)
{
	if (g_error_matches(error, STORE_ERROR, STORE_ERR_NOTFOUND)) {
		g_error_free(error);
		return ctl_fail(EX_DATAERR_, "no statement %" G_GINT64_FORMAT, id);
	}
	return ctl_fail_error(error);
}

/* add_links - duplicate_of (the statement a duplicate repeats, else null)
 * and, FULL (show), duplicates (the duplicates of this one) and
 * superseded_by (the resend that replaced it, else null). 0 or -1. */
static int
add_links(struct ctl *c, JsonObject *o, gint64 id, const char *state, gboolean full,
    GError **error)
{
	gint64 of = 0, by = 0;
	if (store_dup_of(ctl_store(c), id, &of, NULL, error) < 0)
		return -1;
	if (of > 0 && state && strcmp(state, "duplicate") == 0)
		json_object_set_int_member(o, "duplicate_of", of);
	else
		json_object_set_null_member(o, "duplicate_of");
	if (!full)
		return 0;
	GArray *dups = store_dup_list(ctl_store(c), id, error);
	if (!dups || store_dup_superseded_by(ctl_store(c), id, &by, error) < 0) {
		if (dups)
			g_array_unref(dups);
		return -1;
	}
	JsonArray *a = json_array_new();
	for (guint i = 0; i < dups->len; i++)
		json_array_add_int_element(a, g_array_index(dups, gint64, i));
	g_array_unref(dups);
	json_object_set_array_member(o, "duplicates", a);
	if (by > 0)
		json_object_set_int_member(o, "superseded_by", by);
	else
		json_object_set_null_member(o, "superseded_by");
	return 0;
}

/* add_summary - the statement columns of `list`: title and problem count. */
static void
add_summary(struct ctl *c, JsonObject *o, gint64 id)
{
	char *state = NULL, *title = NULL;
	int problems = 0;
	if (store_stmt_summary(ctl_store(c), id, &state, &title, &problems, NULL) < 0)
		return;
	if (title)
		json_object_set_string_member(o, "title", title);
	else
		json_object_set_null_member(o, "title");
	json_object_set_int_member(o, "problems", problems);
	g_free(state);
	g_free(title);
}

static int
cmd_list(struct ctl *c, int argc, char **argv)
{
	const char *state = NULL;
	GError *error = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			state = argv[++i];
		else if (g_str_has_prefix(argv[i], "--state="))
			state = argv[i] + 8;
		else
			return ctl_usage(&ctl_cmds_msg[0]);
	}
	enum stmt_state known;
	if (state && !stmt_state_from_name(state, &known))
		return ctl_fail(EX_USAGE_, "list: --state is received, posted, rejected, ignored"
		    " or dead, not '%s'", state);
	GPtrArray *a = store_msg_info_list(ctl_store(c), state, &error);
	if (!a)
		return ctl_fail_error(error);
	if (c->json) {
		JsonArray *arr = json_array_new();
		for (guint i = 0; i < a->len; i++) {
			const struct store_msg_info *m = g_ptr_array_index(a, i);
			JsonNode *n = msg_json(m);
			add_summary(c, json_node_get_object(n), m->id);
			json_array_add_element(arr, n);
			if (add_links(c, json_node_get_object(n), m->id, m->state, FALSE, &error) < 0) {
				json_array_unref(arr);
				g_ptr_array_unref(a);
				return ctl_fail_error(error);
			}
		}
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, arr);
		ctl_print_json(n);
	} else if (a->len == 0) {
		printf("No messages%s%s.\n", state ? " in state " : "", state ? state : "");
	} else {
		struct ctl_table *t = ctl_table_new(6, "ID", "RECEIVED", "STATE", "PROB", "SENDER",
		    "TITLE");
		ctl_table_cap(t, 0, 7, TRUE);
		ctl_table_cap(t, 3, 4, TRUE);
		ctl_table_cap(t, 4, 22, FALSE);
		for (guint i = 0; i < a->len; i++) {
			const struct store_msg_info *m = g_ptr_array_index(a, i);
			g_autofree char *st = NULL, *title = NULL;
			int problems = 0;
			if (store_stmt_summary(ctl_store(c), m->id, &st, &title, &problems, NULL) < 0)
				problems = 0;
			g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, m->id);
			g_autofree char *when = ctl_out_time(m->received_at);
			if (strlen(when) > 10)
				when[10] = '\0';   /* the day: show has the time */
			g_autofree char *np = g_strdup_printf("%d", problems);
			ctl_table_add(t, id, when, m->state, np, *m->envelope_from ?
			    m->envelope_from : "<>", title ? title : "-");
			if (strcmp(m->state, "rejected") == 0 || strcmp(m->state, "dead") == 0)
				ctl_table_style(t, 2, CTL_RED);
		}
		ctl_table_print_lines(t, stdout);
		ctl_table_free(t);
	}
	g_ptr_array_unref(a);
	return 0;
}

static int
cmd_show(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	gboolean text = argc == 3 && strcmp(argv[2], "--text") == 0;
	gint64 id = argc == 2 || text ? ctl_parse_id(argv[1]) : -1;
	if (id < 0)
		return ctl_usage(&ctl_cmds_msg[1]);
	if (text)     /* the text read out of its documents (issue 8) */
		return ctl_doc_show_text(c, id);
	struct store_msg_info *m = store_msg_info_get(ctl_store(c), id, &error);
	if (!m)
		return fail_id(error, id);
	if (c->json) {
		JsonNode *n = msg_json(m);
		struct statement *st = store_stmt_load(ctl_store(c), id, &error);
		if (!st) {
			json_node_unref(n);
			store_msg_info_free(m);
			return fail_id(error, id);
		}
		statement_json_add(json_node_get_object(n), st);
		statement_free(st);
		/* the other way of `related`: the statements that answer this one */
		GPtrArray *rel = store_admin_related(ctl_store(c), id, &error);
		if (!rel) {
			json_node_unref(n);
			store_msg_info_free(m);
			return fail_id(error, id);
		}
		JsonArray *by = json_array_new();
		for (guint i = 0; i < rel->len; i++) {
			const struct admin_summary *a = rel->pdata[i];
			if (strcmp(a->relation, "answered_by") == 0)
				json_array_add_int_element(by, a->id);
		}
		g_ptr_array_free(rel, TRUE);
		json_object_set_array_member(json_node_get_object(n), "answered_by", by);
		if (add_links(c, json_node_get_object(n), id, m->state, TRUE, &error) < 0) {
			json_node_unref(n);
			store_msg_info_free(m);
			return ctl_fail_error(error);
		}
		ctl_print_json(n);
	} else {
		/* the secretariat's reading of it: ctl/ctl_show.c (issue 6) */
		store_msg_info_free(m);
		ctl_out_pager();
		return ctl_show_human(c, id);
	}
	store_msg_info_free(m);
	return 0;
}

static int
cmd_raw(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	gint64 id = argc == 2 ? ctl_parse_id(argv[1]) : -1;
	if (id < 0)
		return ctl_usage(&ctl_cmds_msg[2]);
	if (c->json)   /* bytes are not JSON: say so rather than ignore it */
		return ctl_fail(EX_USAGE_, "raw writes the stored bytes; `liaisonctl show %"
		    G_GINT64_FORMAT " --json` gives the message's details as JSON", id);
	int fd = store_msg_open(ctl_store(c), id, &error);
	if (fd < 0)
		return fail_id(error, id);
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return ctl_fail(EX_IOERR_, "message %" G_GINT64_FORMAT ": %s", id, g_strerror(errno));
	}
	char buf[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (!ctl_out_raw(buf, n)) {
			rc = ctl_fail(EX_IOERR_, "write: %s", g_strerror(errno));
			break;
		}
	if (ferror(f))
		rc = ctl_fail(EX_IOERR_, "message %" G_GINT64_FORMAT ": %s", id, g_strerror(errno));
	fclose(f);
	if (fflush(stdout) != 0 && rc == 0)
		rc = ctl_fail(EX_IOERR_, "write: %s", g_strerror(errno));
	return rc;
}

/* spool_file - copy FILE into SP as it is (no line-ending change: the
 * stored message is what the secretariat imported). */
static int
spool_file(FILE *f, const char *file, struct store_spool *sp, gint64 max, GError **error)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (store_spool_size(sp) + (gint64)n > max) {
			g_set_error(error, STORE_ERROR, STORE_ERR_DATA, "%s: larger than"
			    " max_message_size (%" G_GINT64_FORMAT " bytes)", file, max);
			return -1;
		}
		if (store_spool_write(sp, buf, n, error) < 0)
			return -1;
	}
	if (ferror(f)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: %s", file, g_strerror(errno));
		return -1;
	}
	if (store_spool_size(sp) == 0) {
		g_set_error(error, STORE_ERROR, STORE_ERR_DATA, "%s: empty file", file);
		return -1;
	}
	return 0;
}

static int
cmd_submit(struct ctl *c, int argc, char **argv)
{
	const char *file = NULL, *from = "";
	GError *error = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return ctl_usage(&ctl_cmds_msg[3]);
	}
	if (!file)
		return ctl_usage(&ctl_cmds_msg[3]);
	FILE *f = fopen(file, "rb");
	if (!f)
		return ctl_fail(errno == ENOENT ? EX_NOINPUT_ : EX_IOERR_, "%s: %s", file,
		    g_strerror(errno));
	struct store *s = ctl_store(c);
	struct store_spool *sp = store_spool_new(s, &error);
	if (!sp || spool_file(f, file, sp, c->conf->max_message_size, &error) < 0) {
		fclose(f);
		store_spool_free(sp);
		return ctl_fail_error(error);
	}
	fclose(f);
	/* The same commit as LMTP's, addressed to the first statements address. */
	const char *rcpts[] = { c->conf->statements_address[0], NULL };
	g_autofree char *session = g_strdup_printf("liaisonctl-%d", (int)getpid());
	struct store_envelope env = { from, rcpts, "liaisonctl", session };
	struct store_msg_result res;
	store_msg_commit(s, &sp, &env, &res, 1);
	store_spool_free(sp);
	if (res.error)
		return ctl_fail_error(res.error);
	if (c->json) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", res.id);
		json_object_set_boolean_member(o, "duplicate", res.duplicate);
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
		return 0;
	}
	if (res.duplicate)
		fprintf(stderr, "liaisonctl: already recorded as %" G_GINT64_FORMAT "\n", res.id);
	printf("%" G_GINT64_FORMAT "\n", res.id);
	return 0;
}

/* Order matters: the handlers above print their usage by index. */
const struct ctl_cmd ctl_cmds_msg[] = {
	{ "list", cmd_list, "[--state STATE] [--json]", "one line per received message",
	  "Columns: ID, RECEIVED (the day, UTC), STATE, PROB (number of problems),\n"
	  "SENDER (envelope) and TITLE, one line each. On a terminal the lines fit its\n"
	  "width (SENDER and TITLE cut with an ellipsis); else $COLUMNS when set; piped\n"
	  "to a file or a program without $COLUMNS, nothing is cut.\n"
	  "--state S lists only statements in state S (received, posted, rejected,\n"
	  "ignored, dead; another value is exit 64). --json prints an array of\n"
	  "objects with id, received_at, envelope_from, message_id, size, state, title\n"
	  "and problems (the count)." },
	{ "show", cmd_show, "ID [--text] [--json]",
	  "a statement in full: fields, problems, attachments, mail and history",
	  "Shows statement ID as the secretariat reads it: its state and version, the\n"
	  "fields (title, from, to, contacts, purpose, deadline), each problem next to\n"
	  "its field in plain words, the body, the attachments and the documents whose\n"
	  "text was read, related statements, the mail queued for it and its history.\n\n"
	  "--json adds recipients (RCPT order), sha256, client and session_id, and the\n"
	  "statement: state, title, purpose, deadline, from_groups, to_groups,\n"
	  "from_contacts, to_contacts, from_liaison_contact, to_liaison_contact, body,\n"
	  "attachments, other_identifiers, related, forwarded_by, problems, documents\n"
	  "({filename, role, text_chars}), release, work_items, next_meetings.\n"
	  "--text prints the text read out of its documents (.docx, .pdf, the files of\n"
	  "a .zip), the statement's first, so it can be read without Word; with --json\n"
	  "{id, documents: [{filename, role, text_chars, text}]}." },
	{ "raw", cmd_raw, "ID", "write the stored message to stdout, byte for byte",
	  "Writes message ID to standard output exactly as liaisond stored it (the\n"
	  "mail as Postfix delivered it over LMTP, or the file given to `submit`):\n"
	  "nothing is decoded or converted. For a mail reader, a bug report or\n"
	  "`submit` on another system: `liaisonctl raw ID > ID.eml`. With --json it\n"
	  "refuses (exit 64): the bytes are not JSON; show ID --json has the details." },
	{ "submit", cmd_submit, "FILE.eml [--from ADDR] [--json]",
	  "record a message file as if it came by LMTP",
	  "The file is stored as it is, addressed to the first statements_address, and\n"
	  "its id printed. A file already recorded prints the earlier id.\n"
	  "--json: {id, duplicate}." },
	{ NULL, NULL, NULL, NULL, NULL },
};
