/* doc.h - text out of documents (.docx, .pdf, .zip), bounded (issue 8). */
#ifndef LIAISON_DOC_H
#define LIAISON_DOC_H

#include <glib.h>

struct doc_limits {
	gint64 max_total_bytes;    /* uncompressed bytes read from one archive */
	int max_ratio;             /* compression ratio that marks a zip bomb */
	int max_entries;
	int max_depth;             /* zip in zip */
	int seconds;               /* time bound per document */
	gint64 max_text_chars;
};

struct doc_file {              /* a file found inside an archive */
	char *filename;            /* sanitised inner name */
	char *content_type;
	char *path;                /* temporary file holding its bytes (caller stores it as a blob) */
};

struct doc_result {
	char *text;                /* UTF-8 text in reading order, NULL when unreadable */
	GPtrArray *files;          /* struct doc_file *: inner files of an archive */
	GPtrArray *texts;          /* struct document *: text of each inner readable file */
	GPtrArray *warnings;       /* char *: why something could not be read */
};

void doc_limits_default(struct doc_limits *l);
/* doc_extract - read the file at PATH named FILENAME of CONTENT_TYPE. Never
 * fails hard: unreadable input gives text NULL and a warning. */
struct doc_result *doc_extract(const char *path, const char *filename,
    const char *content_type, const struct doc_limits *l, const char *tmp_dir);
void doc_result_free(struct doc_result *r);

#endif
