/* lmtp_data.h - the DATA byte stream: end of data, dot-unstuffing, bare CR/LF.
 *
 * Pure: bytes in, bytes out, no I/O, so that every smuggling case is a unit
 * test. RFC 5321 4.5.2: a line starting with "." loses that dot; the data
 * ends at CRLF "." CRLF, and ONLY there. A LF or CR not part of a CRLF pair
 * ("bare") is noted, never treated as a line end: a "." after a bare LF is
 * content, so a message cannot be ended early by a smuggled <LF>.<LF>
 * (CVE-2023-51764). The session rejects a message that had any. */
#ifndef LIAISON_LMTP_DATA_H
#define LIAISON_LMTP_DATA_H

#include <glib.h>

struct lmtp_data {
	int state;           /* private: where in a line we are */
	gboolean bare_eol;   /* a bare CR or bare LF was seen */
	gboolean done;       /* the final CRLF.CRLF was seen */
};

/* lmtp_data_init - at the first byte after the 354 (a line start). */
void lmtp_data_init(struct lmtp_data *d);

/* lmtp_data_feed - decode up to LEN bytes of IN into OUT (room for LEN + 2
 * bytes: a CR held back from the previous call may come out). Stops after the
 * final dot line. Returns the bytes of IN consumed; *OUT_LEN gets the bytes
 * written. Bytes after the end belong to the next command. */
size_t lmtp_data_feed(struct lmtp_data *d, const char *in, size_t len, char *out,
    size_t *out_len);

#endif
