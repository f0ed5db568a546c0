/* pipeline.h - one stored message through parser -> store -> notify. */
#ifndef LIAISON_PIPELINE_H
#define LIAISON_PIPELINE_H

#include "conf/conf.h"
#include "conf/directory.h"
#include "parser/mime.h"
#include "parser/statement.h"

struct store;

/* pipeline_process - read message ID from the store, parse, validate, and in
 * ONE transaction save the statement (posted|rejected|ignored), its events and
 * its outbox mail. ACTOR goes into the history ("liaisond", or the secretariat
 * member for reprocess). Returns -1 with ERROR on failure; STORE_ERR_TEMP
 * errors are retried later, others count as a failed attempt. */
int pipeline_process(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, const char *actor, GError **error);

/* pipeline_fail - message ID could not be parsed (crash, timeout, error) in
 * conf->parse_attempts tries: save it rejected with error parse_failed (WHY
 * says what happened) and queue its rejection mail, in one transaction. */
int pipeline_fail(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, const char *actor, const char *why, GError **error);

/* pipeline_post - what follows a statement's save, inside the CALLER's
 * transaction, for every path that stores or posts one (the parse pipeline,
 * `liaisonctl approve`): queue its mail (routing and acknowledgement when
 * posted, rejection when rejected) and, for a posted In Response statement,
 * mark the statements it answers as action taken. ST->state must be final. */
int pipeline_post(struct store *s, const struct conf *c, const struct directory *dir,
    const struct statement *st, const char *actor, GError **error);

/* pipeline_statement_from_mail - the statement's MIME-derived parts (body,
 * attachments, documents, forward, auto-generated, message ids, submitter,
 * mime_defect and charset_guessed warnings) from PM, before fields_extract. */
void pipeline_statement_from_mail(struct statement *st, struct parsed_mail *pm);

#endif
