/* queue.h - shared by the secretariat's command files (cmd_queue.c,
 * cmd_approve.c, cmd_edit.c, cmd_search.c, ctl_show.c), implemented in
 * queue.c (options, ids, the directory and flow context, JSON lists) and
 * cmd_edit*.c (problems, the form). Not for other ctl files: ctl_out.h. */
#ifndef LIAISON_CTL_QUEUE_H
#define LIAISON_CTL_QUEUE_H

#include "ctl/ctl.h"
#include "ctl/ctl_out.h"
#include "conf/directory.h"
#include "store/store_admin.h"
#include "model/statement.h"
#include "model/statement_field.h"
#include "flow/flow.h"

/* queue_options - parse ENTRIES out of ARGC and ARGV (argv[0] is the command);
 * 0, or the exit code after printing the usage of CMD. */
int queue_options(const char *cmd, GOptionEntry *entries, int *argc, char ***argv);

/* queue_cmd - the table row of command NAME (for its usage line). */
const struct ctl_cmd *queue_cmd(const char *name);

/* queue_id - argv[I] as a statement id, or -1 after printing the usage. */
gint64 queue_id(const char *cmd, int argc, char **argv, int i);

/* queue_ids - the statement ids in ARGV[FIRST..], "-" reading more from
 * stdin (separated by white space); NULL after printing why, *RC = 64. */
GArray *queue_ids(const char *cmd, int argc, char **argv, int first, int *rc);

/* queue_mails_json - R's mails as [{kind, to, subject}]. */
JsonNode *queue_mails_json(const struct flow_result *r);
/* queue_print_mails - R's mails, one entry each, for a dry run. */
void queue_print_mails(const struct flow_result *r);
/* queue_result_json - {id, state} of R, and for a dry run also dry_run,
 * state_before and mails. */
JsonObject *queue_result_json(const struct flow_result *r);

/* The answer of a command on one or several statements: with --json one
 * object for one statement, an array of them for several (a failed one as
 * {id, error}); every failure is said on stderr and makes the exit code. */
struct queue_out {
	struct ctl *c;
	gboolean several;
	JsonArray *all;
	int rc;
};
void queue_out_init(struct queue_out *o, struct ctl *c, guint n);
void queue_out_add(struct queue_out *o, JsonObject *one);          /* takes ONE */
void queue_out_fail(struct queue_out *o, gint64 id, GError *error);  /* takes ERROR */
int queue_out_end(struct queue_out *o);                             /* the exit code */

/* queue_directory - the group directory named in the config (an empty one
 * when none is configured); NULL and ERROR when it cannot be read. */
struct directory *queue_directory(struct ctl *c, GError **error);

/* queue_subject - the Subject header of message ID's raw mail, decoded
 * (for statements without a title), or NULL. */
char *queue_subject(struct ctl *c, gint64 id);

/* queue_today - YYYY-MM-DD in UTC. */
char *queue_today(void);

/* queue_codes_json - "a,b" as a JSON array of strings. */
JsonNode *queue_codes_json(const char *codes);
/* queue_groups_json - "quic, tls" (a summary's groups) as a JSON array. */
JsonNode *queue_groups_json(const char *groups);

/* queue_flow_begin - X for calling flow/ from command C: the store, the
 * config, the directory (loaded here) and the actor; queue_flow_end frees
 * what it loaded. -1 and ERROR when the directory cannot be read. */
int queue_flow_begin(struct ctl *c, struct flow_ctx *x, GError **error);
void queue_flow_end(struct flow_ctx *x);

/* queue_form_edit - let the user change ST's fields as a labelled block in
 * $VISUAL/$EDITOR; the changed ones go into EDITS (name -> value). 0 or an
 * exit code. */
int queue_form_edit(const struct statement *st, GHashTable *edits);

/* queue_print_problems - ST's problems as a table, errors first. */
void queue_print_problems(const struct statement *st);
/* queue_print_history - the events (struct admin_event *) of statement ID as
 * a table, in words, the last state change with the statement's problem codes
 * (ctl_history.c). */
void queue_print_history(struct ctl *c, gint64 id, GPtrArray *events);

/* Commands in cmd_edit.c and cmd_search.c, listed in cmd_queue.c's table. */
int queue_cmd_edit(struct ctl *c, int argc, char **argv);
int queue_cmd_approve(struct ctl *c, int argc, char **argv);
int queue_cmd_reprocess(struct ctl *c, int argc, char **argv);
int queue_cmd_search(struct ctl *c, int argc, char **argv);
int queue_cmd_export(struct ctl *c, int argc, char **argv);
/* in cmd_dup.c */
int queue_cmd_dup(struct ctl *c, int argc, char **argv);
int queue_cmd_undup(struct ctl *c, int argc, char **argv);

#endif
