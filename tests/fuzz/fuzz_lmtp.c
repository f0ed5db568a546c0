/* fuzz_lmtp.c - libFuzzer target: the LMTP command-line parser. Each input
 * line is parsed; whatever is accepted must be safe to act on. */
#include <stdint.h>
#include <string.h>
#include "daemon/lmtp_cmd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		struct lmtp_cmd cmd;
		const char *why = NULL;
		memset(&cmd, 0, sizeof(cmd));
		if (lmtp_cmd_parse(p, len, &cmd, &why) == LMTP_PARSE_OK &&
		    (cmd.verb == LMTP_V_MAIL || cmd.verb == LMTP_V_RCPT)) {
			/* A path we accept goes into the store and into logs: never
			 * CR, LF or NUL, never longer than RFC 5321 allows. */
			if (strnlen(cmd.path, sizeof(cmd.path)) >= sizeof(cmd.path) ||
			    strlen(cmd.path) > 254 || strpbrk(cmd.path, "\r\n") ||
			    (cmd.path_8bit && !g_utf8_validate(cmd.path, -1, NULL)))
				__builtin_trap();
		}
		lmtp_cmd_clear(&cmd);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
