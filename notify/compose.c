/* compose.c - build each outgoing mail completely with GMime: CRLF bytes, ready for DATA
 * (at send time, from what the outbox row says). */
#include "notify/notify_private.h"
#include "store/store_outbox.h"
#include "store/store_blob.h"

#include <fcntl.h>
#include <gmime/gmime.h>
#include <gnutls/crypto.h>
#include <string.h>

char *
notify_envelope_from(const struct conf *c)
{
	return g_strdup(c->from_address);
}

static void
add_mailboxes(GMimeMessage *msg, GMimeAddressType type, GPtrArray *list)
{
	for (guint i = 0; list && i < list->len; i++) {
		const struct addr *a = list->pdata[i];
		g_autofree char *name = a->name ? notify_clean(a->name, 100) : NULL;
		g_mime_message_add_mailbox(msg, type, name && *name ? name : NULL, a->address);
	}
}

/* normalise_body - LF line ends only, no other control characters but tab:
 * GMime turns LF into CRLF, and a stray CR must not reach the SMTP stream. */
static char *
normalise_body(const char *body)
{
	g_autofree char *valid = g_utf8_make_valid(body ? body : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 2);
	for (const char *p = valid; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '\r') {
			if (p[1] != '\n')
				g_string_append_c(out, '\n');
		} else if (ch == '\n' || ch == '\t' || ch >= 0x20) {
			g_string_append_c(out, (char)(ch == 0x7f ? ' ' : ch));
		}
	}
	if (out->len == 0 || out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

static gsize
longest_line(const char *text)
{
	gsize longest = 0, cur = 0;
	for (const char *p = text; *p; p++) {
		cur = *p == '\n' ? 0 : cur + 1;
		longest = MAX(longest, cur);
	}
	return longest;
}

/* from_address - [notify] from, parsed and checked. */
static struct addr *
from_address(const struct conf *c, GError **error)
{
	g_autoptr(GError) e = NULL;
	struct addr *from = c->from && *c->from ? addr_parse_one(c->from, &e) : NULL;
	if (!from || !addr_is_valid(from->address)) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CONFIG,
		    "[notify] from is not a valid address: %s",
		    e ? e->message : c->from);
		addr_free(from);
		return NULL;
	}
	return from;
}

/* new_message_id - a unique Message-ID (without <>) in DOMAIN: the time in
 * microseconds and 96 random bits. GMime's generator opened, read and closed
 * /dev/urandom for each one, three system calls per mail. */
static char *
new_message_id(const char *domain)
{
	guint8 r[12];
	if (gnutls_rnd(GNUTLS_RND_NONCE, r, sizeof r) < 0)
		for (gsize i = 0; i < sizeof r; i++)
			r[i] = (guint8)g_random_int();
	GString *id = g_string_sized_new(64);
	g_string_append_printf(id, "%" G_GINT64_MODIFIER "x.", g_get_real_time());
	for (gsize i = 0; i < sizeof r; i++)
		g_string_append_printf(id, "%02x", r[i]);
	g_string_append_printf(id, "@%s", domain);
	return g_string_free(id, FALSE);
}

char *
notify_message_id(const struct conf *c, GError **error)
{
	notify_gmime_init();
	if (!c->from_address) {
		g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_CONFIG,
		    "[notify] from is not a valid address: %s", c->from);
		return NULL;
	}
	return new_message_id(strrchr(c->from_address, '@') + 1);
}

/* attach_files - MSG becomes multipart/mixed: TEXT, then each of m->files
 * (base64). The boundary follows from the Message-ID, so that every attempt
 * of the same mail sends the same bytes. */
static int
attach_files(GMimeMessage *msg, GMimeTextPart *text, const struct notify_mail *m,
    GError **error)
{
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
	g_autofree char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
	    g_mime_message_get_message_id(msg), -1);
	g_autofree char *boundary = g_strdup_printf("=_liaison_%.32s", digest);
	g_mime_multipart_set_boundary(mp, boundary);
	g_mime_multipart_add(mp, GMIME_OBJECT(text));
	for (guint i = 0; i < m->files->len; i++) {
		const struct notify_file *f = m->files->pdata[i];
		GError *e = NULL;
		GMimeStream *fs = g_mime_stream_fs_open(f->path, O_RDONLY, 0, &e);
		if (!fs) {
			g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_ATTACHMENT, "attachment %s: %s", f->filename, e->message);
			g_error_free(e);
			g_object_unref(mp);
			return -1;
		}
		GMimeContentType *ct = g_mime_content_type_parse(NULL, f->content_type);
		GMimePart *p = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
		    g_mime_content_type_get_media_subtype(ct));
		g_object_unref(ct);
		GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(fs,
		    GMIME_CONTENT_ENCODING_DEFAULT);
		g_mime_part_set_content(p, w);
		g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
		g_autofree char *name = notify_clean(f->filename, 200);
		g_mime_part_set_filename(p, name);
		g_mime_multipart_add(mp, GMIME_OBJECT(p));
		g_object_unref(w);
		g_object_unref(fs);
		g_object_unref(p);
	}
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(mp));
	g_object_unref(mp);
	return 0;
}

GBytes *
notify_compose(const struct conf *c, const struct notify_mail *m, GError **error)
{
	notify_gmime_init();
	struct addr *from = from_address(c, error);
	if (!from)
		return NULL;
	GMimeMessage *msg = g_mime_message_new(TRUE);
	g_autofree char *from_name = from->name ? notify_clean(from->name, 100) : NULL;
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, from_name, from->address);
	add_mailboxes(msg, GMIME_ADDRESS_TYPE_TO, m->rcpts->to);
	add_mailboxes(msg, GMIME_ADDRESS_TYPE_CC, m->rcpts->cc);

	g_autofree char *subject = notify_clean(m->subject, 400);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_mime_message_set_date(msg, m->date ? m->date : now);

	g_autofree char *new_id = m->message_id ? NULL :
	    new_message_id(strrchr(from->address, '@') + 1);
	g_mime_message_set_message_id(msg, m->message_id ? m->message_id : new_id);

	/* RFC 3834: auto-responders must not answer us, and we never answer them. */
	GMimeObject *obj = GMIME_OBJECT(msg);
	g_mime_object_set_header(obj, "Auto-Submitted", "auto-generated", NULL);
	g_mime_object_set_header(obj, "X-Auto-Response-Suppress", "All", NULL);
	if (notify_msgid_ok(m->in_reply_to)) {
		g_autofree char *ref = g_strdup_printf("<%s>", m->in_reply_to);
		g_mime_object_set_header(obj, "In-Reply-To", ref, NULL);
		g_mime_object_set_header(obj, "References", ref, NULL);
	}

	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	g_autofree char *body = normalise_body(m->body);
	g_mime_text_part_set_text(part, body);
	g_mime_object_encode(GMIME_OBJECT(part), GMIME_ENCODING_CONSTRAINT_7BIT);
	/* GMime keeps plain ASCII as 7bit whatever its line length; SMTP servers
	 * refuse lines over 998 octets (RFC 5321 4.5.3.1.6), and statements
	 * come with long lines: quoted-printable folds them. */
	if (g_mime_part_get_content_encoding(GMIME_PART(part)) != GMIME_CONTENT_ENCODING_BASE64 &&
	    longest_line(body) > 76)
		g_mime_part_set_content_encoding(GMIME_PART(part),
		    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	if (m->files && m->files->len > 0) {
		if (attach_files(msg, part, m, error) < 0) {
			g_object_unref(part);
			g_object_unref(msg);
			addr_free(from);
			return NULL;
		}
	} else {
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	}
	g_object_unref(part);

	GMimeFormatOptions *opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(obj, opts, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	GBytes *out = g_bytes_new(bytes->data, bytes->len);
	g_object_unref(mem);
	g_mime_format_options_free(opts);
	g_object_unref(msg);
	addr_free(from);
	return out;
}

static void
file_free(gpointer p)
{
	struct notify_file *f = p;
	g_free(f->path);
	g_free(f->filename);
	g_free(f->content_type);
	g_free(f);
}

GBytes *
notify_compose_queued(struct store *s, const struct conf *c, const struct directory *dir,
    const struct outbox_mail *m, GError **error)
{
	if (m->raw && g_bytes_get_size(m->raw) > 0)   /* composed by a version before schema 0008 */
		return g_bytes_ref(m->raw);
	struct notify_rcpts r = { g_ptr_array_new(), g_ptr_array_new() };
	GPtrArray *keep = g_ptr_array_new_with_free_func((GDestroyNotify)addr_free);
	for (guint i = 0; i < m->rcpts->len; i++) {
		const struct outbox_rcpt *o = m->rcpts->pdata[i];
		struct addr *a = g_new0(struct addr, 1);
		a->name = g_strdup(o->name);
		a->address = g_strdup(o->address);
		g_ptr_array_add(keep, a);
		g_ptr_array_add(strcmp(o->header, "cc") == 0 ? r.cc : r.to, a);
	}
	GBytes *out = NULL;
	struct notify_text text = { 0 };
	GPtrArray *files = NULL;
	if (!m->body) {
		/* a routing mail: the statement itself, written out from its rows
		 * now rather than copied into the outbox (it is most of the mail) */
		struct statement *st = s && m->statement > 0 ?
		    store_outbox_statement(s, m->statement, error) : NULL;
		if (!st) {
			if (error && !*error)
				g_set_error(error, NOTIFY_ERROR, NOTIFY_ERR_NOTFOUND,
				    "no statement to write mail %" G_GINT64_FORMAT
				    " from", m->id);
			goto out;
		}
		/* the documents go with it, up to [notify] attach_max in all */
		gboolean attach = notify_attach_ok(c, st);
		int rc = notify_text_routing(s, c, dir, st, &r, attach, &text, error);
		if (attach) {
			files = g_ptr_array_new_with_free_func(file_free);
			for (guint i = 0; i < st->attachments->len; i++) {
				const struct attachment *a = st->attachments->pdata[i];
				char *path = a->derived_from > 0 ? NULL : store_blob_path(s, a->sha256);
				if (!path)
					continue;
				struct notify_file *f = g_new0(struct notify_file, 1);
				f->path = path;
				f->filename = g_strdup(a->filename);
				f->content_type = g_strdup(a->content_type && *a->content_type ?
				    a->content_type : "application/octet-stream");
				g_ptr_array_add(files, f);
			}
		}
		statement_free(st);
		if (rc < 0)
			goto out;
	}
	/* the Date is when it was queued, so every attempt sends the same mail */
	GDateTime *date = g_date_time_new_from_iso8601(m->created_at, NULL);
	struct notify_mail nm = { m->subject, text.body ? text.body : m->body, &r, m->in_reply_to,
		m->message_id, date, files };
	out = notify_compose(c, &nm, error);
	if (date)
		g_date_time_unref(date);
out:
	if (files)
		g_ptr_array_unref(files);
	notify_text_clear(&text);
	g_ptr_array_unref(r.to);
	g_ptr_array_unref(r.cc);
	g_ptr_array_unref(keep);
	return out;
}
