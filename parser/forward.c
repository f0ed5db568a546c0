/* forward.c - a statement forwarded by a WG chair: find the original. */
#include "parser/mime_private.h"

#include <string.h>

/* Subject prefixes mail clients put on a forward (English, German, French,
 * Dutch, Nordic, Outlook's "FW"). */
static gboolean
forward_subject(const char *subject)
{
	static GRegex *re;
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("^\\s*(\\[[^]]*\\]\\s*)*(fwd?|wg|tr|vs|doorst)(\\[\\d+\\])?\\s*:",
		    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&re, r);
	}
	return subject && g_regex_match(re, subject, 0, NULL);
}

/* short_cover - a forwarder's note: a few lines and no statement fields of
 * its own (a "Title:" line means the outer mail is the statement). */
static gboolean
short_cover(const char *text)
{
	if (!text)
		return TRUE;
	int lines = 0;
	g_auto(GStrv) v = g_strsplit(text, "\n", 200);
	for (int i = 0; v[i]; i++) {
		const char *l = v[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (!*l)
			continue;
		if (g_ascii_strncasecmp(l, "title:", 6) == 0)
			return FALSE;
		lines++;
	}
	return lines <= 20;
}

GMimeMessagePart *
forward_attached(GMimeMessage *m, const char *cover_text)
{
	GMimeObject *top = g_mime_message_get_mime_part(m);
	GMimeMessagePart *found = NULL;
	if (!top)
		return NULL;
	if (GMIME_IS_MESSAGE_PART(top)) {
		found = GMIME_MESSAGE_PART(top);
	} else if (GMIME_IS_MULTIPART(top) && !GMIME_IS_MULTIPART_SIGNED(top) &&
	    !GMIME_IS_MULTIPART_ENCRYPTED(top)) {
		GMimeContentType *ct = g_mime_object_get_content_type(top);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
			return NULL;   /* a DSN carries the bounced message: not a forward */
		GMimeMultipart *mp = GMIME_MULTIPART(top);
		for (int i = 0; !found && i < g_mime_multipart_get_count(mp); i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			if (GMIME_IS_MESSAGE_PART(c))
				found = GMIME_MESSAGE_PART(c);
		}
	}
	if (!found || !g_mime_message_part_get_message(found))
		return NULL;
	if (forward_subject(g_mime_message_get_subject(m)) || short_cover(cover_text))
		return found;
	return NULL;
}

/* Inline forwards: a marker line, then a block of quoted header lines. */
#define HEAD_LINES 60   /* the lines of the top that may hold the marker */
static GRegex *
marker_re(void)
{
	static GRegex *re;
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new(
		    "^\\s*(-{2,}\\s*(forwarded message|original message|weitergeleitete nachricht|"
		    "message transf[ée]r[ée]|urspr[üu]ngliche nachricht|message d'origine)\\s*-{2,}"
		    "|begin forwarded message:|_{10,})\\s*$",
		    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&re, r);
	}
	return re;
}

/* fold_label - LABEL case folded and composed (NFC), for comparing. */
static char *
fold_label(const char *label)
{
	g_autofree char *f = g_utf8_casefold(label, -1);
	return g_utf8_normalize(f, -1, G_NORMALIZE_DEFAULT_COMPOSE);
}

/* header_name - the field a quoted header line sets, or NULL. Outlook writes
 * "Sent:" for the date; German clients "Von/Gesendet/An/Betreff". */
static const char *
header_name(const char *line, const char **value)
{
	static const struct { const char *label, *field; } names[] = {
		{ "from", "from" }, { "von", "from" }, { "de", "from" },
		{ "date", "date" }, { "sent", "date" }, { "gesendet", "date" }, { "datum", "date" },
		{ "envoyé", "date" },
		{ "subject", "subject" }, { "betreff", "subject" }, { "objet", "subject" },
		{ "to", "to" }, { "an", "to" }, { "à", "to" },
		{ "cc", "cc" }, { "reply-to", "other" }, { "message-id", "message_id" },
		{ "importance", "other" },
	};
	const char *p = line;
	while (*p == ' ' || *p == '*')   /* "*From:*" from rich text clients */
		p++;
	const char *colon = strchr(p, ':');
	if (!colon || colon == p || colon - p > 20)
		return NULL;
	g_autofree char *label = g_strndup(p, colon - p);
	g_strchomp(label);
	size_t ll = strlen(label);
	if (ll && label[ll - 1] == '*')
		label[ll - 1] = 0;
	/* Case-insensitive: "From:", "FROM:"; "Envoyé", "ENVOYÉ", composed or
	 * not. ASCII labels, nearly all, are compared as they are; the others
	 * case folded and normalised (GLib's collation cost more than the rest
	 * of the forward search, and in the C locale ignored case). */
	gboolean ascii = TRUE;
	for (const char *c = label; *c && ascii; c++)
		ascii = (unsigned char)*c < 0x80;
	g_autofree char *fold = ascii ? NULL : fold_label(label);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *name = ascii ? NULL : fold_label(names[i].label);
		if (ascii ? g_ascii_strcasecmp(label, names[i].label) == 0 :
		    g_strcmp0(fold, name) == 0) {
			const char *v = colon + 1;
			while (*v == ' ' || *v == '*' || *v == '\t')
				v++;
			*value = v;
			return names[i].field;
		}
	}
	return NULL;
}

/* outlook_from - "Name [mailto:a@b]" (older Outlook) as "Name <a@b>". */
static char *
outlook_from(const char *v)
{
	const char *m = strstr(v, "[mailto:");
	const char *e = m ? strchr(m, ']') : NULL;
	if (!m || !e)
		return mime_clean_line(v);
	g_autofree char *name = g_strndup(v, m - v);
	g_autofree char *addr = g_strndup(m + 8, e - (m + 8));
	g_autofree char *s = g_strdup_printf("%s <%s>", g_strstrip(name), addr);
	return mime_clean_line(s);
}

static void
set_field(struct mail_headers *h, const char *field, const char *value)
{
	char **slot = !strcmp(field, "from") ? &h->from : !strcmp(field, "date") ? &h->date :
	    !strcmp(field, "subject") ? &h->subject : !strcmp(field, "to") ? &h->to :
	    !strcmp(field, "cc") ? &h->cc : !strcmp(field, "message_id") ? &h->message_id : NULL;
	if (!slot || *slot)
		return;
	if (slot == &h->from) {
		*slot = outlook_from(value);
		h->from_raw = g_strdup(*slot);   /* body text: nothing is decoded in it */
	} else if (slot == &h->message_id) {
		g_autofree char *v = mime_clean_line(value);
		*slot = g_strdup(g_strstrip(g_strdelimit(v, "<>", ' ')));
	} else {
		*slot = mime_clean_line(value);
	}
}

static gboolean
is_blank(const char *l)
{
	return strspn(l, " \t\r") == strlen(l);
}

/* read_block - the header block starting at line I; fills H, returns the
 * index of the first body line, or -1 when the lines are not a header block. */
static int
read_block(char **lines, int i, struct mail_headers *h)
{
	while (lines[i] && is_blank(lines[i]))
		i++;
	char *last_field = NULL;
	GString *cur = NULL;
	int n = 0;
	for (; lines[i]; i++) {
		const char *l = lines[i];
		const char *value;
		const char *f;
		if (is_blank(l))
			break;
		if ((l[0] == ' ' || l[0] == '\t') && cur) {
			g_string_append_c(cur, ' ');
			g_string_append(cur, l + strspn(l, " \t"));
			continue;
		}
		if (!(f = header_name(l, &value)))
			break;
		if (cur) {
			set_field(h, last_field, cur->str);
			g_string_free(cur, TRUE);
		}
		last_field = (char *)f;
		cur = g_string_new(value);
		n++;
	}
	if (cur) {
		set_field(h, last_field, cur->str);
		g_string_free(cur, TRUE);
	}
	if (n < 2 || !h->from || (!h->subject && !h->date)) {
		mime_headers_clear(h);
		return -1;
	}
	return i;
}

/* head_len - the length of the first N lines of TEXT (with their newlines). */
static gsize
head_len(const char *text, int n)
{
	const char *p = text;
	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return p ? (gsize)(p - text) : strlen(text);
}

/* find_inline - the first inline forward in the top of BODY, as it is. */
static gboolean
find_inline(const char *body, struct mail_headers *h, char **rest)
{
	if (!body || !*body)
		return FALSE;
	/* Only the top of the mail: a forward's marker comes after a short note.
	 * The top is split into lines, the whole body only once a marker is seen. */
	g_autofree char *head = g_strndup(body, head_len(body, HEAD_LINES + 2));
	g_auto(GStrv) top = g_strsplit(head, "\n", -1);
	g_auto(GStrv) lines = NULL;
	for (int i = 0; top[i] && i < HEAD_LINES; i++) {
		const char *l = top[i];
		int start = -1;
		const char *v, *f;
		if (g_regex_match(marker_re(), l, 0, NULL)) {
			start = i + 1;
		} else if ((f = header_name(l, &v)) && !strcmp(f, "from") && top[i + 1] &&
		    !g_ascii_strncasecmp(top[i + 1] + strspn(top[i + 1], " *"), "sent", 4) &&
		    header_name(top[i + 1], &v)) {
			start = i;   /* Outlook's bare "From: / Sent: / To: / Subject:" */
		}
		if (start < 0)
			continue;
		if (!lines)
			lines = g_strsplit(body, "\n", -1);
		struct mail_headers tmp = { 0 };
		int b = read_block(lines, start, &tmp);
		if (b < 0)
			continue;
		while (lines[b] && is_blank(lines[b]))
			b++;
		*h = tmp;
		*rest = lines[b] ? g_strjoinv("\n", lines + b) : g_strdup("");
		return TRUE;
	}
	return FALSE;
}

/* dequote - BODY with one level of quoting taken off each quoted line ("> x"
 * and ">x" to "x", "> > x" to "> x"); NULL when the top has no quoted line. */
static char *
dequote(const char *body)
{
	g_autofree char *head = g_strndup(body, head_len(body, HEAD_LINES + 2));
	if (head[0] != '>' && !strstr(head, "\n>"))
		return NULL;
	g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
	GString *out = g_string_sized_new(strlen(body));
	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (*l == '>') {
			l++;
			if (*l == ' ')
				l++;
		}
		g_string_append(out, l);
		if (lines[i + 1])
			g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

/* statement_above_quote - does BODY hold a statement of its own above its
 * quoted lines (a "Title:" line)? Then it is a reply that quotes an older
 * mail, which may quote a forward: the new text is the statement. */
static gboolean
statement_above_quote(const char *body)
{
	static GRegex *title;
	if (g_once_init_enter(&title))
		g_once_init_leave(&title, g_regex_new("^\\s*title\\s*:", G_REGEX_CASELESS, 0, NULL));
	const char *p = body;
	for (int n = 0; p && *p && n < HEAD_LINES; n++) {
		if (*p == '>')
			return FALSE;
		const char *nl = strchr(p, '\n');
		g_autofree char *line = nl ? g_strndup(p, (gsize)(nl - p)) : g_strdup(p);
		if (g_regex_match(title, line, 0, NULL))
			return TRUE;
		p = nl ? nl + 1 : NULL;
	}
	return FALSE;
}

/* Forwards inside forwards (a chair forwarding what a colleague forwarded):
 * the innermost is the statement. */
#define FORWARD_DEPTH 4

gboolean
forward_inline(const char *body, struct mail_headers *h, char **rest)
{
	char *cur = NULL;
	gboolean found = FALSE;
	for (int depth = 0; depth < FORWARD_DEPTH; depth++) {
		const char *text = cur ? cur : body;
		struct mail_headers fh = { 0 };
		char *r = NULL;
		/* as written, else with one level of "> " quoting taken off (Apple
		 * Mail quotes the forwarded headers and body; a forward of a forward
		 * quotes the inner one again) */
		gboolean hit = find_inline(text, &fh, &r);
		if (!hit && !statement_above_quote(text)) {
			g_autofree char *dq = text ? dequote(text) : NULL;
			hit = dq && find_inline(dq, &fh, &r);
		}
		if (!hit)
			break;
		if (found)
			mime_headers_clear(h);
		*h = fh;
		g_free(cur);
		cur = r;
		found = TRUE;
	}
	if (found)
		*rest = cur;
	return found;
}
