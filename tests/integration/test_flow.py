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



def outbox(d):
    db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
    n = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    db.close()
    return n


@L.test
def several_ids_each_reported():
    """approve A B: each on its own, the failure does not stop the other,
    the exit status says one failed; - reads the ids from stdin."""
    with L.Daemon() as d:
        a, _ = arrive(d, statement("LS on several approvals", "QUIK WG"))
        b, _ = arrive(d, statement("LS on several refusals", "QUIK WG"))
        d.ctl("--by", "alice", "edit", a, "to=QUIC WG")
        p = d.ctl("--by", "alice", "approve", a, b, check=False)
        L.eq(p.returncode, 65, "exit status when one of two failed: %s" % p.stderr)
        L.ok("Statement %d posted" % a in p.stdout, "the first reported: %r" % p.stdout)
        L.ok("statement %d still has errors" % b in p.stderr, "the second's reason: %r" % p.stderr)
        L.eq(d.ctl_json("show", a)["state"], "posted", "the first is posted")
        L.eq(d.ctl_json("show", b)["state"], "rejected", "the second still waits")
        p = d.ctl("--json", "--by", "alice", "discard", a, b, "--why", "test", check=False)
        L.eq(p.returncode, 0, "discard of both: %s" % p.stderr)
        rows = __import__("json").loads(p.stdout)
        L.eq([(r["id"], r["state"]) for r in rows], [(a, "dead"), (b, "dead")], "an array")
        p = d.ctl("--json", "--by", "alice", "restore", "-", input="%d\n%d 99999\n" % (a, b),
                  check=False)
        L.eq(p.returncode, 65, "an unknown id among them fails the command")
        rows = __import__("json").loads(p.stdout)
        L.eq([r.get("state") for r in rows], ["posted", "rejected", None], "restored: %r" % rows)
        L.ok("no statement 99999" in rows[2]["error"], "the failed one: %r" % rows[2])


@L.test
def dry_runs_change_nothing():
    """--dry-run on approve, discard, reprocess, resend and remind: what would
    change and who would get which mail; no state, history or outbox change."""
    with L.Daemon() as d:
        mid, _ = arrive(d, statement("LS on previews", "QUIK WG"))
        d.ctl("--by", "alice", "edit", mid, "to=QUIC WG")
        hist, mails = kinds(d, mid), outbox(d)
        out = d.ctl("--by", "alice", "approve", mid, "--dry-run").stdout
        L.ok("would be posted" in out and "routing to:" in out, "preview: %s" % out)
        L.ok("quic" in out.lower() and "ack to:" in out, "to whom: %s" % out)
        j = d.ctl_json("approve", mid, "--dry-run")
        L.eq((j["state"], j["state_before"], j["dry_run"]), ("posted", "rejected", True), "json")
        L.eq(sorted(m["kind"] for m in j["mails"]), ["ack", "routing"], "json mails")
        out = d.ctl("--by", "alice", "discard", mid, "--why", "x", "--notify-sender",
                    "--dry-run").stdout
        L.ok("would be discarded" in out and "alice@3gpp.example" in out, "discard: %s" % out)
        out = d.ctl("--by", "alice", "reprocess", mid, "--dry-run").stdout
        L.ok("dry run" in out, "reprocess: %s" % out)
        L.eq(d.ctl_json("show", mid)["state"], "rejected", "still rejected")
        L.eq(kinds(d, mid), hist, "history unchanged")
        L.eq(outbox(d), mails, "outbox unchanged")
        d.ctl("--by", "alice", "approve", mid)
        mails = outbox(d)
        out = d.ctl("resend", mid, "--dry-run").stdout
        L.ok("routing to:" in out, "resend: %s" % out)
        j = d.ctl_json("resend", mid, "--dry-run")
        L.eq((j["statement_id"], j["dry_run"], [m["kind"] for m in j["mails"]]),
             (int(mid), True, ["routing"]), "resend --dry-run --json: %r" % j)
        L.eq(outbox(d), mails, "resend queued nothing")
        L.ok("resent" not in kinds(d, mid), "no resent event")


L.main()
