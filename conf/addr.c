/* addr.c - strict RFC 5322 address parsing (libetpan mailimf). */
#include "conf/addr.h"

#include <libetpan/libetpan.h>
#include <string.h>

#define ADDR_MAX 254   /* RFC 5321 4.5.3.1.3: a path is at most 256 with <> */

G_DEFINE_QUARK(liaisond-addr-error-quark, addr_error)

struct addr *
addr_new(const char *name, const char *address)
{
	struct addr *a = g_new0(struct addr, 1);
	a->name = name && *name ? g_strdup(name) : NULL;
	const char *at = address ? strrchr(address, '@') : NULL;
	if (at) {
		g_autofree char *dom = g_ascii_strdown(at + 1, -1);
		a->address = g_strdup_printf("%.*s@%s", (int)(at - address), address, dom);
	} else {
		a->address = g_strdup(address ? address : "");
	}
	return a;
}

void
addr_free(gpointer p)
{
	struct addr *a = p;
	if (!a)
		return;
	g_free(a->name);
	g_free(a->address);
	g_free(a);
}

gboolean
addr_is_valid(const char *bare)
{
	if (!bare)
		return FALSE;
	size_t n = strlen(bare);
	const char *at = strrchr(bare, '@');
	if (n == 0 || n > ADDR_MAX || !at || at == bare || at[1] == '\0')
		return FALSE;
	/* One '@' ("foo@@bad" is a typo, not a local part "foo@"): a quoted
	 * local part holding '@' is refused below anyway ('"'). */
	if (strchr(bare, '@') != at)
		return FALSE;
	for (const unsigned char *p = (const unsigned char *)bare; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' ||
		    *p == ';' || *p == '(' || *p == ')' || *p == '\\' || *p == '"')
			return FALSE;
	/* The domain: labels of letters, digits, '-', '.'; or an address literal. */
	if (at[1] == '[')
		return bare[n - 1] == ']';
	for (const char *p = at + 1; *p; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && !((unsigned char)*p & 0x80))
			return FALSE;
		/* A label neither starts nor ends with '-' (RFC 1035 2.3.1). */
		if (*p == '-' && (p[-1] == '.' || p[-1] == '@' || p[1] == '.' || p[1] == '\0'))
			return FALSE;
	}
	return strstr(at + 1, "..") == NULL && at[1] != '.' && bare[n - 1] != '.';
}

gboolean
addr_equal(const char *a, const char *b)
{
	const char *ata = strrchr(a, '@'), *atb = strrchr(b, '@');
	if (!ata || !atb)
		return g_ascii_strcasecmp(a, b) == 0;
	return (ata - a) == (atb - b) && strncmp(a, b, (size_t)(ata - a)) == 0 &&
	    g_ascii_strcasecmp(ata, atb) == 0;
}

/* decode_name - an RFC 2047 phrase to UTF-8, quotes already removed by mailimf. */
static char *
decode_name(const char *phrase)
{
	char *out = NULL;
	size_t idx = 0;
	if (!phrase || !*phrase)
		return NULL;
	/* Unencoded 8-bit names are taken as UTF-8 when they are valid UTF-8
	 * (RFC 6532), as Latin-1 otherwise (the usual legacy). */
	const char *fallback = g_utf8_validate(phrase, -1, NULL) ? "utf-8" : "iso-8859-1";
	char *r;
	if (mailmime_encoded_phrase_parse(fallback, phrase, strlen(phrase), &idx, "utf-8",
	    &out) == MAILIMF_NO_ERROR && out) {
		r = g_utf8_make_valid(out, -1);
		free(out);
	} else {
		r = g_utf8_make_valid(phrase, -1);
	}
	/* A name, decoded or not, may carry CR/LF (Mailsploit): never let it through. */
	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return g_strstrip(r);
}

/* add_mailbox - MB into OUT. mailimf accepts the obsolete syntax that lets
 * whitespace split an address ("a b@c.d" read as "ab@c.d", RFC 5322 4.4);
 * we do not: the address must appear as one piece in TEXT. */
static gboolean
add_mailbox(GPtrArray *out, struct mailimf_mailbox *mb, const char *text, GError **error)
{
	if (!strstr(text, mb->mb_addr_spec)) {
		g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, "'%s' has spaces inside an address "
		    "(it would read as '%s')", text, mb->mb_addr_spec);
		return FALSE;
	}
	g_autofree char *name = decode_name(mb->mb_display_name);
	g_ptr_array_add(out, addr_new(name, mb->mb_addr_spec));
	return TRUE;
}

gboolean
addr_parse_list(const char *text, GPtrArray **out, GError **error)
{
	struct mailimf_address_list *list = NULL;
	size_t idx = 0, len = text ? strlen(text) : 0;
	GPtrArray *res = g_ptr_array_new_with_free_func(addr_free);
	gboolean ok = FALSE;

	if (len == 0 || len > 64 * 1024) {
		g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, len ? "address list too long" :
		    "empty address list");
		goto out;
	}
	if (mailimf_address_list_parse(text, len, &idx, &list) != MAILIMF_NO_ERROR) {
		g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, "'%s' is not a valid address list", text);
		goto out;
	}
	while (idx < len && g_ascii_isspace(text[idx]))
		idx++;
	if (idx != len) {
		g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, "'%s' does not parse after '%.*s'", text,
		    (int)idx, text);
		goto out;
	}
	for (clistiter *it = clist_begin(list->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *ad = clist_content(it);
		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			if (!add_mailbox(res, ad->ad_data.ad_mailbox, text, error))
				goto out;
		} else if (ad->ad_data.ad_group->grp_mb_list) {
			clist *l = ad->ad_data.ad_group->grp_mb_list->mb_list;
			for (clistiter *j = clist_begin(l); j; j = clist_next(j))
				if (!add_mailbox(res, clist_content(j), text, error))
					goto out;
		}
	}

	for (guint i = 0; i < res->len; i++) {
		struct addr *a = res->pdata[i];
		if (!addr_is_valid(a->address)) {
			g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, "'%s' is not a usable address",
			    a->address);
			goto out;
		}
	}
	ok = TRUE;
out:
	if (list)
		mailimf_address_list_free(list);
	if (ok && out)
		*out = g_steal_pointer(&res);
	if (res)
		g_ptr_array_unref(res);
	return ok;
}

struct addr *
addr_parse_one(const char *text, GError **error)
{
	GPtrArray *l = NULL;
	if (!addr_parse_list(text, &l, error))
		return NULL;
	if (l->len != 1) {
		g_set_error(error, ADDR_ERROR, ADDR_ERR_INVALID, "'%s' is %u addresses, not one", text, l->len);
		g_ptr_array_unref(l);
		return NULL;
	}
	struct addr *a = g_ptr_array_steal_index(l, 0);
	g_ptr_array_unref(l);
	return a;
}

char *
addr_format(const struct addr *a)
{
	if (!a->name || !*a->name)
		return g_strdup(a->address);
	GString *s = g_string_new("\"");
	for (const char *p = a->name; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		if ((unsigned char)*p >= 0x20)
			g_string_append_c(s, *p);
	}
	g_string_append_printf(s, "\" <%s>", a->address);
	return g_string_free(s, FALSE);
}
