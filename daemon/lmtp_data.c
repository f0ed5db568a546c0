/* lmtp_data.c - decoding the DATA stream: dot-unstuffing, the final dot, bare CR/LF. */
#include "daemon/lmtp_data.h"

#include <string.h>

enum { S_BOL, S_DOT, S_DOT_CR, S_MID, S_CR };

void
lmtp_data_init(struct lmtp_data *d)
{
	*d = (struct lmtp_data){ .state = S_BOL };
}

size_t
lmtp_data_feed(struct lmtp_data *d, const char *in, size_t len, char *out, size_t *out_len)
{
	size_t i = 0, o = 0;
	while (i < len && !d->done) {
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
			/* The common case: copy the run up to the next CR or LF at once. */
			if (ch != '\r' && ch != '\n') {
				const char *p = in + i - 1;
				size_t n = 1;
				while (i < len && in[i] != '\r' && in[i] != '\n') {
					i++;
					n++;
				}
				memcpy(out + o, p, n);
				o += n;
				continue;
			}
			break;
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
