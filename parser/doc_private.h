/* doc_private.h - shared by parser/doc*.c only: the reading context. */
#ifndef LIAISON_DOC_PRIVATE_H
#define LIAISON_DOC_PRIVATE_H

#include "parser/doc.h"

struct doc_ctx {
	const struct doc_limits *l;
	gint64 deadline;           /* g_get_monotonic_time() microseconds */
	const char *tmp_dir;
	int depth;                 /* archives opened above this one */
	gboolean timed_out;        /* warned once */
};

/* doc_expired - the time bound has passed; warns once in R (may be NULL). */
gboolean doc_expired(struct doc_ctx *c, struct doc_result *r, const char *name);
void doc_warn(struct doc_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* doc_text_append - append S to OUT unless the text cap is reached; FALSE when full. */
gboolean doc_text_append(GString *out, const char *s, gssize len, const struct doc_limits *l);
/* doc_text_finish - trim trailing blank lines; NULL when nothing but space. */
char *doc_text_finish(GString *out);

/* Each format: the text of the file, or NULL with a warning in R. */
char *doc_docx_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r);
char *doc_pdf_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r);
/* doc_pdf_layout - TEXT, poppler_page_get_text() of PAGE, with its characters
 * put back on the lines they are drawn on (doc_pdf_layout.c); NULL to keep TEXT
 * as it is (rectangles unavailable, page too large, prose in columns). */
struct _PopplerPage;
char *doc_pdf_layout(struct _PopplerPage *page, const char *text);
char *doc_plain_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r);
/* doc_zip_read - every entry of the zip at PATH into R->files, and the text of
 * each inner document into R->texts; PARENT is the index of this zip in
 * R->files (-1 for the outer one). */
void doc_zip_read(const char *path, const char *name, int parent, struct doc_ctx *c,
    struct doc_result *r);
/* doc_zip_is_docx - the zip at PATH holds word/document.xml (an unnamed .docx). */
gboolean doc_zip_is_docx(const char *path);
/* doc_zip_open - a libarchive reader for the zip at PATH (struct archive *), or NULL. */
void *doc_zip_open(const char *path);
/* doc_zip_bomb - has reading OUT bytes from A (entry started when the archive had
 * read RAW_START raw bytes) passed the ratio or size caps? Sets *WHY. */
gboolean doc_zip_bomb(void *a, gint64 raw_start, gint64 out, gint64 cap,
    const struct doc_limits *l, const char **why);
/* doc_read_kind - dispatch one extracted file (used by doc_zip for entries). */
char *doc_read_kind(enum doc_kind k, const char *path, const char *name, struct doc_ctx *c,
    struct doc_result *r);

#endif
