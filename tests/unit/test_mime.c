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
#include "parser/pipeline.h"
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
	struct parsed_mail *pm = mime_parse_file(path, envelope, f->c, f->s, &e);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
