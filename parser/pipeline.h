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

/* pipeline_parse / pipeline_save - pipeline_process in two steps, so that a
 * worker can parse several messages and save them in one transaction (the
 * write lock taken once, shared pages written once). pipeline_parse reads,
 * parses and validates message ID and composes its mail (reads only); NULL
 * with ERROR as pipeline_process. pipeline_save writes the N parsed
 * statements in ONE transaction: all of them, or none and ERROR naming the
 * statement that failed; ATTEMPT (the parse worker) also counts each one's
 * parse attempt there (a failed attempt is counted apart, when it fails). */
struct pipeline_parsed;
struct pipeline_parsed *pipeline_parse(struct store *s, const struct conf *c,
    const struct directory *dir, gint64 id, GError **error);
int pipeline_save(struct store *s, const struct conf *c, struct pipeline_parsed *const *items,
    int n, gboolean attempt, const char *actor, GError **error);
gint64 pipeline_parsed_id(const struct pipeline_parsed *p);
/* pipeline_parsed_unlinked - an In Response statement whose original was not
 * found (it may be among the statements not saved yet). */
gboolean pipeline_parsed_unlinked(const struct pipeline_parsed *p);
void pipeline_parsed_free(struct pipeline_parsed *p);

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
