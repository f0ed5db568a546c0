/* queue.h - shared by the secretariat's command files (cmd_queue.c,
 * cmd_edit.c, cmd_search.c, ctl_show.c): option parsing, the directory,
 * printing problems. Not for other ctl files; they use ctl_out.h. */
#ifndef LIAISON_CTL_QUEUE_H
#define LIAISON_CTL_QUEUE_H

#include "ctl/ctl.h"
#include "ctl/ctl_out.h"
#include "conf/directory.h"
#include "store/store_admin.h"
#include "parser/statement.h"

/* queue_options - parse ENTRIES out of ARGC and ARGV (argv[0] is the command);
 * 0, or the exit code after printing the usage of CMD. */
int queue_options(const char *cmd, GOptionEntry *entries, int *argc, char ***argv);

/* queue_cmd - the table row of command NAME (for its usage line). */
const struct ctl_cmd *queue_cmd(const char *name);

/* queue_id - argv[I] as a statement id, or -1 after printing the usage. */
gint64 queue_id(const char *cmd, int argc, char **argv, int i);

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

/* queue_discard_notify - queue the mail that tells the sender of ID that it
 * was discarded, and why (cmd_approve.c); 0 or an exit code. */
int queue_discard_notify(struct ctl *c, gint64 id, const char *why);

/* The fields `edit` sets (cmd_edit_form.c): the command-line name and the
 * mail form's label; ended by { NULL, NULL }. */
struct queue_field {
	const char *name, *label;
};
extern const struct queue_field queue_fields[];
/* queue_field_find - by name (from_contact, from-contact) or label (From-Contact). */
const struct queue_field *queue_field_find(const char *name);
/* queue_purpose_text - the form's wording of a stored purpose (For Action). */
const char *queue_purpose_text(const char *code);
/* queue_form_edit - let the user change ST's fields as a labelled block in
 * $VISUAL/$EDITOR; the changed ones go into EDITS (name -> value). 0 or an
 * exit code. */
int queue_form_edit(const struct statement *st, GHashTable *edits);

/* queue_field_text - field NAME (title, from, to, ...) of ST as the mail form
 * would show it; RESOLVED adds "(acronym)" or "(unresolved)" after each group. */
char *queue_field_text(const struct statement *st, const char *name, gboolean resolved);
/* queue_print_problems - ST's problems as a table, errors first. */
void queue_print_problems(const struct statement *st);
/* queue_problems_json - ST's problems as the array of show --json. */
JsonNode *queue_problems_json(const struct statement *st);
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

#endif
