"""The statement lifecycle as one transaction per event (issue 13): a command
whose mail cannot be queued changes nothing, so running it again works.
The fault is real: an SQLite trigger makes the outbox refuse the one mail."""
import email.policy
import os
import re
import sqlite3
from email.message import EmailMessage

import liaison as L


def statement(title, to):
    """A 4053bis statement with its fields as labelled lines."""
    m = EmailMessage()
    m["From"] = "3GPP Liaisons <3gppliaison@etsi.example>"
    m["To"] = "statements@ietf.org"
    m["Subject"] = "LS: " + title
    L._mid[0] += 1
    m["Message-ID"] = "<flow%d.%d@test.example>" % (os.getpid(), L._mid[0])
    m.set_content("Title: %s\nFrom: 3GPP TSG SA WG2\nFrom-Contact: Alice Example"
                  " <alice@3gpp.example>\nTo: %s\nPurpose: For Information\n\n"
                  "Dear colleagues,\n\nPlease find our liaison.\n" % (title, to))
    return m.as_bytes(policy=email.policy.SMTP)


def arrive(d, data):
    """Deliver DATA over LMTP and wait until it is parsed: (id, show --json)."""
    c = d.lmtp()
    c.lhlo()
    r = c.send("3gppliaison@etsi.example", ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    mid = int(re.findall(r"\d+", r[0][1])[-1])
    return mid, d.wait_state(mid, states=("posted", "rejected"))


def ctl_fail(d, *args):
    """liaisonctl expected to fail: (exit code, stderr)."""
    p = d.ctl(*args, check=False)
    L.ok(p.returncode != 0, "liaisonctl %s should fail: %s" % (" ".join(map(str, args)), p.stdout))
    return p.returncode, p.stderr


def kinds(d, mid):
    return [e["kind"] for e in d.ctl_json("history", mid)]


def refuse_outbox(d, mid, kind):
    """The outbox refuses KIND mail for statement MID until allow_outbox."""
    db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
    db.execute("CREATE TRIGGER test_refuse BEFORE INSERT ON outbox WHEN NEW.statement = %d"
               " AND NEW.kind = '%s' BEGIN SELECT RAISE(ABORT, 'outbox refused by the test');"
               " END" % (mid, kind))
    db.commit()
    db.close()


def allow_outbox(d):
    db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
    db.execute("DROP TRIGGER test_refuse")
    db.commit()
    db.close()


def mails(d, mid, kind):
    db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
    n = db.execute("SELECT count(*) FROM outbox WHERE statement = ? AND kind = ?",
                   (mid, kind)).fetchone()[0]
    db.close()
    return n


@L.test
def discard_notify_sender_is_one_transaction():
    """discard --notify-sender: when the notice cannot be queued, the
    statement is not discarded either (before, it was dead and nobody was
    told, and running the command again failed with 'already discarded')."""
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on atomic discards", "QUIK WG"))
        L.eq(obj["state"], "rejected", "waits in rejects")
        before = mails(d, mid, "rejection")
        refuse_outbox(d, mid, "rejection")
        code, err = ctl_fail(d, "--by", "alice", "discard", mid, "--why", "sent twice",
                             "--notify-sender")
        L.ok("outbox refused" in err, "the fault is reported: %r" % err)
        L.eq(d.ctl_json("show", mid)["state"], "rejected", "not discarded when the notice failed")
        L.ok("discarded" not in kinds(d, mid), "no discard on record: %r" % kinds(d, mid))
        allow_outbox(d)
        d.ctl("--by", "alice", "discard", mid, "--why", "sent twice", "--notify-sender")
        L.eq(d.ctl_json("show", mid)["state"], "dead", "discarded on the second run")
        k = kinds(d, mid)
        L.ok("discarded" in k and "notified" in k, "discard and notice on record: %r" % k)
        L.eq(mails(d, mid, "rejection"), before + 1, "one notice queued")


@L.test
def approve_is_one_transaction():
    """approve: the routing mail refused means the statement stays rejected."""
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on atomic approvals", "QUIK WG"))
        L.eq(obj["state"], "rejected", "waits in rejects")
        d.ctl("--by", "alice", "edit", mid, "to=QUIC WG")
        refuse_outbox(d, mid, "routing")
        ctl_fail(d, "--by", "alice", "approve", mid)
        L.eq(d.ctl_json("show", mid)["state"], "rejected", "not posted without its mail")
        L.ok("approved" not in kinds(d, mid), "no approval on record")
        allow_outbox(d)
        d.ctl("--by", "alice", "approve", mid)
        L.eq(d.ctl_json("show", mid)["state"], "posted", "posted on the second run")
        L.eq(mails(d, mid, "routing"), 1, "one routing mail")


L.main()
