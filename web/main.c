/* main.c - liaisond-web: config, listeners, libmicrohttpd, the request
 * dispatcher and the per-thread database connections. */
#include "web/web.h"
#include "store/store_web.h"
#include "conf/log.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* libmicrohttpd's limits: the request line and headers must fit in the
 * connection's memory (so that bounds header size), a client that stalls
 * is dropped, the body of a POST is bounded in web_handle. */
#define CONN_MEMORY (32 * 1024)
#define CONN_TIMEOUT 30
#define MAX_POST (64 * 1024)

static GPrivate ro_key = G_PRIVATE_INIT((GDestroyNotify)store_close);
static GPrivate rw_key = G_PRIVATE_INIT((GDestroyNotify)store_close);

struct store *
web_store_ro(struct web *w, GError **error)
{
	struct store *s = g_private_get(&ro_key);
	if (!s) {
		s = store_open_readonly(w->c->state_dir, error);
		if (s)
			g_private_set(&ro_key, s);
	}
	return s;
}

struct store *
web_store_rw(struct web *w, GError **error)
{
	struct store *s = g_private_get(&rw_key);
	if (!s) {
		s = store_open(w->c->state_dir, error);
		if (s)
			g_private_set(&rw_key, s);
	}
	return s;
}

/* One listener: its own libmicrohttpd daemon, so a request knows whether it
 * came over a unix socket (the only place a proxy's user header is believed). */
struct listener {
	struct web *w;
	gboolean unix_socket;
	char *path;              /* unix: the socket file, removed at exit */
	struct MHD_Daemon *d;
};

struct conn_state {
	GString *post;
	gboolean too_big;
};

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct listener *l = cls;
	struct web *w = l->w;
	struct conn_state *cs = *con_cls;
	gboolean post = strcmp(method, "POST") == 0;
	if (!cs) {
		cs = g_new0(struct conn_state, 1);
		*con_cls = cs;
		if (post)
			cs->post = g_string_new(NULL);
		return MHD_YES;
	}
	if (*upload_size) {
		if (cs->post && !cs->too_big && cs->post->len + *upload_size <= MAX_POST)
			g_string_append_len(cs->post, upload, (gssize)*upload_size);
		else
			cs->too_big = TRUE;
		*upload_size = 0;
		return MHD_YES;
	}
	struct web_req r = { .w = w, .conn = conn, .method = method, .unix_socket = l->unix_socket,
	    .post = cs->post };
	enum MHD_Result rc;
	if (!g_str_has_prefix(url, w->root)) {
		r.path = "";
		rc = web_error(&r, 404, "There is no such page.");
	} else if (cs->too_big) {
		r.path = "";
		rc = web_error(&r, 413, "The form is too large.");
	} else {
		r.path = url + strlen(w->root);
		if (g_str_has_prefix(r.path, "secr/") || strcmp(r.path, "login") == 0 ||
		    strcmp(r.path, "logout") == 0)
			rc = web_secr(&r);
		else
			rc = web_public(&r);
	}
	g_free(r.user);
	g_free(r.csrf);
	if (r.form)
		g_hash_table_unref(r.form);
	return rc;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	if (cs->post)
		g_string_free(cs->post, TRUE);
	g_free(cs);
	*con_cls = NULL;
}

/* listen_on - a socket for "host:port", "[v6]:port" or "unix:PATH", bound
 * and listening; -1 and ERROR otherwise. */
static int
listen_on(const char *spec, const char *conf_dir, char **unix_path, GError **error)
{
	int fd;
	*unix_path = NULL;
	if (g_str_has_prefix(spec, "unix:")) {
		const char *p = spec + 5;
		g_autofree char *path = g_path_is_absolute(p) ? g_strdup(p) :
		    g_build_filename(conf_dir ? conf_dir : ".", p, NULL);
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (strlen(path) >= sizeof sa.sun_path) {
			g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "%s: socket path too long", path);
			return -1;
		}
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		unlink(path);   /* a stale socket from an earlier run */
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
		    chmod(path, 0660) < 0 || listen(fd, 128) < 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", path,
			    g_strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		*unix_path = g_steal_pointer(&path);
		return fd;
	}
	const char *colon = strrchr(spec, ':');
	gint64 port;
	if (!colon || !g_ascii_string_to_signed(colon + 1, 10, 0, 65535, &port, NULL)) {
		g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "[web] listen: '%s' is not host:port or"
		    " unix:PATH", spec);
		return -1;
	}
	g_autofree char *host = g_strndup(spec, (gsize)(colon - spec));
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		host[strlen(host) - 1] = 0;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			goto bad_host;
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad_host;
		len = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", spec,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
bad_host:
	g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "[web] listen: '%s': the host is not an IP address", spec);
	return -1;
}

/* site_root - the path of base_url without its last "liaison/": the mail
 * links base_url + N, served as root + "liaison/N". */
static char *
site_root(const char *base_url, GError **error)
{
	const char *p = strstr(base_url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	if (!p || !g_str_has_suffix(p, "/liaison/")) {
		g_set_error(error, CONF_ERROR, CONF_ERR_INVALID, "[notify] base_url: '%s' must end in /liaison/ "
		    "(liaisond-web serves the statements at base_url + N)", base_url);
		return NULL;
	}
	return g_strndup(p, strlen(p) - strlen("liaison/"));
}

/* unescape - percent-decoding of the path and arguments; a NUL, another
 * control character or invalid UTF-8 makes the value one no route or
 * filter matches (a lone DEL), instead of cutting it short at the NUL. */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *out = s;
	gboolean bad = FALSE;
	for (char *p = s; *p; p++) {
		if (*p == '%' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
			*out++ = (char)(g_ascii_xdigit_value(p[1]) * 16 + g_ascii_xdigit_value(p[2]));
			p += 2;
		} else {
			*out++ = *p;
		}
	}
	size_t n = (size_t)(out - s);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			bad = TRUE;
	if (bad || !g_utf8_validate(s, (gssize)n, NULL)) {
		s[0] = 0x7f;
		n = 1;
	}
	s[n] = 0;
	return n;
}

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	g_autofree char *m = g_strdup_vprintf(fmt, ap);
	g_strchomp(m);
	g_message("http: %s", m);
}

int
main(int argc, char **argv)
{
	g_autofree char *config = NULL;
	gboolean check = FALSE;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "config file (default: "
		  "$LIAISOND_CONFIG, else the embedded default)", "FILE" },
		{ "check", 0, 0, G_OPTION_ARG_NONE, &check, "check the config and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *error = NULL;
	GOptionContext *oc = g_option_context_new("- the liaison statements on the web");
	g_option_context_add_main_entries(oc, entries, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &error)) {
		fprintf(stderr, "liaisond-web: %s\n", error->message);
		g_option_context_free(oc);
		return EX_USAGE_;
	}
	g_option_context_free(oc);
	struct web w = { 0 };
	w.c = conf_load(conf_path_for(config), &error);
	if (!w.c) {
		fprintf(stderr, "liaisond-web: %s\n", error->message);
		return EX_CONFIG_;
	}
	w.root = site_root(w.c->base_url, &error);
	if (!w.root) {
		fprintf(stderr, "liaisond-web: %s\n", error->message);
		conf_free(w.c);
		return EX_CONFIG_;
	}
	w.base_url = w.c->base_url;
	w.secure = g_str_has_prefix(w.c->base_url, "https://");
	if (*w.c->directory_file) {
		w.dir = directory_load(w.c->directory_file, NULL, &error);
		if (!w.dir) {
			fprintf(stderr, "liaisond-web: %s\n", error->message);
			return EX_CONFIG_;
		}
	} else {
		w.dir = directory_new_empty();
	}
	w.auth = web_auth_new(&w, &error);
	if (!w.auth) {
		fprintf(stderr, "liaisond-web: %s\n", error->message);
		return EX_CONFIG_;
	}
	if (check) {
		printf("liaisond-web: config ok\n");
		goto out;
	}
	/* the database must exist and be current before we serve it */
	{
		struct store *s = store_open_readonly(w.c->state_dir, &error);
		if (!s) {
			fprintf(stderr, "liaisond-web: %s\n", error->message);
			return EX_UNAVAILABLE_;
		}
		store_close(s);
	}
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* systemd socket activation (liaisond-web.socket): its sockets replace
	 * [web] listen */
	int passed = 0;
	const char *lpid = g_getenv("LISTEN_PID"), *lfds = g_getenv("LISTEN_FDS");
	if (lpid && lfds && g_ascii_strtoll(lpid, NULL, 10) == (gint64)getpid())
		passed = (int)CLAMP(g_ascii_strtoll(lfds, NULL, 10), 0, 16);
	g_unsetenv("LISTEN_PID");
	g_unsetenv("LISTEN_FDS");
	g_unsetenv("LISTEN_FDNAMES");
	int nspecs = passed ? passed : (int)g_strv_length(w.c->web_listen);
	GPtrArray *ls = g_ptr_array_new();
	for (int i = 0; i < nspecs; i++) {
		const char *spec = passed ? "(systemd socket)" : w.c->web_listen[i];
		struct listener *l = g_new0(struct listener, 1);
		l->w = &w;
		int fd;
		if (passed) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof ss;
			fd = 3 + i;
			l->unix_socket = getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
			    ss.ss_family == AF_UNIX;
		} else {
			fd = listen_on(spec, w.c->dir, &l->path, &error);
			if (fd < 0) {
				fprintf(stderr, "liaisond-web: %s\n", error->message);
				return EX_UNAVAILABLE_;
			}
			l->unix_socket = l->path != NULL;
		}
		unsigned threads = l->unix_socket ? 2 : 4;
		l->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
		    MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, l,
		    MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		    MHD_OPTION_LISTEN_SOCKET, fd,
		    MHD_OPTION_THREAD_POOL_SIZE, threads,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)w.c->web_max_connections,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		    MHD_OPTION_END);
		if (!l->d) {
			fprintf(stderr, "liaisond-web: %s: cannot start the HTTP server\n", spec);
			return EX_UNAVAILABLE_;
		}
		g_ptr_array_add(ls, l);
	}
	fprintf(stderr, "liaisond-web: serving %s on %d listener(s)%s\n", w.base_url, nspecs,
	    passed ? " from systemd" : "");
	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "liaisond-web: stopping (signal %d)\n", sig);
	for (guint i = 0; i < ls->len; i++) {
		struct listener *l = g_ptr_array_index(ls, i);
		MHD_stop_daemon(l->d);
		if (l->path)
			unlink(l->path);
		g_free(l->path);
		g_free(l);
	}
	g_ptr_array_free(ls, TRUE);
out:
	web_auth_free(w.auth);
	directory_free(w.dir);
	g_free(w.root);
	conf_free(w.c);
	return 0;
}
