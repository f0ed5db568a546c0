/* ctl_out.c - liaisonctl's human output: columns, wrapping, UTC dates, colour. */
#include "ctl/ctl_out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int color_forced = -1;

int
ctl_out_width(void)
{
	struct winsize ws;
	int w = 0;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	if (w <= 0) {
		const char *cols = g_getenv("COLUMNS");
		w = cols ? atoi(cols) : 0;
	}
	if (w <= 0)
		w = 80;
	return w < 40 ? 40 : w;
}

gboolean
ctl_out_color(void)
{
	if (color_forced >= 0)
		return color_forced;
	const char *nc = g_getenv("NO_COLOR");
	if (nc && *nc)
		return FALSE;
	return isatty(STDOUT_FILENO);
}

void
ctl_out_set_color(int on)
{
	color_forced = on < 0 ? -1 : !!on;
}

const char *
ctl_out_style(enum ctl_style style)
{
	static const char *const seq[] = {
		[CTL_PLAIN] = "", [CTL_BOLD] = "\033[1m", [CTL_DIM] = "\033[2m",
		[CTL_RED] = "\033[31m", [CTL_YELLOW] = "\033[33m", [CTL_GREEN] = "\033[32m",
		[CTL_CYAN] = "\033[36m",
	};
	if (!ctl_out_color() || style == CTL_PLAIN)
		return "";
	return seq[style];
}

const char *
ctl_out_reset(void)
{
	return ctl_out_color() ? "\033[0m" : "";
}

/* char_width - columns of one character on a terminal. */
static int
char_width(gunichar c)
{
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide(c) ? 2 : 1;
}

int
ctl_out_display_width(const char *text)
{
	int w = 0;
	if (!text)
		return 0;
	for (const char *p = text; *p; p = g_utf8_next_char(p))
		w += char_width(g_utf8_get_char(p));
	return w;
}

/* clean_utf8 - TEXT as valid UTF-8 without control characters other than
 * those in KEEP: text from mail must not move the cursor or change colours. */
static char *
clean_utf8(const char *text, const char *keep)
{
	g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
	GString *out = g_string_sized_new(strlen(valid));
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r')
			continue;
		if (g_unichar_iscntrl(c) && !(c < 128 && strchr(keep, (int)c))) {
			if (c == '\t' || c == '\n')
				g_string_append_c(out, ' ');
			continue;
		}
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

char *
ctl_out_clean(const char *text)
{
	return clean_utf8(text, "\n\t");
}

/* append_spaces - N spaces. */
static void
append_spaces(GString *s, int n)
{
	for (int i = 0; i < n; i++)
		g_string_append_c(s, ' ');
}

/* wrap_line - one line of text (no \n) into OUT, breaking at spaces; COL is
 * the column where it starts. Leading spaces (quoted indentation) are kept,
 * runs of spaces between words become one; words longer than a line are cut. */
static void
wrap_line(GString *out, const char *line, int width, int col, int indent)
{
	const char *p = line;
	gboolean first = TRUE;
	while (*p == ' ' && col < width - 10) {
		g_string_append_c(out, ' ');
		col++;
		p++;
	}
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		int ww = 0;
		while (*p && *p != ' ') {
			ww += char_width(g_utf8_get_char(p));
			p = g_utf8_next_char(p);
		}
		if (!first) {
			if (col + 1 + ww > width) {
				g_string_append_c(out, '\n');
				append_spaces(out, indent);
				col = indent;
			} else {
				g_string_append_c(out, ' ');
				col++;
			}
		}
		for (const char *q = w; q < p; q = g_utf8_next_char(q)) {
			int cw = char_width(g_utf8_get_char(q));
			if (col + cw > width && col > indent) {
				g_string_append_c(out, '\n');
				append_spaces(out, indent);
				col = indent;
			}
			g_string_append_len(out, q, g_utf8_next_char(q) - q);
			col += cw;
		}
		first = FALSE;
	}
}

char *
ctl_out_wrap(const char *text, int width, int first, int indent)
{
	g_autofree char *clean = clean_utf8(text, "\n\t");
	GString *out = g_string_new(NULL);
	if (width < indent + 10)
		width = indent + 10;
	/* tabs to spaces: their width depends on a column we are changing */
	for (char *t = clean; *t; t++)
		if (*t == '\t')
			*t = ' ';
	char **lines = g_strsplit(clean, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		if (i > 0) {
			g_string_append_c(out, '\n');
			if (*lines[i])
				append_spaces(out, indent);
		}
		g_strchomp(lines[i]);
		wrap_line(out, lines[i], width, i == 0 ? first : indent, indent);
	}
	g_strfreev(lines);
	/* no trailing blank lines: callers add their own newline */
	while (out->len && (out->str[out->len - 1] == '\n' || out->str[out->len - 1] == ' '))
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

char *
ctl_out_truncate(const char *text, int width)
{
	g_autofree char *clean = clean_utf8(text, "");
	if (ctl_out_display_width(clean) <= width)
		return g_steal_pointer(&clean);
	GString *out = g_string_new(NULL);
	int col = 0;
	for (const char *p = clean; *p; p = g_utf8_next_char(p)) {
		int cw = char_width(g_utf8_get_char(p));
		if (col + cw > width - 3)
			break;
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
		col += cw;
	}
	g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

char *
ctl_out_time(const char *iso)
{
	if (!iso)
		return g_strdup("-");
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, utc);
	if (!t)
		return g_strdup(iso);
	g_autoptr(GDateTime) u = g_date_time_to_utc(t);
	return g_date_time_format(u, "%Y-%m-%d %H:%M UTC");
}

char *
ctl_out_age(const char *iso, const char *now)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601(iso, utc) : NULL;
	g_autoptr(GDateTime) n = now ? g_date_time_new_from_iso8601(now, utc) :
	    g_date_time_new_now_utc();
	if (!t || !n)
		return g_strdup("?");
	gint64 s = g_date_time_difference(n, t) / G_TIME_SPAN_SECOND;
	if (s < 0)
		s = 0;
	if (s < 60)
		return g_strdup_printf("%" G_GINT64_FORMAT "s", s);
	if (s < 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT "m", s / 60);
	if (s < 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT "h", s / 3600);
	if (s % 86400 / 3600 == 0 || s >= 10 * 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT "d", s / 86400);
	return g_strdup_printf("%" G_GINT64_FORMAT "d %" G_GINT64_FORMAT "h", s / 86400,
	    s % 86400 / 3600);
}

char *
ctl_out_size(gint64 bytes)
{
	if (bytes < 1024)
		return g_strdup_printf("%" G_GINT64_FORMAT " B", bytes);
	if (bytes < 1024 * 1024)
		return g_strdup_printf("%.1f KB", bytes / 1024.0);
	if (bytes < (gint64)1024 * 1024 * 1024)
		return g_strdup_printf("%.1f MB", bytes / (1024.0 * 1024));
	return g_strdup_printf("%.1f GB", bytes / (1024.0 * 1024 * 1024));
}

struct ctl_table {
	int ncols;
	GPtrArray *cells;          /* char *, ncols per row, first row the header */
	GArray *styles;            /* enum ctl_style per cell */
};

struct ctl_table *
ctl_table_new(int ncols, ...)
{
	struct ctl_table *t = g_new0(struct ctl_table, 1);
	va_list ap;
	t->ncols = ncols;
	t->cells = g_ptr_array_new_with_free_func(g_free);
	t->styles = g_array_new(FALSE, TRUE, sizeof(int));
	va_start(ap, ncols);
	for (int i = 0; i < ncols; i++) {
		const char *h = va_arg(ap, const char *);
		g_ptr_array_add(t->cells, clean_utf8(h ? h : "", ""));
		int st = CTL_BOLD;
		g_array_append_val(t->styles, st);
	}
	va_end(ap);
	return t;
}

void
ctl_table_add(struct ctl_table *t, ...)
{
	va_list ap;
	va_start(ap, t);
	for (int i = 0; i < t->ncols; i++) {
		const char *v = va_arg(ap, const char *);
		g_ptr_array_add(t->cells, clean_utf8(v ? v : "", i == t->ncols - 1 ? "\n" : ""));
		int st = CTL_PLAIN;
		g_array_append_val(t->styles, st);
	}
	va_end(ap);
}

void
ctl_table_style(struct ctl_table *t, int col, enum ctl_style style)
{
	guint rows = t->cells->len / t->ncols;
	if (rows < 2 || col < 0 || col >= t->ncols)
		return;
	g_array_index(t->styles, int, (rows - 1) * t->ncols + col) = style;
}

guint
ctl_table_rows(const struct ctl_table *t)
{
	return t->cells->len / t->ncols - 1;
}

/* append_cell - one cell's text in its style. */
static void
append_cell(GString *out, const char *text, int style)
{
	const char *on = ctl_out_style(style);
	g_string_append(out, on);
	g_string_append(out, text);
	if (*on)
		g_string_append(out, ctl_out_reset());
}

char *
ctl_table_render(struct ctl_table *t, int width)
{
	int n = t->ncols;
	guint rows = t->cells->len / n;
	g_autofree int *w = g_new0(int, n);
	GString *out = g_string_new(NULL);

	for (guint r = 0; r < rows; r++)
		for (int c = 0; c < n - 1; c++) {
			int cw = ctl_out_display_width(g_ptr_array_index(t->cells, r * n + c));
			if (cw > w[c])
				w[c] = cw;
		}
	int indent = 0;
	for (int c = 0; c < n - 1; c++)
		indent += w[c] + 2;
	for (guint r = 0; r < rows; r++) {
		for (int c = 0; c < n; c++) {
			const char *cell = g_ptr_array_index(t->cells, r * n + c);
			int style = g_array_index(t->styles, int, r * n + c);
			if (c < n - 1) {
				append_cell(out, cell, style);
				append_spaces(out, w[c] - ctl_out_display_width(cell) + 2);
			} else {
				/* the last column wraps under itself; when the others
				 * leave it too little room, under the whole row */
				int ind = width - indent >= 20 ? indent : 4;
				g_autofree char *wrapped = ctl_out_wrap(cell, width, indent, ind);
				append_cell(out, wrapped, style);
			}
		}
		/* cells padded for a last column that is empty: trim */
		while (out->len && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

void
ctl_table_print(struct ctl_table *t, FILE *f)
{
	g_autofree char *text = ctl_table_render(t, ctl_out_width());
	fputs(text, f);
}

void
ctl_table_free(struct ctl_table *t)
{
	if (!t)
		return;
	g_ptr_array_free(t->cells, TRUE);
	g_array_free(t->styles, TRUE);
	g_free(t);
}

void
ctl_out_field(FILE *f, const char *label, int label_width, const char *value)
{
	int lw = ctl_out_display_width(label) + 1;
	int pad = label_width > lw ? label_width - lw : 0;
	int indent = lw + pad + 1;
	g_autofree char *wrapped = ctl_out_wrap(value && *value ? value : "-",
	    ctl_out_width(), indent, indent);
	fprintf(f, "%s%s:%s%*s %s\n", ctl_out_style(CTL_BOLD), label, ctl_out_reset(), pad, "",
	    wrapped);
}

void
ctl_out_heading(FILE *f, const char *title)
{
	fprintf(f, "\n%s%s%s\n", ctl_out_style(CTL_BOLD), title, ctl_out_reset());
}

void
ctl_out_planned(FILE *f, const GPtrArray *mails)
{
	if (!mails || mails->len == 0) {
		fprintf(f, "  No mail would be queued.\n");
		return;
	}
	for (guint i = 0; i < mails->len; i++) {
		const struct notify_planned *m = mails->pdata[i];
		g_autofree char *label = g_strdup_printf("  %s to", m->kind);
		ctl_out_field(f, label, 16, m->to);
		ctl_out_field(f, "  subject", 16, m->subject);
	}
}
