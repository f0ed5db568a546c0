/* auth.c - who is logged in: [web] auth = password (users_file, yescrypt,
 * sessions in memory behind an HttpOnly SameSite=Strict cookie, throttled
 * attempts) or proxy (the user named by [web] proxy_user_header, believed
 * only on a unix socket listener). Each session has its CSRF token. */
#include "web/web.h"
#include "conf/users.h"

#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define COOKIE "liaison_session"
#define THROTTLE_FAILURES 5        /* failed logins from one address ... */
#define THROTTLE_WINDOW (60 * G_USEC_PER_SEC)   /* ... within this, then refused */
#define MAX_SESSIONS 10000

struct session {
	char *user, *csrf;
	gint64 expires;          /* monotonic us */
};

struct failures {
	int n;
	gint64 since;
};

struct web_auth {
	GMutex lock;
	GHashTable *sessions;    /* token -> struct session * */
	GHashTable *failures;    /* client address -> struct failures * */
};

static void
session_free(gpointer p)
{
	struct session *s = p;
	g_free(s->user);
	g_free(s->csrf);
	g_free(s);
}

struct web_auth *
web_auth_new(struct web *w, GError **error)
{
	if (strcmp(w->c->web_auth, "password") == 0) {
		/* the file is read at each login, so `liaisonctl web-user` needs no restart;
		 * a broken one is a config error now rather than at the first login */
		GPtrArray *u = users_load(w->c->web_users_file, error);
		if (!u)
			return NULL;
		g_ptr_array_unref(u);
	}
	struct web_auth *a = g_new0(struct web_auth, 1);
	g_mutex_init(&a->lock);
	a->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, session_free);
	a->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return a;
}

void
web_auth_free(struct web_auth *a)
{
	if (!a)
		return;
	g_hash_table_destroy(a->sessions);
	g_hash_table_destroy(a->failures);
	g_mutex_clear(&a->lock);
	g_free(a);
}

/* token - 32 random bytes as hex, from the kernel's CSPRNG. */
static char *
token(void)
{
	unsigned char b[32];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		g_error("getrandom failed");
	GString *s = g_string_sized_new(65);
	for (size_t i = 0; i < sizeof b; i++)
		g_string_append_printf(s, "%02x", b[i]);
	return g_string_free(s, FALSE);
}

static char *
client_addr(struct web_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "unix";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, buf, sizeof buf);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf,
			    sizeof buf);
	}
	return g_strdup(buf);
}

void
web_auth_identify(struct web_req *r)
{
	struct web *w = r->w;
	struct web_auth *a = w->auth;
	if (strcmp(w->c->web_auth, "proxy") == 0) {
		if (!r->unix_socket)
			return;
		const char *u = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    w->c->web_proxy_user_header);
		if (u && *u && strlen(u) <= 128 && g_utf8_validate(u, -1, NULL)) {
			r->user = g_strdup(u);
			/* behind an SSO proxy there is no session of ours: the token is
			 * tied to the user and this process (a fresh secret per start) */
			g_mutex_lock(&a->lock);
			struct session *s = g_hash_table_lookup(a->sessions, u);
			if (!s) {
				s = g_new0(struct session, 1);
				s->user = g_strdup(u);
				s->csrf = token();
				g_hash_table_insert(a->sessions, g_strdup(u), s);
			}
			r->csrf = g_strdup(s->csrf);
			g_mutex_unlock(&a->lock);
		}
		return;
	}
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	if (!c)
		return;
	g_mutex_lock(&a->lock);
	struct session *s = g_hash_table_lookup(a->sessions, c);
	if (s && s->expires < g_get_monotonic_time()) {
		g_hash_table_remove(a->sessions, c);
		s = NULL;
	}
	if (s) {
		r->user = g_strdup(s->user);
		r->csrf = g_strdup(s->csrf);
	}
	g_mutex_unlock(&a->lock);
}

gboolean
web_auth_csrf_ok(struct web_req *r)
{
	const char *t = r->form ? g_hash_table_lookup(r->form, "csrf") : NULL;
	if (!t || !r->csrf || strlen(t) != strlen(r->csrf))
		return FALSE;
	unsigned char diff = 0;
	for (size_t i = 0; t[i]; i++)
		diff |= (unsigned char)(t[i] ^ r->csrf[i]);
	return diff == 0;
}

/* web_auth_login - check NAME and PASSWORD; a session cookie (Set-Cookie
 * value) on success; NULL and *THROTTLED when the address failed too often. */
char *
web_auth_login(struct web_req *r, const char *name, const char *password, gboolean *throttled)
{
	struct web *w = r->w;
	struct web_auth *a = w->auth;
	g_autofree char *addr = client_addr(r);
	gint64 now = g_get_monotonic_time();
	*throttled = FALSE;
	g_mutex_lock(&a->lock);
	struct failures *f = g_hash_table_lookup(a->failures, addr);
	if (f && now - f->since > THROTTLE_WINDOW)
		f->n = 0;
	if (f && f->n >= THROTTLE_FAILURES) {
		*throttled = TRUE;
		g_mutex_unlock(&a->lock);
		return NULL;
	}
	g_mutex_unlock(&a->lock);

	GError *error = NULL;
	GPtrArray *users = users_load(w->c->web_users_file, &error);
	if (!users) {
		g_warning("%s", error->message);
		g_error_free(error);
		return NULL;
	}
	struct web_user *u = users_find(users, name);
	gboolean ok = u && users_has_role(u, "secretariat") && users_check(u->hash, password);
	if (!u)   /* as much work for an unknown name as for a wrong password */
		users_check("$y$j9T$F5Jx5fExrKuJsBsy4zbtb0$JxMs7pvhO3SJyXjSXvWGdnSy8OcE5/ulAq8DaAvwuP8",
		    password);
	g_mutex_lock(&a->lock);
	char *cookie = NULL;
	if (!ok) {
		f = g_hash_table_lookup(a->failures, addr);
		if (!f) {
			f = g_new0(struct failures, 1);
			f->since = now;
			if (g_hash_table_size(a->failures) < MAX_SESSIONS)
				g_hash_table_insert(a->failures, g_strdup(addr), f);
			else
				g_free(f), f = NULL;
		}
		if (f) {
			if (f->n == 0)
				f->since = now;
			f->n++;
		}
		g_message("login failed for %s from %s", name, addr);
	} else {
		g_hash_table_remove(a->failures, addr);
		if (g_hash_table_size(a->sessions) >= MAX_SESSIONS)
			g_hash_table_remove_all(a->sessions);
		struct session *s = g_new0(struct session, 1);
		s->user = g_strdup(u->name);
		s->csrf = token();
		s->expires = now + (gint64)w->c->web_session_lifetime * G_USEC_PER_SEC;
		char *t = token();
		g_hash_table_insert(a->sessions, t, s);
		cookie = g_strdup_printf(COOKIE "=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		    t, w->root, w->c->web_session_lifetime, w->secure ? "; Secure" : "");
		g_message("login %s from %s", u->name, addr);
	}
	g_mutex_unlock(&a->lock);
	g_ptr_array_unref(users);
	return cookie;
}

char *
web_auth_logout(struct web_req *r)
{
	struct web_auth *a = r->w->auth;
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	if (c) {
		g_mutex_lock(&a->lock);
		g_hash_table_remove(a->sessions, c);
		g_mutex_unlock(&a->lock);
	}
	return g_strdup_printf(COOKIE "=; Path=%s; Max-Age=0; HttpOnly; SameSite=Strict%s",
	    r->w->root, r->w->secure ? "; Secure" : "");
}
