/* clean.c - text that goes into a header: one safe line, a safe Message-ID.
 * The bottom of notify/: compose.c, text.c and template.c call here, it calls
 * none of them (no call cycle between the files). */
#include "notify/notify_private.h"

#include <gmime/gmime.h>
#include <string.h>

void
notify_gmime_init(void)
{
	static gsize once = 0;
	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
}

char *
notify_clean(const char *text, gsize max)
{
	if (!text)
		return g_strdup("");
	/* Text from mail can hold RFC 2047 words that a mail client would
	 * decode into CR/LF (a Title label, say): decoded here, as often as it
	 * takes (bounded), so that what is checked is what a reader will see. */
	g_autofree char *decoded = g_strdup(text);
	for (int i = 0; i < 4 && strstr(decoded, "=?"); i++) {
		notify_gmime_init();
		char *d = g_mime_utils_header_decode_text(NULL, decoded);
		gboolean same = !d || strcmp(d, decoded) == 0;
		if (d) {
			g_free(decoded);
			decoded = d;
		}
		if (same)
			break;
	}
	g_autofree char *valid = g_utf8_make_valid(decoded, -1);
	GString *out = g_string_new(NULL);
	gboolean space = TRUE;   /* drops leading space and collapses runs */
	gsize n = 0;
	for (const char *p = valid; *p && n < max; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		/* Decoded RFC 2047 words can carry CR, LF, NUL ("Mailsploit"): in a
		 * header they would start a new header line. */
		if (g_unichar_iscntrl(ch) || ch == 0x2028 || ch == 0x2029 || g_unichar_isspace(ch)) {
			if (!space)
				g_string_append_c(out, ' ');
			space = TRUE;
		} else {
			g_string_append_unichar(out, ch);
			space = FALSE;
		}
		n++;
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

gboolean
notify_msgid_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 250 || !strchr(id, '@'))
		return FALSE;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>' || *p == '\\' || *p == '"')
			return FALSE;
	return TRUE;
}
