/* test_doc.c - text out of .docx/.pdf/.zip fixtures written by tests/lib/mkdocs.py;
 * hostile documents give warnings, never a crash, and stay within the bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "parser/doc.h"
#include "parser/fields_private.h"
#include "model/statement.h"

static char *fx;        /* fixtures folder */
static char *tmp;       /* where inner files are unpacked */

static int
setup(void **state)
{
	fx = g_dir_make_tmp("test_doc-XXXXXX", NULL);
	tmp = g_build_filename(fx, "unpack", NULL);
	g_mkdir(tmp, 0700);
	const char *src = g_getenv("LIAISON_SRC") ? g_getenv("LIAISON_SRC") : ".";
	char *gen = g_build_filename(src, "tests/lib/mkdocs.py", NULL);
	char *argv[] = { "/usr/bin/python3", gen, fx, NULL };
	char *argv2[] = { "/usr/bin/python3", gen, "--check", fx, NULL };
	int st = -1, st2 = -1;
	char *out = NULL;
	gboolean ok = g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, NULL, NULL, &st, NULL) &&
	    g_spawn_check_wait_status(st, NULL) &&
	    g_spawn_sync(NULL, argv2, NULL, 0, NULL, NULL, &out, NULL, &st2, NULL);
	if (out && *out)
		fprintf(stderr, "# mkdocs --check: %s", out);
	g_free(out);
	g_free(gen);
	/* The fixtures must be what they claim before anything is read from them. */
	return ok && g_spawn_check_wait_status(st2, NULL) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *argv[] = { "rm", "-rf", fx, NULL };
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
	g_free(fx);
	g_free(tmp);
	return 0;
}

static struct doc_result *
extract_with(const char *name, const char *type, const struct doc_limits *l)
{
	char *path = g_build_filename(fx, name, NULL);
	struct doc_result *r = doc_extract(path, name, type, l, tmp);
	g_free(path);
	assert_non_null(r);
	return r;
}

static struct doc_result *
extract(const char *name)
{
	struct doc_limits l;
	doc_limits_default(&l);
	return extract_with(name, NULL, &l);
}

static gboolean
warned(const struct doc_result *r, const char *what)
{
	for (guint i = 0; i < r->warnings->len; i++)
		if (strstr(r->warnings->pdata[i], what))
			return TRUE;
	return FALSE;
}

static int
tmp_count(void)
{
	GDir *d = g_dir_open(tmp, 0, NULL);
	int n = 0;
	while (d && g_dir_read_name(d))
		n++;
	if (d)
		g_dir_close(d);
	return n;
}

#define assert_has(text, needle) do { \
	if (!(text) || !strstr((text), (needle))) \
		fail_msg("'%s' not in:\n%s", (needle), (text) ? (text) : "(null)"); \
} while (0)

static void
test_docx_3gpp(void **state)
{
	struct doc_result *r = extract("S3-243456.docx");
	assert_int_equal(r->kind, DOC_KIND_DOCX);
	assert_int_equal(r->warnings->len, 0);
	assert_true(g_str_has_prefix(r->text, "3GPP TSG SA WG3 Meeting #117\tS3-243456\n"));
	/* The header table as "Label: value" lines, in reading order. */
	assert_has(r->text, "\nTitle: LS on Security considerations for MPQUIC\nRelease: Rel-19\n");
	assert_has(r->text, "\nSource: SA3\nTo: IETF QUIC WG\nCc: SA2, CT4\n");
	assert_has(r->text, "\nContact Person:\n   Name: Peter Schmitt\n");
	assert_has(r->text, "\n   E-mail Address: peter.schmitt@example.com\n");
	assert_has(r->text, "\nSend any reply LS to: 3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n");
	assert_has(r->text, "\n2. Actions:\nTo IETF QUIC WG.\nACTION: SA3 kindly asks");
	/* Runs split by the spell checker are joined; tab stops are not text. */
	assert_has(r->text, "multipath QUIC for access traffic steering");
	assert_null(strstr(r->text, "\t\t"));
	assert_true(g_utf8_validate(r->text, -1, NULL));
	doc_result_free(r);
}

static void
test_docx_itu(void **state)
{
	struct doc_result *r = extract("T22-SG15-LS123.docx");
	assert_int_equal(r->warnings->len, 0);
	/* Four-column rows: one line per label/value pair. */
	assert_has(r->text, "Question(s): 11/15\nMeeting, date: Geneva, 8-19 April 2024\n");
	assert_has(r->text, "Study Group: 15\n");
	assert_has(r->text, "Source: ITU-T SG15\nTitle: LS on the use of YANG for optical transport\n");
	assert_has(r->text, "Contact: Jean Dupont\n   Orange\n   France\n   E-mail: jean.dupont@example.org\n");
	assert_has(r->text, "LIAISON STATEMENT\nFor action to: IETF CCAMP WG\nFor comment to:\n");
	assert_has(r->text, "For information to: IETF MPLS WG, IEEE 802.1\n");
	assert_has(r->text, "Deadline: 1 September 2024\n");
	doc_result_free(r);
}

static void
test_pdf(void **state)
{
	struct doc_result *r = extract("T22-SG15-LS123.pdf");
	assert_int_equal(r->kind, DOC_KIND_PDF);
	assert_int_equal(r->warnings->len, 0);
	assert_has(r->text, "For action to: IETF CCAMP WG\n");
	assert_has(r->text, "Deadline: 1 September 2024\n");
	doc_result_free(r);

	r = extract("LIAISE-439.pdf");
	assert_has(r->text, "Broadband Forum Reference: LIAISE-439\n");
	assert_has(r->text, "To: IETF QUIC WG\n");
	doc_result_free(r);
}

/* A cover sheet with its values at a tab stop (the 3GPP Word template): read
 * as drawn, one "Label:<tab>value" line each, not as a column of labels and a
 * column of values (poppler's reading order). */
static void
test_pdf_cover_tab(void **state)
{
	struct doc_result *r = extract("S3-240000.pdf");
	assert_int_equal(r->warnings->len, 0);
	assert_true(g_str_has_prefix(r->text, "3GPP TSG SA WG3 Meeting #124\tS3-240000\n"));
	assert_has(r->text, "\nTitle:\tLS on security of multipath QUIC for ATSSS steering, part 000000\n"
	    "Release:\tRel-19\n");
	assert_has(r->text, "\n\nSource:\tSA3\nTo:\tIETF QUIC WG\nCc:\tSA2, CT4, IETF TSVWG\n\n");
	assert_has(r->text, "\nContact Person:\n   Name:\tPeter Schmitt\n");
	assert_has(r->text, "\nSend any reply LS to:\t3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n");
	/* Paragraphs keep their blank line; words one space apart, justified or not. */
	assert_has(r->text, "the\nrelated key update procedure. SA3 has studied");
	assert_has(r->text, "is below.\n\nSA3 notes that");
	char **lines = g_strsplit(r->text, "\n", -1);
	for (char **l = lines; *l; l++)
		assert_null(strstr(*l + strspn(*l, " "), "  "));
	g_strfreev(lines);
	assert_true(g_utf8_validate(r->text, -1, NULL));

	/* The labels parse from it as from the .docx, and the next meetings too. */
	struct label_block *b = labels_scan(r->text);
	const char *want[][2] = { { "Title", "LS on security of multipath QUIC for ATSSS steering, part 000000" },
		{ "Release", "Rel-19" }, { "Work Item", "FS_ATSSS_Ph4_SEC" }, { "Source", "SA3" },
		{ "To", "IETF QUIC WG" }, { "Cc", "SA2, CT4, IETF TSVWG" },
		{ "Contact Person", "Name: Peter Schmitt\nE-mail: peter.schmitt@example.com" },
		{ "Send any reply LS to", "3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org" },
		{ "Attachments", "S3-243400, S3-243401" } };
	assert_int_equal(b->items->len, G_N_ELEMENTS(want));
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		struct label_item *it = b->items->pdata[i];
		assert_string_equal(it->label, want[i][0]);
		assert_string_equal(it->value, want[i][1]);
	}
	assert_true(b->action_paragraph);
	assert_int_equal(b->next_meetings->len, 2);
	label_block_free(b);
	doc_result_free(r);
}

/* Text drawn up the margin beside the cover is not cut into one letter per
 * line inside the label block: it follows the page's lines; a value
 * continued under its value column is indented and joins its label. */
static void
test_pdf_sideways(void **state)
{
	struct doc_result *r = extract("S3-240001.pdf");
	assert_int_equal(r->warnings->len, 0);
	assert_has(r->text, "\nSA3 thanks the IETF QUIC WG.\n\nDraft for discussion only\n");
	struct label_block *b = labels_scan(r->text);
	const char *want[][2] = { { "Title", "LS on MPQUIC" }, { "Source", "SA3" },
		{ "To", "IETF QUIC WG" }, { "Cc", "SA2" },
		{ "Contact", "Peter Schmitt\npeter.schmitt@example.com" } };
	assert_int_equal(b->items->len, G_N_ELEMENTS(want));
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		struct label_item *it = b->items->pdata[i];
		assert_string_equal(it->label, want[i][0]);
		assert_string_equal(it->value, want[i][1]);
	}
	label_block_free(b);
	doc_result_free(r);
}

/* Prose in two columns side by side is not rebuilt line by line (that would
 * interleave the columns): each column reads on as written. */
static void
test_pdf_columns(void **state)
{
	struct doc_result *r = extract("columns.pdf");
	assert_int_equal(r->warnings->len, 0);
	assert_has(r->text, "Left0 the steering mode determines how\ntraffic Left1 steering");
	assert_null(strstr(r->text, "how\tRight0"));
	assert_null(strstr(r->text, "how Right0"));
	doc_result_free(r);
}

static void
test_pdf_encrypted(void **state)
{
	struct doc_result *r = extract("encrypted.pdf");
	assert_null(r->text);
	assert_true(warned(r, "encrypted.pdf: the PDF is encrypted"));
	doc_result_free(r);

	/* The fixture is really encrypted: with its password poppler reads it. */
	char *path = g_build_filename(fx, "encrypted.pdf", NULL);
	char *uri = g_filename_to_uri(path, NULL, NULL);
	PopplerDocument *d = poppler_document_new_from_file(uri, "secret", NULL);
	assert_non_null(d);
	PopplerPage *p = poppler_document_get_page(d, 0);
	char *t = poppler_page_get_text(p);
	assert_has(t, "LIAISE-439");
	g_free(t);
	g_object_unref(p);
	g_object_unref(d);
	g_free(uri);
	g_free(path);
}

static void
test_zip_3gpp(void **state)
{
	struct doc_result *r = extract("S3-243456.zip");
	assert_int_equal(r->kind, DOC_KIND_ZIP);
	assert_null(r->text);
	assert_int_equal(r->warnings->len, 0);
	assert_int_equal(r->files->len, 1);
	struct doc_file *f = r->files->pdata[0];
	assert_string_equal(f->filename, "S3-243456.docx");
	assert_string_equal(f->content_type,
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_int_equal(f->parent, -1);
	/* The inner file is byte-identical to what was zipped. */
	char *orig = g_build_filename(fx, "S3-243456.docx", NULL);
	char *want = NULL, *got = NULL;
	gsize wl, gl;
	assert_true(g_file_get_contents(orig, &want, &wl, NULL));
	assert_true(g_file_get_contents(f->path, &got, &gl, NULL));
	assert_int_equal(wl, gl);
	assert_int_equal(f->size, (gint64)wl);
	assert_memory_equal(want, got, wl);
	char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)want, wl);
	assert_string_equal(f->sha256, sha);
	g_free(sha);
	g_free(want);
	g_free(got);
	g_free(orig);
	assert_int_equal(r->texts->len, 1);
	struct document *d = r->texts->pdata[0];
	assert_string_equal(d->filename, "S3-243456.docx");
	assert_has(d->text, "Title: LS on Security considerations for MPQUIC\n");
	assert_int_equal(d->text_chars, g_utf8_strlen(d->text, -1));
	assert_int_equal(tmp_count(), 1);
	doc_result_free(r);
	assert_int_equal(tmp_count(), 0);     /* temporary files go with the result */
}

static void
test_zip_nested(void **state)
{
	struct doc_result *r = extract("nested.zip");
	/* inner.zip, its two files, and the .doc; the macOS resource fork is skipped. */
	assert_int_equal(r->files->len, 4);
	const char *names[] = { "inner.zip", "S3-243456.docx", "readme.txt", "evil.doc" };
	const int parents[] = { -1, 0, 0, -1 };
	for (int i = 0; i < 4; i++) {
		struct doc_file *f = r->files->pdata[i];
		assert_string_equal(f->filename, names[i]);
		assert_int_equal(f->parent, parents[i]);
		assert_true(g_str_has_prefix(f->path, tmp));
	}
	assert_string_equal(((struct doc_file *)r->files->pdata[3])->original_name,
	    "../../etc/evil.doc");
	assert_int_equal(r->texts->len, 3);
	assert_has(((struct document *)r->texts->pdata[0])->text, "Title: LS on Security");
	assert_has(((struct document *)r->texts->pdata[1])->text, "Tdoc S3-243456 and its annex.\n");
	assert_null(((struct document *)r->texts->pdata[2])->text);
	assert_true(warned(r, "evil.doc: an old binary Word file (.doc)"));
	doc_result_free(r);

	/* A zip in a zip in a zip: the third level is kept, not opened. */
	r = extract("deep.zip");
	assert_true(warned(r, "nested.zip: inner.zip is an archive nested too deep"));
	assert_int_equal(r->files->len, 3);
	doc_result_free(r);
	assert_int_equal(tmp_count(), 0);
}

static void
test_hostile(void **state)
{
	static const struct { const char *name, *warning; } t[] = {
		{ "bomb.zip", "(a zip bomb?)" },
		{ "bomb.docx", "word/document.xml expands far more than real documents do" },
		{ "xxe.docx", "declares a DTD or entities" },
		{ "laughs.docx", "declares a DTD or entities" },
		{ "S3-240001.doc", "an old binary Word file (.doc)" },
		{ "notapdf.pdf", "not in a format the gateway can read" },
		{ "truncated.docx", "not a readable Word file" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct doc_result *r = extract(t[i].name);
		if (!warned(r, t[i].warning))
			fail_msg("%s: no warning '%s'", t[i].name, t[i].warning);
		assert_null(r->text);
		for (guint j = 0; j < r->texts->len; j++) {
			const char *txt = ((struct document *)r->texts->pdata[j])->text;
			assert_true(!txt || !strstr(txt, "root:"));
		}
		assert_int_equal(r->files->len, 0);
		doc_result_free(r);
	}
	assert_int_equal(tmp_count(), 0);
}

static void
test_limits(void **state)
{
	struct doc_limits l;
	doc_limits_default(&l);
	l.max_pages = 10;
	struct doc_result *r = extract_with("long.pdf", NULL, &l);
	assert_true(warned(r, "600 pages; only the first 10 were read"));
	assert_has(r->text, "Line 9 of a long annex");
	assert_null(strstr(r->text, "Line 10 of"));
	doc_result_free(r);

	/* the parse reads the pages that hold the cover sheet; the rest later */
	doc_limits_default(&l);
	l.parse_pages = 3;
	r = extract_with("long.pdf", NULL, &l);
	assert_true(r->partial);
	assert_has(r->text, "Line 2 of a long annex");
	assert_null(strstr(r->text, "Line 3 of"));
	assert_null(strstr(r->text, "Line 39 of"));
	assert_int_equal(r->warnings->len, 1);   /* only: 600 pages, the first 500 read */
	doc_result_free(r);
	l.parse_pages = 0;     /* the whole PDF (up to max_pages): complete */
	r = extract_with("long.pdf", NULL, &l);
	assert_false(r->partial);
	assert_has(r->text, "Line 39 of a long annex");
	doc_result_free(r);
	l.parse_pages = 3;     /* no more pages than that: complete */
	r = extract_with("T22-SG15-LS123.pdf", NULL, &l);
	assert_false(r->partial);
	doc_result_free(r);
	/* a statement read to its next meetings: the pages after it are left */
	r = extract_with("S3-240002.pdf", NULL, &l);
	assert_true(r->partial);
	assert_has(r->text, "SA3#141");
	assert_null(strstr(r->text, "- page 2"));
	doc_result_free(r);
	/* the meetings' heading at the foot of page 1: page 2 is read too */
	r = extract_with("LIAISE-440.pdf", NULL, &l);
	assert_true(r->partial);
	assert_has(r->text, "SA2#163");
	assert_has(r->text, "Annex page 2");
	assert_null(strstr(r->text, "Annex page 3"));
	doc_result_free(r);

	doc_limits_default(&l);
	l.max_text_chars = 100;
	r = extract_with("S3-243456.docx", NULL, &l);
	assert_true(strlen(r->text) <= 101);
	assert_true(g_utf8_validate(r->text, -1, NULL));
	doc_result_free(r);

	doc_limits_default(&l);
	l.seconds = 0;      /* the deadline has passed before the first page */
	r = extract_with("long.pdf", NULL, &l);
	assert_true(warned(r, "reading took longer than 0 seconds and was stopped"));
	doc_result_free(r);
	r = extract_with("nested.zip", NULL, &l);
	assert_true(warned(r, "reading took longer than"));
	doc_result_free(r);

	doc_limits_default(&l);
	l.max_entries = 1;
	r = extract_with("nested.zip", NULL, &l);
	assert_true(warned(r, "more than 1 entries"));
	doc_result_free(r);

	doc_limits_default(&l);
	l.max_entry_bytes = 1000;
	r = extract_with("S3-243456.zip", NULL, &l);
	assert_true(warned(r, "S3-243456.docx is larger than the size limit"));
	assert_int_equal(r->files->len, 0);
	doc_result_free(r);
	assert_int_equal(tmp_count(), 0);
}

static void
test_big_zip_memory(void **state)
{
	/* 50 MB that does not compress, next to the statement: memory stays flat. */
	char *zip = g_build_filename(fx, "S3-250000.zip", NULL);
	char *code = g_strdup_printf("import sys; sys.path.insert(0, 'tests/lib'); import mkdocs; "
	    "mkdocs.big_zip(%s'%s', 50, '%s/S3-243456.docx')", "", zip, fx);
	char *argv[] = { "/usr/bin/python3", "-c", code, NULL };
	int st = -1;
	assert_true(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, NULL, NULL, &st, NULL));
	assert_true(g_spawn_check_wait_status(st, NULL));
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	struct doc_result *r = extract("S3-250000.zip");
	getrusage(RUSAGE_SELF, &after);
	assert_int_equal(r->files->len, 2);
	assert_int_equal(((struct doc_file *)r->files->pdata[1])->size, 50 * 1024 * 1024);
	assert_has(((struct document *)r->texts->pdata[0])->text, "Title: LS on Security");
	/* ru_maxrss is in KiB; a generous bound, well under the file's size. */
	assert_true(after.ru_maxrss - before.ru_maxrss < 20 * 1024);
	doc_result_free(r);
	g_unlink(zip);
	g_free(zip);
	g_free(code);
}

static void
test_kind(void **state)
{
	static const struct { const char *name, *type; enum doc_kind k; } t[] = {
		{ "S3-243456.docx", NULL, DOC_KIND_DOCX },
		{ "x.DOCX", NULL, DOC_KIND_DOCX },
		{ "S3-243456", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		  DOC_KIND_DOCX },
		{ "a.pdf", NULL, DOC_KIND_PDF },
		{ "a.zip", "application/octet-stream", DOC_KIND_ZIP },
		{ "a.doc", NULL, DOC_KIND_UNREADABLE },
		{ "a.rtf", NULL, DOC_KIND_UNREADABLE },
		{ "notes.txt", NULL, DOC_KIND_TEXT },
		{ "logo.png", "image/png", DOC_KIND_NONE },
		{ "sheet.xlsx", NULL, DOC_KIND_NONE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++)
		if (doc_kind_of(NULL, t[i].name, t[i].type) != t[i].k)
			fail_msg("%s: kind %d, want %d", t[i].name,
			    doc_kind_of(NULL, t[i].name, t[i].type), t[i].k);
	/* Magic bytes win over the name. */
	char *p = g_build_filename(fx, "LIAISE-439.pdf", NULL);
	assert_int_equal(doc_kind_of(p, "letter", "application/octet-stream"), DOC_KIND_PDF);
	g_free(p);
	p = g_build_filename(fx, "S3-243456.docx", NULL);
	assert_int_equal(doc_kind_of(p, "S3-243456", "application/octet-stream"), DOC_KIND_DOCX);
	g_free(p);
	p = g_build_filename(fx, "notapdf.pdf", NULL);   /* the bytes are not what the name says */
	assert_int_equal(doc_kind_of(p, "notapdf.pdf", "application/pdf"), DOC_KIND_UNREADABLE);
	g_free(p);
	p = g_build_filename(fx, "S3-243456.zip", NULL);
	assert_int_equal(doc_kind_of(p, "S3-243456.bin", NULL), DOC_KIND_NONE);
	assert_int_equal(doc_kind_of(p, "S3-243456", NULL), DOC_KIND_ZIP);
	g_free(p);
}

static struct document *
doc(const char *name, const char *text)
{
	struct document *d = g_new0(struct document, 1);
	d->filename = g_strdup(name);
	d->text = g_strdup(text);
	return d;
}

static const char ls3gpp[] = "3GPP TSG SA WG3 Meeting #117\tS3-243456\nMaastricht\n\n"
    "Title: LS on X\nSource: SA3\nTo: IETF QUIC WG\n";
static const char itu[] = "INTERNATIONAL TELECOMMUNICATION UNION\nQuestion(s): 11/15\n"
    "Source: ITU-T SG15\nTitle: LS on Y\nLIAISON STATEMENT\nFor action to: IETF CCAMP WG\n";

static void
test_pick_statement(void **state)
{
	static const struct {
		const char *names[3], *texts[3];
		const char *subject, *body;
		int want;
	} t[] = {
		/* the Tdoc in the body names the document */
		{ { "S3-243400.docx", "S3-243456.docx" }, { ls3gpp, ls3gpp },
		  "LS on X", "Please find attached LS S3-243456", 1 },
		/* no reference: the cover sheet decides */
		{ { "annex.pdf", "S3-243456.docx" }, { "Some annex text\n", ls3gpp },
		  "LS", "Please find attached", 1 },
		/* ITU-T's .docx and .pdf of one statement: the .docx */
		{ { "T22-SG15-LS123.pdf", "T22-SG15-LS123.docx" }, { itu, itu },
		  "LS on Y", "Dear colleagues", 1 },
		/* one readable letter behind a short body */
		{ { "LIAISE-439.pdf" }, { "Dear IETF QUIC WG chairs,\nwe inform you\n" },
		  "Liaison from BBF", "Please find attached our liaison.", 0 },
		/* the body is the statement: its PDF is an attachment */
		{ { "draft-spec.pdf" }, { "Chapter 1\nIntroduction\n" }, "LS on Z",
		  "Title: LS on Z\nFrom: BBF\nTo: QUIC\nPurpose: For information\n", -1 },
		/* a plain word in the body does not name a document */
		{ { "annex.pdf", "S3-243456.docx" }, { "Annex text\n", ls3gpp },
		  "LS", "Please see the annex and the LS", 1 },
		{ { "T22-SG15-LS123.pdf" }, { "text\n" }, "LS", "Our LS T22-SG15-LS123 is attached", 0 },
		/* an unreadable .doc named in the subject is still the statement */
		{ { "S3-240001.doc", "logo.txt" }, { NULL, "x\n" }, "LS S3-240001 on W", "", 0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		GPtrArray *docs = g_ptr_array_new_with_free_func(document_free);
		for (int j = 0; j < 3 && t[i].names[j]; j++)
			g_ptr_array_add(docs, doc(t[i].names[j], t[i].texts[j]));
		int got = doc_pick_statement(docs, t[i].subject, t[i].body);
		if (got != t[i].want)
			fail_msg("case %zu: picked %d, want %d", i, got, t[i].want);
		for (guint j = 0; j < docs->len; j++)
			assert_string_equal(((struct document *)docs->pdata[j])->role,
			    (int)j == got ? "statement" : "attachment");
		g_ptr_array_unref(docs);
	}
	assert_true(doc_has_cover_sheet(ls3gpp));
	assert_true(doc_has_cover_sheet(itu));
	assert_false(doc_has_cover_sheet("To whom it may concern:\nHello\n"));
	assert_false(doc_has_cover_sheet(NULL));
}

static char *
meta(const char *text)
{
	JsonObject *o = json_object_new();
	doc_meta_extract(text, o);
	JsonNode *n = json_node_init_object(json_node_alloc(), o);
	char *s = json_to_string(n, FALSE);
	json_node_unref(n);
	json_object_unref(o);
	return s;
}

static void
test_meta(void **state)
{
	static const struct { const char *text, *want; } t[] = {
		{ "2. Actions:\nTo IETF QUIC WG.\nACTION: SA3 kindly asks IETF QUIC WG to reply.\n\n"
		  "3. Date of Next TSG SA WG3 Meetings:\nSA3#118\t14 - 18 October 2024\tHyderabad, IN\n"
		  "SA3#119   18 - 22 November 2024   Orlando, US\n",
		  "{\"action_groups\":[\"IETF QUIC WG\"],\"next_meetings\":[\"SA3#118 14 - 18 October "
		  "2024 Hyderabad, IN\",\"SA3#119 18 - 22 November 2024 Orlando, US\"]}" },
		{ "To IETF TSVWG, SA2: ACTION: please review.\n", "{\"action_groups\":[\"IETF TSVWG\",\"SA2\"]}" },
		{ "ACTION: SA3 asks IETF QUIC WG and IETF TLS WG to comment.\n",
		  "{\"action_groups\":[\"IETF QUIC WG\",\"IETF TLS WG\"]}" },
		{ "To IETF QUIC WG.\nSome sentence.\nACTION: nothing named here.\n", "{}" },
		{ "For action to: IETF CCAMP WG\nFor information to: IETF MPLS WG\n",
		  "{\"action_groups\":[\"IETF CCAMP WG\"]}" },
		{ "Date of next meetings: SA2#163, 2-6 Sept 2024\n\n\n4. Annex\nlater\n",
		  "{\"next_meetings\":[\"SA2#163, 2-6 Sept 2024\"]}" },
		{ "3. Date of Next TSG SA WG2 Meetings:\nSA2#163 2-6 Sept 2024\n4. Attachments\nx\n",
		  "{\"next_meetings\":[\"SA2#163 2-6 Sept 2024\"]}" },
		{ "Title: LS on X\nTo: IETF QUIC WG\n", "{}" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		char *got = meta(t[i].text);
		if (strcmp(got, t[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, got, t[i].want);
		g_free(got);
	}
}

/* doc_ls_ended: the next meetings' heading and a line of its list. */
static void
test_ls_ended(void **state)
{
	(void)state;
	static const struct { const char *text; gboolean want; } t[] = {
		{ "2. Actions:\nACTION: SA3 asks IETF QUIC WG to reply.\n\n"
		  "3. Date of Next TSG SA WG3 Meetings:\nSA3#118\t14 - 18 October 2024\n", TRUE },
		{ "Date of next meetings: SA2#163, 2-6 Sept 2024\n", TRUE },
		{ "3.\u00a0Dates of the next meetings\nSA2#163\n", TRUE },
		/* the heading at the foot of the page: its list is on the next one */
		{ "2. Actions:\nACTION: SA3 asks IETF QUIC WG to reply.\n\n"
		  "3. Date of Next TSG SA WG3 Meetings:\n\n", FALSE },
		{ "Title: LS on X\nDate: 5 September 2024\nTo: IETF QUIC WG\n", FALSE },
		{ "", FALSE },
		{ NULL, FALSE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++)
		if (doc_ls_ended(t[i].text) != t[i].want)
			fail_msg("case %zu: want %d", i, t[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx_3gpp),
		cmocka_unit_test(test_docx_itu),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_pdf_cover_tab),
		cmocka_unit_test(test_pdf_sideways),
		cmocka_unit_test(test_pdf_columns),
		cmocka_unit_test(test_pdf_encrypted),
		cmocka_unit_test(test_zip_3gpp),
		cmocka_unit_test(test_zip_nested),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_big_zip_memory),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_pick_statement),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_ls_ended),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
