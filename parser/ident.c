/* ident.c - Tdoc numbers, LS references and titles: what links statements across bodies. */
#include "parser/fields_private.h"

#include <string.h>

#define IDS_MAX 50

/* The identifier forms of the bodies that send statements to the IETF:
 * 3GPP Tdocs (S2-2401234, SP-241015, C4-245678, R2-2312345), ITU-T LS numbers
 * ("COM 15-LS 123", "SG15-LS123"), Broadband Forum letters (LIAISE-439).
 * Bounded by any character but a letter or digit rather than by \b: in file
 * names an underscore or a revision suffix follows ("SP-241015_LS_to_IETF.pdf",
 * "S2-2401234r1.docx"), and \b counts '_' as part of a word. */
#define ID_START "(?<![A-Za-z0-9])"
#define ID_END "(?![0-9])"
static const char *const id_patterns[] = {
	ID_START "(?:[SRCGT][1-6P])-\\d{6,7}" ID_END,
	ID_START "COM\\s?\\d{1,2}\\s?[-\xe2\x80\x93]\\s?LS\\s?\\d{1,4}(?:\\s?-\\s?E)?" ID_END,
	ID_START "SG\\s?\\d{1,2}\\s?-\\s?LS\\s?\\d{1,4}" ID_END,
	ID_START "LIAISE-\\d{1,5}" ID_END,
};

GRegex *
fields_regex(GRegex **slot, const char *pattern, GRegexCompileFlags flags)
{
	if (g_once_init_enter(slot))
		g_once_init_leave(slot, g_regex_new(pattern, flags, 0, NULL));
	return *slot;
}

void
ident_add(GPtrArray *ids, const char *id)
{
	if (!id || ids->len >= IDS_MAX)
		return;
	char **parts = g_strsplit_set(id, " \t\r\n", -1);
	GString *s = g_string_new(NULL);
	for (int i = 0; parts[i]; i++)
		if (*parts[i])
			g_string_append_printf(s, "%s%s", s->len ? " " : "", parts[i]);
	g_strfreev(parts);
	if (s->len == 0 || s->len > 100) {
		g_string_free(s, TRUE);
		return;
	}
	for (guint i = 0; i < ids->len; i++)
		if (g_ascii_strcasecmp(ids->pdata[i], s->str) == 0) {
			g_string_free(s, TRUE);
			return;
		}
	g_ptr_array_add(ids, g_string_free(s, FALSE));
}

void
ident_scan(GPtrArray *ids, const char *text)
{
	static GRegex *re[G_N_ELEMENTS(id_patterns)];
	static gsize once;
	if (g_once_init_enter(&once)) {
		for (size_t i = 0; i < G_N_ELEMENTS(id_patterns); i++)
			re[i] = g_regex_new(id_patterns[i], G_REGEX_CASELESS, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	if (!text)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(id_patterns); i++) {
		GMatchInfo *mi = NULL;
		g_regex_match(re[i], text, 0, &mi);
		while (g_match_info_matches(mi)) {
			g_autofree char *m = g_match_info_fetch(mi, 0);
			g_autofree char *up = g_ascii_strup(m, -1);
			ident_add(ids, up);
			g_match_info_next(mi, NULL);
		}
		g_match_info_free(mi);
	}
}

/* collapse - control characters to spaces, runs of white space to one. */
static char *
collapse(const char *text)
{
	GString *s = g_string_new(NULL);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		unsigned char c = *p;
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && (s->len == 0 || s->str[s->len - 1] == ' '))
			continue;
		g_string_append_c(s, (char)c);
	}
	while (s->len && s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

char *
ident_clean_title(const char *subject)
{
	static GRegex *prefix;
	if (g_once_init_enter(&prefix))
		g_once_init_leave(&prefix, g_regex_new(
		    "^\\s*(?:(?:re|fwd?|aw|wg|tr|sv|vs|rv|antw|ref)\\s*(?:\\[\\d+\\])?\\s*:|\\[[^\\]]{0,60}\\])\\s*",
		    G_REGEX_CASELESS, 0, NULL));
	if (!subject)
		return NULL;
	g_autofree char *valid = g_utf8_make_valid(subject, -1);
	char *s = collapse(valid);
	for (int i = 0; i < 10; i++) {
		char *t = g_regex_replace_literal(prefix, s, -1, 0, "", G_REGEX_MATCH_ANCHORED, NULL);
		if (!t)
			break;
		gboolean same = strcmp(t, s) == 0;
		g_free(s);
		s = t;
		if (same)
			break;
	}
	return s;
}

char *
ident_title_topic(const char *title, gboolean *is_reply)
{
	static GRegex *re;
	if (g_once_init_enter(&re))
		g_once_init_leave(&re, g_regex_new(
		    "^(?:(reply|response|answer)\\s+(?:ls|liaison(?:\\s+statement)?)?\\s*(?:on|to|regarding|re:?)\\s+"
		    "(?:(?:the\\s+)?(?:ls|liaison(?:\\s+statement)?)\\s+(?:on|regarding|about)\\s+)?"
		    "|(?:ls|liaison(?:\\s+statement)?)\\s+(?:on|regarding|about)\\s+)(.+?)[\\s.]*$",
		    G_REGEX_CASELESS, 0, NULL));
	*is_reply = FALSE;
	if (!title)
		return NULL;
	g_autofree char *t = collapse(title);
	GMatchInfo *mi = NULL;
	char *topic = NULL;
	if (g_regex_match(re, t, 0, &mi)) {
		g_autofree char *r = g_match_info_fetch(mi, 1);
		g_autofree char *x = g_match_info_fetch(mi, 2);
		*is_reply = r && *r;
		topic = g_utf8_strdown(x, -1);
	}
	g_match_info_free(mi);
	return topic;
}
