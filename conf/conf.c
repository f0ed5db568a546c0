/* conf.c - the configuration table: every key, its default and its bounds. */
#include "conf/conf.h"
#include "conf/addr.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

extern const char *const default_conf[];

enum conf_type { T_STR, T_INT, T_INT64, T_LIST, T_PATH, T_MODE, T_ENUM, T_CHOICE, T_DAYS };

struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	size_t off;
	const char *def;
	gint64 min, max;            /* T_INT, T_INT64 */
	const char *const *values;  /* T_ENUM, index stored as int */
};

static const char *const tls_values[] = { "none", "starttls", "tls", NULL };
static const char *const level_values[] = { "debug", "info", "warning", "error", NULL };
static const char *const reply_values[] = { "always", "authenticated", "never", NULL };
static const char *const auth_values[] = { "password", "proxy", NULL };

#define O(f) offsetof(struct conf, f)
#define MiB (1024LL * 1024)
/* The one table. Defaults are what the README documents. */
static const struct conf_key keys[] = {
	{ "liaisond", "listen", T_LIST, O(listen), "127.0.0.1:2424", 0, 0, NULL },
	{ "liaisond", "statements_address", T_LIST, O(statements_address), "statements@ietf.org", 0, 0, NULL },
	{ "liaisond", "state_dir", T_PATH, O(state_dir), "/var/lib/liaisond", 0, 0, NULL },
	{ "liaisond", "max_message_size", T_INT64, O(max_message_size), "52428800", 1024, 4096 * MiB, NULL },
	{ "liaisond", "max_connections", T_INT, O(max_connections), "64", 20, 10000, NULL },
	{ "liaisond", "idle_timeout", T_INT, O(idle_timeout), "300", 1, 3600, NULL },
	{ "liaisond", "max_recipients", T_INT, O(max_recipients), "100", 1, 10000, NULL },
	{ "liaisond", "max_line_length", T_INT, O(max_line_length), "1000", 512, 65536, NULL },
	{ "liaisond", "max_bad_commands", T_INT, O(max_bad_commands), "20", 1, 1000, NULL },
	{ "liaisond", "socket_mode", T_MODE, O(socket_mode), "0660", 0, 0777, NULL },
	{ "liaisond", "socket_group", T_STR, O(socket_group), "", 0, 0, NULL },
	{ "liaisond", "drain_timeout", T_INT, O(drain_timeout), "30", 0, 3600, NULL },
	{ "liaisond", "commit_batch", T_INT, O(commit_batch), "64", 1, 4096, NULL },
	{ "liaisond", "inline_max", T_INT64, O(inline_max), "262144", 0, 16 * MiB, NULL },
	{ "liaisond", "log_level", T_CHOICE, O(log_level), "info", 0, 0, level_values },
	{ "liaisond", "authserv_id", T_STR, O(authserv_id), "", 0, 0, NULL },
	{ "parser", "parse_timeout", T_INT, O(parse_timeout), "60", 1, 3600, NULL },
	{ "parser", "parse_attempts", T_INT, O(parse_attempts), "3", 1, 100, NULL },
	{ "parser", "workers", T_INT, O(parse_workers), "0", 0, 16, NULL },
	{ "parser", "max_mime_depth", T_INT, O(max_mime_depth), "16", 1, 256, NULL },
	{ "parser", "max_mime_parts", T_INT, O(max_mime_parts), "500", 1, 100000, NULL },
	{ "parser", "max_header_count", T_INT, O(max_header_count), "1000", 10, 100000, NULL },
	{ "parser", "max_header_size", T_INT64, O(max_header_size), "1048576", 1024, 64 * MiB, NULL },
	{ "parser", "parse_cpu_budget", T_INT, O(parse_cpu_budget), "10", 1, 3600, NULL },
	{ "parser", "pdf_parse_pages", T_INT, O(pdf_parse_pages), "3", 1, 500, NULL },
	{ "parser", "duplicate_window_days", T_INT, O(duplicate_window_days), "90", 0, 3650, NULL },
	{ "directory", "file", T_PATH, O(directory_file), "", 0, 0, NULL },
	{ "notify", "smtp_url", T_STR, O(smtp_url), "", 0, 0, NULL },
	{ "notify", "from", T_STR, O(from), "IETF Liaison Statements <statements-noreply@ietf.org>", 0, 0, NULL },
	{ "notify", "secretariat", T_STR, O(secretariat), "IETF Secretariat <ietf-action@ietf.org>", 0, 0, NULL },
	{ "notify", "liaison_coordinators", T_STR, O(liaison_coordinators), "IAB Liaison Coordinators <liaison-coordination@iab.org>", 0, 0, NULL },
	{ "notify", "base_url", T_STR, O(base_url), "https://datatracker.ietf.org/liaison/", 0, 0, NULL },
	{ "notify", "smtp_user", T_STR, O(smtp_user), "", 0, 0, NULL },
	{ "notify", "smtp_password_file", T_PATH, O(smtp_password_file), "", 0, 0, NULL },
	{ "notify", "tls", T_ENUM, O(tls), "none", 0, 0, tls_values },
	{ "notify", "ca_file", T_PATH, O(ca_file), "", 0, 0, NULL },
	{ "notify", "retry_lifetime", T_INT, O(retry_lifetime), "432000", 60, 30 * 86400, NULL },
	{ "notify", "reminder_days", T_DAYS, O(reminder_days), "14,7,3,1,0", 0, 0, NULL },
	{ "notify", "smtp_timeout", T_INT, O(smtp_timeout), "120", 5, 3600, NULL },
	{ "notify", "retry_initial", T_INT, O(retry_initial), "60", 1, 3600, NULL },
	{ "notify", "approval_remind_days", T_INT, O(approval_remind_days), "3", 1, 365, NULL },
	{ "notify", "attach_max", T_INT64, O(attach_max), "10485760", 0, 1024 * MiB, NULL },
	{ "notify", "template_dir", T_PATH, O(template_dir), "", 0, 0, NULL },
	{ "notify", "guide_url", T_STR, O(guide_url), "https://www.ietf.org/about/liaisons/", 0, 0, NULL },
	{ "notify", "reply_policy", T_ENUM, O(reply_policy), "authenticated", 0, 0, reply_values },
	{ "notify", "max_reply_recipients", T_INT, O(max_reply_recipients), "5", 0, 100, NULL },
	{ "notify", "max_extra_recipients", T_INT, O(max_extra_recipients), "10", 0, 200, NULL },
	{ "web", "listen", T_LIST, O(web_listen), "127.0.0.1:8025", 0, 0, NULL },
	{ "web", "auth", T_CHOICE, O(web_auth), "password", 0, 0, auth_values },
	{ "web", "users_file", T_PATH, O(web_users_file), "", 0, 0, NULL },
	{ "web", "proxy_user_header", T_STR, O(web_proxy_user_header), "X-Remote-User", 0, 0, NULL },
	{ "web", "session_lifetime", T_INT, O(web_session_lifetime), "28800", 60, 30 * 86400, NULL },
	{ "web", "max_connections", T_INT, O(web_max_connections), "64", 4, 10000, NULL },
	{ "web", "page_size", T_INT, O(web_page_size), "50", 5, 500, NULL },
};
#undef O

G_DEFINE_QUARK(liaisond-conf-error-quark, conf_error)

static const struct conf_key *
find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static gboolean
known_section(const char *section)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].section, section) == 0)
			return TRUE;
	return FALSE;
}

static void
free_field(struct conf *c, const struct conf_key *k)
{
	void *p = (char *)c + k->off;
	switch (k->type) {
	case T_LIST: g_strfreev(*(char ***)p); *(char ***)p = NULL; break;
	case T_STR: case T_PATH: case T_DAYS: case T_CHOICE:
		g_free(*(char **)p); *(char **)p = NULL; break;
	default: break;
	}
}

/* parse_int - a whole decimal number within [min, max], or an error reason. */
static gboolean
parse_int(const char *v, gint64 min, gint64 max, gint64 *out, char **why)
{
	char *end;
	errno = 0;
	gint64 n = g_ascii_strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0) {
		*why = g_strdup_printf("'%s' is not a whole number", v);
		return FALSE;
	}
	if (n < min || n > max) {
		*why = g_strdup_printf("%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
		    "..%" G_GINT64_FORMAT ")", n, min, max);
		return FALSE;
	}
	*out = n;
	return TRUE;
}

/* set_value - store V into C's field for K; FALSE with *why on a bad value. */
static gboolean
set_value(struct conf *c, const struct conf_key *k, const char *raw, char **why)
{
	void *p = (char *)c + k->off;
	g_autofree char *v = g_strstrip(g_strdup(raw));
	gint64 n;

	switch (k->type) {
	case T_STR:
		free_field(c, k);
		*(char **)p = g_steal_pointer(&v);
		return TRUE;
	case T_PATH:
		free_field(c, k);
		if (*v == '\0' || g_path_is_absolute(v))
			*(char **)p = g_steal_pointer(&v);
		else
			*(char **)p = g_build_filename(c->dir, v, NULL);
		return TRUE;
	case T_LIST: {
		char **parts = g_strsplit(v, ";", -1);
		GPtrArray *a = g_ptr_array_new();
		for (char **s = parts; *s; s++) {
			g_strstrip(*s);
			if (**s)
				g_ptr_array_add(a, g_strdup(*s));
		}
		g_strfreev(parts);
		if (a->len == 0) {
			g_ptr_array_free(a, TRUE);
			*why = g_strdup("needs at least one value");
			return FALSE;
		}
		g_ptr_array_add(a, NULL);
		free_field(c, k);
		*(char ***)p = (char **)g_ptr_array_free(a, FALSE);
		return TRUE;
	}
	case T_INT:
		if (!parse_int(v, k->min, k->max, &n, why))
			return FALSE;
		*(int *)p = (int)n;
		return TRUE;
	case T_INT64:
		if (!parse_int(v, k->min, k->max, &n, why))
			return FALSE;
		*(gint64 *)p = n;
		return TRUE;
	case T_MODE: {
		char *end;
		long m = strtol(v, &end, 8);
		if (*v == '\0' || *end != '\0' || m < 0 || m > k->max) {
			*why = g_strdup_printf("'%s' is not an octal file mode (e.g. 0660)", v);
			return FALSE;
		}
		*(int *)p = (int)m;
		return TRUE;
	}
	case T_ENUM: case T_CHOICE:
		for (int i = 0; k->values[i]; i++) {
			if (g_ascii_strcasecmp(v, k->values[i]) != 0)
				continue;
			if (k->type == T_ENUM) {
				*(int *)p = i;
			} else {
				free_field(c, k);
				*(char **)p = g_strdup(k->values[i]);
			}
			return TRUE;
		}
		{
			g_autofree char *all = g_strjoinv(", ", (char **)k->values);
			*why = g_strdup_printf("'%s' is not one of: %s", v, all);
		}
		return FALSE;
	case T_DAYS: {
		char **parts = g_strsplit(v, ",", -1);
		gboolean ok = TRUE;
		for (char **s = parts; *s && ok; s++) {
			g_strstrip(*s);
			if (!parse_int(*s, 0, 365, &n, why))
				ok = FALSE;
		}
		g_strfreev(parts);
		if (!ok)
			return FALSE;
		free_field(c, k);
		*(char **)p = g_steal_pointer(&v);
		return TRUE;
	}
	}
	return FALSE;
}

static void
conf_defaults(struct conf *c)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		char *why = NULL;
		if (!set_value(c, &keys[i], keys[i].def, &why))
			g_error("conf table default for %s.%s is bad: %s", keys[i].section,
			    keys[i].key, why);
	}
}

/* conf_load_text - every problem is collected, one per line of the error,
 * so that check-config can list them all rather than one per run. */
struct conf *
conf_load_text(const char *text, const char *file_label, const char *dir, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	GError *e = NULL;
	struct conf *c = g_new0(struct conf, 1);
	GString *problems = g_string_new(NULL);
	g_auto(GStrv) groups = NULL;

	c->path = g_strdup(file_label);
	c->dir = g_strdup(dir);
	conf_defaults(c);

	if (g_str_has_prefix(text, "\xef\xbb\xbf"))   /* a byte order mark some editors add */
		text += 3;
	if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
		g_string_append_printf(problems, "%s: %s\n", file_label, e->message);
		g_error_free(e);
		goto out;
	}

	groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++) {
		if (!known_section(*g)) {
			g_string_append_printf(problems, "%s: [%s]: unknown section\n", file_label, *g);
			continue;
		}
		g_auto(GStrv) ks = g_key_file_get_keys(kf, *g, NULL, NULL);
		for (char **k = ks; *k; k++) {
			const struct conf_key *ck = find_key(*g, *k);
			char *why = NULL;
			if (!ck) {
				g_string_append_printf(problems, "%s: [%s] %s: unknown key\n",
				    file_label, *g, *k);
				continue;
			}
			g_autofree char *v = g_key_file_get_value(kf, *g, *k, NULL);
			if (!set_value(c, ck, v ? v : "", &why)) {
				g_string_append_printf(problems, "%s: [%s] %s: %s\n", file_label, *g,
				    *k, why);
				g_free(why);
			}
		}
	}
out:
	if (c->from && *c->from) {   /* derived once: notify compares with it per recipient */
		g_autoptr(GError) fe = NULL;
		struct addr *a = addr_parse_one(c->from, &fe);
		if (a && addr_is_valid(a->address))
			c->from_address = g_strdup(a->address);
		addr_free(a);
	}
	if (problems->len > 0) {
		g_string_truncate(problems, problems->len - 1);   /* the last newline */
		g_set_error_literal(error, CONF_ERROR, CONF_ERR_INVALID, problems->str);
		g_clear_pointer(&c, conf_free);
	}
	g_string_free(problems, TRUE);
	return c;
}

struct conf *
conf_load(const char *file, GError **error)
{
	if (!file) {
		if (!g_file_test("conf/default.conf", G_FILE_TEST_IS_REGULAR)) {
			g_set_error(error, CONF_ERROR, CONF_ERR_READ, "no configuration file: give --config FILE"
			    " or set LIAISOND_CONFIG (this build is not installed; its embedded"
			    " default config is only for its source tree, as `make run` uses it)");
			return NULL;
		}
		g_autofree char *cwd = g_get_current_dir();
		return conf_load_text(default_conf[0], "(embedded default)", cwd, error);
	}
	g_autofree char *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(file, &text, NULL, &e)) {
		g_set_error(error, CONF_ERROR, CONF_ERR_READ, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	g_autofree char *abs = g_canonicalize_filename(file, NULL);
	g_autofree char *dir = g_path_get_dirname(abs);
	return conf_load_text(text, file, dir, error);
}

const char *
conf_path_for(const char *arg)
{
	if (arg && *arg)
		return arg;
	const char *env = g_getenv("LIAISOND_CONFIG");
	return env && *env ? env : conf_installed_path;
}

gboolean
conf_is_statements_address(const struct conf *c, const char *addr)
{
	for (char **a = c->statements_address; a && *a; a++)
		if (g_ascii_strcasecmp(*a, addr) == 0)
			return TRUE;
	return FALSE;
}

static gint
cmp_desc(gconstpointer a, gconstpointer b)
{
	return *(const int *)b - *(const int *)a;
}

GArray *
conf_reminder_days(const struct conf *c)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(int));
	g_auto(GStrv) parts = g_strsplit(c->reminder_days, ",", -1);
	for (char **s = parts; *s; s++) {
		int d = atoi(g_strstrip(*s));
		gboolean dup = FALSE;
		for (guint i = 0; i < a->len; i++)
			dup |= g_array_index(a, int, i) == d;
		if (!dup && **s)
			g_array_append_val(a, d);
	}
	g_array_sort(a, cmp_desc);
	return a;
}

void
conf_dump(const struct conf *c, GString *out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const struct conf_key *k = &keys[i];
		const void *p = (const char *)c + k->off;
		g_string_append_printf(out, "[%s] %s = ", k->section, k->key);
		switch (k->type) {
		case T_LIST: {
			g_autofree char *j = g_strjoinv(";", *(char **const *)p);
			g_string_append(out, j);
			break;
		}
		case T_STR: case T_PATH: case T_DAYS: case T_CHOICE:
			g_string_append(out, *(char *const *)p);
			break;
		case T_INT: g_string_append_printf(out, "%d", *(const int *)p); break;
		case T_INT64: g_string_append_printf(out, "%" G_GINT64_FORMAT, *(const gint64 *)p); break;
		case T_MODE: g_string_append_printf(out, "%04o", *(const int *)p); break;
		case T_ENUM: g_string_append(out, k->values[*(const int *)p]); break;
		}
		g_string_append_c(out, '\n');
	}
}

void
conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		free_field(c, &keys[i]);
	g_free(c->path);
	g_free(c->dir);
	g_free(c->from_address);
	g_free(c);
}
