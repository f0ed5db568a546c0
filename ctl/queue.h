/* queue.h - shared by the secretariat's command files (cmd_queue.c,
 * cmd_edit.c, cmd_search.c, ctl_show.c): option parsing, the directory,
 * printing problems. Not for other ctl files; they use ctl_out.h. */
#ifndef LIAISON_CTL_QUEUE_H
#define LIAISON_CTL_QUEUE_H

#include "ctl/ctl.h"
#include "ctl/ctl_out.h"
#include "conf/directory.h"
#include "store/store_admin.h"

/* The commands that read or change whole statements need the parser, the
 * statement store and notify from the other issues; until those are in the
 * tree they answer "unavailable" instead of breaking the build. */
#ifndef QUEUE_HAVE_PARSER
#if __has_include("store/store_stmt.h") && __has_include("parser/pipeline.c") && \
    __has_include("parser/fields.c") && __has_include("parser/validate.c") && \
    __has_include("notify/queue.c")
#define QUEUE_HAVE_PARSER 1
#else
#define QUEUE_HAVE_PARSER 0
#endif
#endif

#if __has_include("conf/directory.c")
#define QUEUE_HAVE_DIRECTORY 1
#else
#define QUEUE_HAVE_DIRECTORY 0
#endif

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

/* queue_discard_notify - queue the mail that tells the sender of ID that it
 * was discarded, and why (cmd_approve.c); 0 or an exit code. */
int queue_discard_notify(struct ctl *c, gint64 id, const char *why);

/* Commands in cmd_edit.c and cmd_search.c, listed in cmd_queue.c's table. */
int queue_cmd_edit(struct ctl *c, int argc, char **argv);
int queue_cmd_approve(struct ctl *c, int argc, char **argv);
int queue_cmd_reprocess(struct ctl *c, int argc, char **argv);
int queue_cmd_search(struct ctl *c, int argc, char **argv);
int queue_cmd_export(struct ctl *c, int argc, char **argv);

#endif
