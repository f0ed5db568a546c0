/* ctl_doc.c - `liaisonctl show ID --text`: a statement readable without Word. */
#include "ctl/ctl_doc.h"
#include "store/store_doc.h"
#include "store/store_msg.h"
#include "ctl/ctl_out.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* print_doc - one document under a header line that says what it is. */
static void
print_doc(const struct document *d, gboolean first)
{
	printf("%s==> %s (%s", first ? "" : "\n", d->filename, d->role);
	if (d->text)
		printf(", %" G_GINT64_FORMAT " characters%s) <==\n%s", d->text_chars,
		    d->partial ? ", first pages: the rest is read when liaisond is idle" : "",
		    d->text);
	else
		printf(") <==\n(could not be read: see the document_unreadable warning)\n");
	if (d->text && *d->text && d->text[strlen(d->text) - 1] != '\n')
		printf("\n");
}

int
ctl_doc_show_text(struct ctl *c, gint64 id)
{
	GError *error = NULL;
	struct store *s = ctl_store(c);
	int fd = store_msg_open(s, id, &error);
	if (fd < 0) {
		if (g_error_matches(error, STORE_ERROR, STORE_ERR_NOTFOUND)) {
			g_error_free(error);
			return ctl_fail(EX_DATAERR_, "no statement %" G_GINT64_FORMAT, id);
		}
		return ctl_fail_error(error);
	}
	close(fd);
	GPtrArray *docs = g_ptr_array_new_with_free_func(document_free);
	if (store_doc_load(s, id, docs, TRUE, &error) < 0) {
		g_ptr_array_unref(docs);
		return ctl_fail_error(error);
	}
	if (c->json) {
		/* the documents in the same order, with their text */
		JsonArray *a = json_array_new();
		for (int pass = 0; pass < 2; pass++)
			for (guint i = 0; i < docs->len; i++) {
				const struct document *d = docs->pdata[i];
				if ((strcmp(d->role, "statement") == 0) != (pass == 0))
					continue;
				JsonObject *o = json_object_new();
				json_object_set_string_member(o, "filename", d->filename);
				json_object_set_string_member(o, "role", d->role);
				json_object_set_int_member(o, "text_chars", d->text_chars);
				if (d->text)
					json_object_set_string_member(o, "text", d->text);
				else
					json_object_set_null_member(o, "text");
				json_array_add_object_element(a, o);
			}
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", id);
		json_object_set_array_member(o, "documents", a);
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, o);
		ctl_print_json(n);
		g_ptr_array_unref(docs);
		return 0;
	}
	if (docs->len == 0)
		printf("Statement %" G_GINT64_FORMAT " has no documents (.docx, .pdf, .zip); "
		    "`liaisonctl show %" G_GINT64_FORMAT "` shows its body.\n", id, id);
	gboolean first = TRUE;
	for (int pass = 0; pass < 2; pass++)     /* the statement first, then the others */
		for (guint i = 0; i < docs->len; i++) {
			const struct document *d = docs->pdata[i];
			if ((strcmp(d->role, "statement") == 0) == (pass == 0)) {
				print_doc(d, first);
				first = FALSE;
			}
		}
	g_ptr_array_unref(docs);
	return 0;
}

void
ctl_doc_print_section(const struct statement *st, gint64 id)
{
	if (!st->documents || st->documents->len == 0)
		return;
	ctl_out_heading(stdout, "Documents");
	struct ctl_table *t = ctl_table_new(3, "NAME", "ROLE", "TEXT");
	for (guint i = 0; i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		g_autofree char *chars = d->text_chars > 0 ?
		    g_strdup_printf("%" G_GINT64_FORMAT " characters%s", d->text_chars,
		    d->partial ? " (first pages)" : "") :
		    g_strdup("could not be read");
		ctl_table_add(t, d->filename, d->role, chars);
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
	printf("(`liaisonctl show %" G_GINT64_FORMAT " --text` prints their text)\n", id);
}
