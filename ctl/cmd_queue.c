/* cmd_queue.c - the secretariat's queue: rejects, history, discard, restore,
 * comment, mark-taken (and the table row of every secretariat command). */
#include "ctl/queue.h"
#include "store/store_dup.h"
#include "conf/log.h"

#include <string.h>

/* possible_of - the statement a rejected entry may repeat (warning
 * possible_duplicate; store/store_dup.h), 0 when none. */
static gint64
possible_of(struct ctl *c, const struct admin_summary *r)
{
	gint64 of = 0;
	if (!r->warnings || !strstr(r->warnings, "possible_duplicate") ||
	    store_dup_of(ctl_store(c), r->id, &of, NULL, NULL) < 0)
		return 0;
	return of;
}

/* cmd_rejects - the rejects queue, oldest first, with each entry's error codes. */
static int
cmd_rejects(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	if (argc != 1)
		return ctl_usage(queue_cmd("rejects"));
	GPtrArray *rows = store_admin_rejects(ctl_store(c), &error);
	if (!rows)
		return ctl_fail_error(error);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < rows->len; i++) {
			struct admin_summary *r = g_ptr_array_index(rows, i);
			g_autofree char *subject = r->title ? NULL : queue_subject(c, r->id);
			JsonObject *o = json_object_new();
			json_object_set_int_member(o, "id", r->id);
			json_object_set_string_member(o, "received_at", r->received_at);
			json_object_set_string_member(o, "sender", r->sender);
			json_object_set_string_member(o, "title", r->title);
			json_object_set_string_member(o, "subject", subject);
			json_object_set_member(o, "from_groups", queue_groups_json(r->from_groups));
			json_object_set_member(o, "to_groups", queue_groups_json(r->to_groups));
			json_object_set_member(o, "errors", queue_codes_json(r->errors));
			json_object_set_member(o, "warnings", queue_codes_json(r->warnings));
			json_object_set_int_member(o, "version", r->version);
			gint64 of = possible_of(c, r);
			if (of > 0)
				json_object_set_int_member(o, "possible_duplicate_of", of);
			else
				json_object_set_null_member(o, "possible_duplicate_of");
			json_array_add_object_element(a, o);
		}
		g_ptr_array_free(rows, TRUE);
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
		return 0;
	}
	if (rows->len == 0) {
		printf("The rejects queue is empty.\n");
		g_ptr_array_free(rows, TRUE);
		return 0;
	}
	struct ctl_table *t = ctl_table_new(5, "ID", "AGE", "SENDER", "ERRORS", "TITLE");
	ctl_table_cap(t, 0, 7, TRUE);
	ctl_table_cap(t, 1, 6, TRUE);
	ctl_table_cap(t, 2, 20, FALSE);
	ctl_table_cap(t, 3, 22, FALSE);
	for (guint i = 0; i < rows->len; i++) {
		struct admin_summary *r = g_ptr_array_index(rows, i);
		g_autofree char *age = ctl_out_age(r->received_at, NULL);
		g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
		const char *sender = *r->sender ? r->sender : "<>";
		g_autofree char *subject = r->title ? NULL : queue_subject(c, r->id);
		g_autofree char *title = r->title ? g_strdup(r->title) :
		    subject ? g_strdup_printf("(subject) %s", subject) : g_strdup("(no title)");
		gint64 of = possible_of(c, r);
		g_autofree char *codes = of > 0 ? g_strdup_printf("%s%spossible duplicate of %"
		    G_GINT64_FORMAT, r->errors, *r->errors ? " " : "", of) :
		    g_strjoinv(" ", (char *[]){ r->errors, NULL });
		g_strdelimit(codes, ",", ' ');
		ctl_table_add(t, id, age, sender, codes, title);
		ctl_table_style(t, 3, CTL_RED);
	}
	ctl_table_print_lines(t, stdout);
	printf("\n%u waiting. `liaisonctl show ID` explains each problem.\n", rows->len);
	ctl_table_free(t);
	g_ptr_array_free(rows, TRUE);
	return 0;
}

/* cmd_history - events: time (UTC), actor, kind, detail. */
static int
cmd_history(struct ctl *c, int argc, char **argv)
{
	GError *error = NULL;
	if (argc != 2)
		return ctl_usage(queue_cmd("history"));
	gint64 id = queue_id("history", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;
	GPtrArray *ev = store_admin_history(ctl_store(c), id, &error);
	if (!ev)
		return ctl_fail_error(error);
	if (c->json) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < ev->len; i++) {
			struct admin_event *e = g_ptr_array_index(ev, i);
			JsonObject *o = json_object_new();
			json_object_set_string_member(o, "at", e->at);
			json_object_set_string_member(o, "actor", e->actor);
			json_object_set_string_member(o, "kind", e->kind);
			json_object_set_string_member(o, "detail", e->detail);
			json_object_set_boolean_member(o, "private", e->private_);
			json_array_add_object_element(a, o);
		}
		JsonNode *n = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(n, a);
		ctl_print_json(n);
	} else if (ev->len == 0) {
		printf("No events for statement %" G_GINT64_FORMAT ".\n", id);
	} else {
		ctl_out_pager();
		queue_print_history(c, id, ev);
	}
	g_ptr_array_free(ev, TRUE);
	return 0;
}

enum queue_event { Q_DISCARD, Q_RESTORE, Q_COMMENT, Q_MARK_TAKEN };

/* The arguments of one event, for every statement it is run on. */
struct queue_args {
	enum queue_event ev;
	const char *text;        /* discard: why; comment: the text */
	gboolean flag;           /* discard: --notify-sender; comment: --private */
	gboolean dry_run;
};

/* human - what changed for R, in words. */
static void
human(const struct queue_args *a, const struct flow_result *r)
{
	gint64 id = r->id;
	switch (a->ev) {
	case Q_DISCARD:
		if (a->flag && r->mails->len == 0)
			fprintf(stderr, "liaisonctl: statement %" G_GINT64_FORMAT " has no sender address"
			    " that may be answered; nobody is told\n", id);
		if (r->dry_run) {
			printf("Statement %" G_GINT64_FORMAT " would be discarded (%s -> dead; dry run:"
			    " nothing changed).\n", id, stmt_state_name(r->before));
			queue_print_mails(r);
		} else {
			printf("Statement %" G_GINT64_FORMAT " discarded (kept as dead; `liaisonctl"
			    " restore %" G_GINT64_FORMAT "` brings it back).%s\n", id, id,
			    a->flag && r->mails->len ? " The sender is told." : "");
		}
		break;
	case Q_RESTORE:
		printf("Statement %" G_GINT64_FORMAT " restored: %s again.%s\n", id,
		    stmt_state_name(r->after), r->mails->len ? " The sender is told." : "");
		break;
	case Q_COMMENT:
		printf("Comment added to statement %" G_GINT64_FORMAT "%s.\n", id,
		    a->flag ? " (private)" : "");
		break;
	case Q_MARK_TAKEN:
		printf(r->changed ?
		    "Statement %" G_GINT64_FORMAT " marked taken: no more deadline reminders.\n" :
		    "Statement %" G_GINT64_FORMAT " was already marked taken; nothing changed.\n", id);
		break;
	}
}

/* run_flow - event A of every statement in IDS through flow/, each reported
 * on its own; the exit code (the first failure's). */
static int
run_flow(struct ctl *c, const struct queue_args *a, GArray *ids)
{
	GError *error = NULL;
	struct flow_ctx x;
	/* liaisond's info lines (mail queued) are for its journal: the command
	 * says what happened */
	log_set_level("warning");
	if (queue_flow_begin(c, &x, &error) < 0)
		return ctl_fail_error(error);
	x.dry_run = a->dry_run;
	struct queue_out out;
	queue_out_init(&out, c, ids->len);
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		struct flow_result r;
		int rc = a->ev == Q_DISCARD ? flow_discard(&x, id, a->text, a->flag, &r, &error) :
		    a->ev == Q_RESTORE ? flow_restore(&x, id, &r, &error) :
		    a->ev == Q_COMMENT ? flow_comment(&x, id, a->text, a->flag, &r, &error) :
		    flow_mark_taken(&x, id, &r, &error);
		if (rc < 0) {
			queue_out_fail(&out, id, g_steal_pointer(&error));
		} else {
			queue_out_add(&out, queue_result_json(&r));
			if (!c->json)
				human(a, &r);
		}
		flow_result_clear(&r);
	}
	queue_flow_end(&x);
	return queue_out_end(&out);
}

/* cmd_discard - to dead (kept); tells nobody unless --notify-sender, and
 * then in the same transaction as the discard. */
static int
cmd_discard(struct ctl *c, int argc, char **argv)
{
	g_autofree char *why = NULL;
	struct queue_args a = { .ev = Q_DISCARD };
	GOptionEntry entries[] = {
		{ "why", 0, 0, G_OPTION_ARG_STRING, &why, NULL, NULL },
		{ "notify-sender", 0, 0, G_OPTION_ARG_NONE, &a.flag, NULL, NULL },
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &a.dry_run, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("discard", entries, &argc, &argv);
	if (rc)
		return rc;
	GArray *ids = queue_ids("discard", argc, argv, 1, &rc);
	if (!ids)
		return rc;
	if (!why || !*g_strstrip(why))
		rc = ctl_fail(EX_USAGE_, "discard needs --why TEXT: the reason goes on the record");
	a.text = why;
	if (!rc)
		rc = run_flow(c, &a, ids);
	g_array_unref(ids);
	return rc;
}

/* cmd_restore - back to the state it had before discard. */
static int
cmd_restore(struct ctl *c, int argc, char **argv)
{
	struct queue_args a = { .ev = Q_RESTORE };
	int rc = 0;
	GArray *ids = queue_ids("restore", argc, argv, 1, &rc);
	if (!ids)
		return rc;
	rc = run_flow(c, &a, ids);
	g_array_unref(ids);
	return rc;
}

/* cmd_comment - a note on the record; --private keeps it to the secretariat. */
static int
cmd_comment(struct ctl *c, int argc, char **argv)
{
	struct queue_args a = { .ev = Q_COMMENT };
	GOptionEntry entries[] = {
		{ "private", 0, 0, G_OPTION_ARG_NONE, &a.flag, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = queue_options("comment", entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc < 3)
		return ctl_usage(queue_cmd("comment"));
	gint64 id = queue_id("comment", argc, argv, 1);
	if (id < 0)
		return EX_USAGE_;
	/* the words may come unquoted: join them */
	g_autofree char *text = g_strjoinv(" ", argv + 2);
	if (!*g_strstrip(text))
		return ctl_fail(EX_USAGE_, "comment: the text is empty");
	a.text = text;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_array_append_val(ids, id);
	rc = run_flow(c, &a, ids);
	g_array_unref(ids);
	return rc;
}

/* cmd_mark_taken - the action is done: no more reminders. */
static int
cmd_mark_taken(struct ctl *c, int argc, char **argv)
{
	struct queue_args a = { .ev = Q_MARK_TAKEN };
	int rc = 0;
	GArray *ids = queue_ids("mark-taken", argc, argv, 1, &rc);
	if (!ids)
		return rc;
	rc = run_flow(c, &a, ids);
	g_array_unref(ids);
	return rc;
}

const struct ctl_cmd ctl_cmds_queue[] = {
	{ "rejects", cmd_rejects, "[--json]",
	  "the rejects queue: statements waiting for the secretariat, oldest first",
	  "Lists every statement in state 'rejected', oldest first: its number (ID), how long\n"
	  "it has waited (AGE), who sent it, the error codes that keep it from being posted,\n"
	  "and its title (or the mail's subject when no title was found), one line each,\n"
	  "cut like `list` (to the terminal's width; $COLUMNS; nothing cut in a pipe).\n\n"
	  "To clear an entry: `liaisonctl show ID` explains each problem in plain words;\n"
	  "then `edit ID FIELD=VALUE` and `approve ID`, or `reprocess ID` after a directory\n"
	  "change, or `discard ID --why TEXT` when it is not a liaison statement.\n\n"
	  "A repeat of a statement on record that adds something (an attachment, a\n"
	  "deadline) waits here too, as \"possible duplicate of N\": approve it to post it,\n"
	  "or `dup ID N` to keep it as a duplicate.\n\n"
	  "--json: an array of {id, received_at, sender, title, subject, from_groups,\n"
	  "to_groups, errors, warnings, version, possible_duplicate_of}; errors and warnings\n"
	  "are arrays of problem codes; version is what `edit --version` expects;\n"
	  "possible_duplicate_of is the statement it may repeat, or null." },
	{ "history", cmd_history, "ID [--json]",
	  "what happened to a statement, and who did it",
	  "Every event of statement ID, oldest first: the time (UTC), who (liaisond or the\n"
	  "secretariat member), what (received, parsed, posted, rejected, edited, approved,\n"
	  "discarded, restored, reprocessed, resent, action_taken, comment, ...) and the\n"
	  "detail (for an edit, each field's old and new value).\n\n"
	  "--json: an array of {at, actor, kind, detail, private}." },
	{ "edit", queue_cmd_edit, "ID FIELD=VALUE ... | ID --editor  [--version N] [--json]",
	  "correct a statement's fields; re-validates and shows what is left",
	  "Sets fields of statement ID as if the sender had written them in the mail form,\n"
	  "so values are read and resolved the same way: to=\"QUIC WG\" resolves to the\n"
	  "group quic, deadline=\"10 September 2026\" becomes 2026-09-10.\n\n"
	  "FIELDs: title, from, to, from_contact, from_liaison_contact, to_contact,\n"
	  "to_liaison_contact, purpose, deadline, body. Quote values with spaces. An empty\n"
	  "value (deadline=) clears the field. Groups and contacts take comma-separated lists.\n\n"
	  "--editor opens the fields in $VISUAL or $EDITOR (else vi) as a labelled block\n"
	  "(Title:, From:, To:, ... the labels of the mail form; the body after 'Body:').\n\n"
	  "After the change the statement is validated again and the remaining problems are\n"
	  "printed. Editing never posts: when no errors are left, run `approve ID`.\n\n"
	  "Two people editing at once: an edit only succeeds if the statement is unchanged\n"
	  "since it was read; otherwise it fails with 'statement N changed since you read it\n"
	  "(version a -> b); run show and try again' (exit 65) and changes nothing.\n"
	  "--version N: the version you read (from `show --json`), for scripts.\n\n"
	  "--json: {id, version, state, changed: [fields], problems: [{code, severity, field,\n"
	  "message}]}." },
	{ "approve", queue_cmd_approve,
	  "ID... [--force] [--dry-run] [--json] | ID --by ADDRESS [--recorded TEXT]",
	  "post a rejected statement, or approve and send a pending outgoing one",
	  "Posts statement ID once it has no errors left: it becomes 'posted', and the\n"
	  "routing mail (to the To groups) and the acknowledgement (to the sender) are queued\n"
	  "exactly as for a statement that passed on arrival; an In Response statement marks\n"
	  "the statements it answers as action taken (their reminders stop), as on arrival.\n"
	  "With errors left it refuses and lists them (exit 65).\n\n"
	  "--force posts despite errors (for example a To group that is not in the directory\n"
	  "but was agreed by phone); the history records that it was forced and which errors\n"
	  "were overridden.\n\n"
	  "Several IDs (or - to read them from stdin) are approved one by one, each\n"
	  "reported on its own; the exit status is not 0 when any failed.\n\n"
	  "--dry-run: say what would change and which mail would go to whom, change nothing.\n\n"
	  "--json: {id, state, forced, overridden: [codes]} (an array of them for several\n"
	  "IDs, a failed one as {id, error}); --dry-run adds dry_run, state_before and\n"
	  "mails: [{kind, to, subject}].\n\n"
	  "A pending outgoing statement (see `liaisonctl approvals`) is approved with\n"
	  "--by ADDRESS, the approver's address: an AD of the WG's area, the IRTF chair for\n"
	  "an RG, ... (the directory says). It is then sent to the other body, posted, and\n"
	  "its submitter told \"sent as statement N\"; the history records who approved it,\n"
	  "when and how. ADDRESS not an approver: refused, nothing changes (exit 77).\n"
	  "--recorded TEXT: the secretariat records an approval given elsewhere\n"
	  "(--by rfc@example.com --recorded \"by phone\"); how: recorded.\n"
	  "--json with --by: {id, state, approval: {by, at, how}}." },
	{ "discard", cmd_discard, "ID... --why TEXT [--notify-sender] [--dry-run] [--json]",
	  "set a statement aside as not to be posted (kept, never deleted)",
	  "Moves statement ID to state 'dead': it leaves the rejects queue and is never\n"
	  "posted, but the mail and the record are kept. --why is required and goes on the\n"
	  "record. Nobody is told unless --notify-sender: then the sender gets a short mail\n"
	  "with the reason, queued in the same transaction as the discard (if it cannot\n"
	  "be queued, nothing is discarded).\n\n"
	  "`liaisonctl restore ID` undoes it. Several IDs (or -, from stdin): each on its\n"
	  "own, exit status not 0 when any failed. --dry-run: what would change and the\n"
	  "notice that would go, nothing changed.\n\n"
	  "--json: {id, state} (an array for several IDs; a failed one as {id, error});\n"
	  "--dry-run adds dry_run, state_before and mails: [{kind, to, subject}]." },
	{ "restore", cmd_restore, "ID... [--json]",
	  "undo discard: back to the state it had before",
	  "Brings a discarded statement back to the state it had when it was discarded\n"
	  "(usually 'rejected', so it is in the rejects queue again). Nothing is sent.\n"
	  "Several IDs (or -, from stdin): each on its own, exit status not 0 when any failed.\n\n"
	  "--json: {id, state} (an array for several IDs; a failed one as {id, error})." },
	{ "reprocess", queue_cmd_reprocess, "ID... | --all-rejected  [--force] [--dry-run] [--json]",
	  "read a statement again from its stored mail (after a directory change)",
	  "Parses and validates statement ID again from the raw mail as it arrived, with\n"
	  "today's directory and parser, then shows what changed: the state, the problems,\n"
	  "the groups. A statement that now passes is posted and its mail is sent, as on\n"
	  "arrival. Edits made by hand are replaced by what the mail says.\n\n"
	  "--all-rejected: every statement in the rejects queue (typical after adding a\n"
	  "group to the directory). Posted statements are left alone unless --force (it\n"
	  "would send their routing mail again); discarded ones need restore first.\n"
	  "- reads the IDs from stdin. --dry-run: read and compare, say which mail would\n"
	  "go to whom, change nothing.\n\n"
	  "--json: an array of {id, before, after}, each {state, errors, warnings,\n"
	  "from_groups, to_groups}; --dry-run adds dry_run and mails: [{kind, to, subject}]." },
	{ "mark-taken", cmd_mark_taken, "ID... [--json]",
	  "the action a statement asked for is done: stop deadline reminders",
	  "Marks the action of a For Action statement as taken. Deadline reminders stop.\n"
	  "(A posted In Response statement that answers it does the same by itself.)\n"
	  "Several IDs (or -, from stdin): each on its own, exit status not 0 when any failed.\n\n"
	  "--json: {id, state} (an array for several IDs; a failed one as {id, error})." },
	{ "dup", queue_cmd_dup, "ID OF [--json]",
	  "mark a statement as a repeat of another: kept, not routed",
	  "Moves statement ID (posted, rejected or ignored) to state 'duplicate', linked to\n"
	  "statement OF (when OF is itself a duplicate, to the statement it repeats).\n"
	  "Nothing is sent. `show OF` lists it under duplicates; the history of ID records\n"
	  "who did it. liaisond does this by itself for a forward, a re-submitted file or a\n"
	  "resend of a statement on record; a repeat that adds an attachment or a deadline\n"
	  "waits in `rejects` as \"possible duplicate of N\" for this decision (or approve).\n\n"
	  "--json: {id, state, duplicate_of}." },
	{ "undup", queue_cmd_undup, "ID [--json]",
	  "not a duplicate: validate it again and route it if it is valid",
	  "Unlinks duplicate ID from the statement it was taken to repeat. Without errors it\n"
	  "is posted and its routing and acknowledgement mail are sent, as on arrival; with\n"
	  "errors it goes to the rejects queue and the sender is told what to fix.\n"
	  "The history of ID records 'undup' with who did it.\n\n"
	  "--json: {id, state, duplicate_of: null}." },
	{ "comment", cmd_comment, "ID TEXT [--private] [--json]",
	  "add a note to a statement's history",
	  "Adds TEXT to the history of statement ID under your name (--by NAME, else\n"
	  "$SUDO_USER, else $USER). --private marks it for the secretariat only: it is\n"
	  "never shown in exports or mail.\n\n"
	  "--json: {id, state}." },
	{ "search", queue_cmd_search,
	  "TEXT [--from G] [--to G] [--since DATE] [--until DATE] [--state S] [--limit N] [--json]",
	  "find statements by words, newest first",
	  "Full-text search over title, body, the text of attached documents (Word, PDF,\n"
	  "the files of a Tdoc zip), contacts (addresses and names), identifiers (Tdoc\n"
	  "numbers such as S2-2401234) and attachment file names. Every word must\n"
	  "occur; words match their other forms (statement/statements); end a word with *\n"
	  "for a prefix (multi*). TEXT may be \"\" to list by the filters only.\n\n"
	  "--from G / --to G: a group by acronym or name (resolved with the directory),\n"
	  "with every group under it in the directory tree: --from 3gpp finds 3gpp-ct4,\n"
	  "--to wit finds the statements to its WGs (quic).\n"
	  "--since / --until DATE: received on or after / on or before (YYYY-MM-DD, UTC).\n"
	  "--state S: received, posted, rejected, ignored, dead or duplicate. --limit N\n"
	  "(default 50). A bad value of --state, --since, --until or --limit is exit 64.\n\n"
	  "--json: an array of {id, state, received_at, title, from_groups, to_groups,\n"
	  "errors, warnings, snippet}." },
	{ "export", queue_cmd_export, "[--since DATE] [--json]",
	  "posted statements as JSON for the datatracker",
	  "Writes every posted statement (posted on or after --since DATE when given) as\n"
	  "a JSON array shaped like the datatracker's liaison statement API: title,\n"
	  "from_groups, from_contact, to_groups, to_contacts, response_contacts,\n"
	  "technical_contacts, cc_contacts, purpose, deadline, other_identifiers, body,\n"
	  "attachments, related, state, submitted, posted (and id). Output is always JSON.\n"
	  "A duplicate is never exported: the statement it repeats is." },
	{ NULL, NULL, NULL, NULL, NULL },
};
