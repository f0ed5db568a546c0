/* lmtp_data.c - decoding the DATA stream: dot-unstuffing, the final dot, bare CR/LF. */
#include "daemon/lmtp_data.h"

#include <string.h>

enum { S_BOL, S_DOT, S_DOT_CR, S_MID, S_CR };

void
lmtp_data_init(struct lmtp_data *d)
{
	*d = (struct lmtp_data){ .state = S_BOL };
}

/* next - the first C in IN[from, len), or IN + LEN when there is none. */
static const char *
next(const char *in, size_t from, size_t len, char c)
{
	const char *p = memchr(in + from, c, len - from);
	return p ? p : in + len;
}

size_t
lmtp_data_feed(struct lmtp_data *d, const char *in, size_t len, char *out, size_t *out_len)
{
	size_t i = 0, o = 0;
	/* The next CR and the next LF at or after a position already scanned
	 * (NULL: not yet looked for). Each memchr resumes past the last one
	 * found, so that a chunk without any CR (or LF) is scanned once, not
	 * once per line. */
	const char *cr = NULL, *lf = NULL;
	while (i < len && !d->done) {
		if (d->state == S_MID) {
			/* The common case: copy the run up to the next CR or LF at once. */
			if (!cr || cr < in + i)
				cr = next(in, i, len, '\r');
			if (!lf || lf < in + i)
				lf = next(in, i, len, '\n');
			size_t n = (size_t)(MIN(cr, lf) - (in + i));
			memcpy(out + o, in + i, n);
			o += n;
			i += n;
			if (i == len)
				break;
		}
		char ch = in[i++];
		switch (d->state) {
		case S_BOL:
			if (ch == '.') {
				d->state = S_DOT;
				continue;
			}
			break;
		case S_DOT:
			if (ch == '\r') {
				d->state = S_DOT_CR;
				continue;
			}
			break;          /* a stuffed dot: it is dropped, ch is content */
		case S_DOT_CR:
			if (ch == '\n') {
				d->done = TRUE;
				continue;
			}
			d->bare_eol = TRUE;
			out[o++] = '\r';
			break;
		case S_CR:
			if (ch == '\n') {
				out[o++] = '\r';
				out[o++] = '\n';
				d->state = S_BOL;
				continue;
			}
			d->bare_eol = TRUE;
			out[o++] = '\r';
			break;
		case S_MID:
			break;          /* ch is the CR or LF that ended the run */
		}
		/* ch inside a line */
		if (ch == '\r') {
			d->state = S_CR;
		} else {
			if (ch == '\n')
				d->bare_eol = TRUE;     /* not a line end: no "." may follow it */
			out[o++] = ch;
			d->state = S_MID;
		}
	}
	*out_len = o;
	return i;
}
