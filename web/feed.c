/* feed.c - Atom 1.0 feeds of posted statements (RFC 4287), written with
 * libxml2's writer so that every value is escaped by the XML layer. */
#include "web/web.h"
#include "store/store_admin.h"
#include "store/store_web.h"
#include "model/statement.h"

#include <libxml/xmlwriter.h>
#include <string.h>

#define FEED_ENTRIES 50

/* atom_time - a stored time (ISO 8601 UTC) as RFC 3339; it already is. */
static const char *
atom_time(const struct admin_summary *a)
{
	return a->posted_at ? a->posted_at : a->received_at;
}

enum MHD_Result
web_feed(struct web_req *r, const char *side, const char *group)
{
	struct web *w = r->w;
	GError *error = NULL;
	struct web_list_query q = { .state = "posted", .limit = FEED_ENTRIES };
	char **tree = NULL;
	const struct dir_group *g = NULL;
	if (group) {
		g_autofree char *low = g_ascii_strdown(group, -1);
		g = directory_get(w->dir, low);
		if (!g)
			return web_error(r, 404, "There is no such group.");
		tree = web_group_tree(w, g->acronym);
		if (strcmp(side, "from") == 0)
			q.from = (const char *const *)tree;
		else
			q.to = (const char *const *)tree;
	}
	struct store *s = web_store_ro(w, &error);
	GPtrArray *rows = s ? store_web_list(s, &q, &error) : NULL;
	g_strfreev(tree);
	if (!rows) {
		g_warning("feed: %s", error->message);
		g_error_free(error);
		return web_error(r, 503, "The statements cannot be read just now; try again.");
	}
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr x = xmlNewTextWriterMemory(buf, 0);
	g_autofree char *self = group ? g_strdup_printf("%sfeed/liaison/%s/%s/", w->root, side,
	    g->acronym) : g_strdup_printf("%sfeed/liaison/recent/", w->root);
	/* absolute URLs: the site's origin is base_url's */
	g_autofree char *origin = NULL;
	{
		const char *p = strstr(w->base_url, "://");
		p = p ? strchr(p + 3, '/') : NULL;
		origin = p ? g_strndup(w->base_url, (gsize)(p - w->base_url)) : g_strdup(w->base_url);
	}
	g_autofree char *self_url = g_strconcat(origin, self, NULL);
	g_autofree char *title = group ? g_strdup_printf("Liaison statements %s %s (%s)",
	    strcmp(side, "from") == 0 ? "from" : "to", g->name, g->acronym) :
	    g_strdup("Recent liaison statements");
	xmlTextWriterStartDocument(x, NULL, "UTF-8", NULL);
	xmlTextWriterStartElementNS(x, NULL, BAD_CAST "feed", BAD_CAST "http://www.w3.org/2005/Atom");
	xmlTextWriterWriteElement(x, BAD_CAST "id", BAD_CAST self_url);
	xmlTextWriterWriteElement(x, BAD_CAST "title", BAD_CAST title);
	xmlTextWriterWriteElement(x, BAD_CAST "updated", BAD_CAST (rows->len ?
	    atom_time(g_ptr_array_index(rows, 0)) : "1970-01-01T00:00:00Z"));
	xmlTextWriterStartElement(x, BAD_CAST "link");
	xmlTextWriterWriteAttribute(x, BAD_CAST "rel", BAD_CAST "self");
	xmlTextWriterWriteAttribute(x, BAD_CAST "href", BAD_CAST self_url);
	xmlTextWriterEndElement(x);
	xmlTextWriterStartElement(x, BAD_CAST "author");
	xmlTextWriterWriteElement(x, BAD_CAST "name", BAD_CAST "IETF liaison statements");
	xmlTextWriterEndElement(x);
	for (guint i = 0; i < rows->len; i++) {
		const struct admin_summary *a = g_ptr_array_index(rows, i);
		g_autofree char *url = g_strdup_printf("%s%" G_GINT64_FORMAT "/", w->base_url, a->id);
		/* a title with control characters would not be XML */
		g_autofree char *t = g_strdup(a->title && *a->title ? a->title : "(no title)");
		for (char *p = t; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		xmlTextWriterStartElement(x, BAD_CAST "entry");
		xmlTextWriterWriteElement(x, BAD_CAST "id", BAD_CAST url);
		xmlTextWriterWriteElement(x, BAD_CAST "title", BAD_CAST t);
		xmlTextWriterWriteElement(x, BAD_CAST "updated", BAD_CAST atom_time(a));
		xmlTextWriterStartElement(x, BAD_CAST "link");
		xmlTextWriterWriteAttribute(x, BAD_CAST "href", BAD_CAST url);
		xmlTextWriterEndElement(x);
		xmlTextWriterStartElement(x, BAD_CAST "summary");
		xmlTextWriterWriteAttribute(x, BAD_CAST "type", BAD_CAST "text");
		g_autofree char *sum = g_strdup_printf("From %s to %s.", a->from_groups ?
		    a->from_groups : "", a->to_groups ? a->to_groups : "");
		xmlTextWriterWriteString(x, BAD_CAST sum);
		xmlTextWriterEndElement(x);
		xmlTextWriterEndElement(x);
	}
	xmlTextWriterEndElement(x);
	xmlTextWriterEndDocument(x);
	xmlFreeTextWriter(x);
	g_ptr_array_unref(rows);
	GString *o = g_string_new_len((const char *)xmlBufferContent(buf), xmlBufferLength(buf));
	xmlBufferFree(buf);
	return web_send(r, 200, "application/atom+xml; charset=utf-8", o);
}
