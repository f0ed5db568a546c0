"""test_statement_cli.py - what the parse stage stores, as liaisonctl shows it:
show --json keys, attachments byte for byte, list columns and --state,
forwards and auto-replies end to end through LMTP."""
import base64
import email
import email.policy
import os
import quopri
import re

import liaison as L

FINAL = ("posted", "rejected", "ignored", "duplicate")
KEYS = ["state", "title", "purpose", "deadline", "from_groups", "to_groups", "from_contacts",
        "to_contacts", "from_liaison_contact", "to_liaison_contact", "body", "attachments",
        "other_identifiers", "related", "forwarded_by", "problems"]
BINARY = bytes(range(256)) * 64 + b"\r\n\r\n.\r\n\x00end"
TEXT = "Caf\u00e9 = 100% \u2013 line one\nline two with trailing space \n"


def submit(d, data, mail_from="jane@3gpp.org"):
    c = d.lmtp()
    c.lhlo()
    r = c.send(mail_from, ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    return int(re.search(r"stored as (\d+)", r[0][1]).group(1))


def wait_final(d, msg_id):
    return L.wait_for(lambda: (lambda o: o if o["state"] in FINAL else None)(
        d.ctl_json("show", msg_id)), 30 * L.SLOW, "message %d to be parsed" % msg_id,
        interval=0.1)


def statement_with_attachments():
    b64 = base64.encodebytes(BINARY).replace(b"\n", b"\r\n")
    qp = quopri.encodestring(TEXT.encode("utf-8").replace(b"\n", b"\r\n"))
    return (b"From: Jane Doe <jane@3gpp.org>\r\nTo: statements@ietf.org\r\n"
            b"Subject: LS on QUIC testing\r\nMessage-ID: <cli-1@3gpp.org>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
            b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"Title: LS on QUIC testing\r\nFrom: 3GPP SA2\r\nTo: IETF QUIC WG\r\n"
            b"Purpose: For information\r\nFrom-Contact: jane@3gpp.org\r\n\r\nText.\r\n"
            b"--XX\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Disposition: attachment; filename*=UTF-8''..%2F..%2FS2-2401234%20r%C3%A9sum%C3%A9.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 +
            b"--XX\r\nContent-Type: text/plain; charset=utf-8; name=notes.txt\r\n"
            b"Content-Disposition: attachment\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + qp + b"\r\n--XX--\r\n")


@L.test
def show_json_and_attachments_byte_for_byte():
    with L.Daemon() as d:
        msg_id = submit(d, statement_with_attachments())
        o = wait_final(d, msg_id)
        for k in KEYS:
            L.ok(k in o, "show --json has key %r (keys: %s)" % (k, sorted(o)))
        L.eq(o["title"], "LS on QUIC testing", "title")
        L.eq(len(o["attachments"]), 2, "two attachments")
        a1, a2 = o["attachments"]
        for a in (a1, a2):
            for k in ("filename", "content_type", "size", "sha256"):
                L.ok(k in a, "attachment has %r" % k)
        L.ok("/" not in a1["filename"] and ".." not in a1["filename"], "sanitised %r" % a1["filename"])
        L.ok(a1["filename"].endswith("S2-2401234 r\u00e9sum\u00e9.bin"), "RFC 2231 name %r" % a1["filename"])
        L.eq(a1["size"], len(BINARY), "size of the decoded binary")
        out = os.path.join(d.tmp, "a1")
        d.ctl("attachment", msg_id, 1, "-o", out)
        with open(out, "rb") as f:
            L.eq(f.read(), BINARY, "attachment 1 with -o")
        L.eq(d.ctl("attachment", msg_id, 1, input=b"").stdout, BINARY, "attachment 1 to stdout")
        # Attachment 2 as Python's email package decodes it (quoted-printable).
        ref = email.message_from_bytes(statement_with_attachments(), policy=email.policy.default)
        want = [p.get_payload(decode=True) for p in ref.walk() if not p.is_multipart()][2]
        L.ok("\u00e9" in want.decode("utf-8"), "the reference is decoded")
        L.eq(d.ctl("attachment", msg_id, 2, input=b"").stdout, want, "attachment 2 (QP) decoded")
        meta = d.ctl_json("attachment", msg_id, 1)
        L.eq(meta["sha256"], a1["sha256"], "--json gives the details")
        L.eq(d.ctl("attachment", msg_id, 3, check=False).returncode, 65, "no attachment 3")
        L.eq(d.ctl("attachment", 999, 1, check=False).returncode, 65, "no statement 999")
        L.eq(d.ctl("attachment", msg_id, check=False).returncode, 64, "usage")
        # A damaged blob is refused, not handed out.
        blob = os.path.join(d.state_dir, "blobs", a1["sha256"][:2], a1["sha256"])
        with open(blob, "r+b") as f:
            f.write(b"X")
        p = d.ctl("attachment", msg_id, 1, "-o", out + ".bad", check=False)
        L.eq(p.returncode, 74, "damaged blob: exit 74 (%s)" % p.stderr.strip())
        L.ok(not os.path.exists(out + ".bad"), "no output file from a damaged blob")


@L.test
def list_title_problems_and_state_filter():
    with L.Daemon() as d:
        good = submit(d, statement_with_attachments())
        auto = submit(d, b"From: Jane <jane@3gpp.org>\r\nTo: statements@ietf.org\r\n"
                         b"Subject: Automatic reply: LS on QUIC testing\r\n"
                         b"Auto-Submitted: auto-replied\r\n\r\nI am away.\r\n")
        bounce = submit(d, b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered Mail\r\n"
                           b"\r\nIt bounced.\r\n", mail_from="")
        for i in (good, auto, bounce):
            wait_final(d, i)
        rows = {r["id"]: r for r in d.ctl_json("list")}
        L.eq(rows[good]["title"], "LS on QUIC testing", "list --json title")
        L.ok(isinstance(rows[good]["problems"], int), "list --json problem count")
        L.eq(rows[auto]["state"], "ignored", "an auto-reply is ignored")
        L.eq(rows[bounce]["state"], "ignored", "a null-sender bounce is ignored")
        ignored = [r["id"] for r in d.ctl_json("list", "--state", "ignored")]
        L.eq(sorted(ignored), sorted([auto, bounce]), "list --state ignored")
        human = d.ctl("list").stdout
        L.ok("LS on QUIC testing" in human, "the human list shows titles:\n" + human)


@L.test
def forwards_end_to_end():
    with L.Daemon() as d:
        attached = submit(d, (
            b"From: WG Chair <chair@ietf.org>\r\nTo: statements@ietf.org\r\nSubject: Fwd: LS on X\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=O\r\n\r\n"
            b"--O\r\nContent-Type: text/plain\r\n\r\nPlease post.\r\n"
            b"--O\r\nContent-Type: message/rfc822\r\n\r\n"
            b"From: Bob <bob@itu.int>\r\nSubject: LS on X\r\nMessage-ID: <orig-x@itu.int>\r\n\r\n"
            b"Title: LS on X\r\nFrom: ITU-T SG15\r\nTo: IETF QUIC WG\r\n\r\nOriginal text.\r\n"
            b"--O--\r\n"), mail_from="chair@ietf.org")
        inline = submit(d, (
            b"From: WG Chair <chair@ietf.org>\r\nTo: statements@ietf.org\r\nSubject: Fwd: LS on Y\r\n\r\n"
            b"FYI\r\n\r\n---------- Forwarded message ---------\r\nFrom: Ann <ann@ieee.org>\r\n"
            b"Date: Mon, Sep 2, 2024 at 10:00 AM\r\nSubject: LS on Y\r\nTo: <chair@ietf.org>\r\n\r\n"
            b"Title: LS on Y\r\nFrom: IEEE 802.1\r\nTo: IETF QUIC WG\r\n\r\nOriginal Y.\r\n"),
            mail_from="chair@ietf.org")
        a = wait_final(d, attached)
        L.eq(a["forwarded_by"], "chair@ietf.org", "attached forward: forwarded_by")
        L.ok("Original text." in a["body"], "the original's body: %r" % a["body"])
        L.ok("Please post" not in a["body"], "not the cover note")
        L.eq(a["attachments"], [], "the original had no attachments")
        i = wait_final(d, inline)
        L.eq(i["forwarded_by"], "chair@ietf.org", "inline forward: forwarded_by")
        # the original's body, after its labelled fields (issue 18: fields stay fields)
        L.ok(i["body"] == "Original Y.", "the original's body: %r" % i["body"])


L.main()
