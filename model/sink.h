/* sink.h - what the parser hands its output to, instead of the store: the
 * bytes of attachments (a blob sink) and the lookup of the statements a new
 * one answers (a link lookup). The store provides both (store/store_sink.h);
 * tests and fuzzers use the in-memory blob sink below and no lookup, so the
 * MIME parser runs without SQLite and without an fsync per attachment. */
#ifndef LIAISON_SINK_H
#define LIAISON_SINK_H

#include <glib.h>
#include "model/statement.h"

struct blob_sink {
	/* open - a new blob to write: a file descriptor the sink owns, or -1 with ERROR. */
	int (*open)(struct blob_sink *k, GError **error);
	/* keep - the bytes written to FD are final: kept as SHA256 (hex; NULL:
	 * worked out here), *SHA256_OUT (when not NULL) gets it, *PATH where
	 * they can be read back during this parse (the store's become durable,
	 * and move, when the statement's transaction begins). FD is the sink's
	 * again. -1 with ERROR. */
	int (*keep)(struct blob_sink *k, int fd, const char *sha256, char **sha256_out,
	    char **path, GError **error);
	/* drop - FD abandoned (its bytes are not kept). */
	void (*drop)(struct blob_sink *k, int fd);
	/* free - the sink itself (and, for the memory sink, its blobs). */
	void (*free)(struct blob_sink *k);
	/* where the parser may write scratch files (a zip's members) */
	const char *tmp_dir;
	/* the error an I/O failure on a sink's descriptor is reported in: the
	 * sink's own temporary class, so the caller retries later */
	GQuark error_domain;
	int error_temp;
};

/* blob_sink_memory_new - blobs in memory (memfd), read back through
 * /proc/self/fd; scratch files under TMP_DIR. For tests and fuzzers. */
struct blob_sink *blob_sink_memory_new(const char *tmp_dir);
void blob_sink_free(struct blob_sink *k);

struct link_lookup {
	/* resolve - append to st->related the stored statements ST answers;
	 * how many, or -1 with ERROR. */
	int (*resolve)(struct link_lookup *l, struct statement *st, GError **error);
	void *data;
};

#endif
