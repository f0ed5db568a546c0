/* mime.c - a stored message read with GMime: body, attachments as blobs, forwards. */
#include "parser/mime_private.h"
#include "parser/mime_doc.h"
#include "model/digest.h"
#include "conf/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEFECTS 10   /* then one "more defects" line: the raw mail has the rest */
#define MAX_FORWARD_LAYERS 4

/* One parse: limits, what was chosen, what was stored. */
struct walk {
	const struct conf *c;
	struct blob_sink *sink;
	struct parsed_mail *pm;
	GMimeObject *body;            /* the chosen body part of the current layer */
	GHashTable *skip;             /* parts not stored: alternative renditions, cover notes */
	GMimeObject *unwrapped;       /* the message/rfc822 part walked as its own layer */
	int parts;                    /* every part seen, against max_mime_parts */
	gboolean parts_reported, depth_reported;
	gboolean envelope_unknown;    /* imported file: "" is not the null sender */
	GError *error;                /* a blob could not be written: temporary */
};

/* mime_init - GMime's global set-up, once per process, from any thread. */
void
mime_init(void)
{
	static gsize done;
	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

static void
defect(struct parsed_mail *pm, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
defect(struct parsed_mail *pm, const char *fmt, ...)
{
	if (pm->defects->len > MAX_DEFECTS)
		return;
	if (pm->defects->len == MAX_DEFECTS) {
		g_ptr_array_add(pm->defects, g_strdup("more defects not listed"));
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(pm->defects, mime_clean_line(m));
	g_free(m);
}

static const char *const warning_names[] = {
	[GMIME_WARN_DUPLICATED_HEADER] = "duplicated header",
	[GMIME_WARN_DUPLICATED_PARAMETER] = "duplicated parameter",
	[GMIME_WARN_UNENCODED_8BIT_HEADER] = "unencoded 8-bit header",
	[GMIME_WARN_INVALID_CONTENT_TYPE] = "invalid content type",
	[GMIME_WARN_INVALID_RFC2047_HEADER_VALUE] = "invalid RFC 2047 encoded header",
	[GMIME_WARN_MALFORMED_MULTIPART] = "multipart without parts",
	[GMIME_WARN_TRUNCATED_MESSAGE] = "truncated message",
	[GMIME_WARN_MALFORMED_MESSAGE] = "malformed message",
	[GMIME_CRIT_INVALID_HEADER_NAME] = "invalid header name",
	[GMIME_CRIT_CONFLICTING_HEADER] = "conflicting header",
	[GMIME_CRIT_CONFLICTING_PARAMETER] = "conflicting parameter",
	[GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY] = "multipart without boundary",
	[GMIME_WARN_INVALID_PARAMETER] = "invalid parameter",
	[GMIME_WARN_INVALID_ADDRESS_LIST] = "invalid address list",
	[GMIME_CRIT_NESTING_OVERFLOW] = "nesting too deep",
	[GMIME_WARN_PART_WITHOUT_CONTENT] = "part without content",
	[GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT] = "part without headers or content",
};

/* on_warning - GMime's parser warnings become mime_defect warnings. The item
 * comes from the mail: cleaned and cut short. */
static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct parsed_mail *pm = data;
	const char *what = (size_t)code < G_N_ELEMENTS(warning_names) && warning_names[code] ?
	    warning_names[code] : "parser warning";
	if (item && *item)
		defect(pm, "%s at byte %" G_GINT64_FORMAT ": %.60s", what, offset, item);
	else
		defect(pm, "%s at byte %" G_GINT64_FORMAT, what, offset);
}

static char *
get_clean(GMimeMessage *m, const char *name)
{
	return mime_clean_line(g_mime_object_get_header(GMIME_OBJECT(m), name));
}

/* raw_value - the first NAME field of HL as written (RFC 2047 words not
 * decoded), unfolded; NULL when absent. Addresses are read from this, never
 * from the decoded text, where a display name can turn into an address. */
static char *
raw_value(GMimeHeaderList *hl, const char *name)
{
	GMimeHeader *hd = g_mime_header_list_get_header(hl, name);
	const char *rv = hd ? g_mime_header_get_raw_value(hd) : NULL;
	return rv ? mime_clean_line(rv) : NULL;
}

/* read_trust_headers - Precedence, and the Authentication-Results fields
 * above the first Received: a receiving MTA's milter prepends its own there,
 * while whatever the sender wrote sits below the MTA's Received header. */
static void
read_trust_headers(struct parsed_mail *pm, GMimeMessage *m)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int n = g_mime_header_list_get_count(hl);
	for (int i = 0; i < n && pm->auth_results->len < 16; i++) {
		GMimeHeader *hd = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(hd);
		if (!g_ascii_strcasecmp(name, "Received"))
			break;
		if (!g_ascii_strcasecmp(name, "Authentication-Results")) {
			const char *rv = g_mime_header_get_raw_value(hd);
			g_ptr_array_add(pm->auth_results, mime_clean_line(rv ? rv : ""));
		}
	}
	pm->precedence = get_clean(m, "Precedence");
}

/* read_headers - the fields of message M, decoded (RFC 2047) and cleaned;
 * header count and size checked against the [parser] limits. */
static void
read_headers(struct walk *w, GMimeMessage *m, struct mail_headers *h)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int n = g_mime_header_list_get_count(hl);
	gint64 size = 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *hd = g_mime_header_list_get_header_at(hl, i);
		const char *rv = g_mime_header_get_raw_value(hd);
		size += strlen(g_mime_header_get_name(hd)) + (rv ? strlen(rv) : 0) + 2;
	}
	if (n > w->c->max_header_count)
		defect(w->pm, "%d header fields, more than max_header_count (%d)", n,
		    w->c->max_header_count);
	if (size > w->c->max_header_size)
		defect(w->pm, "header section of %" G_GINT64_FORMAT " bytes, more than "
		    "max_header_size (%" G_GINT64_FORMAT ")", size, w->c->max_header_size);

	mime_headers_clear(h);
	h->subject = get_clean(m, "Subject");
	h->from = get_clean(m, "From");
	h->from_raw = raw_value(hl, "From");
	h->to = get_clean(m, "To");
	h->cc = get_clean(m, "Cc");
	h->date = get_clean(m, "Date");
	const char *mid = g_mime_message_get_message_id(m);
	h->message_id = mid ? mime_clean_line(mid) : NULL;
	h->references = g_ptr_array_new_with_free_func(g_free);
	const char *irt = g_mime_object_get_header(GMIME_OBJECT(m), "In-Reply-To");
	GMimeReferences *r = irt ? g_mime_references_parse(NULL, irt) : NULL;
	if (r && g_mime_references_length(r) > 0)
		h->in_reply_to = mime_clean_line(g_mime_references_get_message_id(r, 0));
	if (r)
		g_mime_references_free(r);
	const char *refs = g_mime_object_get_header(GMIME_OBJECT(m), "References");
	r = refs ? g_mime_references_parse(NULL, refs) : NULL;
	for (int i = 0; r && i < g_mime_references_length(r) && i < 100; i++)
		g_ptr_array_add(h->references, mime_clean_line(g_mime_references_get_message_id(r, i)));
	if (r)
		g_mime_references_free(r);
}

static gboolean
is_attachment(GMimeObject *o)
{
	const char *d = g_mime_object_get_disposition(o);
	return d && g_ascii_strcasecmp(d, "attachment") == 0;
}

static gboolean
is_text(GMimeObject *o, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	return GMIME_IS_TEXT_PART(o) && ct && g_mime_content_type_is_type(ct, "text", subtype);
}

/* encoded_length - bytes of a part's content as stored (decoded is no larger). */
static gint64
encoded_length(GMimePart *p)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(p);
	GMimeStream *st = dw ? g_mime_data_wrapper_get_stream(dw) : NULL;
	return st ? g_mime_stream_length(st) : 0;
}

/* choose_body - the part a person reads as the mail's text (RFC 2046 5.1.4:
 * alternatives; RFC 2387: the root of a related; RFC 1847: signed content). */
static GMimeObject *
choose_body(struct walk *w, GMimeObject *o, int depth)
{
	if (!o || depth > w->c->max_mime_depth)
		return NULL;
	if (GMIME_IS_MULTIPART_ENCRYPTED(o))
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		if (n == 0)
			return NULL;
		if (GMIME_IS_MULTIPART_SIGNED(o))
			return choose_body(w, g_mime_multipart_get_part(mp, 0), depth + 1);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative")) {
			GMimeObject *plain = NULL, *html = NULL, *nested = NULL;
			for (int i = 0; i < n; i++) {
				GMimeObject *c = g_mime_multipart_get_part(mp, i);
				if (is_text(c, "plain") && !plain && !is_attachment(c))
					plain = c;
				else if (is_text(c, "html") && !html && !is_attachment(c))
					html = c;
				else if (GMIME_IS_MULTIPART(c) && !nested)
					nested = choose_body(w, c, depth + 1);
			}
			GMimeObject *chosen = plain ? plain :
			    nested && is_text(nested, "plain") ? nested : html ? html : nested;
			/* The other text renditions say the same: not attachments. */
			for (int i = 0; chosen && i < n; i++) {
				GMimeObject *c = g_mime_multipart_get_part(mp, i);
				if (c != chosen && (is_text(c, "plain") || is_text(c, "html") ||
				    is_text(c, "enriched")) && !is_attachment(c))
					g_hash_table_add(w->skip, c);
			}
			return chosen;
		}
		if (ct && g_mime_content_type_is_type(ct, "multipart", "related")) {
			const char *start = g_mime_content_type_get_parameter(ct, "start");
			GMimeObject *root = NULL;
			if (start) {
				g_autofree char *cid = g_strdelimit(g_strdup(start), "<>", ' ');
				root = g_mime_multipart_get_subpart_from_content_id(mp, g_strstrip(cid));
			}
			return choose_body(w, root ? root : g_mime_multipart_get_part(mp, 0), depth + 1);
		}
		/* mixed, report, and unknown multiparts: the first readable inline part. */
		for (int i = 0; i < n; i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			if (is_attachment(c) || GMIME_IS_MESSAGE_PART(c))
				continue;
			GMimeObject *r = choose_body(w, c, depth + 1);
			if (r)
				return r;
			if (!GMIME_IS_MULTIPART(c))
				return NULL;   /* a leading image or PDF: no body text */
		}
		return NULL;
	}
	if ((is_text(o, "plain") || is_text(o, "html")) && !is_attachment(o) &&
	    encoded_length(GMIME_PART(o)) <= MIME_MAX_BODY_BYTES)
		return o;
	return NULL;
}

/* part_text - decoded content of text part P as UTF-8 (bounded by the caller). */
static char *
part_text(struct walk *w, GMimePart *p)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(p);
	if (!dw)
		return g_strdup("");
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(dw, mem);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(p), "charset");
	gboolean guessed = FALSE;
	char *t = mime_to_utf8((const char *)ba->data, ba->len, cs, &guessed);
	g_object_unref(mem);
	if (guessed) {
		w->pm->charset_guessed = TRUE;
		if (cs)
			defect(w->pm, "text is not in its declared character set '%.40s'; read as "
			    "UTF-8 or windows-1252", cs);
	}
	return t;
}

static char *
content_type_of(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *t = ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("application/octet-stream");
	char *l = g_ascii_strdown(t, -1);
	g_free(t);
	return l;
}

/* decode_base64 - DW's content decoded in memory when it is base64 (nearly
 * every attachment), else NULL; *N is -1 when its stream cannot be read.
 * The encoded text is read whole (the part is at most MIME_SLURP_MAX) and
 * decoded in one pass (mime_base64.c) into a buffer sized from its length:
 * the data wrapper's filter stream copied each chunk twice more and grew
 * its byte array by doubling. */
static GByteArray *
decode_base64(GMimeDataWrapper *dw, gint64 *n)
{
	GMimeStream *raw = g_mime_data_wrapper_get_stream(dw);
	if (!raw || g_mime_data_wrapper_get_encoding(dw) != GMIME_CONTENT_ENCODING_BASE64)
		return NULL;
	gint64 len = g_mime_stream_length(raw);
	*n = -1;
	if (len < 0 || len > MIME_SLURP_MAX || g_mime_stream_reset(raw) < 0)
		return g_byte_array_new();
	guint8 *in = g_malloc((gsize)len + 1);
	gsize got = 0;
	ssize_t r = 1;
	while (got < (gsize)len && (r = g_mime_stream_read(raw, (char *)in + got,
	    (size_t)len - got)) > 0)
		got += (gsize)r;
	if (r < 0) {
		g_free(in);
		return g_byte_array_new();
	}
	GMimeEncoding enc;
	g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	guint8 *out = g_malloc(g_mime_encoding_outlen(&enc, got) + 1);
	gsize used = mime_base64_decode(in, got, out);
	g_free(in);
	*n = (gint64)used;
	return g_byte_array_new_take(out, used);
}

/* write_part - decode O into the blob's file. A part up to MIME_SLURP_MAX
 * encoded is decoded in memory and its SHA-256 (hex) taken there into *SHA,
 * so the sink need not read the file back for it; a larger one is streamed
 * to the file (memory stays flat) and *SHA stays NULL. */
static int
write_part(GMimeObject *o, int fd, gint64 *size, char **sha)
{
	*sha = NULL;
	if (GMIME_IS_PART(o) && encoded_length(GMIME_PART(o)) <= MIME_SLURP_MAX) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(o));
		gint64 n = 0;
		GByteArray *ba = dw ? decode_base64(dw, &n) : NULL;
		if (!ba) {
			ba = g_byte_array_sized_new((guint)encoded_length(GMIME_PART(o)) + 1);
			GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
			g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
			n = dw ? g_mime_data_wrapper_write_to_stream(dw, mem) : 0;
			g_object_unref(mem);
		}
		GMimeStream *out = g_mime_stream_fs_new(fd);
		g_mime_stream_fs_set_owner(GMIME_STREAM_FS(out), FALSE);
		int rc = n < 0 || g_mime_stream_write(out, (const char *)ba->data, ba->len) !=
		    (ssize_t)ba->len ? -1 : 0;
		g_object_unref(out);
		/* The disk writes while the digest is taken: the sink's fsync
		 * (k->keep) then has less left to wait for. */
		if (rc == 0 && ba->len >= 64 * 1024)
			sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		if (rc == 0)
			*sha = digest_sha256(ba->data, ba->len);
		*size = ba->len;
		g_byte_array_unref(ba);
		return rc;
	}
	GMimeStream *out = g_mime_stream_fs_new(fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(out), FALSE);
	gint64 n = 0;
	if (GMIME_IS_PART(o)) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(o));
		n = dw ? g_mime_data_wrapper_write_to_stream(dw, out) : 0;
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		n = m ? g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, out) : 0;
	} else {
		n = g_mime_object_write_to_stream(o, NULL, out);
	}
	if (n >= 0 && g_mime_stream_flush(out) < 0)
		n = -1;
	g_object_unref(out);
	struct stat sb;
	if (n < 0 || fstat(fd, &sb) != 0)
		return -1;
	*size = sb.st_size;
	return 0;
}

/* hand_to_documents - the one place an attachment meets the document reader
 * (issue 8: doc_extract() on PATH fills w->pm->documents). */
static void
hand_to_documents(struct walk *w, const struct attachment *a, const char *path)
{
	if (!w->error)
		mime_doc_read(w->pm, a, path, w->c, w->sink, &w->error);
}

/* store_part - O decoded into a blob and recorded as the next attachment. */
static void
store_part(struct walk *w, GMimeObject *o)
{
	struct parsed_mail *pm = w->pm;
	struct blob_sink *k = w->sink;
	int fd = k->open(k, &w->error);
	if (fd < 0)
		return;
	char *sha = NULL, *path = NULL;
	g_autofree char *known = NULL;
	gint64 size = 0;
	if (write_part(o, fd, &size, &known) < 0) {
		g_set_error(&w->error, k->error_domain, k->error_temp, "writing attachment %u: %s",
		    pm->attachments->len + 1, g_strerror(errno));
		k->drop(k, fd);
		return;
	}
	if (k->keep(k, fd, known, &sha, &path, &w->error) < 0)
		return;

	struct attachment *a = g_new0(struct attachment, 1);
	a->position = pm->attachments->len + 1;
	a->content_type = content_type_of(o);
	a->size = size;
	a->sha256 = sha;
	const char *fn = GMIME_IS_PART(o) ? g_mime_part_get_filename(GMIME_PART(o)) : NULL;
	if (fn) {
		a->original_filename = g_utf8_make_valid(fn, -1);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		const char *subj = m ? g_mime_message_get_subject(m) : NULL;
		if (subj && *subj) {
			g_autofree char *n = g_strdup_printf("%.150s.eml", subj);
			a->filename = mime_sanitise_filename(n, a->content_type, a->position);
		}
	}
	if (!a->filename)
		a->filename = mime_sanitise_filename(a->original_filename, a->content_type, a->position);
	g_ptr_array_add(pm->attachments, a);
	g_ptr_array_add(pm->attachment_paths, path);

	if (is_text(o, "plain") && encoded_length(GMIME_PART(o)) <= MIME_MAX_TEXT_ATTACHMENT_BYTES)
		g_ptr_array_add(pm->text_attachments, part_text(w, GMIME_PART(o)));
	hand_to_documents(w, a, pm->attachment_paths->pdata[pm->attachment_paths->len - 1]);
}

/* walk - store every leaf part of O except the body and the skipped ones. */
static void
walk(struct walk *w, GMimeObject *o, int depth)
{
	if (w->error || !o)
		return;
	if (++w->parts > w->c->max_mime_parts) {
		if (!w->parts_reported)
			defect(w->pm, "more than max_mime_parts (%d) parts; the rest is in the raw "
			    "message only", w->c->max_mime_parts);
		w->parts_reported = TRUE;
		if (!GMIME_IS_MULTIPART(o))
			w->pm->leaf_parts++;
		return;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		if (g_mime_multipart_get_count(mp) == 0) {
			/* GMime found no parts (a boundary it could not use): whatever
			 * text there is stays reachable as one attachment. */
			defect(w->pm, "a multipart without readable parts kept whole as one attachment");
			w->pm->leaf_parts++;
			store_part(w, o);
			return;
		}
		if (depth >= w->c->max_mime_depth) {
			/* Kept whole, as one attachment, rather than lost. */
			if (!w->depth_reported)
				defect(w->pm, "parts nested deeper than max_mime_depth (%d) kept as one "
				    "attachment", w->c->max_mime_depth);
			w->depth_reported = TRUE;
			w->pm->leaf_parts++;
			store_part(w, o);
			return;
		}
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
		return;
	}
	if (o == w->unwrapped)
		return;   /* walked as a layer of its own */
	w->pm->leaf_parts++;
	if (o == w->body) {
		w->pm->body_parts++;
		return;
	}
	if (g_hash_table_contains(w->skip, o)) {
		w->pm->skipped_parts++;
		return;
	}
	store_part(w, o);
}

/* read_body - the text of the chosen body part. */
static char *
read_body(struct walk *w, GMimeObject *body, gboolean *from_html)
{
	*from_html = FALSE;
	if (!body)
		return g_strdup("");
	char *t = part_text(w, GMIME_PART(body));
	if (is_text(body, "html")) {
		char *plain = mime_html_to_text(t, strlen(t));
		g_free(t);
		*from_html = TRUE;
		return plain;
	}
	return t;
}

static struct parsed_mail *
parsed_mail_new(const char *envelope_from)
{
	struct parsed_mail *pm = g_new0(struct parsed_mail, 1);
	pm->envelope_from = g_strdup(envelope_from ? envelope_from : "");
	pm->attachments = g_ptr_array_new_with_free_func(attachment_free);
	pm->attachment_paths = g_ptr_array_new_with_free_func(g_free);
	pm->text_attachments = g_ptr_array_new_with_free_func(g_free);
	pm->documents = g_ptr_array_new_with_free_func(document_free);
	pm->defects = g_ptr_array_new_with_free_func(g_free);
	pm->doc_warnings = g_ptr_array_new_with_free_func(g_free);
	pm->auth_results = g_ptr_array_new_with_free_func(g_free);
	pm->h.references = g_ptr_array_new_with_free_func(g_free);
	pm->outer.references = g_ptr_array_new_with_free_func(g_free);
	return pm;
}

/* copy_headers - the statement's headers start as the outer ones. */
static void
copy_headers(struct mail_headers *to, const struct mail_headers *from)
{
	mime_headers_clear(to);
	to->subject = g_strdup(from->subject);
	to->from = g_strdup(from->from);
	to->from_raw = g_strdup(from->from_raw);
	to->to = g_strdup(from->to);
	to->cc = g_strdup(from->cc);
	to->date = g_strdup(from->date);
	to->message_id = g_strdup(from->message_id);
	to->in_reply_to = g_strdup(from->in_reply_to);
	to->references = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; from->references && i < from->references->len; i++)
		g_ptr_array_add(to->references, g_strdup(from->references->pdata[i]));
}

/* parse_layers - the outer message, then each forwarded original inside it.
 * The innermost layer is the statement: its body and attachments first, then
 * every other part of the outer layers (their cover notes are skipped). */
static void
parse_layers(struct walk *w, GMimeMessage *outer)
{
	struct parsed_mail *pm = w->pm;
	GMimeMessage *layers[MAX_FORWARD_LAYERS + 1];
	GMimeObject *bodies[MAX_FORWARD_LAYERS + 1];
	GMimeMessagePart *inner[MAX_FORWARD_LAYERS + 1] = { 0 };
	int n = 0;

	read_headers(w, outer, &pm->outer);
	read_trust_headers(pm, outer);
	pm->auto_generated = mime_auto_generated(outer, w->envelope_unknown ? NULL : pm->envelope_from);
	layers[0] = outer;
	for (;;) {
		bodies[n] = choose_body(w, g_mime_message_get_mime_part(layers[n]), 0);
		if (pm->auto_generated || n == MAX_FORWARD_LAYERS)
			break;
		gboolean html;
		g_autofree char *cover = read_body(w, bodies[n], &html);
		GMimeMessagePart *mp = forward_attached(layers[n], cover);
		if (!mp)
			break;
		inner[n] = mp;
		layers[++n] = g_mime_message_part_get_message(mp);
	}
	if (n > 0) {
		pm->forwarded_by = mime_bare_address(pm->outer.from_raw);
		read_headers(w, layers[n], &pm->h);
	} else {
		copy_headers(&pm->h, &pm->outer);
	}
	if (!pm->forwarded_by && n > 0 && *pm->envelope_from)
		pm->forwarded_by = g_strdup(pm->envelope_from);

	for (int i = n; i >= 0 && !w->error; i--) {
		w->unwrapped = inner[i] ? GMIME_OBJECT(inner[i]) : NULL;
		if (i == n) {
			w->body = bodies[i];
			pm->body = read_body(w, bodies[i], &pm->body_from_html);
		} else {
			w->body = NULL;
			if (bodies[i])   /* a forwarder's cover note */
				g_hash_table_add(w->skip, bodies[i]);
		}
		walk(w, g_mime_message_get_mime_part(layers[i]), 0);
	}

	/* An inline forward inside the (innermost) body. */
	struct mail_headers fh = { 0 };
	char *rest = NULL;
	if (!pm->auto_generated && n == 0 && forward_inline(pm->body, &fh, &rest)) {
		pm->forwarded_by = mime_bare_address(pm->outer.from_raw);
		if (!pm->forwarded_by && *pm->envelope_from)
			pm->forwarded_by = g_strdup(pm->envelope_from);
		mime_headers_clear(&pm->h);
		pm->h = fh;
		if (!pm->h.references)
			pm->h.references = g_ptr_array_new_with_free_func(g_free);
		g_free(pm->body);
		pm->body = rest;
	}
}

/* read_unparsed - GMime found no message at all (no header section): the
 * whole file, bounded, is the body, so its text is not lost. */
static void
read_unparsed(struct walk *w, GMimeStream *stream)
{
	struct parsed_mail *pm = w->pm;
	defect(pm, "no header section; the whole message was read as its text");
	pm->leaf_parts = pm->body_parts = 1;
	GByteArray *ba = g_byte_array_new();
	char buf[16384];
	ssize_t n;
	g_mime_stream_reset(stream);
	while (ba->len < MIME_MAX_BODY_BYTES &&
	    (n = g_mime_stream_read(stream, buf, MIN(sizeof buf, MIME_MAX_BODY_BYTES - ba->len))) > 0)
		g_byte_array_append(ba, (const guint8 *)buf, (guint)n);
	gboolean guessed = FALSE;
	pm->body = mime_to_utf8((const char *)ba->data, ba->len, NULL, &guessed);
	g_byte_array_unref(ba);
	pm->charset_guessed |= guessed;
	g_strstrip(pm->body);
}

/* is_address_field - a header whose value is an address list (RFC 5322 3.6). */
static gboolean
is_address_field(const char *name, gsize len)
{
	static const char *const names[] = { "from", "to", "cc", "bcc", "reply-to", "sender",
		"resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender", NULL };
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == len && !g_ascii_strncasecmp(name, names[i], len))
			return TRUE;
	return FALSE;
}

/* field_cut - where field F (LEN bytes, name included) is cut, or LEN when it
 * stays whole: after MIME_MAX_FIELD_ADDRESSES addresses of an address list
 * (a comma outside quotes, comments and <>), else at the last ';' or blank
 * before MIME_MAX_FIELD_BYTES, so what is left still parses. */
static gsize
field_cut(const char *f, gsize len, gboolean addresses)
{
	gsize limit = MIN(len, (gsize)MIME_MAX_FIELD_BYTES);
	if (addresses) {
		int depth = 0, count = 0;
		gboolean quoted = FALSE, angle = FALSE;
		for (gsize i = 0; i < limit; i++) {
			char ch = f[i];
			if (quoted) {
				if (ch == '\\' && i + 1 < limit)
					i++;
				else if (ch == '"')
					quoted = FALSE;
			} else if (ch == '"' && depth == 0) {
				quoted = TRUE;
			} else if (ch == '(') {
				depth++;
			} else if (ch == ')' && depth > 0) {
				depth--;
			} else if (depth == 0 && ch == '<') {
				angle = TRUE;
			} else if (depth == 0 && ch == '>') {
				angle = FALSE;
			} else if (depth == 0 && !angle && ch == ',' &&
			    ++count == MIME_MAX_FIELD_ADDRESSES) {
				return i;
			}
		}
	}
	if (limit == len)
		return len;
	for (gsize i = limit; i > 0; i--)
		if (f[i - 1] == ';' || f[i - 1] == ' ' || f[i - 1] == '\t')
			return i - 1;
	return limit;
}

/* cut_header - the outer header section of the message in BA, with every
 * field longer than MIME_MAX_FIELD_BYTES or naming more than
 * MIME_MAX_FIELD_ADDRESSES addresses cut short, before GMime reads it: a
 * header of 60,000 addresses or 150,000 parameters costs the parser (and
 * libetpan after it) minutes. Each cut is a warning; the stored file, which
 * BA is a copy of, stays whole. */
static void
cut_header(GByteArray *ba, struct parsed_mail *pm)
{
	const char *d = (const char *)ba->data;
	gsize len = ba->len, pos = 0;
	GString *out = NULL;
	gsize copied = 0;   /* bytes of BA already accounted for in OUT */
	while (pos < len) {
		/* one field: its first line and the continuation lines */
		gsize start = pos, end = pos;
		if (d[pos] == '\r' || d[pos] == '\n')
			break;                         /* the blank line: the header ends */
		do {
			const char *nl = memchr(d + end, '\n', len - end);
			end = nl ? (gsize)(nl - d) + 1 : len;
		} while (end < len && (d[end] == ' ' || d[end] == '\t'));
		pos = end;
		gsize flen = end - start;
		if (flen <= MIME_MAX_FIELD_BYTES && flen < 64)
			continue;
		const char *colon = memchr(d + start, ':', MIN(flen, (gsize)80));
		if (!colon)
			continue;
		gsize nlen = (gsize)(colon - (d + start));
		gboolean addresses = is_address_field(d + start, nlen);
		if (flen <= MIME_MAX_FIELD_BYTES && !addresses)
			continue;
		gsize keep = field_cut(d + start, flen, addresses);
		if (keep >= flen)
			continue;
		/* a cut field must end in a line break, whatever was cut */
		while (keep > 0 && (d[start + keep - 1] == '\r' || d[start + keep - 1] == '\n'))
			keep--;
		if (!out)
			out = g_string_sized_new(len);
		g_string_append_len(out, d + copied, (gssize)(start + keep - copied));
		g_string_append(out, "\r\n");
		copied = end;
		defect(pm, "the %.*s header field (%" G_GSIZE_FORMAT " bytes) was cut to %" G_GSIZE_FORMAT
		    " bytes before reading (more than %d bytes or %d addresses; the stored mail is whole)",
		    (int)MIN(nlen, (gsize)40), d + start, flen, keep, MIME_MAX_FIELD_BYTES,
		    MIME_MAX_FIELD_ADDRESSES);
	}
	if (!out)
		return;
	g_string_append_len(out, d + copied, (gssize)(len - copied));
	g_byte_array_set_size(ba, 0);
	g_byte_array_append(ba, (const guint8 *)out->str, (guint)out->len);
	g_string_free(out, TRUE);
}

struct parsed_mail *
mime_parse_file(const char *path, const char *envelope_from, const struct conf *c,
    struct blob_sink *sink, GError **error)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "open %s: %s",
		    path, g_strerror(errno));
		return NULL;
	}
	return mime_parse_fd(fd, envelope_from, c, sink, error);
}

/* parse_stream - PM filled from the message in STREAM (which it takes);
 * ENVELOPE_UNKNOWN: an imported file, "" is not the null sender. */
static struct parsed_mail *
parse_stream(struct parsed_mail *pm, GMimeStream *stream, gboolean envelope_unknown,
    const struct conf *c, struct blob_sink *sink, GError **error)
{
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_persist_stream(parser, TRUE);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(opts, on_warning, pm);
	GMimeMessage *m = g_mime_parser_construct_message(parser, opts);

	struct walk w = { .c = c, .sink = sink, .pm = pm, .envelope_unknown = envelope_unknown };
	w.skip = g_hash_table_new(NULL, NULL);
	if (!m) {
		read_unparsed(&w, stream);
	} else {
		parse_layers(&w, m);
		g_object_unref(m);
	}
	mime_doc_finish(pm);     /* subject and body are the statement's now */
	g_hash_table_destroy(w.skip);
	g_mime_parser_options_free(opts);
	g_object_unref(parser);
	g_object_unref(stream);
	if (w.error) {
		g_propagate_error(error, w.error);
		parsed_mail_free(pm);
		return NULL;
	}
	if (!pm->body)
		pm->body = g_strdup("");
	return pm;
}

struct parsed_mail *
mime_parse_bytes(GByteArray *bytes, const char *envelope_from, const struct conf *c,
    struct blob_sink *sink, GError **error)
{
	mime_init();
	struct parsed_mail *pm = parsed_mail_new(envelope_from);
	cut_header(bytes, pm);
	/* the stream owns BYTES now; parts stay offsets into it (persist) */
	return parse_stream(pm, g_mime_stream_mem_new_with_byte_array(bytes), !envelope_from, c,
	    sink, error);
}

struct parsed_mail *
mime_parse_fd(int fd, const char *envelope_from, const struct conf *c,
    struct blob_sink *sink, GError **error)
{
	/* A seekable stream + persist: parts stay offsets into it and are
	 * decoded straight into their blobs. A big file stays a file, so memory
	 * does not follow size; a small one is read in one go, since the fs
	 * stream seeks and reads a few KB at a time (two system calls per read
	 * made a fifth of the worker's time kernel time). */
	struct stat sb;
	if (fstat(fd, &sb) == 0 && sb.st_size <= MIME_SLURP_MAX) {
		GByteArray *ba = g_byte_array_sized_new((guint)sb.st_size + 1);
		g_byte_array_set_size(ba, (guint)sb.st_size);
		gsize got = 0;
		while (got < (gsize)sb.st_size) {
			ssize_t n = pread(fd, ba->data + got, (gsize)sb.st_size - got, (off_t)got);
			if (n <= 0)
				break;
			got += (gsize)n;
		}
		if (got == (gsize)sb.st_size) {
			close(fd);
			return mime_parse_bytes(ba, envelope_from, c, sink, error);
		}
		g_byte_array_unref(ba);
	}
	mime_init();
	return parse_stream(parsed_mail_new(envelope_from), g_mime_stream_fs_new(fd), !envelope_from,
	    c, sink, error);
}

void
parsed_mail_free(struct parsed_mail *pm)
{
	if (!pm)
		return;
	mime_headers_clear(&pm->h);
	mime_headers_clear(&pm->outer);
	g_free(pm->envelope_from);
	g_free(pm->precedence);
	if (pm->auth_results)
		g_ptr_array_unref(pm->auth_results);
	g_free(pm->forwarded_by);
	g_free(pm->body);
	g_ptr_array_unref(pm->attachments);
	g_ptr_array_unref(pm->attachment_paths);
	g_ptr_array_unref(pm->text_attachments);
	g_ptr_array_unref(pm->documents);
	g_ptr_array_unref(pm->defects);
	g_ptr_array_unref(pm->doc_warnings);
	g_free(pm);
}
