/* store_blob.h - decoded attachments, content-addressed by SHA-256.
 *
 * A blob is written to a temporary file under state_dir/tmp by the caller
 * (through the fd), then kept: it waits there until the connection's next
 * transaction begins (store_begin), which first makes every blob kept since
 * durable at once (store_blob_flush): the file system synced (syncfs),
 * renamed to state_dir/blobs/ab/<sha256> (ab = the first two hex digits)
 * and synced again. So the bytes are durable before any row refers to them,
 * and a batch of statements costs the disk two cache flushes for its
 * attachments, not two for each. A name in blobs/ is only ever a durable
 * file: the same content is stored once, and keeping a digest that exists
 * just drops the temporary file. */
#ifndef LIAISON_STORE_BLOB_H
#define LIAISON_STORE_BLOB_H

#include <glib.h>
#include "store/store.h"

struct store_blob;

/* store_blob_new - a new temporary file to write a blob into. */
struct store_blob *store_blob_new(struct store *s, GError **error);
/* store_blob_fd - the temporary file's descriptor (owned by the blob). */
int store_blob_fd(const struct store_blob *b);
/* store_blob_digest - SHA-256 (hex, lower case) of the bytes written so far,
 * read back from the file; NULL with a STORE_ERR_TEMP error. */
char *store_blob_digest(struct store_blob *b, GError **error);
/* store_blob_keep - the written bytes are blob SHA256 (hex, lower case:
 * store_blob_digest, or known to the caller), durable before the next
 * transaction of this connection begins. *PATH_NOW: where they can be read
 * until then (the temporary file, or the blob when it existed). Returns 0,
 * or -1 with a STORE_ERR_TEMP error (disk full, I/O). */
int store_blob_keep(struct store_blob *b, const char *sha256, char **path_now, GError **error);
/* store_blob_flush - every blob kept on S made durable now (store_begin
 * does it); -1 with a STORE_ERR_TEMP error, and those blobs are gone. */
int store_blob_flush(struct store *s, GError **error);
/* store_blob_drop_pending - remove the blobs kept and not flushed (no row can
 * name them: store_close). */
void store_blob_drop_pending(struct store *s);
/* store_blob_free - close; removes the temporary file unless committed. */
void store_blob_free(struct store_blob *b);

/* store_blob_path - absolute path of blob SHA256 (it may not exist); NULL
 * when SHA256 is not 64 hex digits (never a path outside blobs/). */
char *store_blob_path(struct store *s, const char *sha256);

#endif
