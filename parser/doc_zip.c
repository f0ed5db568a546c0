/* doc_zip.c - the files inside a .zip (3GPP's Tdoc zips), extracted with
 * libarchive to temporary files under caps on entries, size and ratio. */
#include "parser/doc_private.h"
#include "model/statement.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define ZIP_RATIO_FLOOR (1024 * 1024)   /* below this, any ratio is fine (text compresses well) */
#define ZIP_NAME_MAX 200

static char *zip_safe_name(const char *inner, int n);
static const char *zip_content_type(const char *filename);
static gboolean zip_skip_entry(const char *inner);
static gboolean zip_extract(struct archive *a, const char *inner, const char *name,
    struct doc_ctx *c, struct doc_result *r, gint64 *total, char **path_out,
    gint64 *size_out, char **sha_out, gboolean *stop);

void *
doc_zip_open(const char *path)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

gboolean
doc_zip_is_docx(const char *path)
{
	struct archive *a = path ? doc_zip_open(path) : NULL;
	struct archive_entry *e;
	gboolean found = FALSE;
	int n = 0, rc;
	if (!a)
		return FALSE;
	while (!found && n++ < 64 &&
	    ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN)) {
		const char *p = archive_entry_pathname(e);
		found = p && g_ascii_strcasecmp(p, "word/document.xml") == 0;
	}
	archive_read_free(a);
	return found;
}

gboolean
doc_zip_bomb(void *arch, gint64 raw_start, gint64 out, gint64 cap,
    const struct doc_limits *l, const char **why)
{
	struct archive *a = arch;
	if (out > cap) {
		*why = "is larger than the size limit (a zip bomb?)";
		return TRUE;
	}
	gint64 raw = archive_filter_bytes(a, -1) - raw_start;
	if (out > ZIP_RATIO_FLOOR && out / MAX(raw, 1) > l->max_ratio) {
		*why = "expands far more than real documents do (a zip bomb?)";
		return TRUE;
	}
	return FALSE;
}

/* zip_safe_name - the last component of INNER, safe as a file name: no
 * directories, no leading dots (so never "..") or control characters, bounded. */
static char *
zip_safe_name(const char *inner, int n)
{
	const char *base = inner;
	for (const char *p = inner; *p; p++)
		if ((*p == '/' || *p == '\\') && p[1])
			base = p + 1;
	GString *s = g_string_new(NULL);
	for (const char *p = base; *p; p++) {
		unsigned char ch = *p;
		if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\' || ch == ':')
			continue;
		if (s->len == 0 && (ch == '.' || ch == ' '))
			continue;
		g_string_append_c(s, ch);
	}
	if (s->len > ZIP_NAME_MAX) {
		/* Keep the extension: it tells the kind of the file. */
		const char *dot = strrchr(s->str, '.');
		char *ext = g_strdup(dot && strlen(dot) < 12 ? dot : "");
		const char *end = s->str;
		g_utf8_validate(s->str, ZIP_NAME_MAX - strlen(ext), &end);
		g_string_truncate(s, end - s->str);
		g_string_append(s, ext);
		g_free(ext);
	}
	if (s->len == 0)
		g_string_printf(s, "entry-%d", n);
	return g_string_free(s, FALSE);
}

static const struct { const char *ext, *type; } zip_types[] = {
	{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ ".doc", "application/msword" },
	{ ".pdf", "application/pdf" },
	{ ".zip", "application/zip" },
	{ ".txt", "text/plain" },
	{ ".rtf", "application/rtf" },
	{ ".htm", "text/html" },
	{ ".html", "text/html" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ ".xls", "application/vnd.ms-excel" },
	{ ".ppt", "application/vnd.ms-powerpoint" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".xml", "application/xml" },
};

static const char *
zip_content_type(const char *filename)
{
	for (size_t i = 0; i < G_N_ELEMENTS(zip_types); i++)
		if (g_str_has_suffix(filename, zip_types[i].ext))
			return zip_types[i].type;
	char *lower = g_ascii_strdown(filename, -1);
	const char *t = "application/octet-stream";
	for (size_t i = 0; i < G_N_ELEMENTS(zip_types); i++)
		if (g_str_has_suffix(lower, zip_types[i].ext))
			t = zip_types[i].type;
	g_free(lower);
	return t;
}

/* zip_skip_entry - the clutter archivers add: macOS resource forks, Finder files. */
static gboolean
zip_skip_entry(const char *inner)
{
	const char *base = strrchr(inner, '/');
	base = base ? base + 1 : inner;
	return g_str_has_prefix(inner, "__MACOSX/") || g_str_has_prefix(base, "._") ||
	    strcmp(base, ".DS_Store") == 0 || strcmp(base, "Thumbs.db") == 0;
}

/* zip_extract - the current entry to a temporary file, hashing it; FALSE with
 * a warning (and *STOP for a bomb, a full disk or the deadline) when it failed. */
static gboolean
zip_extract(struct archive *a, const char *inner, const char *name, struct doc_ctx *c,
    struct doc_result *r, gint64 *total, char **path_out, gint64 *size_out, char **sha_out,
    gboolean *stop)
{
	char *path = g_build_filename(c->tmp_dir, "doc-XXXXXX", NULL);
	int fd = g_mkstemp_full(path, O_WRONLY | O_CLOEXEC, 0600);
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	gint64 out = 0, raw_start = archive_filter_bytes(a, -1);
	const char *why = NULL;
	char buf[64 * 1024];
	gboolean ok = FALSE;

	if (fd < 0) {
		doc_warn(r, "%s: no room to unpack %s (%s)", name, inner, g_strerror(errno));
		*stop = TRUE;
		goto out;
	}
	for (;;) {
		if (doc_expired(c, r, name)) {
			*stop = TRUE;
			goto out;
		}
		la_ssize_t n = archive_read_data(a, buf, sizeof buf);
		if (n == 0)
			break;
		if (n < 0) {
			doc_warn(r, "%s: %s is damaged (%s)", name, inner,
			    archive_error_string(a) ? archive_error_string(a) : "zip error");
			goto out;
		}
		out += n;
		*total += n;
		if (doc_zip_bomb(a, raw_start, out, c->l->max_entry_bytes, c->l, &why) ||
		    (*total > c->l->max_total_bytes &&
		    (why = "makes the archive larger than the size limit (a zip bomb?)"))) {
			doc_warn(r, "%s: %s %s; the archive was not read further", name, inner, why);
			*stop = TRUE;
			goto out;
		}
		g_checksum_update(sum, (const guchar *)buf, n);
		for (la_ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				doc_warn(r, "%s: no room to unpack %s (%s)", name, inner,
				    g_strerror(errno));
				*stop = TRUE;
				goto out;
			}
			off += w;
		}
	}
	ok = TRUE;
out:
	if (fd >= 0 && close(fd) < 0 && ok) {
		doc_warn(r, "%s: no room to unpack %s (%s)", name, inner, g_strerror(errno));
		ok = FALSE;
	}
	if (ok) {
		*path_out = path;
		*size_out = out;
		*sha_out = g_strdup(g_checksum_get_string(sum));
	} else {
		if (fd >= 0)
			g_unlink(path);
		g_free(path);
	}
	g_checksum_free(sum);
	return ok;
}

void
doc_zip_read(const char *path, const char *name, int parent, struct doc_ctx *c,
    struct doc_result *r)
{
	struct archive *a = doc_zip_open(path);
	struct archive_entry *e;
	gint64 total = 0;
	int entries = 0, rc = ARCHIVE_OK;
	gboolean stop = FALSE;

	if (!a) {
		doc_warn(r, "%s: not a readable zip archive", name);
		return;
	}
	while (!stop && ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    rc == ARCHIVE_WARN)) {
		if (doc_expired(c, r, name))
			break;
		if (++entries > c->l->max_entries) {
			doc_warn(r, "%s: more than %d entries; the rest was not read", name,
			    c->l->max_entries);
			break;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;           /* folders; symbolic links are never followed */
		const char *p8 = archive_entry_pathname_utf8(e);
		const char *p = archive_entry_pathname(e);
		char *inner = p8 ? g_strdup(p8) : g_utf8_make_valid(p ? p : "", -1);
		if (zip_skip_entry(inner)) {
			g_free(inner);
			continue;
		}
		if (archive_entry_is_encrypted(e)) {
			doc_warn(r, "%s: %s is encrypted and cannot be read", name, inner);
			g_free(inner);
			continue;
		}
		char *tmp = NULL, *sha = NULL;
		gint64 size = 0;
		if (!zip_extract(a, inner, name, c, r, &total, &tmp, &size, &sha, &stop)) {
			g_free(inner);
			continue;
		}
		struct doc_file *f = g_new0(struct doc_file, 1);
		f->filename = zip_safe_name(inner, (int)r->files->len + 1);
		f->original_name = inner;
		f->content_type = g_strdup(zip_content_type(f->filename));
		f->path = tmp;
		f->size = size;
		f->sha256 = sha;
		f->parent = parent;
		g_ptr_array_add(r->files, f);
		int idx = (int)r->files->len - 1;

		enum doc_kind k = doc_kind_of(f->path, f->filename, NULL);
		if (k == DOC_KIND_ZIP) {
			if (c->depth < c->l->max_depth) {
				c->depth++;
				doc_zip_read(f->path, f->filename, idx, c, r);
				c->depth--;
			} else {
				doc_warn(r, "%s: %s is an archive nested too deep; kept, not opened",
				    name, f->filename);
			}
		} else if (k != DOC_KIND_NONE) {
			struct document *d = g_new0(struct document, 1);
			d->filename = g_strdup(f->filename);
			d->text = doc_read_kind(k, f->path, f->filename, c, r);
			d->text_chars = d->text ? g_utf8_strlen(d->text, -1) : 0;
			g_ptr_array_add(r->texts, d);
		}
	}
	if (rc == ARCHIVE_FATAL && !stop)
		doc_warn(r, "%s: the archive is damaged (%s); what came before was kept", name,
		    archive_error_string(a) ? archive_error_string(a) : "zip error");
	archive_read_free(a);
}
