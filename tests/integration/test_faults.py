"""Fault injection against the real daemon (issue 9): a full disk, a database
locked by another writer. A fault that may pass is 451 4.3.0 for every
accepted recipient, nothing is half-stored, and service resumes by itself."""
import os
import sqlite3

import liaison as L

SHIM = os.path.join(L.BUILD, "tests", "libenospc.so")


def two_rcpt_send(d, data):
    """A transaction with the statements address twice: two accepted RCPTs,
    so the reply after DATA must come once per recipient."""
    c = d.lmtp()
    c.lhlo()
    L.eq(c.cmd("MAIL FROM:<sender@example.org>")[0], 250, "MAIL")
    L.eq(c.cmd("RCPT TO:<statements@ietf.org>")[0], 250, "RCPT 1")
    L.eq(c.cmd("RCPT TO:<Statements@IETF.org>")[0], 250, "RCPT 2")
    r = c.data(data, 2)
    c.cmd("QUIT")
    c.close()
    return r


def files_under(path):
    n = 0
    for _, _, files in os.walk(path):
        n += len(files)
    return n


@L.test
def disk_full_gives_451_per_recipient_and_recovers():
    if not os.path.exists(SHIM):
        raise L.CheckFailed("%s missing: `make unit` builds it" % SHIM)
    tmp = L.tmpdir()
    flag = os.path.join(tmp, "disk-is-full")
    env = {"LD_PRELOAD": SHIM, "FAULT_ENOSPC_FLAG": flag,
           # the shim is not instrumented; ASan must not insist on coming first
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
    with L.Daemon(tmp=tmp, env=env) as d:
        open(flag, "w").close()
        r = two_rcpt_send(d, L.make_message(subject="while the disk is full", body="x" * 20000))
        L.eq(len(r), 2, "one reply per accepted recipient: %r" % (r,))
        for code, text in r:
            L.eq(code, 451, "reply on a full disk: %r" % ((code, text),))
            L.ok(text.startswith("4.3.0"), "enhanced code 4.3.0 in %r" % text)
        os.unlink(flag)
        # nothing half-stored: no row, no file left in msg/ or tmp/
        L.eq(d.ctl_json("list"), [], "messages recorded while the disk was full")
        L.eq(files_under(os.path.join(d.state_dir, "msg")), 0, "files in msg/")
        L.wait_for(lambda: files_under(os.path.join(d.state_dir, "tmp")) == 0, 10,
                   "tmp/ to be cleaned")
        # space returns: normal service, without a restart
        r = two_rcpt_send(d, L.make_message(subject="after space returned"))
        L.eq([c for c, _ in r], [250, 250], "replies once space returned")
        rows = d.ctl_json("list")
        L.eq(len(rows), 1, "messages recorded after recovery")
        L.ok(d.alive(), "liaisond survived the full disk")


@L.test
def database_locked_gives_451_then_success_on_retry():
    with L.Daemon() as d:
        d.submit(L.make_message(subject="creates the schema"))
        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=1,
                             isolation_level=None, check_same_thread=False)
        db.execute("BEGIN EXCLUSIVE")
        try:
            # The lock is held until the replies are in: longer than the
            # daemon's busy timeout (5 s), whatever the machine's speed.
            msg = L.make_message(subject="while locked")
            r = two_rcpt_send(d, msg)
            L.eq([c for c, _ in r], [451, 451], "replies while another writer holds the lock: %r" % (r,))
        finally:
            db.execute("ROLLBACK")
            db.close()
        # Postfix retries the same message: it is recorded once, now.
        r = two_rcpt_send(d, msg)
        L.eq([c for c, _ in r], [250, 250], "replies on retry")
        subjects = [row.get("message_id") for row in d.ctl_json("list")]
        L.eq(len(subjects), 2, "messages recorded (schema one + the retried one)")


L.main()
