/* store_sink.h - the store as the parser's sinks (model/sink.h): blobs under
 * state_dir/blobs (fsynced before they are named), In Response links from
 * the stored statements. */
#ifndef LIAISON_STORE_SINK_H
#define LIAISON_STORE_SINK_H

#include "model/sink.h"
#include "store/store.h"

/* store_blob_sink_new - a blob sink writing into S (free with blob_sink_free). */
struct blob_sink *store_blob_sink_new(struct store *s);

/* store_link_lookup - *L resolving through store_link_resolve on S. */
void store_link_lookup(struct store *s, struct link_lookup *l);

#endif
