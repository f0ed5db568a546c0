/* cmd_msg.c - liaisonctl commands (filled in by its issue). */
#include "ctl/ctl.h"

const struct ctl_cmd ctl_cmds_msg[] = {
	{ NULL, NULL, NULL, NULL, NULL },
};
