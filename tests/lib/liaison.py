"""liaison.py - the integration-test harness: real daemon, real peers.

API (everything bounded in time; everything started is stopped by PID):

    import liaison as L

    @L.test                       # one TAP line per test function
    def test_something():
        with L.Daemon() as d:     # liaisond on a free 127.0.0.1 port + unix socket, temp state
            c = d.lmtp()          # LMTPClient over TCP (d.lmtp(unix=True) for the socket)
            c.lhlo()
            replies = c.send("a@example.org", ["statements@ietf.org"], b"Subject: x\r\n\r\nhi\r\n")
            L.eq(replies[0][0], 250)
            rows = d.ctl_json("list")           # liaisonctl --config ... list --json
            d.wait_state(rows[0]["id"])         # until it leaves 'received'

    L.main()                      # runs every @L.test in order, prints TAP, exits 0/1

Daemon(conf={"section": {"key": "value"}}, directory=PATH|None, smtp=SMTPSink|None)
    .start() .stop() (SIGTERM, returns exit code) .kill9() .restart()
    .port .sock .state_dir .conf_path .tmp .log() .ctl(*args) .ctl_json(*args)
    .wait_state(id, states=("posted","rejected","ignored","dead"))
LMTPClient(host, port | path=...)  .cmd(line) -> (code, text) .lhlo() .send(from, rcpts, data)
    .send_raw(bytes) .replies(n) .data(body) -> [(code, text)...] .close()
SMTPSink(rcpt_reply=fn(addr)->str|None, data_reply=fn(envelope)->str|None)
    .start() .stop() .port .messages (list of Mail: .mail_from .rcpt_tos .data .msg)
    .wait_count(n)
Postfix(transport="lmtp:inet:127.0.0.1:PORT", main={k: v}, master=[lines])  .start() .stop() .smtp_port .dir
    .swaks(from, to, data_file|body) .wait_log(regex) .flush() .queue_count()
wait_for(fn, timeout=10, what="...")  ->  fn's first truthy value, or raise
eq(a, b, what=""), ok(cond, what="")  assertions with readable messages
make_message(subject=..., body=..., headers=..., from_=..., message_id=...) -> bytes (CRLF)
"""

import atexit
import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LIAISON_BUILD", os.path.join(TOP, "build"))
LIAISOND = os.path.join(BUILD, "liaisond")
LIAISONCTL = os.path.join(BUILD, "liaisonctl")
EXAMPLE_DIRECTORY = os.path.join(TOP, "conf", "directory.example.conf")
SANITIZED = "asan" in os.path.basename(BUILD)
# Sanitizer builds run several times slower; waits scale, they never assert speed.
SLOW = 4 if SANITIZED else 1
KEEP = os.environ.get("LIAISON_KEEP_TMP") == "1"


# ---------------------------------------------------------------- TAP runner

_tests = []


def test(fn):
    """Register FN as one test (one TAP line)."""
    _tests.append(fn)
    return fn


class Skip(Exception):
    pass


def skip(reason):
    raise Skip(reason)


def main():
    """Run the registered tests in order; exit 1 when any failed."""
    only = os.environ.get("TEST_ONLY")
    todo = [t for t in _tests if not only or only in t.__name__]
    print("1..%d" % len(todo), flush=True)
    failed = 0
    for i, fn in enumerate(todo, 1):
        name = fn.__name__
        t0 = time.monotonic()
        try:
            fn()
            print("ok %d - %s (%.1fs)" % (i, name, time.monotonic() - t0), flush=True)
        except Skip as e:
            print("ok %d - %s # SKIP %s" % (i, name, e), flush=True)
        except Exception:
            failed += 1
            _failed[0] = True
            _keep[0] = True   # leave the temp folders for a post-mortem
            print("not ok %d - %s" % (i, name), flush=True)
            for line in traceback.format_exc().splitlines():
                print("# " + line, flush=True)
        finally:
            _cleanup_all()
            _keep[0] = KEEP
    sys.exit(1 if failed else 0)


class CheckFailed(AssertionError):
    pass


def eq(a, b, what=""):
    if a != b:
        raise CheckFailed("%s: expected %r, got %r" % (what or "value", b, a))


def ok(cond, what=""):
    if not cond:
        raise CheckFailed(what or "condition is false")


def wait_for(fn, timeout=10, what="condition", interval=0.05):
    """Poll FN until it returns something truthy; bounded by TIMEOUT (scaled
    for sanitizer builds). Raises CheckFailed with WHAT when it never does."""
    deadline = time.monotonic() + timeout * SLOW
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise CheckFailed("timed out after %ss waiting for %s (last: %r)" % (timeout * SLOW, what, last))


def listening(port):
    """Does something accept TCP connections on 127.0.0.1:PORT?"""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


_keep = [KEEP]

# Everything a test starts registers here so that a failing test still stops it.
_live = []


def _cleanup_all():
    while _live:
        obj = _live.pop()
        try:
            obj.close()
        except Exception:
            traceback.print_exc(file=sys.stdout)


def _keep_if_failing(exc_type):
    """A test failing inside a `with` block: its daemon's or Postfix's folder
    is kept for a post-mortem (main() only learns of the failure after the
    block has closed them)."""
    if exc_type is not None and not issubclass(exc_type, Skip):
        _keep[0] = True


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Folders from tmpdir(), removed when the test program ends unless a test
# failed or LIAISON_KEEP_TMP=1 (left for a post-mortem, as a daemon's are).
_tmps = []
_failed = [False]


def _remove_tmps():
    if KEEP or _failed[0]:
        return
    for d in _tmps:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_remove_tmps)


def tmpdir(prefix="liaison-test-"):
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    _tmps.append(d)
    return d


# ---------------------------------------------------------------- messages

_mid = [0]


def make_message(subject="Test", body="Hello\r\n", from_="Sender <sender@example.org>",
                 to="statements@ietf.org", message_id=None, headers=None):
    """A simple RFC 5322 message as CRLF bytes with a unique Message-ID."""
    if message_id is None:
        _mid[0] += 1
        message_id = "<t%d.%d.%d@test.example>" % (os.getpid(), int(time.time() * 1e6), _mid[0])
    lines = ["From: " + from_, "To: " + to, "Subject: " + subject,
             "Date: Sun, 22 Nov 2026 10:00:00 +0000", "Message-ID: " + message_id,
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    text = "\r\n".join(lines) + "\r\n\r\n" + body.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("utf-8")


# ---------------------------------------------------------------- LMTP client

class LMTPClient:
    """A client that reads every reply (unlike smtplib.LMTP after DATA)."""

    def __init__(self, host="127.0.0.1", port=None, path=None, timeout=30):
        if path:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(timeout * SLOW)
            self.s.connect(path)
        else:
            self.s = socket.create_connection((host, port), timeout=timeout * SLOW)
        self.buf = b""
        self.greeting = self.reply()
        _live.append(self)

    def readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed by server (buffer %r)" % self.buf[:200])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self):
        """One (possibly multi-line) reply as (code, text)."""
        lines = []
        for _ in range(1000):
            line = self.readline()
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), "\n".join(lines)
        raise CheckFailed("reply longer than 1000 lines")

    def replies(self, n):
        return [self.reply() for _ in range(n)]

    def send_raw(self, data):
        self.s.sendall(data)

    def cmd(self, line):
        self.send_raw(line.encode("utf-8") + b"\r\n")
        return self.reply()

    def lhlo(self, name="test.example"):
        code, text = self.cmd("LHLO " + name)
        eq(code, 250, "LHLO reply")
        return text

    @staticmethod
    def dot_stuff(data):
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        out = re.sub(rb"(^|\r\n)\.", rb"\1..", data)
        return out + b".\r\n"

    def data(self, body, naccepted):
        """DATA with BODY (dot-stuffed here); returns the NACCEPTED replies."""
        code, text = self.cmd("DATA")
        if code != 354:
            return [(code, text)]
        self.send_raw(self.dot_stuff(body))
        return self.replies(naccepted)

    def send(self, mail_from, rcpts, body):
        """A whole transaction; returns the final replies (one per accepted RCPT),
        or the failing MAIL/RCPT reply list when nothing was accepted."""
        code, text = self.cmd("MAIL FROM:<%s>" % mail_from)
        if code != 250:
            return [(code, text)]
        accepted, rejected = 0, []
        for r in rcpts:
            c, t = self.cmd("RCPT TO:<%s>" % r)
            if c == 250:
                accepted += 1
            else:
                rejected.append((c, t))
        if not accepted:
            self.cmd("RSET")
            return rejected
        return self.data(body, accepted)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


# ---------------------------------------------------------------- the daemon

def write_conf(path, sections):
    with open(path, "w") as f:
        for sec, kv in sections.items():
            f.write("[%s]\n" % sec)
            for k, v in kv.items():
                f.write("%s = %s\n" % (k, v))
            f.write("\n")


class Daemon:
    """The real liaisond, started with a config of its own in a temp folder."""

    def __init__(self, conf=None, directory=EXAMPLE_DIRECTORY, smtp=None, unix=True,
                 env=None, tmp=None, args=None):
        self.tmp = tmp or tmpdir()
        self.port = free_port()
        self.sock = os.path.join(self.tmp, "lmtp.sock")
        self.state_dir = os.path.join(self.tmp, "state")
        self.conf_path = os.path.join(self.tmp, "liaisond.conf")
        self.log_path = os.path.join(self.tmp, "liaisond.log")
        self.env = dict(os.environ, **(env or {}))
        self.args = args or []
        listen = "127.0.0.1:%d" % self.port + (";unix:%s" % self.sock if unix else "")
        sections = {
            "liaisond": {"listen": listen, "state_dir": self.state_dir,
                         "statements_address": "statements@ietf.org"},
            "directory": {"file": directory or ""},
            # Tests that count acknowledgements answer every sender; the
            # reply_policy tests (test_hostile_mail.py) set their own.
            "notify": {"smtp_url": "smtp://127.0.0.1:%d" % smtp.port if smtp else "",
                       "base_url": "https://datatracker.example/liaison/",
                       "reply_policy": "always"},
        }
        for sec, kv in (conf or {}).items():
            sections.setdefault(sec, {}).update(kv)
        self.sections = sections
        write_conf(self.conf_path, sections)
        self.proc = None
        _live.append(self)

    def rewrite_conf(self, sec, **kv):
        self.sections.setdefault(sec, {}).update(kv)
        write_conf(self.conf_path, self.sections)

    def __enter__(self):
        if not self.proc:
            self.start()
        return self

    def __exit__(self, exc_type, *exc):
        _keep_if_failing(exc_type)
        self.close()

    def start(self, wait=True):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen([LIAISOND, "--config", self.conf_path] + self.args,
                                     stdout=logf, stderr=logf, env=self.env,
                                     stdin=subprocess.DEVNULL)
        logf.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                raise CheckFailed("liaisond exited with %s:\n%s" % (self.proc.returncode, self.log()[-3000:]))
            return listening(self.port)
        wait_for(ready, 20, "liaisond to listen on %d" % self.port)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit status."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise CheckFailed("liaisond did not stop within %ss of SIGTERM" % (timeout * SLOW))
        rc = self.proc.returncode
        self.proc = None
        return rc

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
        # Its parse/notify worker children die with their parent's pipes;
        # give them a moment, bounded.
        time.sleep(0.2)

    def restart(self):
        self.stop()
        return self.start()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def close(self):
        try:
            if self.proc and self.proc.poll() is None:
                self.stop()
        finally:
            self.proc = None
            if self in _live:
                _live.remove(self)
            if not _keep[0] and os.path.isdir(self.tmp):
                shutil.rmtree(self.tmp, ignore_errors=True)
            elif _keep[0] and not KEEP:
                print("# kept for a post-mortem: %s" % self.tmp, flush=True)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def lmtp(self, unix=False):
        return LMTPClient(path=self.sock) if unix else LMTPClient(port=self.port)

    def ctl(self, *args, input=None, check=True, env=None, timeout=60):
        """Run liaisonctl with this daemon's config; returns CompletedProcess (text)."""
        p = subprocess.run([LIAISONCTL, "--config", self.conf_path] + [str(a) for a in args],
                           input=input, capture_output=True, timeout=timeout * SLOW,
                           env=dict(self.env, **(env or {})),
                           text=not isinstance(input, bytes))
        if check and p.returncode != 0:
            raise CheckFailed("liaisonctl %s exited %d: %s%s" % (
                " ".join(map(str, args)), p.returncode, p.stdout, p.stderr))
        return p

    def ctl_json(self, *args, check=True):
        p = self.ctl(*(list(args) + ["--json"]), check=check)
        return json.loads(p.stdout)

    def submit(self, data, mail_from="sender@example.org"):
        """Record DATA over LMTP; returns the new message id from the 250 reply."""
        c = self.lmtp()
        c.lhlo()
        r = c.send(mail_from, ["statements@ietf.org"], data)
        c.close()
        eq(r[0][0], 250, "delivery reply %r" % (r,))
        m = re.search(r"stored as (\d+)", r[0][1])
        if not m:
            raise CheckFailed("no id in the 250 reply %r" % (r[0][1],))
        return int(m.group(1))

    def wait_state(self, msg_id, states=("posted", "rejected", "ignored", "dead", "pending"),
                   timeout=20):
        def done():
            obj = self.ctl_json("show", msg_id)
            return obj if obj.get("state") in states else None
        return wait_for(done, timeout, "message %s to reach %s" % (msg_id, "/".join(states)),
                        interval=0.1)


# ---------------------------------------------------------------- SMTP sink

class Mail:
    def __init__(self, mail_from, rcpt_tos, data):
        self.mail_from = mail_from
        self.rcpt_tos = list(rcpt_tos)
        self.data = data
        self.msg = email.message_from_bytes(data, policy=email.policy.default)

    def __repr__(self):
        return "<Mail from=%s to=%s subject=%r>" % (self.mail_from, self.rcpt_tos, self.msg["subject"])


class SMTPSink:
    """An aiosmtpd server on 127.0.0.1 capturing every message. RCPT_REPLY(addr)
    and DATA_REPLY(envelope) may return a reply string ("550 5.1.1 no") to refuse."""

    def __init__(self, rcpt_reply=None, data_reply=None, port=None, tls=None, cert=None):
        """TLS: None, "starttls" (required before MAIL) or "tls" (from the first
        byte); CERT: (certfile, keyfile) for it."""
        self.port = port or free_port()
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.tls = tls
        self.cert = cert
        self.messages = []
        self.lock = threading.Lock()
        self.controller = None
        _live.append(self)

    def start(self):
        from aiosmtpd.controller import Controller
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if sink.rcpt_reply:
                    r = sink.rcpt_reply(address)
                    if r:
                        return r
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if sink.data_reply:
                    r = sink.data_reply(envelope)
                    if r:
                        return r
                with sink.lock:
                    sink.messages.append(Mail(envelope.mail_from, envelope.rcpt_tos, envelope.content))
                return "250 OK queued"

        kw = {}
        if self.tls:
            import ssl
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*self.cert)
            if self.tls == "starttls":
                kw = {"tls_context": ctx, "require_starttls": True}
            else:
                kw = {"ssl_context": ctx}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kw)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def close(self):
        self.stop()
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def wait_count(self, n, timeout=20):
        return wait_for(lambda: len(self.snapshot()) >= n and self.snapshot(), timeout,
                        "%d mails at the SMTP sink" % n)


# ---------------------------------------------------------------- Postfix

POSTFIX = "/usr/sbin/postfix"


class Postfix:
    """A private Postfix instance from its own folder (never the machine's own):
    smtpd on a free 127.0.0.1 port, statements@ietf.org routed by TRANSPORT
    (e.g. "lmtp:inet:127.0.0.1:2424" or "lmtp:unix:/path/lmtp.sock")."""

    def __init__(self, transport, tmp=None, domain="ietf.org", address="statements@ietf.org",
                 main=None, master=None):
        """MAIN: main.cf settings over the defaults; MASTER: lines added to master.cf."""
        self.dir = os.path.join(tmp or tmpdir("liaison-postfix-"), "postfix")
        self.main_extra = dict(main or {})
        self.master_extra = list(master or [])
        self.smtp_port = free_port()
        self.transport = transport
        self.domain = domain
        self.address = address
        self.started = False
        _live.append(self)

    def _write_config(self):
        d = self.dir
        for sub in ("", "queue", "data"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        shutil.chown(os.path.join(d, "data"), "postfix")
        main_cf = {
            "compatibility_level": "3.6",
            "queue_directory": os.path.join(d, "queue"),
            "data_directory": os.path.join(d, "data"),
            "maillog_file": os.path.join(d, "maillog"),
            "maillog_file_prefixes": d,
            "myhostname": "postfix-test.example",
            "mydomain": "example",
            "myorigin": "postfix-test.example",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mydestination": "",
            "mynetworks": "127.0.0.0/8",
            "relay_domains": self.domain,
            "relay_recipient_maps": "inline:{ %s=ok }" % self.address,
            "transport_maps": "inline:{ %s=%s }" % (self.address, self.transport),
            "default_transport": "error:no outside mail from the test Postfix",
            "relay_transport": "error:no outside mail from the test Postfix",
            "local_transport": "error:no local mail in the test Postfix",
            "alias_maps": "", "alias_database": "",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "smtputf8_enable": "yes",
            "biff": "no",
            "queue_run_delay": "1s", "minimal_backoff_time": "1s", "maximal_backoff_time": "2s",
            "lmtp_connect_timeout": "2s",
            "smtpd_banner": "$myhostname ESMTP test",
            "message_size_limit": "60000000",
        }
        main_cf.update(self.main_extra)
        with open(os.path.join(d, "main.cf"), "w") as f:
            for k, v in main_cf.items():
                f.write("%s = %s\n" % (k, v))
        with open("/etc/postfix/master.cf") as f:
            master = f.read().splitlines()
        out = []
        for line in master:
            fields = line.split()
            if line and not line[0].isspace() and not line.startswith("#") and len(fields) >= 8:
                if fields[0] == "smtp" and fields[1] == "inet":
                    fields[0] = "127.0.0.1:%d" % self.smtp_port
                fields[4] = "n"  # no chroot: unix socket paths are real paths
                line = " ".join(fields[:8]) + ((" " + " ".join(fields[8:])) if len(fields) > 8 else "")
            out.append(line)
        out.extend(self.master_extra)
        with open(os.path.join(d, "master.cf"), "w") as f:
            f.write("\n".join(out) + "\n")

    def start(self):
        if not os.path.exists(POSTFIX) or not os.path.exists("/etc/postfix/master.cf"):
            skip("postfix is not installed (scripts/deps.sh installs it)")
        self._write_config()
        p = subprocess.run([POSTFIX, "-c", self.dir, "start"], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise CheckFailed("postfix -c %s start failed: %s %s\n%s" % (
                self.dir, p.stdout, p.stderr, self.log()[-2000:]))
        self.started = True
        wait_for(lambda: listening(self.smtp_port), 20, "private postfix smtpd on %d" % self.smtp_port)
        return self

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "queue", "pid", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        if not self.started:
            return
        pid = self.master_pid()
        subprocess.run([POSTFIX, "-c", self.dir, "stop"], capture_output=True, timeout=60)
        if pid:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.started = False

    def close(self):
        self.stop()
        if self in _live:
            _live.remove(self)
        if not _keep[0]:
            shutil.rmtree(os.path.dirname(self.dir), ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *exc):
        _keep_if_failing(exc_type)
        self.close()

    def log(self):
        try:
            with open(os.path.join(self.dir, "maillog"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def swaks(self, mail_from, rcpt, data):
        """Inject DATA (bytes, a full message) through the private smtpd with swaks."""
        path = os.path.join(self.dir, "swaks-%d.eml" % int(time.time() * 1e6))
        with open(path, "wb") as f:
            f.write(data)
        p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(self.smtp_port),
                            "--from", mail_from, "--to", rcpt, "--data", "@" + path,
                            "--timeout", "30", "--hide-all"],
                           capture_output=True, text=True, timeout=60 * SLOW)
        if p.returncode != 0:
            raise CheckFailed("swaks failed (%d): %s %s" % (p.returncode, p.stdout, p.stderr))
        return p

    def wait_log(self, regex, timeout=30):
        r = re.compile(regex)
        return wait_for(lambda: r.search(self.log()), timeout, "postfix log to match %r" % regex,
                        interval=0.2)

    def flush(self):
        subprocess.run(["/usr/sbin/postqueue", "-c", self.dir, "-f"], capture_output=True, timeout=30)

    def queue_count(self):
        p = subprocess.run(["/usr/sbin/postqueue", "-c", self.dir, "-j"], capture_output=True,
                           text=True, timeout=30)
        return len([l for l in p.stdout.splitlines() if l.strip()])


# ---------------------------------------------------------------- liaisond-web

LIAISOND_WEB = os.path.join(BUILD, "liaisond-web")


class Web:
    """liaisond-web on daemon D's config (its [web] and [notify] base_url are
    set by the caller before D starts): started, waited for, stopped by PID."""

    def __init__(self, d, port, conf_path=None):
        self.d = d
        self.port = port
        self.conf_path = conf_path or d.conf_path
        self.log_path = os.path.join(d.tmp, "liaisond-web-%d.log" % port)
        self.proc = None
        _live.append(self)

    def start(self):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen([LIAISOND_WEB, "--config", self.conf_path],
                                     stdout=logf, stderr=logf, stdin=subprocess.DEVNULL,
                                     env=self.d.env)
        logf.close()

        def ready():
            if self.proc.poll() is not None:
                raise CheckFailed("liaisond-web exited with %s:\n%s" % (self.proc.returncode,
                                                                     self.log()[-3000:]))
            return listening(self.port)
        wait_for(ready, 20 * SLOW, "liaisond-web to listen on %d" % self.port)
        return self

    def url(self, path):
        return "http://127.0.0.1:%d/%s" % (self.port, path.lstrip("/"))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise CheckFailed("liaisond-web did not stop within %ss" % (timeout * SLOW))
        rc = self.proc.returncode
        self.proc = None
        return rc

    def close(self):
        try:
            self.stop()
        finally:
            if self in _live:
                _live.remove(self)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""
