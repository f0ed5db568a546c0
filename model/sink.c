/* sink.c - the in-memory blob sink (memfd): the parser's output without a store. */
#include "model/sink.h"
#include "model/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct memory_sink {
	struct blob_sink k;
	char *tmp_dir;
	GArray *fds;          /* int: every blob's descriptor, closed by free */
};

static int
mem_open(struct blob_sink *k, GError **error)
{
	struct memory_sink *m = (struct memory_sink *)k;
	int fd = memfd_create("blob", MFD_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "memfd: %s",
		    g_strerror(errno));
		return -1;
	}
	g_array_append_val(m->fds, fd);
	return fd;
}

static int
mem_keep(struct blob_sink *k, int fd, const char *sha256, char **sha256_out, char **path,
    GError **error)
{
	g_autofree char *sum = digest_sha256_fd(fd);
	if (!sum) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "read blob: %s",
		    g_strerror(errno));
		return -1;
	}
	/* a digest the writer took on the way must be the bytes' (the parser's
	 * tests and fuzzers run on this sink and check it here) */
	if (sha256 && strcmp(sha256, sum) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "blob digest %s given, "
		    "the bytes are %s", sha256, sum);
		return -1;
	}
	if (sha256_out)
		*sha256_out = g_steal_pointer(&sum);
	*path = g_strdup_printf("/proc/self/fd/%d", fd);
	return 0;
}

static void
mem_drop(struct blob_sink *k, int fd)
{
	(void)k;
	(void)fd;   /* closed with the sink: the array keeps every descriptor */
}

static void
mem_free(struct blob_sink *k)
{
	struct memory_sink *m = (struct memory_sink *)k;
	for (guint i = 0; i < m->fds->len; i++)
		close(g_array_index(m->fds, int, i));
	g_array_unref(m->fds);
	g_free(m->tmp_dir);
	g_free(m);
}

struct blob_sink *
blob_sink_memory_new(const char *tmp_dir)
{
	struct memory_sink *m = g_new0(struct memory_sink, 1);
	m->k.open = mem_open;
	m->k.keep = mem_keep;
	m->k.drop = mem_drop;
	m->k.free = mem_free;
	m->tmp_dir = g_strdup(tmp_dir);
	m->k.tmp_dir = m->tmp_dir;
	m->k.error_domain = G_FILE_ERROR;
	m->k.error_temp = G_FILE_ERROR_IO;
	m->fds = g_array_new(FALSE, FALSE, sizeof(int));
	return &m->k;
}

void
blob_sink_free(struct blob_sink *k)
{
	if (k)
		k->free(k);
}
