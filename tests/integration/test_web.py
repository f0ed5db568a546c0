"""liaisond-web (issue 15) against the real daemon and store: the public
pages (posted statements only, filters, attachment download, Atom, JSON with
the keys of `liaisonctl export`), the safety rules (escaping, CSP, CSRF,
throttled logins, malformed requests), and the secretariat in a real headless
Chromium: log in, open Pending, correct the To group of a rejected statement
in the form, approve it, and the routing mail reaches the SMTP sink with the
document attached (linked over attach_max); refuse a pending outgoing one."""
import atexit
import email.policy
import hashlib
import http.client
import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage

import liaison as L

S = {}   # the one daemon, sink and web server the tests share


def statement(title, to, body="Dear colleagues,\n\nPlease find our liaison attached.\n",
              purpose="For Information", attachments=(), from_="3GPP TSG SA WG2", extra=""):
    lines = ["Title: " + title, "From: " + from_,
             "From-Contact: Alice Example <alice@3gpp.example>", "To: " + to,
             "Purpose: " + purpose]
    m = EmailMessage()
    m["From"] = "3GPP Liaisons <3gppliaison@etsi.example>"
    m["To"] = "statements@ietf.org"
    m["Subject"] = "LS: " + title
    m["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = "<web%d.%d@test.example>" % (os.getpid(), L._mid[0])
    m.set_content("\n".join(lines) + "\n" + extra + "\n" + body)
    for name, data in attachments:
        m.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return m.as_bytes(policy=email.policy.SMTP)


def tiny_pdf(text):
    """A one-page PDF showing TEXT, with a correct xref table: a real document,
    small enough for any attach_max test."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


SAT_PDF = tiny_pdf("Satellite backhaul for 5G: liaison from 3GPP SA2")


def arrive(data, want=("posted", "rejected")):
    d = S["d"]
    mid = d.submit(data, mail_from="3gppliaison@etsi.example")
    d.wait_state(mid, states=want)
    return mid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def get(path, headers=None, follow=True):
    """(status, headers, body bytes) of GET PATH, errors included."""
    req = urllib.request.Request(S["w"].url(path), headers=headers or {})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30 * L.SLOW) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def post(path, fields, cookie=None):
    body = urllib.parse.urlencode(fields).encode()
    c = http.client.HTTPConnection("127.0.0.1", S["w"].port, timeout=30 * L.SLOW)
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        h["Cookie"] = cookie
    c.request("POST", "/" + path.lstrip("/"), body=body, headers=h)
    r = c.getresponse()
    out = (r.status, r.headers, r.read())
    c.close()
    return out


def login(name="alice", password="correct horse battery"):
    st, h, _ = post("login", {"name": name, "password": password})
    L.eq(st, 303, "login answers with a redirect")
    cookie = h["Set-Cookie"]
    L.ok("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie flags: %s" % cookie)
    L.ok("Secure" not in cookie, "no Secure on an http base_url: %s" % cookie)
    return cookie.split(";")[0]


@L.test
def setup_daemon_web_and_statements():
    sink = L.SMTPSink().start()
    port = L.free_port()
    d = L.Daemon(smtp=sink, conf={
        "notify": {"base_url": "http://127.0.0.1:%d/liaison/" % port},
        "web": {"listen": "127.0.0.1:%d" % port, "page_size": "5"}})
    d.rewrite_conf("web", users_file=os.path.join(d.tmp, "web-users"),
                   listen="127.0.0.1:%d;unix:%s" % (port, os.path.join(d.tmp, "web.sock")))
    d.start()
    S.update(sink=sink, d=d)
    p = d.ctl("web-user", "add", "alice", "--email", "alice@ietf.example", "--role",
              "secretariat", input="correct horse battery\n")
    L.ok("added alice" in p.stdout, p.stdout)
    with open(os.path.join(d.tmp, "web-users")) as f:
        L.ok("alice:alice@ietf.example:$y$" in f.read(), "a yescrypt hash is stored")
    quic = statement("LS on QUIC multipath for ATSSS", "IETF QUIC WG",
                     purpose="For Action", extra="Deadline: 2027-03-01\n",
                     attachments=[("S2-2401234 ATSSS \u00e9t\u00e9.pdf", b"%PDF-1.4 quic")])
    S["quic"] = arrive(quic)
    msgid = re.search(rb"Message-ID: (<[^>]+>)", quic).group(1)
    S["reply"] = arrive(b"In-Reply-To: " + msgid + b"\r\n" +
                        statement("Reply LS on QUIC multipath", "IETF QUIC WG",
                                  purpose="In Response", from_="IETF QUIC WG"))
    S["mpls"] = arrive(statement("LS on MPLS-TP OAM alignment", "IETF MPLS WG"))
    S["hostile"] = arrive(statement('<script>document.title="pwned"</script><img src=x '
                                    'onerror=alert(1)> LS on "quotes" & more', "IETF TSVWG",
                                    body="<b>bold</b> <script>alert(2)</script>\n"))
    S["rejected"] = arrive(statement("LS on satellite backhaul", "QUIK WG",
                                     attachments=[("S2-2409999 satellite backhaul.pdf", SAT_PDF)]))
    L.eq(d.ctl_json("show", S["rejected"])["state"], "rejected", "the unknown To is rejected")
    w = L.Web(d, port).start()
    S["w"] = w
    # shared by the tests below: out of the per-test cleanup, stopped at the end
    for obj in (sink, d, w):
        if obj in L._live:
            L._live.remove(obj)
    atexit.register(teardown)


@L.test
def public_list_shows_posted_newest_first_never_rejected():
    st, h, body = get("liaison/")
    L.eq(st, 200, "list status")
    L.eq(h["Content-Security-Policy"], "default-src 'none'; style-src 'self'; img-src 'self';"
         " form-action 'self'; frame-ancestors 'none'", "CSP")
    L.eq(h["X-Content-Type-Options"], "nosniff", "nosniff")
    text = body.decode()
    for k in ("quic", "mpls", "hostile"):
        L.ok('href="%d/"' % S[k] in text, "%s listed" % k)
    L.ok("satellite" not in text and 'href="%d/"' % S["rejected"] not in text,
         "the rejected statement is not listed")
    L.ok(text.index('href="%d/"' % S["hostile"]) < text.index('href="%d/"' % S["quic"]),
         "newest first")
    L.ok("<style" not in text and "style=" not in text, "no inline style")
    st, h, css = get("static/liaison.css")
    L.eq((st, h["Content-Type"].split(";")[0]), (200, "text/css"), "the style sheet is served")


@L.test
def public_filters_from_to_subgroups_purpose_text():
    def ids(q):
        st, _, body = get("liaison/?" + q)
        L.eq(st, 200, q)
        return {k for k in ("quic", "mpls", "hostile") if 'href="%d/"' % S[k] in body.decode()}
    L.eq(ids("to=wit"), {"quic", "hostile"}, "to=wit finds its WGs (QUIC, TSVWG)")
    L.eq(ids("to=quic"), {"quic"}, "to=quic")
    L.eq(ids("to=mpls"), {"mpls"}, "to=mpls")
    L.eq(ids("purpose=for_action"), {"quic"}, "purpose")
    L.eq(ids("from=3gpp"), {"quic", "mpls", "hostile"}, "from=3gpp includes SA2")
    L.eq(ids("from=quic"), set(), "from a group that sent nothing")
    S["d"].ctl("search", "ATSSS")   # indexes what the parse worker has not yet
    L.eq(ids("q=ATSSS"), {"quic"}, "full text")
    L.eq(get("liaison/?purpose=nonsense")[0], 400, "a bad purpose is 400")
    L.eq(get("liaison/?page=0")[0], 400, "a bad page is 400")


@L.test
def public_detail_has_fields_body_attachments_and_404_for_unposted():
    st, _, body = get("liaison/%d/" % S["quic"])
    L.eq(st, 200, "detail")
    t = body.decode()
    for want in ("LS on QUIC multipath for ATSSS", "QUIC (quic)", "3gpp-sa2", "For Action",
                 "2027-03-01", "Action taken", "alice@3gpp.example", "Please find our liaison",
                 "attachments/1", "application/pdf", "13 bytes"):
        L.ok(want in t, "detail shows %r" % want)
    L.eq(get("liaison/%d" % S["quic"])[0], 200, "the mail's link (no slash) works")
    # In Response, both ways
    L.ok('<a class="related" href="/liaison/%d/">' % S["reply"] in t and "Answered by" in t,
         "the original links its answer")
    L.ok("<th>Action taken</th><td>yes</td>" in t, "the answer marked it action taken")
    r = get("liaison/%d/" % S["reply"])[2].decode()
    L.ok('<a class="related" href="/liaison/%d/">' % S["quic"] in r and "In response to" in r,
         "the answer links the original")
    for path in ("liaison/%d/" % S["rejected"], "liaison/%d/attachments/1" % S["rejected"],
                 "api/liaison/%d/" % S["rejected"], "liaison/999999/", "liaison/abc/",
                 "liaison/%d/attachments/9" % S["quic"], "liaison/../../etc/passwd",
                 "liaison/%d/attachments/..%%2f..%%2fliaisond.db" % S["quic"]):
        L.eq(get(path)[0], 404, "%s is 404" % path)


@L.test
def attachment_download_headers():
    st, h, body = get("liaison/%d/attachments/1" % S["quic"])
    L.eq(st, 200, "download")
    L.eq(body, b"%PDF-1.4 quic", "the stored bytes")
    L.eq(h["Content-Type"], "application/pdf", "content type")
    L.eq(h["X-Content-Type-Options"], "nosniff", "nosniff")
    cd = h["Content-Disposition"]
    L.ok(cd.startswith('attachment; filename="'), cd)
    L.ok("filename*=UTF-8''S2-2401234%20ATSSS%20%C3%A9t%C3%A9.pdf" in cd, "RFC 6266 name: " + cd)


@L.test
def hostile_title_is_escaped():
    for path in ("liaison/", "liaison/%d/" % S["hostile"]):
        t = get(path)[2].decode()
        L.ok("<script>" not in t and "<img src=x" not in t and "<b>bold" not in t,
             "%s: no markup from the statement" % path)
        L.ok("&lt;script&gt;" in t, "%s: shown as text" % path)


@L.test
def atom_feeds_parse():
    import feedparser
    for path, want in (("feed/liaison/recent/", {"quic", "mpls", "hostile"}),
                       ("feed/liaison/to/wit/", {"quic", "hostile"}),
                       ("feed/liaison/to/mpls/", {"mpls"}),
                       ("feed/liaison/from/3gpp-sa2/", {"quic", "mpls", "hostile"})):
        st, h, body = get(path)
        L.eq(st, 200, path)
        L.eq(h["Content-Type"].split(";")[0], "application/atom+xml", path)
        f = feedparser.parse(body)
        L.ok(not f.bozo, "%s is well-formed: %r" % (path, f.get("bozo_exception")))
        L.eq(f.version, "atom10", path)
        links = {e.link for e in f.entries}
        got = {k for k in ("quic", "mpls", "hostile") if S["w"].url("liaison/%d/" % S[k]) in links}
        L.eq(got, want, path)
    f = feedparser.parse(get("feed/liaison/recent/")[2])
    L.ok(any(e.title.startswith('<script>document.title="pwned"') for e in f.entries),
         "the hostile title is text in the feed")
    L.eq(get("feed/liaison/to/nosuchgroup/")[0], 404, "unknown group feed")


@L.test
def api_has_exactly_the_export_keys():
    export = {o["id"]: o for o in S["d"].ctl_json("export")}
    st, h, body = get("api/liaison/%d/" % S["quic"])
    L.eq((st, h["Content-Type"]), (200, "application/json"), "api detail")
    one = json.loads(body)
    L.eq(sorted(one.keys()), sorted(export[S["quic"]].keys()), "same keys as export")
    L.eq(one, export[S["quic"]], "same values as export")
    lst = json.loads(get("api/liaison/")[2])
    L.eq({o["id"] for o in lst}, set(export.keys()), "the list holds the posted statements")
    L.ok(all(sorted(o.keys()) == sorted(one.keys()) for o in lst), "every entry has the keys")
    L.eq({o["id"] for o in json.loads(get("api/liaison/?to=mpls")[2])}, {S["mpls"]}, "api filter")


@L.test
def anonymous_never_sees_secretariat_pages():
    for path in ("secr/pending/", "secr/%d/" % S["rejected"], "secr/status/", "secr/outbox/",
                 "secr/%d/attachments/1" % S["rejected"]):
        st, h, body = get(path, follow=False)
        L.eq(st, 303, "%s redirects to the login" % path)
        L.ok(h["Location"].endswith("/login"), h["Location"])
        L.ok(b"satellite" not in body, "nothing of the statement")
    st, _, _ = post("secr/%d/approve" % S["rejected"], {"csrf": "x"})
    L.eq(st, 403, "anonymous POST refused")
    # a forged cookie is nobody
    st, _, _ = get("secr/pending/", headers={"Cookie": "liaison_session=" + "0" * 64}, follow=False)
    L.eq(st, 303, "a forged session is not logged in")
    L.eq(S["d"].ctl_json("show", S["rejected"])["state"], "rejected", "still rejected")


@L.test
def post_without_csrf_token_is_refused():
    cookie = login()
    st, _, body = get("secr/pending/", headers={"Cookie": cookie})
    L.eq(st, 200, "logged in, Pending opens")
    L.ok(b"satellite" in body and b"unknown_to" in body, "the reject and its problem are listed")
    for fields in ({}, {"csrf": "0" * 64}):
        st, _, _ = post("secr/%d/discard" % S["rejected"], dict(fields, why="spam"), cookie=cookie)
        L.eq(st, 403, "discard with csrf=%r refused" % fields.get("csrf"))
    L.eq(S["d"].ctl_json("show", S["rejected"])["state"], "rejected", "nothing happened")
    # with the token it works: a comment, recorded with alice as the actor
    import re
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    st, _, _ = post("secr/%d/comment" % S["rejected"], {"csrf": token, "text": "looking"},
                    cookie=cookie)
    L.eq(st, 303, "comment with the token")
    hist = S["d"].ctl_json("history", S["rejected"])
    L.ok(any(e["kind"] == "comment" and e["actor"] == "alice" for e in hist),
         "the comment is in history by alice: %r" % hist)


@L.test
def secretariat_tabs_bulk_discard_restore_resend():
    d = S["d"]
    cookie = login()
    st, _, body = get("secr/pending/", headers={"Cookie": cookie})
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    for tab in ("posted", "dead", "outbox", "status"):
        st, h, b = get("secr/%s/" % tab, headers={"Cookie": cookie})
        L.eq(st, 200, "tab %s" % tab)
        L.eq(h["Cache-Control"], "no-store", "the secretariat's pages are not cached")
    L.ok(b"rejected" in b and b"posted" in b, "Status counts the states")
    # two more rejects, discarded at once from the Pending tab
    a = arrive(statement("LS on bulk one", "NOPE WG"))
    b2 = arrive(statement("LS on bulk two", "NOPE WG"))
    body = urllib.parse.urlencode([("csrf", token), ("tab", "pending"), ("id", a), ("id", b2),
                                   ("why", "test bulk"), ("action", "discard")]).encode()
    c = http.client.HTTPConnection("127.0.0.1", S["w"].port, timeout=30 * L.SLOW)
    c.request("POST", "/secr/bulk", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    page = r.read().decode()
    c.close()
    L.eq(r.status, 200, "bulk discard")
    L.ok("discard: 2 of 2 done." in page, "the notice counts them")
    for i in (a, b2):
        L.eq(d.ctl_json("show", i)["state"], "dead", "%d discarded" % i)
        L.ok(any(e["kind"] == "discarded" and e["actor"] == "alice"
                 for e in d.ctl_json("history", i)), "discard by alice")
    st, h, _ = post("secr/%d/restore" % a, {"csrf": token}, cookie=cookie)
    L.eq(st, 303, "restore")
    L.eq(d.ctl_json("show", a)["state"], "rejected", "restored to the queue")
    # resend of a posted statement queues its routing mail again
    before = len([m for m in d.ctl_json("outbox") if m.get("statement_id") == S["mpls"]])
    st, h, _ = post("secr/%d/resend" % S["mpls"], {"csrf": token}, cookie=cookie)
    L.eq(st, 303, "resend")
    after = len([m for m in d.ctl_json("outbox") if m.get("statement_id") == S["mpls"]])
    L.eq(after, before + 1, "one more routing mail in the outbox")
    # a refused transition is a clear answer, not a crash
    st, _, page = post("secr/%d/restore" % S["mpls"], {"csrf": token}, cookie=cookie)
    L.eq(st, 409, "restore of a posted statement is refused")


def outgoing(title):
    """A statement of the QUIC WG chair to 3GPP SA, waiting for its AD: pending."""
    d = S["d"]
    m = EmailMessage()
    m["From"] = "Matt Joras <matt.joras@example.com>"
    m["To"] = "statements@ietf.org"
    m["Subject"] = title
    m["Date"] = "Thu, 03 Dec 2026 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = "<webout%d.%d@ietf.example>" % (os.getpid(), L._mid[0])
    m.set_content("Title: %s\nFrom: IETF QUIC WG\n"
                  "From-Contact: Matt Joras <matt.joras@example.com>\nTo: 3GPP TSG SA\n"
                  "Purpose: For Information\n\nThe QUIC WG informs SA of its work.\n" % title)
    mid = d.submit(m.as_bytes(policy=email.policy.SMTP), mail_from="matt.joras@example.com")
    d.wait_state(mid, states=("pending", "posted", "rejected", "dead"))
    L.eq(d.ctl_json("show", mid)["state"], "pending", "the chair's statement waits for its AD")
    return mid


@L.test
def approve_pending_outgoing_by_its_approver_only():
    """An outgoing statement awaiting its AD: Approve by a login that is not
    an approver is refused (403, it stays pending); by the AD's login it is
    approved through flow_approve_by, how "web", the AD's address as approver."""
    d = S["d"]
    p = d.ctl("web-user", "add", "zahed", "--email", "zahed@example.com", "--role",
              "secretariat", input="another horse battery\n")
    L.ok("added zahed" in p.stdout, p.stdout)
    mid = outgoing("LS on QUIC multipath to SA")
    cookie = login()
    st, _, body = get("secr/pending/", headers={"Cookie": cookie})
    L.ok(b"QUIC multipath to SA" in body, "the Pending tab lists the pending statement")
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    st, _, page = post("secr/%d/approve" % mid, {"csrf": token}, cookie=cookie)
    L.eq(st, 403, "alice is not an approver")
    L.ok(b"alice@ietf.example is not an approver" in page, "the page says why: %r" % page[-600:])
    L.eq(d.ctl_json("show", mid)["state"], "pending", "still pending")
    cookie = login("zahed", "another horse battery")
    st, _, body = get("secr/pending/", headers={"Cookie": cookie})
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    st, _, _ = post("secr/%d/approve" % mid, {"csrf": token}, cookie=cookie)
    L.eq(st, 303, "the AD approves")
    s = d.ctl_json("show", mid)
    L.eq(s["state"], "posted", "approved and posted")
    L.eq((s["approval"]["by"], s["approval"]["how"]), ("zahed@example.com", "web"),
         "the approval: %r" % s["approval"])


@L.test
def logins_are_throttled():
    # from 127.0.0.1, as every test here: run it after the tests that log in
    for i in range(5):
        st, _, _ = post("login", {"name": "alice", "password": "wrong %d" % i})
        L.eq(st, 403, "wrong password %d" % i)
    st, _, _ = post("login", {"name": "alice", "password": "correct horse battery"})
    L.eq(st, 429, "the sixth attempt within a minute is refused, even the right one")


@L.test
def malformed_requests_get_an_answer_and_no_crash():
    w = S["w"]
    for raw in (b"GARBAGE\r\n\r\n", b"GET /liaison/ HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n",
                b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /liaison/ HTTP/1.1\r\nHost: x\r\n" + b"X-A: " + b"b" * 40000 + b"\r\n\r\n",
                b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\nname=a",
                b"GET /liaison/%00%ff/ HTTP/1.1\r\nHost: x\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", w.port), timeout=30 * L.SLOW)
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        try:
            while len(data) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        s.close()
        L.ok(data == b"" or data.startswith(b"HTTP/1."), "an HTTP answer or a close: %r" % data[:80])
        if data:
            code = int(data.split(b" ")[1])
            L.ok(400 <= code < 500, "a 4xx to %r: %d" % (raw[:40], code))
    L.ok(w.alive(), "liaisond-web is still running")
    L.eq(get("liaison/")[0], 200, "and serving")


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30 * L.SLOW)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30 * L.SLOW)
        self.sock.connect(self.path)


@L.test
def proxy_auth_believed_only_on_the_unix_socket():
    d = S["d"]
    port = L.free_port()
    sock = os.path.join(d.tmp, "proxy-web.sock")
    conf = os.path.join(d.tmp, "proxy.conf")
    sections = {k: dict(v) for k, v in d.sections.items()}
    sections["web"] = {"listen": "127.0.0.1:%d;unix:%s" % (port, sock), "auth": "proxy",
                       "proxy_user_header": "X-Remote-User"}
    sections["notify"]["base_url"] = "http://127.0.0.1:%d/liaison/" % port
    L.write_conf(conf, sections)
    w = L.Web(d, port, conf_path=conf).start()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30 * L.SLOW)
        c.request("GET", "/secr/pending/", headers={"X-Remote-User": "mallory"})
        r = c.getresponse()
        r.read()
        L.eq(r.status, 303, "over TCP the header is not believed")
        c.close()
        u = UnixHTTP(sock)
        u.request("GET", "/secr/pending/", headers={"X-Remote-User": "bob"})
        r = u.getresponse()
        body = r.read()
        L.eq(r.status, 200, "over the unix socket the proxy's user is logged in")
        L.ok(b"bob" in body and b"satellite" in body, "bob sees Pending")
        u.close()
        u = UnixHTTP(sock)
        u.request("GET", "/secr/pending/")
        r = u.getresponse()
        r.read()
        L.eq(r.status, 303, "without the header: nobody")
        u.close()
        L.eq(get("login")[0], 200, "(the password server still answers)")
    finally:
        L.eq(w.stop(), 0, "stops cleanly")
        w.close()


def browser_login(b, w):
    """Log alice in through the login form in browser B; she lands on Pending."""
    from selenium.webdriver.common.by import By
    b.get(w.url("login"))
    b.find_element(By.ID, "name").send_keys("alice")
    b.find_element(By.ID, "password").send_keys("correct horse battery")
    b.find_element(By.ID, "login").click()
    L.wait_for(lambda: b.current_url.endswith("/secr/pending/"), 30 * L.SLOW,
               "the login to land on Pending")


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    prof = L.tmpdir("liaison-chromium-")
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + prof, "--window-size=1200,1400"):
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


@L.test
def browser_secretariat_corrects_to_group_and_approves():
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from selenium.common.exceptions import NoAlertPresentException
    w, d, sink = S["w"], S["d"], S["sink"]
    # the throttle of the test above is per address and minute: a new server forgets it
    log = w.log()
    L.eq(w.stop(), 0, "the first server stops cleanly (no leak under ASan): %s" % log[-2000:])
    w.start()
    b = chromium()
    try:
        b.set_page_load_timeout(60 * L.SLOW)
        # public: a hostile title runs no script
        b.get(w.url("liaison/%d/" % S["hostile"]))
        L.ok(b.title != "pwned", "document.title unchanged: %r" % b.title)
        try:
            b.switch_to.alert
            L.ok(False, "an alert opened")
        except NoAlertPresentException:
            pass
        L.ok("<script>" in b.find_element(By.TAG_NAME, "h1").text, "the title shows as text")
        # public list, filter and detail by clicking
        b.get(w.url("liaison/"))
        Select(b.find_element(By.NAME, "to")).select_by_value("wit")
        b.find_element(By.CSS_SELECTOR, "form.filters button").click()
        L.wait_for(lambda: "to=wit" in b.current_url, 30 * L.SLOW, "the filtered list")
        rows = b.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
        L.eq(len(rows), 3, "to=wit in the browser (QUIC twice, TSVWG)")
        b.find_element(By.LINK_TEXT, "LS on QUIC multipath for ATSSS").click()
        L.wait_for(lambda: b.current_url.endswith("/liaison/%d/" % S["quic"]), 30 * L.SLOW,
                   "the detail page")
        L.ok("QUIC (quic)" in b.page_source, "detail opened from the list")
        # the secretariat
        browser_login(b, w)
        b.find_element(By.LINK_TEXT, "LS on satellite backhaul").click()
        L.wait_for(lambda: b.current_url.endswith("/secr/%d/" % S["rejected"]), 30 * L.SLOW,
                   "the statement page")
        L.ok(b.find_elements(By.CSS_SELECTOR, ".problem[data-code=unknown_to]"),
             "unknown_to is shown next to the To field")
        L.eq(len(b.find_elements(By.CSS_SELECTOR, "form input[name=force]")), 1,
             "a reject with errors can be approved despite them")
        L.ok(not b.find_elements(By.ID, "do-refuse"), "no Refuse on a reject (Discard is its)")
        b.save_screenshot(os.path.join(L.BUILD, "web-reject.png"))
        Select(b.find_element(By.ID, "to_pick")).select_by_value("quic")
        b.find_element(By.ID, "save").click()
        L.wait_for(lambda: "done=edit" in b.current_url, 30 * L.SLOW, "the edit to be saved")
        L.ok("Saved and checked again" in b.page_source, "saved")
        L.ok(not b.find_elements(By.CSS_SELECTOR, ".problem[data-code=unknown_to]"),
             "the problem is gone after re-validation")
        L.ok(not b.find_elements(By.CSS_SELECTOR, "form input[name=force]"),
             "no errors left: no 'despite errors'")
        b.save_screenshot(os.path.join(L.BUILD, "web-secretariat.png"))
        b.find_element(By.ID, "do-approve").click()
        L.wait_for(lambda: "done=approve" in b.current_url, 30 * L.SLOW, "the approval")
        L.ok("Approved" in b.page_source, "approved")
        rows = [r.text for r in b.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
        L.ok(any("alice" in r and "edit" in r for r in rows), "history: edit by alice %r" % rows)
        L.ok(any("alice" in r and "approve" in r for r in rows), "history: approve by alice %r" % rows)
    finally:
        b.quit()
    obj = d.ctl_json("show", S["rejected"])
    L.eq(obj["state"], "posted", "posted")
    L.eq(obj["to_groups"], ["quic"], "To corrected")
    subject = 'New Liaison Statement, "LS on satellite backhaul"'

    def routed():
        return [m for m in sink.snapshot() if str(m.msg["subject"]).replace("\n", " ") == subject
                and "quic@ietf.org" in [r.lower() for r in m.rcpt_tos]]
    mail = L.wait_for(routed, 30 * L.SLOW, "the routing mail to quic@ietf.org at the sink")[0]
    atts = [(p.get_filename(), p.get_content_type(), hashlib.sha256(p.get_content()).hexdigest())
            for p in mail.msg.iter_attachments()]
    L.eq(atts, [("S2-2409999 satellite backhaul.pdf", "application/pdf",
                 hashlib.sha256(SAT_PDF).hexdigest())],
         "the routing mail carries the document, the same bytes under its name")
    text = mail.msg.get_body(("plain",)).get_content()
    L.ok("(attached to this mail)" in text, "the text says it is attached:\n" + text)
    L.eq(get("liaison/%d/" % S["rejected"])[0], 200, "now public")


@L.test
def browser_secretariat_refuses_pending_outgoing():
    """A pending outgoing statement's page: Approve without 'despite
    errors', and Refuse with a reason, which does what `liaisonctl refuse`
    does (dead, its submitter told why), alice the actor."""
    from selenium.webdriver.common.by import By
    w, d, sink = S["w"], S["d"], S["sink"]
    title = "LS on QUIC version negotiation to SA"
    mid = outgoing(title)
    b = chromium()
    try:
        b.set_page_load_timeout(60 * L.SLOW)
        browser_login(b, w)
        b.find_element(By.LINK_TEXT, title).click()
        L.wait_for(lambda: b.current_url.endswith("/secr/%d/" % mid), 30 * L.SLOW,
                   "the statement page")
        L.ok(b.find_elements(By.ID, "do-approve"), "Approve is there")
        L.ok(not b.find_elements(By.CSS_SELECTOR, "form input[name=force]"),
             "no 'despite errors' on a pending statement")
        b.save_screenshot(os.path.join(L.BUILD, "web-pending.png"))
        b.find_element(By.ID, "refuse-why").send_keys("Please discuss it in the WG first")
        b.find_element(By.ID, "do-refuse").click()
        L.wait_for(lambda: "done=refuse" in b.current_url, 30 * L.SLOW, "the refusal")
        L.ok("Refused" in b.find_element(By.ID, "notice").text, "the page says so")
        rows = [r.text for r in b.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
        L.ok(any("alice" in r and "refused" in r and "Please discuss it in the WG first" in r
                 for r in rows), "history: refused by alice, with the reason %r" % rows)
        L.ok(not b.find_elements(By.ID, "do-refuse"), "nothing left to refuse")
    finally:
        b.quit()
    L.eq(d.ctl_json("show", mid)["state"], "dead", "liaisonctl show: dead")
    hist = d.ctl_json("history", mid)
    L.ok(any(e["kind"] == "refused" and e["actor"] == "alice" and
             "Please discuss it in the WG first" in (e.get("detail") or "") for e in hist),
         "liaisonctl history: refused by alice with the reason %r" % hist)

    def told():
        return [m for m in sink.snapshot() if "matt.joras@example.com" in m.rcpt_tos
                and "not approved" in str(m.msg["subject"]) and title in str(m.msg["subject"])]
    m = L.wait_for(told, 30 * L.SLOW, "the submitter's mail")[0]
    L.ok("Please discuss it in the WG first" in m.msg.get_body(("plain",)).get_content(),
         "the submitter is told why")
    # no reason, or not pending: a clear refusal, nothing changes
    cookie = login()
    st, _, body = get("secr/pending/", headers={"Cookie": cookie})
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    other = outgoing("LS on QUIC ACK frequency to SA")
    st, _, page = post("secr/%d/refuse" % other, {"csrf": token, "why": ""}, cookie=cookie)
    L.eq(st, 409, "a refusal without a reason is refused")
    L.ok(b"A refusal needs its reason." in page, "and says why")
    L.eq(d.ctl_json("show", other)["state"], "pending", "still pending")
    st, _, page = post("secr/%d/refuse" % S["rejected"], {"csrf": token, "why": "no"},
                       cookie=cookie)
    L.eq(st, 409, "a posted statement cannot be refused")
    L.ok(b"not pending" in page, "the flow's answer is shown")
    L.eq(d.ctl_json("show", S["rejected"])["state"], "posted", "still posted")


def design_table():
    """The states x events table docs/design.md prints (flow_table_markdown):
    {(event, state): the cell, "" where the event has no row}."""
    with open(os.path.join(L.TOP, "docs", "design.md")) as f:
        lines = f.read().splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("| event \\ state |"))
    states = [c.strip() for c in lines[i].strip().strip("|").split("|")][1:]
    table = {}
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for state, cell in zip(states, cells[1:]):
            table[(cells[0], state)] = cell
    L.ok(("restore", "dead") in table and ("resend", "posted") in table, "the table is read")
    return table


# a button's id on the statement page -> its event, as liaisonctl names it
BUTTONS = ("approve", "restore", "reprocess", "resend", "refuse", "discard", "comment")


def allowed_by_liaisonctl(sid, table):
    """The buttons whose command liaisonctl would carry out on SID now: its
    --dry-run exits 0 (approve as the page can: plainly, with --force for
    "despite errors", or by the approver of a pending statement; discard;
    reprocess, never forced from the page); restore, resend, refuse and
    comment have no --dry-run: the table in docs/design.md, which
    flow_table_markdown prints, says where they apply."""
    d = S["d"]

    def dry(*args):
        return d.ctl(*args, "--dry-run", check=False).returncode == 0
    state = d.ctl_json("show", sid)["state"]
    out = set()
    if (dry("approve", sid) or dry("approve", sid, "--force") or
            dry("approve", sid, "--by", "zahed@example.com")):
        out.add("approve")
    if dry("discard", sid, "--why", "checking"):
        out.add("discard")
    if dry("reprocess", sid):
        out.add("reprocess")
    for ev in ("restore", "resend", "refuse", "comment"):
        cell = table[(ev, state)]
        if cell and not cell.startswith("(force)"):
            out.add(ev)
    return out


@L.test
def buttons_only_where_the_flow_allows_them():
    """A statement page offers a button only where the flow table has a row
    for its event (liaisonctl --dry-run, or the table docs/design.md prints,
    agrees button by button), for a rejected, a posted, a discarded and a
    pending outgoing statement; a tab offers only the bulk actions its states
    have; a hand-made POST of an action not offered (with a good CSRF token)
    is still refused by the flow, its message shown, nothing changed. A
    screenshot of the posted statement's page: build/web-posted.png."""
    from selenium.webdriver.common.by import By
    w, d = S["w"], S["d"]
    table = design_table()
    sid = {"rejected": arrive(statement("LS on buttons, rejected", "NOPE WG")),
           "posted": arrive(statement("LS on buttons, posted", "IETF MPLS WG")),
           "dead": arrive(statement("LS on buttons, discarded", "NOPE WG")),
           "pending": outgoing("LS on buttons to SA")}
    d.ctl("discard", sid["dead"], "--why", "testing the buttons")
    for state, i in sid.items():
        L.eq(d.ctl_json("show", i)["state"], state, "statement %d" % i)
    # what the flow allows, written out, and what liaisonctl says: the same
    want = {"rejected": {"approve", "reprocess", "discard", "comment"},
            "posted": {"resend", "discard", "comment"},
            "dead": {"restore", "comment"},
            "pending": {"approve", "refuse", "discard", "comment"}}
    for state, i in sid.items():
        L.eq(allowed_by_liaisonctl(i, table), want[state], "liaisonctl on the %s statement" % state)
    b = chromium()
    try:
        b.set_page_load_timeout(60 * L.SLOW)
        browser_login(b, w)
        for state, i in sid.items():
            b.get(w.url("secr/%d/" % i))
            L.ok(b.find_elements(By.ID, "history"), "the %s statement's page" % state)
            shown = {e.get_attribute("id")[3:] for e in
                     b.find_elements(By.CSS_SELECTOR, ".actions button[id^=do-]")}
            L.eq(shown, allowed_by_liaisonctl(i, table), "the buttons of the %s statement"
                 % state)
            L.eq(len(b.find_elements(By.ID, "approve-force")), int(state == "rejected"),
                 "'despite errors' only on the reject with errors (%s)" % state)
            L.ok(b.find_elements(By.ID, "save"), "the %s statement can be edited" % state)
            if state == "posted":
                b.save_screenshot(os.path.join(L.BUILD, "web-posted.png"))
        # the tabs: bulk actions where the table has a row from a state of the tab
        for tab, states in (("pending", ("rejected", "pending")), ("posted", ("posted",)),
                            ("dead", ("dead",))):
            b.get(w.url("secr/%s/" % tab))
            L.ok(b.find_elements(By.CSS_SELECTOR, "table.list tbody tr"), "%s is not empty" % tab)
            for ev in ("approve", "discard"):
                L.eq(bool(b.find_elements(By.ID, "bulk-" + ev)),
                     any(table[(ev, st)] for st in states), "%s selected in %s" % (ev, tab))
            L.eq(bool(b.find_elements(By.CSS_SELECTOR, "input[name=id]")), tab != "dead",
                 "rows to select in %s" % tab)
    finally:
        b.quit()
    # a hand-made POST of what the page does not offer: the flow refuses it
    cookie = login()
    st, _, body = get("secr/%d/" % sid["posted"], headers={"Cookie": cookie})
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
    for state, action, says in (("posted", "restore", "is not discarded (it is posted)"),
                                ("posted", "approve", "is already posted"),
                                ("posted", "reprocess", "--force to do it anyway"),
                                ("rejected", "resend", "only posted statements are routed"),
                                ("rejected", "restore", "is not discarded (it is rejected)"),
                                ("dead", "discard", "is already discarded"),
                                ("dead", "approve", "restore it first"),
                                ("dead", "reprocess", "restore it first"),
                                ("pending", "resend", "not posted")):
        i = sid[state]
        L.ok(action not in want[state], "(%s is not offered on the %s statement)" % (action, state))
        before = len(d.ctl_json("history", i))
        st, _, page = post("secr/%d/%s" % (i, action), {"csrf": token, "why": "forced by hand"},
                           cookie=cookie)
        L.eq(st, 409, "%s of the %s statement is refused" % (action, state))
        notice = re.search(rb'<p class="error" id="notice">([^<]*)</p>', page)
        L.ok(notice and says in notice.group(1).decode(),
             "the flow's message %r: %r" % (says, notice and notice.group(1)))
        L.eq(d.ctl_json("show", i)["state"], state, "the %s statement is still %s" % (state, state))
        L.eq(len(d.ctl_json("history", i)), before, "nothing in its history")
    # and a bulk approve of a discarded statement, sent by hand from its tab
    body = urllib.parse.urlencode([("csrf", token), ("tab", "dead"), ("id", sid["dead"]),
                                   ("action", "approve")]).encode()
    c = http.client.HTTPConnection("127.0.0.1", w.port, timeout=30 * L.SLOW)
    c.request("POST", "/secr/bulk", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    page = r.read().decode()
    c.close()
    L.ok("approve: 0 of 1 done. %d: " % sid["dead"] in page and "restore it first" in page,
         "the bulk approve says why not: %r" % page[-800:])
    L.eq(d.ctl_json("show", sid["dead"])["state"], "dead", "still dead")


@L.test
def routing_mail_links_documents_over_attach_max():
    """[notify] attach_max below the document's size: the routing mail of a
    statement approved on the web links <base_url>/liaison/N/attachments/K,
    which serves the bytes, instead of attaching them."""
    w, d, sink = S["w"], S["d"], S["sink"]
    d.rewrite_conf("notify", attach_max=str(len(SAT_PDF) - 1))
    d.restart()
    try:
        title = "LS on satellite backhaul, second part"
        sid = arrive(statement(title, "QUIK WG",
                               attachments=[("S2-2409999 satellite backhaul.pdf", SAT_PDF)]))
        L.eq(d.ctl_json("show", sid)["state"], "rejected", "the unknown To is rejected")
        cookie = login()
        st, _, body = get("secr/%d/" % sid, headers={"Cookie": cookie})
        token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
        version = re.search(rb'name="version" value="(\d+)"', body).group(1).decode()
        st, _, _ = post("secr/%d/edit" % sid, {"csrf": token, "version": version,
                                               "to": "IETF QUIC WG"}, cookie=cookie)
        L.eq(st, 303, "the To corrected")
        st, _, page = post("secr/%d/approve" % sid, {"csrf": token}, cookie=cookie)
        L.eq(st, 303, "approved: %r" % page[-400:])
        L.eq(d.ctl_json("show", sid)["state"], "posted", "posted")
        subject = 'New Liaison Statement, "%s"' % title

        def routed():
            return [m for m in sink.snapshot() if str(m.msg["subject"]).replace("\n", " ") ==
                    subject and "quic@ietf.org" in [r.lower() for r in m.rcpt_tos]]
        mail = L.wait_for(routed, 30 * L.SLOW, "the routing mail")[0]
        L.eq(list(mail.msg.iter_attachments()), [], "over attach_max nothing is attached")
        text = mail.msg.get_body(("plain",)).get_content()
        link = w.url("liaison/%d/attachments/1" % sid)
        L.ok(link in text and "too large to attach" in text,
             "the text links %s and says why:\n%s" % (link, text))
        st, h, got = get("liaison/%d/attachments/1" % sid)
        L.eq((st, hashlib.sha256(got).hexdigest()), (200, hashlib.sha256(SAT_PDF).hexdigest()),
             "the link serves the document")
    finally:
        d.rewrite_conf("notify", attach_max="10485760")
        d.restart()


@L.test
def teardown():
    if "w" not in S:
        return
    w = S["w"]
    rc = w.stop()
    log = w.log()
    for k in ("w", "d", "sink"):
        if k in S:
            S.pop(k).close()
    L.eq(rc, 0, "liaisond-web stops cleanly on SIGTERM (no leak under ASan): %s" % log[-3000:])
    L.ok("Sanitizer" not in log, log[-3000:])


if __name__ == "__main__":
    L.main()
