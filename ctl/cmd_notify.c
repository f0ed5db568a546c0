/* cmd_notify.c - liaisonctl commands (filled in by its issue). */
#include "ctl/ctl.h"

const struct ctl_cmd ctl_cmds_notify[] = {
	{ NULL, NULL, NULL, NULL, NULL },
};
