"""test_mime_corpus.py - every message of the public MIME corpora through the
real daemon: no crash, every message ends in a final state, no part lost.

The corpora (mime4j testmsgs and mimetools-testmsgs: bad newlines, boundary
clashes, missing boundaries, nested rfc822, empty parts, ...) live outside the
tree, in ../shared/corpora (or $LIAISON_CORPORA). When the folder is absent
the test says so in its SKIP line instead of passing silently.

"No part lost" is checked twice:
- accounting: the parsed event says leaf_parts=N body=B attachments=A
  skipped=S, and N must equal B + A + S (each leaf the parser saw is the
  body, a stored attachment, or a rendition/cover note it chose to skip), and
  A must be the number of attachments `show --json` lists;
- independently: Python's email package counts the leaf parts too; where
  Python finds the message well-formed (no defects), both counts must agree
  (a forward may be unwrapped: the attached original's parts count instead
  of the message/rfc822 part and the cover note).
"""
import email
import email.policy
import glob
import os
import re
import sqlite3

import liaison as L

FINAL = ("posted", "rejected", "ignored", "duplicate")


def corpora_dir():
    cands = [os.environ.get("LIAISON_CORPORA"),
             os.path.join(L.TOP, "..", "shared", "corpora"),
             os.path.join(L.TOP, "..", "..", "shared", "corpora"),
             "/work/shared/corpora"]
    for c in cands:
        if c and os.path.isdir(c):
            return os.path.abspath(c)
    return None


def corpus_files():
    d = corpora_dir()
    if not d:
        L.skip("public MIME corpora folder absent (../shared/corpora or $LIAISON_CORPORA): "
               "corpus NOT checked")
    files = sorted(glob.glob(os.path.join(d, "**", "*.msg"), recursive=True) +
                   glob.glob(os.path.join(d, "**", "*.eml"), recursive=True))
    L.ok(len(files) >= 50, "expected the corpora to hold at least 50 messages, found %d in %s"
         % (len(files), d))
    return files


def py_leaves(m, expand=0):
    """Leaf parts as Python sees them; message/rfc822 is one leaf unless
    EXPAND levels of forward are unwrapped (the first attached message at the
    top, as the parser unwraps a forward)."""
    if m.get_content_maintype() == "multipart":
        parts = m.get_payload()
        if not isinstance(parts, list):
            return 0
        total, unwrapped = 0, False
        for p in parts:
            if expand and not unwrapped and p.get_content_type() == "message/rfc822" and \
                    isinstance(p.get_payload(), list) and p.get_payload():
                unwrapped = True
                total += py_leaves(p.get_payload()[0], expand - 1)
            else:
                total += py_leaves(p, 0)
        return total
    if expand and m.get_content_type() == "message/rfc822" and isinstance(m.get_payload(), list) \
            and m.get_payload():
        return py_leaves(m.get_payload()[0], expand - 1)
    return 1


def py_defects(m):
    d = list(m.defects)
    if m.is_multipart() and isinstance(m.get_payload(), list):
        for p in m.get_payload():
            if hasattr(p, "defects"):
                d += py_defects(p)
    return d


def parsed_detail(db, msg_id):
    row = db.execute("SELECT detail FROM events WHERE statement = ? AND kind = 'parsed'"
                     " ORDER BY id DESC LIMIT 1", (msg_id,)).fetchone()
    L.ok(row, "message %d has no parsed event" % msg_id)
    return dict(re.findall(r"(\w+)=(\d+)", row[0]))


@L.test
def corpus_parses_without_loss():
    files = corpus_files()
    with L.Daemon() as d:
        ids = {}
        for f in files:
            p = d.ctl("submit", f, "--from", "corpus@example.org")
            ids.setdefault(int(p.stdout.strip().splitlines()[-1]), f)

        def all_final():
            rows = d.ctl_json("list")
            left = [r["id"] for r in rows if r["id"] in ids and r["state"] not in FINAL]
            return rows if not left else None
        L.wait_for(all_final, 120 * L.SLOW, "every corpus message to reach a final state",
                   interval=0.5)

        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"))
        problems = []
        for msg_id, f in sorted(ids.items()):
            name = os.path.relpath(f, corpora_dir())
            state, attempts = db.execute("SELECT state, parse_attempts FROM messages WHERE id = ?",
                                         (msg_id,)).fetchone()
            if state not in FINAL:
                problems.append("%s: state %s" % (name, state))
                continue
            if attempts != 1:
                problems.append("%s: %d parse attempts (a crash or timeout)" % (name, attempts))
            codes = [r[0] for r in db.execute("SELECT code FROM problems WHERE statement = ?",
                                              (msg_id,))]
            if "parse_failed" in codes:
                problems.append("%s: parse_failed" % name)
                continue
            det = parsed_detail(db, msg_id)
            leaf, body = int(det["leaf_parts"]), int(det["body"])
            att, skipped = int(det["attachments"]), int(det["skipped"])
            if leaf != body + att + skipped:
                problems.append("%s: %d leaf parts but body %d + attachments %d + skipped %d"
                                % (name, leaf, body, att, skipped))
            stored = db.execute("SELECT count(*) FROM attachments WHERE statement = ?",
                                (msg_id,)).fetchone()[0]
            if stored != att:
                problems.append("%s: %d attachments parsed, %d stored" % (name, att, stored))
            for (sha,) in db.execute("SELECT sha256 FROM attachments WHERE statement = ?",
                                     (msg_id,)):
                blob = os.path.join(d.state_dir, "blobs", sha[:2], sha)
                if not os.path.isfile(blob):
                    problems.append("%s: attachment blob %s missing" % (name, sha))
            with open(f, "rb") as fh:
                m = email.message_from_binary_file(fh, policy=email.policy.default)
            if py_defects(m):
                continue   # Python reads it differently; the accounting above still holds
            counts = [py_leaves(m, e) for e in range(0, 5 if det.get("forwarded") else 1)]
            if leaf not in counts:
                problems.append("%s: Python counts %s leaf parts, the parser %d"
                                % (name, counts, leaf))
        db.close()
        L.ok("parse_worker_died" not in d.log(), "the parse worker crashed:\n" + d.log()[-3000:])
        L.ok(not problems, "%d of %d corpus messages:\n  %s" % (len(problems), len(ids),
                                                               "\n  ".join(problems)))
        print("# %d corpus messages parsed, every part accounted for" % len(ids))


@L.test
def corpus_attachment_bytes_identical():
    """A corpus attachment read back with liaisonctl attachment is the decoded part."""
    files = [f for f in corpus_files() if f.endswith("simple-attachment.msg")]
    if not files:
        L.skip("simple-attachment.msg not in the corpora")
    with open(files[0], "rb") as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    want = [p.get_payload(decode=True) for p in m.walk()
            if not p.is_multipart() and p.get_content_disposition() == "attachment"]
    L.ok(want, "the sample has an attachment")
    with L.Daemon() as d:
        msg_id = int(d.ctl("submit", files[0], "--from", "x@example.org").stdout.split()[-1])
        L.wait_for(lambda: d.ctl_json("list") and
                   [r for r in d.ctl_json("list") if r["id"] == msg_id and r["state"] in FINAL],
                   30 * L.SLOW, "message to be parsed", interval=0.2)
        out = os.path.join(d.tmp, "att.bin")
        d.ctl("attachment", msg_id, len(want) and 1, "-o", out)
        with open(out, "rb") as fh:
            got = fh.read()
        L.ok(got in want, "attachment 1 is one of the decoded attachments (%d bytes)" % len(got))
        raw = d.ctl("attachment", msg_id, 1, input=b"").stdout
        L.eq(raw, got, "stdout and -o give the same bytes")


L.main()
