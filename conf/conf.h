/* conf.h - liaisond.conf: one table of keys, loaded and checked once. */
#ifndef LIAISON_CONF_H
#define LIAISON_CONF_H

#include <glib.h>

/* Each module that reports errors has its own domain and codes: conf here,
 * ADDR_ERROR (conf/addr.h), STORE_ERROR (store/store.h), NOTIFY_ERROR
 * (notify/notify.h), FLOW_ERROR (flow/flow.h); a code is a name of its enum,
 * never a number (docs/design.md, checked by scripts/check-layers.py).
 * liaisonctl turns them into exit codes (ctl_fail_error). */
#define CONF_ERROR conf_error_quark()
GQuark conf_error_quark(void);
enum conf_error_code {
	CONF_ERR_INVALID = 1,   /* a key or value is wrong (the message lists them) */
	CONF_ERR_READ,          /* the file cannot be read (or none was given) */
	CONF_ERR_HASH,          /* libcrypt made no salt or hash (conf/users.c) */
};

/* sysexits(3) codes, shared by both programs. */
enum {
	EX_OK_ = 0, EX_USAGE_ = 64, EX_DATAERR_ = 65, EX_NOINPUT_ = 66,
	EX_UNAVAILABLE_ = 69, EX_SOFTWARE_ = 70, EX_CANTCREAT_ = 73,
	EX_IOERR_ = 74, EX_TEMPFAIL_ = 75, EX_NOPERM_ = 77, EX_CONFIG_ = 78
};

enum conf_tls { CONF_TLS_NONE, CONF_TLS_STARTTLS, CONF_TLS_TLS };
/* [notify] reply_policy: who gets acknowledgements and rejections. */
enum conf_reply { CONF_REPLY_ALWAYS, CONF_REPLY_AUTHENTICATED, CONF_REPLY_NEVER };

struct conf {
	char *path;            /* file it came from, or "(embedded default)" */
	char *dir;             /* folder relative paths are resolved against */

	/* [liaisond] */
	char **listen;         /* "host:port" or "unix:/path", NULL-terminated */
	char **statements_address;
	char *state_dir;
	gint64 max_message_size;
	int max_connections;
	int idle_timeout;      /* seconds */
	int max_recipients;
	int max_line_length;   /* command line, incl. CRLF */
	int max_bad_commands;
	int socket_mode;       /* octal, e.g. 0660 */
	char *socket_group;    /* "" = leave as is */
	int drain_timeout;     /* seconds SIGTERM waits for transactions */
	int commit_batch;      /* messages per group commit, at most */
	gint64 inline_max;     /* a message up to this is kept in the database, not as a file */
	char *log_level;       /* debug|info|warning|error */
	char *authserv_id;     /* our MTA's Authentication-Results id; "" = trust none */

	/* [parser] */
	int parse_timeout;     /* seconds one message may take */
	int parse_attempts;    /* before parse_failed */
	int parse_workers;     /* parse worker processes; 0: one per core */
	int max_mime_depth;
	int max_mime_parts;
	int max_header_count;
	gint64 max_header_size;
	int parse_cpu_budget;  /* CPU seconds one parse may use (capped by parse_timeout) */
	int pdf_parse_pages;   /* PDF pages read during the parse; the rest when idle */
	int duplicate_window_days;   /* a repeat by content is looked for this far back */

	/* [directory] */
	char *directory_file;  /* "" = no directory */

	/* [notify] */
	char *smtp_url;        /* "" = hold all mail in the outbox */
	char *from;
	char *from_address;    /* derived: the bare address of from, NULL when not valid */
	char *secretariat;
	char *liaison_coordinators;
	char *base_url;
	char *smtp_user;
	char *smtp_password_file;
	char *ca_file;         /* PEM certificates the SMTP server's must chain to; empty: the system's */
	enum conf_tls tls;
	int retry_lifetime;    /* seconds */
	char *reminder_days;   /* "14,7,3,1,0" */
	int smtp_timeout;      /* seconds per SMTP transaction */
	int retry_initial;     /* seconds before the first retry; doubles up to an hour */
	int approval_remind_days;   /* days a pending outgoing statement waits before a reminder */
	gint64 attach_max;     /* bytes: routing mail attaches documents up to this total, links above */
	char *template_dir;    /* the mail templates; a kind without a file there: the embedded one */
	char *guide_url;       /* the IETF's guide for sending liaison statements (rejection mail) */
	enum conf_reply reply_policy;
	int max_reply_recipients;  /* addresses one acknowledgement or rejection goes to */
	int max_extra_recipients;  /* To-Contacts outside the directory one routing mail goes to */

	/* [web] (liaisond-web) */
	char **web_listen;     /* "host:port" or "unix:/path", NULL-terminated */
	char *web_auth;        /* password|proxy */
	char *web_users_file;  /* "" = nobody can log in with a password */
	char *web_proxy_user_header;
	int web_session_lifetime;   /* seconds */
	int web_max_connections;
	int web_page_size;     /* statements per list page */
};

/* conf_load - read FILE into a new conf. NULL: the embedded default, but only
 * in a source tree (conf/default.conf in the current folder, as `make run`
 * starts it): elsewhere its relative state_dir would make a ./var of whatever
 * folder one stands in, so that is a config error naming --config. */
struct conf *conf_load(const char *file, GError **error);

/* conf_load_text - parse config text as if read from FILE_LABEL in DIR. On
 * problems returns NULL; ERROR's message has every problem, one per line
 * ("FILE: [section] key: reason"). */
struct conf *conf_load_text(const char *text, const char *file_label,
    const char *dir, GError **error);

/* conf_path_for - the config path a program should use: ARG (--config), else
 * $LIAISOND_CONFIG, else the installed default (conf_installed_path, set by
 * `make install`), else NULL: the embedded default, which conf_load accepts
 * only in a source tree. */
const char *conf_path_for(const char *arg);

/* conf_installed_path - SYSCONFDIR/liaisond/liaisond.conf in binaries built by
 * `make install`, NULL in the build folder's (conf/conf_installed.c). */
extern const char *const conf_installed_path;

/* conf_is_statements_address - does ADDR (no <>) match statements_address? */
gboolean conf_is_statements_address(const struct conf *c, const char *addr);

/* conf_reminder_days - reminder_days parsed, descending; free with g_array_unref. */
GArray *conf_reminder_days(const struct conf *c);

/* conf_dump - every key with its effective value, for docs and debugging. */
void conf_dump(const struct conf *c, GString *out);

void conf_free(struct conf *c);

#endif
