/* lmtp_server.h - the LMTP listeners: accept, connection limit, one thread per session. */
#ifndef LIAISON_LMTP_SERVER_H
#define LIAISON_LMTP_SERVER_H

#include "daemon/lmtp_session.h"

struct lmtp_server;

/* lmtp_server_new - a server for CTX (which must outlive it). */
struct lmtp_server *lmtp_server_new(const struct lmtp_ctx *ctx);

/* lmtp_server_listen - the listening sockets: the N_FDS already-open
 * sockets in FDS when N_FDS > 0 (socket activation, LISTEN_FDS), else one
 * per `listen` entry of the config (host:port or unix:PATH). */
int lmtp_server_listen(struct lmtp_server *srv, const int *fds, int n_fds, GError **error);

/* lmtp_server_start - start accepting (on a thread of its own). */
int lmtp_server_start(struct lmtp_server *srv, GError **error);

/* lmtp_server_stop - stop accepting and close the listeners; sessions run on. */
void lmtp_server_stop(struct lmtp_server *srv);

/* lmtp_server_drain - wait up to TIMEOUT seconds for the sessions to end;
 * returns how many are still running. */
int lmtp_server_drain(struct lmtp_server *srv, int timeout);

/* lmtp_server_free - only once no session runs (drain returned 0). */
void lmtp_server_free(struct lmtp_server *srv);

#endif
