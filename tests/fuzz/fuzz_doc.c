/* fuzz_doc.c - libFuzzer target: the document readers (issue 8). The first
 * byte picks how the rest is presented: as a file of its own (zip, PDF, ...
 * by its magic), as word/document.xml inside a .docx written here with
 * libarchive, or after a PDF header. Never a crash, a leak or a hang; the
 * limits are small so one input stays fast. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include "parser/doc.h"
#include "model/statement.h"

static char *dir;

/* write_docx - DATA as word/document.xml of a zip at PATH. */
static void
write_docx(const char *path, const uint8_t *data, size_t size)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	archive_write_open_filename(a, path);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "word/document.xml");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, size);
	archive_write_header(a, e);
	archive_write_data(a, data, size);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir)
		dir = g_dir_make_tmp("fuzz_doc-XXXXXX", NULL);
	if (size < 1 || !dir)
		return 0;
	char *path = g_build_filename(dir, "input", NULL);
	const char *name = "input.zip";
	int mode = data[0] % 3;
	data++;
	size--;
	if (mode == 1) {
		write_docx(path, data, size);
		name = "input.docx";
	} else {
		GString *s = g_string_new(mode == 2 ? "%PDF-1.4\n" : "");
		g_string_append_len(s, (const char *)data, size);
		g_file_set_contents(path, s->str, s->len, NULL);
		g_string_free(s, TRUE);
		if (mode == 2)
			name = "input.pdf";
	}
	struct doc_limits l;
	doc_limits_default(&l);
	l.max_total_bytes = l.max_entry_bytes = 4 * 1024 * 1024;
	l.max_entries = 20;
	l.max_pages = 5;
	l.seconds = 2;
	l.max_text_chars = 64 * 1024;
	struct doc_result *r = doc_extract(path, name, NULL, &l, dir);
	if (r->text && !g_utf8_validate(r->text, -1, NULL))
		__builtin_trap();
	for (guint i = 0; i < r->files->len; i++) {
		const struct doc_file *f = r->files->pdata[i];
		if (strchr(f->filename, '/') || f->filename[0] == '.')
			__builtin_trap();
	}
	/* The choice of the statement and the metadata over what was read. */
	GPtrArray *docs = g_ptr_array_new_with_free_func(document_free);
	struct document *d = g_new0(struct document, 1);
	d->filename = g_strdup(name);
	d->text = g_strdup(r->text);
	g_ptr_array_add(docs, d);
	doc_pick_statement(docs, "LS S3-243456", r->text);
	JsonObject *m = json_object_new();
	doc_meta_extract(r->text, m);
	json_object_unref(m);
	g_ptr_array_unref(docs);
	doc_result_free(r);
	g_unlink(path);
	g_free(path);
	return 0;
}
