/* log.h - one line per event, key=value, on stderr (journald adds the time). */
#ifndef LIAISON_LOG_H
#define LIAISON_LOG_H

enum log_level { LOG_DEBUG_, LOG_INFO_, LOG_WARNING_, LOG_ERROR_ };

/* log_set_level - "debug", "info", "warning" or "error"; unknown names keep info. */
void log_set_level(const char *name);
/* log_level_name - the level in force, as log_set_level takes it. */
const char *log_level_name(void);
/* log_set_prefix - program name put at the front of every line. */
void log_set_prefix(const char *prog);
int log_enabled(enum log_level l);

/* log_msg - FMT is key=value pairs, e.g. "event=lmtp_accept session=%s". */
void log_msg(enum log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) do { if (log_enabled(LOG_DEBUG_)) log_msg(LOG_DEBUG_, __VA_ARGS__); } while (0)
#define log_info(...) log_msg(LOG_INFO_, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING_, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR_, __VA_ARGS__)

/* log_quote - VALUE made safe for a key=value line (quoted, no control
 * characters, cut at about 500 bytes). The text is in one of LOG_QUOTE_MAX
 * per-thread buffers used in turn: it stays valid for LOG_QUOTE_MAX - 1
 * more calls, so one log line can quote up to LOG_QUOTE_MAX values. */
#define LOG_QUOTE_MAX 8
const char *log_quote(const char *value);

/* log_quote_redacted - log_quote, with every word that holds an '@' (an
 * address, in text from a mail server or a client) shown as [address]
 * unless the level is debug: addresses are logged at debug only. */
const char *log_quote_redacted(const char *value);

#endif
