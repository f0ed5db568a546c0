/* fuzz_fields.c - libFuzzer target: the label/field reader and validation on
 * a body text (the 4053bis, RFC 4053, 3GPP and ITU-T label forms). */
#include <stdint.h>
#include <string.h>
#include "conf/directory.h"
#include "parser/fields.h"
#include "parser/mime.h"
#include "parser/validate.h"

static struct directory *dir;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir) {
		dir = directory_load("conf/directory.example.conf", NULL, NULL);
		if (!dir)
			dir = directory_new_empty();
	}
	struct parsed_mail pm;
	memset(&pm, 0, sizeof(pm));
	g_autofree char *raw = g_strndup((const char *)data, size);
	pm.body = g_utf8_make_valid(raw, -1);     /* the MIME layer hands over UTF-8 */
	pm.envelope_from = (char *)"sender@example.org";
	pm.h.subject = (char *)"LS on fuzzing";
	pm.h.from = (char *)"Sender <sender@example.org>";
	pm.h.references = g_ptr_array_new();
	pm.outer.references = g_ptr_array_new();
	pm.attachments = g_ptr_array_new();
	pm.attachment_paths = g_ptr_array_new();
	pm.text_attachments = g_ptr_array_new();
	pm.documents = g_ptr_array_new();
	pm.defects = g_ptr_array_new();
	struct statement *st = statement_new();
	fields_extract(st, &pm, dir);
	validate_statement(st, dir, NULL, "2026-11-22");
	if (st->deadline && strlen(st->deadline) != 10)
		__builtin_trap();
	if (st->title && strpbrk(st->title, "\r\n"))
		__builtin_trap();
	statement_free(st);
	g_free(pm.body);
	g_ptr_array_unref(pm.h.references);
	g_ptr_array_unref(pm.outer.references);
	g_ptr_array_unref(pm.attachments);
	g_ptr_array_unref(pm.attachment_paths);
	g_ptr_array_unref(pm.text_attachments);
	g_ptr_array_unref(pm.documents);
	g_ptr_array_unref(pm.defects);
	return 0;
}
