/* doc.h - text out of documents (.docx, .pdf, .zip), bounded (issue 8).
 *
 * doc_extract() never fails hard: what cannot be read gives text NULL and a
 * warning that names the file and the reason (the statement then carries the
 * warning `document_unreadable`). Every loop and callback checks a deadline,
 * so a hostile document costs at most `seconds` of wall time. */
#ifndef LIAISON_DOC_H
#define LIAISON_DOC_H

#include <glib.h>
#include <json-glib/json-glib.h>

struct doc_limits {
	gint64 max_total_bytes;    /* uncompressed bytes read from one archive */
	gint64 max_entry_bytes;    /* uncompressed bytes of one archive entry (also word/document.xml) */
	int max_ratio;             /* compression ratio that marks a zip bomb (past 1 MiB) */
	int max_entries;
	int max_depth;             /* zip in zip: 1 = a zip inside the zip is opened, no deeper */
	int max_pages;             /* PDF pages read */
	int parse_pages;           /* PDF pages read now (0: up to max_pages); more -> partial */
	int seconds;               /* time bound per document */
	gint64 max_text_chars;     /* text kept per document */
};

/* What a file is, by magic bytes first, then content type and file name. */
enum doc_kind {
	DOC_KIND_NONE,       /* not a document (image, spreadsheet, ...): nothing to read */
	DOC_KIND_DOCX,
	DOC_KIND_PDF,
	DOC_KIND_ZIP,
	DOC_KIND_TEXT,       /* text/plain inside an archive */
	DOC_KIND_UNREADABLE  /* .doc (OLE2), .rtf, .odt, ...: a statement we cannot read */
};

struct doc_file {              /* a file found inside an archive */
	char *filename;            /* sanitised inner name (last path component) */
	char *original_name;       /* the path as stored in the archive, UTF-8 */
	char *content_type;
	char *path;                /* temporary file holding its bytes (caller stores it as a blob) */
	gint64 size;
	char *sha256;              /* hex */
	int parent;                /* index in files of the archive it came out of, -1 = the archive itself */
};

struct doc_result {
	enum doc_kind kind;
	char *text;                /* UTF-8 text in reading order, NULL when unreadable */
	GPtrArray *files;          /* struct doc_file *: inner files of an archive */
	GPtrArray *texts;          /* struct document *: text of each inner document (role NULL) */
	GPtrArray *warnings;       /* char *: "NAME: why it could not be read" */
	gboolean partial;          /* a PDF had pages past parse_pages: text holds the first only */
};

void doc_limits_default(struct doc_limits *l);
/* doc_limits_within - the defaults, with the time per document at most a
 * third of PARSE_TIMEOUT seconds (0: no parse timeout to share), so that a
 * message's other documents and the rest of its parse keep their time. */
void doc_limits_within(struct doc_limits *l, int parse_timeout);

/* doc_kind_of - sniff PATH (may be NULL: name and type only). */
enum doc_kind doc_kind_of(const char *path, const char *filename, const char *content_type);

/* doc_extract - read the file at PATH named FILENAME of CONTENT_TYPE. Inner
 * files of an archive are written under TMP_DIR; doc_result_free removes any
 * the caller did not move away. */
struct doc_result *doc_extract(const char *path, const char *filename,
    const char *content_type, const struct doc_limits *l, const char *tmp_dir);
void doc_result_free(struct doc_result *r);

/* doc_pick_statement - set each struct document's role in DOCUMENTS:
 * "statement" for the one whose name carries the Tdoc/LS reference of SUBJECT
 * or BODY, else the one with a cover sheet (3GPP first line, Title/Source/To
 * labels, ITU-T template), else the only readable one when the body is no
 * statement itself; "attachment" for the others. Returns its index or -1. */
int doc_pick_statement(GPtrArray *documents, const char *subject, const char *body);

/* doc_has_cover_sheet - TEXT starts like a 3GPP/ITU-T liaison statement. */
gboolean doc_has_cover_sheet(const char *text);

/* doc_meta_extract - from a statement's document TEXT into METADATA:
 * "action_groups" (groups asked to act in ACTION: paragraphs, as written) and
 * "next_meetings" ("Date of Next ... Meetings" lines; never the deadline). */
void doc_meta_extract(const char *text, JsonObject *metadata);

/* doc_maybe_next_meetings - could the line L (LEN bytes) be the heading
 * "3. Date of Next ... Meetings"? A literal test before the regex: run on
 * every line of a long body, the regex was most of the parse time. All
 * that comes before the first ASCII letter is passed over (a number, its
 * dot, spaces: in GRegex's Unicode mode \d and \s also take other digits
 * and spaces, e.g. the no-break space of a Word list), so every line the
 * headings' patterns (labels.c, doc_role.c) match gets through. */
gboolean doc_maybe_next_meetings(const char *l, gsize len);

/* doc_ls_ended - TEXT, the first pages of a document, has come to a liaison
 * statement's last section: the "Date of Next ... Meetings" heading and a
 * line of its list. The parse reads nothing further on (the label block, the
 * ACTION paragraphs and the first next meeting are above), so the PDF reader
 * leaves the next pages to the idle reading (flow/doc_rest.c). */
gboolean doc_ls_ended(const char *text);

#endif
