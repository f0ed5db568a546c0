/* web.h - liaisond-web: the statements on the web (public, read-only) and the
 * secretariat's pages (web/secr.c), on libmicrohttpd. The top layer: it reads
 * through store/ and writes only through flow/ (docs/web.md). */
#ifndef LIAISON_WEB_H
#define LIAISON_WEB_H

#include <glib.h>
#include <microhttpd.h>
#include "conf/conf.h"
#include "conf/directory.h"
#include "store/store.h"
#include "store/store_admin.h"
#include "model/statement.h"

struct web {
	struct conf *c;
	struct directory *dir;
	char *root;              /* the path the site lives under, ends in "/" ("/" for base_url .../liaison/) */
	char *base_url;          /* [notify] base_url, the statement links' prefix */
	gboolean secure;         /* base_url is https: cookies get Secure */
	struct web_auth *auth;   /* sessions, users, throttling (web/auth.c) */
};

/* One request as the handlers see it. */
struct web_req {
	struct web *w;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;        /* below w->root, without the leading "/" ("liaison/12/") */
	gboolean unix_socket;    /* came in on a unix socket listener */
	GString *post;           /* the POST body (urlencoded), NULL for GET */
	GHashTable *form;        /* the POST body parsed, or NULL */
	char *user;              /* the logged-in secretariat member, or NULL */
	char *csrf;              /* the session's CSRF token, or NULL */
};

/* The per-thread connections: read-only for public pages, read-write for
 * the secretariat's (flow/ writes through it). NULL and ERROR when the
 * database cannot be opened. */
struct store *web_store_ro(struct web *w, GError **error);
struct store *web_store_rw(struct web *w, GError **error);

/* Responses (page.c). Every response carries the security headers. */
enum MHD_Result web_send(struct web_req *r, unsigned status, const char *type, GString *body);
enum MHD_Result web_send_page(struct web_req *r, unsigned status, GString *body);
enum MHD_Result web_error(struct web_req *r, unsigned status, const char *what);
enum MHD_Result web_redirect(struct web_req *r, const char *location, const char *cookie);
void web_add_headers(struct MHD_Response *resp);

/* HTML (page.c). */
void html_esc(GString *o, const char *s);
void html_escf(GString *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);   /* each %s escaped */
void html_begin(GString *o, struct web_req *r, const char *title);
void html_end(GString *o);
/* html_groups - "QUIC (quic), TSVWG (tsvwg)" with names from the directory. */
void html_groups(GString *o, struct web *w, GPtrArray *groups);
void html_size(GString *o, gint64 bytes);

/* web_arg - a GET argument, NULL when absent or empty. */
const char *web_arg(struct web_req *r, const char *name);
/* web_group_tree - ACRONYM and every group below it in the directory,
 * NULL-terminated (free with g_strfreev). */
char **web_group_tree(struct web *w, const char *acronym);
/* web_parse_id - a positive decimal id, or 0. */
gint64 web_parse_id(const char *s, size_t len);

/* The pages: each returns MHD_NO only when the connection must be dropped. */
enum MHD_Result web_public(struct web_req *r);   /* liaison/, feed/, api/, static/ */
enum MHD_Result web_feed(struct web_req *r, const char *side, const char *group);
enum MHD_Result web_api(struct web_req *r);
enum MHD_Result web_secr(struct web_req *r);     /* secr/..., login, logout */

extern const char *const web_css[];

/* auth.c */
struct web_auth *web_auth_new(struct web *w, GError **error);
void web_auth_free(struct web_auth *a);
/* web_auth_identify - set r->user and r->csrf from the session cookie (or the proxy's header). */
void web_auth_identify(struct web_req *r);
gboolean web_auth_csrf_ok(struct web_req *r);
char *web_auth_login(struct web_req *r, const char *name, const char *password,
    gboolean *throttled);
char *web_auth_logout(struct web_req *r);

/* public.c, shared with secr.c */
void web_list_rows(GString *o, struct web_req *r, GPtrArray *rows, guint n, gboolean check,
    const char *link_prefix);
void web_statement_body(GString *o, struct web_req *r, const struct statement *st,
    const struct admin_summary *sum, GPtrArray *related, const char *link_prefix);
enum MHD_Result web_attachment(struct web_req *r, struct store *s, gint64 id, int pos);

#endif
