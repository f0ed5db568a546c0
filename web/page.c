/* page.c - responses with the security headers, and HTML written with every
 * value escaped. */
#include "web/web.h"
#include "model/statement.h"

#include <stdarg.h>
#include <string.h>

/* The policy the issue asks for: no script at all, styles only from our
 * own served file, no framing, forms only to us. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';" \
	" frame-ancestors 'none'"

void
web_add_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

enum MHD_Result
web_send(struct web_req *r, unsigned status, const char *type, GString *body)
{
	gsize len = body->len;
	char *data = g_string_free(body, FALSE);
	struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len,
	    data, g_free);
	if (!resp) {
		g_free(data);
		return MHD_NO;
	}
	web_add_headers(resp);
	MHD_add_response_header(resp, "Content-Type", type);
	if (r->user)   /* the secretariat's pages are never cached */
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

enum MHD_Result
web_send_page(struct web_req *r, unsigned status, GString *body)
{
	return web_send(r, status, "text/html; charset=utf-8", body);
}

enum MHD_Result
web_error(struct web_req *r, unsigned status, const char *what)
{
	GString *o = g_string_new(NULL);
	const char *title = status == 404 ? "Not found" : status == 403 ? "Forbidden" :
	    status == 400 ? "Bad request" : status == 405 ? "Method not allowed" :
	    status == 429 ? "Too many requests" : "Server error";
	html_begin(o, r, title);
	html_escf(o, "<h1>%s</h1>\n<p>%s</p>\n", title, what);
	html_end(o);
	return web_send_page(r, status, o);
}

enum MHD_Result
web_redirect(struct web_req *r, const char *location, const char *cookie)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	web_add_headers(resp);
	MHD_add_response_header(resp, "Location", location);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	enum MHD_Result rc = MHD_queue_response(r->conn, MHD_HTTP_SEE_OTHER, resp);
	MHD_destroy_response(resp);
	return rc;
}

void
html_esc(GString *o, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* a run that needs no escaping is copied at once */
		const unsigned char *run = p;
		while (*p >= 0x20 ? *p != '&' && *p != '<' && *p != '>' && *p != '"' && *p != '\'' :
		    *p == '\t' || *p == '\n')
			p++;
		if (p > run)
			g_string_append_len(o, (const char *)run, p - run);
		if (!*p)
			break;
		switch (*p) {
		case '&': g_string_append(o, "&amp;"); break;
		case '<': g_string_append(o, "&lt;"); break;
		case '>': g_string_append(o, "&gt;"); break;
		case '"': g_string_append(o, "&quot;"); break;
		case '\'': g_string_append(o, "&#39;"); break;
		default:
			/* control characters other than tab and newline are shown as U+FFFD */
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				g_string_append(o, "\xef\xbf\xbd");
			else
				g_string_append_c(o, (char)*p);
		}
	}
}

/* html_escf - printf where every %s argument is escaped (only %s and %d,
 * %ld via G_GINT64_FORMAT are used by the pages). */
void
html_escf(GString *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			const char *pct = strchr(p, '%');
			gsize n = pct ? (gsize)(pct - p) : strlen(p);
			g_string_append_len(o, p, (gssize)n);
			p += n - 1;
			continue;
		}
		p++;
		if (*p == 's') {
			html_esc(o, va_arg(ap, const char *));
		} else if (*p == 'd') {
			g_string_append_printf(o, "%d", va_arg(ap, int));
		} else if (*p == 'l' && p[1] == 'i') {
			g_string_append_printf(o, "%" G_GINT64_FORMAT, va_arg(ap, gint64));
			p++;
		} else if (*p == '%') {
			g_string_append_c(o, '%');
		} else {
			g_assert_not_reached();
		}
	}
	va_end(ap);
}

void
html_begin(GString *o, struct web_req *r, const char *title)
{
	struct web *w = r->w;
	html_escf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>%s - IETF liaison statements</title>\n"
	    "<link rel=\"stylesheet\" href=\"%sstatic/liaison.css\">\n"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Recent statements\""
	    " href=\"%sfeed/liaison/recent/\">\n</head><body>\n"
	    "<header><a class=\"home\" href=\"%sliaison/\">Liaison statements</a>\n<nav>",
	    title, w->root, w->root, w->root);
	if (r->user) {
		html_escf(o, "<a href=\"%ssecr/pending/\">Secretariat</a> <span class=\"user\">%s</span>"
		    " <form class=\"inline\" method=\"post\" action=\"%slogout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\">Log out</button></form>",
		    w->root, r->user, w->root, r->csrf);
	} else {
		html_escf(o, "<a href=\"%slogin\">Secretariat login</a>", w->root);
	}
	g_string_append(o, "</nav></header>\n<main>\n");
}

void
html_end(GString *o)
{
	g_string_append(o, "</main>\n</body></html>\n");
}

void
html_groups(GString *o, struct web *w, GPtrArray *groups)
{
	for (guint i = 0; i < groups->len; i++) {
		const struct group_ref *g = g_ptr_array_index(groups, i);
		const struct dir_group *d = g->acronym ? directory_get(w->dir, g->acronym) : NULL;
		if (i)
			g_string_append(o, ", ");
		if (d)
			html_escf(o, "%s (%s)", d->name, d->acronym);
		else
			html_esc(o, g->acronym ? g->acronym : g->text);
	}
}

void
html_size(GString *o, gint64 bytes)
{
	g_autofree char *s = g_format_size((guint64)bytes);
	html_esc(o, s);
}

const char *
web_arg(struct web_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

static void
add_tree(struct web *w, GPtrArray *out, const char *acr, int depth)
{
	g_ptr_array_add(out, g_strdup(acr));
	if (depth > 16)   /* the directory forbids cycles; bound it anyway */
		return;
	GPtrArray *all = directory_groups(w->dir);
	for (guint i = 0; i < all->len; i++) {
		const struct dir_group *g = g_ptr_array_index(all, i);
		if (g->parent && strcmp(g->parent, acr) == 0)
			add_tree(w, out, g->acronym, depth + 1);
	}
	g_ptr_array_unref(all);
}

char **
web_group_tree(struct web *w, const char *acronym)
{
	GPtrArray *out = g_ptr_array_new();
	g_autofree char *low = g_ascii_strdown(acronym, -1);
	add_tree(w, out, low, 0);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

gint64
web_parse_id(const char *s, size_t len)
{
	if (len == 0 || len > 15)
		return 0;
	gint64 v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}
