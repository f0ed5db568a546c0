/* fuzz_addr.c - libFuzzer target: strict RFC 5322 address lists (libetpan). */
#include <stdint.h>
#include <string.h>
#include "conf/addr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	GPtrArray *l = NULL;
	if (addr_parse_list(s, &l, NULL)) {
		/* Every address it returns must be safe for RCPT TO and headers. */
		for (guint i = 0; i < l->len; i++) {
			struct addr *a = l->pdata[i];
			if (!addr_is_valid(a->address) || (a->name && strpbrk(a->name, "\r\n")))
				__builtin_trap();
			g_free(addr_format(a));
		}
		g_ptr_array_unref(l);
	}
	g_free(s);
	return 0;
}
