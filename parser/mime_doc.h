/* mime_doc.h - where a message's attachments meet the document reader (issue 8). */
#ifndef LIAISON_MIME_DOC_H
#define LIAISON_MIME_DOC_H

#include "conf/conf.h"
#include "parser/mime.h"
#include "model/statement.h"

/* mime_doc_read - attachment A of PM, stored at PATH: a .docx/.pdf/.doc gives
 * a document (its text, or NULL and a warning); a .zip gives its files as
 * attachments of their own (stored as blobs, derived_from = A's position) and
 * their documents. Warnings go to PM->doc_warnings. -1 with ERROR only when a
 * blob cannot be written (the sink's temporary error: parsed again later). */
int mime_doc_read(struct parsed_mail *pm, const struct attachment *a, const char *path,
    const struct conf *c, struct blob_sink *sink, GError **error);

/* mime_doc_finish - after the whole message is read: mark which document is
 * the statement (doc_pick_statement with the statement's subject and body). */
void mime_doc_finish(struct parsed_mail *pm);

/* mime_doc_apply - on the statement, after fields_extract: `document_unreadable`
 * for each warning, and the statement document's ACTION groups and next
 * meetings as metadata. */
void mime_doc_apply(struct statement *st, const struct parsed_mail *pm);

#endif
