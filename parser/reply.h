/* reply.h - what a mail says about answering its sender (issue 14). */
#ifndef LIAISON_REPLY_H
#define LIAISON_REPLY_H

#include <glib.h>
#include "conf/conf.h"
#include "parser/mime.h"
#include "model/statement.h"

/* reply_auth_domains - the domains one Authentication-Results VALUE vouches
 * for, added to DOMAINS (char *, lower-case): only when its authserv-id is
 * AUTHSERV_ID; DMARC or DKIM pass for the From domain, SPF pass only for
 * ENV_DOMAIN (the envelope sender's, may be NULL). */
void reply_auth_domains(const char *value, const char *authserv_id, const char *env_domain,
    GPtrArray *domains);

/* reply_note - ST's metadata "reply_domains" (what the outer mail's trusted
 * Authentication-Results fields vouch for; pm->auth_results holds only those
 * above the first Received) and "precedence" (the Precedence header). */
void reply_note(struct statement *st, const struct parsed_mail *pm, const struct conf *c);

#endif
