/* lmtp_cmd.h - parsing one LMTP command line (RFC 2033, RFC 5321 4.1).
 *
 * A pure function over a buffer: no sockets, no state, no config, so that it
 * is unit-tested from tables and can be a fuzz target. The session decides
 * what a well-formed command means in its state. */
#ifndef LIAISON_LMTP_CMD_H
#define LIAISON_LMTP_CMD_H

#include <glib.h>

enum lmtp_verb {
	LMTP_V_UNKNOWN, LMTP_V_LHLO, LMTP_V_HELO, LMTP_V_EHLO, LMTP_V_MAIL, LMTP_V_RCPT,
	LMTP_V_DATA, LMTP_V_RSET, LMTP_V_NOOP, LMTP_V_QUIT, LMTP_V_VRFY, LMTP_V_COUNT
};

enum lmtp_body { LMTP_BODY_NONE, LMTP_BODY_7BIT, LMTP_BODY_8BITMIME };

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets including < and >. */
#define LMTP_PATH_MAX 256

/* What the line said; arg owned, freed by lmtp_cmd_clear. The path lives in
 * the struct: no allocation per RCPT, however many a client sends. */
struct lmtp_cmd {
	enum lmtp_verb verb;
	char *arg;             /* LHLO domain, VRFY/NOOP argument, or NULL */
	char path[LMTP_PATH_MAX];  /* MAIL/RCPT mailbox without <> and source route; "" for <> */
	gboolean path_8bit;    /* the mailbox has non-ASCII (UTF-8) octets */
	gint64 size;           /* SIZE=, -1 when absent */
	enum lmtp_body body;   /* BODY= */
	gboolean smtputf8;     /* SMTPUTF8 */
};

enum lmtp_parse {
	LMTP_PARSE_OK,
	LMTP_PARSE_UNKNOWN,    /* no such command: 500 5.5.2 */
	LMTP_PARSE_SYNTAX,     /* bad arguments: 501 5.5.4 */
	LMTP_PARSE_PARAM,      /* unknown or bad ESMTP parameter: 555 5.5.4 */
	LMTP_PARSE_PATH_LONG,  /* path over 256 octets (RFC 5321 4.5.3.1.3): 501 5.5.4 */
};

/* lmtp_cmd_parse - parse LINE (LEN bytes, CRLF or LF already removed) into
 * CMD. Returns LMTP_PARSE_OK or the class of error with *WHY (static text)
 * for the reply. CMD needs lmtp_cmd_clear afterwards in every case. */
enum lmtp_parse lmtp_cmd_parse(const char *line, size_t len, struct lmtp_cmd *cmd,
    const char **why);
void lmtp_cmd_clear(struct lmtp_cmd *cmd);
/* lmtp_cmd_verb_name - "LHLO", ...; "?" for unknown. */
const char *lmtp_cmd_verb_name(enum lmtp_verb v);

#endif
