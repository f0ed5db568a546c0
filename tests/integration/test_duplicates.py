"""test_duplicates.py - one statement, one routing (issue 20).

A statement that is already on record and arrives again (a chair's attached
or inline forward, the same file submitted again with other headers, a
corrected resend of a rejected statement, a burst in either order) is
recorded in the state `duplicate`, linked to the one it repeats, and the To
groups get exactly one routing mail, checked on what a real SMTP sink on
127.0.0.1 captured. A different statement with the same title from another
body is NOT a duplicate."""

import email.policy
import os
import re
import time
from email.message import EmailMessage

import liaison as L

DIRECTORY = """\
[quic]
type = wg
name = QUIC
parent = wit
list = quic@ietf.org
chairs = Matt Joras <matt@example.com>
aliases = QUIC WG

[wit]
type = area
name = Web and Internet Transport
ads = Zahed <zahed@example.com>

[3gpp-tsgsa]
type = sdo
name = 3GPP TSG SA
aliases = 3GPP TSG-SA; TSG SA
contacts = 3GPPLiaison@etsi.org

[itu-t-sg15]
type = sdo
name = ITU-T SG15
aliases = ITU-T Study Group 15
contacts = tsbsg15@itu.example
"""

SLOW = L.SLOW
CHAIR = "matt@example.com"
ROUTED = {"matt@example.com", "quic@ietf.org", "zahed@example.com"}
DONE = ("posted", "rejected", "ignored", "dead", "duplicate")
TEXT = ("3GPP TSG SA thanks the QUIC WG for its work on multipath QUIC and asks it\n"
        "to consider the attached requirements for access traffic steering, switching\n"
        "and splitting, and to tell SA2 when the extension is expected to be stable.\n")


def directory_file():
    path = os.path.join(L.tmpdir("dup-dir-"), "directory.conf")
    with open(path, "w") as f:
        f.write(DIRECTORY)
    return path


def daemon(sink, **parser):
    conf = {"notify": {"retry_initial": "1",
                       "base_url": "https://datatracker.example/liaison/"}}
    if parser:
        conf["parser"] = parser
    return L.Daemon(conf=conf, directory=directory_file(), smtp=sink)


def fields(title, to="IETF QUIC WG", body_from="3GPP TSG SA",
           contact="Expert One <expert@3gpp.example>", text=TEXT):
    return ("Title: %s\nFrom: %s\nFrom-Contact: %s\nTo: %s\nPurpose: For Information\n\n%s"
            % (title, body_from, contact, to, text))


def original(title, msgid, to="IETF QUIC WG", attach=None, sender="sender@3gpp.example",
             body_from="3GPP TSG SA", text=TEXT, cte=None):
    m = EmailMessage()
    m["From"] = "Liaison Sender <%s>" % sender
    m["To"] = "statements@ietf.org"
    m["Subject"] = title
    m["Date"] = "Mon, 02 Sep 2030 10:15:00 +0200"
    m["Message-ID"] = "<%s>" % msgid
    m.set_content(fields(title, to=to, body_from=body_from, text=text), cte=cte)
    if attach:
        m.add_attachment(attach[1], maintype="application", subtype="pdf", filename=attach[0])
    return m


def raw(m):
    return m.as_bytes(policy=email.policy.SMTP)


def attached_forward(orig, msgid, extra=None):
    """A chair forwards the statement as an attachment (Thunderbird's default)."""
    m = EmailMessage()
    m["From"] = "Matt Joras <%s>" % CHAIR
    m["To"] = "statements@ietf.org"
    m["Subject"] = "Fwd: " + str(orig["Subject"])
    m["Message-ID"] = "<%s>" % msgid
    m.set_content("FYI, this reached me directly.\n")
    m.add_attachment(orig)
    if extra:
        m.add_attachment(extra[1], maintype="application", subtype="pdf", filename=extra[0])
    return raw(m)


def inline_forward(client, title, msgid):
    """The statement forwarded inline as CLIENT writes it."""
    head = {
        "gmail": ("---------- Forwarded message ---------\n"
                  "From: Liaison Sender <sender@3gpp.example>\n"
                  "Date: Mon, 2 Sep 2030 at 10:15\nSubject: %s\nTo: <%s>\n\n\n" % (title, CHAIR)),
        "outlook": ("-----Original Message-----\n"
                    "From: Liaison Sender <sender@3gpp.example>\n"
                    "Sent: Monday, September 2, 2030 10:15 AM\nTo: Matt Joras <%s>\n"
                    "Subject: %s\n\n" % (CHAIR, title)),
        "apple": ("Begin forwarded message:\n\n"
                  "From: Liaison Sender <sender@3gpp.example>\nSubject: %s\n"
                  "Date: 2 September 2030 at 10:15:00 CEST\nTo: Matt Joras <%s>\n\n"
                  % (title, CHAIR)),
    }[client]
    body = fields(title)
    if client == "gmail":
        # Gmail re-wraps nothing, but the text comes back with other line breaks
        body = body.replace("access traffic steering, switching\nand",
                            "access traffic steering,\nswitching and")
    m = EmailMessage()
    m["From"] = "Matt Joras <%s>" % CHAIR
    m["To"] = "statements@ietf.org"
    m["Subject"] = "Fwd: " + title
    m["Message-ID"] = "<%s>" % msgid
    m.set_content("Forwarding for the record.\n\n" + head + body)
    return raw(m)


def deliver(d, *datas, mail_from="sender@3gpp.example"):
    """Deliver each of DATAS in ONE LMTP session (a burst): their ids."""
    c = d.lmtp()
    c.lhlo()
    ids = []
    for data in datas:
        r = c.send(mail_from, ["statements@ietf.org"], data)
        L.eq(r[0][0], 250, "delivery reply %r" % (r,))
        ids.append(int(re.findall(r"\d+", r[0][1])[-1]))
    c.close()
    return ids


def arrive(d, data, state, mail_from="sender@3gpp.example"):
    sid = deliver(d, data, mail_from=mail_from)[0]
    obj = d.wait_state(sid, states=DONE, timeout=20 * SLOW)
    L.eq(obj["state"], state, "state of %d (problems %r)" % (sid, obj.get("problems")))
    return sid, obj


def routing_per_rcpt(sink, title):
    """{recipient: number of routing mails of TITLE delivered to it}"""
    out = {}
    for m in sink.snapshot():
        if str(m.msg["subject"]) == 'New Liaison Statement, "%s"' % title:
            for r in m.rcpt_tos:
                out[r.lower()] = out.get(r.lower(), 0) + 1
    return out


def of_kind(sink, prefix):
    return [m for m in sink.snapshot() if str(m.msg["subject"]).startswith(prefix)]


def one_routing(sink, *titles, copies=1):
    """Every routing recipient got exactly COPIES routing mails of each of TITLES."""
    for title in titles:
        L.wait_for(lambda: all(routing_per_rcpt(sink, title).get(r, 0) >= copies
                               for r in ROUTED), 30 * SLOW, "the routing mail of %r" % title)
    # no routing mail comes later (other mail, an acknowledgement, may). The
    # IAB coordinators' copy goes in its own SMTP transaction just after the
    # others: "before" is taken once no routing mail has come for 1.5 s.
    before, still = None, 0
    deadline = time.monotonic() + 30 * SLOW
    while still < 3 and time.monotonic() < deadline:
        now = [routing_per_rcpt(sink, t) for t in titles]
        still = still + 1 if now == before else 0
        before = now
        time.sleep(0.5)
    time.sleep(3)
    L.eq([routing_per_rcpt(sink, t) for t in titles], before, "routing mails after settling")
    for title in titles:
        got = routing_per_rcpt(sink, title)
        L.eq({r: got.get(r) for r in ROUTED}, {r: copies for r in ROUTED},
             "routing mails per recipient for %r" % title)


def history(d, sid):
    return d.ctl_json("history", sid)


def kinds(d, sid):
    return [e["kind"] for e in history(d, sid)]


def check_duplicate(d, dup, orig, actor="liaisond"):
    obj = d.ctl_json("show", dup)
    L.eq(obj["state"], "duplicate", "state of the repeat %d" % dup)
    L.eq(obj["duplicate_of"], orig, "the repeat %d links to %d" % (dup, orig))
    L.eq(d.ctl_json("show", orig)["duplicates"], [dup], "the original %d lists it" % orig)
    ev = [e for e in history(d, dup) if e["kind"] == "duplicate"]
    L.eq([e["actor"] for e in ev], [actor], "one duplicate event, who decided: %r" % history(d, dup))
    listed = {e["id"]: e for e in d.ctl_json("list")}
    L.eq(listed[dup]["duplicate_of"], orig, "list --json gives duplicate_of")
    L.eq(listed[orig]["duplicate_of"], None, "the original is no duplicate")


def check_ack(sink, orig, to):
    """The forwarder (or sender) is told where the statement is on record."""
    acks = L.wait_for(lambda: [m for m in of_kind(sink, "Liaison statement already on record")
                               if to in [r.lower() for r in m.rcpt_tos]] or None,
                      30 * SLOW, "the duplicate acknowledgement to %s" % to)
    L.eq(len(acks), 1, "one acknowledgement to %s" % to)
    text = acks[0].msg.get_content()
    L.ok("already on record as statement %d" % orig in text, text)
    L.ok("https://datatracker.example/liaison/%d" % orig in text, "the link: " + text)
    L.ok(re.search(r"distributed on \d{4}-\d\d-\d\d to IETF QUIC WG", text), "date, groups: " + text)


@L.test
def attached_forward_is_a_duplicate():
    """The SDO sends to statements@ and the chair; the chair forwards it as an attachment."""
    title = "LS on multipath QUIC (attached)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        o = original(title, "att-1@3gpp.example")
        oid, _ = arrive(d, raw(o), "posted")
        fid, obj = arrive(d, attached_forward(o, "fwd-att-1@example.com"), "duplicate",
                          mail_from=CHAIR)
        L.eq(obj["forwarded_by"], CHAIR, "read as a forward")
        check_duplicate(d, fid, oid)
        shown = d.ctl("show", fid).stdout
        L.ok(re.search(r"Duplicate of: +%d " % oid, shown), "show says what it repeats:\n" + shown)
        L.ok(re.search(r"Duplicates: +%d\n" % fid, d.ctl("show", oid).stdout), "show lists it")
        check_ack(sink, oid, CHAIR)
        one_routing(sink, title)
        L.eq(len({m.msg["message-id"] for m in of_kind(sink, "Liaison statement received")}), 1,
             "one 'received' ack, the original's")
        exported = [s["id"] for s in d.ctl_json("export")]
        L.ok(oid in exported and fid not in exported, "export leaves the duplicate out: %r" % exported)
        L.eq([s["id"] for s in d.ctl_json("list", "--state", "duplicate")], [fid], "list --state duplicate")


@L.test
def inline_forwards_are_duplicates():
    """Gmail, Outlook and Apple Mail inline forwards: no Message-ID to go by, the content matches."""
    title = "LS on multipath QUIC (inline)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        oid, _ = arrive(d, raw(original(title, "inl-1@3gpp.example")), "posted")
        for client in ("gmail", "outlook", "apple"):
            fid, obj = arrive(d, inline_forward(client, title, "fwd-%s@example.com" % client),
                              "duplicate", mail_from=CHAIR)
            L.eq(obj["forwarded_by"], CHAIR, "%s: read as a forward" % client)
            L.eq(obj["duplicate_of"], oid, "%s forward links to the original" % client)
            L.ok(any(e["kind"] == "duplicate" and "(content)" in e["detail"]
                     for e in history(d, fid)), "%s: matched by content" % client)
        L.eq(len(d.ctl_json("show", oid)["duplicates"]), 3, "three duplicates listed")
        one_routing(sink, title)
        acks = L.wait_for(lambda: len(of_kind(sink, "Liaison statement already on record")) >= 3
                          or None, 30 * SLOW, "three acknowledgements")
        L.ok(acks, "acknowledgements")


@L.test
def resubmitted_file_with_changed_headers():
    """The same .eml submitted again, with one more Received: header and over liaisonctl."""
    title = "LS on multipath QUIC (file)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        data = raw(original(title, "file-1@3gpp.example"))
        oid, _ = arrive(d, data, "posted")
        # one more Received: is a redelivery to the intake (the same number) ...
        again = b"Received: from relay.example by mx.example; Mon, 2 Sep 2030 10:20:00 +0200\r\n" + data
        L.eq(deliver(d, again), [oid], "a redelivery is recorded once")
        # ... a mail client's copy, saved and sent again re-encoded with other
        # headers, is a new message to the intake, and a duplicate
        resent = raw(original(title, "file-1@3gpp.example", cte="base64")).replace(
            b"Date: Mon, 02 Sep 2030 10:15:00 +0200",
            b"Date: Tue, 03 Sep 2030 08:00:00 +0200\r\nX-Mailer: Resent 1.0")
        L.ok(b"base64" in resent and b"X-Mailer" in resent, "headers and encoding changed")
        rid, _ = arrive(d, resent, "duplicate")
        check_duplicate(d, rid, oid)
        L.ok(any("(message_id)" in e["detail"] for e in history(d, rid)), "matched by Message-ID")
        path = os.path.join(L.tmpdir("dup-eml-"), "saved.eml")
        saved = raw(original(title, "file-1@3gpp.example", cte="quoted-printable"))
        with open(path, "wb") as f:
            f.write(saved.replace(b"\r\n", b"\n").replace(b"Subject: ", b"X-Saved: yes\nSubject: "))
        p = d.ctl("submit", path)
        sid = int(re.findall(r"\d+", p.stdout)[-1])
        L.eq(d.wait_state(sid, states=DONE, timeout=20 * SLOW)["state"], "duplicate",
             "submit of the saved file")
        L.eq(sorted(d.ctl_json("show", oid)["duplicates"]), sorted([rid, sid]), "both listed")
        one_routing(sink, title)


@L.test
def same_title_from_another_body_is_not_a_duplicate():
    """ITU-T SG15 sends its own statement under the same title: a new statement."""
    title = "LS on multipath QUIC (same title)"
    other = ("ITU-T SG15 informs the QUIC WG that Question 11/15 has started a new work item\n"
             "on transport of QUIC-based services over OTN and would welcome comments on\n"
             "the draft Recommendation by the next plenary.\n")
    with L.SMTPSink() as sink, daemon(sink) as d:
        oid, _ = arrive(d, raw(original(title, "same-1@3gpp.example")), "posted")
        m = original(title, "same-2@itu.example", sender="tsbsg15@itu.example",
                     body_from="ITU-T SG15", text=other)
        del m["From"]
        m["From"] = "ITU-T SG15 TSB <tsbsg15@itu.example>"
        xid, obj = arrive(d, raw(m), "posted", mail_from="tsbsg15@itu.example")
        L.eq(obj["duplicate_of"], None, "not a duplicate")
        L.eq(d.ctl_json("show", oid)["duplicates"], [], "nothing listed")
        one_routing(sink, title, copies=2)


@L.test
def resend_after_rejection_supersedes():
    """Rejected (unknown To), the SDO resends it corrected: the resend is posted,
    the rejected copy dead, "superseded by N"; restore undoes it."""
    title = "LS on multipath QUIC (resend)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        rid, _ = arrive(d, raw(original(title, "res-1@3gpp.example", to="QUIK WG")), "rejected")
        rej = L.wait_for(lambda: of_kind(sink, "Liaison statement not accepted") or None,
                         30 * SLOW, "the rejection mail")
        text = rej[0].msg.get_content()
        L.ok("the corrected copy replaces this one" in text and "may also correct" not in text,
             "one instruction:\n" + text)
        nid, _ = arrive(d, raw(original(title, "res-2@3gpp.example")), "posted")
        old = d.ctl_json("show", rid)
        L.eq(old["state"], "dead", "the rejected copy is done")
        L.eq(old["superseded_by"], nid, "superseded_by")
        ev = [e for e in history(d, rid) if e["kind"] == "superseded"]
        L.eq([e["detail"] for e in ev], ["superseded by %d" % nid], "history of the old copy")
        L.ok(not d.ctl_json("rejects"), "the rejects queue is empty")
        one_routing(sink, title)
        d.ctl("--by", "alice", "restore", rid)
        back = d.ctl_json("show", rid)
        L.eq((back["state"], back["superseded_by"]), ("rejected", None), "restore undoes it")


@L.test
def original_approved_first_then_resend_is_duplicate():
    """The secretariat fixes and approves the rejected original; the SDO's
    corrected resend then arrives and becomes its duplicate."""
    title = "LS on multipath QUIC (approved first)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        rid, _ = arrive(d, raw(original(title, "apf-1@3gpp.example", to="QUIK WG")), "rejected")
        d.ctl("--by", "alice", "edit", rid, "to=IETF QUIC WG")
        d.ctl("--by", "alice", "approve", rid)
        nid, _ = arrive(d, raw(original(title, "apf-2@3gpp.example")), "duplicate")
        check_duplicate(d, nid, rid)
        check_ack(sink, rid, "expert@3gpp.example")
        one_routing(sink, title)


@L.test
def resend_waiting_when_original_is_approved():
    """The corrected resend still has an error and waits in the rejects queue
    too; the secretariat approves the original: the resend becomes its duplicate."""
    title = "LS on multipath QUIC (both waiting)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        rid, _ = arrive(d, raw(original(title, "bw-1@3gpp.example", to="QUIK WG")), "rejected")
        nid, _ = arrive(d, raw(original(title, "bw-2@3gpp.example", to="QUIK WG",
                                        text=TEXT + "Corrected: the Release is 19.\n")), "rejected")
        L.eq(d.ctl_json("show", nid)["duplicate_of"], None, "not a duplicate while both wait")
        d.ctl("--by", "alice", "edit", rid, "to=IETF QUIC WG")
        d.ctl("--by", "alice", "approve", rid)
        check_duplicate(d, nid, rid, actor="alice")
        L.eq([r["id"] for r in d.ctl_json("rejects")], [], "the rejects queue is empty")
        check_ack(sink, rid, "expert@3gpp.example")
        one_routing(sink, title)


@L.test
def burst_either_order():
    """A statement and its forward delivered in one burst, in both orders:
    one routing mail either way, and every message recorded."""
    for n, order in enumerate(("original first", "forward first")):
        title = "LS on multipath QUIC (burst %d)" % n
        with L.SMTPSink() as sink, daemon(sink) as d:
            o = original(title, "burst-%d@3gpp.example" % n)
            pair = [raw(o), attached_forward(o, "fwd-burst-%d@example.com" % n)]
            if order == "forward first":
                pair.reverse()
            ids = deliver(d, *pair)
            states = sorted(d.wait_state(i, states=DONE, timeout=20 * SLOW)["state"] for i in ids)
            L.eq(states, ["duplicate", "posted"], "%s: states" % order)
            posted = [i for i in ids if d.ctl_json("show", i)["state"] == "posted"][0]
            dup = [i for i in ids if i != posted][0]
            check_duplicate(d, dup, posted)
            one_routing(sink, title)


def sg15_statement(n):
    m = original("LS on OTN transport of QUIC (%d)" % n, "sg15-%d@itu.example" % n,
                 sender="tsbsg15@itu.example", body_from="ITU-T SG15",
                 text="ITU-T SG15 asks the QUIC WG whether the multipath extension can carry\n"
                      "OTN management traffic, and asks for an answer by its next plenary.\n")
    m.replace_header("Subject", "LS on OTN transport of QUIC (%d)" % n)
    body = m.get_content().replace("Purpose: For Information", "Purpose: For Action\nDeadline: 2031-06-30")
    m.set_content(body)
    return m


def reply_to(orig, n):
    m = original("Reply LS on OTN transport of QUIC (%d)" % n, "reply-%d@3gpp.example" % n,
                 text="3GPP TSG SA answers the ITU-T SG15 statement: SA2 sees no need for\n"
                      "OTN management traffic over multipath QUIC in Release 19 at all.\n")
    body = m.get_content().replace("Purpose: For Information", "Purpose: In Response")
    m.set_content(body)
    m["In-Reply-To"] = str(orig["Message-ID"])
    m["References"] = str(orig["Message-ID"])
    return m


@L.test
def reply_and_original_in_one_burst():
    """Postfix flushes its queue: a reply and the statement it answers arrive
    together, in either order; the reply is linked as if they came in order."""
    for n, order in enumerate(("original first", "reply first")):
        with L.SMTPSink() as sink, daemon(sink) as d:
            o = sg15_statement(n)
            r = reply_to(o, n)
            pair = [raw(o), raw(r)] if n == 0 else [raw(r), raw(o)]
            ids = deliver(d, *pair)
            oid, rid = (ids[0], ids[1]) if n == 0 else (ids[1], ids[0])
            for i in ids:
                L.eq(d.wait_state(i, states=DONE, timeout=20 * SLOW)["state"], "posted",
                     "%s: state of %d" % (order, i))
            rep = L.wait_for(lambda: (lambda x: x if x["related"] == [oid] else None)(
                d.ctl_json("show", rid)), 10 * SLOW, "%s: the reply linked" % order)
            L.ok("in_response_unresolved" not in [p["code"] for p in rep["problems"]],
                 "%s: no unresolved warning left: %r" % (order, rep["problems"]))
            L.eq(d.ctl_json("show", oid)["action_taken"], True, "%s: the original is answered" % order)
            one_routing(sink, str(o["Subject"]), str(r["Subject"]))


@L.test
def repeat_with_more_waits_for_the_secretariat():
    """A forward that adds an attachment: rejects shows "possible duplicate of N";
    dup keeps it as a duplicate, undup posts it."""
    title = "LS on multipath QUIC (more)"
    with L.SMTPSink() as sink, daemon(sink) as d:
        o = original(title, "more-1@3gpp.example")
        oid, _ = arrive(d, raw(o), "posted")
        fid, obj = arrive(d, attached_forward(o, "fwd-more@example.com",
                                              extra=("annex.pdf", b"%PDF-1.4 annex\n")),
                          "rejected", mail_from=CHAIR)
        L.ok("possible_duplicate" in [p["code"] for p in obj["problems"]], "the warning")
        row = [r for r in d.ctl_json("rejects") if r["id"] == fid][0]
        L.eq(row["possible_duplicate_of"], oid, "rejects --json")
        p = d.ctl("rejects")
        L.ok("possible duplicate of %d" % oid in p.stdout, "rejects:\n" + p.stdout)
        notice = L.wait_for(lambda: [m for m in of_kind(sink, "Liaison statement %d in the rejects"
                                                        % fid)] or None, 30 * SLOW, "the notice")
        L.ok("Possible duplicate of %d" % oid in notice[0].msg.get_content(), "the secretariat is told")
        L.eq(of_kind(sink, "Liaison statement not accepted"), [], "the chair is not told off")
        d.ctl("--by", "alice", "dup", fid, oid)
        check_duplicate(d, fid, oid, actor="alice")
        one_routing(sink, title)
        d.ctl("--by", "bob", "undup", fid)
        obj = d.ctl_json("show", fid)
        L.eq((obj["state"], obj["duplicate_of"]), ("posted", None), "undup: validated, posted")
        ev = [e for e in history(d, fid) if e["kind"] == "undup"]
        L.eq([e["actor"] for e in ev], ["bob"], "undup in history with the actor")
        L.eq(d.ctl_json("show", oid)["duplicates"], [], "no longer listed")
        one_routing(sink, title, copies=2)


L.main()
