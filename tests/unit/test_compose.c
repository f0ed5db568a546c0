/* test_compose.c - outgoing mail: required headers, CRLF, RFC 2047, no header injection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <gmime/gmime.h>
#include "notify/notify_private.h"

static struct conf *
conf(void)
{
	GError *e = NULL;
	struct conf *c = conf_load_text("[notify]\nfrom = IETF Liaison Statements"
	    " <statements-noreply@ietf.org>\nbase_url = https://dt.example/liaison/\n",
	    "t.conf", "/tmp", &e);
	assert_non_null(c);
	return c;
}

/* compose - a mail with SUBJECT and one To named NAME; returns the bytes. */
static GBytes *
compose(struct conf *c, const char *subject, const char *name, const char *in_reply_to,
    char **id)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_add(c, &r, FALSE, name, "chair@example.com");
	notify_rcpts_add(c, &r, TRUE, "Coordinators", "liaison-coordination@iab.org");
	struct notify_mail m = { subject, "Line one\nLine two\r\n.\nend\rx", &r, in_reply_to };
	GError *e = NULL;
	GBytes *b = notify_compose(c, &m, id, &e);
	assert_non_null(b);
	notify_rcpts_clear(&r);
	return b;
}

static GMimeMessage *
parse(GBytes *b)
{
	gsize len;
	const char *data = g_bytes_get_data(b, &len);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	assert_non_null(msg);
	return msg;
}

/* header_names - "From,To,..." in order, to compare the header set exactly. */
static char *
header_names(GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GString *s = g_string_new(NULL);
	for (int i = 0; i < g_mime_header_list_get_count(hl); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		g_string_append_printf(s, "%s%s", i ? "," : "", g_mime_header_get_name(h));
	}
	return g_string_free(s, FALSE);
}

static void
check_crlf(GBytes *b)
{
	gsize len;
	const char *d = g_bytes_get_data(b, &len);
	for (gsize i = 0; i < len; i++) {
		if (d[i] == '\n')
			assert_true(i > 0 && d[i - 1] == '\r');
		if (d[i] == '\r')
			assert_true(i + 1 < len && d[i + 1] == '\n');
		assert_true((unsigned char)d[i] < 0x80);   /* 7-bit on the wire */
	}
	assert_true(len >= 2 && d[len - 2] == '\r' && d[len - 1] == '\n');
}

static void
test_required_headers(void **state)
{
	struct conf *c = conf();
	char *id = NULL;
	GBytes *b = compose(c, "New Liaison Statement, \"LS on QUIC\"", "Matt Joras",
	    "orig.123@3gpp.org", &id);
	check_crlf(b);
	GMimeMessage *msg = parse(b);
	g_autofree char *names = header_names(msg);
	assert_string_equal(names, "Date,From,Subject,To,Cc,Message-Id,Auto-Submitted,"
	    "X-Auto-Response-Suppress,In-Reply-To,References,MIME-Version");
	assert_string_equal(g_mime_message_get_subject(msg), "New Liaison Statement, \"LS on QUIC\"");
	assert_string_equal(g_mime_message_get_message_id(msg), id);
	GMimeObject *o = GMIME_OBJECT(msg);
	assert_string_equal(g_mime_object_get_header(o, "Auto-Submitted"), "auto-generated");
	assert_string_equal(g_mime_object_get_header(o, "In-Reply-To"), "<orig.123@3gpp.org>");
	assert_string_equal(g_mime_object_get_header(o, "References"), "<orig.123@3gpp.org>");
	assert_null(g_mime_object_get_header(o, "Reply-To"));
	assert_non_null(g_mime_message_get_date(msg));
	g_autofree char *from = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
	assert_string_equal(from, "IETF Liaison Statements <statements-noreply@ietf.org>");
	assert_true(g_str_has_suffix(id, "@ietf.org"));
	/* The body keeps its lines; the lone "." stays (curl dot-stuffs it on the wire). */
	GMimeTextPart *tp = GMIME_TEXT_PART(g_mime_message_get_mime_part(msg));
	g_autofree char *text = g_mime_text_part_get_text(tp);
	assert_non_null(strstr(text, "Line one\r\nLine two\r\n.\r\nend\r\nx"));
	g_object_unref(msg);
	g_bytes_unref(b);

	/* Two mails, two Message-IDs. */
	char *id2 = NULL;
	b = compose(c, "x", NULL, NULL, &id2);
	assert_string_not_equal(id, id2);
	msg = parse(b);
	assert_null(g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To"));
	g_object_unref(msg);
	g_bytes_unref(b);
	g_free(id);
	g_free(id2);
	conf_free(c);
}

static void
test_header_injection(void **state)
{
	struct conf *c = conf();
	const char *const titles[] = {
		"LS\r\nBcc: victim@example.org",
		"LS\nBcc: victim@example.org",
		"LS\rBcc: victim@example.org",
		"LS\r\n\r\nBody injected",
		"LS\x0b\x0c\x1b\x7f\xc2\x85 next\xe2\x80\xa8line",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(titles); i++) {
		GBytes *b = compose(c, titles[i], "Evil\r\nBcc: victim@example.org", "x@y\r\nBcc: z@y",
		    NULL);
		check_crlf(b);
		GMimeMessage *msg = parse(b);
		g_autofree char *names = header_names(msg);
		assert_string_equal(names, "Date,From,Subject,To,Cc,Message-Id,Auto-Submitted,"
		    "X-Auto-Response-Suppress,MIME-Version");
		const char *subject = g_mime_message_get_subject(msg);
		for (const char *p = subject; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		assert_true(g_str_has_prefix(subject, "LS "));
		InternetAddressList *to = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO);
		assert_int_equal(internet_address_list_length(to), 1);
		g_object_unref(msg);
		g_bytes_unref(b);
	}
	g_autofree char *clean = notify_clean("a\r\n\tb \x01 c\xe2\x80\xa9" "d", 100);
	assert_string_equal(clean, "a b c d");
	g_autofree char *cut = notify_clean("abcdef", 3);
	assert_string_equal(cut, "abc");
	assert_false(notify_msgid_ok("a@b\r\nX: y"));
	assert_false(notify_msgid_ok("<a@b>"));
	assert_false(notify_msgid_ok("nodomain"));
	assert_true(notify_msgid_ok("CAB1234.x@mail.example.com"));
	conf_free(c);
}

/* decode_words - RFC 2047 2/6.2: every encoded word stands alone (an integral
 * number of characters), and space between two encoded words is dropped.
 * GMime 3.2's decoder joins adjacent base64 words before decoding and stops
 * at the first padding, so each word is decoded on its own here. */
static char *
decode_words(const char *raw_value)
{
	g_auto(GStrv) tokens = g_regex_split_simple("[ \t\r\n]+", raw_value, 0, 0);
	GString *out = g_string_new(NULL);
	gboolean prev_encoded = FALSE;
	for (char **t = tokens; *t; t++) {
		if (!**t)
			continue;
		gboolean enc = g_str_has_prefix(*t, "=?") && g_str_has_suffix(*t, "?=");
		if (out->len && !(enc && prev_encoded))
			g_string_append_c(out, ' ');
		if (enc) {
			g_autofree char *d = g_mime_utils_header_decode_text(NULL, *t);
			g_string_append(out, d);
		} else {
			g_string_append(out, *t);
		}
		prev_encoded = enc;
	}
	return g_string_free(out, FALSE);
}

static void
test_non_ascii(void **state)
{
	struct conf *c = conf();
	const char *const titles[] = {
		"Liaison statement received: \"Réponse à la LS sur QUIC – 日本語\"",
		"Liaison deadline in 7 days: Ответ на заявление о связи по вопросам маршрутизации, "
		"который достаточно длинный, чтобы его пришлось переносить на несколько строк",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(titles); i++) {
		GBytes *b = compose(c, titles[i], "Jürgen Müller", NULL, NULL);
		check_crlf(b);
		gsize len;
		const char *raw = g_bytes_get_data(b, &len);
		g_autofree char *text = g_strndup(raw, len);
		assert_non_null(strstr(text, "Subject: "));
		assert_non_null(strstr(text, "=?"));   /* RFC 2047 encoded words */
		const char *s = strstr(text, "\r\nSubject: ") + 11;
		const char *end = s;
		while (!(end[0] == '\r' && end[1] == '\n' && end[2] != ' '))
			end++;
		g_autofree char *value = g_strndup(s, end - s);
		g_autofree char *decoded = decode_words(value);
		assert_string_equal(decoded, titles[i]);
		GMimeMessage *msg = parse(b);
		InternetAddressList *to = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO);
		InternetAddress *a = internet_address_list_get_address(to, 0);
		assert_string_equal(internet_address_get_name(a), "Jürgen Müller");
		g_object_unref(msg);
		g_bytes_unref(b);
	}
	conf_free(c);
}

int
main(void)
{
	g_mime_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_headers),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_non_ascii),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
