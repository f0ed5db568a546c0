/* doc_pdf.c - the text layer of a PDF, page by page, with poppler-glib. */
#include "parser/doc_private.h"

#include <poppler.h>
#include <string.h>

/* Pages read line by line as drawn (doc_pdf_layout): the cover sheet and what
 * may follow it of the statement's fields; the rest keeps poppler's reading
 * order, which costs less and only feeds search. */
#define DOC_PDF_LAYOUT_PAGES 3

/* poppler_warm - keep one small document open for the life of the process.
 * poppler builds its global parameters (font tables, encodings) with the
 * first document and drops them with the last: a worker that opens one PDF
 * at a time built them again for every PDF, 4 % of a statement's parse. */
/* volatile: only written, yet the store must happen, or the document
 * would look leaked to LeakSanitizer and valgrind */
static PopplerDocument *volatile poppler_kept;

static void
poppler_warm(void)
{
	static gsize done;
	if (g_once_init_enter(&done)) {
		static const char pdf[] = "%PDF-1.4\n"
		    "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
		    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
		    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\n"
		    "trailer<</Root 1 0 R>>\n%%EOF\n";
		GBytes *b = g_bytes_new_static(pdf, sizeof pdf - 1);
		poppler_kept = poppler_document_new_from_bytes(b, NULL, NULL);   /* NULL: no harm, no gain */
		g_bytes_unref(b);
		g_once_init_leave(&done, 1);
	}
}

char *
doc_pdf_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r)
{
	GError *err = NULL;
	poppler_warm();
	char *abs = g_canonicalize_filename(path, NULL);
	char *uri = g_filename_to_uri(abs, NULL, &err);
	g_free(abs);
	if (!uri) {
		doc_warn(r, "%s: cannot be opened (%s)", name, err->message);
		g_error_free(err);
		return NULL;
	}
	/* No password: a statement meant for publication is never encrypted for us. */
	PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &err);
	g_free(uri);
	if (!doc) {
		if (g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
			doc_warn(r, "%s: the PDF is encrypted with a password; ask the sender for "
			    "an unprotected copy", name);
		else
			doc_warn(r, "%s: not a readable PDF (%s)", name, err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	int pages = poppler_document_get_n_pages(doc);
	GString *out = g_string_new(NULL);
	gboolean full = FALSE;
	if (pages > c->l->max_pages) {
		doc_warn(r, "%s: %d pages; only the first %d were read", name, pages, c->l->max_pages);
		pages = c->l->max_pages;
	}
	gboolean seen = FALSE;    /* a page with text: a scanned cover is no cover */
	for (int i = 0; i < pages && !full; i++) {
		/* The fields come from the cover sheet on the first pages, up to
		 * its last section (the next meetings): the rest, for search, is
		 * read later when the workers are idle. */
		if (c->l->parse_pages > 0 && seen && (i >= c->l->parse_pages || doc_ls_ended(out->str))) {
			r->partial = TRUE;
			break;
		}
		if (doc_expired(c, r, name))
			break;
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (!page)
			continue;
		char *t = poppler_page_get_text(page);
		char *v = i < DOC_PDF_LAYOUT_PAGES ? doc_pdf_layout(page, t) : NULL;
		if (v) {
			g_free(t);
			t = v;
		}
		g_object_unref(page);
		if (!t)
			continue;
		for (const char *p = t; *p && !seen; p++)
			seen = !g_ascii_isspace(*p);
		if (out->len && !doc_text_append(out, "\n", 1, c->l))
			full = TRUE;
		if (!full && !doc_text_append(out, t, -1, c->l))
			full = TRUE;
		if (!full && out->len && out->str[out->len - 1] != '\n')
			full = !doc_text_append(out, "\n", 1, c->l);
		g_free(t);
	}
	g_object_unref(doc);
	char *text = doc_text_finish(out);
	if (!text && !c->timed_out)
		doc_warn(r, "%s: the PDF has no text layer (a scan?); it cannot be read", name);
	return text;
}
