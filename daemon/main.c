/* main.c - liaisond: placeholder entry until the LMTP server lands (issue 2). */
#include "conf/conf.h"
#include "conf/log.h"
#include "store/store.h"
#include <stdio.h>

int
main(int argc, char **argv)
{
	GError *error = NULL;
	struct conf *c = conf_load(conf_path_for(argc > 2 ? argv[2] : NULL), &error);
	if (!c) {
		log_error("event=config_error reason=%s", log_quote(error->message));
		g_error_free(error);
		return EX_CONFIG_;
	}
	conf_free(c);
	return 0;
}
