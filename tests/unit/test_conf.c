/* test_conf.c - the config table: defaults, values, and errors that name file, key, reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "conf/conf.h"

static void
test_defaults(void **state)
{
	GError *e = NULL;
	struct conf *c = conf_load_text("", "t.conf", "/etc/liaisond", &e);
	assert_non_null(c);
	assert_int_equal(c->max_message_size, 52428800);
	assert_int_equal(c->max_connections, 64);
	assert_int_equal(c->idle_timeout, 300);
	assert_string_equal(c->state_dir, "/var/lib/liaisond");
	assert_string_equal(c->listen[0], "127.0.0.1:2424");
	assert_true(conf_is_statements_address(c, "Statements@IETF.org"));
	assert_false(conf_is_statements_address(c, "other@ietf.org"));
	conf_free(c);
}

static void
test_values(void **state)
{
	GError *e = NULL;
	struct conf *c = conf_load_text(
	    "[liaisond]\nlisten = 127.0.0.1:2525; unix:/run/l.sock\nstate_dir = var\n"
	    "socket_mode = 0600\n[notify]\ntls = STARTTLS\nreminder_days = 1, 14,7\n",
	    "t.conf", "/etc/x", &e);
	assert_non_null(c);
	assert_string_equal(c->listen[1], "unix:/run/l.sock");
	assert_null(c->listen[2]);
	assert_string_equal(c->state_dir, "/etc/x/var");
	assert_int_equal(c->socket_mode, 0600);
	assert_int_equal(c->tls, CONF_TLS_STARTTLS);
	GArray *d = conf_reminder_days(c);
	assert_int_equal(d->len, 3);
	assert_int_equal(g_array_index(d, int, 0), 14);
	assert_int_equal(g_array_index(d, int, 2), 1);
	g_array_unref(d);
	conf_free(c);
}

static const struct { const char *text, *want; } bad[] = {
	{ "[liaisond]\nmax_connections = abc\n", "t.conf: [liaisond] max_connections: 'abc' is not a whole number" },
	{ "[liaisond]\nmax_connections = 5\n", "t.conf: [liaisond] max_connections: 5 is out of range" },
	{ "[liaisond]\nlisten_on = x\n", "t.conf: [liaisond] listen_on: unknown key" },
	{ "[mystery]\na = b\n", "t.conf: [mystery]: unknown section" },
	{ "[notify]\ntls = maybe\n", "t.conf: [notify] tls: 'maybe' is not one of: none, starttls, tls" },
	{ "[liaisond]\nsocket_mode = 999\n", "t.conf: [liaisond] socket_mode: '999' is not an octal" },
	{ "[liaisond]\nlisten =\n", "t.conf: [liaisond] listen: needs at least one value" },
	{ "[notify]\nreminder_days = 7,x\n", "t.conf: [notify] reminder_days: 'x' is not a whole number" },
	{ "not a key file\n", "t.conf: " },
};

static void
test_errors(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *e = NULL;
		struct conf *c = conf_load_text(bad[i].text, "t.conf", "/", &e);
		assert_null(c);
		assert_non_null(e);
		if (!g_str_has_prefix(e->message, bad[i].want))
			fail_msg("case %zu: got '%s', want prefix '%s'", i, e->message, bad[i].want);
		g_error_free(e);
	}
}

static void
test_bom(void **state)
{
	GError *e = NULL;
	struct conf *c = conf_load_text("\xef\xbb\xbf[liaisond]\nidle_timeout = 7\n", "t.conf", "/", &e);
	assert_non_null(c);
	assert_int_equal(c->idle_timeout, 7);
	conf_free(c);
}

static void
test_all_problems(void **state)
{
	/* Every problem at once, one per line, for check-config. */
	GError *e = NULL;
	struct conf *c = conf_load_text("[liaisond]\nmax_connections = abc\nlisten_on = x\n"
	    "[mystery]\na = b\n[notify]\ntls = maybe\n", "t.conf", "/", &e);
	assert_null(c);
	g_auto(GStrv) lines = g_strsplit(e->message, "\n", -1);
	assert_int_equal(g_strv_length(lines), 4);
	assert_true(g_str_has_prefix(lines[0], "t.conf: [liaisond] max_connections: 'abc'"));
	assert_string_equal(lines[1], "t.conf: [liaisond] listen_on: unknown key");
	assert_string_equal(lines[2], "t.conf: [mystery]: unknown section");
	assert_true(g_str_has_prefix(lines[3], "t.conf: [notify] tls: 'maybe'"));
	g_error_free(e);
}

static void
test_embedded_default(void **state)
{
	GError *e = NULL;
	struct conf *c = conf_load(NULL, &e);
	assert_non_null(c);
	assert_true(g_str_has_suffix(c->state_dir, "/var"));
	assert_string_equal(c->listen[0], "127.0.0.1:2424");
	assert_true(g_str_has_prefix(c->listen[1], "unix:"));
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_all_problems),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_embedded_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
