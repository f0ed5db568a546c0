/* mime_text.c - text out of parts: charsets, HTML, header values, file names;
 * and the header values of one message (struct mail_headers) let go. mime.c
 * and forward.c both call here; mime.c calls forward.c, never the reverse. */
#include "parser/mime_private.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

/* normalise - turn CRLF and lone CR into LF, in place (the text is for
 * reading and for labelled-line parsing, not for byte-exact storage). */
static char *
normalise(char *s)
{
	char *r = strchr(s, '\r');
	if (!r)
		return s;
	char *w = r;
	while (r) {
		*w++ = '\n';
		r += r[1] == '\n' ? 2 : 1;
		/* copy the run up to the next CR in one go */
		char *next = strchr(r, '\r');
		size_t n = next ? (size_t)(next - r) : strlen(r);
		memmove(w, r, n);
		w += n;
		r = next;
	}
	*w = 0;
	return s;
}

gboolean
mime_utf8_valid(const char *s, gsize len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	/* eight bytes at a time while all are ASCII and none is NUL (the
	 * classic "has a zero byte" test on the word) */
	while (end - p >= 8) {
		guint64 w;
		memcpy(&w, p, 8);
		if ((w & 0x8080808080808080ULL) ||
		    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
			break;
		p += 8;
	}
	gsize rest = (gsize)(end - p);
	return g_utf8_validate_len((const char *)p, rest, NULL) && !memchr(p, 0, rest);
}

static char *
convert(const char *bytes, gsize len, const char *from)
{
	gsize written = 0;
	char *out = g_convert(bytes, len, "UTF-8", from, NULL, &written, NULL);
	if (out && memchr(out, 0, written)) {
		/* Embedded NULs: keep the text around them. */
		GString *g = g_string_sized_new(written);
		for (gsize i = 0; i < written; i++)
			if (out[i])
				g_string_append_c(g, out[i]);
		g_free(out);
		return g_string_free(g, FALSE);
	}
	return out;
}

char *
mime_to_utf8(const char *bytes, gsize len, const char *charset, gboolean *guessed)
{
	char *out = NULL;
	if (!bytes || len == 0)
		return g_strdup("");
	if (charset && *charset) {
		const char *name = g_mime_charset_iconv_name(charset);
		if (g_ascii_strcasecmp(name, "UTF-8") == 0 || g_ascii_strcasecmp(name, "us-ascii") == 0 ||
		    g_ascii_strcasecmp(name, "ASCII") == 0) {
			if (mime_utf8_valid(bytes, len))
				out = g_strndup(bytes, len);
		} else {
			out = convert(bytes, len, name);
		}
		if (!out && guessed)
			*guessed = TRUE;   /* declared wrongly or unknown: guess below */
	}
	if (!out) {
		/* RFC 6532 world first: undeclared 8-bit is most often UTF-8. */
		if (mime_utf8_valid(bytes, len)) {
			out = g_strndup(bytes, len);
		} else {
			if (guessed)
				*guessed = TRUE;
			out = convert(bytes, len, "WINDOWS-1252");
			if (!out)   /* 0x81, 0x8D, ... are unassigned there; Latin-1 takes all */
				out = convert(bytes, len, "ISO-8859-1");
			if (!out)
				out = g_utf8_make_valid(bytes, len);
		}
	}
	return normalise(out);
}

/* HTML to text: the document tree from libxml2's HTML parser, walked once. */
struct html_out {
	GString *s;
	int pre;
};

static gboolean
is_block(const char *n)
{
	static const char *const blocks[] = { "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4",
		"h5", "h6", "table", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "hr",
		"section", "article", "header", "footer", "address", "center", NULL };
	for (int i = 0; blocks[i]; i++)
		if (g_ascii_strcasecmp(n, blocks[i]) == 0)
			return TRUE;
	return FALSE;
}

/* line_end - what follows starts a new line. */
static void
line_end(struct html_out *o)
{
	/* Trailing spaces carry no meaning. */
	while (o->s->len && o->s->str[o->s->len - 1] == ' ')
		g_string_truncate(o->s, o->s->len - 1);
	if (o->s->len && o->s->str[o->s->len - 1] != '\n')
		g_string_append_c(o->s, '\n');
}

/* newline - one line break more (<br>; after line_end, the empty line that
 * ends a paragraph); at most one empty line in a row. */
static void
newline(struct html_out *o)
{
	while (o->s->len && o->s->str[o->s->len - 1] == ' ')
		g_string_truncate(o->s, o->s->len - 1);
	if (o->s->len >= 2 && o->s->str[o->s->len - 1] == '\n' && o->s->str[o->s->len - 2] == '\n')
		return;
	if (o->s->len)
		g_string_append_c(o->s, '\n');
}

static void
add_text(struct html_out *o, const char *t)
{
	if (o->pre) {
		g_string_append(o->s, t);
		return;
	}
	for (const char *p = t; *p; p++) {
		if (g_ascii_isspace(*p)) {
			if (o->s->len && o->s->str[o->s->len - 1] != ' ' && o->s->str[o->s->len - 1] != '\n')
				g_string_append_c(o->s, ' ');
		} else {
			g_string_append_c(o->s, *p);
		}
	}
}

/* line_paragraph - Word and Outlook write each line as a paragraph with no
 * margin (class MsoNormal) and an empty one, "<p>&nbsp;</p>", between
 * paragraphs: such a <p> ends a line, not a paragraph, or the text comes out
 * double-spaced. */
static gboolean
line_paragraph(xmlNode *n)
{
	xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
	gboolean mso = cls && strstr((const char *)cls, "MsoNormal") != NULL;
	xmlFree(cls);
	return mso;
}

static void
html_walk(xmlNode *n, struct html_out *o, int depth)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				add_text(o, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || depth > 200)
			continue;
		const char *name = (const char *)n->name;
		if (!g_ascii_strcasecmp(name, "script") || !g_ascii_strcasecmp(name, "style") ||
		    !g_ascii_strcasecmp(name, "head") || !g_ascii_strcasecmp(name, "title"))
			continue;
		/* Word's <o:p> comes out of libxml2 as a <p> inside the <p>, which
		 * HTML never nests: it is inline. */
		gboolean block = is_block(name) && !(n->parent && n->parent->name &&
		    !g_ascii_strcasecmp(name, "p") && !xmlStrcasecmp(n->parent->name, (const xmlChar *)"p"));
		gboolean pre = !g_ascii_strcasecmp(name, "pre");
		if (!g_ascii_strcasecmp(name, "br"))
			newline(o);
		else if (block)
			line_end(o);
		if (!g_ascii_strcasecmp(name, "li"))
			g_string_append(o->s, "- ");
		if (!g_ascii_strcasecmp(name, "td") || !g_ascii_strcasecmp(name, "th"))
			add_text(o, " ");
		o->pre += pre;
		html_walk(n->children, o, depth + 1);
		o->pre -= pre;
		if (block && g_ascii_strcasecmp(name, "br") != 0) {
			line_end(o);
			if ((!g_ascii_strcasecmp(name, "p") && !line_paragraph(n)) || name[0] == 'h' ||
			    name[0] == 'H')
				newline(o);
		}
	}
}

char *
mime_html_to_text(const char *html, gsize len)
{
	if (len == 0 || len > G_MAXINT)
		return g_strdup("");
	htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return g_strdup("");
	struct html_out o = { g_string_new(NULL), 0 };
	html_walk(xmlDocGetRootElement(doc), &o, 0);
	xmlFreeDoc(doc);
	/* Non-breaking spaces read as spaces in a label line ("Title:\u00a0X"). */
	GString *s = o.s;
	for (char *p; (p = strstr(s->str, "\xc2\xa0")); ) {
		gssize at = p - s->str;
		g_string_erase(s, at, 1);
		s->str[at] = ' ';
	}
	/* A line of only (no-break) spaces is an empty line, and empty lines
	 * come one at a time: what an empty paragraph means. */
	static GRegex *blank_tail, *blank_run;
	if (g_once_init_enter(&blank_tail))
		g_once_init_leave(&blank_tail, g_regex_new("[ \t]+$", G_REGEX_MULTILINE, 0, NULL));
	if (g_once_init_enter(&blank_run))
		g_once_init_leave(&blank_run, g_regex_new("\n{3,}", 0, 0, NULL));
	normalise(s->str);
	g_autofree char *trimmed = g_regex_replace_literal(blank_tail, s->str, -1, 0, "", 0, NULL);
	g_string_free(s, TRUE);
	char *once = g_regex_replace_literal(blank_run, trimmed ? trimmed : "", -1, 0, "\n\n", 0, NULL);
	return g_strstrip(once ? once : g_strdup(""));
}

char *
mime_clean_line(const char *value)
{
	if (!value)
		return NULL;
	char *v = g_utf8_make_valid(value, -1);
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return g_strstrip(v);
}

/* safe_cut - at most MAX bytes of S, not splitting a UTF-8 sequence. */
static void
safe_cut(GString *s, gsize max)
{
	if (s->len <= max)
		return;
	const char *end = g_utf8_find_prev_char(s->str, s->str + max + 1);
	g_string_truncate(s, end ? (gsize)(end - s->str) : 0);
}

static const char *
ext_for(const char *ct)
{
	if (!ct)
		return ".bin";
	if (!g_ascii_strcasecmp(ct, "text/plain")) return ".txt";
	if (!g_ascii_strcasecmp(ct, "text/html")) return ".html";
	if (!g_ascii_strcasecmp(ct, "message/rfc822")) return ".eml";
	if (!g_ascii_strcasecmp(ct, "application/pdf")) return ".pdf";
	if (!g_ascii_strncasecmp(ct, "image/", 6)) {
		const char *sub = ct + 6;
		if (!g_ascii_strcasecmp(sub, "png")) return ".png";
		if (!g_ascii_strcasecmp(sub, "gif")) return ".gif";
		if (!g_ascii_strcasecmp(sub, "jpeg")) return ".jpg";
	}
	return ".bin";
}

char *
mime_sanitise_filename(const char *name, const char *content_type, int position)
{
	g_autofree char *v = name ? g_utf8_make_valid(name, -1) : g_strdup("");
	GString *s = g_string_new(NULL);
	for (const char *p = v; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		/* C0, DEL, C1, bidi controls and separators: "rlo\u202efdp.exe"
		 * would show as "rloexe.pdf" (the original stays in the raw mail) */
		if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch == '/' || ch == '\\' ||
		    ch == 0x061c || ch == 0x200e || ch == 0x200f || (ch >= 0x202a && ch <= 0x202e) ||
		    (ch >= 0x2066 && ch <= 0x2069) || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff)
			g_string_append_c(s, '_');
		else
			g_string_append_unichar(s, ch);
	}
	/* No ".." anywhere (a path component of its own or not), no leading
	 * dot (hidden files, "." itself), no surrounding spaces. */
	for (char *p; (p = strstr(s->str, "..")); ) {
		gssize at = p - s->str;
		g_string_erase(s, at, 1);
		s->str[at] = '_';
	}
	g_strstrip(s->str);
	g_string_set_size(s, strlen(s->str));
	while (s->len && s->str[0] == '.')
		g_string_erase(s, 0, 1);
	gboolean named = FALSE;
	for (const char *p = s->str; *p; p++)
		named |= g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80;
	if (!named)
		g_string_printf(s, "attachment-%d%s", position, ext_for(content_type));
	if (s->len > MIME_MAX_FILENAME_BYTES) {
		/* Keep the extension (up to 10 bytes) so the type still shows. */
		const char *dot = strrchr(s->str, '.');
		g_autofree char *ext = dot && strlen(dot) <= 10 ? g_strdup(dot) : g_strdup("");
		safe_cut(s, MIME_MAX_FILENAME_BYTES - strlen(ext));
		g_string_append(s, ext);
	}
	return g_string_free(s, FALSE);
}

char *
mime_bare_address(const char *list)
{
	if (!list || !*list)
		return NULL;
	InternetAddressList *l = internet_address_list_parse(NULL, list);
	char *out = NULL;
	for (int i = 0; l && !out && i < internet_address_list_length(l); i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			const char *at = a ? strrchr(a, '@') : NULL;
			if (at && at != a && at[1]) {
				g_autofree char *dom = g_ascii_strdown(at + 1, -1);
				g_autofree char *bare = g_strdup_printf("%.*s@%s", (int)(at - a), a, dom);
				out = mime_clean_line(bare);
			}
		}
	}
	if (l)
		g_object_unref(l);
	return out;
}

void
mime_headers_clear(struct mail_headers *h)
{
	g_free(h->subject);
	g_free(h->from);
	g_free(h->from_raw);
	g_free(h->to);
	g_free(h->cc);
	g_free(h->date);
	g_free(h->message_id);
	g_free(h->in_reply_to);
	if (h->references)
		g_ptr_array_unref(h->references);
	memset(h, 0, sizeof(*h));
}
