/* version.h - the release, shown by liaisond --version and liaisonctl status. */
#ifndef LIAISON_VERSION_H
#define LIAISON_VERSION_H

#define LIAISON_VERSION "0.1.0"

#endif
