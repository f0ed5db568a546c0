/* mime_auto.c - mail written by machines: bounces, DSNs, auto-replies (RFC 3834). */
#include "parser/mime_private.h"

#include <string.h>

static const char *
header(GMimeMessage *m, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(m), name);
}

/* auto_subject - what vacation programs and MTAs put in the subject. */
static gboolean
auto_subject(const char *subject)
{
	static GRegex *re;
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new(
		    "^\\s*(out of (the )?office|automatic reply|auto(matic)?[ -]?reply|autoreply|auto:|"
		    "abwesenheitsnotiz|r[ée]ponse automatique|undeliverable|undelivered mail|"
		    "delivery status notification|mail delivery (failed|failure|system)|"
		    "returned mail|failure notice|delivery failure|i am out of the office)",
		    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&re, r);
	}
	return subject && g_regex_match(re, subject, 0, NULL);
}

gboolean
mime_auto_generated(GMimeMessage *m, const char *envelope_from)
{
	/* RFC 5321 4.5.5: the null reverse-path is for notifications only. */
	if (envelope_from && !*envelope_from)
		return TRUE;
	const char *v = header(m, "Auto-Submitted");    /* RFC 3834 */
	if (v) {
		g_autofree char *t = g_strstrip(g_ascii_strdown(v, -1));
		if (strncmp(t, "no", 2) != 0 || (t[2] && t[2] != ' ' && t[2] != ';'))
			return TRUE;
	}
	if (header(m, "X-Autoreply") || header(m, "X-Autorespond") ||
	    header(m, "X-Auto-Response-Suppress-Original"))
		return TRUE;
	v = header(m, "Precedence");
	if (v && (strstr(v, "auto_reply") || strstr(v, "auto-reply")))
		return TRUE;
	GMimeObject *top = g_mime_message_get_mime_part(m);
	GMimeContentType *ct = top ? g_mime_object_get_content_type(top) : NULL;
	if (ct && (g_mime_content_type_is_type(ct, "multipart", "report") ||
	    g_mime_content_type_is_type(ct, "message", "delivery-status")))
		return TRUE;
	return auto_subject(g_mime_message_get_subject(m));
}
