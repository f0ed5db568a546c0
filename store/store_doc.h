/* store_doc.h - the text read out of a statement's documents (issue 8). */
#ifndef LIAISON_STORE_DOC_H
#define LIAISON_STORE_DOC_H

#include <json-glib/json-glib.h>
#include "model/statement.h"
#include "store/store.h"

/* store_doc_save - replace statement ST->id's documents with ST->documents
 * (inside the caller's transaction; search sees the text at once). */
int store_doc_save(struct store *s, const struct statement *st, GError **error);

/* store_doc_load - statement ID's documents into OUT (struct document *), in
 * order; WITH_TEXT FALSE leaves text NULL (listings need only names and sizes). */
int store_doc_load(struct store *s, gint64 id, GPtrArray *out, gboolean with_text,
    GError **error);

/* A document whose text holds a PDF's first pages only (issue 19): where its
 * bytes are, to read the rest. */
struct doc_rest {
	gint64 statement;
	int position;             /* in documents */
	int attachment;           /* the attachment read, 0 when unknown */
	char *filename;
	char *content_type;       /* NULL when the attachment is gone */
	char *blob_path;          /* NULL when the attachment is gone */
	int attempts;             /* reads of the rest begun before this one */
};
void doc_rest_free(struct doc_rest *r);

/* store_doc_rest_next - the oldest partial document into *OUT (1), or 0 when
 * every document's text is complete; -1 with ERROR. The attempt is counted
 * first, in a transaction of its own, so a document whose reading crashes the
 * process is not read forever. */
int store_doc_rest_next(struct store *s, struct doc_rest *out, GError **error);

/* store_doc_rest_save - the full TEXT of R's document (NULL: keep the first
 * pages' text, the rest could not be read), no longer partial, in its own
 * transaction; nothing when it was saved again meanwhile (a reprocess). The
 * statement is noted for search (trigger of schema 0013). */
int store_doc_rest_save(struct store *s, const struct doc_rest *r, const char *text,
    GError **error);

#endif
