/* test_mime.c - MIME shapes, encodings, file names, forwards, auto-replies, limits, store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "conf/conf.h"
#include "parser/mime.h"
#include "parser/mime_private.h"
#include "flow/flow.h"
#include "store/store_sink.h"
#include "store/store.h"
#include "store/store_blob.h"
#include "store/store_stmt.h"

struct fx {
	char *dir;
	struct store *s;
	struct conf *c;
	int n;
};

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	f->dir = g_dir_make_tmp("test_mime-XXXXXX", NULL);
	assert_non_null(f->dir);
	GError *e = NULL;
	f->s = store_open(f->dir, &e);
	assert_non_null(f->s);
	f->c = conf_load_text("[parser]\nmax_mime_depth = 8\nmax_mime_parts = 50\n", "t.conf", f->dir, &e);
	assert_non_null(f->c);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	conf_free(f->c);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* parse - write TEXT (\n line ends become CRLF) to a file and parse it. */
static struct parsed_mail *
parse_env(struct fx *f, const char *text, const char *envelope)
{
	GString *crlf = g_string_new(NULL);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, *p);
	}
	g_autofree char *path = g_strdup_printf("%s/m%d.eml", f->dir, ++f->n);
	assert_true(g_file_set_contents(path, crlf->str, crlf->len, NULL));
	g_string_free(crlf, TRUE);
	GError *e = NULL;
	struct blob_sink *k = store_blob_sink_new(f->s);
	struct parsed_mail *pm = mime_parse_file(path, envelope, f->c, k, &e);
	blob_sink_free(k);
	if (!pm)
		fail_msg("parse: %s", e->message);
	return pm;
}

static struct parsed_mail *
parse(struct fx *f, const char *text)
{
	return parse_env(f, text, "chair@example.org");
}

static const struct attachment *
att(const struct parsed_mail *pm, guint i)
{
	assert_true(i < pm->attachments->len);
	return pm->attachments->pdata[i];
}

/* blob_text - the stored bytes of attachment I. */
static char *
blob_text(const struct parsed_mail *pm, guint i, gsize *len)
{
	char *data = NULL;
	assert_true(g_file_get_contents(pm->attachment_paths->pdata[i], &data, len, NULL));
	return data;
}

static void
test_simple(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: Jane Doe <jane@3GPP.ORG>\nTo: statements@ietf.org\nSubject: LS on QUIC\n"
	    "Message-ID: <abc@3gpp.org>\nIn-Reply-To: <prev@ietf.org>\n"
	    "References: <a@x> <prev@ietf.org>\n\nTitle: LS on QUIC\nBody text.\n");
	assert_string_equal(pm->h.subject, "LS on QUIC");
	assert_string_equal(pm->h.from, "Jane Doe <jane@3GPP.ORG>");
	assert_string_equal(pm->h.message_id, "abc@3gpp.org");
	assert_string_equal(pm->h.in_reply_to, "prev@ietf.org");
	assert_int_equal(pm->h.references->len, 2);
	assert_string_equal(pm->body, "Title: LS on QUIC\nBody text.\n");
	assert_int_equal(pm->attachments->len, 0);
	assert_null(pm->forwarded_by);
	assert_false(pm->auto_generated);
	assert_int_equal(pm->leaf_parts, 1);
	g_autofree char *bare = mime_bare_address(pm->h.from);
	assert_string_equal(bare, "jane@3gpp.org");
	parsed_mail_free(pm);
}

static void
test_mixed_base64_qp(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nSubject: x\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"BB\"\n\n"
	    "--BB\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	    "Caf=C3=A9 soft=\nbreak\n"
	    "--BB\nContent-Type: application/pdf; name=\"ls.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"ls.pdf\"\nContent-Transfer-Encoding: base64\n\n"
	    "JVBERi0xLjQKaGVsbG8K\n"
	    "--BB\nContent-Type: text/plain; name=\"fields.txt\"\nContent-Disposition: attachment\n\n"
	    "Title: from attachment\n"
	    "--BB--\n");
	assert_string_equal(pm->body, "Café softbreak");
	assert_int_equal(pm->attachments->len, 2);
	assert_string_equal(att(pm, 0)->filename, "ls.pdf");
	assert_string_equal(att(pm, 0)->content_type, "application/pdf");
	assert_int_equal(att(pm, 0)->size, 15);
	gsize len;
	g_autofree char *data = blob_text(pm, 0, &len);
	assert_int_equal(len, 15);
	assert_memory_equal(data, "%PDF-1.4\nhello\n", 15);
	/* SHA-256 of the decoded bytes names the blob. */
	g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
	assert_string_equal(att(pm, 0)->sha256, sum);
	assert_int_equal(att(pm, 0)->position, 1);
	assert_int_equal(att(pm, 1)->position, 2);
	assert_int_equal(pm->text_attachments->len, 1);
	assert_string_equal(pm->text_attachments->pdata[0], "Title: from attachment");
	assert_int_equal(pm->leaf_parts, 3);
	parsed_mail_free(pm);
}

static void
test_alternative_prefers_plain(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nSubject: x\nContent-Type: multipart/alternative; boundary=A\n\n"
	    "--A\nContent-Type: text/html; charset=utf-8\n\n<p>HTML version</p>\n"
	    "--A\nContent-Type: text/plain; charset=utf-8\n\nPlain version\n--A--\n");
	assert_string_equal(pm->body, "Plain version");
	assert_false(pm->body_from_html);
	assert_int_equal(pm->attachments->len, 0);
	assert_int_equal(pm->skipped_parts, 1);
	parsed_mail_free(pm);
}

static void
test_html_only(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nSubject: x\nContent-Type: multipart/alternative; boundary=A\n\n"
	    "--A\nContent-Type: multipart/related; boundary=R\n\n"
	    "--R\nContent-Type: text/html; charset=iso-8859-1\n\n"
	    "<html><head><title>T</title><style>p{}</style></head><body>"
	    "<p>Title:&nbsp;LS on X</p><p>Purpose: For action<br>Deadline: 2025-01-01</p>"
	    "<ul><li>one</li><li>two \xe9</li></ul><script>alert(1)</script></body></html>\n"
	    "--R\nContent-Type: image/png\nContent-ID: <logo>\nContent-Transfer-Encoding: base64\n\n"
	    "iVBORw0KGgo=\n--R--\n--A--\n");
	assert_true(pm->body_from_html);
	assert_non_null(strstr(pm->body, "Title: LS on X\n"));
	assert_non_null(strstr(pm->body, "Purpose: For action\nDeadline: 2025-01-01"));
	assert_non_null(strstr(pm->body, "- two é"));
	assert_null(strstr(pm->body, "alert"));
	assert_null(strstr(pm->body, "p{}"));
	assert_int_equal(pm->attachments->len, 1);
	assert_string_equal(att(pm, 0)->content_type, "image/png");
	assert_string_equal(att(pm, 0)->filename, "attachment-1.png");
	parsed_mail_free(pm);
}

static void
test_signed(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nSubject: x\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\";"
	    " micalg=pgp-sha256; boundary=S\n\n"
	    "--S\nContent-Type: text/plain\n\nSigned text\n"
	    "--S\nContent-Type: application/pgp-signature; name=signature.asc\n\nSIG\n--S--\n");
	assert_string_equal(pm->body, "Signed text");
	assert_int_equal(pm->attachments->len, 1);
	assert_string_equal(att(pm, 0)->filename, "signature.asc");
	parsed_mail_free(pm);
}

static void
test_rfc2047_2231(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: =?UTF-8?B?SsO8cmdlbg==?= <j@x.de>\n"
	    "Subject: =?ISO-8859-1?Q?LS_on_f=FCr?= =?UTF-8?Q?_bar=0D=0ABcc:_evil@x?=\n"
	    "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nx\n"
	    "--B\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20report.docx\n\ndata\n"
	    "--B\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"\n\ndata\n"
	    "--B\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*0*=UTF-8''long%20;\n filename*1=\"name.txt\"\n\ndata\n"
	    "--B--\n");
	assert_non_null(strstr(pm->h.from, "Jürgen"));
	/* Encoded CR LF never survives into a header value. */
	assert_null(strchr(pm->h.subject, '\r'));
	assert_null(strchr(pm->h.subject, '\n'));
	assert_non_null(strstr(pm->h.subject, "LS on für bar"));
	assert_string_equal(att(pm, 0)->filename, "€ report.docx");
	assert_string_equal(att(pm, 1)->filename, "résumé.pdf");
	assert_string_equal(att(pm, 2)->filename, "long name.txt");
	/* The same bytes are stored once. */
	assert_string_equal(att(pm, 0)->sha256, att(pm, 1)->sha256);
	parsed_mail_free(pm);
}

static const struct { const char *charset; const char *bytes; const char *want; gboolean guessed; } charsets[] = {
	{ "iso-8859-1", "caf\xe9", "café", FALSE },
	{ "windows-1252", "\x93quoted\x94", "\xe2\x80\x9cquoted\xe2\x80\x9d", FALSE },
	{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет", FALSE },
	{ "shift_jis", "\x93\xfa\x96\x7b", "日本", FALSE },
	{ "gb2312", "\xd6\xd0\xce\xc4", "中文", FALSE },
	{ NULL, "caf\xc3\xa9", "café", FALSE },          /* undeclared, valid UTF-8 */
	{ NULL, "caf\xe9", "café", TRUE },               /* undeclared, windows-1252 guessed */
	{ "utf-8", "caf\xe9", "café", TRUE },            /* declared wrongly */
	{ "x-unknown-42", "plain", "plain", TRUE },
};

static void
test_charsets(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(charsets); i++) {
		g_autofree char *ct = charsets[i].charset ?
		    g_strdup_printf("Content-Type: text/plain; charset=\"%s\"\n", charsets[i].charset) :
		    g_strdup("Content-Type: text/plain\n");
		g_autofree char *msg = g_strdup_printf("From: a@b.org\nSubject: x\n%s"
		    "Content-Transfer-Encoding: 8bit\n\n%s\n", ct, charsets[i].bytes);
		struct parsed_mail *pm = parse(*state, msg);
		g_autofree char *want = g_strdup_printf("%s\n", charsets[i].want);
		if (strcmp(pm->body, want) != 0)
			fail_msg("charset %s: got '%s'", charsets[i].charset, pm->body);
		assert_int_equal(pm->charset_guessed, charsets[i].guessed);
		parsed_mail_free(pm);
	}
}

static const struct { const char *in; const char *want; } names[] = {
	{ "../../etc/passwd", "____etc_passwd" },
	{ "..\\..\\boot.ini", "__boot.ini" },  /* the quoted-string eats the backslashes */
	{ "/abs/path.pdf", "_abs_path.pdf" },
	{ "a\x01" "b\x7f" "c.doc", "a_b_c.doc" },
	{ "..", "attachment-1.bin" },
	{ ".hidden", "hidden" },
	{ "  spaced.pdf  ", "spaced.pdf" },
	{ "ok name (1).docx", "ok name (1).docx" },
	{ "", "attachment-1.bin" },
};

static void
test_sanitise(void **state)
{
	/* Through the whole parser: RFC 2231 lets a name carry %00, %0A, / and .. */
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nx\n"
	    "--B\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%0A%00x\n\nd\n--B--\n");
	const char *fn = att(pm, 0)->filename;
	assert_null(strchr(fn, '/'));
	assert_null(strstr(fn, ".."));
	assert_null(strchr(fn, '\n'));
	assert_non_null(att(pm, 0)->original_filename);
	parsed_mail_free(pm);

	/* The table, and a very long name: bounded, valid UTF-8, extension kept. */
	GString *lng = g_string_new(NULL);
	for (int i = 0; i < 150; i++)
		g_string_append(lng, "é");
	g_string_append(lng, ".pdf");
	for (size_t i = 0; i <= G_N_ELEMENTS(names); i++) {
		g_autofree char *body = g_strdup_printf("From: a@b.org\nSubject: x\nContent-Type: multipart/mixed; "
		    "boundary=B\n\n--B\nContent-Type: text/plain\n\nx\n--B\nContent-Type: application/octet-stream\n"
		    "Content-Disposition: attachment; filename=\"%s\"\n\nd\n--B--\n",
		    i < G_N_ELEMENTS(names) ? names[i].in : lng->str);
		pm = parse(*state, body);
		fn = att(pm, 0)->filename;
		if (i < G_N_ELEMENTS(names)) {
			if (strcmp(fn, names[i].want) != 0)
				fail_msg("filename '%s': got '%s'", names[i].in, fn);
		} else {
			assert_true(strlen(fn) <= 200);
			assert_true(g_utf8_validate(fn, -1, NULL));
			assert_true(g_str_has_suffix(fn, ".pdf"));
			assert_string_equal(att(pm, 0)->original_filename, lng->str);
		}
		parsed_mail_free(pm);
	}
	g_string_free(lng, TRUE);
}

static void
test_deep_nesting(void **state)
{
	GString *m = g_string_new("From: a@b.org\nSubject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n");
	int depth = 30;
	for (int i = 0; i < depth; i++)
		g_string_append_printf(m, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i, i + 1);
	g_string_append_printf(m, "--b%d\nContent-Type: text/plain\n\ndeep text\n--b%d--\n", depth, depth);
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf(m, "--b%d--\n", i);
	struct parsed_mail *pm = parse(*state, m->str);
	g_string_free(m, TRUE);
	/* Nothing below max_mime_depth (8) is walked part by part: kept whole. */
	gboolean found = FALSE;
	for (guint i = 0; i < pm->defects->len; i++)
		found |= strstr(pm->defects->pdata[i], "max_mime_depth") != NULL;
	assert_true(found);
	assert_int_equal(pm->attachments->len, 1);
	assert_int_equal(pm->leaf_parts, 1);
	parsed_mail_free(pm);
}

static void
test_many_parts(void **state)
{
	GString *m = g_string_new("From: a@b.org\nSubject: many\nContent-Type: multipart/mixed; boundary=B\n\n");
	for (int i = 0; i < 80; i++)
		g_string_append_printf(m, "--B\nContent-Type: application/octet-stream\n\npart %d\n", i);
	g_string_append(m, "--B--\n");
	struct parsed_mail *pm = parse(*state, m->str);
	g_string_free(m, TRUE);
	assert_true(pm->attachments->len < 50);
	assert_true(pm->defects->len >= 1);
	parsed_mail_free(pm);
}

static void
test_defects(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: a@b.org\nFrom: c@d.org\nSubject: x\nContent-Type: multipart/mixed\n\nno boundary\n");
	assert_true(pm->defects->len >= 1);
	parsed_mail_free(pm);
}

static void
test_forward_attached(void **state)
{
	struct parsed_mail *pm = parse(*state,
	    "From: WG Chair <chair@ietf.org>\nTo: statements@ietf.org\nSubject: Fwd: LS on QUIC\n"
	    "Message-ID: <fwd@ietf.org>\nContent-Type: multipart/mixed; boundary=O\n\n"
	    "--O\nContent-Type: text/plain\n\nPlease post this.\n"
	    "--O\nContent-Type: message/rfc822\n\n"
	    "From: Jane <jane@3gpp.org>\nTo: chair@ietf.org\nSubject: LS on QUIC\nDate: Mon, 2 Sep 2024 10:00:00 +0000\n"
	    "Message-ID: <orig@3gpp.org>\nContent-Type: multipart/mixed; boundary=I\n\n"
	    "--I\nContent-Type: text/plain\n\nTitle: LS on QUIC\nOriginal body\n"
	    "--I\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=S2-2401234.pdf\n\nPDF\n"
	    "--I--\n"
	    "--O\nContent-Type: application/zip; name=extra.zip\n\nZIP\n"
	    "--O--\n");
	assert_string_equal(pm->forwarded_by, "chair@ietf.org");
	assert_string_equal(pm->h.subject, "LS on QUIC");
	assert_string_equal(pm->h.from, "Jane <jane@3gpp.org>");
	assert_string_equal(pm->h.message_id, "orig@3gpp.org");
	assert_string_equal(pm->outer.message_id, "fwd@ietf.org");
	assert_string_equal(pm->body, "Title: LS on QUIC\nOriginal body");
	assert_int_equal(pm->attachments->len, 2);
	assert_string_equal(att(pm, 0)->filename, "S2-2401234.pdf");
	assert_string_equal(att(pm, 1)->filename, "extra.zip");
	/* body + 2 attachments + the cover note = every leaf. */
	assert_int_equal(pm->leaf_parts, 4);
	assert_int_equal(pm->skipped_parts, 1);
	parsed_mail_free(pm);
}

static void
test_rfc822_not_forward(void **state)
{
	/* A statement (it has a Title: line) that carries a mail as an attachment. */
	struct parsed_mail *pm = parse(*state,
	    "From: jane@3gpp.org\nSubject: LS on X\nContent-Type: multipart/mixed; boundary=O\n\n"
	    "--O\nContent-Type: text/plain\n\nTitle: LS on X\n"
	    "--O\nContent-Type: message/rfc822\n\nFrom: x@y.org\nSubject: earlier\n\nhello\n--O--\n");
	assert_null(pm->forwarded_by);
	assert_int_equal(pm->attachments->len, 1);
	assert_string_equal(att(pm, 0)->content_type, "message/rfc822");
	assert_string_equal(att(pm, 0)->filename, "earlier.eml");
	parsed_mail_free(pm);
}

static const struct { const char *name, *body, *from, *subject, *rest; } inline_fwds[] = {
	{ "gmail",
	  "FYI\n\n---------- Forwarded message ---------\nFrom: Jane Doe <jane@3gpp.org>\n"
	  "Date: Mon, Sep 2, 2024 at 10:00 AM\nSubject: LS on QUIC\nTo: <chair@ietf.org>\n\n\nTitle: LS on QUIC\nBody\n",
	  "Jane Doe <jane@3gpp.org>", "LS on QUIC", "Title: LS on QUIC\nBody\n" },
	{ "thunderbird",
	  "\n\n-------- Forwarded Message --------\nSubject: \tLS on X\nDate: \tMon, 2 Sep 2024 10:00:00 +0200\n"
	  "From: \tBob <bob@itu.int>\nTo: \tchair@ietf.org\n\nTitle: LS on X\n",
	  "Bob <bob@itu.int>", "LS on X", "Title: LS on X\n" },
	{ "apple",
	  "Begin forwarded message:\n\nFrom: Ann <ann@ieee.org>\nSubject: Liaison on Y\nDate: 2 September 2024 at 10:00:00 CEST\n"
	  "To: chair@ietf.org\n\nBody Y\n",
	  "Ann <ann@ieee.org>", "Liaison on Y", "Body Y\n" },
	{ "outlook",
	  "Please post.\n\n________________________________\nFrom: Doe, Jane <jane@bbf.org>\n"
	  "Sent: Monday, September 2, 2024 10:00 AM\nTo: chair@ietf.org\nSubject: LS on Z\n\nBody Z\n",
	  "Doe, Jane <jane@bbf.org>", "LS on Z", "Body Z\n" },
	{ "outlook-bare",
	  "From: Jane Doe [mailto:jane@bbf.org]\nSent: Monday, September 2, 2024 10:00 AM\nTo: chair@ietf.org\n"
	  "Subject: LS on W\n\nBody W\n",
	  "Jane Doe <jane@bbf.org>", "LS on W", "Body W\n" },
	{ "original-message",
	  "-----Original Message-----\nFrom: x@etsi.org\nSent: Tuesday\nSubject: LS on V\n\nBody V\n",
	  "x@etsi.org", "LS on V", "Body V\n" },
	{ "german",
	  "-------- Weitergeleitete Nachricht --------\nBetreff: LS zu U\nDatum: Mon, 2 Sep 2024\nVon: Uwe <uwe@din.de>\n"
	  "An: chair@ietf.org\n\nBody U\n",
	  "Uwe <uwe@din.de>", "LS zu U", "Body U\n" },
	/* French Outlook: labels with accents in either case ("À", "ENVOYÉ"),
	 * compared case folded whatever the locale */
	{ "french",
	  "Pour information.\n\n________________________________\nDe : Jean <jean@etsi.org>\n"
	  "ENVOYÉ : lundi 2 septembre 2024 10:00\nÀ : chair@ietf.org\nObjet : LS sur T\n\nBody T\n",
	  "Jean <jean@etsi.org>", "LS sur T", "Body T\n" },
	/* issue 18: the same forwards quoted with "> " (Apple Mail's plain-text
	 * forward, a forward sent as a reply), or twice ("> > ": a forward of a
	 * forward); the innermost original counts */
	{ "apple-quoted",
	  "Begin forwarded message:\n\n> From: Ann <ann@ieee.org>\n> Subject: Liaison on Y\n"
	  "> Date: 2 September 2024 at 10:00:00 CEST\n> To: chair@ietf.org\n> \n> Body Y\n",
	  "Ann <ann@ieee.org>", "Liaison on Y", "Body Y\n" },
	{ "gmail-quoted",
	  "FYI\n\n> ---------- Forwarded message ---------\n> From: Jane Doe <jane@3gpp.org>\n"
	  "> Date: Mon, Sep 2, 2024 at 10:00 AM\n> Subject: LS on QUIC\n> To: <chair@ietf.org>\n>\n"
	  "> Title: LS on QUIC\n> Body\n",
	  "Jane Doe <jane@3gpp.org>", "LS on QUIC", "Title: LS on QUIC\nBody\n" },
	{ "thunderbird-quoted",
	  ">-------- Forwarded Message --------\n>Subject: \tLS on X\n>Date: \tMon, 2 Sep 2024 10:00:00 +0200\n"
	  ">From: \tBob <bob@itu.int>\n>To: \tchair@ietf.org\n>\n>Title: LS on X\n",
	  "Bob <bob@itu.int>", "LS on X", "Title: LS on X\n" },
	{ "outlook-bare-quoted",
	  "Please post.\n\n> From: Jane Doe [mailto:jane@bbf.org]\n> Sent: Monday, September 2, 2024 10:00 AM\n"
	  "> To: chair@ietf.org\n> Subject: LS on W\n>\n> Body W\n",
	  "Jane Doe <jane@bbf.org>", "LS on W", "Body W\n" },
	{ "outlook-of-gmail-twice-quoted",
	  "See below.\n\n> -----Original Message-----\n> From: Dan <dan@example.com>\n> Sent: Friday\n"
	  "> Subject: Fwd: LS on V\n>\n> > ---------- Forwarded message ---------\n"
	  "> > From: x@etsi.org\n> > Date: Thu, 5 Sep 2024\n> > Subject: LS on V\n> >\n> > Body V\n",
	  "x@etsi.org", "LS on V", "Body V\n" },
};

static void
test_forward_inline(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(inline_fwds); i++) {
		g_autofree char *msg = g_strdup_printf("From: WG Chair <Chair@IETF.org>\nSubject: Fwd: x\n"
		    "Content-Type: text/plain; charset=utf-8\n\n%s", inline_fwds[i].body);
		struct parsed_mail *pm = parse(*state, msg);
		if (!pm->forwarded_by)
			fail_msg("%s: not seen as a forward", inline_fwds[i].name);
		assert_string_equal(pm->forwarded_by, "Chair@ietf.org");
		if (strcmp(pm->h.from, inline_fwds[i].from) || strcmp(pm->h.subject, inline_fwds[i].subject) ||
		    strcmp(pm->body, inline_fwds[i].rest))
			fail_msg("%s: from '%s' subject '%s' body '%s'", inline_fwds[i].name, pm->h.from,
			    pm->h.subject, pm->body);
		parsed_mail_free(pm);
	}
	/* A reply whose new text is a statement, quoting an older forward below
	 * it, is the statement, not the quoted forward (issue 18). */
	struct parsed_mail *rp = parse(*state, "From: jane@3gpp.org\nSubject: Re: LS\n\n"
	    "Title: LS on QUIC, second part\nFrom: 3GPP SA2\nTo: IETF QUIC WG\n\nText\n\n"
	    "> ---------- Forwarded message ---------\n> From: Bob <bob@itu.int>\n"
	    "> Date: Mon, 2 Sep 2024\n> Subject: LS on QUIC\n>\n> Old text\n");
	assert_null(rp->forwarded_by);
	assert_true(g_str_has_prefix(rp->body, "Title: LS on QUIC, second part"));
	parsed_mail_free(rp);
	/* A 4053bis body with From:/To: labels is not a forward. */
	struct parsed_mail *pm = parse(*state, "From: jane@3gpp.org\nSubject: LS\n\n"
	    "Title: LS on QUIC\nFrom: 3GPP SA2\nTo: IETF QUIC WG\nSubject: nothing\n\nText\n");
	assert_null(pm->forwarded_by);
	assert_string_equal(pm->h.subject, "LS");
	parsed_mail_free(pm);
}

static const struct { const char *headers; const char *envelope; gboolean yes; } autos[] = {
	{ "Subject: LS on X\n", "jane@3gpp.org", FALSE },
	{ "Subject: LS on X\n", "", TRUE },
	{ "Subject: LS on X\nAuto-Submitted: auto-replied\n", "jane@3gpp.org", TRUE },
	{ "Subject: LS on X\nAuto-Submitted: no\n", "jane@3gpp.org", FALSE },
	{ "Subject: Out of Office: LS on X\n", "jane@3gpp.org", TRUE },
	{ "Subject: Automatic reply: LS on X\n", "jane@3gpp.org", TRUE },
	{ "Subject: Re: LS on X\nX-Autoreply: yes\n", "jane@3gpp.org", TRUE },
	{ "Subject: LS\nPrecedence: auto_reply\n", "jane@3gpp.org", TRUE },
	{ "Subject: Undeliverable: LS on X\n", "postmaster@x.org", TRUE },
	{ "Subject: Report\nContent-Type: multipart/report; report-type=delivery-status; boundary=R\n", "x@y.org", TRUE },
};

static void
test_auto_generated(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(autos); i++) {
		g_autofree char *msg = g_strdup_printf("From: a@b.org\n%s\n--R\nContent-Type: text/plain\n\n"
		    "x\n--R\nContent-Type: message/delivery-status\n\nStatus: 5.0.0\n--R--\n", autos[i].headers);
		struct parsed_mail *pm = parse_env(*state, msg, autos[i].envelope);
		if (pm->auto_generated != autos[i].yes)
			fail_msg("case %zu (%s): auto_generated %d", i, autos[i].headers, pm->auto_generated);
		parsed_mail_free(pm);
	}
}

/* insert_message - a messages row as the LMTP side would commit it. */
static void
insert_message(struct fx *f, gint64 id, const char *file, const char *envelope)
{
	g_autofree char *db = g_build_filename(f->dir, "liaisond.db", NULL);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	g_autofree char *sql = g_strdup_printf("INSERT INTO messages(id, received_at, envelope_from, size,"
	    " sha256, dedupe_key, path, client, session_id) VALUES (%" G_GINT64_FORMAT ", '2026-01-01T00:00:00Z',"
	    " '%s', 1, 'x', 'k%" G_GINT64_FORMAT "', '%s', 'test', 's')", id, envelope, id, file);
	char *err = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("insert: %s", err);
	sqlite3_close(h);
}

static void
test_ingest_and_store(void **state)
{
	struct fx *f = *state;
	const char *msg = "From: Jane <jane@3GPP.org>\r\nSubject: LS on QUIC\r\nMessage-ID: <p1@3gpp.org>\r\n"
	    "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
	    "Title: LS on QUIC\r\n--B\r\nContent-Type: application/pdf\r\n"
	    "Content-Disposition: attachment; filename=ls.pdf\r\n\r\n%PDF\r\n--B--\r\n";
	g_autofree char *path = g_build_filename(f->dir, "msg", "1.eml", NULL);
	assert_true(g_file_set_contents(path, msg, -1, NULL));
	insert_message(f, 1, "msg/1.eml", "jane@3gpp.org");
	GError *e = NULL;
	struct flow_ctx x = { .s = f->s, .c = f->c, .actor = "liaisond" };
	if (flow_ingest_one(&x, 1, &e) < 0)
		fail_msg("ingest: %s", e->message);
	struct statement *st = store_stmt_load(f->s, 1, &e);
	assert_non_null(st);
	assert_int_not_equal(st->state, STMT_RECEIVED);
	assert_int_equal(st->attachments->len, 1);
	assert_string_equal(((struct attachment *)st->attachments->pdata[0])->filename, "ls.pdf");
	/* the label line is a field, not the body (issue 18) */
	assert_string_equal(st->title, "LS on QUIC");
	assert_string_equal(st->body, "");
	assert_string_equal(st->submitter, "jane@3gpp.org");
	int v1 = st->version;
	statement_free(st);

	/* Reprocess replaces the rows and bumps the version. */
	x.actor = "secretariat";
	assert_int_equal(flow_ingest_one(&x, 1, &e), 0);
	st = store_stmt_load(f->s, 1, &e);
	assert_int_equal(st->attachments->len, 1);
	assert_int_equal(st->version, v1 + 1);

	JsonObject *o = json_object_new();
	statement_json_add(o, st);
	static const char *const keys[] = { "state", "title", "purpose", "deadline", "from_groups",
		"to_groups", "from_contacts", "to_contacts", "from_liaison_contact", "to_liaison_contact",
		"body", "attachments", "other_identifiers", "related", "forwarded_by", "action_taken",
		"problems", "documents", "release", "work_items", "next_meetings", "direction",
		"approval", "sent_directly" };
	assert_int_equal(json_object_get_size(o), G_N_ELEMENTS(keys));
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		assert_true(json_object_has_member(o, keys[i]));
	JsonObject *a0 = json_array_get_object_element(json_object_get_array_member(o, "attachments"), 0);
	assert_int_equal(json_object_get_size(a0), 4);
	assert_int_equal(json_object_get_int_member(a0, "size"), 4);
	json_object_unref(o);
	statement_free(st);

	char *blob = NULL;
	struct attachment *a = store_stmt_attachment(f->s, 1, 1, &blob, &e);
	assert_non_null(a);
	gchar *data;
	gsize len;
	assert_true(g_file_get_contents(blob, &data, &len, NULL));
	assert_int_equal(len, 4);
	assert_memory_equal(data, "%PDF", 4);
	g_free(data);
	g_free(blob);
	attachment_free(a);
	assert_null(store_stmt_attachment(f->s, 1, 2, NULL, &e));
	g_clear_error(&e);

	/* Attempts and parse_failed. */
	insert_message(f, 2, "msg/missing.eml", "x@y.org");
	assert_int_equal(store_stmt_next_received(f->s, 0, 1, &e), 2);
	/* with two workers, id 2 is slot 0's and never slot 1's */
	assert_int_equal(store_stmt_next_received(f->s, 0, 2, &e), 2);
	assert_int_equal(store_stmt_next_received(f->s, 1, 2, &e), 0);
	int before = -1;
	assert_int_equal(store_stmt_attempt(f->s, 2, 2, &before, &e), 0);
	assert_int_equal(before, 0);
	assert_int_equal(store_stmt_attempt(f->s, 2, 2, &before, &e), 0);
	assert_int_equal(before, 1);
	assert_int_equal(store_stmt_attempt(f->s, 2, 2, &before, &e), 0);
	assert_int_equal(before, 2);   /* out of attempts: not counted again */
	assert_int_equal(store_stmt_attempt(f->s, 2, 2, &before, &e), 0);
	assert_int_equal(before, 2);
	x.actor = "liaisond";
	assert_int_equal(flow_ingest_one(&x, 2, &e), -1);
	g_clear_error(&e);
	assert_int_equal(flow_ingest_failed(&x, 2, "3 attempts", &e), 0);
	st = store_stmt_load(f->s, 2, &e);
	assert_int_equal(st->state, STMT_REJECTED);
	assert_true(statement_has_problem(st, PROB_PARSE_FAILED));
	statement_free(st);
	assert_int_equal(store_stmt_next_received(f->s, 0, 1, &e), 0);
}

/* mime_utf8_valid agrees with GLib's validator plus a NUL test, at every
 * alignment, on ASCII runs with a NUL, a stray byte or a multi-byte
 * character placed anywhere (random cases, fixed seed). */
static void
test_utf8_valid(void **state)
{
	static const char *const bits[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xc3", "\x80", "\xed\xa0\x80", "\xff", "\0", "\n" };
	static const gsize lens[] = { 1, 2, 3, 4, 1, 1, 3, 1, 1, 1 };
	GRand *r = g_rand_new_with_seed(4053);
	for (int i = 0; i < 20000; i++) {
		GString *t = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 40);
		for (int k = 0; k < n; k++) {
			/* mostly ASCII, as in statements */
			int b = g_rand_int_range(r, 0, 100) < 80 ? 0 : g_rand_int_range(r, 0, 10);
			g_string_append_len(t, bits[b], (gssize)lens[b]);
		}
		gboolean want = g_utf8_validate_len(t->str, t->len, NULL) && !memchr(t->str, 0, t->len);
		if (mime_utf8_valid(t->str, t->len) != want)
			fail_msg("case %d (%zu bytes): want %d", i, t->len, want);
		g_string_free(t, TRUE);
	}
	g_rand_free(r);
}

/* gmime_decode - what GMime's own decoder makes of IN, all at once. */
static gsize
gmime_decode(const guint8 *in, gsize len, guint8 *out)
{
	int state = 0;
	guint32 save = 0;
	return g_mime_encoding_base64_decode_step(in, len, out, &state, &save);
}

/* mime_base64_decode gives GMime's bytes for every text: encoders' lines
 * (76 with CRLF, 64 or 72 with LF, none), padding, and hostile damage
 * (breaks inside a group, junk characters, '=' in the middle, a cut tail). */
static void
test_base64_as_gmime(void **state)
{
	(void)state;
	static const char junk[] = "=\r\n \t-.*\x00\x80\xff=";
	GRand *r = g_rand_new_with_seed(2045);
	int damaged = 0;
	for (int i = 0; i < 4000; i++) {
		gsize n = (gsize)g_rand_int_range(r, 0, i < 100 ? 4096 : 300);
		guint8 *raw = g_malloc(n + 1);
		for (gsize k = 0; k < n; k++)
			raw[k] = (guint8)g_rand_int_range(r, 0, 256);
		g_autofree char *b64 = g_base64_encode(raw, n);
		g_free(raw);
		int line = (int[]){ 76, 76, 64, 72, 0, 5 }[g_rand_int_range(r, 0, 6)];
		const char *eol = g_rand_boolean(r) ? "\r\n" : "\n";
		GString *t = g_string_new(NULL);
		for (gsize k = 0, len = strlen(b64); k < len; k += line ? (gsize)line : len) {
			g_string_append_len(t, b64 + k, (gssize)MIN(line ? (gsize)line : len, len - k));
			g_string_append(t, eol);
		}
		for (int d = g_rand_int_range(r, 0, 5) - 2; d > 0 && t->len; d--, damaged++) {
			gsize at = (gsize)g_rand_int_range(r, 0, (gint32)t->len);
			int what = g_rand_int_range(r, 0, 3);
			if (what == 0)
				t->str[at] = junk[g_rand_int_range(r, 0, (gint32)sizeof junk - 1)];
			else if (what == 1)
				g_string_insert_c(t, (gssize)at, junk[g_rand_int_range(r, 0, (gint32)sizeof junk - 1)]);
			else
				g_string_truncate(t, at);
		}
		GMimeEncoding enc;
		g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
		gsize cap = g_mime_encoding_outlen(&enc, t->len) + 1;
		guint8 *a = g_malloc(cap), *b = g_malloc(cap);
		gsize na = mime_base64_decode((const guint8 *)t->str, t->len, a);
		gsize nb = gmime_decode((const guint8 *)t->str, t->len, b);
		if (na != nb || memcmp(a, b, na) != 0)
			fail_msg("case %d (%zu bytes, lines of %d): %zu bytes, GMime %zu", i, t->len,
			    line, na, nb);
		g_free(a);
		g_free(b);
		g_string_free(t, TRUE);
	}
	assert_true(damaged > 1000);
	g_rand_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_base64_as_gmime),
		cmocka_unit_test_setup_teardown(test_simple, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_base64_qp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alternative_prefers_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc2047_2231, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc822_not_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_inline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_generated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_and_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
