/* api.c - JSON of posted statements with exactly the keys of `liaisonctl
 * export` (flow_export_json): /api/liaison/ (a page, newest first, the
 * list's filters) and /api/liaison/N/. */
#include "web/web.h"
#include "flow/flow.h"
#include "store/store_admin.h"
#include "store/store_stmt.h"
#include "store/store_web.h"

#include <string.h>

static enum MHD_Result
send_json(struct web_req *r, JsonNode *n)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	json_generator_set_root(gen, n);
	json_node_unref(n);
	gsize len;
	g_autofree char *text = json_generator_to_data(gen, &len);
	GString *o = g_string_new_len(text, (gssize)len);
	g_string_append_c(o, '\n');
	return web_send(r, 200, "application/json", o);
}

/* one - posted statement ID as export gives it, or NULL (404 or error). */
static JsonObject *
one(struct web_req *r, struct store *s, gint64 id, GError **error)
{
	struct statement *st = store_stmt_load(s, id, error);
	if (!st)
		return NULL;
	JsonObject *o = NULL;
	if (st->state != STMT_POSTED) {
		g_set_error(error, STORE_ERROR, STORE_ERR_NOTFOUND, "no statement %" G_GINT64_FORMAT, id);
	} else {
		struct admin_summary *sum = store_admin_summary(s, id, error);
		if (sum)
			o = flow_export_json(st, sum, r->w->base_url);
		admin_summary_free(sum);
	}
	statement_free(st);
	return o;
}

static enum MHD_Result
failed(struct web_req *r, GError *error)
{
	gboolean nf = error->domain == STORE_ERROR && error->code == STORE_ERR_NOTFOUND;
	if (!nf)
		g_warning("api: %s", error->message);
	g_error_free(error);
	return nf ? web_error(r, 404, "There is no such statement.") :
	    web_error(r, 503, "The statements cannot be read just now; try again.");
}

enum MHD_Result
web_api(struct web_req *r)
{
	GError *error = NULL;
	const char *p = r->path + strlen("api/liaison/");
	struct store *s = web_store_ro(r->w, &error);
	if (!s)
		return failed(r, error);
	if (*p) {
		size_t n = strspn(p, "0123456789");
		gint64 id = web_parse_id(p, n);
		if (!id || (p[n] && strcmp(p + n, "/") != 0))
			return web_error(r, 404, "There is no such statement.");
		JsonObject *o = one(r, s, id, &error);
		if (!o)
			return failed(r, error);
		JsonNode *node = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(node, o);
		return send_json(r, node);
	}
	struct web_list_query q = { .state = "posted" };
	char **from = web_arg(r, "from") ? web_group_tree(r->w, web_arg(r, "from")) : NULL;
	char **to = web_arg(r, "to") ? web_group_tree(r->w, web_arg(r, "to")) : NULL;
	q.from = (const char *const *)from;
	q.to = (const char *const *)to;
	q.text = web_arg(r, "q");
	q.purpose = web_arg(r, "purpose");
	const char *pg = web_arg(r, "page");
	gint64 page = pg ? web_parse_id(pg, strlen(pg)) : 1;
	if (page <= 0 || page > 100000) {
		g_strfreev(from);
		g_strfreev(to);
		return web_error(r, 400, "page is a number from 1.");
	}
	q.limit = r->w->c->web_page_size;
	q.offset = (int)(page - 1) * q.limit;
	GPtrArray *rows = store_web_list(s, &q, &error);
	g_strfreev(from);
	g_strfreev(to);
	if (!rows)
		return failed(r, error);
	JsonArray *out = json_array_new();
	for (guint i = 0; i < rows->len; i++) {
		const struct admin_summary *a = g_ptr_array_index(rows, i);
		JsonObject *o = one(r, s, a->id, &error);
		if (!o) {
			json_array_unref(out);
			g_ptr_array_unref(rows);
			return failed(r, error);
		}
		json_array_add_object_element(out, o);
	}
	g_ptr_array_unref(rows);
	JsonNode *node = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(node, out);
	return send_json(r, node);
}
