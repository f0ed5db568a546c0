/* liaisonctl.c - the secretariat's and the operator's command line. */
#include "ctl/ctl.h"
#include "flow/flow.h"
#include "conf/log.h"
#include "ctl/ctl_out.h"
#include "store/store.h"
#include "notify/notify.h"
#include "conf/addr.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct ctl_cmd *const tables[] = {
	ctl_cmds_msg, ctl_cmds_stmt, ctl_cmds_queue, ctl_cmds_outgoing, ctl_cmds_notify,
	ctl_cmds_conf, ctl_cmds_directory, ctl_cmds_ops,
	ctl_cmds_msg, ctl_cmds_stmt, ctl_cmds_queue, ctl_cmds_notify, ctl_cmds_conf, ctl_cmds_ops,
	ctl_cmds_web,
};

/* help is run before the store opens (cmd_help), so it has no run function */
static const struct ctl_cmd help_cmd = {
	"help", NULL, "[COMMAND]", "list the commands, or what COMMAND does and how to call it",
	"Without COMMAND: every command with its one-line summary. With COMMAND: its\n"
	"usage, summary and details (options, --json keys, exit status).\n"
	"`liaisonctl COMMAND --help` does the same.",
};

const struct ctl_cmd *
ctl_find_cmd(const char *name)
{
	if (strcmp(name, help_cmd.name) == 0)
		return &help_cmd;
	for (size_t t = 0; t < G_N_ELEMENTS(tables); t++)
		for (const struct ctl_cmd *c = tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

static void
print_commands(FILE *f)
{
	fprintf(f, "usage: liaisonctl [--config FILE] [--by NAME] COMMAND [ARGS] [--json]\n\ncommands:\n");
	for (size_t t = 0; t < G_N_ELEMENTS(tables); t++)
		for (const struct ctl_cmd *c = tables[t]; c->name; c++)
			fprintf(f, "  %-14s %s\n", c->name, c->summary);
	fprintf(f, "  %-14s %s\n", help_cmd.name, help_cmd.summary);
}

static int
cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_commands(stdout);
		return 0;
	}
	const struct ctl_cmd *c = ctl_find_cmd(argv[1]);
	if (!c)
		return ctl_fail(EX_USAGE_, "no command '%s' (liaisonctl help lists them)", argv[1]);
	printf("usage: liaisonctl %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->help && *c->help)
		printf("\n%s\n", c->help);
	return 0;
}

int
ctl_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("liaisonctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

int
ctl_fail_error(GError *error)
{
	int code = EX_SOFTWARE_;
	if (error->domain == STORE_ERROR) {
		switch (error->code) {
		case STORE_ERR_TEMP: code = EX_TEMPFAIL_; break;
		case STORE_ERR_DATA: case STORE_ERR_NOTFOUND: case STORE_ERR_CONFLICT:
			code = EX_DATAERR_; break;
		case STORE_ERR_SCHEMA: code = EX_UNAVAILABLE_; break;
		}
	} else if (error->domain == FLOW_ERROR) {
		code = error->code == FLOW_ERR_USAGE ? EX_USAGE_ :
		    error->code == FLOW_ERR_DENIED ? EX_NOPERM_ : EX_DATAERR_;
	} else if (error->domain == CONF_ERROR || error->domain == ADDR_ERROR) {
		code = EX_CONFIG_;
	} else if (error->domain == NOTIFY_ERROR) {
		/* 78 for each, as when notify borrowed CONF_ERROR */
		switch (error->code) {
		case NOTIFY_ERR_CONFIG: case NOTIFY_ERR_CURL: case NOTIFY_ERR_NOTFOUND:
		case NOTIFY_ERR_TEMPLATE: case NOTIFY_ERR_ATTACHMENT:
			code = EX_CONFIG_; break;
		case NOTIFY_ERR_DATE: code = EX_DATAERR_; break;
		}
	} else if (error->domain == G_FILE_ERROR) {
		code = error->code == G_FILE_ERROR_NOENT ? EX_NOINPUT_ :
		    error->code == G_FILE_ERROR_ACCES || error->code == G_FILE_ERROR_PERM ?
		    EX_NOPERM_ : EX_IOERR_;
	}
	ctl_fail(code, "%s", error->message);
	g_error_free(error);
	return code;
}

int
ctl_usage(const struct ctl_cmd *cmd)
{
	fprintf(stderr, "usage: liaisonctl %s %s\n", cmd->name, cmd->usage);
	return EX_USAGE_;
}

gint64
ctl_parse_id(const char *s)
{
	char *end;
	if (!s || !g_ascii_isdigit(*s))
		return -1;
	gint64 v = g_ascii_strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

void
ctl_print_json(JsonNode *node)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, node);
	g_autofree char *text = json_generator_to_data(gen, NULL);
	puts(text);
	json_node_unref(node);
}

/* check_state - liaisonctl works on the database liaisond made, never a new
 * one: a wrong or missing config must not answer "the queue is empty" from a
 * fresh ./var. Missing: 69 with the path looked at; not ours to write: 77
 * (retrying would not help, unlike 75). */
static void
check_state(struct ctl *c)
{
	const char *dir = c->conf->state_dir;
	g_autofree char *db = g_build_filename(dir, "liaisond.db", NULL);
	struct stat sb;
	if (stat(db, &sb) != 0) {
		if (errno == EACCES)
			exit(ctl_fail(EX_NOPERM_, "%s: permission denied (run liaisonctl as the user"
			    " liaisond runs as, e.g. sudo -u liaisond liaisonctl ...)", db));
		exit(ctl_fail(EX_UNAVAILABLE_, "no database at %s (state_dir of %s): liaisond"
		    " creates it when it first starts; liaisonctl never does. Is this the config"
		    " liaisond runs with? (--config FILE, $LIAISOND_CONFIG)", db,
		    c->config_path ? c->config_path : "the embedded default"));
	}
	/* writes (and SQLite's -wal/-shm files next to it) need both */
	const char *what = access(db, R_OK | W_OK) != 0 ? db :
	    access(dir, W_OK | X_OK) != 0 ? dir : NULL;
	if (what) {
		int err = errno;
		exit(ctl_fail(err == EACCES || err == EPERM || err == EROFS ? EX_NOPERM_ :
		    EX_UNAVAILABLE_, "%s: %s (run liaisonctl as the user liaisond runs as,"
		    " e.g. sudo -u liaisond liaisonctl ...)", what, g_strerror(err)));
	}
}

struct store *
ctl_store(struct ctl *c)
{
	GError *error = NULL;
	if (c->store)
		return c->store;
	check_state(c);
	c->store = store_open(c->conf->state_dir, &error);
	if (!c->store)
		exit(ctl_fail_error(error));
	return c->store;
}

int
main(int argc, char **argv)
{
	struct ctl c = { 0 };
	const char *config = NULL, *by = NULL;
	/* The database and the files a command makes (submit, attachment -o)
	 * are never readable by others, whatever the umask. */
	umask(umask(0) | 027);
	GPtrArray *args = g_ptr_array_new();
	gboolean help = FALSE;
	int rc;

	log_set_prefix("liaisonctl");
	/* the characters only (an ellipsis in a UTF-8 locale); numbers and
	 * messages stay in C */
	setlocale(LC_CTYPE, "");
	/* Global options may stand anywhere; --json is global so that every
	 * listing takes it in the same way. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (g_str_has_prefix(argv[i], "--config="))
			config = argv[i] + 9;
		else if (strcmp(argv[i], "--by") == 0 && i + 1 < argc)
			by = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			c.json = TRUE;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			help = TRUE;
		else
			g_ptr_array_add(args, argv[i]);
	}
	g_ptr_array_add(args, NULL);
	/* From here every human word goes through the output guard (ctl_out.c). */
	ctl_out_guard(!c.json);
	int nargs = (int)args->len - 1;
	char **av = (char **)args->pdata;

	/* `COMMAND --help`, `--help COMMAND` and `help COMMAND` are one thing */
	if (help || (nargs > 0 && strcmp(av[0], "help") == 0)) {
		char *hv[] = { (char *)"help", help ? av[0] : av[1], NULL };
		rc = cmd_help(hv[1] ? 2 : 1, hv);
		goto out;
	}
	if (nargs == 0) {
		print_commands(stderr);
		rc = EX_USAGE_;
		goto out;
	}
	const struct ctl_cmd *cmd = ctl_find_cmd(av[0]);
	if (!cmd) {
		rc = ctl_fail(EX_USAGE_, "unknown command '%s' (liaisonctl help lists them)", av[0]);
		goto out;
	}

	c.config_path = conf_path_for(config);
	c.by = by;
	c.actor = by ? by : g_getenv("SUDO_USER") ? g_getenv("SUDO_USER") :
	    g_getenv("USER") ? g_getenv("USER") : "unknown";
	GError *error = NULL;
	/* check-config reports a broken config itself; everything else needs one. */
	c.conf = conf_load(c.config_path, &error);
	if (!c.conf && strcmp(cmd->name, "check-config") != 0) {
		rc = ctl_fail_error(error);
		goto out;
	}
	g_clear_error(&error);
	rc = cmd->run(&c, nargs, av);
out:
	store_close(c.store);
	conf_free(c.conf);
	g_ptr_array_free(args, TRUE);
	return rc;
}
