/* cmd_web.c - liaisonctl web-user: the logins of liaisond-web ([web] users_file). */
#include "ctl/ctl.h"
#include "conf/users.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* read_password - from the terminal without echo (asked twice), else one line of stdin. */
static char *
read_password(void)
{
	char buf[1024];
	gboolean tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "Password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *p = fgets(buf, sizeof buf, stdin) ? g_strdup(buf) : NULL;
	if (tty) {
		char again[1024];
		fprintf(stderr, "\nAgain: ");
		if (p && (!fgets(again, sizeof again, stdin) || strcmp(again, buf) != 0)) {
			fprintf(stderr, "\n");
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			g_free(p);
			fprintf(stderr, "liaisonctl: the passwords differ\n");
			return NULL;
		}
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	explicit_bzero(buf, sizeof buf);
	if (p)
		p[strcspn(p, "\r\n")] = 0;
	return p;
}

static int
cmd_web_user(struct ctl *c, int argc, char **argv)
{
	g_autofree char *email = NULL, *role = NULL;
	GOptionEntry entries[] = {
		{ "email", 0, 0, G_OPTION_ARG_STRING, &email, NULL, NULL },
		{ "role", 0, 0, G_OPTION_ARG_STRING, &role, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *error = NULL;
	GOptionContext *oc = g_option_context_new(NULL);
	g_option_context_add_main_entries(oc, entries, NULL);
	g_option_context_set_help_enabled(oc, FALSE);
	gboolean parsed = g_option_context_parse(oc, &argc, &argv, &error);
	g_option_context_free(oc);
	if (!parsed) {
		int rc = ctl_fail(EX_USAGE_, "web-user: %s", error->message);
		g_error_free(error);
		return rc;
	}
	if (argc != 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "passwd") &&
	    strcmp(argv[1], "remove")))
		return ctl_fail(EX_USAGE_, "usage: liaisonctl web-user add|passwd|remove NAME "
		    "[--email E] [--role secretariat]");
	const char *op = argv[1], *name = argv[2];
	const char *file = c->conf->web_users_file;
	if (!*file)
		return ctl_fail(EX_CONFIG_, "web-user: [web] users_file is not set");
	if (!users_name_ok(name))
		return ctl_fail(EX_USAGE_, "web-user: '%s': a name is 1-64 of a-z, 0-9, '.', '_', '-'",
		    name);
	if (email && (strchr(email, ':') || strchr(email, '\n') || !strchr(email, '@')))
		return ctl_fail(EX_USAGE_, "web-user: --email '%s' is not an address", email);
	if (role && strcmp(role, "secretariat") != 0)
		return ctl_fail(EX_USAGE_, "web-user: --role is secretariat");
	GPtrArray *users = users_load(file, &error);
	if (!users)
		goto fail;
	struct web_user *u = users_find(users, name);
	int rc = 0;
	if (strcmp(op, "add") == 0 && u) {
		rc = ctl_fail(EX_DATAERR_, "web-user: %s exists (passwd changes the password)", name);
	} else if (strcmp(op, "add") != 0 && !u) {
		rc = ctl_fail(EX_DATAERR_, "web-user: no user %s", name);
	} else if (strcmp(op, "remove") == 0) {
		g_ptr_array_remove(users, u);
		if (users_save(file, users, &error) < 0)
			goto fail_users;
		printf("removed %s\n", name);
	} else {
		g_autofree char *pw = read_password();
		if (!pw || !*pw) {
			rc = ctl_fail(EX_DATAERR_, "web-user: no password given");
		} else {
			char *hash = users_hash(pw, &error);
			explicit_bzero(pw, strlen(pw));
			if (!hash)
				goto fail_users;
			if (!u) {
				u = g_new0(struct web_user, 1);
				u->name = g_strdup(name);
				u->email = g_strdup("");
				u->roles = g_strdup("secretariat");
				g_ptr_array_add(users, u);
			}
			g_free(u->hash);
			u->hash = hash;
			if (email) {
				g_free(u->email);
				u->email = g_strdup(email);
			}
			if (role) {
				g_free(u->roles);
				u->roles = g_strdup(role);
			}
			if (users_save(file, users, &error) < 0)
				goto fail_users;
			printf("%s %s\n", strcmp(op, "add") == 0 ? "added" : "password changed for", name);
		}
	}
	g_ptr_array_unref(users);
	return rc;
fail_users:
	g_ptr_array_unref(users);
fail:
	rc = ctl_fail(EX_CANTCREAT_, "web-user: %s", error->message);
	g_error_free(error);
	return rc;
}

const struct ctl_cmd ctl_cmds_web[] = {
	{ "web-user", cmd_web_user, "add|passwd|remove NAME [--email E] [--role secretariat]",
	  "manage the logins of liaisond-web ([web] users_file)",
	  "add and passwd read the password from the terminal (asked twice, not shown) or\n"
	  "one line of stdin, and store its yescrypt hash; the role is secretariat (the\n"
	  "only one). liaisond-web reads the file at each login: no restart needed.\n"
	  "Exit status 64 on a usage error, 65 when the user exists (add) or does not\n"
	  "(passwd, remove), 73 when the file cannot be written, 78 without users_file." },
	{ NULL, NULL, NULL, NULL, NULL },
};
