/* addr.h - RFC 5322 addresses, parsed strictly with libetpan's mailimf. */
#ifndef LIAISON_ADDR_H
#define LIAISON_ADDR_H

#include <glib.h>

#define ADDR_ERROR addr_error_quark()
GQuark addr_error_quark(void);
enum addr_error_code {
	ADDR_ERR_INVALID = 1,   /* not an address (list) we accept; the message says why */
};

struct addr {
	char *name;      /* display name decoded to UTF-8, NULL when none */
	char *address;   /* bare local@domain, domain lower-cased */
};

/* addr_parse_list - parse an address list ("A <a@x>, b@y"); FALSE and a reason
 * in ERROR when any part does not parse, including the obsolete syntax that
 * lets spaces split an address ("a b@c" is refused, not read as "ab@c").
 * Groups are flattened ("undisclosed-recipients:;" gives none). Display names
 * are decoded (RFC 2047, else UTF-8, else Latin-1) with control characters
 * blanked. OUT gets struct addr * (addr_free). */
gboolean addr_parse_list(const char *text, GPtrArray **out, GError **error);
/* addr_parse_one - exactly one address. */
struct addr *addr_parse_one(const char *text, GError **error);
/* addr_is_valid - a bare address safe for RCPT TO and headers: local@domain,
 * no spaces, no control characters, no <>, bounded length. */
gboolean addr_is_valid(const char *bare);
/* addr_equal - same mailbox: local part exact, domain case-insensitive. */
gboolean addr_equal(const char *a, const char *b);
/* addr_format - "Name <a@x>" (name quoted as needed) or the bare address. */
char *addr_format(const struct addr *a);
struct addr *addr_new(const char *name, const char *address);
void addr_free(gpointer a);

#endif
