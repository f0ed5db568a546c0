"""test_doc_rest.py - a long PDF's first pages during the parse, the rest later
(issue 19), end to end through LMTP.

The parse reads the pages that hold the cover sheet ([parser] pdf_parse_pages,
3 by default) and stores the document as partial; when the parse workers are
idle the whole PDF is read again from its blob, the full text replaces the
first pages' and the statement is indexed for search only then. A crash
between the two loses nothing; `liaisonctl search` reads what is still
missing before it looks.
"""

import email.message
import email.policy
import os
import re
import sqlite3
import tempfile

import liaison as L
import mkdocs

_tmp = tempfile.mkdtemp(prefix="liaison-docrest-")
LINES_PER_PAGE = 48
PAGES = 40


def cover(number, title):
    """A BBF letter's first page, numbered NUMBER."""
    return mkdocs.bbf_lines(number, title, meetings=False)


def long_pdf(number, title, word):
    """The bytes of a PDF of PAGES pages of text: the cover on page 1, an
    annex after it, WORD only on page 35."""
    lines = cover(number, title)
    lines += [""] * (LINES_PER_PAGE - len(lines))
    for page in range(2, PAGES + 1):
        for k in range(LINES_PER_PAGE):
            extra = " %s" % word if page == 35 and k == 10 else ""
            lines.append("Annex page %d line %d: traffic steering measurements%s" % (page, k, extra))
    p = os.path.join(_tmp, "LIAISE-%d.pdf" % number)
    mkdocs.pdf(p, lines, lines_per_page=LINES_PER_PAGE)
    with open(p, "rb") as f:
        return f.read()


def mail(number, title, word):
    m = email.message.EmailMessage()
    m["From"] = "BBF Liaisons <liaisons@broadband-forum.org>"
    m["To"] = "statements@ietf.org"
    m["Cc"] = "liaisons@broadband-forum.org"
    m["Subject"] = "New liaison statement from BBF: LIAISE-%d" % number
    m["Date"] = "Mon, 02 Sep 2024 10:00:00 +0000"
    m["Message-ID"] = "<docrest%d.%d@test.example>" % (os.getpid(), number)
    m.set_content("Dear IETF colleagues,\n\nPlease find attached our liaison LIAISE-%d.\n" % number)
    m.add_attachment(long_pdf(number, title, word), maintype="application", subtype="pdf",
                     filename="LIAISE-%d.pdf" % number)
    return m.as_bytes(policy=email.policy.SMTP)


def db(d):
    return sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"))


def document(d, mid):
    """(text, text_partial) of statement MID's first document, or None."""
    with db(d) as h:
        return h.execute("SELECT text, text_partial FROM documents WHERE statement = ?"
                         " ORDER BY position LIMIT 1", (mid,)).fetchone()


def indexed(d, word):
    """Statement ids whose search row holds WORD, as the index has them now."""
    with db(d) as h:
        return [r[0] for r in h.execute("SELECT rowid FROM statement_fts WHERE statement_fts"
                                        " MATCH ?", ('"%s"' % word,))]


def searched(d, word):
    return [h["id"] for h in d.ctl_json("search", word)]


def post_and_kill(d, number, title, word):
    """Deliver the statement and kill -9 liaisond as soon as its parse is
    saved: the idle work waits a second of quiet, the poll is every 10 ms.
    Returns its id; the document must still be partial."""
    mid = d.submit(mail(number, title, word), mail_from="liaisons@broadband-forum.org")
    L.wait_for(lambda: document(d, mid), 30 * L.SLOW, "statement %d parsed" % mid, interval=0.01)
    d.kill9()
    text, partial = document(d, mid)
    L.eq(partial, 1, "killed before the idle work: the document is still partial")
    L.ok("Broadband Forum Reference: LIAISE-%d" % number in text, "the cover page was read")
    L.ok(word not in text and "Annex page 35" not in text, "page 35 was not read in the parse")
    L.eq(indexed(d, word), [], "not indexed yet")
    with db(d) as h:
        L.eq(h.execute("SELECT count(*) FROM search_pending WHERE statement = ?", (mid,)).fetchone()[0],
             1, "still pending for search")
    return mid


@L.test
def long_pdf_fields_at_parse_full_text_when_idle():
    with L.Daemon() as d:
        mid = d.submit(mail(501, "Broadband Forum work on QUIC steering", "quokkazanzibar"),
                       mail_from="liaisons@broadband-forum.org")
        s = d.wait_state(mid, timeout=60 * L.SLOW)
        # the fields came from the cover page, read during the parse
        L.eq(s["state"], "posted", "state (problems: %s)" % s["problems"])
        L.eq(s["title"], "Broadband Forum work on QUIC steering", "title from the cover page")
        L.eq(s["from_groups"], ["bbf"], "from_groups")
        L.eq(s["to_groups"], ["quic"], "to_groups")
        L.ok("document_unreadable" not in [p["code"] for p in s["problems"]], "no document warning")
        L.ok(re.search(r"event=doc_read attachment=1 kind=\d+ files=0 warnings=0 partial=1",
                       d.log()), "the parse read the first pages only")
        # the rest arrives when the workers are idle, then the index
        L.wait_for(lambda: document(d, mid)[1] == 0, 30 * L.SLOW, "the rest of the PDF read")
        text = document(d, mid)[0]
        L.ok("quokkazanzibar" in text, "page 35 in the stored text")
        L.ok("Annex page %d line %d" % (PAGES, LINES_PER_PAGE - 1) in text, "the last page too")
        L.wait_for(lambda: indexed(d, "quokkazanzibar") == [mid], 30 * L.SLOW,
                   "the idle worker indexes the full text")
        L.eq(searched(d, "quokkazanzibar"), [mid], "liaisonctl search finds page 35's word")
        L.ok("quokkazanzibar" in d.ctl("show", mid, "--text").stdout, "show --text has the full text")


@L.test
def search_reads_the_rest_and_a_crash_loses_nothing():
    with L.Daemon() as d:
        # liaisonctl search reads the rest itself (the daemon is down here)
        a = post_and_kill(d, 502, "Broadband Forum work on QUIC pacing", "wombatquasar")
        shown = d.ctl("show", a, "--text").stdout
        L.ok("first pages: the rest is read when liaisond is idle" in shown, "show --text says so:\n"
             + shown[:300])
        L.eq(searched(d, "wombatquasar"), [a], "search reads the rest before it looks")
        text, partial = document(d, a)
        L.eq(partial, 0, "the document is complete after the search")
        L.ok("wombatquasar" in text, "page 35 stored by the search")
        # after a crash the restarted worker finds the pending work
        d.start()
        b = post_and_kill(d, 503, "Broadband Forum work on QUIC probing", "narwhalpulsar")
        d.start()
        L.wait_for(lambda: document(d, b)[1] == 0, 30 * L.SLOW, "the rest read after the restart")
        L.ok("narwhalpulsar" in document(d, b)[0], "page 35 stored after the restart")
        L.wait_for(lambda: indexed(d, "narwhalpulsar") == [b], 30 * L.SLOW,
                   "indexed by the idle worker after the restart")
        with db(d) as h:
            L.eq(h.execute("SELECT count(*) FROM search_pending").fetchone()[0], 0,
                 "nothing left pending")


@L.test
def schema_0013_keeps_the_documents_of_a_database():
    """A database of schema 12 with a statement and its document text: after
    the upgrade the document is complete (not partial), the statement is
    indexed by the idle worker and found by search."""
    import glob
    files = sorted(glob.glob(os.path.join(L.TOP, "store", "schema", "*.sql")))
    upto = [f for f in files if int(os.path.basename(f)[:4]) <= 12]
    L.eq(len(upto), 12, "schema 1..12")
    tmp = L.tmpdir()
    state = os.path.join(tmp, "state")
    os.makedirs(os.path.join(state, "msg"))
    path = os.path.join(state, "liaisond.db")
    h = sqlite3.connect(path)
    h.executescript("".join(open(f).read() + "\n" for f in upto) + "PRAGMA user_version = 12;\n"
        "INSERT INTO messages(id, received_at, envelope_from, size, sha256, dedupe_key, path,"
        " client, session_id, state) VALUES (1, '2026-01-01T00:00:00Z', 'a@example.org', 5,"
        " 'x', 'old-1', 'msg/old', 'unix', 's', 'posted');\n"
        "INSERT INTO statements(id, title, parsed_at) VALUES (1, 'LS kept across the upgrade',"
        " '2026-01-01T00:00:00Z');\n"
        "INSERT INTO documents(statement, position, filename, role, text, text_chars)"
        " VALUES (1, 1, 'old.pdf', 'statement', 'an old emuquasar text', 21);\n")
    h.close()
    d = L.Daemon(tmp=tmp)
    try:
        d.start()
        with db(d) as h:
            L.eq(h.execute("PRAGMA user_version").fetchone()[0], len(files), "migrated")
            L.eq(h.execute("SELECT text, text_partial, attachment, rest_attempts FROM documents"
                           ).fetchall(), [("an old emuquasar text", 0, None, 0)], "the document kept")
        L.wait_for(lambda: indexed(d, "emuquasar") == [1], 30 * L.SLOW, "indexed when idle")
        L.eq(searched(d, "emuquasar"), [1], "found by search")
    finally:
        d.close()


if __name__ == "__main__":
    try:
        L.main()
    finally:
        import shutil
        shutil.rmtree(_tmp, ignore_errors=True)
