/* fuzz_date.c - libFuzzer target: the deadline date parser. */
#include <stdint.h>
#include <string.h>
#include "parser/fields.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	const char *why = NULL;
	char *d = date_parse(s, &why);
	if (d) {
		/* Whatever it accepts must be a real YYYY-MM-DD date. */
		GDate *g = g_date_new();
		g_date_set_parse(g, d);
		if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' || !g_date_valid(g))
			__builtin_trap();
		g_date_free(g);
	}
	g_free(d);
	g_free(s);
	return 0;
}
