/* fuzz_mail.c - libFuzzer target: the whole mail -> statement path (MIME,
 * forwards, attachments into blobs, documents, fields, validation, the
 * transition table's row) on a raw message, as the parse stage runs it, with
 * the blobs in memory (no database, no fsync). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "conf/conf.h"
#include "conf/directory.h"
#include "parser/fields.h"
#include "parser/mime.h"
#include "parser/validate.h"
#include "flow/flow.h"
#include "model/sink.h"

static struct conf *conf;
static struct directory *dir;
static char *tmp;

static void
setup(void)
{
	tmp = g_dir_make_tmp("fuzz-mail-XXXXXX", NULL);
	conf = conf_load(NULL, NULL);
	dir = directory_load("conf/directory.example.conf", NULL, NULL);
	if (!dir)
		dir = directory_new_empty();
	if (!conf)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!conf)
		setup();
	g_autofree char *path = g_build_filename(tmp, "input.eml", NULL);
	if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
		return 0;
	GError *error = NULL;
	struct blob_sink *sink = blob_sink_memory_new(tmp);
	struct parsed_mail *pm = mime_parse_file(path, "sender@example.org", conf, sink, &error);
	if (!pm) {
		g_clear_error(&error);
		blob_sink_free(sink);
		return 0;
	}
	struct statement *st = statement_new();
	fields_extract(st, pm, dir);
	validate_statement(st, dir, NULL, "2026-11-22");
	/* What reaches headers of outgoing mail must be one line. */
	if ((st->title && strpbrk(st->title, "\r\n")) ||
	    !flow_match(FLOW_INGEST, STMT_RECEIVED, flow_facts(st, 0)))
		__builtin_trap();
	statement_free(st);
	parsed_mail_free(pm);
	blob_sink_free(sink);
	return 0;
}
