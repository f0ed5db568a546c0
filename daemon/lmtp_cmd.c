/* lmtp_cmd.c - the LMTP command-line parser: verb, paths, ESMTP parameters. */
#include "daemon/lmtp_cmd.h"

#include <string.h>


static const char *const verb_names[LMTP_V_COUNT] = {
	[LMTP_V_UNKNOWN] = "?", [LMTP_V_LHLO] = "LHLO", [LMTP_V_HELO] = "HELO",
	[LMTP_V_EHLO] = "EHLO", [LMTP_V_MAIL] = "MAIL", [LMTP_V_RCPT] = "RCPT",
	[LMTP_V_DATA] = "DATA", [LMTP_V_RSET] = "RSET", [LMTP_V_NOOP] = "NOOP",
	[LMTP_V_QUIT] = "QUIT", [LMTP_V_VRFY] = "VRFY",
};

/* A cursor over the line; the line may hold any octet, NUL included. */
struct cur {
	const char *p, *end;
};

const char *
lmtp_cmd_verb_name(enum lmtp_verb v)
{
	return v < LMTP_V_COUNT ? verb_names[v] : "?";
}

void
lmtp_cmd_clear(struct lmtp_cmd *cmd)
{
	g_free(cmd->arg);
	cmd->arg = NULL;
}

static gboolean
at_end(const struct cur *c)
{
	return c->p >= c->end;
}

static void
skip_sp(struct cur *c)
{
	while (!at_end(c) && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* take_word - case-insensitive match of WORD at the cursor, consumed on success. */
static gboolean
take_word(struct cur *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->p) < n || g_ascii_strncasecmp(c->p, word, n) != 0)
		return FALSE;
	c->p += n;
	return TRUE;
}

/* atext of RFC 5322 3.2.3, plus octets >= 0x80 (checked as UTF-8 later). */
static gboolean
is_atext(unsigned char ch)
{
	return g_ascii_isalnum(ch) || strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL || ch >= 0x80;
}

/* check_local - Dot-string or Quoted-string (RFC 5321 4.1.2). */
static gboolean
check_local(const char *s, size_t n)
{
	if (n == 0)
		return FALSE;
	if (s[0] == '"') {
		size_t i = 1;
		for (; i < n && s[i] != '"'; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == '\\' && i + 1 < n)
				ch = (unsigned char)s[++i];
			if (ch < 0x20 || ch == 0x7f)
				return FALSE;
		}
		return i == n - 1;      /* the closing quote ends the local part */
	}
	if (s[0] == '.' || s[n - 1] == '.')
		return FALSE;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && i + 1 < n && s[i + 1] == '.')
			return FALSE;
		if (s[i] != '.' && !is_atext((unsigned char)s[i]))
			return FALSE;
	}
	return TRUE;
}

/* check_domain - a domain name (ASCII or UTF-8 labels) or an address literal. */
static gboolean
check_domain(const char *s, size_t n)
{
	if (n == 0)
		return FALSE;
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return FALSE;
		for (size_t i = 1; i < n - 1; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch <= ' ' || ch >= 0x7f || ch == '[' || ch == ']' || ch == '\\')
				return FALSE;
		}
		return TRUE;
	}
	if (s[0] == '.' || s[0] == '-' || s[n - 1] == '.')
		return FALSE;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(g_ascii_isalnum(ch) || ch == '-' || ch >= 0x80 || (ch == '.' && !(i + 1 < n && s[i + 1] == '.'))))
			return FALSE;
	}
	return TRUE;
}

/* find_at - the '@' between local part and domain (not one inside quotes). */
static const char *
find_at(const char *s, size_t n)
{
	gboolean q = FALSE;
	for (size_t i = 0; i < n; i++) {
		if (q && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '@')
			return s + i;
	}
	return NULL;
}

/* parse_path - "<" [A-d-l ":"] Mailbox ">" at the cursor; "<>" when EMPTY_OK.
 * The source route is read and dropped (RFC 5321 4.1.1.3, C.). */
static enum lmtp_parse
parse_path(struct cur *c, gboolean empty_ok, struct lmtp_cmd *cmd, const char **why)
{
	skip_sp(c);     /* "MAIL FROM: <a@b>" is a common slip; accept it */
	if (at_end(c) || *c->p != '<') {
		*why = "path must be enclosed in <>";
		return LMTP_PARSE_SYNTAX;
	}
	const char *start = c->p + 1, *gt = NULL;
	gboolean q = FALSE;
	for (const char *p = start; p < c->end; p++) {
		if (q && *p == '\\' && p + 1 < c->end)
			p++;
		else if (*p == '"')
			q = !q;
		else if (!q && *p == '>') {
			gt = p;
			break;
		}
	}
	if (!gt) {
		*why = "path must be enclosed in <>";
		return LMTP_PARSE_SYNTAX;
	}
	if (gt - c->p + 1 > LMTP_PATH_MAX) {
		*why = "path too long";
		return LMTP_PARSE_PATH_LONG;
	}
	c->p = gt + 1;
	const char *m = start;
	if (m < gt && *m == '@') {
		const char *colon = memchr(m, ':', (size_t)(gt - m));
		if (!colon) {
			*why = "bad source route";
			return LMTP_PARSE_SYNTAX;
		}
		m = colon + 1;
	}
	size_t n = (size_t)(gt - m);
	if (n == 0 && m == start) {
		if (!empty_ok) {
			*why = "empty path not allowed here";
			return LMTP_PARSE_SYNTAX;
		}
		cmd->path[0] = '\0';
		return LMTP_PARSE_OK;
	}
	const char *at = find_at(m, n);
	gboolean ok;
	if (!at)        /* RCPT TO:<Postmaster> (RFC 5321 4.1.1.3) */
		ok = !empty_ok && n == 10 && g_ascii_strncasecmp(m, "postmaster", 10) == 0;
	else
		ok = check_local(m, (size_t)(at - m)) && check_domain(at + 1, (size_t)(gt - at - 1));
	if (!ok) {
		*why = "bad mailbox syntax";
		return LMTP_PARSE_SYNTAX;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)m[i] >= 0x80)
			cmd->path_8bit = TRUE;
	if (cmd->path_8bit && !g_utf8_validate(m, (gssize)n, NULL)) {
		*why = "mailbox is not valid UTF-8";
		return LMTP_PARSE_SYNTAX;
	}
	memcpy(cmd->path, m, n);        /* n < LMTP_PATH_MAX: checked above */
	cmd->path[n] = '\0';
	return LMTP_PARSE_OK;
}

/* mail_param - one ESMTP parameter of MAIL (RFC 1870 SIZE, RFC 6152 BODY,
 * RFC 6531 SMTPUTF8), the only ones LHLO advertises. */
static enum lmtp_parse
mail_param(const char *kw, size_t kn, const char *val, size_t vn, struct lmtp_cmd *cmd,
    const char **why)
{
	if (kn == 4 && g_ascii_strncasecmp(kw, "SIZE", 4) == 0) {
		if (!val || vn == 0 || vn > 20 || cmd->size >= 0) {
			*why = "bad SIZE parameter";
			return LMTP_PARSE_SYNTAX;
		}
		gint64 v = 0;
		for (size_t i = 0; i < vn; i++) {
			if (!g_ascii_isdigit(val[i])) {
				*why = "bad SIZE parameter";
				return LMTP_PARSE_SYNTAX;
			}
			/* Past the range: clamp, it is over any limit anyway. */
			v = v > (G_MAXINT64 - 9) / 10 ? G_MAXINT64 : v * 10 + (val[i] - '0');
		}
		cmd->size = v;
		return LMTP_PARSE_OK;
	}
	if (kn == 4 && g_ascii_strncasecmp(kw, "BODY", 4) == 0) {
		if (cmd->body != LMTP_BODY_NONE || !val) {
			*why = "bad BODY parameter";
			return LMTP_PARSE_SYNTAX;
		}
		if (vn == 4 && g_ascii_strncasecmp(val, "7BIT", 4) == 0)
			cmd->body = LMTP_BODY_7BIT;
		else if (vn == 8 && g_ascii_strncasecmp(val, "8BITMIME", 8) == 0)
			cmd->body = LMTP_BODY_8BITMIME;
		else {
			*why = "BODY must be 7BIT or 8BITMIME";
			return LMTP_PARSE_PARAM;
		}
		return LMTP_PARSE_OK;
	}
	if (kn == 8 && g_ascii_strncasecmp(kw, "SMTPUTF8", 8) == 0) {
		if (val || cmd->smtputf8) {
			*why = "bad SMTPUTF8 parameter";
			return LMTP_PARSE_SYNTAX;
		}
		cmd->smtputf8 = TRUE;
		return LMTP_PARSE_OK;
	}
	*why = "unsupported parameter";
	return LMTP_PARSE_PARAM;
}

/* parse_params - SP-separated esmtp-param list after a path (RFC 5321 4.1.2). */
static enum lmtp_parse
parse_params(struct cur *c, gboolean is_mail, struct lmtp_cmd *cmd, const char **why)
{
	if (!at_end(c) && *c->p != ' ') {
		*why = "junk after path";
		return LMTP_PARSE_SYNTAX;
	}
	for (;;) {
		skip_sp(c);
		if (at_end(c))
			return LMTP_PARSE_OK;
		const char *kw = c->p, *val = NULL;
		while (!at_end(c) && *c->p != ' ' && *c->p != '=')
			c->p++;
		size_t kn = (size_t)(c->p - kw), vn = 0;
		for (size_t i = 0; i < kn; i++)
			if (!(g_ascii_isalnum(kw[i]) || (i > 0 && kw[i] == '-'))) {
				*why = "bad parameter syntax";
				return LMTP_PARSE_SYNTAX;
			}
		if (kn == 0) {
			*why = "bad parameter syntax";
			return LMTP_PARSE_SYNTAX;
		}
		if (!at_end(c) && *c->p == '=') {
			val = ++c->p;
			while (!at_end(c) && *c->p != ' ')
				c->p++;
			vn = (size_t)(c->p - val);
		}
		if (!is_mail) {
			*why = "unsupported parameter";
			return LMTP_PARSE_PARAM;
		}
		enum lmtp_parse r = mail_param(kw, kn, val, vn, cmd, why);
		if (r != LMTP_PARSE_OK)
			return r;
	}
}

/* find_verb - the command word, case-insensitive (RFC 5321 2.4). */
static enum lmtp_verb
find_verb(const char *w, size_t n)
{
	for (int v = LMTP_V_UNKNOWN + 1; v < LMTP_V_COUNT; v++)
		if (n == 4 && g_ascii_strncasecmp(w, verb_names[v], 4) == 0)
			return (enum lmtp_verb)v;
	return LMTP_V_UNKNOWN;
}

enum lmtp_parse
lmtp_cmd_parse(const char *line, size_t len, struct lmtp_cmd *cmd, const char **why)
{
	struct cur c = { line, line + len };
	cmd->verb = LMTP_V_UNKNOWN;
	cmd->arg = NULL;
	cmd->path[0] = '\0';
	cmd->path_8bit = FALSE;
	cmd->size = -1;
	cmd->body = LMTP_BODY_NONE;
	cmd->smtputf8 = FALSE;
	*why = NULL;

	const char *w = c.p;
	while (!at_end(&c) && *c.p != ' ')
		c.p++;
	cmd->verb = find_verb(w, (size_t)(c.p - w));
	if (cmd->verb == LMTP_V_UNKNOWN) {
		*why = "command not recognized";
		return LMTP_PARSE_UNKNOWN;
	}
	/* Control characters (NUL, bare CR, ...) never belong in a command. */
	for (const char *p = c.p; p < c.end; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*why = "control character in command";
			return LMTP_PARSE_SYNTAX;
		}
	const char *args = c.p;
	skip_sp(&c);
	gboolean has_args = !at_end(&c);

	switch (cmd->verb) {
	case LMTP_V_MAIL:
	case LMTP_V_RCPT: {
		gboolean mail = cmd->verb == LMTP_V_MAIL;
		if (c.p != args + 1 || !take_word(&c, mail ? "FROM:" : "TO:")) {
			*why = mail ? "use MAIL FROM:<address>" : "use RCPT TO:<address>";
			return LMTP_PARSE_SYNTAX;
		}
		enum lmtp_parse r = parse_path(&c, mail, cmd, why);
		return r != LMTP_PARSE_OK ? r : parse_params(&c, mail, cmd, why);
	}
	case LMTP_V_LHLO:
	case LMTP_V_VRFY:
		if (!has_args) {
			*why = cmd->verb == LMTP_V_LHLO ? "LHLO needs a host name" : "VRFY needs an argument";
			return LMTP_PARSE_SYNTAX;
		}
		/* fall through */
	case LMTP_V_NOOP:
	case LMTP_V_HELO:
	case LMTP_V_EHLO:
		if (has_args) {
			const char *e = c.end;
			while (e > c.p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			cmd->arg = g_strndup(c.p, (gsize)(e - c.p));
		}
		return LMTP_PARSE_OK;
	case LMTP_V_DATA:
	case LMTP_V_RSET:
	case LMTP_V_QUIT:
		if (has_args) {
			*why = "no arguments allowed";
			return LMTP_PARSE_SYNTAX;
		}
		return LMTP_PARSE_OK;
	default:
		*why = "command not recognized";
		return LMTP_PARSE_UNKNOWN;
	}
}
