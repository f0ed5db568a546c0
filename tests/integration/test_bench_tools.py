"""test_bench_tools.py - the pieces `make bench` measures with, checked for what they claim.

mkpdf.py writes the same valid 60-page text PDF every time, with the 3GPP
cover on page 1 and the title's "part 000000" once in it; lmtp_load --kind doc
sends it with the digits set to each message's number, and the PDF that
arrives still opens (xref intact) with that title; floor.c stores every
message it acknowledges, as one record each in its spool, and reports its
CPU when stopped; lmtp_load --check finds every message it sends from its
templates equal to the same message built whole, wherever the PDF's digits
fall in the base64 lines; liaisond reads such a mail into a posted statement from the
PDF's cover sheet (Title, From SA3, To QUIC, For Action by its ACTION line).
No timing is asserted: speed is for `make bench`.
"""

import email
import email.policy
import os
import signal
import subprocess

import gi

gi.require_version("Poppler", "0.18")
from gi.repository import GLib, Poppler  # noqa: E402

import liaison as L  # noqa: E402

MKPDF = os.path.join(L.TOP, "tests", "bench", "mkpdf.py")
LOAD = os.path.join(L.BUILD, "bench", "lmtp_load")
FLOOR = os.path.join(L.BUILD, "bench", "floor")
TITLE = "LS on security of multipath QUIC for ATSSS steering, part %06d"


def mkpdf(out, *args):
    subprocess.run(["/usr/bin/python3", MKPDF, out, *args], check=True, timeout=120)
    with open(out, "rb") as f:
        return f.read()


def pdf_pages(data):
    """The text of each page, as poppler (liaisond's reader) sees it."""
    doc = Poppler.Document.new_from_bytes(GLib.Bytes.new(data), None)
    return [doc.get_page(i).get_text() for i in range(doc.get_n_pages())]


def check_xref(data):
    """Every in-use xref entry points at its object (poppler would repair a
    broken table silently, so opening the file does not prove it)."""
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    L.ok(data[start:start + 4] == b"xref", "startxref points at the table")
    lines = data[start:].split(b"\n")
    first, count = map(int, lines[1].split())
    for num in range(first, first + count):
        off, _gen, kind = lines[2 + num - first].split()
        if kind == b"n":
            o = int(off)
            L.ok(data[o:].startswith(b"%d 0 obj" % num), "object %d at %d" % (num, o))


def load(port, n, doc, clients=2):
    p = subprocess.run([LOAD, "--port", str(port), "--clients", str(clients), "--messages", str(n),
                        "--kind", "doc", "--doc", doc, "--run", "t"],
                       capture_output=True, text=True, timeout=120 * L.SLOW)
    L.eq(p.returncode, 0, "lmtp_load: %s %s" % (p.stdout, p.stderr))
    res = dict(kv.split("=", 1) for kv in p.stdout.split())
    L.eq(res["acked"], str(n), "acked")
    L.eq(res["errors"], "0", "errors")


@L.test
def test_mkpdf_writes_a_deterministic_60_page_statement():
    d = L.tmpdir()
    a = mkpdf(os.path.join(d, "a.pdf"))
    b = mkpdf(os.path.join(d, "b.pdf"))
    L.ok(a == b, "two runs give the same bytes")
    L.ok(a.startswith(b"%PDF-1.4"), "a PDF 1.4 header")
    L.eq(a.count(b"part 000000"), 1, "one placeholder")
    # base64 of it (76-char lines, CRLF) is the bulk of a ~1.2 MB mail
    L.ok(1.05e6 < len(a) * 78 / 57 < 1.3e6, "size %d" % len(a))
    check_xref(a)
    pages = pdf_pages(a)
    L.eq(len(pages), 60, "pages")
    cover = pages[0]
    for want in ("3GPP TSG SA WG3 Meeting #124", "Title: " + TITLE % 0, "Source: SA3",
                 "To: IETF QUIC WG", "Contact Person:", "Send any reply LS to:",
                 "1. Overall Description:", "2. Actions:", "ACTION: SA3 kindly asks IETF QUIC WG",
                 "3. Date of Next TSG SA WG3 Meetings:"):
        L.ok(want in cover, "cover has %r:\n%s" % (want, cover[:600]))
    for i, t in enumerate(pages[1:], 2):
        L.ok(len(t) > 4000 and "QUIC" in t, "page %d is dense text (%d chars)" % (i, len(t)))


@L.test
def test_lmtp_load_doc_through_floor():
    d = L.tmpdir()
    doc = os.path.join(d, "doc.pdf")
    original = mkpdf(doc)
    spool = os.path.join(d, "spool")
    port = L.free_port()
    proc = subprocess.Popen([FLOOR, "--port", str(port), "--spool", spool],
                            stdout=subprocess.PIPE, text=True)
    try:
        L.wait_for(lambda: L.listening(port), 20, "floor to listen")
        load(port, 4, doc)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    L.eq(proc.returncode, 0, "floor's exit")
    L.ok(float(out.split("=", 1)[1]) > 0, "floor reports its CPU: %r" % out)
    # The spool: "<length>\n<bytes>" records, one per acknowledged message.
    with open(spool, "rb") as f:
        data = f.read()
    records, off = [], 0
    while off < len(data):
        nl = data.index(b"\n", off)
        n = int(data[off:nl])
        records.append(data[nl + 1:nl + 1 + n])
        off = nl + 1 + n
    L.eq(len(records), 4, "records")
    seen = set()
    for rec in records:
        L.ok(rec.endswith(b"\r\n"), "the final dot is not stored, the CRLF before it is")
        msg = email.message_from_bytes(rec, policy=email.policy.default)
        num = int(msg["Subject"].rsplit(" ", 1)[1])
        L.ok(msg["Subject"].startswith("[LS] "), msg["Subject"])
        parts = list(msg.iter_attachments())
        L.eq(len(parts), 1, "one attachment")
        L.eq(parts[0].get_content_type(), "application/pdf")
        L.eq(parts[0].get_filename(), "S3-24%04d.pdf" % num)
        b64 = rec.split(b"base64\r\n\r\n", 1)[1].split(b"\r\n--bench-boundary--", 1)[0].split(b"\r\n")
        L.ok(len(b64) > 10000 and all(len(x) == 76 for x in b64[:-1]) and 0 < len(b64[-1]) <= 76,
             "base64 lines of 76")
        pdf = parts[0].get_content()
        L.eq(len(pdf), len(original), "same length as the original")
        check_xref(pdf)
        pages = pdf_pages(pdf)
        L.eq(len(pages), 60, "the patched PDF opens whole")
        L.ok(("Title: " + TITLE % num) in pages[0], "its own title on the cover")
        seen.add(num)
    L.eq(seen, {0, 1, 2, 3}, "each message its own number")
    ids = {email.message_from_bytes(rec)["Message-ID"] for rec in records}
    L.eq(len(ids), 4, "each message its own Message-ID: %r" % ids)
    L.eq(len({len(rec) for rec in records}), 1, "fixed-width numbers: all of one length")


def check(*args):
    p = subprocess.run([LOAD, "--check", *args], capture_output=True, text=True, timeout=120 * L.SLOW)
    L.eq(p.returncode, 0, "lmtp_load --check %s: %s %s" % (" ".join(args), p.stdout, p.stderr))
    res = dict(kv.split("=", 1) for kv in p.stdout.split())
    L.ok(int(res["checked"]) >= 20 and res["mismatches"] == "0", p.stdout)


@L.test
def test_lmtp_load_templates_give_the_whole_builds():
    """Messages are sent as a template with each message's numbers (and, for
    doc, the base64 of the PDF's digits) written over: the same bytes as
    building each message whole. Synthetic documents put the six digits at
    every offset within a 57-byte (76-character) base64 line and at the very
    end of the file (a padded last group), so that the re-encoded characters
    also straddle a CRLF."""
    d = L.tmpdir()
    check("--kind", "text", "--messages", "1000000")
    check("--kind", "pdf", "--size", str(1024 * 1024), "--messages", "1000000")
    doc = os.path.join(d, "doc.pdf")
    mkpdf(doc)
    check("--kind", "doc", "--doc", doc, "--messages", "1000000")
    syn = os.path.join(d, "syn.pdf")
    for k in range(60):
        for tail in (0, 1, 2, 100):
            with open(syn, "wb") as f:
                f.write(b"y" * k + b"part 000000" + b"z" * tail)
            check("--kind", "doc", "--doc", syn, "--messages", "1000000")
    p = subprocess.run([LOAD, "--check", "--messages", "1000001"], capture_output=True, text=True,
                       timeout=60)
    L.eq(p.returncode, 64, "more messages than six digits can number: %s" % p.stderr)


@L.test
def test_liaisond_reads_the_doc_statement_from_its_cover():
    d0 = L.tmpdir()
    doc = os.path.join(d0, "doc.pdf")
    mkpdf(doc)
    with L.Daemon() as d:
        load(d.port, 3, doc)
        rows = d.ctl_json("list")
        L.eq(len(rows), 3, "statements")
        titles = set()
        for r in rows:
            st = d.wait_state(r["id"], timeout=60)
            L.eq(st["state"], "posted", "state (problems %r)" % (st.get("problems"),))
            titles.add(st["title"])
            L.eq(st["from_groups"], ["3gpp-sa3"], "From")
            L.eq(st["to_groups"], ["quic"], "To")
            L.eq(st["purpose"], "for_action", "Purpose from the ACTION line")
            L.eq(st["from_contacts"], ["peter.schmitt@example.com"], "From-Contact")
            L.eq([x["role"] for x in st["documents"]], ["statement"], "the PDF is the statement")
        L.eq(titles, {TITLE % i for i in range(3)}, "titles from the cover, one per message")


@L.test
def test_liaisond_reads_a_cover_with_values_at_a_tab_stop():
    """The Word LS template puts the values at one tab stop: poppler's reading
    order takes labels and values as two columns ("Source:\nTo:\n...SA3\nIETF
    QUIC WG"); liaisond reads the cover as drawn and posts it."""
    d0 = L.tmpdir()
    doc = os.path.join(d0, "doc.pdf")
    data = mkpdf(doc, "--pages", "3", "--cover-tab", "150")
    cover = pdf_pages(data)[0]
    L.ok("Source:\nTo:\nCc:" in cover, "the reading order splits labels from values:\n%s" % cover[:400])
    with L.Daemon() as d:
        load(d.port, 1, doc, clients=1)
        rows = d.ctl_json("list")
        L.eq(len(rows), 1, "statements")
        st = d.wait_state(rows[0]["id"], timeout=60)
        L.eq(st["state"], "posted", "state (problems %r)" % (st.get("problems"),))
        L.eq(st["title"], TITLE % 0, "title from the cover")
        L.eq(st["from_groups"], ["3gpp-sa3"], "From")
        L.eq(st["to_groups"], ["quic"], "To")
        L.eq(st["purpose"], "for_action", "Purpose from the ACTION line")
        L.eq(st["from_contacts"], ["peter.schmitt@example.com"], "From-Contact")
        L.eq([x["role"] for x in st["documents"]], ["statement"], "the PDF is the statement")


L.main()
