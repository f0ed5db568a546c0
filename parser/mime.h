/* mime.h - a stored message read with GMime: the body, the parts, the forward.
 * Produced by mime_parse_file(), consumed by fields_extract() and validate. */
#ifndef LIAISON_MIME_H
#define LIAISON_MIME_H

#include <glib.h>
#include "conf/conf.h"
#include "model/statement.h"
#include "model/sink.h"

/* The headers of the message that carries the statement: the forwarded
 * original when a forward was unwrapped, else the outer message. All values
 * are decoded to UTF-8 (RFC 2047) and never contain CR, LF or NUL. */
struct mail_headers {
	char *subject;
	char *from;            /* the From header as written (decoded): for display only */
	char *from_raw;        /* the From header undecoded, unfolded: where addresses come from */
	char *to, *cc;
	char *date;
	char *message_id;      /* without <> */
	char *in_reply_to;     /* without <> */
	GPtrArray *references; /* char *, without <> */
};

struct parsed_mail {
	struct mail_headers h;         /* of the statement's message (original if forwarded) */
	struct mail_headers outer;     /* of the message as received */
	char *envelope_from;           /* "" for <> */
	char *precedence;              /* the outer Precedence header, or NULL */
	GPtrArray *auth_results;       /* char *: outer Authentication-Results above the first
	                                * Received header (those our own MTA can have added) */
	char *forwarded_by;            /* bare address of the forwarder, or NULL */
	gboolean auto_generated;       /* bounce, DSN, Auto-Submitted != no, out of office */
	char *body;                    /* the chosen text body, UTF-8 ("" when none) */
	gboolean body_from_html;
	GPtrArray *attachments;        /* struct attachment *: every non-body part, stored as a blob */
	GPtrArray *attachment_paths;   /* char *: blob path of each attachment, same order */
	GPtrArray *text_attachments;   /* char *: decoded text of text/plain attachments, in order */
	GPtrArray *documents;          /* struct document *: text read from .docx/.pdf/.zip (doc.h) */
	GPtrArray *doc_warnings;       /* char *: why a document could not be read (document_unreadable) */
	GPtrArray *defects;            /* char *: GMime warnings and limit hits, for mime_defect */
	gboolean charset_guessed;      /* undeclared 8-bit text decoded by guess */
	/* Accounting, so that a lost part shows (the parsed event, the corpus
	 * test): leaf_parts = body_parts + attachments + skipped_parts. */
	int leaf_parts;
	int body_parts;                /* 1 when a part was read as the body (even if empty) */
	int skipped_parts;             /* alternative renditions of the body, forward cover notes */
};

/* mime_parse_file - parse the raw message at PATH (seekable stream; parts are
 * decoded straight into blobs, never held whole in memory). Attachments go
 * to SINK (the store's: durable before this returns; or one in memory).
 * ENVELOPE_FROM NULL: unknown (an imported file), pm->envelope_from is "". */
struct parsed_mail *mime_parse_file(const char *path, const char *envelope_from,
    const struct conf *c, struct blob_sink *sink, GError **error);
/* mime_parse_fd - the same from FD, open for reading at any offset (a file
 * or a memfd); it is closed. */
struct parsed_mail *mime_parse_fd(int fd, const char *envelope_from,
    const struct conf *c, struct blob_sink *sink, GError **error);
/* mime_parse_bytes - the same from the message BYTES in memory, which it takes. */
struct parsed_mail *mime_parse_bytes(GByteArray *bytes, const char *envelope_from,
    const struct conf *c, struct blob_sink *sink, GError **error);
void parsed_mail_free(struct parsed_mail *pm);

/* mime_statement_from_mail - the statement's MIME-derived parts (body,
 * attachments, forward, auto-generated, message ids, submitter, mime_defect
 * and charset_guessed warnings) from PM, before fields_extract. */
void mime_statement_from_mail(struct statement *st, struct parsed_mail *pm);

/* mime_init - set GMime up (once per process); every user of GMime calls it. */
void mime_init(void);

/* mime_sanitise_filename - NAME made safe as one path component and to
 * show (no control character, C1 or bidi override), bounded; a name is made
 * up from POSITION and CONTENT_TYPE when NAME is empty. */
char *mime_sanitise_filename(const char *name, const char *content_type, int position);

/* mime_bare_address - the first mailbox of an address list as a bare
 * address, domain lower-cased; NULL when there is none. */
char *mime_bare_address(const char *list);

/* mime_utf8_valid - are the LEN bytes at S valid UTF-8 without a NUL? The
 * same answer as g_utf8_validate_len plus a NUL test, faster on the ASCII
 * runs that make up most statements (bodies are checked more than once). */
gboolean mime_utf8_valid(const char *s, gsize len);

#endif
