/* cmd_conf.c - liaisonctl check-config, groups and resolve: the config and
 * the group directory as the daemon would see them. */
#include "ctl/ctl.h"
#include "ctl/ctl_out.h"
#include "conf/addr.h"
#include "conf/directory.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>

static const enum dir_type type_order[] = {
	DIR_WG, DIR_RG, DIR_AREA, DIR_IETF, DIR_IESG, DIR_IAB, DIR_IRTF, DIR_SDO,
};

/* check_notify - what the config table cannot check by itself: values that
 * must be addresses or URLs. */
static void
check_notify(const struct conf *conf, GPtrArray *problems)
{
	const struct { const char *key, *value; gboolean one; } addrs[] = {
		{ "from", conf->from, TRUE },
		{ "secretariat", conf->secretariat, FALSE },
		{ "liaison_coordinators", conf->liaison_coordinators, FALSE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(addrs); i++) {
		GError *e = NULL;
		GPtrArray *l = NULL;
		if (!addr_parse_list(addrs[i].value, &l, &e)) {
			g_ptr_array_add(problems, g_strdup_printf("%s: [notify] %s: %s", conf->path,
			    addrs[i].key, e->message));
			g_error_free(e);
			continue;
		}
		if (addrs[i].one && l->len != 1)
			g_ptr_array_add(problems, g_strdup_printf("%s: [notify] %s: must be one "
			    "address, not %u", conf->path, addrs[i].key, l->len));
		g_ptr_array_unref(l);
	}
	if (*conf->smtp_url && !g_str_has_prefix(conf->smtp_url, "smtp://") &&
	    !g_str_has_prefix(conf->smtp_url, "smtps://"))
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] smtp_url: '%s' is not "
		    "smtp://HOST[:PORT] or smtps://HOST[:PORT]", conf->path, conf->smtp_url));
	if (!g_str_has_prefix(conf->base_url, "https://") &&
	    !g_str_has_prefix(conf->base_url, "http://"))
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] base_url: '%s' is not "
		    "an http(s) URL", conf->path, conf->base_url));
	if (!g_str_has_prefix(conf->guide_url, "https://") &&
	    !g_str_has_prefix(conf->guide_url, "http://"))
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] guide_url: '%s' is not "
		    "an http(s) URL", conf->path, conf->guide_url));
	/* every mail template, as the daemon would load it (an unknown
	 * placeholder would otherwise only show when that mail is sent) */
	notify_templates_check(conf, problems);
	if (*conf->ca_file && !g_file_test(conf->ca_file, G_FILE_TEST_IS_REGULAR))
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] ca_file: '%s' is not a readable "
		    "file", conf->path, conf->ca_file));
	if (*conf->smtp_password_file &&
	    !g_file_test(conf->smtp_password_file, G_FILE_TEST_IS_REGULAR))
		g_ptr_array_add(problems, g_strdup_printf("%s: [notify] smtp_password_file: "
		    "'%s' is not a readable file", conf->path, conf->smtp_password_file));
	for (char **a = conf->statements_address; a && *a; a++)
		if (!addr_is_valid(*a))
			g_ptr_array_add(problems, g_strdup_printf("%s: [liaisond] "
			    "statements_address: '%s' is not a bare address", conf->path, *a));
}

/* summary - "N groups: N wg, N rg, N area, ..., N sdo". */
static char *
summary(const struct directory *d)
{
	g_autoptr(GPtrArray) all = directory_groups(d);
	guint n[G_N_ELEMENTS(type_order)] = { 0 };
	for (guint i = 0; i < all->len; i++)
		n[((const struct dir_group *)all->pdata[i])->type]++;
	GString *s = g_string_new(NULL);
	g_string_printf(s, "%u groups:", all->len);
	for (size_t t = 0; t < G_N_ELEMENTS(type_order); t++)
		g_string_append_printf(s, "%s %u %s", t ? "," : "", n[type_order[t]],
		    dir_type_name(type_order[t]));
	return g_string_free(s, FALSE);
}

static int
cmd_check_config(struct ctl *c, int argc, char **argv)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	struct directory *d = NULL;
	const char *dir_file = NULL;

	if (!c->conf) {
		/* liaisonctl hands us no config when it did not load: say why. */
		GError *e = NULL;
		struct conf *again = conf_load(c->config_path, &e);
		if (again) {
			conf_free(again);
		} else {
			/* One problem per line (conf_load_text collects them all). */
			g_auto(GStrv) lines = g_strsplit(e->message, "\n", -1);
			for (char **l = lines; *l; l++)
				if (**l)
					g_ptr_array_add(problems, g_strdup(*l));
		}
		g_clear_error(&e);
	} else {
		check_notify(c->conf, problems);
		dir_file = c->conf->directory_file;
		if (*dir_file && !g_file_test(dir_file, G_FILE_TEST_EXISTS)) {
			/* a fresh install: say how to make one, not just ENOENT */
			g_ptr_array_add(problems, g_strdup_printf("%s: [directory] file %s does not"
			    " exist: build it from the datatracker's groups and roles with"
			    " `liaisonctl directory import GROUPS.json ROLES.json`, or copy %s.example"
			    " and edit it (docs/directory.md)", c->conf->path, dir_file, dir_file));
		} else if (*dir_file) {
			GPtrArray *dp = NULL;
			d = directory_load(dir_file, &dp, NULL);
			for (guint i = 0; dp && i < dp->len; i++)
				g_ptr_array_add(problems, g_strdup(dp->pdata[i]));
			if (dp)
				g_ptr_array_unref(dp);
		}
	}
	g_autofree char *sum = d ? summary(d) : NULL;

	if (c->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "config");
		json_builder_add_string_value(b, c->conf ? c->conf->path :
		    c->config_path ? c->config_path : "(embedded default)");
		json_builder_set_member_name(b, "directory");
		if (dir_file && *dir_file)
			json_builder_add_string_value(b, dir_file);
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "ok");
		json_builder_add_boolean_value(b, problems->len == 0);
		json_builder_set_member_name(b, "problems");
		json_builder_begin_array(b);
		for (guint i = 0; i < problems->len; i++)
			json_builder_add_string_value(b, problems->pdata[i]);
		json_builder_end_array(b);
		json_builder_set_member_name(b, "groups");
		json_builder_begin_object(b);
		if (d) {
			g_autoptr(GPtrArray) all = directory_groups(d);
			json_builder_set_member_name(b, "total");
			json_builder_add_int_value(b, all->len);
			for (size_t t = 0; t < G_N_ELEMENTS(type_order); t++) {
				gint64 n = 0;
				for (guint i = 0; i < all->len; i++)
					n += ((const struct dir_group *)all->pdata[i])->type == type_order[t];
				json_builder_set_member_name(b, dir_type_name(type_order[t]));
				json_builder_add_int_value(b, n);
			}
		}
		json_builder_end_object(b);
		json_builder_end_object(b);
		ctl_print_json(json_builder_get_root(b));
	} else {
		for (guint i = 0; i < problems->len; i++)
			printf("%s\n", (char *)problems->pdata[i]);
		if (c->conf && !*c->conf->directory_file)
			printf("no directory: [directory] file is not set\n");
		if (sum)
			printf("%s\n", sum);
		if (problems->len)
			printf("%u problem%s\n", problems->len, problems->len == 1 ? "" : "s");
		else
			printf("ok\n");
	}
	directory_free(d);
	return problems->len ? EX_CONFIG_ : 0;
}

/* load_directory - the configured directory, or an exit code after
 * printing why it cannot be used. */
static int
load_directory(struct ctl *c, struct directory **out)
{
	GPtrArray *problems = NULL;
	if (!*c->conf->directory_file) {
		fprintf(stderr, "liaisonctl: no directory ([directory] file is not set)\n");
		*out = directory_new_empty();
		return 0;
	}
	*out = directory_load(c->conf->directory_file, &problems, NULL);
	if (!*out) {
		for (guint i = 0; i < problems->len; i++)
			fprintf(stderr, "%s\n", (char *)problems->pdata[i]);
		ctl_fail(EX_CONFIG_, "the directory has %u problem%s (liaisonctl check-config)",
		    problems->len, problems->len == 1 ? "" : "s");
	}
	if (problems)
		g_ptr_array_unref(problems);
	return *out ? 0 : EX_CONFIG_;
}

static void
add_addrs(JsonBuilder *b, const char *member, GPtrArray *addrs)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; i < addrs->len; i++) {
		const struct addr *a = addrs->pdata[i];
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		if (a->name)
			json_builder_add_string_value(b, a->name);
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "address");
		json_builder_add_string_value(b, a->address);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
add_opt_string(JsonBuilder *b, const char *member, const char *v)
{
	json_builder_set_member_name(b, member);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

/* group_json - one group, every key, plus the liaison managers in effect. */
static void
group_json(JsonBuilder *b, const struct directory *d, const struct dir_group *g)
{
	json_builder_begin_object(b);
	add_opt_string(b, "acronym", g->acronym);
	add_opt_string(b, "type", dir_type_name(g->type));
	add_opt_string(b, "name", g->name);
	add_opt_string(b, "parent", g->parent);
	add_opt_string(b, "list", g->list);
	add_addrs(b, "chairs", g->chairs);
	add_addrs(b, "ads", g->ads);
	add_addrs(b, "liaison_managers", g->liaison_managers);
	g_autoptr(GPtrArray) lm = directory_liaison_managers(d, g);
	add_addrs(b, "effective_liaison_managers", lm);
	add_addrs(b, "contacts", g->contacts);
	add_addrs(b, "cc", g->cc);
	json_builder_set_member_name(b, "aliases");
	json_builder_begin_array(b);
	for (char **a = g->aliases; a && *a; a++)
		json_builder_add_string_value(b, *a);
	json_builder_end_array(b);
	add_opt_string(b, "state", g->concluded ? "concluded" : "active");
	json_builder_end_object(b);
}

static int
cmd_groups(struct ctl *c, int argc, char **argv)
{
	struct directory *d;
	int rc;
	if (argc > 1)
		return ctl_usage(&ctl_cmds_conf[1]);
	if ((rc = load_directory(c, &d)) != 0)
		return rc;
	g_autoptr(GPtrArray) all = directory_groups(d);
	if (c->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_array(b);
		for (guint i = 0; i < all->len; i++)
			group_json(b, d, all->pdata[i]);
		json_builder_end_array(b);
		ctl_print_json(json_builder_get_root(b));
	} else {
		struct ctl_table *t = ctl_table_new(4, "ACRONYM", "TYPE", "PARENT", "NAME");
		for (guint i = 0; i < all->len; i++) {
			const struct dir_group *g = all->pdata[i];
			g_autofree char *name = g_strconcat(g->name, g->concluded ? " (concluded)" : "",
			    NULL);
			ctl_table_add(t, g->acronym, dir_type_name(g->type), g->parent ? g->parent : "-",
			    name);
			if (g->concluded)
				ctl_table_style(t, 3, CTL_DIM);
		}
		ctl_table_print(t, stdout);
		ctl_table_free(t);
	}
	directory_free(d);
	return 0;
}

static int
cmd_resolve(struct ctl *c, int argc, char **argv)
{
	struct directory *d;
	int rc;
	if (argc < 2)
		return ctl_usage(&ctl_cmds_conf[2]);
	if ((rc = load_directory(c, &d)) != 0)
		return rc;
	g_autofree char *text = g_strjoinv(" ", argv + 1);
	g_autoptr(GPtrArray) ms = directory_resolve(d, text);
	gboolean all = TRUE;
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_array(b);
	for (guint i = 0; i < ms->len; i++) {
		const struct dir_match *m = ms->pdata[i];
		GString *names = g_string_new(NULL);
		for (guint j = 0; j < m->groups->len; j++) {
			const struct dir_group *g = m->groups->pdata[j];
			g_string_append_printf(names, "%s%s", j ? ", " : "", g->acronym);
		}
		all &= m->kind == DIR_MATCH_RESOLVED;
		if (c->json) {
			static const char *const kinds[] = { "resolved", "ambiguous", "unknown" };
			json_builder_begin_object(b);
			add_opt_string(b, "text", m->text);
			add_opt_string(b, "result", kinds[m->kind]);
			json_builder_set_member_name(b, "groups");
			json_builder_begin_array(b);
			for (guint j = 0; j < m->groups->len; j++)
				json_builder_add_string_value(b,
				    ((const struct dir_group *)m->groups->pdata[j])->acronym);
			json_builder_end_array(b);
			add_opt_string(b, "suggestion", m->suggestion);
			json_builder_end_object(b);
		} else if (m->kind == DIR_MATCH_RESOLVED) {
			const struct dir_group *g = m->groups->pdata[0];
			printf("%s -> %s (%s, %s%s)\n", m->text, g->acronym, dir_type_name(g->type),
			    g->name, g->concluded ? ", concluded" : "");
		} else if (m->kind == DIR_MATCH_AMBIGUOUS) {
			printf("%s -> ambiguous: %s\n", m->text, names->str);
		} else if (m->suggestion) {
			printf("%s -> unknown (did you mean %s?)\n", m->text, m->suggestion);
		} else {
			printf("%s -> unknown\n", m->text);
		}
		g_string_free(names, TRUE);
	}
	json_builder_end_array(b);
	if (c->json)
		ctl_print_json(json_builder_get_root(b));
	if (ms->len == 0 && !c->json)
		printf("no group names in '%s'\n", text);
	directory_free(d);
	return all && ms->len ? 0 : EX_DATAERR_;
}

const struct ctl_cmd ctl_cmds_conf[] = {
	{ "check-config", cmd_check_config, "[--json]",
	  "check the config and the group directory; exit 0 when clean, 78 otherwise",
	  "Loads the configuration and the directory file it names, prints every problem\n"
	  "(file, line, [section] key and reason) and a summary of the groups by type.\n"
	  "Exit status 0 when there is nothing to fix, 78 (EX_CONFIG) otherwise." },
	{ "groups", cmd_groups, "[--json]",
	  "list the groups of the directory as loaded",
	  "One line per group (acronym, type, parent, name), or with --json every key,\n"
	  "including the liaison managers a sub-group inherits from its body." },
	{ "resolve", cmd_resolve, "TEXT [--json]",
	  "show what loosely written group names resolve to",
	  "TEXT is what a statement says, e.g. \"IETF QUIC and TLS WGs\" or \"3GPP TSG SA WG3 (SA3)\".\n"
	  "Prints one line per name: the group, 'ambiguous' with the candidates, or 'unknown'\n"
	  "with a suggestion when one is close. Exit status 0 when every name resolved,\n"
	  "65 when one is ambiguous or unknown, 78 when the directory does not load." },
	{ NULL, NULL, NULL, NULL, NULL },
};
