/* fuzz_mime.c - libFuzzer target: a whole message through mime_parse_file,
 * its attachments into the store's blob sink (fuzz_mime_mem.c: in memory).
 * Besides crashes, it checks what the rest of the system relies on: every leaf
 * part accounted for, file names safe as paths, header values single lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf/conf.h"
#include "parser/mime.h"
#include "store/store.h"
#include "store/store_sink.h"

static struct store *store;
static struct blob_sink *sink;
static struct conf *conf;
static char *dir, *file;

static void
setup(void)
{
	dir = g_dir_make_tmp("fuzz_mail-XXXXXX", NULL);
	file = g_build_filename(dir, "m.eml", NULL);
	store = store_open(dir, NULL);
	conf = conf_load_text("", "fuzz.conf", dir, NULL);
	if (!store || !conf)
		abort();
	sink = store_blob_sink_new(store);
}

static void
check_line(const char *v)
{
	for (const char *p = v; p && *p; p++)
		if (*p == '\r' || *p == '\n')
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!store)
		setup();
	if (!g_file_set_contents(file, (const char *)data, size, NULL))
		return 0;
	struct parsed_mail *pm = mime_parse_file(file, "fuzz@example.org", conf, sink, NULL);
	if (!pm)
		return 0;
	gboolean limited = FALSE;
	for (guint i = 0; i < pm->defects->len; i++)
		limited |= strstr(pm->defects->pdata[i], "max_mime_parts") != NULL;
	if (!limited && pm->leaf_parts != pm->body_parts + (int)pm->attachments->len + pm->skipped_parts)
		__builtin_trap();
	for (guint i = 0; i < pm->attachments->len; i++) {
		const struct attachment *a = pm->attachments->pdata[i];
		if (!a->filename || !*a->filename || strchr(a->filename, '/') ||
		    strchr(a->filename, '\\') || strstr(a->filename, "..") || strlen(a->filename) > 200 ||
		    !g_utf8_validate(a->filename, -1, NULL))
			__builtin_trap();
		check_line(a->filename);
	}
	const struct mail_headers *hs[] = { &pm->h, &pm->outer };
	for (int i = 0; i < 2; i++) {
		check_line(hs[i]->subject);
		check_line(hs[i]->from);
		check_line(hs[i]->to);
		check_line(hs[i]->message_id);
	}
	if (!g_utf8_validate(pm->body, -1, NULL))
		__builtin_trap();
	parsed_mail_free(pm);
	return 0;
}
