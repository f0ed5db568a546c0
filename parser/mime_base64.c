/* mime_base64.c - base64 content transfer decoding of a whole part in memory.
 *
 * Nearly every attachment is base64, and GMime's decoder, which looks at one
 * character at a time, was a quarter of a 1 MB statement's parse. Encoders
 * write lines of 76 characters (RFC 2045 6.8), a multiple of 4: between the
 * line breaks the text is whole groups of four alphabet characters, which are
 * decoded here four at a time with one test for all four. Anything else (a
 * line break inside a group, '=' padding, characters outside the alphabet,
 * which RFC 2045 says to ignore) hands the rest of the text, from the start
 * of its group, to GMime's own decoder, so the result is GMime's in every
 * case (tests/unit/test_mime.c compares the two on random and hostile text). */
#include "parser/mime_private.h"

#include <string.h>

/* An alphabet character's 6 bits already in their place in a group's 24,
 * one table per position; BAD (outside the 24 bits) marks any other byte,
 * so that four characters are looked up, merged and checked at once. */
#define BAD 0x1000000u
static guint32 at[4][256];

static void
tables_init(void)
{
	static gsize done;
	if (g_once_init_enter(&done)) {
		static const char alphabet[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (guint k = 0; k < 4; k++)
			for (guint c = 0; c < 256; c++)
				at[k][c] = BAD;
		for (guint i = 0; i < 64; i++)
			for (guint k = 0; k < 4; k++)
				at[k][(guint8)alphabet[i]] = (guint32)i << (18 - 6 * k);
		g_once_init_leave(&done, 1);
	}
}

gsize
mime_base64_decode(const guint8 *in, gsize len, guint8 *out)
{
	tables_init();
	const guint8 *p = in, *end = in + len;
	guint8 *o = out;
	while (end - p >= 4) {
		guint32 v = at[0][p[0]] | at[1][p[1]] | at[2][p[2]] | at[3][p[3]];
		if (v & BAD) {
			if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
				p += *p == '\r' ? 2 : 1;   /* a line break between groups */
				continue;
			}
			break;
		}
		o[0] = (guint8)(v >> 16);
		o[1] = (guint8)(v >> 8);
		o[2] = (guint8)v;
		o += 3;
		p += 4;
	}
	if (p < end) {
		/* GMime's state between whole groups is its initial one */
		int state = 0;
		guint32 save = 0;
		o += g_mime_encoding_base64_decode_step(p, (size_t)(end - p), o, &state, &save);
	}
	return (gsize)(o - out);
}
