/* mime_doc.c - a message's attachments through the document reader: texts,
 * the files of Tdoc zips as derived attachments, the statement's document. */
#include "parser/mime_doc.h"
#include "parser/doc.h"
#include "conf/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define MIME_DOC_MAX_DERIVED 200   /* inner files kept per message, over all its archives */

/* copy_to_blob - the bytes of the temporary file PATH as blob SHA256 in K;
 * *BLOB_PATH where they are now. */
static int
copy_to_blob(struct blob_sink *k, const char *path, const char *sha256, char **blob_path,
    GError **error)
{
	int out = k->open(k, error);
	if (out < 0)
		return -1;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	char buf[64 * 1024];
	ssize_t n = 0;
	if (in < 0)
		goto io;
	while ((n = read(in, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t off = 0; n > 0 && off < n;) {
			ssize_t w = write(out, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto io;
			off += w;
		}
	if (n < 0)
		goto io;
	close(in);
	return k->keep(k, out, sha256, NULL, blob_path, error);
io:
	g_set_error(error, k->error_domain, k->error_temp, "storing %s: %s", path,
	    g_strerror(errno));
	if (in >= 0)
		close(in);
	k->drop(k, out);
	return -1;
}

static struct document *
document_new(const char *filename, char *text)
{
	struct document *d = g_new0(struct document, 1);
	d->filename = g_strdup(filename);
	d->role = g_strdup("attachment");
	d->text = text;
	d->text_chars = text ? g_utf8_strlen(text, -1) : 0;
	return d;
}

int
mime_doc_read(struct parsed_mail *pm, const struct attachment *a, const char *path,
    const struct conf *c, struct blob_sink *sink, GError **error)
{
	enum doc_kind k = doc_kind_of(path, a->filename, a->content_type);
	if (k == DOC_KIND_NONE || k == DOC_KIND_TEXT)
		return 0;           /* text/plain attachments are read by the MIME layer */
	struct doc_limits l;
	doc_limits_within(&l, c ? c->parse_timeout : 0);
	/* A PDF attachment: the pages that hold the cover sheet now, the rest
	 * (for search) when the workers are idle (flow_doc_rest). A PDF inside
	 * a Tdoc zip is read whole: it has no attachment of its own to go back to. */
	if (c && k == DOC_KIND_PDF)
		l.parse_pages = c->pdf_parse_pages;
	struct doc_result *r = doc_extract(path, a->filename, a->content_type, &l, sink->tmp_dir);
	int rc = 0, zip_pos = a->position;

	if (r->kind != DOC_KIND_ZIP) {
		struct document *d = document_new(a->filename, g_steal_pointer(&r->text));
		d->attachment = a->position;
		d->partial = r->partial;
		g_ptr_array_add(pm->documents, d);
	} else {
		/* Positions of r->files as attachments, for derived_from. */
		int *pos = g_new0(int, r->files->len + 1);
		guint derived = 0;
		for (guint i = 0; i < pm->attachments->len; i++)
			derived += ((struct attachment *)pm->attachments->pdata[i])->derived_from != 0;
		for (guint i = 0; i < r->files->len; i++) {
			struct doc_file *f = r->files->pdata[i];
			if (derived >= MIME_DOC_MAX_DERIVED) {
				g_ptr_array_add(pm->doc_warnings, g_strdup_printf("%s: more than %d "
				    "files inside; the rest is not kept", a->filename,
				    MIME_DOC_MAX_DERIVED));
				break;
			}
			char *blob_path = NULL;
			if (copy_to_blob(sink, f->path, f->sha256, &blob_path, error) < 0) {
				rc = -1;
				break;
			}
			struct attachment *d = g_new0(struct attachment, 1);
			d->position = pm->attachments->len + 1;
			d->filename = g_strdup(f->filename);
			d->original_filename = g_strdup(f->original_name);
			d->content_type = g_strdup(f->content_type);
			d->size = f->size;
			d->sha256 = g_strdup(f->sha256);
			d->derived_from = f->parent < 0 ? zip_pos : pos[f->parent];
			pos[i] = d->position;
			derived++;
			g_ptr_array_add(pm->attachments, d);
			g_ptr_array_add(pm->attachment_paths, blob_path);
		}
		g_free(pos);
		for (guint i = 0; rc == 0 && i < r->texts->len; i++) {
			struct document *d = r->texts->pdata[i];
			g_ptr_array_add(pm->documents, document_new(d->filename,
			    g_steal_pointer(&d->text)));
		}
	}
	for (guint i = 0; i < r->warnings->len; i++)
		g_ptr_array_add(pm->doc_warnings, g_strdup(r->warnings->pdata[i]));
	log_info("event=doc_read attachment=%d kind=%d files=%u warnings=%u partial=%d",
	    a->position, r->kind, r->files->len, r->warnings->len, r->partial);
	doc_result_free(r);
	return rc;
}

void
mime_doc_finish(struct parsed_mail *pm)
{
	if (pm->documents->len)
		doc_pick_statement(pm->documents, pm->h.subject, pm->body);
}

/* to_group_named - the To group written as TEXT (or whose acronym TEXT
 * names, "IETF QUIC WG" for quic): its acronym, else NULL. */
static const char *
to_group_named(const struct statement *st, const char *text)
{
	g_autofree char *low = g_ascii_strdown(text, -1);
	for (guint i = 0; i < st->to_groups->len; i++) {
		const struct group_ref *g = st->to_groups->pdata[i];
		if (!g->acronym)
			continue;
		if (g->text && g_ascii_strcasecmp(g->text, text) == 0)
			return g->acronym;
		g_autofree char *ac = g_ascii_strdown(g->acronym, -1);
		g_auto(GStrv) words = g_strsplit_set(low, " ,.;:()", -1);
		for (char **w = words; *w; w++)
			if (strcmp(*w, ac) == 0)
				return g->acronym;
	}
	return NULL;
}

/* action_groups_resolved - the groups asked to act, as To acronyms where
 * they are To groups (3GPP writes "IETF QUIC WG", the directory says quic). */
static JsonNode *
action_groups_resolved(const struct statement *st, JsonArray *written)
{
	JsonArray *out = json_array_new();
	for (guint i = 0; i < json_array_get_length(written); i++) {
		const char *t = json_array_get_string_element(written, i);
		const char *ac = to_group_named(st, t);
		json_array_add_string_element(out, ac ? ac : t);
	}
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, out);
	return n;
}

void
mime_doc_apply(struct statement *st, const struct parsed_mail *pm)
{
	for (guint i = 0; pm->doc_warnings && i < pm->doc_warnings->len; i++)
		statement_problem(st, PROB_DOCUMENT_UNREADABLE, NULL,
		    "%s. The document is kept as received; read it by hand.",
		    (const char *)pm->doc_warnings->pdata[i]);
	for (guint i = 0; i < st->documents->len; i++) {
		const struct document *d = st->documents->pdata[i];
		if (g_strcmp0(d->role, "statement") != 0 || !d->text)
			continue;
		/* The label reader may have found the next meetings too; these are
		 * the same lines with Word's tabs folded into spaces. */
		JsonObject *m = json_object_new();
		doc_meta_extract(d->text, m);
		if (json_object_has_member(m, "action_groups"))
			json_object_set_member(st->metadata, "action_groups", action_groups_resolved(st,
			    json_object_get_array_member(m, "action_groups")));
		if (json_object_has_member(m, "next_meetings"))
			json_object_set_member(st->metadata, "next_meetings",
			    json_object_dup_member(m, "next_meetings"));
		json_object_unref(m);
	}
}
