/* ctl_out.h - liaisonctl's human output: columns, wrapping, UTC dates, colour.
 *
 * Every human listing goes through here so that all commands look alike:
 * columns aligned by display width (UTF-8 aware), long text wrapped to the
 * terminal width (TIOCGWINSZ on stdout, else $COLUMNS, else 80), dates shown
 * in UTC, colour only when stdout is a terminal and NO_COLOR is not set.
 * The string-returning functions take the width explicitly so they can be
 * tested; the printing ones use ctl_out_width(). */
#ifndef LIAISON_CTL_OUT_H
#define LIAISON_CTL_OUT_H

#include <stdio.h>
#include "notify/notify.h"
#include <glib.h>

enum ctl_style { CTL_PLAIN, CTL_BOLD, CTL_DIM, CTL_RED, CTL_YELLOW, CTL_GREEN, CTL_CYAN };

/* ctl_out_width - columns of the terminal on stdout, else $COLUMNS, else 80
 * (never less than 40, so that wrapping stays readable). */
int ctl_out_width(void);

/* ctl_out_fit_width - the width one-line listings (list, rejects, outbox) are
 * cut to: the terminal's on a terminal (TIOCGWINSZ), else $COLUMNS when set,
 * else 0: no limit, so that a file or a pipe gets every character (like ps). */
int ctl_out_fit_width(void);

/* ctl_out_pager - when stdout is a terminal, send the rest of the output
 * through $PAGER (unset: less -FRX, which stays out of the way of a short
 * text; empty or "cat": none), keeping the terminal's width and colour for
 * the layout; the pager is waited for at exit. Not a terminal: nothing. */
void ctl_out_pager(void);

/* ctl_out_color - TRUE when colour may be used: stdout is a TTY and NO_COLOR
 * is unset or empty (https://no-color.org). ctl_out_set_color forces it
 * (-1: decide again from the environment). */
gboolean ctl_out_color(void);
void ctl_out_set_color(int on);

/* ctl_out_style - the escape sequence that starts STYLE, or "" without colour;
 * ctl_out_reset - the one that ends it. */
const char *ctl_out_style(enum ctl_style style);
const char *ctl_out_reset(void);

/* ctl_out_display_width - columns TEXT takes on a terminal (wide CJK = 2,
 * combining marks = 0). */
int ctl_out_display_width(const char *text);

/* ctl_out_wrap - TEXT wrapped at word boundaries to WIDTH columns; every line
 * after the first is prefixed with INDENT spaces (the first line is assumed to
 * start at column FIRST). Line breaks in TEXT are kept; words longer than a
 * line are cut. Control characters other than \n and \t are dropped. */
char *ctl_out_wrap(const char *text, int width, int first, int indent);

/* ctl_out_clean - TEXT as valid UTF-8 with control characters other than
 * newline and tab, C1 and bidi overrides escaped ("\x1b", "<U+202E>"):
 * safe to print, layout kept (for whole documents). */
char *ctl_out_clean(const char *text);

/* ctl_out_escape_char - C as printed to an operator: itself, or "\x1b" for
 * C0 and DEL, "<U+0085>" for C1 and "<U+202E>" for bidi controls and line
 * separators. ctl_out_is_unsafe - is C one of those? */
void ctl_out_escape_char(GString *out, gunichar c);
gboolean ctl_out_is_unsafe(gunichar c);

/* ctl_out_guard - the one place every human output passes: stderr, and
 * stdout when HUMAN_STDOUT (not --json, whose output stays exact), are
 * replaced by streams that escape what ctl_out_escape_char escapes (bytes
 * that are not UTF-8 as "\xff"); only our own colour sequences pass, while
 * colour is on. liaisonctl calls it once, before any command runs. */
void ctl_out_guard(gboolean human_stdout);

/* ctl_out_raw - N bytes to standard output as they are (raw, attachment):
 * past the guard, after what stdout holds. FALSE on a write error. */
gboolean ctl_out_raw(const void *buf, gsize n);

/* ctl_out_truncate - TEXT cut to WIDTH columns, ending in "..." when cut;
 * newlines and tabs become spaces. */
char *ctl_out_truncate(const char *text, int width);

/* ctl_out_cut - TEXT cut to WIDTH columns ending in an ellipsis ("…" in a
 * UTF-8 locale, else "...") when longer; WIDTH 0: not cut. Control characters
 * are dropped (newlines and tabs become spaces). */
char *ctl_out_cut(const char *text, int width);

/* ctl_out_time - a stored time (2026-11-22T04:00:00Z) as "2026-11-22 04:00 UTC";
 * other text is returned as is. */
char *ctl_out_time(const char *iso);

/* ctl_out_age - how long ago ISO was, relative to NOW (NULL: now), as
 * "45s", "12m", "5h", "3d 4h". */
char *ctl_out_age(const char *iso, const char *now);

/* ctl_out_size - a byte count for people: "812 B", "14.2 KB", "3.1 MB". */
char *ctl_out_size(gint64 bytes);

/* A table: header row, then rows of strings; columns aligned by display width.
 * The LAST column takes the rest of the line and is wrapped under itself. */
struct ctl_table;
struct ctl_table *ctl_table_new(int ncols, ...);          /* ncols header strings */
void ctl_table_add(struct ctl_table *t, ...);             /* ncols strings (NULL = "") */
/* ctl_table_style - colour a cell of the last added row (e.g. error codes in red). */
void ctl_table_style(struct ctl_table *t, int col, enum ctl_style style);
/* ctl_table_render - the table as text for WIDTH columns. */
char *ctl_table_render(struct ctl_table *t, int width);
void ctl_table_print(struct ctl_table *t, FILE *f);
/* One line per row instead (list, rejects, outbox): ctl_table_cap gives column
 * COL at most CAP columns (right-aligned when RIGHT, for numbers); every
 * column is cut with an ellipsis to its width and the last one to what is
 * left of WIDTH. WIDTH 0: nothing is cut (ctl_out_fit_width's no limit). */
void ctl_table_cap(struct ctl_table *t, int col, int cap, gboolean right);
char *ctl_table_render_lines(struct ctl_table *t, int width);
void ctl_table_print_lines(struct ctl_table *t, FILE *f);
guint ctl_table_rows(const struct ctl_table *t);
void ctl_table_free(struct ctl_table *t);

/* ctl_out_field - "Label:    value" with LABEL padded to LABEL_WIDTH and the
 * value wrapped under itself; empty values print as "-". */
void ctl_out_field(FILE *f, const char *label, int label_width, const char *value);

/* ctl_out_planned - mail that a dry run would queue (struct notify_planned *):
 * "  routing to:  a@x, b@y" (wrapped) and its subject, each. */
void ctl_out_planned(FILE *f, const GPtrArray *mails);

/* ctl_out_heading - a section heading ("Problems", "History") in bold. */
void ctl_out_heading(FILE *f, const char *title);

/* ctl_show_human - the human `liaisonctl show ID` (ctl/ctl_show.c): the fields,
 * each problem in plain words next to its field, attachments with sizes,
 * related statements, outbox mails and the history. Returns an exit code. */
struct ctl;
int ctl_show_human(struct ctl *c, gint64 id);

#endif
