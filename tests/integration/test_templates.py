"""test_templates.py - the words of every mail come from templates/ (issue 18):
each kind's mail, as an SMTP sink captured it, matches its template; a
template overridden in [notify] template_dir is used after SIGHUP (by the
parse worker and by the sender); a template naming an unknown placeholder
stops check-config, liaisond --check-config and the daemon's start with 78."""

import os
import re
import signal
import subprocess

import liaison as L
import test_notify as N   # its helpers (directory, statement, daemon, post) ...
del L._tests[:]           # ... not its tests: they run in their own file

TEMPLATES = os.path.join(L.TOP, "templates")
KINDS = ("routing", "ack", "rejection", "rejects_queue", "reminder", "overdue", "discarded",
         "restored", "undelivered", "sent", "approval", "refused", "duplicate")


def template_regex(kind, folder=TEMPLATES):
    """(subject regex, body regex) of KIND's template: its words literally,
    a placeholder any text, a {?x}/{!x} line optional."""
    with open(os.path.join(folder, kind + ".txt")) as f:
        lines = f.read().split("\n")
    i = 0
    while lines[i].startswith("#") or not lines[i]:
        i += 1
    subject = lines[i][len("Subject:"):].strip()
    body = lines[i + 2:]
    if body and body[-1] == "":
        body = body[:-1]

    def conv(s):
        out, pos = "", 0
        for m in re.finditer(r"\{([a-z_]+)\}", s):
            out += re.escape(s[pos:m.start()]) + r"(?s:.*?)"
            pos = m.end()
        return out + re.escape(s[pos:])

    parts = []
    for line in body:
        m = re.match(r"^((?:\{[?!][a-z_]+\})+)(.*)$", line)
        parts.append("(?:%s\n)?" % conv(m.group(2)) if m else conv(line) + "\n")
    return re.compile(conv(subject)), re.compile("".join(parts))


def content(mail):
    return mail.msg.get_content().replace("\r\n", "\n")


def matches(kind, mail, number=None, folder=TEMPLATES):
    """MAIL is its template filled in; NUMBER (the statement's) is among the
    essential facts of its first five lines."""
    subj_re, body_re = template_regex(kind, folder)
    subject = str(mail.msg["subject"])
    body = content(mail)
    L.ok(subj_re.fullmatch(subject), "%s subject %r matches its template" % (kind, subject))
    L.ok(body_re.fullmatch(body), "%s body matches its template:\n%s" % (kind, body))
    if number is not None:
        first5 = "\n".join(body.split("\n")[:5])
        L.ok(re.search(r"\b%d\b" % number, first5), "%s: number %d in the first five lines:\n%s"
             % (kind, number, first5))
    return body


def with_subject(sink, prefix, n=1):
    got = L.wait_for(lambda: [m for m in sink.snapshot() if str(m.msg["subject"]).startswith(prefix)]
                     if len([m for m in sink.snapshot()
                             if str(m.msg["subject"]).startswith(prefix)]) >= n else None,
                     30 * L.SLOW, "mail %r" % prefix)
    return got


@L.test
def every_kind_at_the_sink_matches_its_template():
    refuse = "lucas@example.com"
    sink = L.SMTPSink(rcpt_reply=lambda a: "550 5.1.1 <%s>: no such user" % a if a == refuse else None)
    with sink, N.daemon(sink) as d:
        # routing + ack, and the undelivered notice for the refused chair
        sid = N.post(d, N.statement())
        routing = with_subject(sink, "New Liaison Statement")[0]
        body = matches("routing", routing, sid)
        first5 = "\n".join(body.split("\n")[:5])
        L.ok("3GPP TSG SA sent a liaison statement to the QUIC working group (quic)" in first5 and
             "reply by 2030-01-20" in first5 and "/liaison/%d" % sid in first5,
             "who, to whom, the deadline and the link in the first five lines:\n%s" % first5)
        ack = with_subject(sink, "Liaison statement received")[0]
        body = matches("ack", ack, sid)
        L.ok(body.startswith("Dear colleague,\n\nYour liaison statement \"LS on QUIC\" is recorded "
                             "as number %d" % sid), "greeting and number first:\n%s" % body)
        L.ok("It was sent to the QUIC working group (quic)." in body, "the group in full")
        notice = with_subject(sink, "Liaison mail not delivered")[0]
        body = matches("undelivered", notice, sid)
        L.ok(refuse in body and "liaisonctl outbox retry" in body, "what failed, what to do")

        # rejection + rejects queue notice; then corrected, approved: the ack
        # says what the secretariat changed
        rid = N.post(d, N.statement(title="LS on QUIC loss", to="IETF QUIK WG",
                                    msgid="ls-2@3gpp.org"), state="rejected")
        rej = with_subject(sink, "Liaison statement not accepted")[0]
        body = matches("rejection", rej, rid)
        L.ok("did you mean the QUIC working group (quic)?" in body, "the suggestion in full:\n" + body)
        L.ok("Fix: Name an IETF working group" in body, "the fix in plain words")
        L.ok("https://www.ietf.org/about/liaisons/" in body and "4053" not in body,
             "the guide is linked, no draft cited")
        matches("rejects_queue", with_subject(sink, "Liaison statement %d in the rejects queue" % rid)[0], rid)
        d.ctl("--by", "alice", "edit", rid, "to=IETF QUIC WG")
        d.ctl("--by", "alice", "approve", rid)
        ack2 = with_subject(sink, 'Liaison statement received: "LS on QUIC loss"')[0]
        body = matches("ack", ack2, rid)
        L.ok("the IETF secretariat corrected:\n  - To: IETF QUIK WG -> IETF QUIC WG (quic)" in body,
             "the correction is named:\n%s" % body)

        # reminder (before the deadline) and overdue
        d.ctl_json("remind", "--today", "2030-01-13", "--yes")
        matches("reminder", with_subject(sink, "Liaison deadline in 7 days")[0], sid)
        d.ctl_json("remind", "--today", "2030-01-27", "--yes")
        matches("overdue", with_subject(sink, "Liaison OUT OF DATE")[0], sid)

        # discarded with the sender told, then restored: the sender hears it is back
        did = N.post(d, N.statement(title="LS on nothing", to="IETF NOSUCH WG", msgid="ls-3@3gpp.org"),
                     state="rejected")
        d.ctl("discard", did, "--why", "Sent twice by mistake", "--notify-sender")
        body = matches("discarded", with_subject(sink, "Liaison statement not recorded")[0], did)
        L.ok("Reason: Sent twice by mistake" in body, "the reason")
        out = d.ctl("restore", did).stdout
        L.ok("The sender is told." in out, "restore says the sender is told: %r" % out)
        body = matches("restored", with_subject(sink, "Liaison statement back in process")[0], did)
        L.ok("The secretariat is correcting it" in body, "back in the rejects queue, in words")
        # a discard nobody was told of is restored silently
        d.ctl("discard", rid, "--why", "test")
        out = d.ctl("restore", rid).stdout
        L.ok("told" not in out, "no notice when the discard was silent: %r" % out)
        N.settle(sink, 2)
        notices = with_subject(sink, "Liaison statement back in process")
        L.eq(len({m.msg["message-id"] for m in notices}), 1, "one restore notice")


@L.test
def overridden_template_used_after_sighup():
    tdir = L.tmpdir("templates-")
    with L.SMTPSink() as sink, N.daemon(sink, template_dir=tdir) as d:
        N.post(d, N.statement())
        matches("ack", with_subject(sink, "Liaison statement received")[0])
        with open(os.path.join(tdir, "ack.txt"), "w") as f:
            f.write("# ours\nSubject: Recorded as {id}: {title}\n\nHello,\n{id} is {link}.\n"
                    "{?deadline}Reply by {deadline}.\n{!deadline}No deadline.\n")
        with open(os.path.join(tdir, "routing.txt"), "w") as f:
            f.write("Subject: LS {id} for {to_groups}\n\n{title}\n{body}\n")
        # the daemon and each parse worker load them; all of them up first
        procs = 1 + (int(d.sections.get("parser", {}).get("workers", 0)) or
                     min(len(os.sched_getaffinity(0)), 16))
        L.wait_for(lambda: d.log().count("event=templates_loaded") >= procs, 10 * L.SLOW,
                   "the daemon and its workers to start")
        d.signal(signal.SIGHUP)
        L.wait_for(lambda: d.log().count("event=templates_loaded") >= 2 * procs, 10 * L.SLOW,
                   "the daemon and its workers to load the templates again")
        sid = N.post(d, N.statement(title="LS on QUIC again", msgid="ls-9@3gpp.org"))
        ack = with_subject(sink, "Recorded as %d" % sid)[0]
        L.eq(str(ack.msg["subject"]), "Recorded as %d: LS on QUIC again" % sid, "overridden subject")
        L.eq(content(ack), "Hello,\n%d is https://datatracker.example/liaison/%d.\n"
             "Reply by 2030-01-20.\n" % (sid, sid), "the overridden ack, exactly")
        routing = with_subject(sink, "LS %d for" % sid)[0]
        L.eq(str(routing.msg["subject"]), "LS %d for the QUIC working group (quic)" % sid, "routing subject")
        L.eq(content(routing), "LS on QUIC again\n3GPP TSG SA asks the QUIC WG to consider "
             "the attached.\n", "the routing body, composed by the sender from the new template")
        # a broken template on the next reload: refused, the last good ones stay
        with open(os.path.join(tdir, "ack.txt"), "w") as f:
            f.write("Subject: x {nonsense}\n\nbody\n")
        d.signal(signal.SIGHUP)
        L.wait_for(lambda: d.log().count("event=templates_reload_failed") >= procs, 10 * L.SLOW,
                   "the reload refused in the daemon and the workers")
        sid = N.post(d, N.statement(title="LS on QUIC thrice", msgid="ls-10@3gpp.org"))
        with_subject(sink, "Recorded as %d" % sid)


def conf_with(tdir):
    tmp = L.tmpdir("tmplconf-")
    path = os.path.join(tmp, "liaisond.conf")
    L.write_conf(path, {"liaisond": {"state_dir": os.path.join(tmp, "state"),
                                     "listen": "127.0.0.1:%d" % L.free_port()},
                        "directory": {"file": L.EXAMPLE_DIRECTORY},
                        "notify": {"template_dir": tdir}})
    return path


@L.test
def unknown_placeholder_fails_check_config_and_start():
    tdir = L.tmpdir("badtemplates-")
    with open(os.path.join(tdir, "rejection.txt"), "w") as f:
        f.write("Subject: Not accepted: {title}\n\nDear {sender_name},\n{problems}\n")
    path = conf_with(tdir)
    p = subprocess.run([L.LIAISONCTL, "--config", path, "check-config"], capture_output=True,
                       text=True, timeout=60 * L.SLOW)
    L.eq(p.returncode, 78, "liaisonctl check-config exit status (%s)" % p.stdout)
    want = "%s:3: unknown placeholder {sender_name}" % os.path.join(tdir, "rejection.txt")
    L.ok(want in p.stdout, "names the file, line and placeholder: %r" % p.stdout)
    p = subprocess.run([L.LIAISOND, "--config", path, "--check-config"], capture_output=True,
                       text=True, timeout=60 * L.SLOW)
    L.eq(p.returncode, 78, "liaisond --check-config exit status (%s)" % p.stderr)
    L.ok("unknown placeholder {sender_name}" in p.stderr + p.stdout, "says why: %r" % p.stderr)
    p = subprocess.run([L.LIAISOND, "--config", path], capture_output=True, text=True,
                       timeout=60 * L.SLOW)
    L.eq(p.returncode, 78, "the daemon does not start (%s)" % p.stderr)
    # fixed: both accept it
    with open(os.path.join(tdir, "rejection.txt"), "w") as f:
        f.write("Subject: Not accepted: {title}\n\nDear colleague,\n{problems}\n")
    p = subprocess.run([L.LIAISONCTL, "--config", path, "check-config"], capture_output=True,
                       text=True, timeout=60 * L.SLOW)
    L.eq(p.returncode, 0, "fixed template accepted (%s)" % p.stdout)


@L.test
def every_kind_has_a_template_file():
    """A kind is a row in notify/template.c and a file here: both lists agree."""
    with open(os.path.join(L.TOP, "notify", "template.c")) as f:
        src = f.read()
    rows = re.findall(r'^\t\{ "([a-z_]+)", "', src, re.M)
    L.eq(sorted(rows), sorted(KINDS), "the kinds table")
    files = sorted(f[:-4] for f in os.listdir(TEMPLATES) if f.endswith(".txt"))
    L.eq(files, sorted(KINDS), "templates/*.txt")


L.main()
