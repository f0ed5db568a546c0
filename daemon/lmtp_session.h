/* lmtp_session.h - one LMTP connection, from greeting to close (RFC 2033). */
#ifndef LIAISON_LMTP_SESSION_H
#define LIAISON_LMTP_SESSION_H

#include "conf/conf.h"
#include "daemon/commit.h"

/* What every session shares; read-only while sessions run. */
struct lmtp_ctx {
	const struct conf *conf;
	struct store *store;       /* for store_spool_new only (no SQL: that is the commit thread's) */
	struct commit *commit;
	int drain_fd;              /* becomes readable when the daemon stops */
};

/* lmtp_session_run - serve the client on FD (blocking, on the caller's
 * thread) until QUIT, EOF, a 421 or the drain; closes FD. CLIENT is
 * "127.0.0.1:40000" or "unix". */
void lmtp_session_run(const struct lmtp_ctx *ctx, int fd, const char *client);

#endif
