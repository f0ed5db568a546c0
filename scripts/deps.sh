#!/bin/sh
# deps.sh [bench] - install the Debian packages liaisond needs, only those missing.
# Runs as root with no TTY (CI, a fresh host). apt-get update runs once, and only
# when something is missing, so a machine that has everything is not touched.
#
# The base list builds liaisond and liaisond-web and runs `make check` (the
# browser tests drive Debian's chromium with python3-selenium) (Postfix comes with "No
# configuration": the tests run a private instance). `bench` adds Dovecot's
# LMTP server for `make bench`'s comparison; only that target asks for it, so
# that `make check` never installs (and so starts) a Dovecot on a mail host.
set -eu

PKGS="build-essential pkg-config libgmime-3.0-dev libetpan-dev libsqlite3-dev
libcurl4-gnutls-dev libcmocka-dev libjson-glib-dev libxml2-dev libarchive-dev
libpoppler-glib-dev libgnutls28-dev postfix swaks python3-aiosmtpd sqlite3 systemd
clang libclang-rt-14-dev valgrind openssl libmicrohttpd-dev libcrypt-dev chromium
chromium-driver python3-selenium python3-feedparser python3-gi gir1.2-poppler-0.18"
[ "${1:-}" = bench ] && PKGS="$PKGS dovecot-lmtpd wrk"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Postfix must not configure or start the host's own mail system: the tests
# run a private instance from their own folder.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
# libcurl4-gnutls-dev, never -openssl-dev: that one conflicts with libetpan-dev.
apt-get install -y -q --no-install-recommends $missing
