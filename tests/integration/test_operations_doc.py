"""test_operations_doc.py - the walk-through of docs/operations.md, run end to
end against a private Postfix: the Postfix settings, the outgoing listener,
the smoke test and the log lines are read out of the document itself, so the
guide cannot drift from what works.

Nothing outside the test's folders is touched: /etc/postfix/ in the guide
becomes the private instance's folder, /run/liaisond/lmtp.sock the test
daemon's socket, port 10025 a free port, and mail that Postfix would send
out goes to an aiosmtpd sink on 127.0.0.1."""

import os
import re
import shlex
import subprocess

import liaison as L

DOC = os.path.join(L.TOP, "docs", "operations.md")
FIX = os.path.join(L.TOP, "tests", "fixtures", "datatracker")
POSTMAP = "/usr/sbin/postmap"


def blocks():
    """Every fenced block of the guide as (info string, text)."""
    text = open(DOC).read()
    return [(m.group(1), m.group(2)) for m in
            re.finditer(r"^```([a-z]*)\n(.*?)^```\n", text, re.M | re.S)]


def block(pred, what):
    found = [b for b in blocks() if pred(b[0], b[1])]
    L.ok(found, "docs/operations.md has the %s" % what)
    return found[0][1]


class Guide:
    """The pieces of the walk-through, with the machine's paths and ports
    replaced by the test's."""

    def __init__(self, pf_dir, sock, out_port):
        self.pf_dir = pf_dir
        self.sock = sock
        self.out_port = out_port

    def local(self, text):
        return (text.replace("/etc/postfix/", self.pf_dir + "/")
                .replace("/run/liaisond/lmtp.sock", self.sock)
                .replace("127.0.0.1:10025", "127.0.0.1:%d" % self.out_port))

    def run_sh(self, text, main):
        """The guide's shell lines for Postfix: echo >> a map, postmap, postconf -e."""
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            argv = shlex.split(self.local(line))
            if argv[0] == "echo" and argv[-2] == ">>":
                with open(argv[-1], "a") as f:
                    f.write(" ".join(argv[1:-2]) + "\n")
            elif argv[0] == "postmap":
                p = subprocess.run([POSTMAP, "-c", self.pf_dir, "hash:" + argv[1]],
                                   capture_output=True, text=True, timeout=60)
                L.eq(p.returncode, 0, "postmap %s: %s" % (argv[1], p.stderr))
            elif argv[0] == "postconf" and argv[1] == "-e":
                for kv in argv[2:]:
                    k, v = kv.split("=", 1)
                    main[k.strip()] = v.strip()
            else:
                raise L.CheckFailed("the guide's Postfix steps have a command the test does"
                                    " not know: %r" % line)


def ini(text):
    """An ini block as {section: {key: value}}."""
    out, sec = {}, None
    for line in text.splitlines():
        m = re.match(r"\[(.+)\]$", line.strip())
        if m:
            sec = out.setdefault(m.group(1), {})
        elif "=" in line and sec is not None:
            k, v = line.split("=", 1)
            sec[k.strip()] = v.strip()
    return out


def log_fields(line):
    """A Postfix log line as (program, [keys in order], {key: value})."""
    m = re.match(r"(?:.*? )?(postfix/[a-z/-]+)\[\d+\]: (?:[0-9A-Za-z]+: )?(.*)$", line)
    if not m:
        return None
    keys, vals = [], {}
    for part in re.split(r", (?=[a-z_]+=)", m.group(2)):
        if "=" in part:
            k, v = part.split("=", 1)
            keys.append(k)
            vals[k] = v
    return m.group(1), keys, vals


def matching_line(log, doc_line, check):
    """The first line of LOG with DOC_LINE's program and keys (same order) for
    which CHECK(values) holds."""
    prog, keys, _ = log_fields(doc_line)
    for line in log.splitlines():
        f = log_fields(line)
        if f and f[0] == prog and f[1] == keys and check(f[2]):
            return line
    return None


@L.test
def test_operations_walkthrough():
    if not os.path.exists(POSTMAP):
        L.skip("postfix is not installed")
    tmp = L.tmpdir()
    you = "you@example.org"
    with L.SMTPSink() as sink:
        out_port = L.free_port()
        d = L.Daemon(conf={"liaisond": {"socket_group": "postfix", "socket_mode": "0660"},
                           "notify": {"retry_initial": "1"}},
                     directory=os.path.join(tmp, "directory.conf"), tmp=tmp)
        pf = L.Postfix(transport="unused", tmp=L.tmpdir("liaison-postfix-"))
        g = Guide(pf.dir, d.sock, out_port)
        os.makedirs(pf.dir, exist_ok=True)
        open(os.path.join(pf.dir, "main.cf"), "w").close()   # for postmap; start() writes it

        # Section 2: the directory from the datatracker, checked.
        d.ctl("directory", "import", *[os.path.join(FIX, f) for f in
                                       ("groups.json", "roles.json", "persons.json")])
        # Section 4: Postfix, as the guide says: the transport, the maps, the
        # outgoing listener (mail leaving Postfix goes to the sink).
        master = []
        transport_line = block(lambda i, t: "lmtp" in t and t.lstrip().startswith("# service"),
                               "master.cf transport for liaisond")
        master += [l for l in transport_line.splitlines() if l and not l.startswith("#")]
        listener = block(lambda i, t: t.startswith("127.0.0.1:10025 inet"), "outgoing listener")
        master += g.local(listener).splitlines()
        main = {}
        g.run_sh(block(lambda i, t: "transport_maps" in t and "postmap" in t, "transport_maps steps"), main)
        g.run_sh(block(lambda i, t: "relay_recipient_maps" in t and "postmap" in t,
                       "recipient validation steps"), main)
        L.ok("relay_domains" in main, "the recipient table comes with relay_domains")
        main.update({"relay_transport": "smtp:[127.0.0.1]:%d" % sink.port,
                     "default_transport": "smtp:[127.0.0.1]:%d" % sink.port})
        pf.main_extra, pf.master_extra = main, master

        # liaisond's smtp_url from the guide; the smoke test's groups and
        # the test-only secretariat and coordinators.
        notify = ini(g.local(block(lambda i, t: i == "ini" and "smtp_url" in t, "smtp_url setting")))
        L.eq(notify["notify"]["smtp_url"], "smtp://127.0.0.1:%d" % out_port, "smtp_url")
        d.rewrite_conf("notify", **notify["notify"])
        smoke_conf = ini(block(lambda i, t: "secretariat" in t and "liaison_coordinators" in t,
                               "smoke test's secretariat and coordinators"))
        d.rewrite_conf("notify", **smoke_conf["notify"])
        groups = block(lambda i, t: "[smoke-wg]" in t, "smoke test groups")
        with open(os.path.join(tmp, "directory.conf"), "a") as f:
            f.write("\n" + groups)
        p = d.ctl("check-config")
        L.ok(p.stdout.rstrip().endswith("ok"), "check-config: %s" % p.stdout)

        d.start()
        pf.start()
        # Postfix's own port still refuses other @ietf.org recipients (why the
        # listener exists) and the listener takes them.
        for port, want in ((pf.smtp_port, 550), (out_port, 250)):
            p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port),
                                "--from", "statements-noreply@ietf.org", "--to", "quic@ietf.org",
                                "--quit-after", "RCPT", "--timeout", "30"],
                               capture_output=True, text=True, timeout=60 * L.SLOW)
            L.ok(re.search(r"-> RCPT TO:<quic@ietf.org>\n<\S*\s+%d " % want, p.stdout),
                 "RCPT quic@ietf.org on port %d answers %d:\n%s" % (port, want, p.stdout[-800:]))
            if want == 550:
                L.ok("User unknown in relay recipient table" in p.stdout,
                     "the refusal the guide quotes:\n%s" % p.stdout[-500:])

        # The smoke test: the guide's message, by swaks, through Postfix.
        sh = block(lambda i, t: "cat > smoke.eml" in t, "smoke test commands")
        eml = re.search(r"<<'END'\n(.*?)^END$", sh, re.S | re.M).group(1)
        L.ok("swaks" in sh and "--to statements@ietf.org" in sh, "the smoke test uses swaks")
        pf.swaks(you, "statements@ietf.org", eml.replace("\n", "\r\n").encode())
        rows = L.wait_for(lambda: [r for r in d.ctl_json("list")
                                   if r["message_id"] == "<liaisond-smoke-1@example.org>"
                                   or r["message_id"] == "liaisond-smoke-1@example.org"], 60,
                          "the smoke statement in liaisond")
        st = d.wait_state(rows[0]["id"])
        L.eq(st["state"], "posted", "the smoke statement is posted (problems %r)" % st.get("problems"))
        L.eq(st["to_groups"], ["smoke-wg"], "to the smoke group")
        mails = L.wait_for(lambda: [m for m in d.ctl_json("outbox", "--all")
                                    if m["statement_id"] == rows[0]["id"]] if all(
            m["state"] == "sent" for m in d.ctl_json("outbox", "--all")) else None, 60,
            "the smoke test's mail sent")
        L.eq(sorted(m["kind"] for m in mails), ["ack", "routing"], "routing and acknowledgement")
        got = L.wait_for(lambda: len(sink.snapshot()) >= 2 and sink.snapshot(), 60,
                         "the mail at the sink")
        rcpts = {a.lower() for m in got for a in m.rcpt_tos}
        L.eq(rcpts, {you}, "the smoke test reaches nobody but you")

        # The log lines the guide shows are the ones Postfix prints.
        logs = block(lambda i, t: t.startswith("postfix/lmtp["), "Postfix log lines")
        doc_lines = logs.splitlines()
        log = pf.log()
        doc_relay = log_fields(doc_lines[0])[2]["relay"]
        L.ok(re.match(r"^[a-z0-9.-]+\[/run/liaisond/lmtp\.sock\]$", doc_relay),
             "the guide's relay= is HOST[SOCKET]: %r" % doc_relay)
        L.ok(matching_line(log, doc_lines[0], lambda v: v.get("relay") == "postfix-test.example[%s]" % d.sock
                           and v.get("status", "").startswith("sent (250 2.0.0 <statements@ietf.org>")
                           and re.search(r"stored as \d+\)$", v["status"])),
             "the lmtp delivery line as the guide shows it:\n%s\n--- log:\n%s" % (doc_lines[0], log[-3000:]))
        L.ok(matching_line(log, doc_lines[1], lambda v: v.get("client", "").endswith("[127.0.0.1]")),
             "liaisond's mail through its listener:\n%s\n--- log:\n%s" % (doc_lines[1], log[-3000:]))
        L.ok(matching_line(log, doc_lines[2], lambda v: v.get("to") == "<%s>" % you
                           and v.get("status", "").startswith("sent (250")),
             "the mail leaving Postfix:\n%s\n--- log:\n%s" % (doc_lines[2], log[-3000:]))
        pf.close()
        d.close()



@L.test
def test_permit_mynetworks_first_does_not_help():
    """What the guide says of the other way round the recipient table:
    permit_mynetworks first in smtpd_recipient_restrictions still has
    liaisond's mail to the lists refused on the public port."""
    if not os.path.exists(POSTMAP):
        L.skip("postfix is not installed")
    guide = open(DOC).read()
    L.ok(re.search(r"permit_mynetworks`[^.]*\*\*not\*\* help", guide.replace("\n", " ")),
         "the guide says permit_mynetworks first does not help")
    pf = L.Postfix(transport="error:unused", main={
        "smtpd_recipient_restrictions": "permit_mynetworks, reject_unauth_destination",
        "relay_transport": "smtp:[127.0.0.1]:9", "default_transport": "smtp:[127.0.0.1]:9"})
    pf.start()
    p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(pf.smtp_port),
                        "--from", "statements-noreply@ietf.org", "--to", "quic@ietf.org",
                        "--quit-after", "RCPT", "--timeout", "30"],
                       capture_output=True, text=True, timeout=60 * L.SLOW)
    L.ok(re.search(r"-> RCPT TO:<quic@ietf.org>\n<\S*\s+550 5\.1\.1 .*relay recipient table",
                   p.stdout), "still refused:\n%s" % p.stdout[-600:])
    pf.close()


L.main()
