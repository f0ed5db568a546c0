"""test_documents.py - statements read out of their documents, end to end through LMTP.

A 3GPP LS mailed the way 3GPP mails it (a one-line body and S3-243456.zip
holding the .docx) is posted and routed with no hand work; a reply LS links
to the statement it answers by its Tdoc; ITU-T's .docx + .pdf; a BBF PDF
letter; a .doc-only statement goes to the secretariat with a warning; the
hostile documents (zip bomb, encrypted PDF, docx with an external entity)
give warnings, never a crash or a hang; a 50 MB zip is read with bounded
memory.
"""

import email.message
import email.policy
import json
import os
import sqlite3
import tempfile

import liaison as L
import mkdocs

COORD = "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_tmp = tempfile.mkdtemp(prefix="liaison-docs-")


def path(name):
    return os.path.join(_tmp, name)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def mail(subject, body, attachments, from_=COORD, to="statements@ietf.org", headers=None):
    """A multipart/mixed mail as CRLF bytes; ATTACHMENTS are (name, bytes, type)."""
    m = email.message.EmailMessage()
    m["From"] = from_
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = "Mon, 02 Sep 2024 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = "<docs%d.%d@test.example>" % (os.getpid(), L._mid[0])
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    for name, data, ctype in attachments:
        main, sub = ctype.split("/", 1)
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return m.as_bytes(policy=email.policy.SMTP)


def zipped_3gpp(tdoc, **kw):
    """TDOC.zip holding TDOC.docx built from the 3GPP LS template."""
    mkdocs.ls_3gpp_docx(path(tdoc + ".docx"), tdoc=tdoc, **kw)
    mkdocs.zipfile_of(path(tdoc + ".zip"), [(tdoc + ".docx", path(tdoc + ".docx"))])
    return read(path(tdoc + ".zip"))


def post(d, data, mail_from="3GPPLiaison@etsi.org"):
    """Deliver DATA over LMTP; the new message's id and its show --json once parsed."""
    before = {m["id"] for m in d.ctl_json("list")}
    c = d.lmtp()
    c.lhlo()
    r = c.send(mail_from, ["statements@ietf.org"], data)
    c.close()
    L.eq(r[0][0], 250, "delivery reply %r" % (r,))
    new = [m["id"] for m in d.ctl_json("list") if m["id"] not in before]
    L.eq(len(new), 1, "one new message")
    return new[0], d.wait_state(new[0], timeout=60 * L.SLOW)


def codes(obj, severity=None):
    return [p["code"] for p in obj["problems"] if severity is None or p["severity"] == severity]


@L.test
def tdoc_zip_from_3gpp_is_posted_and_routed():
    sink = L.SMTPSink().start()
    with L.Daemon(smtp=sink) as d:
        z = zipped_3gpp("S3-243456")
        mid, s = post(d, mail("LS S3-243456 on Security considerations for MPQUIC",
                              "Please find attached LS S3-243456\n",
                              [("S3-243456.zip", z, "application/x-zip-compressed")]))
        L.eq(s["state"], "posted", "state (problems: %s)" % s["problems"])
        L.eq(codes(s, "error"), [], "errors")
        L.ok("document_unreadable" not in codes(s), "no document_unreadable")
        L.ok("word_without_readable" not in codes(s), "the Word file was read: no word_without_readable")
        L.eq(s["title"], "LS on Security considerations for MPQUIC", "title from the cover sheet")
        L.eq(s["from_groups"], ["3gpp-sa3"], "from_groups")
        L.eq(s["to_groups"], ["quic"], "to_groups")
        L.ok("peter.schmitt@example.com" in s["from_contacts"], "contact person %r" % s["from_contacts"])
        L.eq(s["purpose"], "for_action", "purpose (ACTION paragraph)")
        # the zip as received, and the .docx out of it as an attachment of its own
        names = [a["filename"] for a in s["attachments"]]
        L.eq(names, ["S3-243456.zip", "S3-243456.docx"], "attachments")
        L.eq(s["attachments"][1]["content_type"], DOCX, "derived type")
        L.eq(s["documents"], [{"filename": "S3-243456.docx", "role": "statement",
                               "text_chars": s["documents"][0]["text_chars"]}], "documents")
        L.ok(s["documents"][0]["text_chars"] > 500, "text read")
        L.eq(s["release"], "Rel-19", "release")
        L.ok("FS_ATSSS_Ph4" in json.dumps(s["work_items"]), "work_items %r" % s["work_items"])
        L.eq(s["next_meetings"][0], "SA3#118 14 - 18 October 2024 Hyderabad, IN", "next_meetings")
        L.eq(s["deadline"], None, "the next meeting is not the deadline")
        L.ok("S3-243456" in s["other_identifiers"], "Tdoc as identifier")
        # the ACTION paragraph names the To group asked to act (metadata, not shown)
        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"))
        meta = json.loads(db.execute("SELECT metadata FROM statements WHERE id = ?", (mid,)).fetchone()[0])
        db.close()
        L.eq(meta.get("action_groups"), ["quic"], "action_groups")
        # the text can be read without Word, and searched
        text = d.ctl("show", mid, "--text").stdout
        L.ok("ACTION: SA3 kindly asks IETF QUIC WG" in text, "show --text:\n" + text)
        hits = d.ctl_json("search", "ATSSS")
        L.ok(any(h.get("id") == mid for h in hits), "search finds the document's words: %r" % hits)
        out = path("out.docx")
        d.ctl("attachment", mid, 2, "-o", out)
        L.eq(read(out), read(path("S3-243456.docx")), "derived attachment byte-identical")
        # routed: the routing mail to the QUIC WG is queued in the same transaction
        routing = [m for m in d.ctl_json("outbox", "--all") if m["statement_id"] == mid and m["kind"] == "routing"]
        L.eq(len(routing), 1, "one routing mail")
        L.ok("quic@ietf.org" in routing[0]["to"], "routed to the QUIC WG: %r" % routing[0]["to"])
    sink.stop()


@L.test
def reply_ls_links_to_the_statement_it_answers_by_tdoc():
    with L.Daemon() as d:
        first, s1 = post(d, mail("LS S2-2401234 on MPQUIC for ATSSS", "Please find attached LS S2-2401234\n",
                                 [("S2-2401234.zip", zipped_3gpp(
                                     "S2-2401234", meeting="3GPP TSG SA WG2 Meeting #162",
                                     title="LS on MPQUIC for ATSSS", source="SA2", cc="SA3", asker="SA2",
                                     next_group="TSG SA WG2"), "application/zip")]))
        L.eq(s1["state"], "posted", "first (problems: %s)" % s1["problems"])
        L.ok("S2-2401234" in s1["other_identifiers"], "first carries its Tdoc")
        z = zipped_3gpp("S3-243457", title="Reply LS on MPQUIC for ATSSS",
                        response_to="LS S2-2401234 on MPQUIC for ATSSS")
        second, s2 = post(d, mail("LS S3-243457 (reply to S2-2401234)", "Please find attached LS S3-243457\n",
                                  [("S3-243457.zip", z, "application/zip")]))
        L.eq(s2["related"], [first], "related")
        L.eq(s2["purpose"], "in_response", "purpose")
        L.ok("in_response_unresolved" not in codes(s2), "resolved")


@L.test
def itu_t_docx_and_pdf():
    with L.Daemon() as d:
        mkdocs.itu_docx(path("T22-SG15-LS123.docx"))
        mkdocs.pdf(path("T22-SG15-LS123.pdf"), mkdocs.itu_lines())
        mid, s = post(d, mail("LS on the use of YANG for optical transport (SG15-LS123)",
                              "Dear colleagues,\n\nplease find attached a liaison statement from "
                              "ITU-T Study Group 15.\n\nTSB\n",
                              [("T22-SG15-LS123.docx", read(path("T22-SG15-LS123.docx")), DOCX),
                               ("T22-SG15-LS123.pdf", read(path("T22-SG15-LS123.pdf")), "application/pdf")],
                              from_="TSB SG15 <tsbsg15@itu.example>"), mail_from="tsbsg15@itu.example")
        L.eq(codes(s, "error"), [], "errors")
        L.eq(s["title"], "LS on the use of YANG for optical transport", "title")
        L.eq(s["from_groups"], ["itu-t-sg15"], "from_groups")
        L.ok("ccamp" in s["to_groups"], "to_groups %r" % s["to_groups"])
        L.eq(s["purpose"], "for_action", "purpose")
        L.eq(s["deadline"], "2024-09-01", "deadline")
        roles = {x["filename"]: x["role"] for x in s["documents"]}
        L.eq(roles, {"T22-SG15-LS123.docx": "statement", "T22-SG15-LS123.pdf": "attachment"}, "roles")
        L.ok(all(x["text_chars"] > 200 for x in s["documents"]), "both read")


@L.test
def bbf_pdf_letter():
    with L.Daemon() as d:
        mkdocs.pdf(path("LIAISE-439.pdf"), mkdocs.bbf_lines())
        mid, s = post(d, mail("New liaison statement from BBF: LIAISE-439",
                              "Dear IETF colleagues,\n\nPlease find attached our liaison LIAISE-439.\n",
                              [("LIAISE-439.pdf", read(path("LIAISE-439.pdf")), "application/pdf")],
                              from_="BBF Liaisons <liaisons@broadband-forum.org>",
                              headers={"Cc": "liaisons@broadband-forum.org"}),
                      mail_from="liaisons@broadband-forum.org")
        L.eq(s["documents"][0]["role"], "statement", "the letter is the statement")
        L.eq(s["from_groups"], ["bbf"], "from_groups")
        L.eq(s["to_groups"], ["quic"], "to_groups")
        L.eq(s["title"], "Broadband Forum work on QUIC-based access steering", "title")
        L.eq(s["state"], "posted", "state (problems: %s)" % s["problems"])


@L.test
def doc_only_statement_goes_to_the_secretariat():
    with L.Daemon() as d:
        mkdocs.ole_doc(path("S3-240001.doc"))
        mid, s = post(d, mail("LS S3-240001 on something", "Please find attached LS S3-240001\n",
                              [("S3-240001.doc", read(path("S3-240001.doc")), "application/msword")]))
        L.ok("document_unreadable" in codes(s, "warning"), "document_unreadable %r" % s["problems"])
        L.eq(s["documents"], [{"filename": "S3-240001.doc", "role": "statement", "text_chars": 0}],
             "documents")
        L.eq(s["state"], "rejected", "nothing to route it by: the secretariat reads it")
        rej = d.ctl_json("rejects")
        L.ok(any(r.get("id") == mid for r in rej), "in the rejects queue")


@L.test
def hostile_documents_give_warnings_never_a_crash():
    with L.Daemon() as d:
        mkdocs.zip_bomb(path("S3-249999.zip"))
        mkdocs.pdf(path("LIAISE-440.pdf"), mkdocs.bbf_lines(), password="secret")
        mkdocs.xxe_docx(path("S3-249998.docx"))
        mkdocs.laughs_docx(path("S3-249997.docx"))
        cases = [("S3-249999.zip", "application/zip", "zip bomb"),
                 ("LIAISE-440.pdf", "application/pdf", "encrypted"),
                 ("S3-249998.docx", DOCX, "DTD"),
                 ("S3-249997.docx", DOCX, "DTD")]
        for name, ctype, why in cases:
            mid, s = post(d, mail("LS %s" % name, "Please find attached %s\n" % name,
                                  [(name, read(path(name)), ctype)]))
            msgs = [p["message"] for p in s["problems"] if p["code"] == "document_unreadable"]
            L.ok(any(why in m for m in msgs), "%s: document_unreadable about %s in %r" % (name, why, msgs))
            text = d.ctl("show", mid, "--text", check=False).stdout
            L.ok("root:" not in text, "%s: no file content leaked" % name)
            L.ok(d.alive(), "liaisond alive after %s" % name)
        L.eq(os.listdir(os.path.join(d.state_dir, "tmp")), [], "no temporary files left")


def peak_rss_kib(pid):
    """VmHWM (peak resident set) of PID and of its children (the parse worker)."""
    pids = [pid]
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open("/proc/%s/stat" % e) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(e))
            except (OSError, IndexError, ValueError):
                pass
    peak = {}
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak[p] = int(line.split()[1])
        except OSError:
            pass
    return peak


@L.test
def fifty_megabyte_zip_memory_stays_bounded():
    mkdocs.ls_3gpp_docx(path("S3-250000.docx"), tdoc="S3-250000")
    mkdocs.big_zip(path("S3-250000.zip"), 50, path("S3-250000.docx"))
    data = mail("LS S3-250000 with traces", "Please find attached LS S3-250000\n",
                [("S3-250000.zip", read(path("S3-250000.zip")), "application/zip")])
    os.unlink(path("S3-250000.zip"))
    with L.Daemon(conf={"liaisond": {"max_message_size": str(128 * 1024 * 1024)}}) as d:
        mid, s = post(d, data)
        del data
        L.eq([a["size"] for a in s["attachments"]][2], 50 * 1024 * 1024, "the 50 MB file kept")
        L.eq(s["documents"][0]["role"], "statement", "statement read")
        L.eq(s["from_groups"], ["3gpp-sa3"], "from_groups")
        # liaisond and its parse worker, which read the 68 MB message and the zip
        peak = peak_rss_kib(d.proc.pid)
        L.ok(len(peak) >= 2, "liaisond and its worker found: %r" % peak)
        if not L.SANITIZED:   # ASan's shadow memory and quarantine say nothing about ours
            L.ok(max(peak.values()) < 100 * 1024,
                 "peak RSS %r KiB stays under 100 MiB for a 68 MB message" % peak)


if __name__ == "__main__":
    try:
        L.main()
    finally:
        import shutil
        shutil.rmtree(_tmp, ignore_errors=True)
