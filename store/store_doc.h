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

#endif
