/* test_recipients.c - exact To/Cc sets of routing, acknowledgement and reminder mail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "notify/notify_private.h"

static const char *const dir_text =
    "[quic]\ntype = wg\nname = QUIC\nparent = wit\nlist = quic@ietf.org\n"
    "chairs = Matt Joras <matt@example.com>, Lucas Pardue <lucas@example.com>\n\n"
    "[tsvwg]\ntype = wg\nparent = wit\nlist = tsvwg@ietf.org\n"
    "chairs = Tsv Chair <tsv-chair@example.com>\ncc = tsv-experts@example.com\n\n"
    "[wit]\ntype = area\nads = Zahed <zahed@example.com>, Gorry <gorry@example.com>\n\n"
    "[opsawg]\ntype = wg\nparent = ops\nlist = opsawg@ietf.org\nchairs = Joe <joe@example.com>\n"
    "contacts = OPSAWG Liaison <opsawg-liaison@example.com>\n\n"
    "[ops]\ntype = area\nads = Warren <warren@example.com>, Mahesh <mahesh@EXAMPLE.com>\n\n"
    "[oldwg]\ntype = wg\nparent = ops\nlist = old@ietf.org\nchairs = Old <old@example.com>\n"
    "state = concluded\n\n"
    "[ietf]\ntype = ietf\nchairs = IETF Chair <chair@ietf.org>\n\n"
    "[iesg]\ntype = iesg\nlist = iesg@ietf.org\n\n"
    "[iab]\ntype = iab\nchairs = IAB Chair <iab-chair@iab.org>\nlist = iab@iab.org\n\n"
    "[irtf]\ntype = irtf\nchairs = IRTF Chair <irtf-chair@irtf.org>\n\n"
    "[cfrg]\ntype = rg\nparent = irtf\nlist = cfrg@irtf.org\nchairs = CFRG Chair <cfrg-chairs@irtf.org>\n\n"
    "[3gpp]\ntype = sdo\nname = 3GPP\nliaison_managers = 3GPP LM <3gpp-liaison@ietf.org>\n\n"
    "[3gpp-tsgsa]\ntype = sdo\nname = 3GPP TSG SA\nparent = 3gpp\n"
    "contacts = 3GPPLiaison@etsi.org\n\n"
    "[itu-t]\ntype = sdo\nname = ITU-T\nliaison_managers = ITU LM <itu-t-liaison@ietf.org>\n\n"
    "[itu-t-sg15]\ntype = sdo\nname = ITU-T SG15\nparent = itu-t\n"
    "liaison_managers = SG15 LM <sg15-lm@example.com>\ncc = sg15-watch@example.com\n";

static const char *const conf_text =
    "[liaisond]\nstatements_address = statements@ietf.org; liaison@ietf.org\n"
    "[notify]\nfrom = Liaisons <statements-noreply@ietf.org>\n"
    "liaison_coordinators = IAB Liaison Coordinators <liaison-coordination@iab.org>\n"
    "secretariat = Secretariat <ietf-action@ietf.org>\nreply_policy = always\n";

struct fx {
	struct conf *c;
	struct directory *d;
	char *path;
};

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	GError *e = NULL;
	int fd = g_file_open_tmp("dirXXXXXX.conf", &f->path, &e);
	assert_true(fd >= 0);
	assert_true(write(fd, dir_text, strlen(dir_text)) == (ssize_t)strlen(dir_text));
	close(fd);
	GPtrArray *problems = NULL;
	f->d = directory_load(f->path, &problems, &e);
	if (!f->d && problems)
		for (guint i = 0; i < problems->len; i++)
			print_error("%s\n", (char *)problems->pdata[i]);
	assert_non_null(f->d);
	if (problems)
		g_ptr_array_unref(problems);
	f->c = conf_load_text(conf_text, "t.conf", "/tmp", &e);
	assert_non_null(f->c);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->path);
	g_free(f->path);
	directory_free(f->d);
	conf_free(f->c);
	g_free(f);
	return 0;
}

/* stmt - a posted statement FROM -> TO (acronyms separated by commas). */
static struct statement *
stmt(const char *from, const char *to)
{
	struct statement *st = statement_new();
	st->id = 7;
	st->state = STMT_POSTED;
	st->title = g_strdup("LS on things");
	g_auto(GStrv) f = g_strsplit(from, ",", -1), t = g_strsplit(to, ",", -1);
	for (char **p = f; *p && **p; p++)
		g_ptr_array_add(st->from_groups, group_ref_new(*p, *p));
	for (char **p = t; *p && **p; p++)
		g_ptr_array_add(st->to_groups, group_ref_new(*p, *p));
	return st;
}

/* joined - a recipient list as "a,b,c" in order, for exact comparison. */
static char *
joined(GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < list->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", ((struct addr *)list->pdata[i])->address);
	return g_string_free(s, FALSE);
}

static void
check_routing(struct fx *f, struct statement *st, const char *to, const char *cc)
{
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_routing(f->c, f->d, st, &r);
	g_autofree char *t = joined(r.to), *c = joined(r.cc);
	assert_string_equal(t, to);
	assert_string_equal(c, cc);
	notify_rcpts_clear(&r);
	statement_free(st);
}

static void
test_wg(void **state)
{
	check_routing(*state, stmt("3gpp-tsgsa", "quic"),
	    "matt@example.com,lucas@example.com,quic@ietf.org",
	    "zahed@example.com,gorry@example.com,3gpp-liaison@ietf.org,liaison-coordination@iab.org");
}

static void
test_wg_contacts_override(void **state)
{
	check_routing(*state, stmt("itu-t-sg15", "opsawg"),
	    "opsawg-liaison@example.com",
	    "warren@example.com,mahesh@example.com,sg15-lm@example.com,"
	    "liaison-coordination@iab.org,sg15-watch@example.com");
}

static void
test_area(void **state)
{
	check_routing(*state, stmt("itu-t", "ops"), "warren@example.com,mahesh@example.com",
	    "itu-t-liaison@ietf.org,liaison-coordination@iab.org");
}

static void
test_ietf_iesg_iab(void **state)
{
	struct fx *f = *state;
	check_routing(f, stmt("", "ietf"), "chair@ietf.org", "liaison-coordination@iab.org");
	check_routing(f, stmt("", "iesg"), "iesg@ietf.org", "liaison-coordination@iab.org");
	check_routing(f, stmt("", "iab"), "iab-chair@iab.org,iab@iab.org",
	    "liaison-coordination@iab.org");
	check_routing(f, stmt("", "cfrg"), "cfrg-chairs@irtf.org,cfrg@irtf.org",
	    "liaison-coordination@iab.org");
}

static void
test_multi_group_dedupe(void **state)
{
	struct fx *f = *state;
	/* Two WGs of one area: ADs once; tsvwg's cc; a To-Contact that is
	 * already a chair (different case in the domain) is not repeated; an
	 * AD named as To-Contact moves to To and is not repeated in Cc. */
	struct statement *st = stmt("3gpp-tsgsa,3gpp", "quic,tsvwg");
	g_ptr_array_add(st->to_contacts, addr_new("Matt", "matt@EXAMPLE.COM"));
	g_ptr_array_add(st->to_contacts, addr_new("Zahed", "zahed@example.com"));
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "statements@IETF.ORG"));
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "liaison@ietf.org"));
	check_routing(f, st,
	    "matt@example.com,lucas@example.com,quic@ietf.org,tsv-chair@example.com,tsvwg@ietf.org,"
	    "zahed@example.com",
	    "gorry@example.com,3gpp-liaison@ietf.org,liaison-coordination@iab.org,"
	    "tsv-experts@example.com");
}

static void
test_concluded_and_unresolved(void **state)
{
	struct statement *st = stmt("Some Forum", "oldwg");
	g_ptr_array_add(st->to_groups, group_ref_new("Nonsense WG", NULL));
	check_routing(*state, st, "", "liaison-coordination@iab.org");
}

static void
test_sdo_inherits_managers(void **state)
{
	struct fx *f = *state;
	const struct dir_group *g = directory_get(f->d, "3gpp-tsgsa");
	assert_non_null(g);
	GPtrArray *lm = directory_liaison_managers(f->d, g);
	assert_int_equal(lm->len, 1);
	g_ptr_array_unref(lm);
	check_routing(f, stmt("3gpp-tsgsa", "iesg"), "iesg@ietf.org",
	    "3gpp-liaison@ietf.org,liaison-coordination@iab.org");
}

static void
test_invalid_addresses_dropped(void **state)
{
	struct statement *st = stmt("", "ietf");
	g_ptr_array_add(st->to_contacts, addr_new("Evil", "a@b.example\r\nBcc: x@y"));
	g_ptr_array_add(st->to_contacts, addr_new("Name\r\nBcc: x@y", "ok@example.org"));
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "no-at-sign"));
	struct fx *f = *state;
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_routing(f->c, f->d, st, &r);
	g_autofree char *t = joined(r.to);
	assert_string_equal(t, "chair@ietf.org,ok@example.org");
	const struct addr *a = r.to->pdata[1];
	assert_null(strchr(a->name, '\r'));
	assert_null(strchr(a->name, '\n'));
	notify_rcpts_clear(&r);
	statement_free(st);
}

static void
test_submitter(void **state)
{
	struct fx *f = *state;
	struct statement *st = stmt("3gpp", "quic");
	st->from_liaison_contact = g_strdup("3GPPLiaison@etsi.org");
	g_ptr_array_add(st->from_contacts, addr_new("Expert", "expert@example.net"));
	g_ptr_array_add(st->from_contacts, addr_new("Again", "3GPPLiaison@ETSI.org"));
	st->forwarded_by = g_strdup("matt@example.com");
	st->submitter = g_strdup("Someone <someone@example.net>");
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	g_autofree char *t = joined(r.to), *c = joined(r.cc);
	assert_string_equal(t, "3GPPLiaison@etsi.org,expert@example.net,matt@example.com");
	assert_string_equal(c, "");
	notify_rcpts_clear(&r);
	statement_free(st);

	/* Nothing but a submitter: the submitter. A robot or an automatic
	 * message: nobody. */
	const char *const cases[][2] = {
		{ "Someone <someone@example.net>", "someone@example.net" },
		{ "MAILER-DAEMON@example.net", "" },
		{ "", "" },
		{ "statements@ietf.org", "" },
		{ "owner-list@example.net", "" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		st = stmt("", "quic");
		st->submitter = g_strdup(cases[i][0]);
		notify_rcpts_init(&r);
		notify_rcpts_submitter(f->c, st, &r);
		g_autofree char *got = joined(r.to);
		assert_string_equal(got, cases[i][1]);
		notify_rcpts_clear(&r);
		statement_free(st);
	}
	st = stmt("", "quic");
	st->submitter = g_strdup("someone@example.net");
	st->auto_generated = TRUE;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	assert_int_equal(r.to->len, 0);
	notify_rcpts_clear(&r);
	statement_free(st);
}

/* Issue 14: the gates on a reply. One test per bound: a statement whose
 * From-Contacts name many addresses of the sender's choosing. */
static struct statement *
many_contacts(int n)
{
	struct statement *st = stmt("3gpp", "quic");
	for (int i = 0; i < n; i++) {
		g_autofree char *a = g_strdup_printf("p%d@%s", i, i % 2 ? "victim.example" : "sdo.example");
		g_ptr_array_add(st->from_contacts, addr_new(NULL, a));
	}
	return st;
}

static void
test_reply_bounds(void **state)
{
	struct fx *f = *state;
	struct notify_rcpts r;
	g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func(g_free);

	/* always: at most max_reply_recipients (5), the rest held */
	struct statement *st = many_contacts(3000);
	notify_rcpts_init(&r);
	notify_rcpts_submitter_held(f->c, st, &r, held);
	assert_int_equal(r.to->len, 5);
	assert_int_equal(held->len, 2995);
	assert_non_null(strstr(held->pdata[0], "max_reply_recipients"));
	notify_rcpts_clear(&r);

	/* authenticated: only addresses of a domain our MTA vouched for */
	f->c->reply_policy = CONF_REPLY_AUTHENTICATED;
	g_ptr_array_set_size(held, 0);
	notify_rcpts_init(&r);
	notify_rcpts_submitter_held(f->c, st, &r, held);
	assert_int_equal(r.to->len, 0);
	assert_non_null(strstr(held->pdata[0], "unauthenticated"));
	notify_rcpts_clear(&r);
	JsonArray *d = json_array_new();
	json_array_add_string_element(d, "sdo.example");
	json_object_set_array_member(st->metadata, "reply_domains", d);
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	g_autofree char *t = joined(r.to);
	assert_string_equal(t, "p0@sdo.example,p2@sdo.example,p4@sdo.example,p6@sdo.example,"
	    "p8@sdo.example");
	notify_rcpts_clear(&r);

	/* Precedence: bulk, junk, list: nobody, whatever the policy */
	f->c->reply_policy = CONF_REPLY_ALWAYS;
	json_object_set_string_member(st->metadata, "precedence", "Bulk");
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	assert_int_equal(r.to->len, 0);
	notify_rcpts_clear(&r);
	json_object_set_string_member(st->metadata, "precedence", "first-class");
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	assert_int_equal(r.to->len, 5);
	notify_rcpts_clear(&r);

	/* never: nobody */
	f->c->reply_policy = CONF_REPLY_NEVER;
	notify_rcpts_init(&r);
	notify_rcpts_submitter(f->c, st, &r);
	assert_int_equal(r.to->len, 0);
	notify_rcpts_clear(&r);
	f->c->reply_policy = CONF_REPLY_ALWAYS;
	statement_free(st);
}

static void
test_routing_extra_bound(void **state)
{
	struct fx *f = *state;
	struct statement *st = stmt("3gpp", "quic");
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "matt@example.com"));   /* the directory's */
	for (int i = 0; i < 200; i++) {
		g_autofree char *a = g_strdup_printf("x%d@victim.example", i);
		g_ptr_array_add(st->to_contacts, addr_new(NULL, a));
	}
	struct notify_rcpts r;
	g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func(g_free);
	notify_rcpts_init(&r);
	notify_rcpts_routing_held(f->c, f->d, st, &r, held);
	guint extra = 0;
	for (guint i = 0; i < r.to->len; i++)
		extra += g_str_has_suffix(((struct addr *)r.to->pdata[i])->address, "@victim.example");
	assert_int_equal(extra, 10);
	assert_true(notify_rcpts_contains(&r, "matt@example.com"));
	assert_int_equal(held->len, 190);
	notify_rcpts_clear(&r);
	statement_free(st);
}

static void
test_reminder(void **state)
{
	struct fx *f = *state;
	struct statement *st = stmt("3gpp-tsgsa", "quic,iesg");
	g_ptr_array_add(st->to_contacts, addr_new(NULL, "expert@example.org"));
	struct notify_rcpts r;
	notify_rcpts_init(&r);
	notify_rcpts_reminder(f->c, f->d, st, &r);
	g_autofree char *t = joined(r.to), *c = joined(r.cc);
	assert_string_equal(t, "matt@example.com,lucas@example.com,expert@example.org");
	assert_string_equal(c, "3gpp-liaison@ietf.org,liaison-coordination@iab.org");
	notify_rcpts_clear(&r);
	statement_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wg_contacts_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_area, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ietf_iesg_iab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_group_dedupe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concluded_and_unresolved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sdo_inherits_managers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_addresses_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submitter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routing_extra_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminder, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
