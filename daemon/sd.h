/* sd.h - the systemd service protocol, spoken by hand: sd_notify over
 * $NOTIFY_SOCKET and socket activation from $LISTEN_FDS. Without systemd
 * (make run, tests) every call is a cheap no-op. */
#ifndef LIAISON_SD_H
#define LIAISON_SD_H

#include <stdint.h>

/* The first file descriptor systemd passes (sd_listen_fds(3)). */
#define SD_LISTEN_FDS_START 3

/* sd_init - read and unset NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID so
 * that children do not inherit them; call once, early in main. */
void sd_init(void);

/* sd_notify_send - send STATE ("READY=1\nSTATUS=...") to the service
 * manager. Returns 1 sent, 0 no manager, -1 error (errno set). Uses only
 * system calls on a stack buffer, so it is safe from a signal handler. */
int sd_notify_send(const char *state);

/* The messages liaisond sends. sd_reloading adds MONOTONIC_USEC= (systemd
 * 253+ wants it for Type=notify-reload; older versions ignore it). */
void sd_ready(const char *status);
void sd_reloading(void);
void sd_stopping(void);
void sd_status(const char *status);

/* sd_watchdog_usec - WATCHDOG_USEC for this process, 0 when not enabled. */
uint64_t sd_watchdog_usec(void);
/* sd_watchdog_start - when the watchdog is enabled, a small thread sends
 * WATCHDOG=1 every half period while HEALTHY (may be NULL) returns non-zero,
 * so a wedged daemon is restarted; returns 0 also when it is not enabled.
 * sd_watchdog_stop ends the thread. */
int sd_watchdog_start(int (*healthy)(void));
void sd_watchdog_stop(void);

/* sd_listen_fds - sockets passed by socket activation: checks LISTEN_PID
 * against getpid(), unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, sets
 * FD_CLOEXEC on each. Returns how many (fds SD_LISTEN_FDS_START ...), 0 when
 * not activated, -1 on a malformed environment (logged). */
int sd_listen_fds(void);

/* sd_listen_fd_name - the FileDescriptorName= of passed socket I (from 0),
 * "unknown" when LISTEN_FDNAMES was not given, NULL when out of range. */
const char *sd_listen_fd_name(int i);

/* sd_is_listening_stream - is FD a listening SOCK_STREAM socket? */
int sd_is_listening_stream(int fd);

/* sd_describe_fd - "unix:/run/liaisond/lmtp.sock" or "127.0.0.1:2424" for a
 * socket, written into BUF. */
const char *sd_describe_fd(int fd, char *buf, unsigned long size);

#endif
