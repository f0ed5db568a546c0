"""test_valgrind.py - valgrind memcheck of liaisond over the test corpus (issue 9,
"Memory safety"): 0 errors, 0 definite leaks.

liaisond (and, traced as a child, its parse worker `liaisond --worker parse`)
runs under memcheck while a representative subset of tests/corpus is
delivered over LMTP (plain statements, HTML-only, quoted-printable and
Latin-1 bodies, RFC 2231 file names, forwards attached and inline, a PDF, a
.docx, a 3GPP zip built here, hostile ones: MIME defects, deep nesting, path
traversal, encoded CRLF, S/MIME, and a zip bomb, an encrypted PDF and
entity-laden .docx files built here), every message is waited for until it
leaves 'received' and the outbox has drained to an SMTP sink; the session's
error paths, a transaction cut short in DATA and a reload (SIGHUP) are
driven too; then the daemon is stopped with SIGTERM. liaisonctl runs under
memcheck too: list, show, attachment, outbox, status, search, history,
rejects, and reprocess (the parser in liaisonctl). Every valgrind log must say "ERROR SUMMARY: 0 errors"
and lose no byte definitely.

Only for the plain build (ASan already checks build-asan, and valgrind
cannot run ASan binaries) and only when valgrind is installed.
Suppressions (library-internal one-time allocations only): tests/valgrind.supp.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import time

import liaison as L
import mkdocs

CORPUS = os.path.join(L.TOP, "tests", "corpus")
SUPP = os.path.join(L.TOP, "tests", "valgrind.supp")
VALGRIND = shutil.which("valgrind")

# A modest, representative subset: valgrind runs the code some 20-50 times slower.
NAMES = [
    "001-4053bis-body-action",          # 4053bis labels in the body
    "006-html-only-outlook",            # HTML only
    "007-alternative-qp-with-pdf",      # multipart/alternative, QP, a PDF
    "009-latin1-qp",                    # charset conversion
    "014-rfc2231-filenames",            # RFC 2231 parameters
    "015-forward-attached-thunderbird", # message/rfc822 forward
    "016-forward-inline-gmail",         # inline forwards
    "020-not-a-statement",              # ignored
    "023-unknown-to",                   # rejected
    "036-mime-defect",                  # hostile: broken MIME
    "039-deep-nesting",                 # hostile: nesting past the limit
    "040-path-traversal-filenames",     # hostile: file names
    "041-encoded-crlf-subject",         # hostile: header injection
    "042-smime-signed",                 # S/MIME
    "043-3gpp-statement-in-docx",       # a .docx read for its fields
]

# VALGRIND_FULL=1 (make valgrind VALGRIND_FULL=1): every corpus message, a few minutes.
if os.environ.get("VALGRIND_FULL") == "1":
    NAMES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(CORPUS, "[0-9]*.eml")))

DONE = ("posted", "rejected", "ignored", "dead")


def vg_args(logdir, tag):
    return [VALGRIND, "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
            "--track-fds=no", "--trace-children=yes", "--child-silent-after-fork=no",
            "--num-callers=30", "--suppressions=" + SUPP,
            "--log-file=" + os.path.join(logdir, "vg.%s.%%p.log" % tag)]


class VGDaemon(L.Daemon):
    """liaisond started under memcheck (the harness's Daemon, another argv)."""

    def start(self, wait=True):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            vg_args(self.tmp, "liaisond") + [L.LIAISOND, "--config", self.conf_path],
            stdout=logf, stderr=logf, env=self.env, stdin=subprocess.DEVNULL)
        logf.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                raise L.CheckFailed("liaisond under valgrind exited with %s:\n%s" % (
                    self.proc.returncode, self.log()[-3000:]))
            return L.listening(self.port)
        L.wait_for(ready, 60, "liaisond (valgrind) to listen on %d" % self.port, interval=0.2)


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def envelope_of(data):
    head = data.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    m = re.search(r"^From:.*?([^\s<>\"]+@[^\s<>\"]+)", head, re.M | re.I)
    return m.group(1) if m else "sender@example.org"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def doc_mail(subject, attachments):
    """A multipart/mixed mail from 3GPP; ATTACHMENTS are (path, type)."""
    import email.message
    import email.policy
    m = email.message.EmailMessage()
    m["From"] = "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>"
    m["To"] = "statements@ietf.org"
    m["Subject"] = subject
    m["Date"] = "Mon, 02 Sep 2024 10:00:00 +0000"
    L._mid[0] += 1
    m["Message-ID"] = "<vg%d.%d@test.example>" % (os.getpid(), L._mid[0])
    m.set_content("Please find the LS attached.\n")
    for path, ctype in attachments:
        with open(path, "rb") as f:
            main, sub = ctype.split("/", 1)
            m.add_attachment(f.read(), maintype=main, subtype=sub,
                             filename=os.path.basename(path))
    return m.as_bytes(policy=email.policy.SMTP)


def document_mails(tmp):
    """A 3GPP LS the way 3GPP mails it (S3-247001.zip holding the .docx), and
    one mail of hostile documents: a zip bomb, an encrypted PDF, a .docx with
    an external entity, the billion laughs."""
    p = lambda name: os.path.join(tmp, name)
    mkdocs.ls_3gpp_docx(p("S3-247001.docx"), tdoc="S3-247001")
    mkdocs.zipfile_of(p("S3-247001.zip"), [("S3-247001.docx", p("S3-247001.docx"))])
    mkdocs.zip_bomb(p("S3-249999.zip"), mib=50)
    mkdocs.pdf(p("LIAISE-440.pdf"), mkdocs.bbf_lines(), password="secret")
    mkdocs.xxe_docx(p("S3-249998.docx"))
    mkdocs.laughs_docx(p("S3-249997.docx"))
    return [("3gpp-zip", doc_mail("LS on something (S3-247001)",
                                  [(p("S3-247001.zip"), "application/zip")])),
            ("hostile-documents", doc_mail("LS with hostile documents (S3-249999)",
                                           [(p("S3-249999.zip"), "application/zip"),
                                            (p("LIAISE-440.pdf"), "application/pdf"),
                                            (p("S3-249998.docx"), DOCX),
                                            (p("S3-249997.docx"), DOCX)]))]


def vg_logs(logdir, tag):
    return sorted(glob.glob(os.path.join(logdir, "vg.%s.*.log" % tag)))


def check_logs(paths):
    """Figures over the valgrind logs; raises with the offending log's text."""
    errors, definite, bad = 0, 0, []
    for p in paths:
        with open(p, errors="replace") as f:
            text = f.read()
        m = re.search(r"ERROR SUMMARY: ([\d,]+) errors", text)
        if not m:
            bad.append("%s: no ERROR SUMMARY (the process was killed?)\n%s" % (p, text[-3000:]))
            continue
        n = int(m.group(1).replace(",", ""))
        lost = sum(int(x.replace(",", "")) for x in
                   re.findall(r"definitely lost: ([\d,]+) bytes", text))
        errors += n
        definite += lost
        if n or lost:
            bad.append("%s: %d errors, %d bytes definitely lost\n%s" % (p, n, lost, text[-12000:]))
    return errors, definite, bad


def wait_exit(paths_fn, timeout):
    """Every valgrind log finished (an ERROR SUMMARY line), bounded."""
    def done():
        ps = paths_fn()
        for p in ps:
            with open(p, errors="replace") as f:
                if "ERROR SUMMARY" not in f.read():
                    return False
        return bool(ps)
    L.wait_for(done, timeout, "valgrind logs to finish", interval=0.5)


@L.test
def daemon_and_ctl_under_memcheck_clean():
    if L.SANITIZED:
        L.skip("ASan+UBSan build: ASan checks it; valgrind runs the plain build only")
    if not VALGRIND:
        L.skip("valgrind is not installed (scripts/deps.sh installs it)")
    with L.SMTPSink() as sink:
        d = VGDaemon(smtp=sink, conf={"parser": {"parse_timeout": "300"},
                                      "liaisond": {"drain_timeout": "60"}})
        d.start()
        msgs = []
        for n in NAMES:
            with open(os.path.join(CORPUS, n + ".eml"), "rb") as f:
                data = f.read()
            msgs.append((n, envelope_of(data), crlf(data)))
        for n, data in document_mails(d.tmp):
            msgs.append((n, "3GPPLiaison@etsi.org", data))

        c = d.lmtp()
        c.lhlo()
        for n, env, data in msgs:
            r = c.send(env, ["statements@ietf.org"], data)
            L.eq(r[0][0], 250, "%s: delivery reply %r" % (n, r))
            c.cmd("RSET")
        # The session's error paths: an unknown command, a command out of
        # sequence, a recipient refused.
        L.eq(c.cmd("BOGUS")[0] // 100, 5, "unknown command refused")
        L.eq(c.cmd("RCPT TO:<statements@ietf.org>")[0], 503, "RCPT before MAIL")
        L.eq(c.cmd("MAIL FROM:<a@example.org>")[0], 250, "MAIL")
        L.eq(c.cmd("RCPT TO:<nobody@ietf.org>")[0], 550, "unknown recipient")
        c.cmd("QUIT")
        c.close()
        # A transaction abandoned halfway through DATA.
        c = d.lmtp()
        c.lhlo()
        c.cmd("MAIL FROM:<a@example.org>")
        c.cmd("RCPT TO:<statements@ietf.org>")
        L.eq(c.cmd("DATA")[0], 354, "DATA")
        c.send_raw(b"Subject: cut short\r\n\r\nhalf a line")
        c.close()

        def all_done(n):
            rows = d.ctl_json("list")
            return len(rows) == n and all(r["state"] in DONE for r in rows) and rows
        L.wait_for(lambda: all_done(len(msgs)), max(120, 8 * len(msgs)),
                   "%d messages to leave 'received'" % len(msgs), interval=0.5)
        # A reload (the worker reads the directory again), then one more message.
        d.signal(signal.SIGHUP)
        L.wait_for(lambda: "event=reload" in d.log(), 30, "the reload to be logged")
        msgs.append(("after-reload", "sender@example.org", L.make_message(
            subject="Liaison statement after a reload",
            body="Title: LS after reload\nFrom: ITU-T SG15\nTo: IETF\nPurpose: For information\n")))
        d.submit(msgs[-1][2])
        rows = L.wait_for(lambda: all_done(len(msgs)), 60, "the message after the reload",
                          interval=0.5)
        states = sorted({r["state"] for r in rows})
        L.ok("posted" in states, "some statements posted: %r" % states)

        def drained():
            out = d.ctl_json("outbox", "--all")
            return out and not [o for o in out if o["state"] == "queued"] and out
        out = L.wait_for(drained, max(90, 4 * len(msgs)), "the outbox to drain", interval=0.5)
        L.ok(all(o["state"] == "sent" for o in out),
             "every mail sent: %r" % [(o["id"], o["state"], o["last_error"]) for o in out])

        # liaisonctl under memcheck: a few read commands.
        posted = [r["id"] for r in rows if r["state"] == "posted"]
        with_att = None
        for r in rows:
            s = d.ctl_json("show", r["id"])
            if s.get("attachments"):
                with_att = r["id"]
                break
        L.ok(with_att, "a statement with an attachment")
        ctl_cmds = [["list"], ["show", str(posted[0]), "--json"],
                    ["attachment", str(with_att), "1", "-o", os.path.join(d.tmp, "att.bin")],
                    ["outbox", "--json"], ["status"], ["search", "liaison", "--json"],
                    ["history", str(posted[0]), "--json"], ["rejects", "--json"],
                    ["reprocess", "--all-rejected"]]   # the parser, in liaisonctl
        # Side by side: each is mostly valgrind reading the libraries' symbols.
        procs = [(args, subprocess.Popen(vg_args(d.tmp, "liaisonctl") +
                                         [L.LIAISONCTL, "--config", d.conf_path] + args,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
                 for args in ctl_cmds]
        for args, p in procs:
            try:
                _, err = p.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)
                raise L.CheckFailed("liaisonctl %s under valgrind: no exit in 120 s" % args[0])
            # status exits 1 when something needs a person (a reject waits);
            # 99 is memcheck's.
            L.ok(p.returncode in (0, 1) if args[0] == "status" else p.returncode == 0,
                 "liaisonctl %s exited %d: %s" % (" ".join(args), p.returncode,
                                                 err.decode(errors="replace")[-2000:]))

        rc = d.stop(timeout=120)
        L.eq(rc, 0, "liaisond's exit status under valgrind (99: memcheck errors)")
        wait_exit(lambda: vg_logs(d.tmp, "liaisond"), 60)

        dlogs, clogs = vg_logs(d.tmp, "liaisond"), vg_logs(d.tmp, "liaisonctl")
        L.ok(len(dlogs) >= 2, "logs of the daemon and its parse worker: %r" % dlogs)
        L.eq(len(clogs), len(ctl_cmds), "one log per liaisonctl run")
        errors, definite, bad = check_logs(dlogs + clogs)
        print("# memcheck: %d processes (%d liaisond/worker, %d liaisonctl), %d messages, "
              "%d errors, %d bytes definitely lost" % (len(dlogs) + len(clogs), len(dlogs),
                                                       len(clogs), len(msgs), errors, definite),
              flush=True)
        if bad:
            raise L.CheckFailed("memcheck found problems:\n" + "\n\n".join(bad))
        d.close()


L.main()
