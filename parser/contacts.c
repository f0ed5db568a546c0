/* contacts.c - addresses in contact fields: strict (libetpan), cross-checked with GMime. */
#include "parser/fields_private.h"
#include "conf/addr.h"
#include "parser/mime.h"

#include <gmime/gmime.h>
#include <string.h>

/* gmime_addresses - the bare addresses GMime reads in TEXT (groups flattened). */
static GPtrArray *
gmime_addresses(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	mime_init();   /* liaisonctl edit reaches here without parsing any mail */
	InternetAddressList *l = internet_address_list_parse(NULL, text);
	if (!l)
		return out;
	for (int i = 0; i < internet_address_list_length(l); i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			g_ptr_array_add(out, g_strdup(a ? a : ""));
		} else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *m = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
			for (int j = 0; m && j < internet_address_list_length(m); j++) {
				InternetAddress *x = internet_address_list_get_address(m, j);
				if (INTERNET_ADDRESS_IS_MAILBOX(x))
					g_ptr_array_add(out, g_strdup(internet_address_mailbox_get_addr(
					    INTERNET_ADDRESS_MAILBOX(x))));
			}
		}
	}
	g_object_unref(l);
	return out;
}

/* agree - libetpan's list and GMime's name the same mailboxes in the same order. */
static gboolean
agree(GPtrArray *strict, const char *text)
{
	g_autoptr(GPtrArray) g = gmime_addresses(text);
	if (g->len != strict->len)
		return FALSE;
	for (guint i = 0; i < g->len; i++)
		if (!addr_equal(((struct addr *)strict->pdata[i])->address, g->pdata[i]))
			return FALSE;
	return TRUE;
}

/* strict_list - TEXT as an RFC 5322 address list. NULL when libetpan does
 * not read it; *DISAGREE when it does but GMime reads other mailboxes (a
 * sign of an address one program would deliver differently: refused). */
static GPtrArray *
strict_list(const char *text, gboolean *disagree)
{
	GPtrArray *l = NULL;
	*disagree = FALSE;
	if (!addr_parse_list(text, &l, NULL))
		return NULL;
	if (!agree(l, text)) {
		*disagree = TRUE;
		g_ptr_array_unref(l);
		return NULL;
	}
	return l;
}

gboolean
contacts_parse_header(const char *raw, GPtrArray *out)
{
	if (!raw || !*raw)
		return FALSE;
	/* The undecoded field: an encoded word is a display name, whatever it
	 * decodes to; a comment is skipped by both parsers. No free-text
	 * fallback here: a header that is not an address list gives nothing. */
	g_autofree char *value = g_utf8_make_valid(raw, -1);
	gboolean disagree = FALSE;
	GPtrArray *l = strict_list(value, &disagree);
	if (!l)
		return FALSE;
	while (l->len > 0)
		g_ptr_array_add(out, g_ptr_array_steal_index(l, 0));
	g_ptr_array_unref(l);
	return TRUE;
}

/* free_text_name - the "Name:" sub-line of a 3GPP/ITU-T contact, if any. */
static char *
free_text_name(const char *value)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *name = NULL;
	if (g_regex_match(fields_regex(&re, "(?im)^\\s*name\\s*:\\s*([^,\\n]+)", 0), value, 0, &mi))
		name = g_strstrip(g_match_info_fetch(mi, 1));
	g_match_info_free(mi);
	return name;
}

gboolean
contacts_parse(const char *raw, GPtrArray *out, char **bad)
{
	*bad = NULL;
	if (!raw || !*raw) {
		*bad = g_strdup("");
		return FALSE;
	}
	/* GRegex and GMime want UTF-8: a broken byte is shown as U+FFFD. */
	g_autofree char *value = g_utf8_make_valid(raw, -1);
	/* Values written as an address list: "A <a@x>, b@y". */
	gboolean disagree = FALSE;
	GPtrArray *l = strict_list(value, &disagree);
	if (disagree) {
		*bad = g_strdup(value);
		return FALSE;
	}
	if (l) {
		while (l->len > 0)
			g_ptr_array_add(out, g_ptr_array_steal_index(l, 0));
		g_ptr_array_unref(l);
		return TRUE;
	}
	/* Free text ("Peter Schmitt, E-mail: p@x", "mailto:a@b"): every token
	 * with an @ must be an address on its own, by both parsers. */
	g_autofree char *name = free_text_name(value);
	static GRegex *sep;
	char **tok = g_regex_split(fields_regex(&sep, "[\\s,;<>()\\[\\]\"]+", 0), value, 0);
	if (!tok) {
		*bad = g_strdup(value);
		return FALSE;
	}
	guint before = out->len;
	gboolean ok = TRUE;
	for (int i = 0; tok[i] && ok; i++) {
		char *t = tok[i];
		if (!strchr(t, '@'))
			continue;
		if (g_ascii_strncasecmp(t, "mailto:", 7) == 0)
			t += 7;
		size_t n = strlen(t);
		while (n > 0 && (t[n - 1] == '.' || t[n - 1] == ':'))
			t[--n] = '\0';
		GPtrArray *one = strict_list(t, &disagree);
		if (!one || one->len != 1) {
			*bad = g_strdup(t);
			ok = FALSE;
		} else {
			struct addr *a = g_ptr_array_steal_index(one, 0);
			if (name && !a->name && out->len == before)
				a->name = g_strdup(name);
			g_ptr_array_add(out, a);
		}
		if (one)
			g_ptr_array_unref(one);
	}
	g_strfreev(tok);
	if (ok && out->len == before) {
		*bad = g_strdup(value);
		ok = FALSE;
	}
	if (!ok)
		g_ptr_array_set_size(out, before);
	return ok;
}
