/* fuzz_lmtp_data.c - libFuzzer target: the DATA decoder (end of data,
 * dot-unstuffing, bare CR/LF). The first byte picks a piece size; decoding
 * in pieces must give exactly what decoding at once gives, and the data may
 * only end right after CRLF "." CRLF. */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "daemon/lmtp_data.h"

static size_t
decode(const char *in, size_t len, size_t step, char *out, size_t *out_len, struct lmtp_data *d)
{
	size_t i = 0, o = 0;
	lmtp_data_init(d);
	while (i < len && !d->done) {
		size_t n = step < len - i ? step : len - i, w;
		size_t used = lmtp_data_feed(d, in + i, n, out + o, &w);
		if (used > n || w > n + 2 || (used < n && !d->done))
			__builtin_trap();
		i += used;
		o += w;
	}
	*out_len = o;
	return i;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] % 16 + 1;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	char *a = g_malloc(len + 2), *b = g_malloc(len + 2 * len + 2);
	struct lmtp_data da, db;
	size_t na, nb;
	size_t ua = decode(in, len, len ? len : 1, a, &na, &da);
	size_t ub = decode(in, len, step, b, &nb, &db);
	if (ua != ub || na != nb || memcmp(a, b, na) != 0 || da.done != db.done ||
	    da.bare_eol != db.bare_eol || na > ua)
		__builtin_trap();
	/* The end is the CRLF "." CRLF that is not preceded by a bare LF/CR line end. */
	if (da.done && (ua < 3 || memcmp(in + ua - 3, ".\r\n", 3) != 0 ||
	    (ua > 3 && (ua < 5 || memcmp(in + ua - 5, "\r\n", 2) != 0))))
		__builtin_trap();
	/* Without bare CR/LF the output has only CRLF line ends. */
	if (!da.bare_eol)
		for (size_t i = 0; i < na; i++)
			if ((a[i] == '\n' && (i == 0 || a[i - 1] != '\r')) ||
			    (a[i] == '\r' && i + 1 < na && a[i + 1] != '\n'))
				__builtin_trap();
	g_free(a);
	g_free(b);
	return 0;
}
