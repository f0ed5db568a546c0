/* purpose.c - the Purpose field as written, to one of 4053bis's three. */
#include "parser/fields_private.h"

#include <string.h>

/* The first keyword written wins: "In Response; For Action" is a response. */
static const struct { const char *word; const char *purpose; } words[] = {
	{ "response", "in_response" }, { "reply", "in_response" }, { "answer", "in_response" },
	{ "action", "for_action" }, { "approval", "for_action" },
	{ "comment", "for_comment" },
	{ "information", "for_information" }, { "info", "for_information" },
	{ "noting", "for_information" },
};

const char *
purpose_normalise(const char *text)
{
	if (!text)
		return NULL;
	g_autofree char *low = g_ascii_strdown(text, -1);
	const char *best = NULL, *best_at = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		const char *at = strstr(low, words[i].word);
		if (at && (!best_at || at < best_at)) {
			best_at = at;
			best = words[i].purpose;
		}
	}
	return best;
}
