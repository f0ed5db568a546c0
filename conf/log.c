/* log.c - key=value log lines; the stderr stream is locked per line. */
#include "conf/log.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int level = LOG_INFO_;
static const char *prefix = "liaisond";
static const char *const names[] = { "debug", "info", "warning", "error" };

void
log_set_level(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name && strcmp(name, names[i]) == 0)
			level = i;
}

const char *
log_level_name(void)
{
	return names[level];
}

void
log_set_prefix(const char *prog)
{
	prefix = prog;
}

int
log_enabled(enum log_level l)
{
	return (int)l >= level;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	if (!log_enabled(l))
		return;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *body = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* Without journald in front (make run, tests) a timestamp helps; journald
	 * stamps lines itself, so it is left out when stderr goes there. */
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
	flockfile(stderr);
	if (g_getenv("JOURNAL_STREAM"))
		fprintf(stderr, "%s: level=%s %s\n", prefix, names[l], body);
	else
		fprintf(stderr, "%s.%03dZ %s: level=%s %s\n", ts,
		    g_date_time_get_microsecond(now) / 1000, prefix, names[l], body);
	fflush(stderr);
	funlockfile(stderr);
}

const char *
log_quote(const char *value)
{
	/* A ring of buffers, not one: a line that quotes two values (a client
	 * and a reason) printed the first twice when they shared a buffer. */
	static __thread char ring[LOG_QUOTE_MAX][512];
	static __thread unsigned next;
	char *buf = ring[next++ % LOG_QUOTE_MAX];
	size_t n = 0;
	if (!value)
		return "-";
	buf[n++] = '"';
	for (const char *p = value; *p && n < sizeof(ring[0]) - 3; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\')
			buf[n++] = '\\';
		buf[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

const char *
log_quote_redacted(const char *value)
{
	if (!value || log_enabled(LOG_DEBUG_) || !strchr(value, '@'))
		return log_quote(value);
	GString *out = g_string_new(NULL);
	const char *p = value;
	while (*p) {
		/* A word: up to a space or an angle bracket, so "<a@b>:" keeps its frame. */
		size_t n = strcspn(p, " \t<>,;");
		if (n == 0) {
			g_string_append_c(out, *p++);
			continue;
		}
		if (memchr(p, '@', n))
			g_string_append(out, "[address]");
		else
			g_string_append_len(out, p, (gssize)n);
		p += n;
	}
	const char *q = log_quote(out->str);
	g_string_free(out, TRUE);
	return q;
}
