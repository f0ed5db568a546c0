/* lmtp_server.c - LMTP listeners (TCP and unix sockets), accept, connection limit.
 *
 * Concurrency model: one thread per connection, blocking I/O with poll() for
 * the idle timeout. LMTP peers are few (Postfix opens at most
 * lmtp_destination_concurrency_limit = 20 connections to us), so a thread
 * each costs little, a session reads top-down as a plain state machine, and
 * one slow client only ever blocks its own thread. Throughput does not come
 * from the socket loop but from the group commit (commit.c): sessions that
 * finished DATA wait together for one fsync'ed transaction. Memory per
 * session is bounded (a fixed input buffer, DATA streamed to disk), and
 * max_connections bounds the threads. */
#include "daemon/lmtp_server.h"
#include "conf/log.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct listener {
	int fd;
	char *name;          /* for the log: "127.0.0.1:2424", "unix:/run/x.sock", "fd:3" */
	char *unix_path;     /* a socket file we created, removed at stop */
};

struct lmtp_server {
	const struct lmtp_ctx *ctx;
	GArray *listeners;   /* struct listener */
	GThread *thread;
	int stop_pipe[2];
	GMutex lock;
	GCond ended;         /* a session ended */
	int active;
};

/* A new session's start-up data, owned by its thread. */
struct session_start {
	struct lmtp_server *srv;
	int fd;
	char *client;
};

static void
listener_clear(gpointer p)
{
	struct listener *l = p;
	if (l->fd >= 0)
		close(l->fd);
	if (l->unix_path)
		unlink(l->unix_path);
	g_free(l->name);
	g_free(l->unix_path);
}

struct lmtp_server *
lmtp_server_new(const struct lmtp_ctx *ctx)
{
	struct lmtp_server *srv = g_new0(struct lmtp_server, 1);
	srv->ctx = ctx;
	srv->listeners = g_array_new(FALSE, TRUE, sizeof(struct listener));
	g_array_set_clear_func(srv->listeners, listener_clear);
	srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	g_mutex_init(&srv->lock);
	g_cond_init(&srv->ended);
	return srv;
}

static int
sock_error(GError **error, const char *what, const char *addr)
{
	int e = errno;
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "listen %s: %s: %s", addr, what,
	    g_strerror(e));
	return -1;
}

/* listen_unix - a unix socket at PATH with socket_mode and socket_group. A
 * socket file left by an earlier run is replaced; any other file is not. */
static int
listen_unix(struct lmtp_server *srv, const char *spec, GError **error)
{
	const struct conf *conf = srv->ctx->conf;
	g_autofree char *path = g_path_is_absolute(spec + 5) ? g_strdup(spec + 5) :
	    g_build_filename(conf->dir, spec + 5, NULL);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		    "listen %s: path too long for a unix socket", spec);
		return -1;
	}
	strcpy(sa.sun_path, path);
	g_autofree char *dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0755) != 0)
		return sock_error(error, "mkdir", spec);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "listen %s: exists and is not a socket", spec);
			return -1;
		}
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sock_error(error, "socket", spec);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		sock_error(error, "bind", spec);
		close(fd);
		return -1;
	}
	struct listener l = { fd, g_strdup(spec), g_strdup(path) };
	g_array_append_val(srv->listeners, l);
	if (chmod(path, (mode_t)conf->socket_mode) != 0)
		return sock_error(error, "chmod", spec);
	if (conf->socket_group && *conf->socket_group) {
		struct group *gr = getgrnam(conf->socket_group);
		if (!gr) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "listen %s: no group '%s' (socket_group)", spec, conf->socket_group);
			return -1;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) != 0)
			return sock_error(error, "chown", spec);
	}
	if (listen(fd, SOMAXCONN) != 0)
		return sock_error(error, "listen", spec);
	return 0;
}

/* listen_tcp - "host:port" or "[v6]:port"; every address the host has. */
static int
listen_tcp(struct lmtp_server *srv, const char *spec, GError **error)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || colon[1] == '\0') {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		    "listen %s: expected host:port or unix:/path", spec);
		return -1;
	}
	g_autofree char *host = g_strndup(spec, (gsize)(colon - spec));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *res;
	int rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "listen %s: %s", spec,
		    gai_strerror(rc));
		return -1;
	}
	int bound = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int one = 1;
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
			sock_error(error, "bind", spec);
			close(fd);
			break;
		}
		struct listener l = { fd, g_strdup(spec), NULL };
		g_array_append_val(srv->listeners, l);
		bound++;
	}
	freeaddrinfo(res);
	if (bound == 0 && error && !*error)
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "listen %s: no usable address", spec);
	return bound > 0 && !(error && *error) ? 0 : -1;
}

int
lmtp_server_listen(struct lmtp_server *srv, const int *fds, int n_fds, GError **error)
{
	if (n_fds > 0) {
		for (int i = 0; i < n_fds; i++) {
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
			struct listener l = { fds[i], g_strdup_printf("fd:%d", fds[i]), NULL };
			g_array_append_val(srv->listeners, l);
		}
		return 0;
	}
	for (char **a = srv->ctx->conf->listen; a && *a; a++) {
		int rc = g_str_has_prefix(*a, "unix:") ? listen_unix(srv, *a, error) :
		    listen_tcp(srv, *a, error);
		if (rc < 0)
			return -1;
		log_info("event=listen address=%s", log_quote(*a));
	}
	return 0;
}

/* peer_name - "127.0.0.1:40000", "[::1]:40000" or "unix" for the records. */
static char *
peer_name(const struct sockaddr_storage *sa)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		return g_strdup_printf("%s:%u", host, ntohs(in->sin_port));
	}
	if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		return g_strdup_printf("[%s]:%u", host, ntohs(in6->sin6_port));
	}
	return g_strdup("unix");
}

static gpointer
session_thread(gpointer p)
{
	struct session_start *st = p;
	struct lmtp_server *srv = st->srv;
	lmtp_session_run(srv->ctx, st->fd, st->client);
	g_free(st->client);
	g_free(st);
	g_mutex_lock(&srv->lock);
	srv->active--;
	g_cond_broadcast(&srv->ended);
	g_mutex_unlock(&srv->lock);
	return NULL;
}

/* refuse - the connection over the limit: a 421 greeting (RFC 5321 3.1),
 * which makes Postfix defer and try again later, then close. */
static void
refuse(int fd, const char *client, const char *text)
{
	g_autofree char *line = g_strdup_printf("421 4.3.2 %s\r\n", text);
	ssize_t w = send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
	log_warning("event=lmtp_refused client=%s reason=%s", log_quote(client), log_quote(text));
	close(fd);
}

/* accept_one - take one connection from listener FD and start its session. */
static void
accept_one(struct lmtp_server *srv, int lfd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			log_error("event=accept_failed reason=%s", log_quote(g_strerror(errno)));
			g_usleep(100 * 1000);       /* do not spin while out of descriptors */
		}
		return;
	}
	char *client = peer_name(&sa);
	g_mutex_lock(&srv->lock);
	gboolean full = srv->active >= srv->ctx->conf->max_connections;
	if (!full)
		srv->active++;
	g_mutex_unlock(&srv->lock);
	if (full) {
		refuse(fd, client, "too many connections, try again later");
		g_free(client);
		return;
	}
	struct session_start *st = g_new0(struct session_start, 1);
	*st = (struct session_start){ srv, fd, client };
	GError *error = NULL;
	GThread *t = g_thread_try_new("lmtp", session_thread, st, &error);
	if (!t) {
		refuse(fd, client, "cannot start a session, try again later");
		g_error_free(error);
		g_free(st->client);
		g_free(st);
		g_mutex_lock(&srv->lock);
		srv->active--;
		g_mutex_unlock(&srv->lock);
		return;
	}
	g_thread_unref(t);     /* detached: the session ends on its own */
}

static gpointer
accept_thread(gpointer p)
{
	struct lmtp_server *srv = p;
	guint n = srv->listeners->len;
	struct pollfd *pf = g_new0(struct pollfd, n + 1);
	for (guint i = 0; i < n; i++)
		pf[i] = (struct pollfd){ .fd = g_array_index(srv->listeners, struct listener, i).fd,
		    .events = POLLIN };
	pf[n] = (struct pollfd){ .fd = srv->stop_pipe[0], .events = POLLIN };
	for (;;) {
		if (poll(pf, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("event=poll_failed reason=%s", log_quote(g_strerror(errno)));
			break;
		}
		if (pf[n].revents)
			break;
		for (guint i = 0; i < n; i++)
			if (pf[i].revents & POLLIN)
				accept_one(srv, pf[i].fd);
	}
	g_free(pf);
	return NULL;
}

int
lmtp_server_start(struct lmtp_server *srv, GError **error)
{
	if (!g_unix_open_pipe(srv->stop_pipe, FD_CLOEXEC, error))
		return -1;
	srv->thread = g_thread_try_new("accept", accept_thread, srv, error);
	return srv->thread ? 0 : -1;
}

void
lmtp_server_stop(struct lmtp_server *srv)
{
	if (srv->thread) {
		ssize_t w = write(srv->stop_pipe[1], "x", 1);
		(void)w;
		g_thread_join(srv->thread);
		srv->thread = NULL;
	}
	g_array_set_size(srv->listeners, 0);    /* closes them, removes socket files */
}

int
lmtp_server_drain(struct lmtp_server *srv, int timeout)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout * G_TIME_SPAN_SECOND;
	g_mutex_lock(&srv->lock);
	while (srv->active > 0 && g_cond_wait_until(&srv->ended, &srv->lock, end))
		;
	int left = srv->active;
	g_mutex_unlock(&srv->lock);
	return left;
}

void
lmtp_server_free(struct lmtp_server *srv)
{
	if (!srv)
		return;
	lmtp_server_stop(srv);
	g_array_unref(srv->listeners);
	for (int i = 0; i < 2; i++)
		if (srv->stop_pipe[i] >= 0)
			close(srv->stop_pipe[i]);
	g_mutex_clear(&srv->lock);
	g_cond_clear(&srv->ended);
	g_free(srv);
}
