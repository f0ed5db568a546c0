/* doc.c - which kind of document a file is, and dispatch to its reader. */
#include "parser/doc_private.h"
#include "model/statement.h"
#include "conf/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

static const char *name_ext(const char *filename);
static gboolean ext_in(const char *ext, const char *const *list);
static gboolean type_is(const char *content_type, const char *const *list);

void
doc_limits_default(struct doc_limits *l)
{
	l->max_total_bytes = 128 * 1024 * 1024;
	l->max_entry_bytes = 64 * 1024 * 1024;
	l->max_ratio = 100;
	l->max_entries = 200;
	l->max_depth = 1;
	l->max_pages = 500;
	l->parse_pages = 0;
	l->seconds = 15;
	l->max_text_chars = 2 * 1024 * 1024;
}

void
doc_limits_within(struct doc_limits *l, int parse_timeout)
{
	doc_limits_default(l);
	if (parse_timeout > 0 && parse_timeout / 3 < l->seconds)
		l->seconds = MAX(1, parse_timeout / 3);
}

gboolean
doc_expired(struct doc_ctx *c, struct doc_result *r, const char *name)
{
	if (g_get_monotonic_time() < c->deadline)
		return FALSE;
	if (!c->timed_out && r)
		doc_warn(r, "%s: reading took longer than %d seconds and was stopped",
		    name, c->l->seconds);
	c->timed_out = TRUE;
	return TRUE;
}

void
doc_warn(struct doc_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *w = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	log_info("event=doc_warning detail=%s", log_quote(w));
	g_ptr_array_add(r->warnings, w);
}

gboolean
doc_text_append(GString *out, const char *s, gssize len, const struct doc_limits *l)
{
	if (len < 0)
		len = strlen(s);
	gint64 room = l->max_text_chars - (gint64)out->len;
	if (room <= 0)
		return FALSE;
	if (len <= room) {
		g_string_append_len(out, s, len);
		return TRUE;
	}
	/* Cut on a character boundary so the text stays valid UTF-8. */
	const char *end = s;
	g_utf8_validate(s, room, &end);
	g_string_append_len(out, s, end - s);
	return FALSE;
}

char *
doc_text_finish(GString *out)
{
	while (out->len && g_ascii_isspace(out->str[out->len - 1]))
		g_string_truncate(out, out->len - 1);
	gboolean blank = TRUE;
	for (gsize i = 0; i < out->len && blank; i++)
		if (!g_ascii_isspace(out->str[i]))
			blank = FALSE;
	if (blank) {
		g_string_free(out, TRUE);
		return NULL;
	}
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* name_ext - the lower-case extension of FILENAME without the dot, or "". */
static const char *
name_ext(const char *filename)
{
	static _Thread_local char buf[16];
	const char *dot = filename ? strrchr(filename, '.') : NULL;
	if (!dot || strlen(dot + 1) >= sizeof buf || strchr(dot, '/'))
		return "";
	for (size_t i = 0; i <= strlen(dot + 1); i++)
		buf[i] = g_ascii_tolower(dot[1 + i]);
	return buf;
}

static gboolean
ext_in(const char *ext, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(ext, *list) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
type_is(const char *content_type, const char *const *list)
{
	if (!content_type)
		return FALSE;
	for (; *list; list++)
		if (g_ascii_strncasecmp(content_type, *list, strlen(*list)) == 0)
			return TRUE;
	return FALSE;
}

static const char *const docx_ext[] = { "docx", "docm", "dotx", "dotm", NULL };
static const char *const docx_type[] = {
	"application/vnd.openxmlformats-officedocument.wordprocessingml", NULL };
static const char *const zip_ext[] = { "zip", NULL };
static const char *const zip_type[] = { "application/zip", "application/x-zip", NULL };
static const char *const pdf_ext[] = { "pdf", NULL };
static const char *const pdf_type[] = { "application/pdf", "application/x-pdf", NULL };
static const char *const word_ext[] = { "doc", "dot", "rtf", "odt", "wpd", "wps", NULL };
static const char *const word_type[] = { "application/msword", "application/rtf", "text/rtf",
	"application/vnd.oasis.opendocument.text", "application/vnd.ms-word", NULL };
static const char *const text_ext[] = { "txt", "text", NULL };
static const char *const text_type[] = { "text/plain", NULL };

enum doc_kind
doc_kind_of(const char *path, const char *filename, const char *content_type)
{
	const char *ext = name_ext(filename);
	gboolean says_docx = ext_in(ext, docx_ext) || type_is(content_type, docx_type);
	gboolean says_zip = ext_in(ext, zip_ext) || type_is(content_type, zip_type);
	gboolean says_pdf = ext_in(ext, pdf_ext) || type_is(content_type, pdf_type);
	gboolean says_word = ext_in(ext, word_ext) || type_is(content_type, word_type);
	gboolean says_text = ext_in(ext, text_ext) ||
	    (!*ext && type_is(content_type, text_type));
	unsigned char magic[1024];
	ssize_t n = 0;

	if (path) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, magic, sizeof magic);
			close(fd);
		}
		if (n < 0)
			n = 0;
	}
	if (n >= 4 && memcmp(magic, "PK\x03\x04", 4) == 0) {
		if (says_docx)
			return DOC_KIND_DOCX;
		if (says_zip)
			return DOC_KIND_ZIP;
		if (says_word)
			return DOC_KIND_UNREADABLE;   /* .odt */
		if (*ext && !says_text)
			return DOC_KIND_NONE;         /* .xlsx, .pptx, .jar, ... */
		return doc_zip_is_docx(path) ? DOC_KIND_DOCX : DOC_KIND_ZIP;
	}
	if (n >= 5 && g_strstr_len((const char *)magic, n, "%PDF-"))
		return DOC_KIND_PDF;
	if (n >= 8 && memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return says_word || says_docx || !*ext ? DOC_KIND_UNREADABLE : DOC_KIND_NONE;
	if (!path) {          /* name and type only */
		if (says_docx)
			return DOC_KIND_DOCX;
		if (says_pdf)
			return DOC_KIND_PDF;
		if (says_zip)
			return DOC_KIND_ZIP;
	}
	/* The name promises a document the bytes are not: say so. */
	if (says_docx || says_pdf || says_word || says_zip)
		return DOC_KIND_UNREADABLE;
	if (says_text)
		return DOC_KIND_TEXT;
	return DOC_KIND_NONE;
}

char *
doc_plain_text(const char *path, const char *name, struct doc_ctx *c, struct doc_result *r)
{
	gint64 cap = MIN(c->l->max_text_chars, c->l->max_entry_bytes);
	char *buf = g_malloc(cap + 1);
	gsize got = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		doc_warn(r, "%s: cannot be opened (%s)", name, g_strerror(errno));
		g_free(buf);
		return NULL;
	}
	got = fread(buf, 1, cap, f);
	fclose(f);
	buf[got] = 0;
	char *utf8 = NULL;
	if (got >= 2 && ((guchar)buf[0] == 0xFF && (guchar)buf[1] == 0xFE))
		utf8 = g_convert(buf + 2, got - 2, "UTF-8", "UTF-16LE", NULL, NULL, NULL);
	else if (got >= 2 && ((guchar)buf[0] == 0xFE && (guchar)buf[1] == 0xFF))
		utf8 = g_convert(buf + 2, got - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
	else if (g_utf8_validate(buf, got, NULL))
		utf8 = g_strndup(buf, got);
	else
		utf8 = g_convert(buf, got, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
	g_free(buf);
	if (!utf8) {
		doc_warn(r, "%s: text in an unknown character set", name);
		return NULL;
	}
	GString *out = g_string_new(NULL);
	for (char *p = utf8; *p; p++)        /* CRLF and CR line ends -> LF */
		if (*p != '\r')
			g_string_append_c(out, *p);
		else if (p[1] != '\n')
			g_string_append_c(out, '\n');
	g_free(utf8);
	return doc_text_finish(out);
}

char *
doc_read_kind(enum doc_kind k, const char *path, const char *name, struct doc_ctx *c,
    struct doc_result *r)
{
	switch (k) {
	case DOC_KIND_DOCX:
		return doc_docx_text(path, name, c, r);
	case DOC_KIND_PDF:
		return doc_pdf_text(path, name, c, r);
	case DOC_KIND_TEXT:
		return doc_plain_text(path, name, c, r);
	case DOC_KIND_UNREADABLE:
		if (ext_in(name_ext(name), (const char *const[]){ "doc", "dot", NULL }) ||
		    !*name_ext(name))
			doc_warn(r, "%s: an old binary Word file (.doc), which the gateway cannot "
			    "read; ask the sender for .docx or PDF", name);
		else
			doc_warn(r, "%s: not in a format the gateway can read (.docx, .pdf, .zip)",
			    name);
		return NULL;
	default:
		return NULL;
	}
}

struct doc_result *
doc_extract(const char *path, const char *filename, const char *content_type,
    const struct doc_limits *l, const char *tmp_dir)
{
	struct doc_result *r = g_new0(struct doc_result, 1);
	struct doc_ctx c = {
		.l = l, .tmp_dir = tmp_dir, .depth = 0,
		.deadline = g_get_monotonic_time() + (gint64)l->seconds * G_USEC_PER_SEC,
	};
	const char *name = filename && *filename ? filename : "(unnamed)";

	r->files = g_ptr_array_new();
	r->texts = g_ptr_array_new_with_free_func(document_free);
	r->warnings = g_ptr_array_new_with_free_func(g_free);
	r->kind = doc_kind_of(path, filename, content_type);
	if (r->kind == DOC_KIND_ZIP)
		doc_zip_read(path, name, -1, &c, r);
	else
		r->text = doc_read_kind(r->kind, path, name, &c, r);
	return r;
}

void
doc_result_free(struct doc_result *r)
{
	if (!r)
		return;
	for (guint i = 0; i < r->files->len; i++) {
		struct doc_file *f = r->files->pdata[i];
		if (f->path && g_unlink(f->path) < 0 && errno != ENOENT)
			log_warning("event=doc_tmp_unlink path=%s error=%s", log_quote(f->path),
			    g_strerror(errno));
		g_free(f->filename);
		g_free(f->original_name);
		g_free(f->content_type);
		g_free(f->path);
		g_free(f->sha256);
		g_free(f);
	}
	g_ptr_array_unref(r->files);
	g_ptr_array_unref(r->texts);
	g_ptr_array_unref(r->warnings);
	g_free(r->text);
	g_free(r);
}
