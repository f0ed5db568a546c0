/* digest.h - SHA-256 as 64 lower-case hex digits, the form every digest in
 * the database takes (messages, blobs, duplicate keys). */
#ifndef LIAISON_DIGEST_H
#define LIAISON_DIGEST_H

#include <glib.h>

/* digest_hex - the 32 bytes of a digest taken elsewhere (a streamed hash). */
char *digest_hex(const unsigned char d[32]);
/* digest_sha256 - of LEN bytes at DATA. */
char *digest_sha256(const void *data, gsize len);
/* digest_sha256_join - of the N strings PARTS joined by "\n", without
 * making the joined string (a part may be a whole body). */
char *digest_sha256_join(const char *const *parts, guint n);
/* digest_sha256_fd - of the bytes in file FD (read with pread from offset
 * 0, its position untouched); NULL with errno set when it cannot be read. */
char *digest_sha256_fd(int fd);

#endif
