"""test_cli_output.py - liaisonctl as an operator reads it: list, rejects and
outbox in fixed columns that fit 80 (cut with an ellipsis; nothing cut in a
pipe), outbox like postqueue -p, history in words, the pager, --json and
exit 64 for bad option values everywhere, search by the directory tree."""

import json
import os
import re
import subprocess
import time
import unicodedata

import liaison as L

SLOW = L.SLOW

DIRECTORY = """\
[quic]
type = wg
name = QUIC
parent = wit
list = quic@ietf.org
chairs = Matt Joras <matt@example.com>, Lucas Pardue <lucas@example.com>
aliases = QUIC WG

[wit]
type = area
name = Web and Internet Transport
ads = Zahed <zahed@example.com>

[ietf]
type = ietf
name = The IETF
chairs = IETF Chair <chair@ietf.org>

[iesg]
type = iesg
name = IESG
list = iesg@ietf.org

[iab]
type = iab
name = IAB
list = iab@iab.org

[3gpp]
type = sdo
name = 3GPP
liaison_managers = 3GPP Liaison Manager <3gpp-liaison@ietf.org>

[3gpp-ct4]
type = sdo
name = 3GPP TSG CT WG4
parent = 3gpp
aliases = 3GPP CT4; CT4
contacts = 3GPPLiaison@etsi.org
"""

LONG_TITLE = ("LS on the use of QUIC connection migration for multi-access traffic steering,"
              " switching and splitting in 5G systems, with a very long title indeed")
REFUSED = "an-extraordinarily-long-recipient-address-for-testing@example.com"


def directory_file():
    path = os.path.join(L.tmpdir("cli-dir-"), "directory.conf")
    with open(path, "w") as f:
        f.write(DIRECTORY)
    return path


def statement(title=LONG_TITLE, to="IETF QUIC WG", frm="3GPP CT4", msgid=None):
    body = ("Title: %s\r\nFrom: %s\r\nFrom-Contact: Expert One <expert@3gpp.example>\r\n"
            "To: %s\r\nTo-Contact: %s\r\nPurpose: For Information\r\n\r\n"
            "3GPP CT4 tells the QUIC WG about the attached.\r\n" % (title, frm, to, REFUSED))
    return L.make_message(subject=title, body=body, message_id=msgid,
                          from_="Liaison Sender <sender@3gpp.example>")


def width(line):
    """Columns LINE takes on a terminal (wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in line)


def ctl(d, *args, columns=None, check=True, env=None):
    e = dict(env or {})
    e.pop("COLUMNS", None)
    if columns:
        e["COLUMNS"] = str(columns)
    full = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", **e)
    if not columns:
        full.pop("COLUMNS", None)
    p = subprocess.run([L.LIAISONCTL, "--config", d.conf_path] + [str(a) for a in args],
                       capture_output=True, text=True, env=full, timeout=60 * SLOW)
    if check and p.returncode != 0:
        raise L.CheckFailed("liaisonctl %s exited %d: %s" % (args, p.returncode, p.stderr))
    return p


def setup(sink):
    d = L.Daemon(conf={"notify": {"retry_initial": "1"}}, directory=directory_file(), smtp=sink)
    d.start()
    posted = d.submit(statement())
    d.wait_state(posted)
    rejected = d.submit(statement(to="Nobody Known Here", msgid="<rej@3gpp.example>",
                                  title="A rejected statement with a title too long for eighty"
                                        " columns of terminal, surely"))
    d.wait_state(rejected)
    return d, posted, rejected


def refuse(addr):
    if addr == REFUSED:
        return ("550 5.1.1 <%s>: Recipient address rejected: User unknown in relay recipient"
                " table" % addr)
    return None


@L.test
def test_list_rejects_outbox_fit_80_columns():
    with L.SMTPSink(rcpt_reply=refuse) as sink:
        d, posted, rejected = setup(sink)
        L.wait_for(lambda: any(m["state"] == "failed" or
                               any(True for _ in m["to"]) and m["last_error"]
                               for m in d.ctl_json("outbox", "--all")), 30,
                   "a refused recipient in the outbox")
        L.wait_for(lambda: not d.ctl_json("outbox", "--state", "queued"), 30, "the queue to drain")
        for cmd, head in ((["list"], r"^ *ID  RECEIVED +STATE +PROB  SENDER +TITLE$"),
                          (["rejects"], r"^ *ID +AGE  SENDER +ERRORS +TITLE$"),
                          (["outbox", "--all"], r"^ *ID +STMT  KIND +STATE +TRIES  CREATED \(UTC\) +SUBJECT$"),
                          (["outbox"], r"^ *ID +STMT  KIND +STATE +TRIES  CREATED \(UTC\) +SUBJECT$")):
            out = ctl(d, *cmd, columns=80).stdout
            lines = out.splitlines()
            L.ok(re.match(head, lines[0]), "%s header: %r" % (cmd, lines[0]))
            wide = [l for l in lines if width(l) > 80]
            L.eq(wide, [], "%s lines wider than 80 columns:\n%s" % (cmd, out))
            full = ctl(d, *cmd).stdout      # a pipe without $COLUMNS: nothing cut
            L.ok("\u2026" not in full, "%s in a pipe is not cut:\n%s" % (cmd, full))
            if cmd != ["rejects"] and cmd != ["outbox"]:
                L.ok(LONG_TITLE in full, "%s in a pipe has the whole title" % cmd)
            L.ok("\u2026" in out or cmd == ["outbox"], "%s cut with an ellipsis:\n%s" % (cmd, out))
        # list: one line per message, the title cut to exactly the width left
        out = ctl(d, "list", columns=80).stdout.splitlines()
        row = [l for l in out if re.match(r"^ *%d " % posted, l)][0]
        L.eq(width(row), 80, "a row with a long title takes the 80 columns: %r" % row)
        L.ok(row.endswith("\u2026"), "ends with an ellipsis: %r" % row)
        # outbox like postqueue -p: the refused recipient under its reason in
        # parentheses, on a line of its own and whole; sent mail only with --all
        out = ctl(d, "outbox", columns=80).stdout
        L.ok(REFUSED + " failed" in out or REFUSED + " (cc) failed" in out,
             "the refused address is whole:\n%s" % out)
        L.ok(re.search(r"^\(550 5\.1\.1", out, re.M), "the reason in parentheses:\n%s" % out)
        L.ok("quic@ietf.org" not in out, "sent recipients are not listed:\n%s" % out)
        unsent = d.ctl_json("outbox")
        L.ok(unsent and all(m["state"] != "sent" for m in unsent), "outbox --json: unsent only")
        everything = d.ctl_json("outbox", "--all")
        L.ok(len(everything) > len(unsent), "--all lists the sent mail too")
        ids = [l.split()[0] for l in out.splitlines()[1:] if re.match(r"^ *\d+ ", l)]
        L.eq(sorted(map(int, ids)), sorted(m["id"] for m in unsent), "one entry per mail")
        L.ok(re.search(r"^-- \d+ mails?: ", out, re.M), "a last line counts them")
        allout = ctl(d, "outbox", "--all", columns=80).stdout
        L.ok("quic@ietf.org" in allout, "--all shows sent recipients:\n%s" % allout)
        d.close()


@L.test
def test_bad_option_values_are_64_and_json_everywhere():
    with L.SMTPSink(rcpt_reply=refuse) as sink:
        d, posted, rejected = setup(sink)
        for args in (["list", "--state", "bogus"], ["outbox", "--state", "bogus"],
                     ["outbox", "--bogus"], ["rejects", "extra"],
                     ["edit", rejected, "title=x", "--version", "-3"],
                     ["search", "--state", "bogus"], ["remind", "--today", "2030-13-01", "--yes"]):
            p = ctl(d, *args, check=False)
            L.eq(p.returncode, 64, "%s: %s %s" % (args, p.stdout, p.stderr))
            L.eq(p.stdout, "", "%s prints nothing on stdout" % args)
        # edit --version 0 is checked against the statement, not skipped
        v = [r for r in d.ctl_json("rejects") if r["id"] == rejected][0]["version"]
        L.ok(v >= 1, "version %r" % v)
        p = ctl(d, "edit", rejected, "title=Changed", "--version", "0", check=False)
        L.eq(p.returncode, 65, "edit --version 0 is a conflict: %s" % p.stderr)
        L.ok(d.ctl_json("show", rejected)["title"] != "Changed", "nothing changed")
        L.ok(v != 0, "0 is not the statement's version")
        # resend and outbox retry answer in JSON
        L.wait_for(lambda: d.ctl_json("outbox", "--state", "failed"), 30, "a failed mail")
        out = d.ctl_json("resend", posted)
        L.eq(out, {"statement_id": posted, "state": "queued"}, "resend --json")
        failed = d.ctl_json("outbox", "--state", "failed")[0]["id"]
        out = d.ctl_json("outbox", "retry", failed)
        L.eq(out, {"id": failed, "state": "queued"}, "outbox retry --json")
        # submit, show --text: JSON too; raw (bytes) refuses --json instead of ignoring it
        eml = os.path.join(d.tmp, "again.eml")
        with open(eml, "wb") as f:
            f.write(statement(msgid="<again@3gpp.example>"))
        out = d.ctl_json("submit", eml)
        L.ok(isinstance(out.get("id"), int) and out.get("duplicate") is False, "submit --json: %r" % out)
        L.eq(d.ctl_json("submit", eml), {"id": out["id"], "duplicate": True}, "submit --json again")
        out = d.ctl_json("show", posted, "--text")
        L.eq(out, {"id": posted, "documents": []}, "show --text --json")
        p = d.ctl("raw", posted, "--json", check=False)
        L.eq(p.returncode, 64, "raw --json: %s" % p.stderr)
        d.close()



@L.test
def test_search_follows_the_directory_tree():
    with L.SMTPSink() as sink:
        d = L.Daemon(directory=directory_file(), smtp=sink)
        d.start()
        ct4 = d.submit(statement(title="LS from CT4 on QUIC", frm="CT4", to="IETF QUIC WG"))
        other = d.submit(statement(title="LS from the IAB", frm="IAB", to="IESG",
                                   msgid="<iab@example.org>"))
        for sid in (ct4, other):
            d.wait_state(sid)
        L.eq(d.ctl_json("show", ct4)["from_groups"], ["3gpp-ct4"],
             "the statement is from 3gpp-ct4")

        def ids(*args):
            return sorted(r["id"] for r in d.ctl_json("search", "", *args))
        L.eq(ids("--from", "3gpp"), [ct4], "--from an SDO finds its sub-group's statements")
        L.eq(ids("--from", "3GPP"), [ct4], "by its name too")
        L.eq(ids("--to", "wit"), [ct4], "--to an area finds its WGs' statements")
        L.eq(ids("--to", "quic"), [ct4], "--to the WG itself")
        L.eq(ids("--to", "iesg"), [other], "--to another group")
        L.eq(ids("--from", "3gpp-ct4", "--to", "wit"), [ct4], "both filters")
        p = d.ctl("search", "x", "--limit", "-1", check=False)
        L.eq(p.returncode, 64, "search --limit -1")
        d.close()


@L.test
def test_history_in_words_and_the_pager():
    import pty
    import select
    with L.SMTPSink() as sink:
        d, posted, rejected = setup(sink)
        out = ctl(d, "history", rejected).stdout
        L.ok(re.search(r"rejected +errors: unknown_to", out), "rejected with its codes:\n%s" % out)
        L.ok("leaf_parts" not in out and "session=" not in out, "no internal counters:\n%s" % out)
        L.ok(re.search(r"received +by LMTP from 127\.0\.0\.1", out), "received in words:\n%s" % out)
        L.ok(re.search(r"read +no attachments", out), "read in words:\n%s" % out)
        hist = d.ctl_json("history", rejected)
        L.eq([e["kind"] for e in hist][:3], ["received", "parsed", "rejected"], "--json keeps the kinds")
        # A pipe: no pager even when PAGER is set.
        p = ctl(d, "history", rejected, env={"PAGER": "sed s/^/PAGED:/"})
        L.ok("PAGED:" not in p.stdout, "no pager in a pipe")
        # A terminal: show and history go through $PAGER; --json never does.
        for args, paged in ((["history", rejected], True), (["show", rejected], True),
                            (["show", rejected, "--json"], False), (["list"], False)):
            master, slave = pty.openpty()
            env = dict(os.environ, PAGER="sed s/^/PAGED:/", LANG="C.UTF-8")
            proc = subprocess.Popen([L.LIAISONCTL, "--config", d.conf_path] + [str(a) for a in args],
                                    stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE,
                                    env=env)
            os.close(slave)
            chunks = []
            deadline = time.monotonic() + 30 * SLOW
            while time.monotonic() < deadline:
                r, _, _ = select.select([master], [], [], 1)
                if not r:
                    if proc.poll() is not None:
                        break
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            os.close(master)
            rc = proc.wait(30 * SLOW)
            proc.stderr.close()
            text = b"".join(chunks).decode("utf-8", "replace")
            L.eq(rc, 0, "%s on a terminal" % args)
            L.eq("PAGED:" in text, paged, "%s through the pager: %r" % (args, text[:300]))
        d.close()


L.main()
