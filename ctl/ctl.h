/* ctl.h - liaisonctl: one command table per concern, one dispatcher. */
#ifndef LIAISON_CTL_H
#define LIAISON_CTL_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "conf/conf.h"
#include "store/store.h"

struct ctl {
	const char *config_path;     /* NULL: embedded default */
	struct conf *conf;
	struct store *store;         /* opened on first use by ctl_store() */
	const char *actor;           /* --by, $SUDO_USER, $USER */
	gboolean json;               /* --json given anywhere on the line */
};

struct ctl_cmd {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);   /* argv[0] is the command */
	const char *usage;           /* "ID [--json]" */
	const char *summary;         /* one line */
	const char *help;            /* paragraphs for `liaisonctl help CMD` */
};

/* Each file in ctl/ exports one table, ended by an entry with name NULL. */
extern const struct ctl_cmd ctl_cmds_msg[];      /* cmd_msg.c: list show raw submit */
extern const struct ctl_cmd ctl_cmds_conf[];     /* cmd_conf.c: check-config groups resolve */
extern const struct ctl_cmd ctl_cmds_stmt[];     /* cmd_stmt.c: rejects attachment */
extern const struct ctl_cmd ctl_cmds_notify[];   /* cmd_notify.c: outbox resend remind mark-taken */
extern const struct ctl_cmd ctl_cmds_queue[];    /* cmd_queue.c: edit approve discard ... */
extern const struct ctl_cmd ctl_cmds_ops[];      /* cmd_ops.c: status */
extern const struct ctl_cmd ctl_cmds_directory[]; /* cmd_directory.c: directory import */

/* ctl_find_cmd - the row of command NAME in any table, or NULL. */
const struct ctl_cmd *ctl_find_cmd(const char *name);

/* ctl_store - the store, opened on first use; never creates one: exits 69
 * (missing, with the path), 77 (no permission) or 75 with a message on failure. */
struct store *ctl_store(struct ctl *c);
/* ctl_fail - print "liaisonctl: MESSAGE" to stderr and return CODE. */
int ctl_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ctl_fail_error - report ERROR; the exit code follows its class (store errors
 * map to 75 temporary, 65 data/not found/conflict, 69 schema). */
int ctl_fail_error(GError *error);
/* ctl_usage - "usage: liaisonctl CMD USAGE", returns 64. */
int ctl_usage(const struct ctl_cmd *cmd);
/* ctl_parse_id - a positive statement/message id, or -1. */
gint64 ctl_parse_id(const char *s);
/* ctl_print_json - pretty-print NODE (taken) to stdout with a newline. */
void ctl_print_json(JsonNode *node);

#endif
