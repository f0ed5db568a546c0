/* cmd_queue.c - liaisonctl commands (filled in by its issue). */
#include "ctl/ctl.h"

const struct ctl_cmd ctl_cmds_queue[] = {
	{ NULL, NULL, NULL, NULL, NULL },
};
