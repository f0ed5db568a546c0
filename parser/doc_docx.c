/* doc_docx.c - the text of a .docx: word/document.xml streamed out of the zip
 * (libarchive) into libxml2's reader, paragraphs and table rows in reading order.
 *
 * Safety: the XML is parsed with XML_PARSE_NONET and without XML_PARSE_NOENT or
 * XML_PARSE_DTDLOAD, so no entity is substituted and nothing is fetched; Word
 * never writes a DTD, so any <!DOCTYPE or <!ENTITY in the stream stops reading
 * before the parser sees it. */
#include "parser/doc_private.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>
#include <string.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

/* The zip entry as an xmlInputReadCallback source. */
struct docx_src {
	struct archive *a;
	struct doc_ctx *c;
	struct doc_result *r;
	const char *name;
	gint64 raw_start, out;
	char tail[16];             /* the end of the previous chunk, for markers across chunks */
	gboolean refused;          /* a warning was given: the text is not kept */
};

/* What the reader has seen so far. */
struct docx_walk {
	GString *out;              /* the document text */
	GPtrArray *paras;          /* GString *: open paragraphs (text boxes nest them) */
	int tbl_depth;
	GPtrArray *row;            /* char *: cells of the current outermost table row */
	GString *cell;             /* the current outermost cell, NULL outside one */
	int run_depth;
	gboolean in_t;
	int skip_depth;            /* inside mc:Fallback (a duplicate of mc:Choice): -1 when not */
	gboolean full;             /* text cap reached */
	const struct doc_limits *l;
};

static int docx_read(void *ctx, char *buf, int len);
static int docx_close(void *ctx);
static void docx_quiet(void *arg, xmlErrorPtr e);
static void docx_line(struct docx_walk *w, const char *line);
static void docx_end_para(struct docx_walk *w);
static void docx_emit_pair(struct docx_walk *w, const char *label, const char *value);
static void docx_end_row(struct docx_walk *w);
static void docx_node(struct docx_walk *w, xmlTextReaderPtr rd);

static GOnce xml_once = G_ONCE_INIT;

static gpointer
docx_xml_init(gpointer unused)
{
	xmlInitParser();
	return NULL;
}

/* docx_read - the next chunk of document.xml; -1 stops the parser (time,
 * size, ratio or a DTD in the stream). */
static int
docx_read(void *ctx, char *buf, int len)
{
	struct docx_src *s = ctx;
	const char *why = NULL;
	if (s->refused || doc_expired(s->c, s->r, s->name))
		return -1;
	la_ssize_t n = archive_read_data(s->a, buf, len);
	if (n < 0) {
		doc_warn(s->r, "%s: the Word file is damaged (%s)", s->name,
		    archive_error_string(s->a) ? archive_error_string(s->a) : "zip error");
		s->refused = TRUE;
		return -1;
	}
	s->out += n;
	if (doc_zip_bomb(s->a, s->raw_start, s->out, s->c->l->max_entry_bytes, s->c->l, &why)) {
		doc_warn(s->r, "%s: word/document.xml %s; not read", s->name, why);
		s->refused = TRUE;
		return -1;
	}
	/* Look for the markers in the previous tail + this chunk. */
	size_t tl = strlen(s->tail);
	GString *probe = g_string_new_len(s->tail, tl);
	g_string_append_len(probe, buf, n);
	if (g_strstr_len(probe->str, probe->len, "<!DOCTYPE") ||
	    g_strstr_len(probe->str, probe->len, "<!ENTITY")) {
		doc_warn(s->r, "%s: word/document.xml declares a DTD or entities, which Word never "
		    "writes; refused as hostile", s->name);
		s->refused = TRUE;
		g_string_free(probe, TRUE);
		return -1;
	}
	size_t keep = MIN(probe->len, sizeof s->tail - 1);
	memcpy(s->tail, probe->str + probe->len - keep, keep);
	s->tail[keep] = 0;
	/* A NUL inside the tail would shorten strlen(); harmless (XML has none). */
	g_string_free(probe, TRUE);
	return (int)n;
}

static int
docx_close(void *ctx)
{
	return 0;
}

static void
docx_quiet(void *arg, xmlErrorPtr e)
{
	/* libxml2 would print to stderr; the caller reports the failure once. */
}

/* docx_line - one line of text to the cell or the document. */
static void
docx_line(struct docx_walk *w, const char *line)
{
	if (w->full)
		return;
	if (w->cell) {
		if (w->cell->len)
			g_string_append_c(w->cell, '\n');
		g_string_append(w->cell, line);
		if ((gint64)w->cell->len > w->l->max_text_chars)
			w->full = TRUE;
		return;
	}
	/* At most one blank line in a row: Word documents are full of empty paragraphs. */
	if (!*line && (w->out->len == 0 || (w->out->len >= 2 &&
	    w->out->str[w->out->len - 1] == '\n' && w->out->str[w->out->len - 2] == '\n')))
		return;
	if (!doc_text_append(w->out, line, -1, w->l) || !doc_text_append(w->out, "\n", 1, w->l))
		w->full = TRUE;
}

static void
docx_end_para(struct docx_walk *w)
{
	if (!w->paras->len)
		return;
	GString *p = g_ptr_array_steal_index(w->paras, w->paras->len - 1);
	/* A paragraph may hold line breaks (w:br): each is a line of its own. */
	char **lines = g_strsplit(p->str, "\n", -1);
	if (!*lines)
		docx_line(w, "");     /* an empty paragraph separates sections */
	for (char **l = lines; *l; l++)
		docx_line(w, g_strchomp(*l));
	g_strfreev(lines);
	g_string_free(p, TRUE);
}

/* docx_emit_pair - "Label: value" with the value's further lines indented, so
 * that a label reader sees a continued value (RFC 822-style folding). */
static void
docx_emit_pair(struct docx_walk *w, const char *label, const char *value)
{
	char *lab = g_strdup(label);
	for (char *p = lab; *p; p++)       /* a label is one line */
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	g_strchomp(lab);
	char **vals = g_strsplit(value, "\n", -1);
	GString *line = g_string_new(lab);
	int i = 0;
	while (vals[i] && !*g_strstrip(vals[i]))   /* skip empty leading paragraphs */
		i++;
	if (*lab && lab[strlen(lab) - 1] != ':')
		g_string_append_c(line, ':');
	if (vals[i]) {
		if (*lab)
			g_string_append_c(line, ' ');
		g_string_append(line, vals[i++]);
	}
	docx_line(w, line->str);
	for (; vals[i]; i++) {
		char *v = g_strstrip(vals[i]);
		if (!*v)
			continue;
		char *ind = g_strconcat(*lab ? "   " : "", v, NULL);
		docx_line(w, ind);
		g_free(ind);
	}
	g_strfreev(vals);
	g_string_free(line, TRUE);
	g_free(lab);
}

static gboolean
is_label(const char *cell)
{
	size_t n = strlen(cell);
	return n > 1 && n < 80 && cell[n - 1] == ':' && !strchr(cell, '\n');
}

/* docx_end_row - a table row in reading order. Two cells (3GPP's header
 * block) are a "Label: value" line; label/value/label/value rows (ITU-T's
 * header) are one line per pair; anything else is each cell's lines. */
static void
docx_end_row(struct docx_walk *w)
{
	GPtrArray *c = w->row;
	w->row = NULL;
	if (!c)
		return;
	for (guint i = 0; i < c->len; i++) {
		/* Trailing spaces only: a leading tab indents a sub-label (Name:, E-mail:). */
		char *s = c->pdata[i];
		g_strchomp(s);
		char *lead = s;
		while (*lead == '\t' || *lead == ' ')
			lead++;
		if (lead != s && *lead) {
			char *ind = g_strconcat("   ", lead, NULL);
			g_free(s);
			c->pdata[i] = ind;
		} else if (!*lead) {
			*s = 0;
		}
	}
	gboolean pairs = c->len >= 4 && c->len % 2 == 0;
	for (guint i = 0; pairs && i < c->len; i += 2) {
		const char *lab = g_strchug(g_strdup(c->pdata[i]));
		if (*lab && !is_label(lab))
			pairs = FALSE;
		g_free((char *)lab);
	}
	if (c->len == 2) {
		docx_emit_pair(w, c->pdata[0], c->pdata[1]);
	} else if (pairs) {
		for (guint i = 0; i < c->len; i += 2)
			if (*(char *)c->pdata[i] || *(char *)c->pdata[i + 1])
				docx_emit_pair(w, c->pdata[i], c->pdata[i + 1]);
	} else {
		for (guint i = 0; i < c->len; i++) {
			char **lines = g_strsplit(c->pdata[i], "\n", -1);
			for (char **l = lines; *l; l++)
				if (*g_strstrip(*l))
					docx_line(w, *l);
			g_strfreev(lines);
		}
	}
	g_ptr_array_unref(c);
}

static gboolean
w_is(const xmlChar *ln, const xmlChar *ns, const char *name)
{
	return ns && strcmp((const char *)ns, W_NS) == 0 && strcmp((const char *)ln, name) == 0;
}

/* docx_node - one reader node into the walk. */
static void
docx_node(struct docx_walk *w, xmlTextReaderPtr rd)
{
	int type = xmlTextReaderNodeType(rd);
	int depth = xmlTextReaderDepth(rd);
	const xmlChar *ln = xmlTextReaderConstLocalName(rd);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
	GString *para = w->paras->len ? w->paras->pdata[w->paras->len - 1] : NULL;

	if (w->skip_depth >= 0) {
		if (type == XML_READER_TYPE_END_ELEMENT && depth == w->skip_depth)
			w->skip_depth = -1;
		return;
	}
	if (type == XML_READER_TYPE_ELEMENT) {
		gboolean empty = xmlTextReaderIsEmptyElement(rd);
		if (ns && strcmp((const char *)ns, MC_NS) == 0 &&
		    strcmp((const char *)ln, "Fallback") == 0) {
			if (!empty)
				w->skip_depth = depth;
		} else if (w_is(ln, ns, "p")) {
			g_ptr_array_add(w->paras, g_string_new(NULL));
			if (empty)
				docx_end_para(w);
		} else if (w_is(ln, ns, "r")) {
			if (!empty)
				w->run_depth++;
		} else if (w_is(ln, ns, "t")) {
			w->in_t = !empty;
		} else if (para && w->run_depth > 0 && w_is(ln, ns, "tab")) {
			g_string_append_c(para, '\t');
		} else if (para && w->run_depth > 0 && (w_is(ln, ns, "br") || w_is(ln, ns, "cr"))) {
			g_string_append_c(para, '\n');
		} else if (para && w->run_depth > 0 && w_is(ln, ns, "noBreakHyphen")) {
			g_string_append_c(para, '-');
		} else if (w_is(ln, ns, "tbl")) {
			if (!empty)
				w->tbl_depth++;
		} else if (w->tbl_depth == 1 && w_is(ln, ns, "tr")) {
			if (w->row)
				docx_end_row(w);
			w->row = g_ptr_array_new_with_free_func(g_free);
			if (empty)
				docx_end_row(w);
		} else if (w->tbl_depth == 1 && w->row && w_is(ln, ns, "tc")) {
			if (empty) {
				g_ptr_array_add(w->row, g_strdup(""));
			} else {
				if (w->cell)
					g_ptr_array_add(w->row, g_string_free(w->cell, FALSE));
				w->cell = g_string_new(NULL);
			}
		}
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		if (w_is(ln, ns, "p")) {
			docx_end_para(w);
		} else if (w_is(ln, ns, "r")) {
			if (w->run_depth > 0)
				w->run_depth--;
		} else if (w_is(ln, ns, "t")) {
			w->in_t = FALSE;
		} else if (w->tbl_depth == 1 && w_is(ln, ns, "tc")) {
			if (w->cell && w->row)
				g_ptr_array_add(w->row, g_string_free(w->cell, FALSE));
			else if (w->cell)
				g_string_free(w->cell, TRUE);
			w->cell = NULL;
		} else if (w->tbl_depth == 1 && w_is(ln, ns, "tr")) {
			docx_end_row(w);
		} else if (w_is(ln, ns, "tbl")) {
			if (w->tbl_depth > 0)
				w->tbl_depth--;
		}
	} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
	    type == XML_READER_TYPE_CDATA) && w->in_t && para) {
		const xmlChar *v = xmlTextReaderConstValue(rd);
		if (v && (gint64)para->len < w->l->max_text_chars)
			g_string_append(para, (const char *)v);
	}
}

char *
doc_docx_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r)
{
	struct archive *a = doc_zip_open(path);
	struct archive_entry *e;
	struct docx_src src = { .c = c, .r = r, .name = name };
	int entries = 0, rc;
	gboolean found = FALSE;
	char *text = NULL;

	g_once(&xml_once, docx_xml_init, NULL);
	if (!a) {
		doc_warn(r, "%s: not a readable Word file (the zip inside cannot be opened)", name);
		return NULL;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		const char *p = archive_entry_pathname(e);
		if (++entries > c->l->max_entries || doc_expired(c, r, name))
			break;
		if (p && g_ascii_strcasecmp(p, "word/document.xml") == 0) {
			found = TRUE;
			break;
		}
	}
	if (!found) {
		if (!c->timed_out)
			doc_warn(r, "%s: not a readable Word file (no word/document.xml)", name);
		archive_read_free(a);
		return NULL;
	}
	if (archive_entry_is_encrypted(e)) {
		doc_warn(r, "%s: the Word file is encrypted", name);
		archive_read_free(a);
		return NULL;
	}
	src.a = a;
	src.raw_start = archive_filter_bytes(a, -1);

	struct docx_walk w = { .out = g_string_new(NULL), .skip_depth = -1, .l = c->l,
		.paras = g_ptr_array_new() };
	xmlTextReaderPtr rd = xmlReaderForIO(docx_read, docx_close, &src, "word/document.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int ret = -1;
	if (rd) {
		xmlTextReaderSetStructuredErrorHandler(rd, docx_quiet, NULL);
		while ((ret = xmlTextReaderRead(rd)) == 1) {
			int type = xmlTextReaderNodeType(rd);
			if (type == XML_READER_TYPE_DOCUMENT_TYPE ||
			    type == XML_READER_TYPE_ENTITY_REFERENCE) {
				if (!src.refused)
					doc_warn(r, "%s: word/document.xml uses entities; refused as "
					    "hostile", name);
				src.refused = TRUE;
				break;
			}
			if (doc_expired(c, r, name)) {
				src.refused = TRUE;
				break;
			}
			docx_node(&w, rd);
			if (w.full)
				break;
		}
		xmlFreeTextReader(rd);
	}
	while (w.paras->len)
		docx_end_para(&w);
	if (w.cell) {
		if (w.row)
			g_ptr_array_add(w.row, g_string_free(w.cell, FALSE));
		else
			g_string_free(w.cell, TRUE);
		w.cell = NULL;
	}
	docx_end_row(&w);
	g_ptr_array_unref(w.paras);
	archive_read_free(a);

	if (src.refused) {
		g_string_free(w.out, TRUE);
		return NULL;
	}
	if (ret < 0 && !w.full)
		doc_warn(r, "%s: word/document.xml is damaged; the text may be incomplete", name);
	text = doc_text_finish(w.out);
	if (!text && ret >= 0)
		doc_warn(r, "%s: the Word file holds no text", name);
	return text;
}
