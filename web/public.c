/* public.c - the pages anyone may read: posted statements only, from a
 * read-only connection. Anything not posted is 404, as if it did not exist. */
#include "web/web.h"
#include "store/store_admin.h"
#include "store/store_stmt.h"
#include "store/store_web.h"
#include "model/statement.h"
#include "model/statement_field.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const purposes[] = { "for_action", "for_information", "in_response", NULL };

/* list_query - the filters of the request, checked; FALSE when one is wrong. */
static gboolean
list_query(struct web_req *r, struct web_list_query *q, char ***from, char ***to, int *page)
{
	const char *f = web_arg(r, "from"), *t = web_arg(r, "to"), *p = web_arg(r, "purpose");
	const char *pg = web_arg(r, "page");
	memset(q, 0, sizeof *q);
	*from = f ? web_group_tree(r->w, f) : NULL;
	*to = t ? web_group_tree(r->w, t) : NULL;
	q->from = (const char *const *)*from;
	q->to = (const char *const *)*to;
	q->text = web_arg(r, "q");
	q->state = "posted";
	*page = 1;
	if (pg) {
		gint64 n = web_parse_id(pg, strlen(pg));
		if (n <= 0 || n > 100000)
			return FALSE;
		*page = (int)n;
	}
	if (p) {
		if (!g_strv_contains(purposes, p))
			return FALSE;
		q->purpose = p;
	}
	if (q->text && strlen(q->text) > 500)
		return FALSE;
	q->limit = r->w->c->web_page_size + 1;   /* one more: is there a next page? */
	q->offset = (*page - 1) * r->w->c->web_page_size;
	return TRUE;
}

static void
filter_link(GString *o, struct web_req *r, int page)
{
	const char *keys[] = { "from", "to", "purpose", "q" };
	html_escf(o, "%sliaison/?", r->w->root);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *v = web_arg(r, keys[i]);
		if (v) {
			g_autofree char *e = g_uri_escape_string(v, NULL, FALSE);
			html_escf(o, "%s=%s&", keys[i], e);
		}
	}
	g_string_append_printf(o, "page=%d", page);
}

static void
group_options(GString *o, struct web *w, const char *sel)
{
	g_string_append(o, "<option value=\"\">any</option>");
	GPtrArray *all = directory_groups(w->dir);
	for (guint i = 0; i < all->len; i++) {
		const struct dir_group *g = g_ptr_array_index(all, i);
		html_escf(o, "<option value=\"%s\"%s>%s (%s)</option>", g->acronym,
		    sel && g_ascii_strcasecmp(sel, g->acronym) == 0 ? " selected" : "", g->name,
		    g->acronym);
	}
	g_ptr_array_unref(all);
}

/* list_rows - the table of summaries; CHECK: a checkbox per row (the secretariat's). */
void
web_list_rows(GString *o, struct web_req *r, GPtrArray *rows, guint n, gboolean check,
    const char *link_prefix)
{
	g_string_append(o, "<table class=\"list\"><thead><tr>");
	if (check)
		g_string_append(o, "<th></th>");
	g_string_append(o, "<th>Submitted</th><th>From</th><th>To</th><th>Title</th><th>Purpose</th>"
	    "<th>Deadline</th></tr></thead><tbody>\n");
	for (guint i = 0; i < rows->len && i < n; i++) {
		const struct admin_summary *a = g_ptr_array_index(rows, i);
		const char *date = a->received_at;   /* the list's order: submitted */
		g_string_append(o, "<tr>");
		if (check)
			g_string_append_printf(o, "<td><input type=\"checkbox\" name=\"id\" value=\"%"
			    G_GINT64_FORMAT "\" aria-label=\"select %" G_GINT64_FORMAT "\"></td>",
			    a->id, a->id);
		char day[11] = "";   /* the date only: YYYY-MM-DD */
		if (date)
			g_strlcpy(day, date, sizeof day);
		html_escf(o, "<td>%s</td><td>%s</td><td>%s</td>", day, a->from_groups, a->to_groups);
		html_escf(o, "<td><a href=\"%s%li/\">%s</a>", link_prefix, a->id,
		    a->title && *a->title ? a->title : "(no title)");
		if (a->errors && *a->errors)
			html_escf(o, " <span class=\"problems\">%s</span>", a->errors);
		html_escf(o, "</td><td>%s</td><td>%s</td></tr>\n",
		    a->purpose ? stmt_purpose_text(a->purpose) : "", a->deadline ? a->deadline : "");
	}
	g_string_append(o, "</tbody></table>\n");
}

static enum MHD_Result
page_list(struct web_req *r)
{
	struct web_list_query q;
	char **from = NULL, **to = NULL;
	int page;
	GError *error = NULL;
	if (!list_query(r, &q, &from, &to, &page)) {
		g_strfreev(from);
		g_strfreev(to);
		return web_error(r, 400, "A filter is not valid (purpose is for_action, "
		    "for_information or in_response; page a number).");
	}
	struct store *s = web_store_ro(r->w, &error);
	GPtrArray *rows = s ? store_web_list(s, &q, &error) : NULL;
	g_strfreev(from);
	g_strfreev(to);
	if (!rows) {
		g_warning("list: %s", error->message);
		g_error_free(error);
		return web_error(r, 503, "The statements cannot be read just now; try again.");
	}
	GString *o = g_string_sized_new(16384);
	html_begin(o, r, "Liaison statements");
	g_string_append(o, "<h1>Liaison statements</h1>\n");
	html_escf(o, "<form class=\"filters\" method=\"get\" action=\"%sliaison/\">"
	    "<label>From <select name=\"from\">", r->w->root);
	group_options(o, r->w, web_arg(r, "from"));
	g_string_append(o, "</select></label> <label>To <select name=\"to\">");
	group_options(o, r->w, web_arg(r, "to"));
	g_string_append(o, "</select></label> <label>Purpose <select name=\"purpose\">"
	    "<option value=\"\">any</option>");
	for (int i = 0; purposes[i]; i++)
		html_escf(o, "<option value=\"%s\"%s>%s</option>", purposes[i],
		    q.purpose && strcmp(q.purpose, purposes[i]) == 0 ? " selected" : "",
		    stmt_purpose_text(purposes[i]));
	html_escf(o, "</select></label> <label>Text <input type=\"search\" name=\"q\" value=\"%s\">"
	    "</label> <button type=\"submit\">Filter</button></form>\n", q.text ? q.text : "");
	guint n = (guint)r->w->c->web_page_size;
	if (rows->len == 0)
		g_string_append(o, "<p class=\"empty\">No statement matches.</p>\n");
	else
		web_list_rows(o, r, rows, n, FALSE, "");
	g_string_append(o, "<p class=\"pages\">");
	if (page > 1) {
		g_string_append(o, "<a rel=\"prev\" href=\"");
		filter_link(o, r, page - 1);
		g_string_append(o, "\">Newer</a> ");
	}
	if (rows->len > n) {
		g_string_append(o, "<a rel=\"next\" href=\"");
		filter_link(o, r, page + 1);
		g_string_append(o, "\">Older</a>");
	}
	g_string_append(o, "</p>\n");
	g_ptr_array_unref(rows);
	html_end(o);
	return web_send_page(r, 200, o);
}

static void
field(GString *o, const char *label, const char *value)
{
	if (value && *value)
		html_escf(o, "<tr><th>%s</th><td>%s</td></tr>\n", label, value);
}

static void
contacts_row(GString *o, const char *label, GPtrArray *contacts)
{
	if (!contacts->len)
		return;
	html_escf(o, "<tr><th>%s</th><td>", label);
	for (guint i = 0; i < contacts->len; i++) {
		const struct addr *a = g_ptr_array_index(contacts, i);
		if (i)
			g_string_append(o, ", ");
		if (a->name && *a->name)
			html_escf(o, "%s &lt;%s&gt;", a->name, a->address);
		else
			html_esc(o, a->address);
	}
	g_string_append(o, "</td></tr>\n");
}

/* web_statement_body - the statement's fields, body, attachments and links
 * (the public page and the secretariat's both show them). */
void
web_statement_body(GString *o, struct web_req *r, const struct statement *st,
    const struct admin_summary *sum, GPtrArray *related, const char *link_prefix)
{
	g_string_append(o, "<table class=\"fields\">\n");
	html_escf(o, "<tr><th>Statement</th><td>%li</td></tr>\n", st->id);
	field(o, "State", stmt_state_name(st->state));
	if (sum) {
		field(o, "Submitted", sum->received_at);
		field(o, "Posted", sum->posted_at);
	}
	g_string_append(o, "<tr><th>From</th><td>");
	html_groups(o, r->w, st->from_groups);
	g_string_append(o, "</td></tr>\n<tr><th>To</th><td>");
	html_groups(o, r->w, st->to_groups);
	g_string_append(o, "</td></tr>\n");
	contacts_row(o, "From contacts", st->from_contacts);
	contacts_row(o, "To contacts", st->to_contacts);
	field(o, "From liaison contact", st->from_liaison_contact);
	field(o, "To liaison contact", st->to_liaison_contact);
	field(o, "Purpose", st->purpose ? stmt_purpose_text(st->purpose) : NULL);
	field(o, "Deadline", st->deadline);
	if (st->purpose && strcmp(st->purpose, "for_action") == 0)
		field(o, "Action taken", st->action_taken ? "yes" : "no");
	for (guint i = 0; i < st->other_identifiers->len; i++)
		field(o, "Other identifier", g_ptr_array_index(st->other_identifiers, i));
	for (guint i = 0; related && i < related->len; i++) {
		const struct admin_summary *a = g_ptr_array_index(related, i);
		gboolean answers = a->relation && strcmp(a->relation, "responds_to") == 0;
		html_escf(o, "<tr><th>%s</th><td><a class=\"related\" href=\"%s%li/\">%li: %s</a></td></tr>\n",
		    answers ? "In response to" : "Answered by", link_prefix, a->id, a->id,
		    a->title ? a->title : "(no title)");
	}
	g_string_append(o, "</table>\n");
	if (st->attachments->len) {
		g_string_append(o, "<h2>Attachments</h2>\n<ul class=\"attachments\">\n");
		for (guint i = 0; i < st->attachments->len; i++) {
			const struct attachment *a = g_ptr_array_index(st->attachments, i);
			html_escf(o, "<li><a href=\"%s%li/attachments/%d\">%s</a> <span class=\"meta\">",
			    link_prefix, st->id, a->position, a->filename);
			html_esc(o, a->content_type);
			g_string_append(o, ", ");
			html_size(o, a->size);
			g_string_append(o, "</span></li>\n");
		}
		g_string_append(o, "</ul>\n");
	}
	g_string_append(o, "<h2>Body</h2>\n<pre class=\"body\">");
	html_esc(o, st->body);
	g_string_append(o, "</pre>\n");
}

/* load_posted - statement ID if it is posted, else NULL (404 for the public). */
static struct statement *
load_posted(struct web_req *r, gint64 id, struct store **s, GError **error)
{
	*s = web_store_ro(r->w, error);
	if (!*s)
		return NULL;
	struct statement *st = store_stmt_load(*s, id, error);
	if (st && st->state != STMT_POSTED) {
		statement_free(st);
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
		return NULL;
	}
	return st;
}

static enum MHD_Result
load_failed(struct web_req *r, GError *error)
{
	gboolean nf = error->domain == STORE_ERROR && error->code == STORE_ERR_NOTFOUND;
	if (!nf)
		g_warning("%s", error->message);
	g_error_free(error);
	return nf ? web_error(r, 404, "There is no such statement.") :
	    web_error(r, 503, "The statement cannot be read just now; try again.");
}

static enum MHD_Result
page_detail(struct web_req *r, gint64 id)
{
	GError *error = NULL;
	struct store *s;
	struct statement *st = load_posted(r, id, &s, &error);
	if (!st)
		return load_failed(r, error);
	struct admin_summary *sum = store_admin_summary(s, id, &error);
	GPtrArray *related = sum ? store_admin_related(s, id, &error) : NULL;
	if (!related) {
		statement_free(st);
		admin_summary_free(sum);
		return load_failed(r, error);
	}
	/* the public sees links to posted statements only */
	for (guint i = related->len; i-- > 0;)
		if (((struct admin_summary *)g_ptr_array_index(related, i))->state != STMT_POSTED)
			g_ptr_array_remove_index(related, i);
	GString *o = g_string_sized_new(16384);
	html_begin(o, r, st->title && *st->title ? st->title : "Statement");
	html_escf(o, "<h1>%s</h1>\n", st->title && *st->title ? st->title : "(no title)");
	g_autofree char *prefix = g_strdup_printf("%sliaison/", r->w->root);
	web_statement_body(o, r, st, sum, related, prefix);
	html_end(o);
	g_ptr_array_unref(related);
	admin_summary_free(sum);
	statement_free(st);
	return web_send_page(r, 200, o);
}

/* content_type_ok - a stored type we may send as is: type/subtype with
 * token characters and simple parameters, nothing that could split a header. */
static gboolean
content_type_ok(const char *t)
{
	if (!t || !*t || strlen(t) > 200 || !strchr(t, '/'))
		return FALSE;
	for (const char *p = t; *p; p++)
		if (!(g_ascii_isalnum(*p) || strchr("/.+-_;= ", *p)))
			return FALSE;
	return TRUE;
}

/* disposition - RFC 6266: an ASCII fallback and the UTF-8 name (RFC 8187). */
static char *
disposition(const char *name)
{
	GString *d = g_string_new("attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		g_string_append_c(d, (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == '/' || *p == '%') ? '_' : (char)*p);
	g_string_append(d, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (g_ascii_isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
			g_string_append_c(d, (char)*p);
		else
			g_string_append_printf(d, "%%%02X", *p);
	}
	return g_string_free(d, FALSE);
}

/* web_attachment - attachment POS of statement ID; the public only of posted ones. */
enum MHD_Result
web_attachment(struct web_req *r, struct store *s, gint64 id, int pos)
{
	GError *error = NULL;
	g_autofree char *path = NULL;
	/* the file is named by the digest the database holds, never by the URL */
	struct attachment *a = store_stmt_attachment(s, id, pos, &path, &error);
	if (!a)
		return load_failed(r, error);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		g_warning("attachment %" G_GINT64_FORMAT "/%d: %s: cannot open", id, pos, path);
		if (fd >= 0)
			close(fd);
		attachment_free(a);
		return web_error(r, 503, "The attachment cannot be read just now.");
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (!resp) {
		close(fd);
		attachment_free(a);
		return MHD_NO;
	}
	web_add_headers(resp);
	MHD_add_response_header(resp, "Content-Type", content_type_ok(a->content_type) ?
	    a->content_type : "application/octet-stream");
	g_autofree char *cd = disposition(a->filename ? a->filename : "attachment");
	MHD_add_response_header(resp, "Content-Disposition", cd);
	attachment_free(a);
	enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
public_attachment(struct web_req *r, gint64 id, int pos)
{
	GError *error = NULL;
	struct store *s;
	struct statement *st = load_posted(r, id, &s, &error);
	if (!st)
		return load_failed(r, error);
	statement_free(st);
	return web_attachment(r, s, id, pos);
}

static enum MHD_Result
static_css(struct web_req *r)
{
	GString *o = g_string_new(NULL);
	for (int i = 0; web_css[i]; i++)
		g_string_append(o, web_css[i]);
	return web_send(r, 200, "text/css; charset=utf-8", o);
}

enum MHD_Result
web_public(struct web_req *r)
{
	const char *p = r->path;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return web_error(r, 405, "These pages are read with GET.");
	if (strcmp(p, "static/liaison.css") == 0)
		return static_css(r);
	if (g_str_has_prefix(p, "feed/liaison/")) {
		p += strlen("feed/liaison/");
		if (strcmp(p, "recent/") == 0 || strcmp(p, "recent") == 0)
			return web_feed(r, NULL, NULL);
		const char *side = g_str_has_prefix(p, "from/") ? "from" :
		    g_str_has_prefix(p, "to/") ? "to" : NULL;
		if (side) {
			p += strlen(side) + 1;
			g_autofree char *g = g_strndup(p, strcspn(p, "/"));
			if (*g && (p[strlen(g)] == 0 || strcmp(p + strlen(g), "/") == 0))
				return web_feed(r, side, g);
		}
		return web_error(r, 404, "There is no such feed.");
	}
	if (g_str_has_prefix(p, "api/liaison/"))
		return web_api(r);
	if (strcmp(p, "") == 0 || strcmp(p, "liaison") == 0) {
		g_autofree char *to = g_strdup_printf("%sliaison/", r->w->root);
		return web_redirect(r, to, NULL);
	}
	if (!g_str_has_prefix(p, "liaison/"))
		return web_error(r, 404, "There is no such page.");
	p += strlen("liaison/");
	if (*p == 0)
		return page_list(r);
	/* N, N/, N/attachments/K */
	size_t n = strspn(p, "0123456789");
	gint64 id = web_parse_id(p, n);
	if (!id)
		return web_error(r, 404, "There is no such page.");
	p += n;
	if (*p == 0 || strcmp(p, "/") == 0)
		return page_detail(r, id);
	if (g_str_has_prefix(p, "/attachments/")) {
		p += strlen("/attachments/");
		gint64 k = web_parse_id(p, strlen(p));
		if (k > 0 && k < 100000)
			return public_attachment(r, id, (int)k);
	}
	return web_error(r, 404, "There is no such page.");
}
