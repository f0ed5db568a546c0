/* store_blob.c - content-addressed attachment files: written to tmp/, then
 * at the next transaction's start synced, renamed into blobs/ and synced
 * again, all those kept since at once. */
#include "store/store_private.h"
#include "model/digest.h"
#include "store/store_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A blob kept and not yet durable: still in tmp/ until store_blob_flush. */
struct blob_pending {
	char *tmp_path;
	char *path;           /* its place in blobs/ab/ */
};

/* so many pending blobs are flushed at once instead of waiting for the next
 * transaction (a Tdoc zip's inner files are up to 200 per message) */
#define PENDING_MAX 256

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
	if (s->blobs_sync_fd < 0) {
		s->blobs_sync_fd = open(s->blob_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->blobs_sync_fd < 0) {
			set_errno_error(error, "open", s->blob_dir);
			return NULL;
		}
	}
	/* the writer's pid first, as a spool's: store_spool_clean removes what
	 * a process that died before its flush left */
	g_autofree char *name = g_strdup_printf("%d-blob-XXXXXX", (int)getpid());
	g_autofree char *tmpl = g_build_filename(s->tmp_dir, name, NULL);
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

/* store_blob_dirs - blobs/00 .. blobs/ff all made and durable, once per
 * process: made, then one fsync of blobs/, which makes their entries durable
 * (and covers any made by a process that crashed before syncing). An empty
 * folder needs no fsync of its own: a blob's flush syncs the file system
 * before its rename and after it. Making the folders on first use had cost
 * an fsync of blobs/ for each of the first 256 attachments, then an fsync of
 * each new folder: 0.5 s of a new store's first parse on this disk. A new
 * store makes them when it is created (store_open); a process that finds
 * them made pays 256 mkdir calls that fail and the fsync. */
int
store_blob_dirs(struct store *s, GError **error)
{
	if (s->blob_dirs_ready)
		return 0;
	if (g_mkdir_with_parents(s->blob_dir, 0750) != 0)
		return set_errno_error(error, "mkdir", s->blob_dir);
	for (guint i = 0; i < 256; i++) {
		char sub[3];
		g_snprintf(sub, sizeof sub, "%02x", i);
		g_autofree char *dir = g_build_filename(s->blob_dir, sub, NULL);
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return set_errno_error(error, "mkdir", dir);
	}
	if (store_fsync_dir(s->blob_dir, error) < 0)
		return -1;
	s->blob_dirs_ready = TRUE;
	return 0;
}

/* unlink_tmps - the temporary files of the pending blobs PEND (those that
 * were renamed are gone already). */
static void
unlink_tmps(GPtrArray *pend)
{
	for (guint i = 0; i < pend->len; i++)
		unlink(((struct blob_pending *)pend->pdata[i])->tmp_path);
}

static void
pending_free(gpointer p)
{
	struct blob_pending *bp = p;
	g_free(bp->tmp_path);
	g_free(bp->path);
	g_free(bp);
}

int
store_blob_keep(struct store_blob *b, const char *sha256, char **path_now, GError **error)
{
	struct store *s = b->s;
	g_autofree char *path = store_blob_path(s, sha256);
	if (!path) {
		g_set_error(error, STORE_ERROR, STORE_ERR_DATA, "bad blob digest");
		return -1;
	}
	if (store_blob_dirs(s, error) < 0)
		return -1;
	/* Content-addressed: an existing file with this name holds these bytes
	 * already, durably (synced before its rename). Its name may not be yet:
	 * another process renames, then syncs again; the next flush syncs once
	 * before a row of ours can name it. */
	if (access(path, F_OK) == 0) {
		s->blobs_reused = TRUE;
		b->committed = TRUE;
		unlink(b->tmp_path);
		*path_now = g_steal_pointer(&path);
		return 0;
	}
	/* the disk starts on it now; the flush then mostly waits for nothing */
	sync_file_range(b->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	struct blob_pending *bp = g_new0(struct blob_pending, 1);
	bp->tmp_path = g_strdup(b->tmp_path);
	bp->path = g_steal_pointer(&path);
	if (!s->blobs_pending)
		s->blobs_pending = g_ptr_array_new_with_free_func(pending_free);
	g_ptr_array_add(s->blobs_pending, bp);
	b->committed = TRUE;
	*path_now = g_strdup(bp->tmp_path);
	/* inside a transaction (none does this today) a row could name it
	 * before the next begin: durable now */
	if (!store_in_transaction(s) && s->blobs_pending->len < PENDING_MAX)
		return 0;
	return store_blob_flush(s, error);
}

/* sync_fs - every write to the file system of the blobs made durable
 * (syncfs: the file data, the inodes and one journal commit, with one
 * flush of the disk's cache for the lot). The descriptor was opened before
 * the first of these blobs was written, so a writeback error on any of them
 * since is reported (Linux 5.8 and later). */
static int
sync_fs(struct store *s, GError **error)
{
	if (syncfs(s->blobs_sync_fd) != 0)
		return set_errno_error(error, "syncfs", s->blob_dir);
	return 0;
}

/* store_blob_flush - the blobs kept since the last flush made durable in two
 * syncs of the file system for the lot, not two fsyncs each (a file's and
 * its folder's, each a journal commit and a cache flush on the disk): the
 * files' bytes, then the renames into blobs/, so that a name there is only
 * ever a durable file. On a failure nothing is left pending: every
 * temporary file is removed (after a failed sync its pages may be marked
 * clean without being on the disk; the parse writes them again), a file
 * already renamed stays, and the statement's transaction, which has not
 * begun, fails. */
int
store_blob_flush(struct store *s, GError **error)
{
	GPtrArray *pend = s->blobs_pending;
	gboolean reused = s->blobs_reused;
	s->blobs_reused = FALSE;
	if (!pend || pend->len == 0)
		return reused ? sync_fs(s, error) : 0;
	s->blobs_pending = NULL;
	int rc = sync_fs(s, error);
	for (guint i = 0; i < pend->len && rc == 0; i++) {
		struct blob_pending *bp = pend->pdata[i];
		/* two parses kept the same bytes: the first one's file serves */
		if (access(bp->path, F_OK) == 0)
			unlink(bp->tmp_path);
		else if (rename(bp->tmp_path, bp->path) != 0)
			rc = set_errno_error(error, "rename", bp->path);
	}
	if (rc < 0)
		unlink_tmps(pend);
	else
		rc = sync_fs(s, error);
	g_ptr_array_unref(pend);
	return rc;
}

void
store_blob_drop_pending(struct store *s)
{
	if (!s->blobs_pending)
		return;
	unlink_tmps(s->blobs_pending);
	g_clear_pointer(&s->blobs_pending, g_ptr_array_unref);
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
