"""The secretariat's queue workflow through the real daemon (issue 6): a
statement arrives by LMTP, waits in `rejects`, is edited, approved, posted and
routed; discard/restore; reprocess after a directory change; search; export;
concurrent edits. Everything is observed through liaisonctl and the SMTP sink."""
import email.policy
import json
import os
import re
import subprocess
from email.message import EmailMessage

import liaison as L

# A group that only exists once the test adds it to the directory.
ZEBRA = """
[zebra]
type = wg
name = Zebra Zone
parent = wit
list = zebra@ietf.org
chairs = Zed Chair <zed@example.com>
"""


def directory(tmp, extra=""):
    """The example directory (plus EXTRA) in a file of the test's own."""
    path = os.path.join(tmp, "directory.conf")
    base = ""
    if os.path.exists(L.EXAMPLE_DIRECTORY):
        with open(L.EXAMPLE_DIRECTORY) as f:
            base = f.read()
    with open(path, "w") as f:
        f.write(base + extra)
    return path


def statement(title, to, body="Dear colleagues,\n\nPlease find our liaison attached.\n",
              purpose="For Information", deadline=None, attachments=(), extra=""):
    """A 4053bis statement with its fields as labelled lines at the top of the body."""
    lines = ["Title: " + title, "From: 3GPP TSG SA WG2",
             "From-Contact: Alice Example <alice@3gpp.example>", "To: " + to,
             "Purpose: " + purpose]
    if deadline:
        lines.append("Deadline: " + deadline)
    text = "\n".join(lines) + "\n" + extra + "\n" + body
    m = EmailMessage()
    m["From"] = "3GPP Liaisons <3gppliaison@etsi.example>"
    m["To"] = "statements@ietf.org"
    m["Subject"] = "LS: " + title
    m["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = "<sec%d.%d@test.example>" % (os.getpid(), L._mid[0])
    m.set_content(text)
    for name, data in attachments:
        m.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return m.as_bytes(policy=email.policy.SMTP)


def submit(d, data):
    """Deliver DATA over LMTP; the message id is the last number of the 250
    reply ("2.0.0 <statements@ietf.org> stored as 12")."""
    c = d.lmtp()
    c.lhlo()
    r = c.send("3gppliaison@etsi.example", ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    m = re.findall(r"\d+", r[0][1].split(" ", 1)[1] if " " in r[0][1] else r[0][1])
    L.ok(m, "the 250 reply names the message id: %r" % (r,))
    return int(m[-1])


def arrive(d, data, want=("posted", "rejected")):
    mid = submit(d, data)
    obj = d.wait_state(mid, states=want)
    return mid, obj


def ctl_fail(d, *args):
    """liaisonctl expected to fail: (exit code, stderr)."""
    p = d.ctl(*args, check=False)
    L.ok(p.returncode != 0, "liaisonctl %s should fail: %s" % (" ".join(map(str, args)), p.stdout))
    return p.returncode, p.stderr


def kinds(d, mid):
    return [e["kind"] for e in d.ctl_json("history", mid)]


def routing_to(sink, title, timeout=20):
    """The routing mail of TITLE once it reached every recipient in its To and Cc.
    The sender makes one SMTP transaction per recipient (docs/notify.md), so the
    copies with one Message-ID are merged: rcpt_tos is every recipient's."""
    subject = 'New Liaison Statement, "%s"' % title

    def found():
        copies = [m for m in sink.snapshot()
                  if str(m.msg["subject"]).replace("\n", " ") == subject]
        if not copies:
            return None
        first = [m for m in copies if m.msg["message-id"] == copies[0].msg["message-id"]]
        want = {a.addr_spec.lower() for h in ("to", "cc") if first[0].msg[h]
                for a in first[0].msg[h].addresses}
        got = [r.lower() for m in first for r in m.rcpt_tos]
        if set(got) < want:
            return None
        merged = L.Mail(first[0].mail_from, got, first[0].data)
        return merged
    return L.wait_for(found, timeout, "routing mail %r at the sink" % subject)


@L.test
def unknown_to_is_edited_approved_posted_and_routed():
    with L.SMTPSink() as sink, L.Daemon(smtp=sink) as d:
        title = "LS on QUIC multipath for ATSSS"
        mid, obj = arrive(d, statement(title, "QUIK WG"))
        L.eq(obj["state"], "rejected", "state with an unknown To")
        q = d.ctl_json("rejects")
        row = [r for r in q if r["id"] == mid]
        L.eq(len(row), 1, "the statement is in the rejects queue")
        L.ok("unknown_to" in row[0]["errors"], "unknown_to listed: %r" % row[0])
        human = d.ctl("rejects").stdout
        L.ok("unknown_to" in human and title[:20] in human, "human rejects: %s" % human)

        p = d.ctl("--by", "alice", "edit", mid, "to=QUIC WG")
        L.ok("to:" in p.stdout, "edit says what changed: %s" % p.stdout)
        obj = d.ctl_json("show", mid)
        L.eq(obj["to_groups"], ["quic"], "To resolved like mail")
        L.eq(obj["state"], "rejected", "edit never posts")
        L.ok(not [x for x in obj["problems"] if x["severity"] == "error"],
             "no errors left: %r" % obj["problems"])

        d.ctl("--by", "alice", "approve", mid)
        L.eq(d.ctl_json("show", mid)["state"], "posted", "approved")
        L.ok(mid not in [r["id"] for r in d.ctl_json("rejects")], "left the queue")
        mail = routing_to(sink, title)
        L.ok(any("quic" in r.lower() for r in mail.rcpt_tos), "routed to quic: %r" % mail.rcpt_tos)
        hist = d.ctl_json("history", mid)
        k = [e["kind"] for e in hist]
        for want in ("received", "rejected", "edited", "approved", "posted"):
            L.ok(want in k, "history has %s: %r" % (want, k))
        edit = [e for e in hist if e["kind"] == "edited"][0]
        L.eq(edit["actor"], "alice", "the actor is --by")
        L.ok("QUIK" in edit["detail"] and "QUIC" in edit["detail"], "old and new value: %r" % edit)
        show = d.ctl("show", mid).stdout
        for want in ("History", "approved", "Mail", "routing"):
            L.ok(want in show, "human show has %r:\n%s" % (want, show))


@L.test
def approve_refuses_errors_unless_forced():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on nothing in particular", "No Such Group"))
        L.eq(obj["state"], "rejected", "state")
        code, err = ctl_fail(d, "approve", mid)
        L.eq(code, 65, "approve with errors")
        L.ok("unknown_to" in err, "the errors are named: %s" % err)
        d.ctl("approve", mid, "--force")
        L.eq(d.ctl_json("show", mid)["state"], "posted", "forced")
        approved = [e for e in d.ctl_json("history", mid) if e["kind"] == "approved"]
        L.ok(approved and "forced" in approved[0]["detail"], "forced on the record: %r" % approved)


@L.test
def discard_restore_round_trip():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on spam", "Nobody At All"))
        L.eq(obj["state"], "rejected", "state")
        code, err = ctl_fail(d, "discard", mid)
        L.eq(code, 64, "discard without --why is a usage error")
        d.ctl("--by", "bob", "discard", mid, "--why", "not a liaison statement")
        L.eq(d.ctl_json("show", mid)["state"], "dead", "discarded")
        L.ok(mid not in [r["id"] for r in d.ctl_json("rejects")], "out of the queue")
        out = d.ctl_json("restore", mid)
        L.eq(out["state"], "rejected", "restore answers the state")
        L.eq(d.ctl_json("show", mid)["state"], "rejected", "back to the state before")
        L.ok(mid in [r["id"] for r in d.ctl_json("rejects")], "in the queue again")
        hist = d.ctl_json("history", mid)
        disc = [e for e in hist if e["kind"] == "discarded"]
        L.ok(disc and "not a liaison statement" in disc[0]["detail"] and disc[0]["actor"] == "bob",
             "the reason and the actor on record: %r" % disc)
        L.ok("restored" in [e["kind"] for e in hist], "restore on record")
        code, err = ctl_fail(d, "restore", mid)
        L.eq(code, 65, "restore of a live statement")


@L.test
def discard_notify_sender_queues_a_notice():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on\tnothing", "Nobody At All"))
        before = len(d.ctl_json("outbox", "--all"))
        d.ctl("discard", mid, "--why", "sent to the wrong address", "--notify-sender")
        mails = [m for m in d.ctl_json("outbox", "--all") if m["statement_id"] == mid and
                 m["subject"].startswith("Liaison statement not recorded")]
        L.eq(len(mails), 1, "one notice queued (outbox had %d)" % before)
        L.ok("alice@3gpp.example" in mails[0]["to"] or "3gppliaison@etsi.example" in mails[0]["to"],
             "to the sender: %r" % mails[0])
        L.ok("statements@ietf.org" not in mails[0]["to"], "never to ourselves")
        L.eq(d.ctl_json("show", mid)["state"], "dead", "discarded")


@L.test
def reprocess_after_directory_change_posts():
    with L.SMTPSink() as sink:
        tmp = L.tmpdir()
        dpath = directory(tmp)
        with L.Daemon(smtp=sink, directory=dpath) as d:
            title = "LS on zebra crossings"
            mid, obj = arrive(d, statement(title, "Zebra Zone WG"))
            L.eq(obj["state"], "rejected", "unknown group before the change")
            directory(tmp, ZEBRA)
            p = d.ctl("reprocess", "--all-rejected")
            L.ok("posted" in p.stdout, "reprocess shows the change: %s" % p.stdout)
            obj = d.ctl_json("show", mid)
            L.eq(obj["state"], "posted", "posted after the directory change")
            L.eq(obj["to_groups"], ["zebra"], "resolved")
            L.ok("reprocessed" in kinds(d, mid), "reprocess on record")
            mail = routing_to(sink, title)
            L.ok("zebra@ietf.org" in mail.rcpt_tos, "routed to the new group: %r" % mail.rcpt_tos)


@L.test
def search_finds_attachment_names_and_body_words():
    with L.Daemon() as d:
        a, _ = arrive(d, statement("LS on backhaul", "QUIC WG",
                                   attachments=[("S2-2409999_Satellite_Backhaul.pdf", b"%PDF-1.4 x")]))
        b, _ = arrive(d, statement("LS on other things", "QUIC WG",
                                   body="We studied the zebrafish routing problem.\n"))
        ids = [r["id"] for r in d.ctl_json("search", "satellite")]
        L.eq(ids, [a], "attachment name words")
        ids = [r["id"] for r in d.ctl_json("search", "zebrafish")]
        L.eq(ids, [b], "body words")
        ids = [r["id"] for r in d.ctl_json("search", "LS")]
        L.eq(ids, [b, a], "newest first")
        L.eq([r["id"] for r in d.ctl_json("search", "S2-2409999")], [a], "a Tdoc number as written")
        L.eq(d.ctl_json("search", "nothing-like-this-anywhere"), [], "no match")
        L.eq([r["id"] for r in d.ctl_json("search", "LS", "--state", "dead")], [], "state filter")
        human = d.ctl("search", "zebrafish").stdout
        L.ok("LS on other things" in human, "human search: %s" % human)


def docx(text):
    """A minimal Word document whose body is TEXT."""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="'
                   'application/xml"/><Override PartName="/word/document.xml" ContentType="'
                   'application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                   'main+xml"/></Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
                   'org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s</w:t></w:r>'
                   '</w:p></w:body></w:document>' % text)
    return buf.getvalue()


@L.test
def search_finds_words_inside_attached_documents():
    with L.Daemon() as d:
        m = EmailMessage()
        for k, v in (("From", "3GPP Liaisons <3gppliaison@etsi.example>"),
                     ("To", "statements@ietf.org"), ("Subject", "LS on documents"),
                     ("Date", "Sun, 22 Nov 2026 10:00:00 +0000"),
                     ("Message-ID", "<docx%d@test.example>" % os.getpid())):
            m[k] = v
        m.set_content("Title: LS on documents\nFrom: 3GPP TSG SA WG2\n"
                      "From-Contact: Alice <alice@3gpp.example>\nTo: QUIC WG\n"
                      "Purpose: For Information\n\nSee the attached document.\n")
        m.add_attachment(docx("The quokka interworking function is specified here."),
                         maintype="application",
                         subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                         filename="S2-2400001.docx")
        mid, _ = arrive(d, m.as_bytes(policy=email.policy.SMTP))
        L.eq([r["id"] for r in d.ctl_json("search", "quokka")], [mid], "a word of the document")


@L.test
def export_round_trips_every_posted_statement():
    with L.Daemon() as d:
        posted = []
        for i in range(3):
            mid, obj = arrive(d, statement("LS number %d" % i, "QUIC WG",
                                           attachments=[("doc%d.pdf" % i, b"%PDF-1.4")]))
            if obj["state"] == "posted":
                posted.append(mid)
        arrive(d, statement("LS rejected", "Nobody At All"))
        L.ok(posted, "some statements were posted")
        p = d.ctl("export")
        data = json.loads(p.stdout)
        L.eq(sorted(x["id"] for x in data), sorted(posted), "every posted statement, nothing else")
        keys = ("title", "from_groups", "from_contact", "to_groups", "to_contacts",
                "response_contacts", "technical_contacts", "cc_contacts", "purpose", "deadline",
                "other_identifiers", "body", "attachments", "related", "state", "submitted",
                "posted")
        for x in data:
            for k in keys:
                L.ok(k in x, "export has %s: %r" % (k, sorted(x)))
            L.eq(x["state"], "posted", "state")
            L.eq(x["to_groups"], ["quic"], "to_groups")
            L.eq(len(x["attachments"]), 1, "attachments")
        again = json.loads(json.dumps(data))
        L.eq(again, data, "round trip")
        L.eq(json.loads(d.ctl("export", "--since", "2999-01-01").stdout), [], "--since")


@L.test
def concurrent_edit_conflict_detected():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on concurrency", "QUIK WG"))
        v = [r for r in d.ctl_json("rejects") if r["id"] == mid][0]["version"]
        d.ctl("--by", "alice", "edit", mid, "--version", v, "title=LS on concurrency (alice)")
        p = d.ctl("--by", "bob", "edit", mid, "--version", v, "title=LS on concurrency (bob)",
                  check=False)
        L.eq(p.returncode, 65, "the second editor fails")
        L.ok("changed since you read it" in p.stderr and "run show and try again" in p.stderr,
             "clear message: %s" % p.stderr)
        L.eq(d.ctl_json("show", mid)["title"], "LS on concurrency (alice)", "nothing overwritten")


@L.test
def queue_work_while_mail_arrives():
    """liaisonctl's changes and the daemon's deliveries and parsing interleave:
    every command succeeds, every message is stored and parsed."""
    import threading
    with L.Daemon() as d:
        mid, _ = arrive(d, statement("LS on busy days", "QUIK WG"))
        sent, errors = [], []

        def deliver():
            try:
                for i in range(30):
                    sent.append(submit(d, statement("LS number %d on load" % i, "QUIC WG")))
            except Exception as e:  # reported below, never swallowed
                errors.append(e)
        t = threading.Thread(target=deliver)
        t.start()
        for i in range(10):
            d.ctl("--by", "alice", "comment", mid, "note %d" % i)
            d.ctl("--by", "alice", "edit", mid, "title=LS on busy days (%d)" % i)
            d.ctl_json("rejects")
            d.ctl_json("search", "load")
        t.join(120 * L.SLOW)
        L.ok(not t.is_alive(), "deliveries finished")
        L.eq(errors, [], "deliveries")
        L.eq(len(sent), 30, "all delivered")
        for m in sent:
            d.wait_state(m)
        L.eq(d.ctl_json("show", mid)["title"], "LS on busy days (9)", "the last edit holds")
        L.eq(len([e for e in d.ctl_json("history", mid) if e["kind"] == "comment"]), 10, "comments")


@L.test
def edit_with_editor_uses_the_form_labels():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on editors", "QUIK WG"))
        # a scripted "editor": fixes the To line of the labelled block
        env = {"VISUAL": "sed -i -e 's/^To: QUIK WG$/To: QUIC WG/'", "EDITOR": ""}
        d.ctl("edit", mid, "--editor", env=env)
        L.eq(d.ctl_json("show", mid)["to_groups"], ["quic"], "edited through the block")


@L.test
def unknown_ids_and_usage():
    with L.Daemon() as d:
        for cmd in (["history", 999], ["edit", 999, "title=x"], ["approve", 999],
                    ["discard", 999, "--why", "x"], ["restore", 999], ["comment", 999, "x"],
                    ["mark-taken", 999], ["reprocess", 999]):
            code, err = ctl_fail(d, *cmd)
            L.eq(code, 65, "%s on an unknown id" % cmd[0])
            L.ok("no statement 999" in err, "message for %s: %s" % (cmd[0], err))
        code, err = ctl_fail(d, "edit", 1, "colour=blue")
        L.eq(code, 64, "unknown field")
        L.eq(d.ctl_json("rejects"), [], "empty queue as JSON")
        for cmd in ("rejects", "history", "edit", "approve", "discard", "restore", "reprocess",
                    "mark-taken", "comment", "search", "export"):
            p = d.ctl("help", cmd)
            L.ok(p.stdout.startswith("usage: liaisonctl " + cmd), "help %s" % cmd)


@L.test
def comments_and_mark_taken_on_record():
    with L.Daemon() as d:
        mid, obj = arrive(d, statement("LS on comments", "QUIC WG", purpose="For Action",
                                       deadline="2030-01-15"))
        d.ctl("--by", "carol", "comment", mid, "phoned", "the", "chair", "--private")
        d.ctl("mark-taken", mid)
        hist = d.ctl_json("history", mid)
        c = [e for e in hist if e["kind"] == "comment"]
        L.ok(c and c[0]["detail"] == "phoned the chair" and c[0]["private"] and
             c[0]["actor"] == "carol", "comment: %r" % c)
        L.ok("action_taken" in [e["kind"] for e in hist], "action_taken on record")


@L.test
def approved_in_response_marks_the_answered_statement():
    """An In Response statement posted by hand (edit + approve) marks the
    statement it answers as action taken, like one the pipeline posts: its
    history says so and no reminder is queued for it any more."""
    with L.Daemon() as d:
        first = statement("LS on QUIC load balancing", "QUIC WG", purpose="For Action",
                          deadline="2030-01-20")
        first_msgid = re.search(rb"Message-ID: (<[^>]+>)", first).group(1)
        fid, obj = arrive(d, first)
        L.eq(obj["state"], "posted", "the For Action statement is posted")
        L.ok("action taken" not in d.ctl("show", fid).stdout, "no action taken yet")
        L.eq(d.ctl_json("show", fid)["action_taken"], False, "show --json action_taken before")
        reply = statement("Reply LS on QUIC load balancing", "QUIK WG", purpose="In Response")
        reply = b"In-Reply-To: " + first_msgid + b"\r\n" + reply
        rid, obj = arrive(d, reply)
        L.eq(obj["state"], "rejected", "the reply with an unknown To waits in rejects")
        L.ok(fid in d.ctl_json("show", rid)["related"], "the reply answers the first")
        L.ok("action taken" not in d.ctl("show", fid).stdout, "a rejected reply marks nothing")
        d.ctl("--by", "alice", "edit", rid, "to=QUIC WG")
        d.ctl("--by", "alice", "approve", rid)
        L.eq(d.ctl_json("show", rid)["state"], "posted", "the reply is approved")
        show = d.ctl("show", fid).stdout
        L.ok("action taken" in show, "show says action taken:\n%s" % show)
        L.eq(d.ctl_json("show", fid)["action_taken"], True, "show --json action_taken after")
        hist = d.ctl_json("history", fid)
        taken = [e for e in hist if e["kind"] == "action_taken"]
        L.eq(len(taken), 1, "one action_taken event: %r" % hist)
        L.ok(str(rid) in taken[0]["detail"], "it names the reply: %r" % taken[0])
        for today in ("2030-01-06", "2030-01-13", "2030-01-20", "2030-01-27"):
            L.eq(d.ctl_json("remind", "--today", today, "--yes")["queued"], 0, "reminders on " + today)


L.main()
