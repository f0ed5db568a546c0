"""test_notify.py - the mail liaisond sends, asserted on what a real SMTP server captured.

A statement goes in over LMTP; an aiosmtpd sink on 127.0.0.1 captures what the
sender delivers (one SMTP transaction per recipient, so one captured copy per
recipient). Every wait is bounded; every check is on captured mail or on
`liaisonctl outbox`, never on the database."""

import datetime
import email.header
import os
import re
import subprocess
import time

import liaison as L

DIRECTORY = """\
[quic]
type = wg
name = QUIC
parent = wit
list = quic@ietf.org
chairs = Matt Joras <matt@example.com>, Lucas Pardue <lucas@example.com>
aliases = QUIC WG

[tsvwg]
type = wg
name = Transport Area Working Group
parent = wit
list = tsvwg@ietf.org
chairs = Tsv Chair <tsv-chair@example.com>

[wit]
type = area
name = Web and Internet Transport
ads = Zahed <zahed@example.com>, Gorry <gorry@example.com>

[ietf]
type = ietf
name = The IETF
chairs = IETF Chair <chair@ietf.org>

[iesg]
type = iesg
name = IESG
list = iesg@ietf.org

[iab]
type = iab
name = IAB
chairs = IAB Chair <iab-chair@iab.org>
list = iab@iab.org

[3gpp]
type = sdo
name = 3GPP
liaison_managers = 3GPP Liaison Manager <3gpp-liaison@ietf.org>

[3gpp-tsgsa]
type = sdo
name = 3GPP TSG SA
parent = 3gpp
aliases = 3GPP TSG-SA; TSG SA
contacts = 3GPPLiaison@etsi.org
"""

COORD = "liaison-coordination@iab.org"
SECRETARIAT = "ietf-action@ietf.org"
SLOW = L.SLOW


def directory_file():
    path = os.path.join(L.tmpdir("notify-dir-"), "directory.conf")
    with open(path, "w") as f:
        f.write(DIRECTORY)
    return path


def statement(title="LS on QUIC", to="IETF QUIC WG", purpose="For Action",
              deadline="2030-01-20", msgid="ls-1@3gpp.org", subject=None, extra=""):
    body = ("Title: %s\r\nFrom: 3GPP TSG SA\r\nFrom-Contact: Expert One <expert@3gpp.example>\r\n"
            "From-Liaison-Contact: 3GPPLiaison@etsi.org\r\nTo: %s\r\nPurpose: %s\r\n%s%s\r\n"
            "3GPP TSG SA asks the QUIC WG to consider the attached.\r\n"
            % (title, to, purpose, "Deadline: %s\r\n" % deadline if deadline else "", extra))
    return L.make_message(subject=subject or title, body=body,
                          from_="Liaison Sender <sender@3gpp.example>", message_id="<%s>" % msgid)


def daemon(sink, **notify):
    conf = {"notify": dict({"retry_initial": "1"}, **notify)}
    return L.Daemon(conf=conf, directory=directory_file(), smtp=sink)


def by_message_id(mails):
    """{Message-ID: [captured copies]}"""
    out = {}
    for m in mails:
        out.setdefault(m.msg["message-id"], []).append(m)
    return out


def addresses(header_value):
    if not header_value:
        return set()
    return {a.addr_spec.lower() for a in header_value.addresses}


def rcpts(copies):
    out = []
    for m in copies:
        out.extend(a.lower() for a in m.rcpt_tos)
    return out


def submit(d, data, mail_from="sender@3gpp.example"):
    """Record DATA over LMTP; the id from "250 2.0.0 <rcpt> stored as N"."""
    c = d.lmtp()
    c.lhlo()
    r = c.send(mail_from, ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    m = re.search(r"stored as (\d+)", r[0][1]) or re.search(r"\bid[= ](\d+)", r[0][1])
    return int(m.group(1)) if m else None


def post(d, data, state="posted"):
    sid = submit(d, data)
    L.ok(sid, "the LMTP reply names the message id")
    obj = d.wait_state(sid, timeout=20 * SLOW)
    L.eq(obj["state"], state, "state of %s (problems %r)" % (sid, obj.get("problems")))
    return sid


def wait_mails(sink, n, what):
    return L.wait_for(lambda: len(sink.snapshot()) >= n and sink.snapshot(), 30 * SLOW,
                      "%d mails at the sink (%s)" % (n, what))


def settle(sink, seconds=3):
    """No more mail arrives for a while: proves nothing is sent twice."""
    before = len(sink.snapshot())
    time.sleep(seconds)
    L.eq(len(sink.snapshot()), before, "mails after settling")


def outbox(d, *args):
    """outbox --json: every mail (--all) unless a --state is asked for."""
    return d.ctl_json("outbox", *(args or ("--all",)))


ROUTING_TO = {"matt@example.com", "lucas@example.com", "quic@ietf.org"}
ROUTING_CC = {"zahed@example.com", "gorry@example.com", "3gpp-liaison@ietf.org", COORD}
ACK_TO = {"3gppliaison@etsi.org", "expert@3gpp.example"}


def check_routing_and_ack(mails, sid, title="LS on QUIC", msgid="ls-1@3gpp.org"):
    groups = by_message_id(mails)
    L.eq(len(groups), 2, "distinct mails (routing + ack): %r" % mails)
    routing = [g for g in groups.values() if g[0].msg["subject"].startswith("New Liaison")]
    ack = [g for g in groups.values() if g[0].msg["subject"].startswith("Liaison statement received")]
    L.eq(len(routing), 1, "one routing mail")
    L.eq(len(ack), 1, "one ack")
    routing, ack = routing[0], ack[0]
    m = routing[0].msg
    L.eq(str(m["subject"]), 'New Liaison Statement, "%s"' % title, "routing subject")
    L.eq(addresses(m["to"]), ROUTING_TO, "routing To")
    L.eq(addresses(m["cc"]), ROUTING_CC, "routing Cc")
    L.eq(sorted(rcpts(routing)), sorted(ROUTING_TO | ROUTING_CC), "routing envelope recipients, each once")
    L.eq(m["auto-submitted"], "auto-generated", "Auto-Submitted")
    L.eq(m["in-reply-to"], "<%s>" % msgid, "In-Reply-To")
    L.ok(m["reply-to"] is None, "no Reply-To")
    text = m.get_content()
    L.ok("https://datatracker.example/liaison/%d" % sid in text, "statement URL in the body")
    L.ok("Please reply by 2030-01-20" in text, "deadline in the body")
    # the routing mail is written from the stored statement when sent
    L.ok("\nBody:" in text and "3GPP TSG SA asks the QUIC WG to consider the attached." in text,
         "the statement's body in the routing mail:\n%s" % text)
    L.ok("Response Contacts: 3GPPLiaison@etsi.org" in text, "the response contact:\n%s" % text)
    a = ack[0].msg
    L.eq(str(a["subject"]), 'Liaison statement received: "%s"' % title, "ack subject")
    L.eq(addresses(a["to"]), ACK_TO, "ack To")
    L.eq(sorted(rcpts(ack)), sorted(ACK_TO), "ack envelope recipients")
    L.ok("number %d" % sid in a.get_content(), "ack gives the number")
    for copies in (routing, ack):
        for c in copies:
            L.ok(c.mail_from.lower() == "statements-noreply@ietf.org", "envelope sender %r" % c.mail_from)


@L.test
def test_routing_and_ack_exact():
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid = post(d, statement())
        mails = wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "routing + ack")
        settle(sink)
        check_routing_and_ack(sink.snapshot(), sid)
        rows = outbox(d)
        L.eq(sorted(r["kind"] for r in rows), ["ack", "routing"], "outbox kinds")
        for r in rows:
            L.eq(set(r), {"id", "statement_id", "kind", "to", "cc", "subject", "state", "attempts",
                          "last_error"}, "outbox keys")
            L.eq(r["state"], "sent", "outbox state")
            L.eq(r["statement_id"], sid, "outbox statement_id")
        routing = [r for r in rows if r["kind"] == "routing"][0]
        L.eq(set(routing["to"]), ROUTING_TO, "outbox to")
        L.eq(set(routing["cc"]), ROUTING_CC, "outbox cc")


@L.test
def test_leadership_and_multi_group():
    cases = [
        ("IESG", {"iesg@ietf.org"}, {"3gpp-liaison@ietf.org", COORD}),
        ("IAB", {"iab-chair@iab.org", "iab@iab.org"}, {"3gpp-liaison@ietf.org", COORD}),
        ("IETF", {"chair@ietf.org"}, {"3gpp-liaison@ietf.org", COORD}),
        ("Web and Internet Transport", {"zahed@example.com", "gorry@example.com"},
         {"3gpp-liaison@ietf.org", COORD}),
        ("IETF QUIC WG, TSVWG", ROUTING_TO | {"tsv-chair@example.com", "tsvwg@ietf.org"}, ROUTING_CC),
    ]
    with L.SMTPSink() as sink, daemon(sink) as d:
        for i, (to, want_to, want_cc) in enumerate(cases):
            before = len(sink.snapshot())
            post(d, statement(to=to, msgid="lead-%d@3gpp.org" % i, title="LS %d" % i))
            wait_mails(sink, before + len(want_to | want_cc) + len(ACK_TO), to)
            settle(sink, 2)
            new = sink.snapshot()[before:]
            routing = [m for m in new if str(m.msg["subject"]).startswith("New Liaison")]
            L.eq(addresses(routing[0].msg["to"]), want_to, "To for %s" % to)
            L.eq(addresses(routing[0].msg["cc"]), want_cc, "Cc for %s" % to)
            L.eq(sorted(rcpts(routing)), sorted(want_to | want_cc), "envelope for %s" % to)


@L.test
def test_sink_down_then_up_delivers_once():
    sink = L.SMTPSink()          # not started: its port refuses connections
    with daemon(sink) as d:
        post(d, statement())
        L.wait_for(lambda: any(r["attempts"] >= 2 for r in outbox(d, "--state", "queued")),
                   30 * SLOW, "failed attempts while the SMTP server is down")
        L.ok(all(r["state"] == "queued" and r["last_error"] for r in outbox(d)),
             "mail waits with the connection error")
        sink.start()
        try:
            wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "after the outage")
            settle(sink, 4)
            L.wait_for(lambda: all(r["state"] == "sent" for r in outbox(d)), 10 * SLOW, "all sent")
        finally:
            sink.close()


@L.test
def test_550_for_one_recipient():
    refuse = "gorry@example.com"
    sink = L.SMTPSink(rcpt_reply=lambda a: "550 5.1.1 <%s>: no such user" % a if a == refuse else None)
    with sink, daemon(sink) as d:
        post(d, statement())
        want = (ROUTING_TO | ROUTING_CC | ACK_TO | {SECRETARIAT}) - {refuse}
        wait_mails(sink, len(want), "everyone but the refused one, and the secretariat")
        settle(sink, 4)
        got = rcpts(sink.snapshot())
        L.eq(sorted(got), sorted(want), "delivered recipients, each once")
        failed = outbox(d, "--state", "failed")
        L.eq(len(failed), 1, "one failed mail")
        L.eq(failed[0]["kind"], "routing", "the routing mail failed")
        L.ok("550" in (failed[0]["last_error"] or "") and refuse in failed[0]["last_error"],
             "last_error names the recipient and the reply: %r" % failed[0]["last_error"])
        notices = [m for m in sink.snapshot() if m.rcpt_tos == [SECRETARIAT]]
        L.eq(len(notices), 1, "the secretariat is told once")
        L.ok(refuse in notices[0].msg.get_content(), "the notice names the address")
        human = d.ctl("outbox", "--state", "failed").stdout
        L.ok(refuse in human and "550" in human, "human listing shows the failure")
        # Fixed: retry sends to the refused recipient only.
        sink.rcpt_reply = None
        d.ctl("outbox", "retry", failed[0]["id"])
        L.wait_for(lambda: refuse in rcpts(sink.snapshot()), 20 * SLOW, "retried recipient")
        settle(sink, 3)
        L.eq(rcpts(sink.snapshot()).count("matt@example.com"), 1, "others not sent again")
        L.eq(d.ctl("outbox", "retry", failed[0]["id"], check=False).returncode, 65,
             "retry of a mail that is not failed")


@L.test
def test_451_after_rcpt_and_421_mid_transfer():
    calls = {"n": 0}

    def data_reply(envelope):
        calls["n"] += 1
        if calls["n"] == 1:
            return "421 4.3.2 service shutting down"
        if calls["n"] in (2, 3):
            return "451 4.3.0 temporary failure after RCPT"
        return None
    sink = L.SMTPSink(data_reply=data_reply)
    with sink, daemon(sink) as d:
        sid = post(d, statement())
        wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "after the temporary failures")
        settle(sink, 4)
        check_routing_and_ack(sink.snapshot(), sid)
        rows = outbox(d)
        L.ok(all(r["state"] == "sent" for r in rows), "all sent")
        L.ok(any(r["attempts"] >= 2 for r in rows), "retried")


@L.test
def test_crash_between_queue_and_send():
    sink = L.SMTPSink()          # down while the statement is recorded
    with daemon(sink) as d:
        sid = post(d, statement())
        L.eq(len(outbox(d, "--state", "queued")), 2, "queued mails")
        d.kill9()
        sink.start()
        try:
            d.start()
            wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "after the restart")
            settle(sink, 4)
            check_routing_and_ack(sink.snapshot(), sid)
        finally:
            sink.close()


@L.test
def test_empty_smtp_url_holds_mail():
    with L.Daemon(conf={"notify": {"retry_initial": "1"}}, directory=directory_file()) as d:
        post(d, statement())
        time.sleep(3)
        rows = outbox(d)
        L.eq(sorted(r["kind"] for r in rows), ["ack", "routing"], "held mails")
        L.ok(all(r["state"] == "queued" and r["attempts"] == 0 for r in rows), "held, untried")


@L.test
def test_remind_boundaries_and_idempotent():
    deadline = datetime.date(2030, 1, 20)
    day = lambda n: (deadline + datetime.timedelta(days=n)).isoformat()
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid = post(d, statement(deadline=deadline.isoformat()))
        post(d, statement(title="For info", purpose="For Information", deadline=None,
                          msgid="info@3gpp.org"))
        wait_mails(sink, 2 * (len(ROUTING_TO | ROUTING_CC) + len(ACK_TO)), "routing + ack")
        settle(sink, 2)
        steps = [
            (day(-15), None),
            (day(-14), "Liaison deadline in 14 days: LS on QUIC"),
            (day(-14), None),                     # the same day again: nothing new
            (day(-8), None),
            (day(-7), "Liaison deadline in 7 days: LS on QUIC"),
            (day(0), "Liaison deadline today: LS on QUIC"),
            (day(1), None),
            (day(7), "Liaison OUT OF DATE: LS on QUIC"),
            (day(56), "Liaison OUT OF DATE: LS on QUIC"),
            (day(63), None),                      # 8 weeks, then it stops
        ]
        want_to = {"matt@example.com", "lucas@example.com"}       # no open list
        want_cc = {"3gpp-liaison@ietf.org", COORD}
        # Another day without --yes: refused (64), nothing queued, nothing sent.
        before = len(sink.snapshot())
        queued_before = len(outbox(d))
        p = d.ctl("remind", "--today", day(-14), check=False)
        L.eq(p.returncode, 64, "remind --today another day without --yes: %s" % p.stderr)
        L.ok("--yes" in p.stderr and day(-14) in p.stderr, "it says to add --yes: %r" % p.stderr)
        L.eq(len(outbox(d)), queued_before, "nothing queued without --yes")
        settle(sink, 0.5)
        L.eq(len(sink.snapshot()), before, "nothing sent without --yes")
        # A dry run of another day mails nobody: no --yes needed, it says who
        # would get what, and the day's reminder is still due afterwards.
        p = d.ctl("remind", "--today", day(-14), "--dry-run", check=False)
        L.eq(p.returncode, 0, "remind --today another day --dry-run needs no --yes: %s" % p.stderr)
        L.ok("1 reminder would be queued" in p.stdout and "matt@example.com" in p.stdout,
             "the dry run lists the reminder: %r" % p.stdout)
        j = d.ctl_json("remind", "--today", day(-14), "--dry-run")
        L.eq((j["queued"], j["dry_run"], [m["kind"] for m in j["mails"]]),
             (1, True, ["reminder"]), "remind --dry-run --json: %r" % j)
        L.eq(len(outbox(d)), queued_before, "nothing queued by the dry runs")
        L.eq(d.ctl_json("remind", "--today", time.strftime("%Y-%m-%d", time.gmtime()))["queued"],
             0, "today needs no --yes")
        for today, subject in steps:
            before = len(sink.snapshot())
            out = d.ctl_json("remind", "--today", today, "--yes")
            L.eq(out["queued"], 1 if subject else 0, "reminders queued on %s" % today)
            if subject:
                wait_mails(sink, before + len(want_to | want_cc), "reminder of %s" % today)
            # remind's own count says whether anything was queued; a short
            # pause catches a stray extra mail without waiting for nothing.
            settle(sink, 0.5)
            new = sink.snapshot()[before:]
            if not subject:
                L.eq(new, [], "no reminder on %s" % today)
                continue
            L.eq({str(m.msg["subject"]) for m in new}, {subject}, "subject on %s" % today)
            L.eq(addresses(new[0].msg["to"]), want_to, "reminder To")
            L.eq(addresses(new[0].msg["cc"]), want_cc, "reminder Cc")
            L.eq(sorted(rcpts(new)), sorted(want_to | want_cc), "reminder envelope")
            L.eq(new[0].msg["in-reply-to"], "<ls-1@3gpp.org>", "threaded under the statement")
        L.eq(d.ctl("remind", "--today", "2030-02-30", "--yes", check=False).returncode, 64, "bad date")
        L.eq(d.ctl("remind", "--today", "2030-02-30", check=False).returncode, 64, "bad date, no --yes")
        # resend: the routing mail again, recipients as before.
        before = len(sink.snapshot())
        d.ctl("resend", sid)
        wait_mails(sink, before + len(ROUTING_TO | ROUTING_CC), "resent routing")
        settle(sink, 2)
        new = sink.snapshot()[before:]
        L.eq(sorted(rcpts(new)), sorted(ROUTING_TO | ROUTING_CC), "resent to the routing recipients")
        hist = d.ctl_json("history", sid)
        events = hist if isinstance(hist, list) else hist.get("events", [])
        L.ok(any(e["kind"] == "resent" for e in events), "a 'resent' event: %r" % events)
        L.eq(d.ctl("resend", "999999", check=False).returncode, 65, "resend of an unknown id")


BOUNCE = (b"From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
          b"To: statements@ietf.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
          b"Message-ID: <bounce-1@mx.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
          b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
          b"--b\r\nContent-Type: text/plain\r\n\r\nTitle: LS on QUIC\r\nTo: IETF QUIC WG\r\n"
          b"Your message could not be delivered.\r\n"
          b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
          b"Final-Recipient: rfc822; x@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n")

AUTOREPLY = (b"From: Matt Joras <matt@example.com>\r\nTo: statements@ietf.org\r\n"
             b"Subject: Out of office: New Liaison Statement\r\nMessage-ID: <ooo-1@example.com>\r\n"
             b"Auto-Submitted: auto-replied\r\n\r\nTitle: LS on QUIC\r\nFrom: 3GPP\r\n"
             b"To: IETF QUIC WG\r\nPurpose: For Information\r\n\r\nI am away.\r\n")


@L.test
def test_no_mail_to_bounces_or_auto_replies():
    with L.SMTPSink() as sink, daemon(sink) as d:
        for data, sender in ((BOUNCE, ""), (AUTOREPLY, "matt@example.com")):
            c = d.lmtp()
            c.lhlo()
            r = c.send(sender, ["statements@ietf.org"], data)
            c.close()
            L.eq(r[0][0], 250, "accepted")
        rows = L.wait_for(lambda: len(d.ctl_json("list")) >= 2 and d.ctl_json("list"), 20 * SLOW,
                          "both recorded")
        for row in rows:
            d.wait_state(row["id"], timeout=20 * SLOW)
            L.eq(d.ctl_json("show", row["id"])["state"], "ignored", "auto-generated is ignored")
        settle(sink, 3)
        L.eq(sink.snapshot(), [], "no mail at all")
        L.eq(outbox(d), [], "nothing queued")


@L.test
def test_hostile_title_reaches_no_header():
    evil = "=?UTF-8?B?%s?=" % __import__("base64").b64encode(
        "LS\r\nBcc: victim@evil.example\r\nX-Injected: yes".encode()).decode()
    with L.SMTPSink() as sink, daemon(sink) as d:
        post(d, statement(title="LS on QUIC", subject=evil, msgid="evil@3gpp.org"))
        # A subject is only a fallback for the title: put the payload in the title line too.
        post(d, L.make_message(subject=evil, from_="Liaison Sender <sender@3gpp.example>",
                               message_id="<evil2@3gpp.org>",
                               body=("From: 3GPP TSG SA\r\nFrom-Contact: expert@3gpp.example\r\n"
                                     "To: IETF QUIC WG\r\nPurpose: For Information\r\n\r\nText\r\n")))
        wait_mails(sink, 2 * (len(ROUTING_TO | ROUTING_CC) - 0) + 2, "mails")
        # The two acks have different recipient sets: wait for the outbox to
        # drain rather than for a count, then check nothing more arrives.
        L.wait_for(lambda: not outbox(d, "--state", "queued"), 30 * SLOW, "the outbox to drain")
        settle(sink, 2)
        for m in sink.snapshot():
            L.ok(m.msg["x-injected"] is None and m.msg["bcc"] is None, "no injected header")
            L.ok("victim@evil.example" not in [a.lower() for a in m.rcpt_tos], "no injected recipient")
            raw_headers = m.data.split(b"\r\n\r\n", 1)[0]
            L.ok(b"\nBcc:" not in raw_headers and b"\nX-Injected:" not in raw_headers, "raw headers")


@L.test
def test_non_ascii_title_encoded():
    title = "Réponse à la LS – 日本語 ÜBER QUIC"
    with L.SMTPSink() as sink, daemon(sink) as d:
        sid = post(d, statement(title=title, subject="LS", msgid="utf@3gpp.org"))
        wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "mails")
        for m in sink.snapshot():
            head = m.data.split(b"\r\n\r\n", 1)[0]
            L.ok(all(b < 0x80 for b in head), "7-bit headers")
            L.ok(title in str(m.msg["subject"]), "subject decodes back: %r" % str(m.msg["subject"]))
        check_routing_and_ack(sink.snapshot(), sid, title=title, msgid="utf@3gpp.org")


class HangingSink(L.SMTPSink):
    """Accepts RCPT, then never answers the end of DATA (until stopped)."""

    def start(self):
        import asyncio
        from aiosmtpd.controller import Controller
        sink = self
        self.hanging = 0

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.hanging += 1
                await asyncio.sleep(300)
                return "451 too late"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self


def tls_cert():
    """A self-signed certificate for 127.0.0.1 (the sink's) and its key."""
    d = L.tmpdir()
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@L.test
def test_tls_modes_and_certificate_check():
    """[notify] tls = starttls and tls deliver to a server whose certificate
    chains to ca_file; a server the CAs do not vouch for gets nothing, and the
    mail waits with the reason."""
    cert, key = tls_cert()
    for mode in ("starttls", "tls"):
        with L.SMTPSink(tls=mode, cert=(cert, key)) as sink, \
                daemon(sink, tls=mode, ca_file=cert) as d:
            msgid = "tls-%s@3gpp.org" % mode
            sid = post(d, statement(msgid=msgid))
            wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "routing + ack over " + mode)
            settle(sink)
            check_routing_and_ack(sink.snapshot(), sid, msgid=msgid)
    with L.SMTPSink(tls="starttls", cert=(cert, key)) as sink, daemon(sink, tls="starttls") as d:
        post(d, statement(msgid="tls-untrusted@3gpp.org"))
        rows = L.wait_for(lambda: [r for r in outbox(d) if r["last_error"]] and outbox(d),
                          30 * SLOW, "a delivery error recorded")
        L.ok(all(r["state"] == "queued" for r in rows), "still queued: %r" % rows)
        L.ok(any(re.search(r"certif|SSL|TLS", r["last_error"] or "", re.I) for r in rows),
             "the reason names the certificate: %r" % rows)
        settle(sink, 1)
        L.eq(sink.snapshot(), [], "nothing delivered to a server that is not trusted")


@L.test
def test_stop_does_not_wait_for_a_hanging_server():
    sink = HangingSink()
    with sink, daemon(sink) as d:          # smtp_timeout stays 120 s
        post(d, statement())
        L.wait_for(lambda: sink.hanging >= 1, 20 * SLOW, "a transfer hanging at DATA")
        L.eq(d.stop(timeout=30), 0, "liaisond stops (the transfer in hand is abandoned)")
        d.start()                          # the mail is still queued, nothing lost
        L.ok(all(r["state"] == "queued" for r in outbox(d)), "still queued after the stop")


class AuthSink(L.SMTPSink):
    """The sink, but AUTH PLAIN/LOGIN required (without TLS, on loopback only)."""

    def __init__(self, user, password):
        super().__init__()
        self.user, self.password = user, password
        self.auth_failures = 0

    def start(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.messages.append(L.Mail(envelope.mail_from, envelope.rcpt_tos,
                                                envelope.content))
                return "250 OK queued"

        def authenticator(server, session, envelope, mechanism, data):
            ok = data.login.decode() == sink.user and data.password.decode() == sink.password
            if not ok:
                sink.auth_failures += 1
            return AuthResult(success=ok)

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticator, auth_required=True,
                                     auth_require_tls=False)
        self.controller.start()
        return self


@L.test
def test_smtp_auth():
    sink = AuthSink("liaison", "s3cret pass")
    pw = os.path.join(L.tmpdir("notify-pw-"), "password")
    with open(pw, "w") as f:
        f.write("wrong\n")
    # aiosmtpd stalls after a refused AUTH: smtp_timeout bounds the attempt.
    with sink, daemon(sink, smtp_user="liaison", smtp_password_file=pw, smtp_timeout="5") as d:
        post(d, statement())
        L.wait_for(lambda: sink.auth_failures >= 1 and all(
            r["state"] == "queued" and r["attempts"] >= 1 for r in outbox(d)), 30 * SLOW,
            "a refused AUTH keeps the mail queued")
        L.eq(sink.snapshot(), [], "nothing delivered without AUTH")
        with open(pw, "w") as f:
            f.write("s3cret pass\n")
        d.restart()              # the password is read at start
        wait_mails(sink, len(ROUTING_TO | ROUTING_CC) + len(ACK_TO), "after AUTH")
        settle(sink, 1)
        L.eq(sorted(rcpts(sink.snapshot())), sorted(ROUTING_TO | ROUTING_CC | ACK_TO), "each once")


@L.test
def test_through_postfix_and_swaks():
    """The whole path: swaks -> a private Postfix -> LMTP -> liaisond -> SMTP sink."""
    with L.SMTPSink() as sink, daemon(sink) as d, \
            L.Postfix(transport="lmtp:inet:127.0.0.1:%d" % d.port) as pf:
        pf.swaks("sender@3gpp.example", "statements@ietf.org", statement())
        mails = L.wait_for(lambda: len(sink.snapshot()) >= len(ROUTING_TO | ROUTING_CC) + len(ACK_TO)
                           and sink.snapshot(), 60 * SLOW, "mails through Postfix")
        settle(sink, 3)
        sid = d.ctl_json("list")[0]["id"]
        check_routing_and_ack(sink.snapshot(), sid)


if __name__ == "__main__":
    L.main()
