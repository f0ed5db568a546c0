/* reply.c - what the mail itself says about answering its sender: the
 * domains our own MTA authenticated (Authentication-Results, RFC 8601) and
 * Precedence. notify/recipients.c applies [notify] reply_policy to them. */
#include "parser/reply.h"
#include "conf/addr.h"

#include <string.h>

/* strip_comments - VALUE without RFC 5322 comments (nested parentheses
 * outside quoted strings), each replaced by a space. */
static char *
strip_comments(const char *value)
{
	GString *out = g_string_new(NULL);
	int depth = 0;
	gboolean quoted = FALSE;
	for (const char *p = value; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				g_string_append_c(out, *++p);
			else if (*p == '"')
				quoted = FALSE;
			else
				g_string_append_c(out, *p);
		} else if (depth > 0) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				g_string_append_c(out, ' ');
		} else if (*p == '(') {
			depth = 1;
		} else if (*p == '"') {
			quoted = TRUE;
		} else {
			g_string_append_c(out, *p);
		}
	}
	return g_string_free(out, FALSE);
}

/* add_domain - D (a domain, or an address whose domain counts) once, lower-cased. */
static void
add_domain(GPtrArray *domains, const char *d)
{
	const char *at = strrchr(d, '@');
	if (at)
		d = at + 1;
	if (!*d || strlen(d) > 253)
		return;
	g_autofree char *low = g_ascii_strdown(d, -1);
	for (guint i = 0; i < domains->len; i++)
		if (strcmp(domains->pdata[i], low) == 0)
			return;
	g_ptr_array_add(domains, g_steal_pointer(&low));
}

/* resinfo - one "method=result ptype.property=value ..." of a trusted field:
 * the domain it vouches for, into DOMAINS, when the result is pass. DMARC
 * and DKIM vouch for the From (header.from, header.d / header.i); SPF only
 * for the envelope sender's domain ENV_DOMAIN (smtp.mailfrom). */
static void
resinfo(const char *text, const char *env_domain, GPtrArray *domains)
{
	g_auto(GStrv) tok = g_strsplit_set(text, " \t", -1);
	const char *method = NULL;
	gboolean pass = FALSE;
	for (int i = 0; tok[i]; i++) {
		char *t = tok[i];
		char *eq = strchr(t, '=');
		if (!*t || !eq)
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (!method) {
			char *slash = strchr(t, '/');   /* method/version */
			if (slash)
				*slash = '\0';
			method = t;
			pass = g_ascii_strcasecmp(v, "pass") == 0;
			if (!pass)
				return;
			continue;
		}
		if (!*v)
			continue;
		if (!g_ascii_strcasecmp(method, "dmarc") && !g_ascii_strcasecmp(t, "header.from"))
			add_domain(domains, v);
		else if (!g_ascii_strcasecmp(method, "dkim") && (!g_ascii_strcasecmp(t, "header.d") ||
		    !g_ascii_strcasecmp(t, "header.i")))
			add_domain(domains, v);
		else if (!g_ascii_strcasecmp(method, "spf") && !g_ascii_strcasecmp(t, "smtp.mailfrom") &&
		    env_domain) {
			const char *at = strrchr(v, '@');
			if (!g_ascii_strcasecmp(at ? at + 1 : v, env_domain))
				add_domain(domains, env_domain);
		}
	}
}

void
reply_auth_domains(const char *value, const char *authserv_id, const char *env_domain,
    GPtrArray *domains)
{
	if (!value || !authserv_id || !*authserv_id)
		return;
	g_autofree char *clean = strip_comments(value);
	g_auto(GStrv) parts = g_strsplit(clean, ";", 64);
	if (!parts[0])
		return;
	/* authserv-id [version]: only our MTA's own field counts */
	g_strstrip(parts[0]);
	g_auto(GStrv) id = g_strsplit_set(parts[0], " \t", 2);
	if (!id[0] || g_ascii_strcasecmp(id[0], authserv_id) != 0)
		return;
	for (int i = 1; parts[i]; i++)
		resinfo(g_strstrip(parts[i]), env_domain, domains);
}

void
reply_note(struct statement *st, const struct parsed_mail *pm, const struct conf *c)
{
	json_object_remove_member(st->metadata, "precedence");
	json_object_remove_member(st->metadata, "reply_domains");
	if (pm->precedence && *pm->precedence)
		json_object_set_string_member(st->metadata, "precedence", pm->precedence);
	const char *env = pm->envelope_from ? strrchr(pm->envelope_from, '@') : NULL;
	g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; pm->auth_results && i < pm->auth_results->len; i++)
		reply_auth_domains(pm->auth_results->pdata[i], c->authserv_id, env ? env + 1 : NULL,
		    domains);
	JsonArray *a = json_array_new();
	for (guint i = 0; i < domains->len; i++)
		json_array_add_string_element(a, domains->pdata[i]);
	json_object_set_array_member(st->metadata, "reply_domains", a);
}
