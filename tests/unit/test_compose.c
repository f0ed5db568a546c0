/* test_compose.c - outgoing mail: required headers, CRLF, RFC 2047, no header injection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include <gmime/gmime.h>
#include "notify/notify_private.h"
#include "store/store_outbox.h"

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
	GError *e = NULL;
	char *mid = notify_message_id(c, &e);
	assert_non_null(mid);
	struct notify_mail m = { subject, "Line one\nLine two\r\n.\nend\rx", &r, in_reply_to, mid,
		NULL, NULL };
	GBytes *b = notify_compose(c, &m, &e);
	if (id)
		*id = mid;
	else
		g_free(mid);
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
	/* RFC 5321 4.5.3.1.6: no line over 998 octets (servers answer 500). */
	gsize line = 0;
	for (gsize i = 0; i < len; i++) {
		line = d[i] == '\n' ? 0 : line + 1;
		assert_true(line <= 998);
	}
}

static void
test_long_lines(void **state)
{
	struct conf *c = conf();
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_add(c, &r, FALSE, NULL, "chair@example.com");
	GString *body = g_string_new("Intro\n");
	for (int i = 0; i < 400; i++)
		g_string_append(body, "text ");
	g_string_append(body, "\nand ");
	for (int i = 0; i < 300; i++)
		g_string_append(body, "ü");
	g_autofree char *title = g_strnfill(600, 'T');
	struct notify_mail m = { title, body->str, &r, NULL, NULL, NULL, NULL };
	GError *e = NULL;
	GBytes *b = notify_compose(c, &m, &e);
	check_crlf(b);
	GMimeMessage *msg = parse(b);
	GMimeTextPart *tp = GMIME_TEXT_PART(g_mime_message_get_mime_part(msg));
	g_autofree char *text = g_mime_text_part_get_text(tp);
	g_autofree char *want = g_strdup_printf("%.*s", (int)(body->len - 1), body->str);
	assert_non_null(strstr(text, "text text text"));
	assert_int_equal(strlen(g_mime_message_get_subject(msg)), 400);
	g_object_unref(msg);
	g_bytes_unref(b);
	g_string_free(body, TRUE);
	notify_rcpts_clear(&r);
	conf_free(c);
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

static void
test_bodies(void **state)
{
	struct conf *c = conf();
	struct statement *st = statement_new();
	st->id = 42;
	st->state = STMT_POSTED;
	st->title = g_strdup("LS on\r\nQUIC");
	st->purpose = g_strdup("for_action");
	st->deadline = g_strdup("2030-01-20");
	st->body = g_strdup("Please act.");
	g_ptr_array_add(st->from_groups, group_ref_new("3GPP TSG SA", "3gpp-tsgsa"));
	g_ptr_array_add(st->to_groups, group_ref_new("QUIC WG", "quic"));
	g_ptr_array_add(st->from_contacts, addr_new("Expert", "expert@3gpp.example"));
	struct attachment *a = g_new0(struct attachment, 1);
	a->position = 2;
	a->filename = g_strdup("S2-1234.pdf");
	g_ptr_array_add(st->attachments, a);
	gint64 rel = 7;
	g_array_append_val(st->related, rel);
	statement_problem_add(st, "deadline_past", SEV_WARNING, "deadline", "The deadline has passed.");
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_add(c, &r, FALSE, "Chair", "chair@example.com");
	notify_rcpts_add(c, &r, TRUE, NULL, "ad@example.com");

	GError *e = NULL;
	struct directory *dir = directory_load("conf/directory.example.conf", NULL, &e);
	assert_non_null(dir);
	struct notify_text t = { 0 };
	assert_int_equal(notify_text_routing(NULL, c, dir, st, &r, FALSE, &t, &e), 0);
	assert_string_equal(t.subject, "New Liaison Statement, \"LS on QUIC\"");
	const char *const want_routing[] = {
		"Dear colleagues,\n\n3GPP TSG SA sent a liaison statement to the QUIC working group (quic).\n"
		"It asks for action: please reply by 2030-01-20",
		"Title: LS on QUIC\n", "URL of the IETF Web page: https://dt.example/liaison/42\n",
		"Please reply by 2030-01-20\n", "From: 3GPP TSG SA (\"Expert\" <expert@3gpp.example>)",
		"To: QUIC working group (quic)\n", "Cc: ad@example.com\n", "Purpose: For action\n",
		"https://dt.example/liaison/7\n", "Body:\nPlease act.\n",
		"    S2-1234.pdf\n    https://dt.example/liaison/42/attachments/2\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(want_routing); i++)
		if (!strstr(t.body, want_routing[i]))
			fail_msg("routing body lacks %s:\n%s", want_routing[i], t.body);
	notify_text_clear(&t);

	assert_int_equal(notify_text_ack(NULL, c, dir, st, &r, &t, &e), 0);
	const char *const want_ack[] = { "recorded as number 42", "https://dt.example/liaison/42",
		"It was sent to the QUIC working group (quic).",
		"To: \"Chair\" <chair@example.com>", "Cc: ad@example.com",
		"Deadline recorded: 2030-01-20", "The deadline has passed.", "please quote number 42" };
	for (gsize i = 0; i < G_N_ELEMENTS(want_ack); i++)
		if (!strstr(t.body, want_ack[i]))
			fail_msg("ack lacks %s:\n%s", want_ack[i], t.body);
	/* the essential facts in the first five lines */
	g_auto(GStrv) lines = g_strsplit(t.body, "\n", 6);
	assert_non_null(strstr(lines[2], "recorded as number 42"));
	assert_non_null(strstr(lines[3], "https://dt.example/liaison/42"));
	notify_text_clear(&t);

	statement_clear_problems(st);
	statement_problem_add(st, "missing_deadline", SEV_ERROR, "deadline", "For Action without a deadline.");
	statement_problem_add(st, "no_such_code", SEV_ERROR, "", "Something else.");
	assert_int_equal(notify_text_rejection(c, st, &t, &e), 0);
	const char *const want_rej[] = { "kept as number 42",
		"  1. The statement asks for action but gives no date.\n"
		"     Fix: Add a line \"Deadline: YYYY-MM-DD\"",
		"(For Action without a deadline.)", "  2. Something else.\n",
		"send\nthe statement again to statements@ietf.org",
		"the corrected copy replaces this one",   /* one instruction (issue 20) */
		"How to send a liaison statement to the IETF: https://www.ietf.org/about/liaisons/" };
	for (gsize i = 0; i < G_N_ELEMENTS(want_rej); i++)
		if (!strstr(t.body, want_rej[i]))
			fail_msg("rejection lacks %s:\n%s", want_rej[i], t.body);
	assert_null(strstr(t.body, "4053"));   /* the guide, not a draft */
	notify_text_clear(&t);
	assert_int_equal(notify_text_rejected_notice(c, st, &t, &e), 0);
	assert_non_null(strstr(t.body, "liaisonctl show 42"));
	notify_text_clear(&t);
	assert_int_equal(notify_text_reminder(c, dir, st, -14, &t, &e), 0);
	assert_string_equal(t.subject, "Liaison OUT OF DATE: LS on QUIC");
	assert_non_null(strstr(t.body, "passed 14 days ago"));
	notify_text_clear(&t);
	assert_int_equal(notify_text_reminder(c, dir, st, 1, &t, &e), 0);
	assert_string_equal(t.subject, "Liaison deadline in 1 days: LS on QUIC");
	assert_non_null(strstr(t.body, "2030-01-20, tomorrow."));
	assert_non_null(strstr(t.body, "asks the QUIC working group (quic) for action by 2030-01-20"));
	notify_text_clear(&t);
	assert_int_equal(notify_text_restored(c, st, "posted", &t, &e), 0);
	assert_non_null(strstr(t.body, "It is recorded as liaison statement 42"));
	assert_null(strstr(t.body, "correcting"));
	notify_text_clear(&t);
	assert_int_equal(notify_text_restored(c, st, "rejected", &t, &e), 0);
	assert_non_null(strstr(t.body, "The secretariat is correcting it"));
	notify_text_clear(&t);
	directory_free(dir);
	notify_rcpts_clear(&r);
	statement_free(st);
	conf_free(c);
}

static struct outbox_rcpt *
rcpt(int pos, const char *name, const char *address, const char *header)
{
	struct outbox_rcpt *r = g_new0(struct outbox_rcpt, 1);
	r->position = pos;
	r->name = g_strdup(name);
	r->address = g_strdup(address);
	r->header = g_strdup(header);
	r->state = g_strdup("queued");
	return r;
}

static void
free_rcpt(gpointer p)
{
	struct outbox_rcpt *r = p;
	g_free(r->name);
	g_free(r->address);
	g_free(r->header);
	g_free(r->state);
	g_free(r);
}

/* A queued row is composed at send time from what it says: its Message-ID
 * and Date are the row's, each attempt gives the same bytes, To/Cc keep the
 * names; a row from before schema 0008 (no body) is sent as it was stored. */
static void
test_compose_queued(void **state)
{
	struct conf *c = conf();
	struct outbox_mail m = { .id = 7, .kind = "routing", .subject = "LS on QUIC",
		.message_id = "fixed.1@ietf.org", .created_at = "2026-11-20T10:00:00Z",
		.body = "Statement text.\n", .in_reply_to = "orig.1@3gpp.org" };
	m.rcpts = g_ptr_array_new_with_free_func(free_rcpt);
	g_ptr_array_add(m.rcpts, rcpt(1, "Matt Joras", "matt@example.com", "to"));
	g_ptr_array_add(m.rcpts, rcpt(2, NULL, "quic@ietf.org", "to"));
	g_ptr_array_add(m.rcpts, rcpt(3, "Coordinators", "liaison-coordination@iab.org", "cc"));
	GError *e = NULL;
	GBytes *a = notify_compose_queued(NULL, c, NULL, &m, &e);
	GBytes *b = notify_compose_queued(NULL, c, NULL, &m, &e);
	assert_non_null(a);
	assert_true(g_bytes_equal(a, b));   /* a retry sends the same mail */
	check_crlf(a);
	GMimeMessage *msg = parse(a);
	assert_string_equal(g_mime_message_get_message_id(msg), "fixed.1@ietf.org");
	GDateTime *d = g_mime_message_get_date(msg);
	g_autofree char *when = g_date_time_format_iso8601(d);
	assert_string_equal(when, "2026-11-20T10:00:00Z");
	g_autofree char *to = internet_address_list_to_string(
	    g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), NULL, FALSE);
	assert_string_equal(to, "Matt Joras <matt@example.com>, quic@ietf.org");
	g_autofree char *cc = internet_address_list_to_string(
	    g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), NULL, FALSE);
	assert_string_equal(cc, "Coordinators <liaison-coordination@iab.org>");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To"),
	    "<orig.1@3gpp.org>");
	g_object_unref(msg);
	g_bytes_unref(a);
	g_bytes_unref(b);

	m.body = NULL;   /* queued by an older liaisond: its stored bytes, unchanged */
	m.raw = g_bytes_new_static("Subject: old\r\n\r\nold\r\n", 22);
	GBytes *old = notify_compose_queued(NULL, c, NULL, &m, &e);
	assert_true(g_bytes_equal(old, m.raw));
	g_bytes_unref(old);
	g_bytes_unref(m.raw);
	g_ptr_array_unref(m.rcpts);
	conf_free(c);
}

/* conf_dir - the test config with [notify] template_dir = DIR. */
static struct conf *
conf_dir(const char *dir)
{
	GError *e = NULL;
	g_autofree char *text = g_strdup_printf("[notify]\nfrom = IETF Liaison Statements"
	    " <statements-noreply@ietf.org>\nbase_url = https://dt.example/liaison/\n"
	    "template_dir = %s\n", dir);
	struct conf *c = conf_load_text(text, "t.conf", "/tmp", &e);
	assert_non_null(c);
	return c;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	assert_true(g_file_set_contents(p, text, -1, NULL));
}

/* problems_of - notify_templates_check's problems, one per line. */
static char *
problems_of(struct conf *c)
{
	GPtrArray *p = g_ptr_array_new_with_free_func(g_free);
	notify_templates_check(c, p);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < p->len; i++)
		g_string_append_printf(s, "%s\n", (char *)p->pdata[i]);
	g_ptr_array_unref(p);
	return g_string_free(s, FALSE);
}

/* A template that names an unknown placeholder, puts a condition in the
 * middle of a line or has no Subject line is refused, with file and line;
 * a template folder that does not exist too. */
static void
test_template_check(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("liaison-tmpl-XXXXXX", NULL);
	struct conf *c = conf_dir(dir);
	g_autofree char *none = problems_of(c);
	assert_string_equal(none, "");   /* an empty folder: every kind compiled in */
	write_file(dir, "ack.txt", "# mine\nSubject: Got {title}\n\nHello {nonsense},\n{id} {link}\n");
	write_file(dir, "routing.txt", "Subject: x\n\nText {?deadline}late\n");
	write_file(dir, "reminder.txt", "No subject here\n");
	g_autofree char *p = problems_of(c);
	g_autofree char *ack = g_build_filename(dir, "ack.txt", NULL);
	g_autofree char *want = g_strdup_printf("%s:4: unknown placeholder {nonsense}", ack);
	if (!strstr(p, want) || !strstr(p, "routing.txt:3: {?deadline} must start a line") ||
	    !strstr(p, "reminder.txt:1: the first line"))
		fail_msg("problems:\n%s", p);
	GError *e = NULL;
	assert_int_equal(notify_templates_load(c, &e), -1);
	assert_non_null(strstr(e->message, "unknown placeholder {nonsense}"));
	g_clear_error(&e);
	conf_free(c);
	/* a placeholder that belongs to another kind is unknown here too */
	write_file(dir, "ack.txt", "Subject: x\n\n{problems}\n");
	g_autofree char *rt = g_build_filename(dir, "routing.txt", NULL);
	g_autofree char *rm_ = g_build_filename(dir, "reminder.txt", NULL);
	g_unlink(rt);
	g_unlink(rm_);
	c = conf_dir(dir);
	g_autofree char *q = problems_of(c);
	assert_non_null(strstr(q, "unknown placeholder {problems} (a ack mail knows:"));
	conf_free(c);
	g_autofree char *gone = g_build_filename(dir, "nowhere", NULL);
	c = conf_dir(gone);
	g_autofree char *r = problems_of(c);
	assert_non_null(strstr(r, "template_dir: '"));
	assert_non_null(strstr(r, "is not a folder"));
	conf_free(c);
	g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
}

static struct statement *
hostile_statement(const char *title)
{
	struct statement *st = statement_new();
	st->id = 9;
	st->title = g_strdup(title);
	st->purpose = g_strdup("for_action");
	st->deadline = g_strdup("2030-01-20");
	st->submitter = g_strdup("x@example.org\r\nBcc: victim@example.net");
	st->body = g_strdup("Body\r\nBcc: victim@example.net\r\n");
	g_ptr_array_add(st->to_groups, group_ref_new("QUIC\r\nBcc: v@example.net", "quic"));
	g_ptr_array_add(st->from_groups, group_ref_new("SA2\r\nBcc: v@example.net", NULL));
	statement_problem(st, PROB_MISSING_TITLE, NULL, "%s", title);
	return st;
}

/* check_mail - SUBJECT and BODY composed and parsed again: one Subject line,
 * no header but the ones we write. */
static void
check_mail(struct conf *c, const char *kind, const struct notify_text *t)
{
	if (strchr(t->subject, '\n') || strchr(t->subject, '\r'))
		fail_msg("%s: subject holds a line break: %s", kind, t->subject);
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_add(c, &r, FALSE, NULL, "chair@example.com");
	struct notify_mail m = { t->subject, t->body, &r, NULL, "fixed.2@ietf.org", NULL, NULL };
	GError *e = NULL;
	GBytes *b = notify_compose(c, &m, &e);
	assert_non_null(b);
	GMimeMessage *msg = parse(b);
	GMimeHeaderList *h = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	for (int i = 0; i < g_mime_header_list_get_count(h); i++) {
		const char *name = g_mime_header_get_name(g_mime_header_list_get_header_at(h, i));
		if (!g_ascii_strcasecmp(name, "Bcc") || !g_ascii_strcasecmp(name, "X-Evil"))
			fail_msg("%s: injected header %s", kind, name);
	}
	g_object_unref(msg);
	g_bytes_unref(b);
	notify_rcpts_clear(&r);
}

/* A hostile title (and sender, groups, body) cannot add a header through any
 * template: the compiled-in ones, and one that puts {title} everywhere. */
static void
test_template_injection(void **state)
{
	const char *title = "LS\r\nBcc: victim@example.net\r\nX-Evil: 1\n\nbody";
	g_autofree char *dir = g_dir_make_tmp("liaison-tmpl-XXXXXX", NULL);
	for (int pass = 0; pass < 2; pass++) {
		struct conf *c = conf_dir(dir);
		GError *e = NULL;
		assert_int_equal(notify_templates_load(c, &e), 0);
		struct statement *st = hostile_statement(title);
		struct notify_rcpts r;
		notify_rcpts_init(&r);
		struct notify_text t = { 0 };
		assert_int_equal(notify_text_routing(NULL, c, NULL, st, &r, FALSE, &t, &e), 0);
		check_mail(c, "routing", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_ack(NULL, c, NULL, st, &r, &t, &e), 0);
		check_mail(c, "ack", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_rejection(c, st, &t, &e), 0);
		check_mail(c, "rejection", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_rejected_notice(c, st, &t, &e), 0);
		check_mail(c, "rejects_queue", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_reminder(c, NULL, st, 3, &t, &e), 0);
		check_mail(c, "reminder", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_reminder(c, NULL, st, -7, &t, &e), 0);
		check_mail(c, "overdue", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_discarded(c, st, title, &t, &e), 0);
		check_mail(c, "discarded", &t);
		notify_text_clear(&t);
		assert_int_equal(notify_text_restored(c, st, "posted", &t, &e), 0);
		check_mail(c, "restored", &t);
		notify_text_clear(&t);
		struct outbox_mail m = { .id = 3, .statement = 9, .kind = "ack", .subject = (char *)title };
		m.rcpts = g_ptr_array_new();
		assert_int_equal(notify_text_undelivered(c, &m, &t, &e), 0);
		check_mail(c, "undelivered", &t);
		notify_text_clear(&t);
		g_ptr_array_unref(m.rcpts);
		notify_rcpts_clear(&r);
		statement_free(st);
		conf_free(c);
		/* second pass: every kind's template made of the title */
		const char *const kinds[] = { "routing", "ack", "rejection", "rejects_queue", "reminder",
			"overdue", "discarded", "restored" };
		for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
			g_autofree char *f = g_strdup_printf("%s.txt", kinds[i]);
			write_file(dir, f, "Subject: {title}{title}\n\n{title}\n{?title}{title}\n");
		}
		write_file(dir, "undelivered.txt", "Subject: {subject} {title}\n\n{subject}\n");
	}
	/* back to the compiled-in templates for the other tests */
	struct conf *c = conf();
	GError *e = NULL;
	assert_int_equal(notify_templates_load(c, &e), 0);
	conf_free(c);
	g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
}

int
main(void)
{
	g_mime_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_headers),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_compose_queued),
		cmocka_unit_test(test_template_check),
		cmocka_unit_test(test_template_injection),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
