/* doc_rest.c - the rest of a long PDF's text, read after the parse (issue 19).
 *
 * The parse reads only the first [parser] pdf_parse_pages pages of a PDF
 * attachment: the fields come from the cover sheet, and poppler reading every
 * page was most of a parse's time. The document is stored as partial; here,
 * when the workers are idle or before `liaisonctl search` looks, the whole PDF
 * is read again from its blob and the full text replaces the first pages'.
 * Search indexes the statement only then (store_search_index). */
#include "flow/flow.h"
#include "conf/log.h"
#include "parser/doc.h"
#include "store/store_doc.h"

/* read_rest - the full text of R's PDF, or NULL (R's warnings logged). */
static char *
read_rest(const struct flow_ctx *x, const struct doc_rest *r)
{
	struct doc_limits l;
	/* the same bounds as during the parse: the pages, the text, the time */
	doc_limits_within(&l, x->c ? x->c->parse_timeout : 0);
	struct doc_result *d = doc_extract(r->blob_path, r->filename, r->content_type, &l, NULL);
	char *text = d->kind == DOC_KIND_PDF ? g_steal_pointer(&d->text) : NULL;
	for (guint i = 0; i < d->warnings->len; i++)
		log_info("event=doc_rest_warning id=%" G_GINT64_FORMAT " document=%d detail=%s",
		    r->statement, r->position, log_quote(d->warnings->pdata[i]));
	doc_result_free(d);
	return text;
}

int
flow_doc_rest(const struct flow_ctx *x, int max, GError **error)
{
	int n = 0;
	int attempts = x->c ? x->c->parse_attempts : 3;
	while (n < max) {
		struct doc_rest r;
		int got = store_doc_rest_next(x->s, &r, error);
		if (got <= 0)
			return got < 0 ? -1 : n;
		char *text = NULL;
		gint64 t0 = g_get_monotonic_time();
		if (!r.blob_path)
			log_warning("event=doc_rest_gone id=%" G_GINT64_FORMAT " document=%d"
			    " action=first_pages_kept", r.statement, r.position);
		else if (r.attempts >= attempts)
			log_warning("event=doc_rest_gave_up id=%" G_GINT64_FORMAT " document=%d"
			    " attempts=%d action=first_pages_kept", r.statement, r.position, r.attempts);
		else
			text = read_rest(x, &r);
		log_info("event=doc_rest id=%" G_GINT64_FORMAT " document=%d chars=%ld ms=%"
		    G_GINT64_FORMAT, r.statement, r.position,
		    text ? (long)g_utf8_strlen(text, -1) : -1L, (g_get_monotonic_time() - t0) / 1000);
		int rc = store_doc_rest_save(x->s, &r, text, error);
		g_free(text);
		doc_rest_free(&r);
		if (rc < 0)
			return -1;
		n++;
	}
	return n;
}
