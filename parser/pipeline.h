/* pipeline.h - one stored message through parser -> store -> notify. */
#ifndef LIAISON_PIPELINE_H
#define LIAISON_PIPELINE_H

#include "conf/conf.h"
#include "conf/directory.h"

struct store;

/* pipeline_process - read message ID from the store, parse, validate, and in
 * ONE transaction save the statement (posted|rejected|ignored), its events and
 * its outbox mail. ACTOR goes into the history ("liaisond", or the secretariat
 * member for reprocess). Returns -1 with ERROR on failure; STORE_ERR_TEMP
 * errors are retried later, others count as a failed attempt. */
int pipeline_process(struct store *s, const struct conf *c, const struct directory *dir,
    gint64 id, const char *actor, GError **error);

#endif
