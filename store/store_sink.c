/* store_sink.c - the parser's sinks backed by the store: store_blob.c's
 * content-addressed, durable blobs, and store_link.c's lookups. */
#include "store/store_sink.h"
#include "store/store_blob.h"
#include "store/store_link.h"

struct store_sink {
	struct blob_sink k;
	struct store *s;
	char *tmp_dir;
	GHashTable *open;     /* fd -> struct store_blob *, until kept or dropped */
};

static int
sink_open(struct blob_sink *k, GError **error)
{
	struct store_sink *ss = (struct store_sink *)k;
	struct store_blob *b = store_blob_new(ss->s, error);
	if (!b)
		return -1;
	int fd = store_blob_fd(b);
	g_hash_table_insert(ss->open, GINT_TO_POINTER(fd), b);
	return fd;
}

static int
sink_keep(struct blob_sink *k, int fd, const char *sha256, char **sha256_out, char **path,
    GError **error)
{
	struct store_sink *ss = (struct store_sink *)k;
	struct store_blob *b = g_hash_table_lookup(ss->open, GINT_TO_POINTER(fd));
	g_autofree char *sha = sha256 ? g_strdup(sha256) : store_blob_digest(b, error);
	int rc = sha ? store_blob_keep(b, sha, path, error) : -1;
	g_hash_table_remove(ss->open, GINT_TO_POINTER(fd));   /* frees B */
	if (rc < 0)
		return -1;
	if (sha256_out)
		*sha256_out = g_steal_pointer(&sha);
	return 0;
}

static void
sink_drop(struct blob_sink *k, int fd)
{
	struct store_sink *ss = (struct store_sink *)k;
	g_hash_table_remove(ss->open, GINT_TO_POINTER(fd));
}

static void
sink_free(struct blob_sink *k)
{
	struct store_sink *ss = (struct store_sink *)k;
	g_hash_table_unref(ss->open);
	g_free(ss->tmp_dir);
	g_free(ss);
}

struct blob_sink *
store_blob_sink_new(struct store *s)
{
	struct store_sink *ss = g_new0(struct store_sink, 1);
	ss->k.open = sink_open;
	ss->k.keep = sink_keep;
	ss->k.drop = sink_drop;
	ss->k.free = sink_free;
	ss->s = s;
	ss->tmp_dir = g_build_filename(store_state_dir(s), "tmp", NULL);
	ss->k.tmp_dir = ss->tmp_dir;
	ss->k.error_domain = STORE_ERROR;
	ss->k.error_temp = STORE_ERR_TEMP;
	ss->open = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)store_blob_free);
	return &ss->k;
}

static int
link_resolve(struct link_lookup *l, struct statement *st, GError **error)
{
	return store_link_resolve(l->data, st, error);
}

void
store_link_lookup(struct store *s, struct link_lookup *l)
{
	l->resolve = link_resolve;
	l->data = s;
}
