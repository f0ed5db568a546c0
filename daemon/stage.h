/* stage.h - the work after a message is durable: parsing (and its worker). */
#ifndef LIAISON_STAGE_H
#define LIAISON_STAGE_H

#include "conf/conf.h"
#include "conf/directory.h"

/* stage_start - start the parse stage; it processes every message in state
 * 'received' (also those left by a crash) oldest first. */
int stage_start(const struct conf *c, GError **error);
/* stage_kick - new messages were committed. Cheap; callable from any thread. */
void stage_kick(void);
/* stage_reload - SIGHUP: load the directory again; a broken file is logged and
 * the old directory kept. */
void stage_reload(void);
/* stage_stop - finish the message in hand (bounded), then stop. */
void stage_stop(void);

/* stage_load_directory - the [directory] file of C (an empty directory when
 * none is configured), or NULL with every problem logged, naming the file. */
struct directory *stage_load_directory(const struct conf *c);

/* stage_worker_main - the parse worker: `liaisond --worker parse [--log-level
 * LEVEL] [--config FILE]`, started by the stage with its stdin as the command pipe (k = new
 * messages, r = reload the directory, EOF = stop) and its stdout as the
 * status pipe: "start ID" when message ID is in hand, "save ID ..." when it
 * saves the statements it parsed (one transaction), "done ID" for each
 * message finished. Options: --slot N --slots M (its share: id % M == N),
 * --single K (save the first K messages one at a time: after a crash in a
 * batch's save). Returns the exit status. */
int stage_worker_main(int argc, char **argv);

#endif
