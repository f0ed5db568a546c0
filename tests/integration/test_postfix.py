"""End to end with a real (private) Postfix in front of liaisond (issue 2):
statements@ routed over LMTP by transport_maps, over TCP and over the unix
socket; liaisond down -> Postfix defers; back up -> delivered exactly once."""
import re

import liaison as L

RCPT = "statements@ietf.org"


def find(d, message_id):
    """The records whose Message-ID is MESSAGE_ID (without <>)."""
    return [r for r in d.ctl_json("list") if r["message_id"] == message_id]


def sent_line(queue_id):
    return r"%s: to=<%s>.*status=sent" % (queue_id, re.escape(RCPT))


def inject(p, subject):
    """swaks one statement into Postfix; returns (message bytes, Message-ID, queue id)."""
    msg = L.make_message(subject=subject, body="End to end: %s\r\n.\r\n..dots\r\n" % subject)
    mid = re.search(rb"Message-ID: <([^>]+)>", msg).group(1).decode()
    before = p.log()
    p.swaks("sender@example.org", RCPT, msg)
    # the queue id from the cleanup line that names our Message-ID
    m = L.wait_for(lambda: re.search(r"(\w+): message-id=<%s>" % re.escape(mid), p.log()), 30,
                   "postfix to queue %s" % mid)
    return msg, mid, m.group(1)


def check_stored(d, mid, msg):
    rows = find(d, mid)
    L.eq(len(rows), 1, "recorded once: %r" % rows)
    raw = d.ctl("raw", rows[0]["id"], input=b"").stdout
    # Postfix adds trace headers on top (and swaks a blank line at the end);
    # the original is there unchanged, dot lines included.
    L.ok(raw.startswith(b"Received: ") and msg in raw, "the original bytes are stored: %r" % raw[-200:])
    L.ok(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF line endings only")
    show = d.ctl_json("show", rows[0]["id"])
    L.eq(show["recipients"], [RCPT], "recipient")
    L.eq(show["envelope_from"], "sender@example.org", "envelope sender")
    return rows[0]


@L.test
def postfix_delivers_over_tcp():
    with L.Daemon() as d:
        with L.Postfix(transport="lmtp:inet:127.0.0.1:%d" % d.port) as p:
            msg, mid, qid = inject(p, "postfix over tcp")
            p.wait_log(sent_line(qid), 60)
            row = check_stored(d, mid, msg)
            L.ok(row["id"] > 0, "an id")
            L.ok("127.0.0.1:" in d.ctl_json("show", row["id"])["client"], "client is the TCP peer")


@L.test
def postfix_delivers_over_unix_socket():
    # Postfix's lmtp client runs as user postfix: give it the socket by group.
    with L.Daemon(conf={"liaisond": {"socket_group": "postfix", "socket_mode": "0660"}}) as d:
        with L.Postfix(transport="lmtp:unix:%s" % d.sock) as p:
            msg, mid, qid = inject(p, "postfix over unix")
            p.wait_log(sent_line(qid), 60)
            row = check_stored(d, mid, msg)
            L.eq(d.ctl_json("show", row["id"])["client"], "unix", "client")


@L.test
def liaisond_down_postfix_defers_then_delivers_once():
    with L.Daemon() as d:
        with L.Postfix(transport="lmtp:inet:127.0.0.1:%d" % d.port) as p:
            L.eq(d.stop(), 0, "liaisond stops cleanly")
            msg, mid, qid = inject(p, "while liaisond is down")
            p.wait_log(r"%s: to=<%s>.*status=deferred" % (qid, re.escape(RCPT)), 60)
            L.ok(not re.search(sent_line(qid), p.log()), "not sent while down")
            d.start()
            L.eq(find(d, mid), [], "nothing recorded while down")
            p.flush()
            p.wait_log(sent_line(qid), 60)
            check_stored(d, mid, msg)
            # A second flush must not bring it again.
            p.flush()
            L.wait_for(lambda: p.queue_count() == 0, 30, "an empty Postfix queue")
            L.eq(len(find(d, mid)), 1, "still recorded once")


L.main()
