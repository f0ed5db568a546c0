/* ctl_out.c - liaisonctl's human output: columns, wrapping, UTC dates, colour. */
#include "ctl/ctl_out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int color_forced = -1;
static int tty_width;          /* the terminal's, kept when stdout goes to the pager */
static GPid pager_pid;

int
ctl_out_width(void)
{
	struct winsize ws;
	int w = tty_width;
	if (!w && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	if (w <= 0) {
		const char *cols = g_getenv("COLUMNS");
		w = cols ? atoi(cols) : 0;
	}
	if (w <= 0)
		w = 80;
	return w < 40 ? 40 : w;
}

/* pager_end - at exit: the pager gets end of file, and the terminal back
 * only when it is done. */
static void
pager_end(void)
{
	fflush(stdout);
	close(STDOUT_FILENO);
	int status;
	while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
		;
}

void
ctl_out_pager(void)
{
	struct winsize ws;
	if (pager_pid || !isatty(STDOUT_FILENO))
		return;
	const char *pager = g_getenv("PAGER");
	g_autofree char *less = pager ? NULL : g_find_program_in_path("less");
	if (pager ? !*pager || strcmp(pager, "cat") == 0 : !less)
		return;
	gboolean color = ctl_out_color();
	int w = ctl_out_width();
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)(pager ? pager : "less -FRX"),
		NULL };
	int in = -1;
	fflush(stdout);
	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
	    &pager_pid, &in, NULL, NULL, NULL))
		return;   /* no pager: straight to the terminal */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	tty_width = w;
	ctl_out_set_color(color);
	dup2(in, STDOUT_FILENO);
	close(in);
	atexit(pager_end);
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

/* is_bidi - a character that reorders or hides what follows on a terminal
 * (bidi embeddings, overrides, isolates and marks; line and paragraph
 * separators): "rlo\u202efdp.exe" shows as "rloexe.pdf". */
static gboolean
is_bidi(gunichar c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

void
ctl_out_escape_char(GString *out, gunichar c)
{
	if (c < 0x20 || c == 0x7f)
		g_string_append_printf(out, "\\x%02x", (unsigned)c);
	else if (c < 0x80)
		g_string_append_c(out, (char)c);
	else if (c < 0xa0 || is_bidi(c))
		g_string_append_printf(out, "<U+%04X>", (unsigned)c);
	else
		g_string_append_unichar(out, c);
}

gboolean
ctl_out_is_unsafe(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || is_bidi(c);
}

/* clean_utf8 - TEXT as valid UTF-8 with every control character, C1 and
 * bidi override shown escaped ("\x1b", "<U+202E>") except those in KEEP
 * (tab and newline become spaces when not kept; CR is dropped): text from
 * mail must not move the cursor, change colours, write the clipboard (OSC
 * 52) or reorder what the operator reads. */
static char *
clean_utf8(const char *text, const char *keep)
{
	g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
	GString *out = g_string_sized_new(strlen(valid));
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r')
			continue;
		if (c < 128 && c && strchr(keep, (int)c))
			g_string_append_c(out, (char)c);
		else if (c == '\t' || c == '\n')
			g_string_append_c(out, ' ');
		else
			ctl_out_escape_char(out, c);
	}
	return g_string_free(out, FALSE);
}

/* The output guard: liaisonctl's stdout (human output) and stderr go
 * through a filter that escapes what clean_utf8 would, so that a printf of
 * a stored value that never passed through the functions above cannot reach
 * the terminal either. Only our own colour sequences pass, and only while
 * colour is on. */
struct guard {
	int fd;
	guchar pending[8];     /* an incomplete UTF-8 sequence from the last write */
	gsize npending;
};

static const char *const own_sgr[] = { "\033[0m", "\033[1m", "\033[2m", "\033[31m",
	"\033[32m", "\033[33m", "\033[36m", NULL };

/* own_sequence - the length of one of our colour sequences at P (N bytes), or 0. */
static gsize
own_sequence(const guchar *p, gsize n)
{
	if (!ctl_out_color())
		return 0;
	for (int i = 0; own_sgr[i]; i++) {
		gsize l = strlen(own_sgr[i]);
		if (n >= l && memcmp(p, own_sgr[i], l) == 0)
			return l;
	}
	return 0;
}

/* guard_filter - BUF escaped into OUT; an incomplete sequence at its end is
 * kept in G for the next write unless FINAL. */
static void
guard_filter(struct guard *g, GString *out, const guchar *buf, gsize n, gboolean final)
{
	gsize i = 0;
	while (i < n) {
		guchar b = buf[i];
		if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7f)) {
			g_string_append_c(out, (char)b);
			i++;
			continue;
		}
		if (b == 0x1b) {
			gsize l = own_sequence(buf + i, n - i);
			if (l) {
				g_string_append_len(out, (const char *)buf + i, (gssize)l);
				i += l;
				continue;
			}
		}
		if (b < 0x80) {
			ctl_out_escape_char(out, b);
			i++;
			continue;
		}
		gunichar c = g_utf8_get_char_validated((const char *)buf + i, (gssize)(n - i));
		if (c == (gunichar)-2 && !final && n - i < 4) {
			memcpy(g->pending, buf + i, n - i);
			g->npending = n - i;
			return;
		}
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", b);
			i++;
			continue;
		}
		ctl_out_escape_char(out, c);
		i = (gsize)(g_utf8_next_char((const char *)buf + i) - (const char *)buf);
	}
}

static gboolean
write_all(int fd, const char *p, gsize n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return FALSE;
		p += w;
		n -= (gsize)w;
	}
	return TRUE;
}

static ssize_t
guard_write(void *cookie, const char *buf, size_t n)
{
	struct guard *g = cookie;
	GString *out = g_string_sized_new(n + 16);
	/* the rest of a UTF-8 sequence cut by the previous write goes first */
	guchar *joined = g_malloc(g->npending + n);
	memcpy(joined, g->pending, g->npending);
	memcpy(joined + g->npending, buf, n);
	gsize len = g->npending + n;
	g->npending = 0;
	guard_filter(g, out, joined, len, FALSE);
	g_free(joined);
	gboolean ok = write_all(g->fd, out->str, out->len);
	g_string_free(out, TRUE);
	return ok ? (ssize_t)n : -1;
}

static int
guard_close(void *cookie)
{
	struct guard *g = cookie;
	if (g->npending) {
		GString *out = g_string_new(NULL);
		guard_filter(g, out, g->pending, g->npending, TRUE);
		g->npending = 0;
		write_all(g->fd, out->str, out->len);
		g_string_free(out, TRUE);
	}
	return 0;
}

/* the two guards live as long as the process: static, nothing to free */
static struct guard guard_out, guard_err;

static FILE *
guard_open(struct guard *g, int fd, int mode)
{
	g->fd = fd;
	cookie_io_functions_t io = { .write = guard_write, .close = guard_close };
	FILE *f = fopencookie(g, "w", io);
	if (f)
		setvbuf(f, NULL, mode, 0);
	return f;
}

void
ctl_out_guard(gboolean human_stdout)
{
	static gboolean done;
	if (done)
		return;
	done = TRUE;
	/* colour is decided on the real stdout, before it is replaced */
	if (color_forced < 0)
		color_forced = ctl_out_color();
	fflush(stdout);
	fflush(stderr);
	FILE *e = guard_open(&guard_err, STDERR_FILENO, _IONBF);
	if (e)
		stderr = e;
	if (human_stdout) {
		FILE *o = guard_open(&guard_out, STDOUT_FILENO, _IOFBF);
		if (o)
			stdout = o;
	}
}

gboolean
ctl_out_raw(const void *buf, gsize n)
{
	fflush(stdout);
	return write_all(STDOUT_FILENO, buf, n);
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

/* ellipsis - "…" where the locale's characters are UTF-8, else "...". */
static const char *
ellipsis(void)
{
	const char *charset = NULL;
	return g_get_charset(&charset) ? "\u2026" : "...";
}

char *
ctl_out_cut(const char *text, int width)
{
	g_autofree char *clean = clean_utf8(text, "");
	if (width <= 0 || ctl_out_display_width(clean) <= width)
		return g_steal_pointer(&clean);
	const char *dots = ellipsis();
	int dw = ctl_out_display_width(dots);
	GString *out = g_string_new(NULL);
	int col = 0;
	for (const char *p = clean; *p; p = g_utf8_next_char(p)) {
		int cw = char_width(g_utf8_get_char(p));
		if (col + cw > width - dw)
			break;
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
		col += cw;
	}
	if (width >= dw)
		g_string_append(out, dots);
	return g_string_free(out, FALSE);
}

int
ctl_out_fit_width(void)
{
	struct winsize ws;
	if (tty_width)
		return tty_width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < 40 ? 40 : ws.ws_col;
	const char *cols = g_getenv("COLUMNS");
	int w = cols ? atoi(cols) : 0;
	return w <= 0 ? 0 : w < 40 ? 40 : w;
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
	int *caps;                 /* ctl_table_cap: at most this many columns (0: none) */
	gboolean *right;           /* ctl_table_cap: aligned right (numbers) */
};

struct ctl_table *
ctl_table_new(int ncols, ...)
{
	struct ctl_table *t = g_new0(struct ctl_table, 1);
	va_list ap;
	t->ncols = ncols;
	t->caps = g_new0(int, ncols);
	t->right = g_new0(gboolean, ncols);
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

/* column_widths - the widest cell of each column but the last (it wraps). */
static int *
column_widths(const struct ctl_table *t)
{
	int n = t->ncols;
	int *w = g_new0(int, n);
	for (guint r = 0; r < t->cells->len / n; r++)
		for (int c = 0; c < n - 1; c++) {
			int cw = ctl_out_display_width(g_ptr_array_index(t->cells, r * n + c));
			if (cw > w[c])
				w[c] = cw;
		}
	return w;
}

char *
ctl_table_render(struct ctl_table *t, int width)
{
	int n = t->ncols;
	guint rows = t->cells->len / n;
	g_autofree int *w = column_widths(t);
	GString *out = g_string_new(NULL);

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
ctl_table_cap(struct ctl_table *t, int col, int cap, gboolean right)
{
	if (col < 0 || col >= t->ncols)
		return;
	t->caps[col] = cap;
	t->right[col] = right;
}

char *
ctl_table_render_lines(struct ctl_table *t, int width)
{
	int n = t->ncols;
	guint rows = t->cells->len / n;
	g_autofree int *w = column_widths(t);
	GString *out = g_string_new(NULL);

	if (width > 0)
		for (int c = 0; c < n - 1; c++)
			if (t->caps[c] > 0 && w[c] > t->caps[c])
				w[c] = t->caps[c];
	for (guint r = 0; r < rows; r++) {
		GString *line = g_string_new(NULL);
		int col = 0;
		for (int c = 0; c < n; c++) {
			const char *cell = g_ptr_array_index(t->cells, r * n + c);
			int style = g_array_index(t->styles, int, r * n + c);
			int room = c < n - 1 ? w[c] : width > 0 ? width - col : 0;
			if (c == n - 1 && width > 0 && room < 1)
				break;
			g_autofree char *cut = ctl_out_cut(cell, width > 0 ? room : 0);
			int pad = c < n - 1 ? w[c] - ctl_out_display_width(cut) : 0;
			if (t->right[c])
				append_spaces(line, pad);
			append_cell(line, cut, style);
			if (c < n - 1) {
				if (!t->right[c])
					append_spaces(line, pad);
				append_spaces(line, 2);
			}
			col += w[c] + 2;
		}
		while (line->len && line->str[line->len - 1] == ' ')
			g_string_truncate(line, line->len - 1);
		g_string_append_len(out, line->str, line->len);
		g_string_append_c(out, '\n');
		g_string_free(line, TRUE);
	}
	return g_string_free(out, FALSE);
}

void
ctl_table_print_lines(struct ctl_table *t, FILE *f)
{
	g_autofree char *text = ctl_table_render_lines(t, ctl_out_fit_width());
	fputs(text, f);
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
	g_free(t->caps);
	g_free(t->right);
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
