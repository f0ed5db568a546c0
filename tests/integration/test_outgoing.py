"""test_outgoing.py - statements the IETF sends to another body (issue 16),
through LMTP, with the real SMTP sink: a chair's statement waits for its AD,
the AD gets one approval request, approve --by sends it with the right Cc and
the document, an AD's own goes at once, a stranger's is rejected, one sent
directly is recorded and not resent, a reply closes the loop, a non-approver
is refused (exit 77); refuse, recorded approvals, the approval reminder, the
outgoing deadline reminder, and [notify] attach_max for the routing mail."""

import datetime
import email.message
import email.policy
import os
import re
import time

import liaison as L

DIRECTORY = """\
[quic]
type = wg
name = QUIC
parent = wit
list = quic@ietf.org
chairs = Matt Joras <matt@example.com>
secretaries = QUIC Secretary <quic-sec@example.com>
aliases = QUIC WG

[wit]
type = area
name = Web and Internet Transport
parent = ietf
ads = Zahed <zahed@example.com>, Gorry <gorry@example.com>

[ietf]
type = ietf
name = The IETF
chairs = IETF Chair <chair@ietf.org>

[iab]
type = iab
name = IAB
parent = ietf
chairs = IAB Chair <iab-chair@iab.org>

[irtf]
type = irtf
name = IRTF
parent = iab
chairs = IRTF Chair <irtf-chair@irtf.org>

[3gpp]
type = sdo
name = 3GPP
liaison_managers = 3GPP Liaison Manager <3gpp-liaison@ietf.org>
contacts = 3GPPLiaison@etsi.org

[3gpp-sa2]
type = sdo
name = 3GPP TSG SA WG2
parent = 3gpp
aliases = 3GPP SA2; SA2
contacts = SA2 Liaisons <sa2-liaison@3gpp.example>
"""

COORD = "liaison-coordination@iab.org"
LM = "3gpp-liaison@ietf.org"
BODY = "sa2-liaison@3gpp.example"
ADS = {"zahed@example.com", "gorry@example.com"}
PDF = b"%PDF-1.4\n% an outgoing liaison statement\n%%EOF\n"
SLOW = L.SLOW


def directory_file():
    path = os.path.join(L.tmpdir("outgoing-dir-"), "directory.conf")
    with open(path, "w") as f:
        f.write(DIRECTORY)
    return path


def daemon(sink, liaisond=None, **notify):
    conf = {"notify": dict({"retry_initial": "1"}, **notify)}
    if liaisond:
        conf["liaisond"] = liaisond
    return L.Daemon(conf=conf, directory=directory_file(), smtp=sink)


def outgoing(sender="Matt Joras <matt@example.com>", title="LS on QUIC multipath",
             purpose="For Information", deadline=None, extra="", to_hdr="statements@ietf.org",
             cc_hdr=None, attach=True, headers=None, msgid=None):
    """An outgoing statement From the QUIC WG To 3GPP SA2, as CRLF bytes."""
    m = email.message.EmailMessage()
    m["From"] = sender
    m["To"] = to_hdr
    if cc_hdr:
        m["Cc"] = cc_hdr
    m["Subject"] = title
    m["Date"] = "Thu, 03 Dec 2026 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = msgid or "<out%d.%d.%d@ietf.example>" % (os.getpid(), L._mid[0],
                                                               int(time.time() * 1e6))
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content("Title: %s\nFrom: IETF QUIC WG\nFrom-Contact: Matt Joras <matt@example.com>\n"
                  "To: 3GPP SA2\nPurpose: %s\n%s%s\n"
                  "The QUIC WG informs 3GPP SA2 of its work on multipath.\n"
                  % (title, purpose, "Deadline: %s\n" % deadline if deadline else "", extra))
    if attach:
        m.add_attachment(PDF, maintype="application", subtype="pdf", filename="ls-quic.pdf")
    return m.as_bytes(policy=email.policy.SMTP)


def submit(d, data, mail_from="matt@example.com"):
    c = d.lmtp()
    c.lhlo()
    r = c.send(mail_from, ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    return int(re.search(r"stored as (\d+)", r[0][1]).group(1))


def arrive(d, data, states=("posted", "rejected", "ignored", "dead", "pending"), **kw):
    sid = submit(d, data, **kw)
    return sid, d.wait_state(sid, states=states, timeout=20 * SLOW)


def wait_mails(sink, n, what):
    return L.wait_for(lambda: len(sink.snapshot()) >= n and sink.snapshot(), 30 * SLOW,
                      "%d mails at the sink (%s)" % (n, what))


def settle(sink, seconds=2):
    before = len(sink.snapshot())
    time.sleep(seconds)
    L.eq(len(sink.snapshot()), before, "no more mail after settling")


def by_message_id(mails):
    out = {}
    for m in mails:
        out.setdefault(m.msg["message-id"], []).append(m)
    return out


def addresses(value):
    return {a.addr_spec.lower() for a in value.addresses} if value else set()


def rcpts(copies):
    return sorted(a.lower() for m in copies for a in m.rcpt_tos)


def kinds(d, sid):
    return sorted(e["kind"] for e in d.ctl_json("history", sid))


def mails_with(mails, prefix):
    return [g for g in by_message_id(mails).values() if str(g[0].msg["subject"]).startswith(prefix)]


def text_of(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content()


ROUTE_TO = {BODY}
ROUTE_CC = {LM, COORD, "quic@ietf.org"}


@L.test
def chair_statement_waits_then_ad_approves_and_it_goes():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid, s = arrive(d, outgoing())
        L.eq(s["state"], "pending", "a chair's outgoing statement waits (problems %r)"
             % s["problems"])
        L.eq(s["direction"], "outgoing", "direction")
        L.eq(s["approval"], None, "no approval yet")
        L.eq(s["sent_directly"], False, "not sent directly")
        # the ADs get ONE approval request, and nobody else gets anything
        wait_mails(sink, len(ADS), "approval request")
        settle(sink)
        groups = by_message_id(sink.snapshot())
        L.eq(len(groups), 1, "one mail: %r" % sink.snapshot())
        req = list(groups.values())[0]
        m = req[0].msg
        L.eq(rcpts(req), sorted(ADS), "the approval request goes to the area's ADs")
        L.eq(addresses(m["to"]), ADS, "request To")
        L.ok(str(m["subject"]).startswith("Approval needed: liaison statement %d" % sid),
             "request subject %r" % str(m["subject"]))
        body = text_of(m)
        L.ok("https://datatracker.example/liaison/%d" % sid in body, "web link:\n%s" % body)
        L.ok("liaisonctl approve %d --by YOUR-ADDRESS" % sid in body, "the command:\n%s" % body)
        L.ok("The QUIC WG informs 3GPP SA2" in body, "the statement in the request")
        L.ok(BODY in body and LM in body, "where it will go, named in the request")
        # the secretariat's list: oldest first, who may approve
        ap = d.ctl_json("approvals")
        L.eq([a["id"] for a in ap], [sid], "approvals lists it")
        L.eq({re.search(r"<(.*)>", a).group(1) for a in ap[0]["approvers"]}, ADS,
             "approvals says who may approve")
        L.eq(ap[0]["submitter"], "matt@example.com", "approvals names the submitter")
        human = d.ctl("approvals").stdout
        L.ok("zahed@example.com" in human and str(sid) in human, "approvals in words:\n" + human)
        L.ok(max(len(l) for l in human.splitlines()) <= 80, "approvals fits 80 columns:\n" + human)
        # someone who is not an approver: refused, exit 77, nothing changes
        before = len(sink.snapshot())
        p = d.ctl("approve", sid, "--by", "matt@example.com", check=False)
        L.eq(p.returncode, 77, "non-approver exit code (%s)" % p.stderr)
        L.ok("matt@example.com is not an approver of statement %d" % sid in p.stderr
             and "zahed@example.com" in p.stderr, "a clear message: %r" % p.stderr)
        L.eq(d.ctl_json("show", sid)["state"], "pending", "still pending")
        # a dry run says what would go where, and changes nothing
        dry = d.ctl_json("approve", sid, "--by", "zahed@example.com", "--dry-run")
        L.eq((dry["dry_run"], dry["state_before"], dry["state"]), (True, "pending", "posted"),
             "dry run")
        routing = [m for m in dry["mails"] if m["kind"] == "routing"]
        L.ok(routing and BODY in routing[0]["to"], "dry run names the routing mail: %r" % dry)
        L.eq(d.ctl_json("show", sid)["state"], "pending", "still pending after the dry run")
        # the AD approves: sent to 3GPP SA2 with the right Cc and the document
        out = d.ctl_json("approve", sid, "--by", "zahed@example.com")
        L.eq(out["state"], "posted", "approve --by posts it")
        L.eq(out["approval"]["by"], "zahed@example.com", "approve --json names the approver")
        wait_mails(sink, before + len(ROUTE_TO | ROUTE_CC) + 1, "routing + sent notice")
        settle(sink)
        new = sink.snapshot()[before:]
        routing = mails_with(new, "New Liaison Statement")
        L.eq(len(routing), 1, "one routing mail: %r" % new)
        r = routing[0][0].msg
        L.eq(addresses(r["to"]), ROUTE_TO, "routing To: the receiving body")
        L.eq(addresses(r["cc"]), ROUTE_CC, "routing Cc: liaison manager, coordinators, WG list")
        L.eq(rcpts(routing[0]), sorted(ROUTE_TO | ROUTE_CC), "routing envelope")
        atts = [(p.get_filename(), p.get_content()) for p in r.iter_attachments()]
        L.eq(atts, [("ls-quic.pdf", PDF)], "the document is attached")
        sent = mails_with(new, "Liaison statement sent")
        L.eq(len(sent), 1, "the submitter is told")
        L.eq(rcpts(sent[0]), ["matt@example.com"], "told: the submitter")
        L.ok("sent as statement %d" % sid in text_of(sent[0][0].msg), "sent as statement N")
        s = d.ctl_json("show", sid)
        L.eq(s["state"], "posted", "posted")
        L.eq(s["approval"]["by"], "zahed@example.com", "approval by")
        L.eq(s["approval"]["how"], "cli", "approval how")
        L.ok(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", s["approval"]["at"]), "approval at")
        hist = d.ctl_json("history", sid)
        k = [e["kind"] for e in hist]
        for want in ("approval_requested", "approved", "sent", "posted"):
            L.ok(want in k, "history has %s: %r" % (want, k))
        approved = [e for e in hist if e["kind"] == "approved"][0]
        L.ok("zahed@example.com" in approved["detail"], "history says who approved: %r"
             % approved)
        L.eq(d.ctl_json("approvals"), [], "nothing waits any more")
        # approving again: not pending any more
        p = d.ctl("approve", sid, "--by", "zahed@example.com", check=False)
        L.eq(p.returncode, 65, "approve of a posted statement is refused")


@L.test
def ad_statement_goes_at_once():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid, s = arrive(d, outgoing(sender="Zahed <zahed@example.com>"),
                        mail_from="zahed@example.com")
        L.eq(s["state"], "posted", "an AD's own statement (problems %r)" % s["problems"])
        L.eq(s["approval"]["by"], "zahed@example.com", "approved by submitting it")
        L.eq(s["approval"]["how"], "submitter", "how: submitter")
        wait_mails(sink, len(ROUTE_TO | ROUTE_CC) + 2, "routing + sent notice")
        settle(sink)
        mails = sink.snapshot()
        L.eq(mails_with(mails, "Approval needed"), [], "no approval request")
        routing = mails_with(mails, "New Liaison Statement")
        L.eq(len(routing), 1, "routed once")
        L.eq(rcpts(routing[0]), sorted(ROUTE_TO | ROUTE_CC), "to the body, Cc as it should")
        k = kinds(d, sid)
        L.ok("approved" in k and "sent" in k and "approval_requested" not in k,
             "history: %r" % k)


@L.test
def ad_statement_approves_only_when_our_mta_authenticated_it():
    """Anyone can write an AD's address in From: under reply_policy =
    authenticated the submission is the AD's approval only with our MTA's
    passing Authentication-Results for that domain; else it waits for an
    approval like a chair's, and the warning says why."""
    mta = "mx.ietf.example"
    with L.SMTPSink() as sink, daemon(sink, liaisond={"authserv_id": mta},
                                      reply_policy="authenticated") as d:
        forged, s = arrive(d, outgoing(sender="Zahed <zahed@example.com>", headers={
            "Authentication-Results": "mx.evil.example; dmarc=pass header.from=example.com"}),
            mail_from="mallory@evil.example")
        L.eq(s["state"], "pending", "a forged AD's statement waits (problems %r)" % s["problems"])
        L.eq(s["approval"], None, "no approval from the From header alone")
        warn = [p for p in s["problems"] if p["code"] == "approval_unauthenticated"]
        L.ok(warn and "zahed@example.com" in warn[0]["message"] and "did not authenticate" in
             warn[0]["message"], "the secretariat sees why: %r" % s["problems"])
        wait_mails(sink, len(ADS), "approval request")
        settle(sink)
        L.eq(mails_with(sink.snapshot(), "New Liaison Statement"), [], "nothing to the body")
        L.eq(len(mails_with(sink.snapshot(), "Approval needed")), 1, "the ADs are asked")
        L.eq([a["id"] for a in d.ctl_json("approvals")], [forged], "it waits in approvals")
        # the same AD through our MTA, DMARC pass for the From domain
        before = len(sink.snapshot())
        sid, s = arrive(d, outgoing(sender="Zahed <zahed@example.com>", title="LS two", headers={
            "Authentication-Results": "%s; dkim=pass header.d=example.com; dmarc=pass "
                                      "header.from=example.com" % mta}),
            mail_from="zahed@example.com")
        L.eq(s["state"], "posted", "the authenticated AD's statement goes (problems %r)"
             % s["problems"])
        L.eq((s["approval"]["by"], s["approval"]["how"]), ("zahed@example.com", "submitter"),
             "approved by submitting it")
        L.eq([p for p in s["problems"] if p["code"] == "approval_unauthenticated"], [],
             "no warning")
        wait_mails(sink, before + len(ROUTE_TO | ROUTE_CC) + 1, "routing + sent notice")
        routing = mails_with(sink.snapshot()[before:], "New Liaison Statement")
        L.eq(len(routing), 1, "routed once")
        L.eq(rcpts(routing[0]), sorted(ROUTE_TO | ROUTE_CC), "to the body")


@L.test
def stranger_is_rejected_sender_not_authorized():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid, s = arrive(d, outgoing(sender="Someone <someone@example.org>"),
                        mail_from="someone@example.org")
        L.eq(s["state"], "rejected", "a stranger's outgoing statement")
        errors = [p for p in s["problems"] if p["severity"] == "error"]
        L.eq([p["code"] for p in errors], ["sender_not_authorized"], "the error")
        L.ok("someone@example.org" in errors[0]["message"], "the message names the sender")
        # the rejection to the sender and the From-Contact, the notice to the secretariat
        wait_mails(sink, 3, "rejection + secretariat notice")
        settle(sink)
        mails = sink.snapshot()
        L.eq(mails_with(mails, "New Liaison Statement"), [], "nothing goes to the body")
        L.eq(mails_with(mails, "Approval needed"), [], "nobody is asked to approve")
        L.eq(len(mails_with(mails, "Liaison statement not accepted")), 1, "rejection mail")
        L.ok(any(p["id"] == sid for p in d.ctl_json("rejects")), "in the rejects queue")
        # a secretary of the WG may submit (the directory's secretaries key)
        sid2, s2 = arrive(d, outgoing(sender="QUIC Secretary <quic-sec@example.com>",
                                      title="LS two"), mail_from="quic-sec@example.com")
        L.eq(s2["state"], "pending", "a WG secretary's statement waits for approval")


@L.test
def sent_directly_is_recorded_not_resent():
    with L.SMTPSink() as sink, daemon(sink) as d:
        # the chair sent it to SA2 and copied statements@: recorded, flagged
        sid, s = arrive(d, outgoing(to_hdr="SA2 Liaisons <%s>" % BODY,
                                    cc_hdr="statements@ietf.org", attach=False))
        L.eq(s["state"], "posted", "recorded as posted (problems %r)" % s["problems"])
        L.eq(s["sent_directly"], True, "sent_directly")
        L.eq(s["approval"], None, "no approval: the chair is not an approver")
        L.eq([p["code"] for p in s["problems"]], ["sent_without_approval"], "flagged")
        # the AD did the same: recorded with the AD's approval, no warning
        sid2, s2 = arrive(d, outgoing(sender="Zahed <zahed@example.com>", title="LS two",
                                      to_hdr=BODY, cc_hdr="statements@ietf.org",
                                      attach=False),
                          mail_from="zahed@example.com")
        L.eq((s2["state"], s2["sent_directly"]), ("posted", True), "the AD's, sent directly")
        L.eq(s2["approval"]["by"], "zahed@example.com", "approval recorded")
        L.eq(s2["problems"], [], "no warning")
        # "recorded" to matt; to zahed and matt (the From-Contact)
        wait_mails(sink, 3, "two notices to the submitters")
        settle(sink, 3)
        mails = sink.snapshot()
        L.eq(mails_with(mails, "New Liaison Statement"), [], "not sent again to anyone")
        L.eq(mails_with(mails, "Approval needed"), [], "no approval asked")
        rec = mails_with(mails, "Liaison statement recorded")
        L.eq(len(rec), 2, "each submitter told it was recorded: %r" % mails)
        L.ok("was not sent again" in text_of(rec[0][0].msg), "says it was not resent")
        L.ok(not any(r["kind"] == "routing" for r in d.ctl_json("outbox")), "no routing queued")
        h = [e for e in d.ctl_json("history", sid) if e["kind"] == "sent"]
        L.ok(h and "directly" in h[0]["detail"], "history: sent directly %r" % h)


@L.test
def outgoing_reply_marks_incoming_taken():
    with L.SMTPSink() as sink, daemon(sink) as d:
        incoming = L.make_message(
            subject="LS on QUIC in 5GS",
            body="Title: LS on QUIC in 5GS\r\nFrom: 3GPP SA2\r\nFrom-Contact: Expert "
                 "<expert@3gpp.example>\r\nTo: IETF QUIC WG\r\nPurpose: For Action\r\n"
                 "Deadline: 2030-03-01\r\n\r\nSA2 asks QUIC to comment.\r\n",
            from_="SA2 Liaisons <%s>" % BODY, message_id="<ls-in@3gpp.example>")
        inc, s = arrive(d, incoming, mail_from=BODY)
        L.eq((s["state"], s["direction"], s["action_taken"]), ("posted", "incoming", False),
             "the incoming statement")
        # the chair's reply waits: the incoming one stays open meanwhile
        reply = outgoing(title="Reply LS on QUIC in 5GS", purpose="In Response",
                         headers={"In-Reply-To": "<ls-in@3gpp.example>"}, attach=False)
        out, o = arrive(d, reply)
        L.eq(o["state"], "pending", "the reply waits (problems %r)" % o["problems"])
        L.eq(o["related"], [inc], "the reply names what it answers")
        L.eq(d.ctl_json("show", inc)["action_taken"], False, "not taken before it is sent")
        d.ctl("approve", out, "--by", "gorry@example.com")
        i = d.ctl_json("show", inc)
        L.eq(i["action_taken"], True, "the incoming statement is action taken once sent")
        L.eq(i["answered_by"], [out], "the incoming shows its answer")
        L.eq(d.ctl_json("show", out)["related"], [inc], "the answer shows the incoming")
        ev = [e for e in d.ctl_json("history", inc) if e["kind"] == "action_taken"]
        L.ok(ev and str(out) in ev[0]["detail"], "history of the incoming: %r" % ev)
        human = d.ctl("show", inc).stdout
        L.ok("answered by" in human, "show in words names the answer")


@L.test
def refuse_and_recorded_approval():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid, s = arrive(d, outgoing())
        wait_mails(sink, len(ADS), "approval request")
        before = len(sink.snapshot())
        p = d.ctl("refuse", sid, check=False)
        L.eq(p.returncode, 64, "refuse needs --why")
        out = d.ctl_json("refuse", sid, "--why", "Not agreed in the WG yet")
        L.eq(out["state"], "dead", "refused")
        wait_mails(sink, before + 1, "refusal")
        settle(sink)
        new = sink.snapshot()[before:]
        L.eq(len(new), 1, "one mail: %r" % new)
        L.eq(rcpts(new), ["matt@example.com"], "back to the submitter")
        L.ok("Not agreed in the WG yet" in text_of(new[0].msg), "with the reason")
        L.ok("refused" in kinds(d, sid), "history refused")
        L.eq(d.ctl("refuse", sid, "--why", "again", check=False).returncode, 65,
             "refuse of a dead one")
        # restore brings it back to pending; an approval given by phone is recorded
        d.ctl("restore", sid)
        L.eq(d.ctl_json("show", sid)["state"], "pending", "restored to pending")
        L.eq(d.ctl("approve", sid, "--recorded", "by phone", check=False).returncode, 64,
             "--recorded needs --by")
        d.ctl("approve", sid, "--by", "gorry@example.com", "--recorded", "by phone")
        s = d.ctl_json("show", sid)
        L.eq((s["state"], s["approval"]["by"], s["approval"]["how"]),
             ("posted", "gorry@example.com", "recorded"), "recorded approval")
        approved = [e for e in d.ctl_json("history", sid) if e["kind"] == "approved"]
        L.ok("by phone" in approved[0]["detail"], "how it was given: %r" % approved)


@L.test
def approval_reminder_after_days():
    with L.SMTPSink() as sink, daemon(sink, approval_remind_days="3") as d:
        sid, s = arrive(d, outgoing())
        wait_mails(sink, len(ADS), "approval request")
        settle(sink, 1)
        today = datetime.datetime.utcnow().date()
        day = lambda n: (today + datetime.timedelta(days=n)).isoformat()
        for n, want in ((2, 0), (3, 1), (3, 0), (4, 0)):
            before = len(sink.snapshot())
            out = d.ctl_json("remind", "--today", day(n), "--yes")
            L.eq(out["queued"], want, "approval reminders on day +%d" % n)
            if want:
                wait_mails(sink, before + len(ADS), "reminder")
                new = sink.snapshot()[before:]
                L.ok(str(new[0].msg["subject"]).startswith("Approval still needed (reminder)"),
                     "reminder subject %r" % str(new[0].msg["subject"]))
                L.eq(rcpts(new), sorted(ADS), "reminder to the approvers")
        # three days after the reminder, the next one
        L.eq(d.ctl_json("remind", "--today", day(6), "--yes")["queued"], 1, "next reminder")


@L.test
def outgoing_deadline_reminder_to_ietf_side():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid, s = arrive(d, outgoing(sender="Zahed <zahed@example.com>", purpose="For Action",
                                    deadline="2030-05-01", attach=False),
                        mail_from="zahed@example.com")
        L.eq(s["state"], "posted", "sent at once")
        wait_mails(sink, len(ROUTE_TO | ROUTE_CC) + 2, "routing + sent")
        settle(sink, 1)
        before = len(sink.snapshot())
        # the IETF side waits on the other body: nothing before the deadline
        L.eq(d.ctl_json("remind", "--today", "2030-04-24", "--yes")["queued"], 0, "7 days before")
        out = d.ctl_json("remind", "--today", "2030-05-01", "--yes")
        L.eq(out["queued"], 1, "a reminder on the deadline, no answer recorded")
        wait_mails(sink, before + 3, "reminder: two To and one Cc")
        settle(sink, 1)
        new = sink.snapshot()[before:]
        m = new[0].msg
        L.eq(str(m["subject"]), "Liaison deadline today: LS on QUIC multipath", "subject")
        L.ok("no answer from" in text_of(m), "says no answer is recorded:\n%s" % text_of(m))
        L.eq(d.ctl_json("remind", "--today", "2030-05-08", "--yes")["queued"], 1, "weekly while overdue")
        # the other body answers: the reminders stop
        answer = L.make_message(
            subject="Reply LS on QUIC multipath",
            body="Title: Reply LS on QUIC multipath\r\nFrom: 3GPP SA2\r\nFrom-Contact: Expert "
                 "<expert@3gpp.example>\r\nTo: IETF QUIC WG\r\nPurpose: In Response\r\n\r\n"
                 "SA2 answers.\r\n",
            from_="SA2 Liaisons <%s>" % BODY, headers={"In-Reply-To": s["message_id"] and
                                                      "<%s>" % s["message_id"]})
        aid, a = arrive(d, answer, mail_from=BODY)
        L.eq((a["state"], a["related"]), ("posted", [sid]), "the answer is linked")
        L.eq(d.ctl_json("show", sid)["action_taken"], True, "answered: action taken")
        L.eq(d.ctl_json("remind", "--today", "2030-05-15", "--yes")["queued"], 0, "no more reminders")
        # the IETF side: the submitter (From-Contact) and the liaison manager; not the body
        L.eq(addresses(m["to"]), {"matt@example.com", "zahed@example.com"}, "reminder To")
        L.eq(addresses(m["cc"]), {LM}, "reminder Cc: the liaison manager")
        L.ok(BODY not in rcpts(new), "nothing to the other body")


@L.test
def routing_attaches_up_to_attach_max():
    for attach_max, attached in (("10485760", True), ("10", False)):
        with L.SMTPSink() as sink, daemon(sink, attach_max=attach_max) as d:
            m = email.message.EmailMessage()
            m["From"] = "SA2 Liaisons <%s>" % BODY
            m["To"] = "statements@ietf.org"
            m["Subject"] = "LS on QUIC"
            L._mid[0] += 1
            m["Message-ID"] = "<att%d.%d@3gpp.example>" % (os.getpid(), L._mid[0])
            m.set_content("Title: LS on QUIC\nFrom: 3GPP SA2\nFrom-Contact: Expert "
                          "<expert@3gpp.example>\nTo: IETF QUIC WG\nPurpose: For Information\n"
                          "\nSee the attached.\n")
            m.add_attachment(PDF, maintype="application", subtype="pdf", filename="S2-1.pdf")
            sid, s = arrive(d, m.as_bytes(policy=email.policy.SMTP), mail_from=BODY)
            L.eq(s["state"], "posted", "incoming posted")
            routing = L.wait_for(lambda: mails_with(sink.snapshot(), "New Liaison"), 30 * SLOW,
                                 "the routing mail")
            r = routing[0][0].msg
            atts = [(p.get_filename(), p.get_content()) for p in r.iter_attachments()]
            text = text_of(r)
            link = "https://datatracker.example/liaison/%d/attachments/1" % sid
            L.ok(link in text, "the document's link in the text:\n%s" % text)
            if attached:
                L.eq(atts, [("S2-1.pdf", PDF)], "attached at attach_max %s" % attach_max)
                L.ok("attached to this mail" in text, "says it is attached")
            else:
                L.eq(atts, [], "linked, not attached, over attach_max")
                L.ok("too large to attach" in text, "says why it is only linked")


@L.test
def schema_0009_migrates_a_database_with_mail():
    """A database of schema 8 with a statement, its history and its mail: the
    rebuild of messages and outbox (their CHECKs gain the new states and
    kinds) keeps every row and every reference between them."""
    import glob
    import shutil
    import subprocess
    sqlite3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"

    def sql(db, text):
        p = subprocess.run([sqlite3, db], input=text, capture_output=True, text=True,
                           timeout=60 * SLOW)
        if p.returncode != 0:
            raise L.CheckFailed("sqlite3: %s" % p.stderr)
        return p.stdout.strip()

    files = sorted(glob.glob(os.path.join(L.TOP, "store", "schema", "*.sql")))
    upto = [f for f in files if int(os.path.basename(f)[:4]) <= 8]
    L.eq(len(upto), 8, "schema 1..8")
    tmp = L.tmpdir()
    state = os.path.join(tmp, "state")
    os.makedirs(os.path.join(state, "msg"))
    db = os.path.join(state, "liaisond.db")
    sql(db, "".join(open(f).read() + "\n" for f in upto) + "PRAGMA user_version = 8;\n"
        "INSERT INTO messages(id, received_at, envelope_from, size, sha256, dedupe_key, path,"
        " client, session_id, state) VALUES (1, '2026-01-01T00:00:00Z', 'a@example.org', 5,"
        " 'x', 'old-1', 'msg/old', 'unix', 's', 'posted');\n"
        "INSERT INTO events(statement, at, actor, kind) VALUES (1, '2026-01-01T00:00:00Z',"
        " 'liaisond', 'posted');\n"
        "INSERT INTO outbox(id, statement, kind, subject, message_id, raw, envelope_from,"
        " created_at, next_attempt_at, expires_at, state) VALUES (5, 1, 'routing', 'S', 'm@x',"
        " '', 'e@x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z',"
        " 'sent');\n"
        "INSERT INTO outbox_recipients(outbox, position, address, header, state) VALUES"
        " (5, 1, 'to@example.org', 'to', 'sent');\n")
    with L.SMTPSink() as sink:
        d = L.Daemon(tmp=tmp, directory=directory_file(),
                     conf={"notify": {"retry_initial": "1"}}, smtp=sink)
        try:
            d.start()
            L.eq(sql(db, "PRAGMA user_version;"), str(len(files)), "migrated")
            L.eq(sql(db, "SELECT id, state FROM messages;"), "1|posted", "the message kept")
            L.eq(sql(db, "SELECT count(*) FROM events WHERE statement = 1;"), "1", "its history")
            L.eq(sql(db, "SELECT o.kind, r.address FROM outbox o JOIN outbox_recipients r"
                         " ON r.outbox = o.id;"), "routing|to@example.org", "its mail")
            L.eq(sql(db, "PRAGMA foreign_key_check;"), "", "every reference holds")
            L.ok("'pending'" in sql(db, "SELECT sql FROM sqlite_master WHERE name = 'messages';"),
                 "messages takes the state pending")
            # 0010 (issue 20) widens the CHECKs 0009 rebuilt: both features' values hold
            msql = sql(db, "SELECT sql FROM sqlite_master WHERE name = 'messages';")
            osql = sql(db, "SELECT sql FROM sqlite_master WHERE name = 'outbox';")
            for v in ("received", "posted", "rejected", "ignored", "dead", "pending", "duplicate"):
                L.ok("'%s'" % v in msql, "messages takes the state " + v)
            for v in ("routing", "ack", "rejection", "secretariat", "reminder", "duplicate",
                      "approval_request", "approval_reminder", "refused"):
                L.ok("'%s'" % v in osql, "outbox takes the kind " + v)
            sid, s = arrive(d, outgoing())
            L.eq(s["state"], "pending", "a new outgoing statement after the migration")
            wait_mails(sink, len(ADS), "its approval request")
        finally:
            d.close()


L.main()
