"""test_corpus.py - the golden corpus end to end: each tests/corpus/NNN-name.eml
delivered over LMTP into a running liaisond (example directory), in order, each
waited for until it leaves 'received', then `liaisonctl show ID --json`
compared field by field with NNN-name.json (see tests/corpus/make_corpus.py
for the keys). One TAP line per message, so a failure names the message and
the field."""

import atexit
import glob
import json
import os
import re

import liaison as L

CORPUS = os.path.join(L.TOP, "tests", "corpus")
SCALARS = ("state", "title", "purpose", "deadline", "from_liaison_contact", "to_liaison_contact",
           "forwarded_by")
LISTS = ("from_groups", "to_groups", "from_contacts", "to_contacts")

_daemon = [None]
_ids = {}       # corpus name -> statement id


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def envelope_of(data, expect):
    if "_envelope_from" in expect:
        return expect["_envelope_from"]
    head = data.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    m = re.search(r"^From:.*?([^\s<>\"]+@[^\s<>\"]+)", head, re.M | re.I)
    return m.group(1) if m else "sender@example.org"


def newest_id(d):
    rows = d.ctl_json("list")
    if isinstance(rows, dict):
        rows = rows.get("statements") or rows.get("messages") or []
    return max(r["id"] for r in rows) if rows else None


def group_names(groups):
    """show --json gives acronyms (strings) or, unresolved, the text; accept objects too."""
    out = []
    for g in groups or []:
        if isinstance(g, dict):
            out.append(g.get("acronym") or g.get("text"))
        else:
            out.append(g)
    return out


def compare(name, got, expect):
    bad = []
    for k in SCALARS:
        if k in expect and got.get(k) != expect[k]:
            bad.append("%s: got %r, want %r" % (k, got.get(k), expect[k]))
    for k in LISTS:
        if k not in expect:
            continue
        g = group_names(got.get(k)) if k.endswith("groups") else list(got.get(k) or [])
        if g != expect[k]:
            bad.append("%s: got %r, want %r" % (k, g, expect[k]))
    if "other_identifiers" in expect:
        g = sorted(got.get("other_identifiers") or [])
        if g != sorted(expect["other_identifiers"]):
            bad.append("other_identifiers: got %r, want %r" % (g, sorted(expect["other_identifiers"])))
    atts = [a.get("filename") for a in got.get("attachments") or []]
    if "attachments" in expect and atts != expect["attachments"]:
        bad.append("attachments: got %r, want %r" % (atts, expect["attachments"]))
    if expect.get("_safe_filenames"):
        for a in atts:
            if "/" in a or "\\" in a or ".." in a or any(ord(c) < 0x20 for c in a) or not a:
                bad.append("unsafe attachment file name %r" % a)
    probs = sorted((p["code"], p["severity"]) for p in got.get("problems") or [])
    pset = sorted(set(probs))
    if "problems" in expect:
        want = sorted(set(tuple(p) for p in expect["problems"]))
        if pset != want:
            bad.append("problems: got %r, want %r" % (pset, want))
    for p in expect.get("_problems_include", []):
        if tuple(p) not in pset:
            bad.append("problems: %r missing from %r" % (tuple(p), pset))
    for p in got.get("problems") or []:
        if not p.get("message") or p.get("field") is None:
            bad.append("problem %s has no message or field" % p.get("code"))
    for code, text in expect.get("_message_contains", {}).items():
        msgs = [p["message"] for p in got.get("problems") or [] if p["code"] == code]
        if not any(text in m for m in msgs):
            bad.append("no %s message contains %r: %r" % (code, text, msgs))
    if "related" in expect:
        want = sorted(_ids.get(n, -1) for n in expect["related"])
        g = sorted(r if isinstance(r, int) else r.get("id") for r in got.get("related") or [])
        if g != want:
            bad.append("related: got %r, want %r (%s)" % (g, want, expect["related"]))
    body = got.get("body") or ""
    if "_body_equals" in expect and body != expect["_body_equals"]:
        bad.append("body: got %r, want %r" % (body, expect["_body_equals"]))
    if "_body_starts" in expect and not body.startswith(expect["_body_starts"]):
        bad.append("body: %r does not start with %r" % (body[:200], expect["_body_starts"]))
    for text in expect.get("_body_excludes", []):
        if text in body:
            bad.append("body: holds %r: %r" % (text, body[:300]))
    if bad:
        raise L.CheckFailed("%s:\n  %s" % (name, "\n  ".join(bad)))


def deliver(name):
    d = _daemon[0]
    with open(os.path.join(CORPUS, name + ".eml"), "rb") as f:
        data = f.read()
    with open(os.path.join(CORPUS, name + ".json")) as f:
        expect = json.load(f)
    before = newest_id(d) or 0
    c = d.lmtp()
    c.lhlo()
    replies = c.send(envelope_of(data, expect), ["statements@ietf.org"], crlf(data))
    c.close()
    L.eq(replies[0][0], 250, "%s: delivery reply %r" % (name, replies))
    msg_id = L.wait_for(lambda: (newest_id(d) or 0) > before and newest_id(d), 10,
                        "%s to be listed" % name)
    _ids[name] = msg_id
    got = d.wait_state(msg_id)
    if expect.get("_requires") == "documents" and "documents" not in got:
        L.skip("needs the document reader (issue 8), not in this build")
    compare(name, got, expect)


def make_test(name):
    def fn():
        if _daemon[0] is None:
            L.skip("daemon did not start")
        deliver(name)
    fn.__name__ = "corpus_" + name
    return fn


@L.test
def corpus_start_daemon():
    d = L.Daemon(directory=L.EXAMPLE_DIRECTORY)
    d.start()
    # One daemon for the whole corpus (the chains need the earlier statements):
    # kept out of the per-test cleanup, stopped by the last test or at exit.
    if d in L._live:
        L._live.remove(d)
    atexit.register(d.close)
    _daemon[0] = d
    L.ok(len(NAMES) >= 30, "at least 30 corpus messages (found %d)" % len(NAMES))


NAMES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(CORPUS, "[0-9]*.eml")))
for _n in NAMES:
    L.test(make_test(_n))


@L.test
def corpus_answered_statements_marked():
    """Each statement answered in the corpus has its action taken (an event)."""
    d = _daemon[0]
    if d is None:
        L.skip("daemon did not start")
    answered = set()
    for n in NAMES:
        with open(os.path.join(CORPUS, n + ".json")) as f:
            e = json.load(f)
        if e.get("state") == "posted" and e.get("purpose") == "in_response":
            answered.update(e.get("related", []))
    L.ok(answered, "the corpus has answered statements")
    for n in sorted(answered):
        events = [e.get("kind") for e in d.ctl_json("history", _ids[n])]
        L.ok(events.count("action_taken") == 1,
             "%s (id %s) marked answered: events %r" % (n, _ids[n], events))
    d.close()
    _daemon[0] = None


L.main()
