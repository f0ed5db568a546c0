/* conf_installed.c - where an installed liaisond and liaisonctl find their config.
 *
 * The library carries this file compiled plainly: no installed default, so a
 * binary in the build folder falls back to the embedded default (make run).
 * `make install` compiles it again with LIAISON_INSTALLED_CONF set to
 * SYSCONFDIR/liaisond/liaisond.conf and links that object ahead of the
 * library, so the installed binaries look there and never at the embedded one. */
#include "conf/conf.h"

#ifdef LIAISON_INSTALLED_CONF
const char *const conf_installed_path = LIAISON_INSTALLED_CONF;
#else
const char *const conf_installed_path = NULL;
#endif
