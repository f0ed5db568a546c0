/* date.c - deadlines as people write them, to YYYY-MM-DD. */
#include "parser/fields.h"

#include <string.h>

/* The forms accepted; each is tried in turn on the cleaned text. Day-first
 * and month-first numeric forms are told apart only when a part is over 12. */
static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

/* month_number - 1..12 from an English month name or abbreviation, else 0. */
static int
month_number(const char *word)
{
	g_autofree char *w = g_ascii_strdown(word, -1);
	size_t n = strlen(w);
	if (n > 0 && w[n - 1] == '.')
		w[--n] = '\0';
	if (n < 3)
		return 0;
	static const char *const full[12] = {
		"january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december",
	};
	for (int i = 0; i < 12; i++) {
		if (strcmp(w, full[i]) == 0 || strcmp(w, month_names[i]) == 0)
			return i + 1;
		/* "Sept", "Febr": a prefix of the full name of at least 3 letters. */
		if (n <= strlen(full[i]) && strncmp(w, full[i], n) == 0)
			return i + 1;
	}
	return 0;
}

/* make_date - the ISO form when D/M/Y is a real calendar day (GDate checks
 * month lengths and leap years), else NULL with *why. */
static char *
make_date(int y, int m, int d, const char **why)
{
	if (y < 1990 || y > 2200 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y)) {
		if (why)
			*why = "is not a real calendar date";
		return NULL;
	}
	return g_strdup_printf("%04d-%02d-%02d", y, m, d);
}

/* clean - drop a weekday, "by"/"before", ordinal suffixes and trailing words
 * in parentheses, so that the patterns below see only the date itself. */
static char *
clean(const char *text)
{
	char *s = g_strstrip(g_strdup(text));
	static GRegex *lead, *weekday, *paren, *ordinal;
	if (g_once_init_enter(&lead)) {
		weekday = g_regex_new("^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+",
		    G_REGEX_CASELESS, 0, NULL);
		paren = g_regex_new("\\s*[\\(\\[].*$", 0, 0, NULL);
		ordinal = g_regex_new("\\b(\\d{1,2})(st|nd|rd|th)\\b", G_REGEX_CASELESS, 0, NULL);
		g_once_init_leave(&lead, g_regex_new("^(by|before|no later than|not later than|until|on)\\s+",
		    G_REGEX_CASELESS, 0, NULL));
	}
	char *t;
	/* GRegex works on UTF-8 only and returns NULL otherwise. */
	if (!g_utf8_validate(s, -1, NULL)) {
		t = g_utf8_make_valid(s, -1); g_free(s); s = t;
	}
	t = g_regex_replace(lead, s, -1, 0, "", 0, NULL); g_free(s); s = t;
	t = g_regex_replace(weekday, s, -1, 0, "", 0, NULL); g_free(s); s = t;
	t = g_regex_replace(paren, s, -1, 0, "", 0, NULL); g_free(s); s = t;
	t = g_regex_replace(ordinal, s, -1, 0, "\\1", 0, NULL); g_free(s); s = t;
	/* A trailing full stop or comma left by a sentence. */
	g_strstrip(s);
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ',' || s[n - 1] == ';'))
		s[--n] = '\0';
	return s;
}

/* numeric - "10.09.2024", "09/10/2024", "10-09-2024": day-first unless the
 * first part cannot be a day's month partner; ambiguous when both parts could
 * be the month and they differ. */
static char *
numeric(int a, int b, int y, const char **why)
{
	if (a > 12 && b <= 12)
		return make_date(y, b, a, why);
	if (b > 12 && a <= 12)
		return make_date(y, a, b, why);
	if (a == b)
		return make_date(y, a, b, why);
	if (a > 12 && b > 12) {
		if (why)
			*why = "is not a real calendar date";
		return NULL;
	}
	if (why)
		*why = "is ambiguous: day and month could be either way round; write it as YYYY-MM-DD or '10 September 2024'";
	return NULL;
}

/* group_int - match group N as a number. */
static int
group_int(const GMatchInfo *mi, int n)
{
	g_autofree char *g = g_match_info_fetch(mi, n);
	return g ? (int)g_ascii_strtoll(g, NULL, 10) : 0;
}

enum form { F_YMD, F_DMY_WORDS, F_MDY_WORDS, F_DMY_NUM, F_COUNT };

char *
date_parse(const char *text, const char **why)
{
	static GRegex *re[F_COUNT];
	static gsize once;
	if (g_once_init_enter(&once)) {
		re[F_YMD] = g_regex_new("^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})([T ]\\d{2}:\\d{2}.*|Z)?$", 0, 0, NULL);
		re[F_DMY_WORDS] = g_regex_new("^(\\d{1,2})[\\s.-]+([A-Za-z]{3,9}\\.?)[\\s,.-]+(\\d{4})(\\s.*)?$", 0, 0, NULL);
		re[F_MDY_WORDS] = g_regex_new("^([A-Za-z]{3,9}\\.?)\\s+(\\d{1,2}),?\\s+(\\d{4})(\\s.*)?$", 0, 0, NULL);
		re[F_DMY_NUM] = g_regex_new("^(\\d{1,2})[./-](\\d{1,2})[./-](\\d{4})$", 0, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	if (why)
		*why = "is not a date this gateway can read; write it as YYYY-MM-DD";
	if (!text)
		return NULL;
	g_autofree char *s = clean(text);
	if (!*s || strlen(s) > 100)
		return NULL;

	char *out = NULL;
	for (int f = 0; f < F_COUNT && !out; f++) {
		GMatchInfo *mi = NULL;
		if (!g_regex_match(re[f], s, 0, &mi)) {
			g_match_info_free(mi);
			continue;
		}
		g_autofree char *mon = g_match_info_fetch(mi, f == F_MDY_WORDS ? 1 : 2);
		switch (f) {
		case F_YMD:
			out = make_date(group_int(mi, 1), group_int(mi, 2), group_int(mi, 3), why);
			break;
		case F_DMY_WORDS:
			if (month_number(mon))
				out = make_date(group_int(mi, 3), month_number(mon), group_int(mi, 1), why);
			break;
		case F_MDY_WORDS:
			if (month_number(mon))
				out = make_date(group_int(mi, 3), month_number(mon), group_int(mi, 2), why);
			break;
		case F_DMY_NUM:
			out = numeric(group_int(mi, 1), group_int(mi, 2), group_int(mi, 3), why);
			break;
		}
		g_match_info_free(mi);
		if (!out && f == F_DMY_NUM)
			break;
	}
	if (out && why)
		*why = NULL;
	return out;
}
