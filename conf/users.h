/* users.h - [web] users_file: the secretariat's web logins, one per line
 *   name:email:hash:roles
 * (hash: yescrypt from libcrypt; roles comma-separated, "secretariat").
 * Written by `liaisonctl web-user`, read by liaisond-web. */
#ifndef LIAISON_USERS_H
#define LIAISON_USERS_H

#include <glib.h>

struct web_user {
	char *name, *email, *hash, *roles;
};
void web_user_free(gpointer u);

/* users_load - the users of PATH (an absent file: none), struct web_user *. */
GPtrArray *users_load(const char *path, GError **error);
/* users_save - write USERS to PATH atomically (mode 0640). */
int users_save(const char *path, GPtrArray *users, GError **error);
struct web_user *users_find(GPtrArray *users, const char *name);
/* users_name_ok - a login name: 1-64 of [a-z0-9._-]. */
gboolean users_name_ok(const char *name);
/* users_hash - PASSWORD hashed with yescrypt (a fresh salt), or NULL and ERROR. */
char *users_hash(const char *password, GError **error);
/* users_check - does PASSWORD match HASH? (constant work whatever the result) */
gboolean users_check(const char *hash, const char *password);
gboolean users_has_role(const struct web_user *u, const char *role);

#endif
