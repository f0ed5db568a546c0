/* mime_private.h - shared by parser/mime*.c and parser/forward.c only. */
#ifndef LIAISON_MIME_PRIVATE_H
#define LIAISON_MIME_PRIVATE_H

#include <gmime/gmime.h>
#include "parser/mime.h"

/* Text read into memory is bounded: larger parts stay blobs only. */
#define MIME_MAX_BODY_BYTES (4 * 1024 * 1024)
#define MIME_SLURP_MAX (8 * 1024 * 1024)   /* a file up to this is parsed from memory */
#define MIME_MAX_TEXT_ATTACHMENT_BYTES (1024 * 1024)
#define MIME_MAX_FILENAME_BYTES 200
/* A header field longer, or an address field naming more, is cut before
 * GMime reads the message (issue 14: a field of 60,000 addresses held a
 * worker for minutes). Real mail stays far below: 32 KB is a long References. */
#define MIME_MAX_FIELD_BYTES (32 * 1024)
#define MIME_MAX_FIELD_ADDRESSES 100

/* mime_text.c */
/* mime_to_utf8 - BYTES in CHARSET (NULL: undeclared) as UTF-8 with LF line
 * ends and no NUL; *GUESSED is set when the charset was guessed or unusable. */
char *mime_to_utf8(const char *bytes, gsize len, const char *charset, gboolean *guessed);
/* mime_html_to_text - readable text of an HTML document (UTF-8 in and out). */
char *mime_html_to_text(const char *html, gsize len);
/* mime_clean_line - a header value safe to show and to copy into a header:
 * valid UTF-8, no control characters (CR, LF, NUL become spaces), trimmed. */
char *mime_clean_line(const char *value);
/* mime_headers_clear - free H's values and zero it. */
void mime_headers_clear(struct mail_headers *h);

/* mime_base64.c */
/* mime_base64_decode - the LEN bytes of base64 text at IN, decoded into OUT
 * (room for g_mime_encoding_outlen() of LEN): exactly what GMime's decoder
 * gives, faster on well-formed lines; returns the bytes written. */
gsize mime_base64_decode(const guint8 *in, gsize len, guint8 *out);

/* forward.c */
/* forward_attached - the attached message/rfc822 that is the statement when
 * M is a forward (subject Fwd:/Fw:, or a short cover note around it), or NULL. */
GMimeMessagePart *forward_attached(GMimeMessage *m, const char *cover_text);
/* forward_inline - an inline forward in BODY: fills H from the quoted
 * header block, *REST gets the original's body. FALSE when there is none. */
gboolean forward_inline(const char *body, struct mail_headers *h, char **rest);

/* mime_auto.c */
/* mime_auto_generated - bounce, DSN, auto-reply or out-of-office? */
gboolean mime_auto_generated(GMimeMessage *m, const char *envelope_from);

#endif
