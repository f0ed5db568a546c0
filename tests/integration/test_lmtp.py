"""The LMTP server against a client that reads every reply (issue 2): replies,
limits, pipelining, several transactions, dot-stuffing, dedupe, concurrency,
drain on SIGTERM."""
import os
import re
import socket
import stat
import subprocess
import threading
import time

import liaison as L

RCPT = "statements@ietf.org"


def msg_id(text):
    m = re.search(r"stored as (\d+)", text)
    L.ok(m, "an id in %r" % text)
    return int(m.group(1))


def closed(c, timeout=10):
    """True when the server has closed C (EOF) within TIMEOUT."""
    c.s.settimeout(timeout * L.SLOW)
    try:
        while True:
            data = c.s.recv(4096)
            if not data:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


@L.test
def greeting_and_lhlo_capabilities():
    with L.Daemon(conf={"liaisond": {"max_message_size": "123456"}}) as d:
        c = d.lmtp()
        L.eq(c.greeting[0], 220, "greeting")
        caps = c.lhlo().split("\n")[1:]
        for cap in ("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE 123456", "SMTPUTF8"):
            L.ok(cap in caps, "LHLO advertises %s: %r" % (cap, caps))
        for verb in ("HELO x", "EHLO x"):
            code, text = c.cmd(verb)
            L.eq((code, text[:5]), (500, "5.5.1"), verb)
        L.eq(c.cmd("VRFY someone")[0], 252, "VRFY")
        L.eq(c.cmd("NOOP")[0], 250, "NOOP")
        L.eq(c.cmd("QUIT")[0], 221, "QUIT")
        L.ok(closed(c), "closed after QUIT")


@L.test
def per_recipient_replies_with_mixed_rcpts():
    with L.Daemon() as d:
        c = d.lmtp()
        c.lhlo()
        L.eq(c.cmd("MAIL FROM:<sender@example.org>")[0], 250, "MAIL")
        r1 = c.cmd("RCPT TO:<%s>" % RCPT)
        r2 = c.cmd("RCPT TO:<nobody@ietf.org>")
        r3 = c.cmd("RCPT TO:<Statements@IETF.ORG>")
        r4 = c.cmd("RCPT TO:<other@example.org>")
        L.eq([r1[0], r2[0], r3[0], r4[0]], [250, 550, 250, 550], "RCPT replies")
        L.ok(r1[1].startswith("2.1.5") and r2[1].startswith("5.1.1"), "enhanced codes %r %r" % (r1, r2))
        replies = c.data(L.make_message(subject="mixed"), 2)
        L.eq([code for code, _ in replies], [250, 250], "one reply per accepted RCPT")
        L.ok(all(t.startswith("2.0.0") for _, t in replies), "2.0.0: %r" % replies)
        ids = {msg_id(t) for _, t in replies}
        L.eq(len(ids), 1, "both replies name the same message")
        L.ok("<%s>" % RCPT in replies[0][1] and "<Statements@IETF.ORG>" in replies[1][1],
             "replies in RCPT order: %r" % replies)
        show = d.ctl_json("show", ids.pop())
        L.eq(show["recipients"], [RCPT, "Statements@IETF.ORG"], "accepted recipients recorded in order")
        L.eq(show["envelope_from"], "sender@example.org", "envelope sender")
        L.eq(show["state"] in ("received", "posted", "rejected", "ignored", "dead"), True, "state")
        for key in ("id", "received_at", "envelope_from", "message_id", "size", "recipients", "sha256"):
            L.ok(key in show, "show --json has %s" % key)
        L.ok(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", show["received_at"]), "ISO 8601 UTC")


@L.test
def pipelined_commands_answered_in_order():
    with L.Daemon() as d:
        c = d.lmtp()
        body = L.make_message(subject="pipelined")
        c.send_raw(b"LHLO p.example\r\nMAIL FROM:<a@example.org> SIZE=%d BODY=8BITMIME\r\n"
                   b"RCPT TO:<bad@example.org>\r\nRCPT TO:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n"
                   % (len(body), RCPT.encode(), RCPT.encode()))
        got = [code for code, _ in c.replies(6)]
        L.eq(got, [250, 250, 550, 250, 250, 354], "pipelined replies")
        # the message, then a second transaction and QUIT in one write
        second = L.make_message(subject="pipelined 2")
        c.send_raw(c.dot_stuff(body) + b"RSET\r\nMAIL FROM:<>\r\nRCPT TO:<%s>\r\nDATA\r\n" % RCPT.encode())
        got = [code for code, _ in c.replies(6)]
        L.eq(got, [250, 250, 250, 250, 250, 354], "second group")
        c.send_raw(c.dot_stuff(second) + b"NOOP\r\nQUIT\r\n")
        got = [code for code, _ in c.replies(3)]
        L.eq(got, [250, 250, 221], "third group")
        rows = d.ctl_json("list")
        L.eq(len(rows), 2, "two messages")
        L.eq(rows[1]["envelope_from"], "", "null sender stored as ''")


@L.test
def rset_and_several_transactions_per_connection():
    with L.Daemon() as d:
        c = d.lmtp()
        c.lhlo()
        ids = []
        for i in range(3):
            r = c.send("s%d@example.org" % i, [RCPT], L.make_message(subject="tx %d" % i))
            L.eq(r[0][0], 250, "transaction %d" % i)
            ids.append(msg_id(r[0][1]))
        L.eq(c.cmd("MAIL FROM:<dropped@example.org>")[0], 250, "MAIL")
        L.eq(c.cmd("RCPT TO:<%s>" % RCPT)[0], 250, "RCPT")
        L.eq(c.cmd("RSET")[0], 250, "RSET")
        L.eq(c.cmd("DATA")[0], 503, "DATA after RSET")
        r = c.send("s3@example.org", [RCPT], L.make_message(subject="tx 3"))
        L.eq(r[0][0], 250, "after RSET")
        ids.append(msg_id(r[0][1]))
        L.eq(len(set(ids)), 4, "four different messages")
        rows = d.ctl_json("list")
        L.eq([row["envelope_from"] for row in rows],
             ["s0@example.org", "s1@example.org", "s2@example.org", "s3@example.org"], "senders")


@L.test
def sequence_syntax_and_size_errors():
    with L.Daemon(conf={"liaisond": {"max_message_size": "20000", "max_bad_commands": "100"}}) as d:
        c = d.lmtp()
        expect = [
            ("MAIL FROM:<a@example.org>", 503, "5.5.1"),   # before LHLO
            ("LHLO x", 250, None),
            ("RCPT TO:<%s>" % RCPT, 503, "5.5.1"),          # before MAIL
            ("DATA", 503, "5.5.1"),
            ("FOO bar", 500, "5.5.2"),
            ("MAIL FROM:a@example.org", 501, "5.5.4"),
            ("MAIL FROM:<a@example.org> SIZE=20001", 552, "5.3.4"),
            ("MAIL FROM:<a@example.org> FOO=1", 555, "5.5.4"),
            ("MAIL FROM:<a@example.org> SIZE=100", 250, "2.1.0"),
            ("MAIL FROM:<b@example.org>", 503, "5.5.1"),   # nested
            ("RCPT TO:<nobody@example.org>", 550, "5.1.1"),
            ("DATA", 503, "5.5.1"),                        # no accepted recipient
            ("RCPT TO:<bad address>", 501, "5.5.4"),
            ("RCPT TO:<>", 501, "5.5.4"),
            ("RSET x", 501, "5.5.4"),
            ("X" * 1200, 500, "5.5.2"),                    # line too long
            ("NOOP", 250, "2.0.0"),                        # still in step
        ]
        for line, code, enh in expect:
            got = c.cmd(line)
            L.eq(got[0], code, "reply to %r (%r)" % (line[:40], got))
            if enh:
                L.ok(got[1].startswith(enh), "%r: enhanced code %s in %r" % (line[:40], enh, got))
        # A message that grows past the limit during DATA: read to the end,
        # then 552 5.3.4 once per recipient, and the session goes on.
        c.cmd("RSET")
        c.cmd("MAIL FROM:<a@example.org>")
        c.cmd("RCPT TO:<%s>" % RCPT)
        c.cmd("RCPT TO:<%s>" % RCPT.upper())
        big = L.make_message(subject="big", body="x" * 70 + "\r\n") * 1
        big = big + (b"y" * 998 + b"\r\n") * 30
        replies = c.data(big, 2)
        L.eq([(code, t[:5]) for code, t in replies], [(552, "5.3.4")] * 2, "552 per recipient")
        L.eq(c.cmd("NOOP")[0], 250, "in step after 552")
        L.eq(d.ctl_json("list"), [], "nothing stored")
        L.ok(os.listdir(os.path.join(d.state_dir, "tmp")) == [], "no spool left behind")


@L.test
def too_many_recipients_452():
    with L.Daemon(conf={"liaisond": {"max_recipients": "3"}}) as d:
        c = d.lmtp()
        c.lhlo()
        c.cmd("MAIL FROM:<a@example.org>")
        codes = [c.cmd("RCPT TO:<%s>" % RCPT)[0] for _ in range(5)]
        L.eq(codes, [250, 250, 250, 452, 452], "RCPT replies")
        L.ok(c.cmd("RCPT TO:<%s>" % RCPT)[1].startswith("4.5.3"), "4.5.3")
        replies = c.data(L.make_message(subject="three"), 3)
        L.eq([code for code, _ in replies], [250] * 3, "three accepted, three replies")


@L.test
def bad_commands_limit_gives_421():
    with L.Daemon(conf={"liaisond": {"max_bad_commands": "3"}}) as d:
        c = d.lmtp()
        c.lhlo()
        L.eq(c.cmd("BAD 1")[0], 500, "first")
        L.eq(c.cmd("BAD 2")[0], 500, "second")
        L.eq(c.cmd("BAD 3")[0], 500, "third")
        code, text = c.reply()
        L.eq(code, 421, "then 421")
        L.ok(closed(c), "connection closed after 421")


@L.test
def idle_timeout_421_and_close():
    with L.Daemon(conf={"liaisond": {"idle_timeout": "1"}}) as d:
        c = d.lmtp()
        c.lhlo()
        c.s.settimeout(10 * L.SLOW)
        code, text = c.reply()
        L.eq((code, text[:5]), (421, "4.4.2"), "idle timeout reply")
        L.ok(closed(c), "closed after the idle timeout")
        # an idle client in the middle of DATA is cut off the same way
        c = d.lmtp()
        c.lhlo()
        c.cmd("MAIL FROM:<a@example.org>")
        c.cmd("RCPT TO:<%s>" % RCPT)
        L.eq(c.cmd("DATA")[0], 354, "DATA")
        c.send_raw(b"Subject: half\r\n")
        L.eq(c.reply()[0], 421, "timeout during DATA")
        L.eq(d.ctl_json("list"), [], "nothing stored from a cut-off DATA")


@L.test
def connection_limit_421():
    with L.Daemon(conf={"liaisond": {"max_connections": "20"}}) as d:
        # The harness's readiness probe may hold a slot for a moment after it
        # hung up: fill the 20 slots with a bounded retry, then test the 21st.
        conns = []

        def fill():
            while len(conns) < 20:
                c = d.lmtp()
                if c.greeting[0] != 220:
                    c.close()
                    return False
                conns.append(c)
            return True
        L.wait_for(fill, 10, "20 greetings")
        over = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        data = b""
        while True:
            chunk = over.recv(4096)
            if not chunk:
                break
            data += chunk
        over.close()
        L.ok(data.startswith(b"421 4.3.2"), "the 21st gets 421 4.3.2: %r" % data)
        # The log line names the client and, quoted separately, the reason.
        refused = L.wait_for(lambda: [ln for ln in d.log().splitlines() if "event=lmtp_refused" in ln],
                             10, "the lmtp_refused log line")
        L.ok(re.search(r'client="[^"]*" reason="too many connections, try again later"', refused[0]),
             "the refusal is logged with its reason: %r" % refused[0])
        conns[0].cmd("QUIT")
        conns[0].close()

        def new_one_works():
            try:
                c = d.lmtp()
            except (OSError, ConnectionError):
                return False
            if c.greeting[0] != 220:
                c.close()
                return False
            return c
        c = L.wait_for(new_one_works, 10, "a free slot after one QUIT")
        c.lhlo()
        r = c.send("a@example.org", [RCPT], L.make_message(subject="after limit"))
        L.eq(r[0][0], 250, "delivery on the freed slot")
        for x in conns[1:]:
            x.close()


STUFFING_BODY = (b"First line\r\n.\r\n..\r\n...\r\n.leading dot\r\n"
                 b" . not at start\r\n\r\n.\r\n8-bit: \xc3\xa9t\xc3\xa9 \xe2\x82\xac\r\n"
                 + b"L" * 5000 + b"\r\n" + b"\tTab\r\n" + b"last line without dot\r\n")


def stuffing_message(subject):
    return L.make_message(subject=subject) + STUFFING_BODY


@L.test
def dot_stuffing_round_trip_is_byte_identical():
    with L.Daemon() as d:
        for unix in (False, True):
            original = stuffing_message("dots over %s" % ("unix" if unix else "tcp"))
            c = d.lmtp(unix=unix)
            c.lhlo()
            c.cmd("MAIL FROM:<a@example.org> BODY=8BITMIME")
            c.cmd("RCPT TO:<%s>" % RCPT)
            r = c.data(original, 1)
            L.eq(r[0][0], 250, "stored")
            i = msg_id(r[0][1])
            raw = d.ctl("raw", i, input=b"").stdout
            L.eq(raw, original, "raw is byte-identical (unix=%s)" % unix)
            show = d.ctl_json("show", i)
            L.eq(show["size"], len(original), "size")
            import hashlib
            L.eq(show["sha256"], hashlib.sha256(original).hexdigest(), "sha256")
            if unix:
                L.eq(show["client"], "unix", "client")
            else:
                L.ok(show["client"].startswith("127.0.0.1:"), "client address %r" % show["client"])


@L.test
def bare_lf_and_bare_cr_rejected_per_recipient():
    with L.Daemon() as d:
        c = d.lmtp()
        c.lhlo()
        for n, payload in enumerate([
                b"Subject: smuggle\r\n\r\nhello\n.\nMAIL FROM:<evil@example.org>\r\n.\r\n",
                b"Subject: bare cr\r\n\r\nhello\r.\r\n.\r\n",
                b"Subject: bare lf\nX: y\n\nbody\n\r\n.\r\n"]):
            c.cmd("MAIL FROM:<a@example.org>")
            c.cmd("RCPT TO:<%s>" % RCPT)
            c.cmd("RCPT TO:<%s>" % RCPT)
            L.eq(c.cmd("DATA")[0], 354, "DATA")
            c.send_raw(payload)
            replies = c.replies(2)
            L.eq([(code, t[:5]) for code, t in replies], [(550, "5.6.0")] * 2, "case %d: %r" % (n, replies))
        L.eq(c.cmd("NOOP")[0], 250, "in step: the smuggled MAIL was data")
        L.eq(d.ctl_json("list"), [], "nothing stored")


@L.test
def redelivery_is_recorded_once():
    with L.Daemon() as d:
        msg = L.make_message(subject="redelivered", body="the same body\r\n")
        first = d.submit(msg)
        # Postfix adds trace headers on the second attempt: still the same message
        again = b"Received: from relay.example by postfix-test.example; Sun, 22 Nov 2026\r\n" + msg
        c = d.lmtp()
        c.lhlo()
        c.cmd("MAIL FROM:<sender@example.org>")
        c.cmd("RCPT TO:<%s>" % RCPT)
        c.cmd("RCPT TO:<%s>" % RCPT)
        r = c.data(again, 2)
        L.eq([code for code, _ in r], [250, 250], "250 for the redelivery")
        L.eq({msg_id(t) for _, t in r}, {first}, "the earlier id")
        # no Message-ID: only identical bytes match
        plain = b"Subject: no id\r\n\r\nsame\r\n"
        a = d.submit(plain)
        b = d.submit(plain)
        L.eq(a, b, "same bytes without Message-ID")
        other = d.submit(b"Subject: no id\r\n\r\ndifferent\r\n")
        L.ok(other != a, "different bytes, new message")
        # same Message-ID, different body: a different message
        changed = d.submit(L.make_message(subject="redelivered", body="another body\r\n",
                                          message_id=re.search(rb"Message-ID: (\S+)", msg).group(1).decode()))
        L.ok(changed != first, "same Message-ID with another body is new")
        L.eq(len(d.ctl_json("list")), 4, "four records")
        # liaisonctl submit goes through the same commit and dedupe
        path = os.path.join(d.tmp, "m.eml")
        with open(path, "wb") as f:
            f.write(msg)
        p = d.ctl("submit", path)
        L.eq(int(p.stdout.strip()), first, "submit of a recorded message prints its id")
        L.eq(len(d.ctl_json("list")), 4, "still four records")


@L.test
def ten_parallel_clients():
    with L.Daemon() as d:
        sent = {}
        errors = []
        lock = threading.Lock()

        def client(k):
            try:
                c = d.lmtp(unix=(k % 2 == 1))
                c.lhlo()
                for n in range(10):
                    m = L.make_message(subject="parallel %d/%d" % (k, n), body="client %d msg %d\r\n" % (k, n))
                    r = c.send("c%d@example.org" % k, [RCPT], m)
                    if r[0][0] != 250:
                        raise L.CheckFailed("client %d: %r" % (k, r))
                    with lock:
                        sent[msg_id(r[0][1])] = m
                c.cmd("QUIT")
                c.close()
            except Exception as e:
                errors.append(e)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120 * L.SLOW)
        L.eq(errors, [], "client errors")
        L.eq(len(sent), 100, "100 distinct ids")
        rows = d.ctl_json("list")
        L.eq(sorted(r["id"] for r in rows), sorted(sent), "every message listed once")
        for i in list(sent)[::7]:
            L.eq(d.ctl("raw", i, input=b"").stdout, sent[i], "message %d intact" % i)


@L.test
def sigterm_lets_transactions_finish():
    with L.Daemon(conf={"liaisond": {"drain_timeout": "20"}}) as d:
        idle = d.lmtp()
        idle.lhlo()
        busy = d.lmtp()
        busy.lhlo()
        busy.cmd("MAIL FROM:<a@example.org>")
        busy.cmd("RCPT TO:<%s>" % RCPT)
        L.eq(busy.cmd("DATA")[0], 354, "DATA")
        m = L.make_message(subject="in flight")
        busy.send_raw(m[:40])
        proc = d.proc
        d.signal(15)
        code, text = idle.reply()
        L.eq((code, text[:5]), (421, "4.3.2"), "an idle session is told to go")
        L.wait_for(lambda: not L.listening(d.port), 10, "the listener to close")
        busy.send_raw(busy.dot_stuff(m)[40:])
        r = busy.reply()
        L.eq(r[0], 250, "the transaction in progress is completed")
        L.eq(busy.reply()[0], 421, "then 421")
        L.eq(proc.wait(30 * L.SLOW), 0, "exit status 0")
        d.proc = None
        d.start()
        L.eq(d.ctl("raw", msg_id(r[1]), input=b"").stdout, m, "stored")


@L.test
def sigterm_drain_timeout_bounds_a_stuck_transaction():
    # inline_max 0: the half-received message is a spool file in tmp/, which
    # shows the session is in DATA and must be gone after the next start
    with L.Daemon(conf={"liaisond": {"drain_timeout": "1", "inline_max": "0"}}) as d:
        stuck = d.lmtp()
        stuck.lhlo()
        stuck.cmd("MAIL FROM:<a@example.org>")
        stuck.cmd("RCPT TO:<%s>" % RCPT)
        L.eq(stuck.cmd("DATA")[0], 354, "DATA")
        stuck.send_raw(b"Subject: never finished\r\n\r\nhalf")
        L.wait_for(lambda: os.listdir(os.path.join(d.state_dir, "tmp")), 10, "a spool file")
        proc = d.proc
        d.signal(15)
        L.eq(proc.wait(30 * L.SLOW), 0, "exit status 0 after drain_timeout")
        d.proc = None
        L.ok("event=drain_timeout sessions=1" in d.log(), "the cut session is logged")
        L.ok(closed(stuck), "the stuck client is disconnected")
        d.start()
        L.eq(d.ctl_json("list"), [], "nothing stored")
        L.eq(os.listdir(os.path.join(d.state_dir, "tmp")), [], "the spool is removed at the next start")


@L.test
def unix_socket_mode_and_bad_config():
    with L.Daemon(conf={"liaisond": {"socket_mode": "0600"}}) as d:
        mode = stat.S_IMODE(os.stat(d.sock).st_mode)
        L.eq(oct(mode), oct(0o600), "socket_mode applied")
        c = d.lmtp(unix=True)
        L.eq(c.greeting[0], 220, "greeting over the unix socket")
        d.stop()
        L.ok(not os.path.exists(d.sock), "socket file removed at exit")
    d = L.Daemon(conf={"liaisond": {"max_conections": "5"}})
    p = subprocess.run([L.LIAISOND, "--config", d.conf_path], capture_output=True, text=True, timeout=30)
    L.eq(p.returncode, 78, "unknown key refused")
    L.ok("max_conections" in p.stderr and d.conf_path in p.stderr, "names file and key: %r" % p.stderr)
    p = subprocess.run([L.LIAISOND, "--config", d.conf_path, "--check-config"], capture_output=True,
                       text=True, timeout=30)
    L.eq(p.returncode, 78, "--check-config says so too")
    d.close()


@L.test
def liaisonctl_errors_and_exit_codes():
    with L.Daemon() as d:
        p = d.ctl("show", "999", check=False)
        L.eq(p.returncode, 65, "unknown id")
        L.ok("no statement 999" in p.stderr, p.stderr)
        L.eq(d.ctl("raw", "999", check=False).returncode, 65, "raw unknown id")
        L.eq(d.ctl("show", "x", check=False).returncode, 64, "usage")
        L.eq(d.ctl("submit", os.path.join(d.tmp, "missing.eml"), check=False).returncode, 66, "no input")
        path = os.path.join(d.tmp, "in.eml")
        with open(path, "wb") as f:
            f.write(b"Subject: imported\nMessage-ID: <imp@x>\n\nLF only\n")
        i = int(d.ctl("submit", path, "--from", "sec@ietf.org").stdout.strip())
        show = d.ctl_json("show", i)
        L.eq((show["envelope_from"], show["client"], show["message_id"]),
             ("sec@ietf.org", "liaisonctl", "imp@x"), "submit record")
        L.eq(d.ctl("raw", i, input=b"").stdout, open(path, "rb").read(), "submitted bytes kept as they are")
        text = d.ctl("list").stdout
        L.ok(re.search(r"^ *%d\s" % i, text, re.M), "list shows it: %r" % text)


L.main()
