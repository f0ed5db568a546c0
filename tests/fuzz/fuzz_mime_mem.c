/* fuzz_mime_mem.c - libFuzzer target: a whole message through mime_parse_file
 * entirely in memory: the input in a memfd, the attachments into the memory
 * blob sink (model/sink.h). No database, no fsync: many more runs a second
 * than fuzz_mime, which goes through the store's sink. Besides crashes it
 * checks what the store relies on: every leaf part accounted for, every
 * attachment's bytes kept under the digest and size recorded for it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "conf/conf.h"
#include "model/sink.h"
#include "parser/mime.h"

static struct conf *conf;
static char *tmp;

static void
setup(void)
{
	tmp = g_dir_make_tmp("fuzz_mime_mem-XXXXXX", NULL);
	conf = conf_load_text("", "fuzz.conf", tmp, NULL);
	if (!tmp || !conf)
		abort();
}

/* check_blob - the bytes at PATH are SIZE long and hash to SHA256. */
static void
check_blob(const char *path, const char *sha256, gint64 size)
{
	gchar *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &data, &len, NULL))
		__builtin_trap();
	g_autofree char *got = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data,
	    len);
	g_free(data);
	if ((gint64)len != size || strcmp(got, sha256) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!conf)
		setup();
	int in = memfd_create("input", MFD_CLOEXEC);
	if (in < 0)
		return 0;
	for (size_t off = 0; off < size;) {
		ssize_t n = write(in, data + off, size - off);
		if (n <= 0) {
			close(in);
			return 0;
		}
		off += (size_t)n;
	}
	g_autofree char *path = g_strdup_printf("/proc/self/fd/%d", in);
	struct blob_sink *sink = blob_sink_memory_new(tmp);
	struct parsed_mail *pm = mime_parse_file(path, "fuzz@example.org", conf, sink, NULL);
	if (pm) {
		gboolean limited = FALSE;
		for (guint i = 0; i < pm->defects->len; i++)
			limited |= strstr(pm->defects->pdata[i], "max_mime_parts") != NULL;
		/* Every leaf part is body, attachment or skipped; files taken out of
		 * a Tdoc zip are attachments too (derived_from), but no leaf part. */
		int direct = 0;
		for (guint i = 0; i < pm->attachments->len; i++)
			direct += ((const struct attachment *)pm->attachments->pdata[i])->derived_from == 0;
		if (!limited && pm->leaf_parts != pm->body_parts + direct + pm->skipped_parts)
			__builtin_trap();
		if (pm->attachments->len != pm->attachment_paths->len)
			__builtin_trap();
		for (guint i = 0; i < pm->attachments->len; i++) {
			const struct attachment *a = pm->attachments->pdata[i];
			if (!a->filename || !*a->filename || strchr(a->filename, '/') ||
			    !a->sha256 || strlen(a->sha256) != 64)
				__builtin_trap();
			check_blob(pm->attachment_paths->pdata[i], a->sha256, a->size);
		}
		if (!g_utf8_validate(pm->body, -1, NULL))
			__builtin_trap();
		parsed_mail_free(pm);
	}
	blob_sink_free(sink);
	close(in);
	return 0;
}
