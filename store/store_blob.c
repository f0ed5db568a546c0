/* store_blob.c - content-addressed attachment files: temp, fsync, rename. */
#include "store/store_private.h"
#include "model/digest.h"
#include "store/store_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct store_blob {
	struct store *s;
	char *tmp_path;
	int fd;
	gboolean committed;
};

static int
set_errno_error(GError **error, const char *what, const char *path)
{
	g_set_error(error, STORE_ERROR, STORE_ERR_TEMP, "%s %s: %s", what, path,
	    g_strerror(errno));
	return -1;
}

struct store_blob *
store_blob_new(struct store *s, GError **error)
{
	g_autofree char *tmpl = g_build_filename(s->tmp_dir, "blob-XXXXXX", NULL);
	int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0) {
		set_errno_error(error, "create", tmpl);
		return NULL;
	}
	struct store_blob *b = g_new0(struct store_blob, 1);
	b->s = s;
	b->fd = fd;
	b->tmp_path = g_steal_pointer(&tmpl);
	return b;
}

int
store_blob_fd(const struct store_blob *b)
{
	return b->fd;
}

char *
store_blob_digest(struct store_blob *b, GError **error)
{
	char *hex = digest_sha256_fd(b->fd);
	if (!hex)
		set_errno_error(error, "read", b->tmp_path);
	return hex;
}

static gboolean
is_sha256_hex(const char *h)
{
	if (!h || strlen(h) != 64)
		return FALSE;
	for (const char *p = h; *p; p++)
		if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
			return FALSE;
	return TRUE;
}

char *
store_blob_path(struct store *s, const char *sha256)
{
	if (!is_sha256_hex(sha256))
		return NULL;
	char sub[3] = { sha256[0], sha256[1], 0 };
	return g_build_filename(s->blob_dir, sub, sha256, NULL);
}

/* blob_dirs_ready - blobs/00 .. blobs/ff all made and durable, once per
 * process: each new one fsynced, then blobs/ once (which also covers one
 * made by a process that crashed before syncing it). A blob's commit then
 * fsyncs only its own folder: making the folders on first use cost an fsync
 * of blobs/ for each of the first 256 attachments, most of a new store's. */
static int
blob_dirs_ready(struct store *s, GError **error)
{
	if (s->blob_dirs_ready)
		return 0;
	if (g_mkdir_with_parents(s->blob_dir, 0750) != 0)
		return set_errno_error(error, "mkdir", s->blob_dir);
	for (guint i = 0; i < 256; i++) {
		char sub[3];
		g_snprintf(sub, sizeof sub, "%02x", i);
		g_autofree char *dir = g_build_filename(s->blob_dir, sub, NULL);
		if (mkdir(dir, 0750) == 0) {
			if (store_fsync_dir(dir, error) < 0)
				return -1;
		} else if (errno != EEXIST) {
			return set_errno_error(error, "mkdir", dir);
		}
	}
	if (store_fsync_dir(s->blob_dir, error) < 0)
		return -1;
	s->blob_dirs_ready = TRUE;
	return 0;
}

int
store_blob_commit(struct store_blob *b, const char *sha256, GError **error)
{
	g_autofree char *path = store_blob_path(b->s, sha256);
	if (!path) {
		g_set_error(error, STORE_ERROR, STORE_ERR_DATA, "bad blob digest");
		return -1;
	}
	if (blob_dirs_ready(b->s, error) < 0)
		return -1;
	/* Content-addressed: an existing file with this name holds these bytes
	 * already (it was fsynced before its own rename). */
	if (access(path, F_OK) == 0) {
		b->committed = TRUE;
		unlink(b->tmp_path);
		return 0;
	}
	if (fsync(b->fd) != 0)
		return set_errno_error(error, "fsync", b->tmp_path);
	if (rename(b->tmp_path, path) != 0)
		return set_errno_error(error, "rename", path);
	b->committed = TRUE;
	/* the new entry in its ab/ folder */
	g_autofree char *dir = g_path_get_dirname(path);
	return store_fsync_dir(dir, error);
}

void
store_blob_free(struct store_blob *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	if (!b->committed)
		unlink(b->tmp_path);
	g_free(b->tmp_path);
	g_free(b);
}
