/* doc_role.c - which document is the statement, and what its text says
 * beyond the labelled fields (3GPP ACTION paragraphs, next meetings). */
#include "parser/doc.h"
#include "model/statement.h"

#include <string.h>

#define COVER_LINES 80       /* a cover sheet is on the first page */
#define NEXT_MEETINGS_MAX 10

/* Labels at the start of a line that only a statement's header block has. */
static const char *const key_labels[] = {
	"title", "source", "from", "to", "for action to", "for information to",
	"for comment to", NULL
};
static const char *const other_labels[] = {
	"response to", "release", "work item", "work items", "contact person", "purpose",
	"deadline", "cc", "send any reply ls to", "question(s)", "study group", "approval",
	"contact", "attachments", NULL
};

/* line_label - the lower-case label of "Label: value" at the start of LINE
 * (after indentation), or NULL. */
static char *
line_label(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	const char *colon = strchr(line, ':');
	if (!colon || colon == line || colon - line > 40)
		return NULL;
	char *lab = g_ascii_strdown(line, colon - line);
	g_strstrip(lab);
	return lab;
}

static gboolean
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return TRUE;
	return FALSE;
}

/* count_labels - distinct header-block labels in the first lines of TEXT;
 * *KEYS gets how many of them are key labels. */
static int
count_labels(const char *text, int *keys, gboolean *first_3gpp, gboolean *itu)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char **lines = g_strsplit(text, "\n", COVER_LINES + 1);
	int n = 0, k = 0, nonempty = 0;
	static GRegex *re_3gpp;
	if (g_once_init_enter(&re_3gpp))
		g_once_init_leave(&re_3gpp, g_regex_new(
		    "^\\s*3GPP\\s+TSG\\b.*(Meeting|#)", G_REGEX_CASELESS, 0, NULL));
	*first_3gpp = *itu = FALSE;
	for (int i = 0; lines[i] && i < COVER_LINES; i++) {
		if (!*g_strstrip(lines[i]))
			continue;
		if (nonempty++ < 3 && g_regex_match(re_3gpp, lines[i], 0, NULL))
			*first_3gpp = TRUE;
		if (g_ascii_strcasecmp(lines[i], "LIAISON STATEMENT") == 0)
			*itu = TRUE;
		char *lab = line_label(lines[i]);
		if (lab && (in_list(lab, key_labels) || in_list(lab, other_labels)) &&
		    !g_hash_table_contains(seen, lab)) {
			n++;
			if (in_list(lab, key_labels))
				k++;
			g_hash_table_add(seen, lab);
		} else {
			g_free(lab);
		}
	}
	g_strfreev(lines);
	g_hash_table_unref(seen);
	*keys = k;
	return n;
}

gboolean
doc_has_cover_sheet(const char *text)
{
	int keys;
	gboolean first_3gpp, itu;
	if (!text)
		return FALSE;
	int n = count_labels(text, &keys, &first_3gpp, &itu);
	return first_3gpp || (itu && keys >= 1) || (keys >= 2 && n >= 3);
}

/* name_matches - the document's name carries a reference (Tdoc number, the
 * sender's LS number, or its whole stem) written in the subject or body. */
static gboolean
name_matches(const char *filename, const char *subject, const char *body)
{
	static GRegex *re_tdoc;
	gboolean hit = FALSE;
	if (!filename)
		return FALSE;
	if (g_once_init_enter(&re_tdoc))
		g_once_init_leave(&re_tdoc, g_regex_new(
		    "\\b[A-Z][A-Z0-9]{0,3}-[0-9]{5,7}\\b|\\bLIAISE-[0-9]+\\b|\\bLS[0-9]{2,4}\\b",
		    /* JIT (OPTIMIZE): 4x faster over a body's first 8 KB, and safe
		     * here: no repeated group, so its stack does not grow with the
		     * text (GLib reports an overflow as no match) */
		    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));
	char *name = g_ascii_strdown(filename, -1);
	char *dot = strrchr(name, '.');
	if (dot)
		*dot = 0;
	const char *where[] = { subject, body };
	for (int w = 0; w < 2 && !hit; w++) {
		if (!where[w])
			continue;
		/* Only the first part of a long body: the reference is at its top. */
		char *low = g_ascii_strdown(where[w], MIN(strlen(where[w]), 8192));
		/* The whole name counts when it looks like a reference (has a digit):
		 * "annex.pdf" must not match "see the annex". */
		if (strlen(name) >= 5 && strpbrk(name, "0123456789") && strstr(low, name))
			hit = TRUE;
		GMatchInfo *mi = NULL;
		g_regex_match(re_tdoc, low, 0, &mi);
		while (!hit && g_match_info_matches(mi)) {
			char *ref = g_match_info_fetch(mi, 0);
			hit = strstr(name, ref) != NULL;
			g_free(ref);
			g_match_info_next(mi, NULL);
		}
		g_match_info_free(mi);
		g_free(low);
	}
	g_free(name);
	return hit;
}

int
doc_pick_statement(GPtrArray *documents, const char *subject, const char *body)
{
	int best = -1, best_score = 0, readable = 0, last_readable = -1;
	for (guint i = 0; i < documents->len; i++) {
		struct document *d = documents->pdata[i];
		int score = 0;
		if (name_matches(d->filename, subject, body))
			score += 8;
		if (doc_has_cover_sheet(d->text))
			score += 4;
		if (score && d->text)
			score += 2;
		if (score && d->filename && g_str_has_suffix(d->filename, ".docx"))
			score += 1;    /* its tables keep the labels in order; a PDF's text may not */
		if (d->text) {
			readable++;
			last_readable = i;
		}
		if (score > best_score) {
			best = i;
			best_score = score;
		}
	}
	if (best < 0 && readable == 1 && body) {
		/* One readable document and a body that is no statement itself (a BBF
		 * letter behind "please find attached"): the document is the statement. */
		int keys;
		gboolean f, itu;
		if (count_labels(body, &keys, &f, &itu) < 2)
			best = last_readable;
	}
	for (guint i = 0; i < documents->len; i++) {
		struct document *d = documents->pdata[i];
		g_free(d->role);
		d->role = g_strdup((int)i == best ? "statement" : "attachment");
	}
	return best;
}

/* add_unique - append NAME (trimmed of punctuation) to ARR unless already there. */
static void
add_unique(GPtrArray *arr, const char *name)
{
	char *s = g_strstrip(g_strdup(name));
	size_t n = strlen(s);
	while (n && (s[n - 1] == '.' || s[n - 1] == ':' || s[n - 1] == ','))
		s[--n] = 0;
	if (g_str_has_prefix(s, "the "))
		memmove(s, s + 4, strlen(s + 4) + 1);
	gboolean dup = !*s || n > 100;
	for (guint i = 0; i < arr->len && !dup; i++)
		dup = g_ascii_strcasecmp(arr->pdata[i], s) == 0;
	if (dup)
		g_free(s);
	else
		g_ptr_array_add(arr, s);
}

/* add_list - "A, B and C" as three names. */
static void
add_list(GPtrArray *arr, const char *text)
{
	static GRegex *re_sep;
	if (g_once_init_enter(&re_sep))
		g_once_init_leave(&re_sep, g_regex_new("\\s*(?:,|;|\\band\\b)\\s*", 0, 0, NULL));
	char **parts = g_regex_split(re_sep, text, 0);
	for (char **p = parts; *p; p++)
		add_unique(arr, *p);
	g_strfreev(parts);
}

static JsonArray *
to_json(GPtrArray *arr)
{
	JsonArray *ja = json_array_new();
	for (guint i = 0; i < arr->len; i++)
		json_array_add_string_element(ja, arr->pdata[i]);
	return ja;
}

/* meetings_at - when LINES[I] is the heading "Date of Next ... Meetings",
 * the lines of its list (from the rest of that line on) into MEETINGS: up to
 * NEXT_MEETINGS_MAX, two blank lines or the next numbered heading. FALSE
 * when LINES[I] is no such heading. */
static gboolean
meetings_at(char **lines, int i, GPtrArray *meetings)
{
	static GRegex *re_next, *re_heading, *re_ws;
	if (g_once_init_enter(&re_next)) {
		re_heading = g_regex_new("^\\s*(?:[0-9]+\\.\\s+\\S|(?:Annex|Appendix|Attachments?)\\b)",
		    G_REGEX_CASELESS, 0, NULL);
		re_ws = g_regex_new("\\s+", 0, 0, NULL);
		g_once_init_leave(&re_next, g_regex_new("^\\s*(?:[0-9]+\\.?\\s*)?Dates?\\s+of\\s+"
		    "(?:the\\s+)?next\\b.*?meetings?\\s*:?\\s*(.*)$", G_REGEX_CASELESS, 0, NULL));
	}
	GMatchInfo *mn = NULL;
	if (!doc_maybe_next_meetings(lines[i], strlen(lines[i])) ||
	    !g_regex_match(re_next, lines[i], 0, &mn)) {
		g_match_info_free(mn);
		return FALSE;
	}
	char *rest = g_match_info_fetch(mn, 1);
	g_match_info_free(mn);
	gboolean ended = FALSE;
	int blanks = 0;
	for (int j = i; lines[j] && !ended; j++) {
		char *s = g_regex_replace_literal(re_ws, j == i ? rest : lines[j], -1, 0, " ", 0, NULL);
		g_strstrip(s);
		if (j > i && g_regex_match(re_heading, s, 0, NULL)) {
			ended = TRUE;
		} else if (!*s) {
			ended = ++blanks >= 2 && meetings->len;
		} else {
			blanks = 0;
			g_ptr_array_add(meetings, g_steal_pointer(&s));
			ended = meetings->len >= NEXT_MEETINGS_MAX;
		}
		g_free(s);
	}
	g_free(rest);
	return TRUE;
}

gboolean
doc_maybe_next_meetings(const char *l, gsize len)
{
	const char *end = l + len;
	while (l < end && !g_ascii_isalpha(*l))
		l++;
	return end - l >= 4 && g_ascii_strncasecmp(l, "date", 4) == 0;
}

gboolean
doc_ls_ended(const char *text)
{
	if (!text)
		return FALSE;
	char **lines = g_strsplit(text, "\n", -1);
	gboolean ended = FALSE;
	GPtrArray *m = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; lines[i] && !ended; i++) {
		g_ptr_array_set_size(m, 0);
		ended = meetings_at(lines, i, m) && m->len > 0;
	}
	g_ptr_array_unref(m);
	g_strfreev(lines);
	return ended;
}

void
doc_meta_extract(const char *text, JsonObject *metadata)
{
	static GRegex *re_to_action, *re_to_line, *re_asks;
	if (!text)
		return;
	if (g_once_init_enter(&re_to_action)) {
		re_to_line = g_regex_new("^\\s*To\\s+([^:]{2,80}?)\\s*[.:]?\\s*$",
		    G_REGEX_CASELESS, 0, NULL);
		re_asks = g_regex_new("^\\s*ACTION\\s*:.*?\\b(?:asks?|requests?|invites?|"
		    "encourages?)\\s+(.{2,120}?)\\s+(?:to|for)\\b", G_REGEX_CASELESS, 0, NULL);
		g_once_init_leave(&re_to_action, g_regex_new(
		    "^\\s*To\\s+(.{2,80}?)\\s*[.:]?\\s*ACTION\\s*:", G_REGEX_CASELESS, 0, NULL));
	}
	GPtrArray *groups = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *meetings = g_ptr_array_new_with_free_func(g_free);
	char **lines = g_strsplit(text, "\n", -1);
	char *pending_to = NULL;     /* "To X." waiting for its ACTION: line */

	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		GMatchInfo *mi = NULL;
		char *lab = line_label(l);
		if (lab && g_str_has_prefix(lab, "for action to")) {
			add_list(groups, strchr(l, ':') + 1);
		} else if (g_regex_match(re_to_action, l, 0, &mi)) {
			char *g = g_match_info_fetch(mi, 1);
			add_list(groups, g);
			g_free(g);
		} else if (g_regex_match(re_asks, l, 0, NULL) || (lab && strcmp(lab, "action") == 0)) {
			if (pending_to) {
				add_list(groups, pending_to);
			} else {
				GMatchInfo *ma = NULL;
				if (g_regex_match(re_asks, l, 0, &ma)) {
					char *g = g_match_info_fetch(ma, 1);
					add_list(groups, g);
					g_free(g);
				}
				g_match_info_free(ma);
			}
			g_clear_pointer(&pending_to, g_free);
		} else {
			GMatchInfo *mt = NULL;
			if (g_regex_match(re_to_line, l, 0, &mt)) {
				g_free(pending_to);
				pending_to = g_match_info_fetch(mt, 1);
			} else if (strspn(l, " \t\r") != strlen(l)) {
				/* "To X." binds only the ACTION: line after it (blank lines apart). */
				g_clear_pointer(&pending_to, g_free);
			}
			g_match_info_free(mt);
		}
		g_match_info_free(mi);
		g_free(lab);

		if (meetings->len == 0)
			meetings_at(lines, i, meetings);
	}
	g_free(pending_to);
	g_strfreev(lines);
	if (groups->len)
		json_object_set_array_member(metadata, "action_groups", to_json(groups));
	if (meetings->len)
		json_object_set_array_member(metadata, "next_meetings", to_json(meetings));
	g_ptr_array_unref(groups);
	g_ptr_array_unref(meetings);
}
