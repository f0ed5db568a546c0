/* users.c - the web users file (users.h). */
#include "conf/users.h"
#include "conf/conf.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
web_user_free(gpointer p)
{
	struct web_user *u = p;
	if (!u)
		return;
	g_free(u->name);
	g_free(u->email);
	g_free(u->hash);
	g_free(u->roles);
	g_free(u);
}

gboolean
users_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64)
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || strchr("._-", *p)))
			return FALSE;
	return TRUE;
}

GPtrArray *
users_load(const char *path, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(web_user_free);
	g_autofree char *text = NULL;
	GError *e = NULL;
	if (!path || !*path)
		return out;
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_error_free(e);
			return out;
		}
		g_propagate_prefixed_error(error, e, "users file: ");
		g_ptr_array_unref(out);
		return NULL;
	}
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		if (!*lines[i] || lines[i][0] == '#')
			continue;
		g_auto(GStrv) f = g_strsplit(lines[i], ":", 4);
		if (g_strv_length(f) != 4 || !users_name_ok(f[0])) {
			g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "%s:%d: not name:email:hash:roles", path, i + 1);
			g_ptr_array_unref(out);
			return NULL;
		}
		struct web_user *u = g_new0(struct web_user, 1);
		u->name = g_strdup(f[0]);
		u->email = g_strdup(f[1]);
		u->hash = g_strdup(f[2]);
		u->roles = g_strdup(f[3]);
		g_ptr_array_add(out, u);
	}
	return out;
}

int
users_save(const char *path, GPtrArray *users, GError **error)
{
	GString *o = g_string_new("# liaisond-web users: name:email:yescrypt hash:roles"
	    " (managed with liaisonctl web-user)\n");
	for (guint i = 0; i < users->len; i++) {
		const struct web_user *u = g_ptr_array_index(users, i);
		g_string_append_printf(o, "%s:%s:%s:%s\n", u->name, u->email, u->hash, u->roles);
	}
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	gboolean ok = g_file_set_contents_full(tmp, o->str, (gssize)o->len,
	    G_FILE_SET_CONTENTS_CONSISTENT, 0640, error);
	g_string_free(o, TRUE);
	if (ok && rename(tmp, path) < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
		    g_strerror(errno));
		ok = FALSE;
	}
	return ok ? 0 : -1;
}

struct web_user *
users_find(GPtrArray *users, const char *name)
{
	for (guint i = 0; i < users->len; i++) {
		struct web_user *u = g_ptr_array_index(users, i);
		if (strcmp(u->name, name) == 0)
			return u;
	}
	return NULL;
}

char *
users_hash(const char *password, GError **error)
{
	char *salt = crypt_gensalt_ra("$y$", 0, NULL, 0);
	if (!salt) {
		g_set_error(error, CONF_ERROR, CONF_ERR_HASH, "cannot make a salt: %s", g_strerror(errno));
		return NULL;
	}
	struct crypt_data *cd = g_new0(struct crypt_data, 1);
	const char *h = crypt_r(password, salt, cd);
	char *out = h && h[0] != '*' ? g_strdup(h) : NULL;
	if (!out)
		g_set_error(error, CONF_ERROR, CONF_ERR_HASH, "cannot hash the password");
	free(salt);
	g_free(cd);
	return out;
}

gboolean
users_check(const char *hash, const char *password)
{
	struct crypt_data *cd = g_new0(struct crypt_data, 1);
	const char *h = crypt_r(password, hash, cd);
	gboolean ok = FALSE;
	if (h && h[0] != '*' && strlen(h) == strlen(hash)) {
		unsigned char diff = 0;   /* compare in constant time */
		for (size_t i = 0; hash[i]; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		ok = diff == 0;
	}
	g_free(cd);
	return ok;
}

gboolean
users_has_role(const struct web_user *u, const char *role)
{
	g_auto(GStrv) r = g_strsplit(u->roles, ",", -1);
	return g_strv_contains((const char *const *)r, role);
}
