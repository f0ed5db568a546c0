/* test_sd.c - sd_notify and socket activation (daemon/sd.c, compiled in:
 * the unit tests link the library only, and sd.c lives with the daemon). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "daemon/sd.c"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

/* bind_dgram - a datagram socket at PATH ('@' = abstract) with a receive timeout. */
static int
bind_dgram(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	strcpy(a.sun_path, path);
	if (path[0] == '@') {
		a.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	} else {
		unlink(path);
		len = sizeof(a);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static char *
recv_text(int fd)
{
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	return g_strdup(buf);
}

static void
reset(void)
{
	notify_len = 0;
	watchdog_usec = 0;
}

static void
test_no_socket_is_a_noop(void **state)
{
	reset();
	unsetenv("NOTIFY_SOCKET");
	sd_init();
	assert_int_equal(sd_notify_send("READY=1"), 0);
	sd_ready("x");
	sd_stopping();
	assert_int_equal(sd_watchdog_start(NULL), 0);
	sd_watchdog_stop();
}

static void
run_notify(const char *name)
{
	reset();
	int fd = bind_dgram(name);
	setenv("NOTIFY_SOCKET", name, 1);
	sd_init();
	assert_null(getenv("NOTIFY_SOCKET"));        /* children must not inherit it */

	sd_ready("up\nSTOPPING=1");                   /* a newline cannot smuggle a key */
	g_autofree char *m1 = recv_text(fd);
	assert_string_equal(m1, "READY=1\nSTATUS=up STOPPING=1");
	sd_reloading();
	g_autofree char *m2 = recv_text(fd);
	assert_true(g_str_has_prefix(m2, "RELOADING=1\n"));
	assert_non_null(strstr(m2, "\nMONOTONIC_USEC="));
	sd_stopping();
	g_autofree char *m3 = recv_text(fd);
	assert_true(g_str_has_prefix(m3, "STOPPING=1\n"));
	close(fd);
	if (name[0] == '/')
		unlink(name);
}

static void
test_notify_path(void **state)
{
	g_autofree char *p = g_strdup_printf("/tmp/test_sd_%d.sock", (int)getpid());
	run_notify(p);
}

static void
test_notify_abstract(void **state)
{
	g_autofree char *p = g_strdup_printf("@test_sd_%d", (int)getpid());
	run_notify(p);
}

static void
test_watchdog(void **state)
{
	reset();
	g_autofree char *p = g_strdup_printf("/tmp/test_sd_wd_%d.sock", (int)getpid());
	int fd = bind_dgram(p);
	setenv("NOTIFY_SOCKET", p, 1);
	setenv("WATCHDOG_USEC", "100000", 1);
	g_autofree char *me = g_strdup_printf("%d", (int)getpid());
	setenv("WATCHDOG_PID", me, 1);
	sd_init();
	assert_int_equal(sd_watchdog_usec(), 100000);
	assert_null(getenv("WATCHDOG_USEC"));
	sd_watchdog_start(NULL);
	for (int i = 0; i < 2; i++) {
		g_autofree char *m = recv_text(fd);
		assert_string_equal(m, "WATCHDOG=1");
	}
	sd_watchdog_stop();
	close(fd);
	unlink(p);

	/* WATCHDOG_PID naming another process: not ours. */
	reset();
	setenv("WATCHDOG_USEC", "100000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	sd_init();
	assert_int_equal(sd_watchdog_usec(), 0);
}

static void
test_listen_fds(void **state)
{
	/* Two listening sockets at fds 3 and 4, as systemd would pass them. */
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(a, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(a, 1), 0);
	/* Move them above 4 first: socket() may have handed out 3 or 4 itself. */
	int ha = fcntl(a, F_DUPFD, 100), hb = fcntl(b, F_DUPFD, 100);
	close(a);
	close(b);
	assert_true(dup2(ha, 3) == 3 && dup2(hb, 4) == 4);
	close(ha);
	close(hb);
	g_autofree char *me = g_strdup_printf("%d", (int)getpid());

	setenv("LISTEN_PID", me, 1);
	setenv("LISTEN_FDS", "2", 1);
	setenv("LISTEN_FDNAMES", "lmtp:other", 1);
	assert_int_equal(sd_listen_fds(), 2);
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
	assert_string_equal(sd_listen_fd_name(0), "lmtp");
	assert_string_equal(sd_listen_fd_name(1), "other");
	assert_null(sd_listen_fd_name(2));
	assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(4, F_GETFD) & FD_CLOEXEC);
	assert_true(sd_is_listening_stream(3));
	assert_false(sd_is_listening_stream(4));      /* not listening */
	char buf[64];
	assert_true(g_str_has_prefix(sd_describe_fd(3, buf, sizeof(buf)), "127.0.0.1:"));

	/* For another process: ignored, and still unset. */
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDS", "2", 1);
	assert_int_equal(sd_listen_fds(), 0);
	assert_null(getenv("LISTEN_FDS"));

	/* Garbage. */
	setenv("LISTEN_PID", me, 1);
	setenv("LISTEN_FDS", "two", 1);
	assert_int_equal(sd_listen_fds(), -1);

	/* Not activated. */
	assert_int_equal(sd_listen_fds(), 0);

	close(3);
	close(4);
	g_strfreev(fd_names);
	fd_names = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_socket_is_a_noop),
		cmocka_unit_test(test_notify_path),
		cmocka_unit_test(test_notify_abstract),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_listen_fds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
