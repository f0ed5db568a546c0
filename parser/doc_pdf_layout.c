/* doc_pdf_layout.c - a PDF page's text in visual line order (like `pdftotext -layout`).
 *
 * poppler_page_get_text() returns text in poppler's reading order, which takes
 * the labels of a Word LS cover sheet and their values (drawn at a common tab
 * stop) as two columns: "Source:\nTo:\n...\nSA3\nIETF QUIC WG". Here the
 * characters of that same string are put back on the lines they are drawn on,
 * with poppler_page_get_text_layout() (one rectangle per character of the
 * string, top-left origin), so that the cover reads "Source:\tSA3". */
#include "parser/doc_private.h"

#include <math.h>
#include <poppler.h>
#include <string.h>

/* A page with more characters is not rebuilt (the reading order is kept):
 * a cover sheet has a few thousand; this bounds the sort and the copies. */
#define LAYOUT_CHARS_MAX 60000
/* Two-column prose: a line with a wide gap and this many characters on each
 * side of it; that many of them, and that share of the page's lines. */
#define COLUMN_SIDE_MIN 20
#define COLUMN_LINES_MIN 4

struct glyph {
	double x1, x2, y1, y2;
	gsize off;                  /* bytes into the page's text */
	gsize len;
	guint k;                    /* characters into the page's text */
	gboolean sideways;          /* in a word drawn top to bottom or bottom to top */
};

struct line {
	guint first, n;             /* glyphs[first .. first+n) once sorted by x */
	double mid, h, x1;
};

static double
mid_of(const struct glyph *g)
{
	return (g->y1 + g->y2) / 2;
}

static int
by_mid(gconstpointer a, gconstpointer b)
{
	const struct glyph *p = a, *q = b;
	double d = mid_of(p) - mid_of(q);
	if (d != 0)
		return d < 0 ? -1 : 1;
	return p->x1 < q->x1 ? -1 : p->x1 > q->x1;
}

static int
by_x(gconstpointer a, gconstpointer b)
{
	const struct glyph *p = a, *q = b;
	return p->x1 < q->x1 ? -1 : p->x1 > q->x1;
}

static int
by_double(gconstpointer a, gconstpointer b)
{
	double p = *(const double *)a, q = *(const double *)b;
	return p < q ? -1 : p > q;
}

/* glyphs_of - the visible characters of TEXT with their rectangles; NULL when
 * poppler's rectangles do not match the string one to one (then the string's
 * own order is all we have) or the page is too large. */
static GArray *
glyphs_of(const char *text, const PopplerRectangle *rects, guint n)
{
	GArray *gs = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	guint k = 0;
	for (const char *p = text; *p; p = g_utf8_next_char(p), k++) {
		if (k >= n || gs->len >= LAYOUT_CHARS_MAX)
			goto bad;
		gunichar u = g_utf8_get_char(p);
		if (g_unichar_isspace(u))
			continue;           /* spacing is rebuilt from the geometry */
		const PopplerRectangle *r = &rects[k];
		if (!isfinite(r->x1) || !isfinite(r->x2) || !isfinite(r->y1) || !isfinite(r->y2))
			continue;
		struct glyph g = {
			.x1 = MIN(r->x1, r->x2), .x2 = MAX(r->x1, r->x2),
			.y1 = MIN(r->y1, r->y2), .y2 = MAX(r->y1, r->y2),
			.off = (gsize)(p - text), .len = (gsize)(g_utf8_next_char(p) - p), .k = k,
		};
		g_array_append_val(gs, g);
	}
	if (k != n)
		goto bad;
	/* Rotated text (a margin note, a sideways table): two letters of one word
	 * (nothing between them in the string) one above the other. Put on lines,
	 * it would give one letter per line and break the label block, so it is
	 * kept out of the lines and added after them in the string's order.
	 * (poppler's string may also glue the end of one block to the start of
	 * another, "Work Item:LS on ..."; those are far apart sideways.) */
	for (guint i = 1; i < gs->len; i++) {
		struct glyph *a = &g_array_index(gs, struct glyph, i - 1), *b = a + 1;
		double h = MAX(MAX(a->y2 - a->y1, b->y2 - b->y1), 1.0);
		double w = MAX(MAX(a->x2 - a->x1, b->x2 - b->x1), 1.0);
		if (b->k == a->k + 1 && fabs(mid_of(b) - mid_of(a)) > 0.5 * h &&
		    fabs((b->x1 + b->x2) / 2 - (a->x1 + a->x2) / 2) < 0.5 * w)
			a->sideways = b->sideways = TRUE;
	}
	return gs;
bad:
	g_array_free(gs, TRUE);
	return NULL;
}

/* lines_of - group GS (sorted by vertical middle) into lines: a character
 * joins the line when its middle is within 0.4 heights of the line's, which
 * holds a line's characters together (baseline shifts, mixed sizes) while the
 * next line, one leading further down, never reaches it even when poppler's
 * boxes (font ascent to descent) of adjacent lines overlap. */
static GArray *
lines_of(GArray *gs)
{
	GArray *ls = g_array_new(FALSE, FALSE, sizeof(struct line));
	for (guint i = 0; i < gs->len; i++) {
		struct glyph *g = &g_array_index(gs, struct glyph, i);
		double h = MAX(g->y2 - g->y1, 1.0);
		struct line *l = ls->len ? &g_array_index(ls, struct line, ls->len - 1) : NULL;
		if (l && fabs(mid_of(g) - l->mid) <= 0.4 * MAX(h, l->h)) {
			l->n++;
			continue;
		}
		struct line nl = { .first = i, .n = 1, .mid = mid_of(g), .h = h };
		g_array_append_val(ls, nl);
	}
	for (guint i = 0; i < ls->len; i++) {
		struct line *l = &g_array_index(ls, struct line, i);
		struct glyph *first = &g_array_index(gs, struct glyph, l->first);
		qsort(first, l->n, sizeof(struct glyph), by_x);
		l->x1 = first->x1;
		for (guint j = 0; j < l->n; j++)
			l->h = MAX(l->h, first[j].y2 - first[j].y1);
	}
	return ls;
}

/* wide_gap - a jump to a tab stop or another column, not a space between words. */
static gboolean
wide_gap(const struct glyph *a, const struct glyph *b, double h)
{
	return b->x1 - a->x2 > 2.0 * h;
}

/* in_columns - the page is prose set in columns side by side: many lines have
 * a wide gap with a run of text on each side. Rebuilding lines would then
 * interleave the columns line by line, so the reading order (which poppler
 * gets right for columns) is kept. A cover sheet's label/value lines have a
 * short label on the left, so they do not count. */
static gboolean
in_columns(GArray *gs, GArray *ls)
{
	guint split = 0;
	for (guint i = 0; i < ls->len; i++) {
		struct line *l = &g_array_index(ls, struct line, i);
		struct glyph *g = &g_array_index(gs, struct glyph, l->first);
		for (guint j = 1; j < l->n; j++)
			if (wide_gap(&g[j - 1], &g[j], l->h) && j >= COLUMN_SIDE_MIN &&
			    l->n - j >= COLUMN_SIDE_MIN) {
				split++;
				break;
			}
	}
	return split >= COLUMN_LINES_MIN && split * 3 >= ls->len;
}

/* render - the lines top to bottom: one space between words, a tab at a wide
 * gap (labels.c splits "Label: value<tab>Label: value" there), three spaces
 * before a line that starts right of the page's left edge (a value continued
 * under its value column, as the .docx reader writes it), and a blank line
 * where the gap above a line is clearly larger than the page's usual line
 * step (a paragraph break: labels.c and doc_meta_extract end blocks there). */
static char *
render(const char *text, GArray *gs, GArray *ls)
{
	double left = G_MAXDOUBLE, step = 0;
	GArray *steps = g_array_sized_new(FALSE, FALSE, sizeof(double), ls->len);
	for (guint i = 0; i < ls->len; i++) {
		struct line *l = &g_array_index(ls, struct line, i);
		left = MIN(left, l->x1);
		if (i) {
			double d = l->mid - g_array_index(ls, struct line, i - 1).mid;
			g_array_append_val(steps, d);
		}
	}
	if (steps->len) {
		g_array_sort(steps, by_double);
		step = g_array_index(steps, double, steps->len / 2);
	}
	g_array_free(steps, TRUE);

	GString *out = g_string_sized_new(strlen(text) + ls->len * 4);
	for (guint i = 0; i < ls->len; i++) {
		struct line *l = &g_array_index(ls, struct line, i);
		struct glyph *g = &g_array_index(gs, struct glyph, l->first);
		if (i) {
			struct line *p = &g_array_index(ls, struct line, i - 1);
			if (l->mid - p->mid > MAX(1.6 * MAX(l->h, p->h), 1.3 * step))
				g_string_append_c(out, '\n');
		}
		if (l->x1 - left > 1.5 * l->h)
			g_string_append(out, "   ");
		for (guint j = 0; j < l->n; j++) {
			if (j && wide_gap(&g[j - 1], &g[j], l->h))
				g_string_append_c(out, '\t');
			else if (j && g[j].x1 - g[j - 1].x2 > 0.12 * l->h)
				g_string_append_c(out, ' ');
			g_string_append_len(out, text + g[j].off, (gssize)g[j].len);
		}
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

/* add_sideways - the rotated text SIDE after OUT, a line per run of
 * characters poppler put together; OUT is freed, the result returned. */
static char *
add_sideways(char *out, const char *text, GArray *side)
{
	if (!side->len)
		return out;
	GString *s = g_string_new(out);
	g_free(out);
	if (s->len)
		g_string_append_c(s, '\n');
	for (guint i = 0; i < side->len; i++) {
		struct glyph *g = &g_array_index(side, struct glyph, i);
		if (i && g->k != g[-1].k + 1)
			g_string_append_c(s, text[g[-1].off + g[-1].len] == '\n' ? '\n' : ' ');
		g_string_append_len(s, text + g->off, (gssize)g->len);
	}
	g_string_append_c(s, '\n');
	return g_string_free(s, FALSE);
}

char *
doc_pdf_layout(struct _PopplerPage *page, const char *text)
{
	PopplerRectangle *rects = NULL;
	guint n = 0;
	if (!text || !poppler_page_get_text_layout(page, &rects, &n))
		return NULL;
	GArray *gs = glyphs_of(text, rects, n);
	g_free(rects);
	if (!gs)
		return NULL;
	GArray *side = g_array_new(FALSE, FALSE, sizeof(struct glyph));
	guint kept = 0;
	for (guint i = 0; i < gs->len; i++) {
		struct glyph *g = &g_array_index(gs, struct glyph, i);
		if (g->sideways)
			g_array_append_val(side, *g);
		else
			g_array_index(gs, struct glyph, kept++) = *g;
	}
	g_array_set_size(gs, kept);
	char *out = NULL;
	g_array_sort(gs, by_mid);
	GArray *ls = lines_of(gs);
	if ((ls->len || side->len) && !in_columns(gs, ls)) {
		out = render(text, gs, ls);
		out = add_sideways(out, text, side);
	}
	g_array_free(ls, TRUE);
	g_array_free(gs, TRUE);
	g_array_free(side, TRUE);
	return out;
}
