"""test_ops.py - operations: make install/uninstall, the systemd units
(verify, security exposure), socket activation, sd_notify, schema migration
at start-up, logging policy and `liaisonctl status` exit codes."""

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import liaison as L

TOP = L.TOP
BUILD = L.BUILD
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
UNITS = ["liaisond.service", "liaisond.socket", "liaisond-remind.service", "liaisond-remind.timer",
         "liaisond-web.service", "liaisond-web.socket"]
MAX_EXPOSURE = 2.0

# Every file `make install DESTDIR=... PREFIX=/usr` writes (relative to DESTDIR).
INSTALLED = sorted([
    "usr/sbin/liaisond",
    "usr/bin/liaisonctl",
    "usr/sbin/liaisond-web",
    "usr/share/man/man5/liaisond.conf.5",
    "usr/share/man/man8/liaisond.8",
    "usr/share/man/man8/liaisonctl.8",
    "usr/share/man/man8/liaisond-web.8",
    "usr/lib/systemd/system/liaisond.service",
    "usr/lib/systemd/system/liaisond.socket",
    "usr/lib/systemd/system/liaisond-remind.service",
    "usr/lib/systemd/system/liaisond-remind.timer",
    "usr/lib/systemd/system/liaisond-web.service",
    "usr/lib/systemd/system/liaisond-web.socket",
    "usr/lib/sysusers.d/liaisond.conf",
    "usr/lib/tmpfiles.d/liaisond.conf",
    "etc/liaisond/liaisond.conf",
    "etc/liaisond/liaisond.conf.example",
    "etc/liaisond/directory.conf.example",
] + ["usr/share/doc/liaisond/" + os.path.basename(f)
     for f in glob.glob(os.path.join(L.TOP, "docs", "*.md"))]
  + (["usr/share/doc/liaisond/README.md"] if os.path.exists(os.path.join(L.TOP, "README.md")) else [])
  # the mail templates: each kind's file (the daemon reads it) and its .example
  + ["etc/liaisond/templates/" + f + ext for f in os.listdir(os.path.join(L.TOP, "templates"))
     if f.endswith(".txt") for ext in ("", ".example")])


def schema_files():
    return sorted(glob.glob(os.path.join(TOP, "store", "schema", "*.sql")))


def run(args, timeout=300, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout * L.SLOW, **kw)


def files_under(root):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


def make_install(destdir, target="install"):
    """make TARGET into DESTDIR with the build this test runs against."""
    b = os.path.relpath(BUILD, TOP)
    san = "1" if L.SANITIZED else "0"
    p = run(["make", "-C", TOP, "--no-print-directory", target, "DESTDIR=" + destdir,
             "PREFIX=/usr", "SAN=" + san, "B=" + b], timeout=600)
    if p.returncode != 0:
        raise L.CheckFailed("make %s failed (%d):\n%s\n%s" % (target, p.returncode,
                                                              p.stdout[-3000:], p.stderr[-3000:]))
    return p


_installed = {}


def installed_tree():
    """One DESTDIR install shared by the unit checks (built once per run)."""
    if "dir" not in _installed:
        d = L.tmpdir("liaison-install-")
        make_install(d)
        _installed["dir"] = d
    return _installed["dir"]


# ---------------------------------------------------------------- install

@L.test
def test_install_puts_every_file_in_place():
    d = L.tmpdir("liaison-install-")
    try:
        make_install(d)
        L.eq(files_under(d), INSTALLED, "files installed")
        for f in ("usr/sbin/liaisond", "usr/bin/liaisonctl"):
            L.ok(os.access(os.path.join(d, f), os.X_OK), "%s is executable" % f)
        p = run([os.path.join(d, "usr/sbin/liaisond"), "--version"], timeout=30)
        L.eq(p.returncode, 0, "liaisond --version exit status")
        L.ok("0.1.0" in p.stdout, "liaisond --version prints the version: %r" % p.stdout)
        for m in ("man5/liaisond.conf.5", "man8/liaisond.8", "man8/liaisonctl.8"):
            p = run(["man", "--warnings", "-l", os.path.join(d, "usr/share/man", m)],
                    env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"), timeout=30)
            L.eq(p.returncode, 0, "man -l %s" % m)
            L.eq(p.stderr.strip(), "", "groff warnings in %s" % m)
        svc = open(os.path.join(d, "usr/lib/systemd/system/liaisond.service")).read()
        L.ok("ExecStart=/usr/sbin/liaisond --config /etc/liaisond/liaisond.conf" in svc,
             "the installed unit starts /usr/sbin/liaisond")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@L.test
def test_install_keeps_config_and_uninstall_removes_the_rest():
    d = L.tmpdir("liaison-install-")
    try:
        make_install(d)
        conf = os.path.join(d, "etc/liaisond/liaisond.conf")
        with open(conf, "a") as f:
            f.write("# changed by the operator\n")
        tmpl = os.path.join(d, "etc/liaisond/templates/ack.txt")
        with open(tmpl, "a") as f:
            f.write("Our own words.\n")
        make_install(d)
        L.ok(open(conf).read().endswith("# changed by the operator\n"),
             "a second make install must not overwrite liaisond.conf")
        L.ok(open(tmpl).read().endswith("Our own words.\n"),
             "a second make install must not overwrite a changed template")
        make_install(d, "uninstall")
        L.eq(files_under(d), ["etc/liaisond/liaisond.conf", "etc/liaisond/templates/ack.txt"],
             "files left after uninstall (the changed config and template only)")
        os.unlink(conf)
        os.unlink(tmpl)
        make_install(d)
        make_install(d, "uninstall")
        L.eq(files_under(d), [], "files left after install + uninstall of an unchanged config")
        L.ok(not os.path.exists(os.path.join(d, "etc/liaisond")), "/etc/liaisond removed when empty")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@L.test
def test_installed_example_config_is_valid():
    d = installed_tree()
    tmp = L.tmpdir()
    try:
        # The example with its /etc and /var paths pointed into temp folders.
        text = open(os.path.join(d, "etc/liaisond/liaisond.conf.example")).read()
        text = text.replace("/etc/liaisond/", os.path.join(d, "etc/liaisond") + "/")
        text = text.replace("/var/lib/liaisond", os.path.join(tmp, "state"))
        text = text.replace("/run/liaisond/lmtp.sock", os.path.join(tmp, "lmtp.sock"))
        text = text.replace(os.path.join(d, "etc/liaisond/directory.conf"),
                            os.path.join(d, "etc/liaisond/directory.conf.example"))
        path = os.path.join(tmp, "liaisond.conf")
        with open(path, "w") as f:
            f.write(text)
        p = run([os.path.join(d, "usr/bin/liaisonctl"), "--config", path, "check-config"], timeout=60)
        L.eq(p.returncode, 0, "check-config on the shipped example: %s %s" % (p.stdout, p.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def staged_conf(d, tmp):
    """The installed liaisond.conf with its /etc and /var paths pointed into
    DESTDIR D and the temp folder TMP (nothing outside them is touched)."""
    text = open(os.path.join(d, "etc/liaisond/liaisond.conf")).read()
    text = text.replace("/etc/liaisond/", os.path.join(d, "etc/liaisond") + "/")
    text = text.replace("/var/lib/liaisond", os.path.join(tmp, "state"))
    text = text.replace("/run/liaisond/lmtp.sock", os.path.join(tmp, "lmtp.sock"))
    path = os.path.join(tmp, "liaisond.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


@L.test
def test_fresh_install_needs_a_directory():
    """The example directory is not live: check-config fails (78) and says how."""
    d = installed_tree()
    tmp = L.tmpdir()
    try:
        L.ok(not os.path.exists(os.path.join(d, "etc/liaisond/directory.conf")),
             "make install must not install the example as the live directory")
        path = staged_conf(d, tmp)
        p = run([os.path.join(d, "usr/bin/liaisonctl"), "--config", path, "check-config"], timeout=60)
        L.eq(p.returncode, 78, "check-config on a fresh install: %s %s" % (p.stdout, p.stderr))
        L.ok("directory import" in p.stdout and "directory.conf.example" in p.stdout,
             "check-config says how to make the directory: %r" % p.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@L.test
def test_staged_liaisonctl_never_creates_a_database():
    """Installed with DESTDIR and PREFIX=/usr, run from an empty folder: it looks
    at the installed default config (never the embedded one, never ./var),
    and a config whose database is missing is exit 69 naming the path."""
    d = installed_tree()
    tmp = L.tmpdir()
    empty = L.tmpdir()
    ctl = os.path.join(d, "usr/bin/liaisonctl")
    env = {k: v for k, v in os.environ.items() if k != "LIAISOND_CONFIG"}
    try:
        p = run([ctl, "rejects"], cwd=empty, env=env, timeout=60)
        L.ok(p.returncode != 0, "no config: an error, not an empty queue (%r)" % p.stdout)
        if not os.path.exists("/etc/liaisond/liaisond.conf"):
            L.eq(p.returncode, 78, "exit status without a config")
            L.ok("/etc/liaisond/liaisond.conf" in p.stderr,
                 "the error names the installed default: %r" % p.stderr)
        L.eq(os.listdir(empty), [], "nothing created in the current folder")
        path = staged_conf(d, tmp)
        db = os.path.join(tmp, "state", "liaisond.db")
        for args, how in ((["--config", path], "--config"), ([], "LIAISOND_CONFIG")):
            for cmd in (["status"], ["rejects"], ["list"], ["approve", "1"]):
                p = run([ctl] + args + cmd, cwd=empty, timeout=60,
                        env=dict(env, LIAISOND_CONFIG=path) if not args else env)
                L.eq(p.returncode, 69, "%s with %s and no database: %s" % (cmd, how, p.stderr))
                L.ok(db in p.stderr, "the error names %s: %r" % (db, p.stderr))
        L.eq(os.listdir(empty), [], "nothing created in the current folder")
        L.ok(not os.path.exists(os.path.join(tmp, "state")), "no state folder created")
        # The build folder's binary, outside its source tree, has no default either.
        p = run([L.LIAISONCTL, "list"], cwd=empty, env=env, timeout=60)
        L.eq(p.returncode, 78, "uninstalled liaisonctl outside the source tree: %s" % p.stderr)
        L.ok("--config" in p.stderr, "it says to give --config: %r" % p.stderr)
        L.eq(os.listdir(empty), [], "nothing created in the current folder")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)


@L.test
def test_permission_denied_is_77():
    """A database liaisonctl may not write is 77 (no permission), not 75 (try again)."""
    d = L.Daemon()
    try:
        d.start()
        d.stop()
        os.chmod(d.state_dir, 0o700)
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        if os.getuid() != 0 or not os.path.exists(setpriv):
            L.skip("needs root and setpriv to run liaisonctl as another user")
        for cmd in (["list"], ["status"], ["comment", "1", "x"]):
            p = run(as_nobody + [L.LIAISONCTL, "--config", d.conf_path] + cmd, timeout=60)
            L.eq(p.returncode, 77, "%s without permission: %s" % (cmd, p.stderr))
            L.ok("permission denied" in p.stderr.lower(), "says why: %r" % p.stderr)
        # the database readable but not writable: still 77, before any write
        os.chmod(d.state_dir, 0o755)
        for f in os.listdir(d.state_dir):
            os.chmod(os.path.join(d.state_dir, f), 0o755 if os.path.isdir(os.path.join(d.state_dir, f)) else 0o644)
        p = run(as_nobody + [L.LIAISONCTL, "--config", d.conf_path, "comment", "1", "x"], timeout=60)
        L.eq(p.returncode, 77, "a write to a read-only database: %s" % p.stderr)
    finally:
        d.close()


@L.test
def test_man_pages_list_every_command_and_option():
    p = run([L.LIAISONCTL, "help"], timeout=30)
    L.eq(p.returncode, 0, "liaisonctl help")
    cmds = re.findall(r"^  ([a-z][a-z-]*) ", p.stdout, re.M)
    L.ok(len(cmds) >= 20, "commands listed by help: %r" % cmds)
    page = run(["man", "-l", os.path.join(TOP, "man/liaisonctl.8")],
               env=dict(os.environ, MANWIDTH="200", LC_ALL="C.UTF-8"), timeout=30).stdout
    # Each command heads an entry of COMMANDS: its name at the start of a line.
    missing = [c for c in cmds if not re.search(r"^ +%s( |$)" % re.escape(c), page, re.M)]
    L.eq(missing, [], "commands missing from liaisonctl(8)")
    p = run([L.LIAISOND, "--help"], timeout=30)
    opts = re.findall(r"^ +(?:-\w, )?(--[a-z-]+)", p.stdout, re.M)
    L.ok("--config" in opts, "liaisond --help lists options: %r" % opts)
    page = open(os.path.join(TOP, "man/liaisond.8")).read().replace("\\-", "-")
    missing = [o for o in opts if o not in page]
    L.eq(missing, [], "liaisond options missing from liaisond(8)")
    conf5 = open(os.path.join(TOP, "man/liaisond.conf.5")).read().replace("\\-", "-")
    keys = re.findall(r'\{ "(?:liaisond|parser|directory|notify)", "([a-z_]+)"',
                      open(os.path.join(TOP, "conf/conf.c")).read())
    L.ok(len(keys) > 20, "keys found in conf/conf.c: %r" % keys)
    missing = [k for k in keys if not re.search(r"\b%s\b" % k, conf5)]
    L.eq(missing, [], "config keys missing from liaisond.conf(5)")


@L.test
def test_every_command_has_accurate_help():
    """`help CMD` gives every command a usage, a summary and details; `CMD
    --help` is the same; each option of a usage line is in liaisonctl(8)."""
    p = run([L.LIAISONCTL, "help"], timeout=30)
    cmds = re.findall(r"^  ([a-z][a-z-]*) +(.*)$", p.stdout, re.M)
    L.ok(len(cmds) >= 20 and "help" in [c for c, _ in cmds], "commands: %r" % cmds)
    page = open(os.path.join(TOP, "man/liaisonctl.8")).read().replace("\\-", "-")
    for cmd, summary in cmds:
        L.ok(summary.strip(), "%s has a summary" % cmd)
        h = run([L.LIAISONCTL, "help", cmd], timeout=30)
        L.eq(h.returncode, 0, "help %s exits 0" % cmd)
        parts = [x for x in h.stdout.split("\n\n") if x.strip()]
        L.ok(len(parts) >= 3 and parts[0].startswith("usage: liaisonctl " + cmd) and
             parts[1].strip() == summary.strip(),
             "help %s has usage, summary and details:\n%s" % (cmd, h.stdout))
        L.eq(run([L.LIAISONCTL, cmd, "--help"], timeout=30).stdout, h.stdout,
             "%s --help is help %s" % (cmd, cmd))
        usage = parts[0].split("\n")[0]
        missing = [o for o in re.findall(r"(--[a-z-]+|-o\b)", usage) if o not in page]
        L.eq(missing, [], "options of %s missing from liaisonctl(8)" % cmd)
    show = dict(cmds)["show"]
    L.ok("statement" in show, "show's summary says it shows a statement: %r" % show)


# ---------------------------------------------------------------- systemd units

def units_for_verify(d, tmp):
    """Copies of the installed units whose ExecStart binaries resolve into
    DESTDIR, since verify checks that the programs exist."""
    out = []
    for u in UNITS:
        text = open(os.path.join(d, "usr/lib/systemd/system", u)).read()
        text = text.replace("/usr/sbin/liaisond", os.path.join(d, "usr/sbin/liaisond"))
        text = text.replace("/usr/bin/liaisonctl", os.path.join(d, "usr/bin/liaisonctl"))
        path = os.path.join(tmp, u)
        with open(path, "w") as f:
            f.write(text)
        out.append(path)
    return out


def verify(paths, mandir):
    return run([SYSTEMD_ANALYZE, "verify"] + paths,
               env=dict(os.environ, MANPATH=mandir, SYSTEMD_PAGER="", SYSTEMD_COLORS="0"), timeout=120)


@L.test
def test_systemd_analyze_verify():
    if not os.path.exists(SYSTEMD_ANALYZE):
        L.skip("systemd-analyze is not installed (Debian package systemd)")
    d = installed_tree()
    tmp = L.tmpdir()
    try:
        paths = units_for_verify(d, tmp)
        p = verify(paths, os.path.join(d, "usr/share/man"))
        L.eq(p.returncode, 0, "systemd-analyze verify exit status (%s)" % p.stderr)
        # verify reports most mistakes as warnings with status 0: none allowed.
        L.eq((p.stdout + p.stderr).strip(), "", "systemd-analyze verify output")
        # The check can fail: a unit with a typo is reported.
        bad = os.path.join(tmp, "liaisond-bad.service")
        with open(bad, "w") as f:
            f.write(open(paths[0]).read().replace("Type=notify", "Type=notifyy"))
        p = verify([bad], os.path.join(d, "usr/share/man"))
        L.ok("notifyy" in p.stdout + p.stderr, "verify reports a bad Type=: %r" % p.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def exposure(path):
    p = run([SYSTEMD_ANALYZE, "security", "--offline=true", path],
            env=dict(os.environ, SYSTEMD_PAGER="", SYSTEMD_COLORS="0"), timeout=120)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", p.stdout + p.stderr)
    if not m:
        raise L.CheckFailed("no exposure level in systemd-analyze security output (%d): %s %s"
                            % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    return float(m.group(1))


@L.test
def test_systemd_analyze_security_exposure():
    if not os.path.exists(SYSTEMD_ANALYZE):
        L.skip("systemd-analyze is not installed (Debian package systemd)")
    d = installed_tree()
    for u in ("liaisond.service", "liaisond-remind.service", "liaisond-web.service"):
        e = exposure(os.path.join(d, "usr/lib/systemd/system", u))
        print("# %s exposure %.1f" % (u, e))
        L.ok(e <= MAX_EXPOSURE, "%s exposure %.1f > %.1f" % (u, e, MAX_EXPOSURE))
    # The figure the operator documentation quotes is the current one.
    e = exposure(os.path.join(d, "usr/lib/systemd/system/liaisond.service"))
    doc = open(os.path.join(TOP, "docs/operations.md")).read()
    L.ok(("exposure %.1f" % e) in doc, "docs/operations.md quotes 'exposure %.1f'" % e)
    readme = os.path.join(TOP, "README.md")
    if os.path.exists(readme):
        L.ok(("exposure %.1f" % e) in open(readme).read(), "README.md quotes 'exposure %.1f'" % e)


@L.test
def test_sysusers_and_tmpfiles_in_a_root():
    """The installed sysusers.d and tmpfiles.d files, applied to an empty
    root folder (never the host): the user, then the folders it owns."""
    sysusers, tmpfiles = shutil.which("systemd-sysusers"), shutil.which("systemd-tmpfiles")
    if not sysusers or not tmpfiles:
        L.skip("systemd-sysusers/systemd-tmpfiles are not installed (Debian package systemd)")
    d = installed_tree()
    root = L.tmpdir("liaison-root-")
    try:
        os.makedirs(os.path.join(root, "etc"))
        p = run([sysusers, "--root=" + root, os.path.join(d, "usr/lib/sysusers.d/liaisond.conf")])
        L.eq((p.returncode, p.stderr.count("not a valid")), (0, 0), "systemd-sysusers: %s" % p.stderr)
        pw = [l.split(":") for l in open(os.path.join(root, "etc/passwd")).read().splitlines()]
        user = [e for e in pw if e[0] == "liaisond"]
        L.eq(len(user), 1, "user liaisond created in the root")
        uid, gid = int(user[0][2]), int(user[0][3])
        L.ok(uid < 1000, "a system uid: %d" % uid)
        L.eq(user[0][6], "/usr/sbin/nologin", "no login shell")
        p = run([tmpfiles, "--root=" + root, "--create", os.path.join(d, "usr/lib/tmpfiles.d/liaisond.conf")])
        L.eq(p.returncode, 0, "systemd-tmpfiles --create: %s" % p.stderr)
        for path, mode in (("var/lib/liaisond", 0o750), ("run/liaisond", 0o755)):
            st = os.stat(os.path.join(root, path))
            L.eq((st.st_uid, st.st_gid, st.st_mode & 0o7777), (uid, gid, mode), "owner and mode of /" + path)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@L.test
def test_remind_unit_command_runs():
    """The ExecStart= of liaisond-remind.service, as written in the installed
    unit, with the program and the config pointed at test copies."""
    d = installed_tree()
    unit = open(os.path.join(d, "usr/lib/systemd/system/liaisond-remind.service")).read()
    cmd = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
    L.eq(cmd[0], "/usr/bin/liaisonctl", "remind runs liaisonctl")
    L.eq(cmd[1:3], ["--config", "/etc/liaisond/liaisond.conf"], "with the installed config")
    dm = L.Daemon()
    try:
        dm.start()      # liaisond makes the database; liaisonctl never does
        dm.stop()
        argv = [os.path.join(d, "usr/bin/liaisonctl"), "--config", dm.conf_path] + cmd[3:]
        p = run(argv, timeout=60)
        L.eq(p.returncode, 0, "%s: %s %s" % (" ".join(cmd), p.stdout, p.stderr))
    finally:
        dm.close()


@L.test
def test_units_are_consistent():
    svc = open(os.path.join(TOP, "systemd/liaisond.service")).read()
    sock = open(os.path.join(TOP, "systemd/liaisond.socket")).read()
    timeout_stop = int(re.search(r"^TimeoutStopSec=(\d+)$", svc, re.M).group(1))
    # drain_timeout's maximum default must fit in the stop timeout with room.
    L.ok(timeout_stop > 30 + 10, "TimeoutStopSec=%d leaves room for drain_timeout (30)" % timeout_stop)
    L.ok(re.search(r"^Type=notify$", svc, re.M), "Type=notify")
    L.ok(re.search(r"^ListenStream=/run/liaisond/lmtp.sock$", sock, re.M), "socket path")
    L.ok(re.search(r"^SocketGroup=postfix$", sock, re.M), "socket group postfix")
    L.ok(re.search(r"^SocketMode=0660$", sock, re.M), "socket mode 0660")


# ---------------------------------------------------------------- socket activation

class Activated:
    """liaisond started the way systemd starts it from liaisond.socket: the
    listening socket dup'ed to fd 3, LISTEN_FDS=1 and LISTEN_PID=<its pid>
    set in the child between fork and exec."""

    def __init__(self, daemon, listener, extra_env=None, listen_pid=None):
        self.d = daemon
        log = os.open(daemon.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        pid = os.fork()
        if pid == 0:
            try:
                fd = listener.fileno()
                if fd == 3:
                    os.set_inheritable(3, True)
                else:
                    os.dup2(fd, 3, inheritable=True)
                os.dup2(log, 1)
                os.dup2(log, 2)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                env = dict(daemon.env)
                env.update(extra_env or {})
                env["LISTEN_FDS"] = "1"
                env["LISTEN_FDNAMES"] = "lmtp"
                env["LISTEN_PID"] = str(listen_pid if listen_pid is not None else os.getpid())
                os.execve(L.LIAISOND, [L.LIAISOND, "--config", daemon.conf_path], env)
            finally:
                os._exit(127)
        os.close(log)
        self.pid = pid
        self.rc = None
        L._live.append(self)

    def poll(self):
        if self.rc is None:
            p, status = os.waitpid(self.pid, os.WNOHANG)
            if p == self.pid:
                self.rc = os.waitstatus_to_exitcode(status)
        return self.rc

    def signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, timeout=30):
        self.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout * L.SLOW
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.rc = -9
            raise L.CheckFailed("activated liaisond did not stop within %ss" % (timeout * L.SLOW))
        return self.rc

    def close(self):
        if self.rc is None:
            try:
                self.stop()
            except L.CheckFailed:
                pass
        if self in L._live:
            L._live.remove(self)


def unix_listener(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.listen(16)
    return s


@L.test
def test_socket_activation_serves_the_passed_socket():
    tmp = L.tmpdir()
    unused = os.path.join(tmp, "from-listen.sock")
    d = L.Daemon(conf={"liaisond": {"listen": "unix:" + unused}}, tmp=tmp)
    path = os.path.join(tmp, "activated.sock")
    listener = unix_listener(path)
    a = Activated(d, listener)
    listener.close()          # the daemon holds its own copy now
    try:
        c = L.LMTPClient(path=path)
        L.eq(c.greeting[0], 220, "greeting on the activated socket")
        c.lhlo()
        body = L.make_message(subject="activated")
        r = c.send("sender@example.org", ["statements@ietf.org"], body)
        L.eq([x[0] for x in r], [250], "replies over the activated socket")
        c.cmd("QUIT")
        c.close()
        rows = d.ctl_json("list")
        L.eq(len(rows), 1, "messages recorded")
        L.ok(not os.path.exists(unused), "the `listen` socket must not be created when activated")
        L.eq(a.stop(), 0, "exit status after SIGTERM")
    finally:
        a.close()
        d.close()


@L.test
def test_socket_activation_for_another_pid_is_ignored():
    tmp = L.tmpdir()
    d = L.Daemon(tmp=tmp)
    path = os.path.join(tmp, "other.sock")
    listener = unix_listener(path)
    a = Activated(d, listener, listen_pid=1)   # meant for someone else
    listener.close()
    try:
        # It falls back to `listen` (TCP and the harness's unix socket).
        L.wait_for(lambda: L.listening(d.port) or a.poll() is not None, 20, "liaisond on `listen`")
        L.eq(a.poll(), None, "liaisond still running (log: %s)" % d.log()[-2000:])
        c = d.lmtp()
        L.eq(c.greeting[0], 220, "greeting on the configured listener")
        c.close()
        L.eq(a.stop(), 0, "exit status after SIGTERM")
    finally:
        a.close()
        d.close()


@L.test
def test_postfix_delivers_to_socket_activated_liaisond():
    tmp = L.tmpdir()
    d = L.Daemon(conf={"liaisond": {"listen": "unix:" + os.path.join(tmp, "unused.sock")}}, tmp=tmp)
    path = os.path.join(tmp, "lmtp.sock")
    listener = unix_listener(path)
    # The owner and mode liaisond.socket gives it: Postfix's lmtp client runs
    # as user postfix and gets in through the group alone.
    shutil.chown(path, group="postfix")
    os.chmod(path, 0o660)
    a = Activated(d, listener)
    listener.close()
    try:
        with L.Postfix(transport="lmtp:unix:" + path) as pf:
            pf.swaks("sender@example.org", "statements@ietf.org", L.make_message(subject="via postfix"))
            pf.wait_log(r"status=sent")
        rows = d.ctl_json("list")
        L.eq(len(rows), 1, "messages recorded through Postfix")
        L.eq(a.stop(), 0, "exit status after SIGTERM")
    finally:
        a.close()
        d.close()


# ---------------------------------------------------------------- sd_notify

class NotifySocket:
    """A datagram socket standing in for systemd's notification socket."""

    def __init__(self, tmp, abstract=False):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = "liaison-test-notify-%d-%d" % (os.getpid(), int(time.time() * 1e6))
            self.s.bind("\0" + name)
            self.env_value = "@" + name
        else:
            path = os.path.join(tmp, "notify.sock")
            self.s.bind(path)
            self.env_value = path
        self.s.settimeout(0.1)
        self.messages = []

    def drain(self):
        while True:
            try:
                data = self.s.recv(65536)
            except (socket.timeout, BlockingIOError):
                return
            self.messages.append(data.decode("utf-8", "replace"))

    def wait(self, key, after=0, timeout=20):
        """Index of the first message from AFTER on that has the line KEY."""
        def found():
            self.drain()
            for i in range(after, len(self.messages)):
                if key in self.messages[i].split("\n"):
                    return i + 1
            return None
        return L.wait_for(found, timeout, "notification %s (got %r)" % (key, self.messages)) - 1

    def close(self):
        self.s.close()


def notify_run(abstract):
    tmp = L.tmpdir()
    ns = NotifySocket(tmp, abstract=abstract)
    d = L.Daemon(tmp=tmp, env={"NOTIFY_SOCKET": ns.env_value, "WATCHDOG_USEC": "400000"})
    try:
        d.start()
        i = ns.wait("READY=1")
        # READY=1 comes once the listeners are up: the port answers.
        L.ok(L.listening(d.port), "listening when READY=1 was sent")
        w = ns.wait("WATCHDOG=1", after=i)
        ns.wait("WATCHDOG=1", after=w + 1)
        d.signal(signal.SIGHUP)
        r = ns.wait("RELOADING=1", after=i + 1)
        L.ok(any(l.startswith("MONOTONIC_USEC=") for l in ns.messages[r].split("\n")),
             "RELOADING=1 carries MONOTONIC_USEC: %r" % ns.messages[r])
        ns.wait("READY=1", after=r + 1)
        L.eq(d.stop(), 0, "exit status after SIGTERM")
        ns.wait("STOPPING=1", after=r + 1, timeout=5)
        status = [m for m in ns.messages if "STATUS=" in m]
        L.ok(status, "STATUS= lines sent")
    finally:
        d.close()
        ns.close()


@L.test
def test_sd_notify_ready_reload_watchdog_stopping():
    notify_run(abstract=False)


@L.test
def test_sd_notify_abstract_socket():
    notify_run(abstract=True)


@L.test
def test_no_notify_socket_no_watchdog_without_systemd():
    # Without NOTIFY_SOCKET a WATCHDOG_USEC alone must not break start-up.
    with L.Daemon(env={"WATCHDOG_USEC": "100000"}) as d:
        c = d.lmtp()
        L.eq(c.greeting[0], 220, "greeting")
        c.close()
        L.eq(d.stop(), 0, "exit status")


def _harden():
    """In the child before exec: what MemoryDenyWriteExecute= and
    NoNewPrivileges= do under systemd, through the kernel's own switches
    (PR_SET_MDWE, Linux 6.3+; PR_SET_NO_NEW_PRIVS). Both survive execve."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:          # PR_SET_NO_NEW_PRIVS
        os._exit(120)
    if libc.prctl(65, 1, 0, 0, 0) != 0:          # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
        os._exit(121)


@L.test
def test_works_without_writable_executable_memory():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(66, 0, 0, 0, 0) < 0:            # PR_GET_MDWE
        L.skip("the kernel has no PR_SET_MDWE (Linux 6.3+) to stand in for MemoryDenyWriteExecute=")
    d = L.Daemon()
    try:
        logf = open(d.log_path, "ab")
        d.proc = subprocess.Popen([L.LIAISOND, "--config", d.conf_path], stdout=logf, stderr=logf,
                                  stdin=subprocess.DEVNULL, env=d.env, preexec_fn=_harden)
        logf.close()
        d.wait_ready()
        # A forwarded statement: the parser's regular expressions (PCRE2 JIT
        # wants W+X memory) and the parse worker (a child: execve) run.
        body = ("---------- Forwarded message ---------\r\n"
                "From: Someone <someone@3gpp.example>\r\n"
                "Subject: LS on QUIC\r\n\r\n"
                "Title: LS on QUIC\r\nFrom: 3GPP TSG SA WG3\r\nTo: IETF QUIC WG\r\n"
                "Purpose: For information\r\n\r\nBody text.\r\n")
        d.submit(L.make_message(subject="Fwd: LS on QUIC", body=body))
        rows = d.ctl_json("list")
        L.eq(len(rows), 1, "message recorded")
        st = d.wait_state(rows[0]["id"])
        L.ok(st["state"] in ("posted", "rejected"), "parsed under MDWE: %r" % st.get("state"))
        L.ok("parse_worker_died" not in d.log(), "the parse worker crashed: %s" % d.log()[-2000:])
        L.eq(d.stop(), 0, "exit status")
    finally:
        d.close()


# ---------------------------------------------------------------- schema versions

def sqlite(db, sql):
    p = run([SQLITE3, db], input=sql, timeout=60)
    if p.returncode != 0:
        raise L.CheckFailed("sqlite3 %s: %s" % (db, p.stderr))
    return p.stdout.strip()


@L.test
def test_old_schema_is_migrated_at_start_up():
    tmp = L.tmpdir()
    state = os.path.join(tmp, "state")
    os.makedirs(os.path.join(state, "msg"))
    db = os.path.join(state, "liaisond.db")
    first = schema_files()[0]
    L.ok(os.path.basename(first).startswith("0001"), "first migration is 0001: %s" % first)
    sqlite(db, open(first).read() + "\nPRAGMA user_version = 1;\n"
           "INSERT INTO messages(received_at, envelope_from, size, sha256, dedupe_key, path,"
           " client, session_id, state) VALUES ('2026-01-01T00:00:00Z', 'old@example.org', 5,"
           " 'x', 'old-1', 'msg/old', 'unix', 'old-session', 'dead');\n")
    d = L.Daemon(tmp=tmp)
    try:
        d.start()
        L.eq(int(sqlite(db, "PRAGMA user_version;")), len(schema_files()), "schema version after start-up")
        L.eq(sqlite(db, "SELECT session_id FROM messages;"), "old-session", "the old row is kept")
        c = d.lmtp()
        c.lhlo()
        r = c.send("sender@example.org", ["statements@ietf.org"], L.make_message(subject="after migration"))
        L.eq([x[0] for x in r], [250], "delivery after migration")
        c.close()
        L.eq(sqlite(db, "SELECT count(*) FROM messages;"), "2", "messages after delivery")
        L.eq(d.stop(), 0, "exit status")
    finally:
        d.close()


@L.test
def test_newer_schema_is_refused():
    tmp = L.tmpdir()
    state = os.path.join(tmp, "state")
    os.makedirs(state)
    db = os.path.join(state, "liaisond.db")
    sqlite(db, "CREATE TABLE future(x); PRAGMA user_version = 999;")
    d = L.Daemon(tmp=tmp)
    try:
        d.start(wait=False)
        rc = d.proc.wait(30 * L.SLOW)
        d.proc = None
        L.eq(rc, 69, "liaisond exit status on a newer database (log: %s)" % d.log()[-1500:])
        log = d.log()
        L.ok(re.search(r"999.*newer|newer.*999", log), "the log says the database is newer: %s" % log[-1500:])
        L.eq(sqlite(db, "PRAGMA user_version;"), "999", "the database is left alone")
        p = d.ctl("status", check=False)
        L.eq(p.returncode, 69, "liaisonctl status on a newer database")
        L.ok("newer" in p.stderr, "liaisonctl says why: %r" % p.stderr)
    finally:
        d.close()


# ---------------------------------------------------------------- logging

@L.test
def test_log_lines_are_key_value_without_bodies_or_addresses():
    marker = "BODYMARKER%d" % os.getpid()
    sender = "secret-sender-%d@example.org" % os.getpid()
    with L.Daemon() as d:
        c = d.lmtp()
        c.lhlo()
        r = c.send(sender, ["statements@ietf.org", "nobody-%d@ietf.org" % os.getpid()],
                   L.make_message(subject="Subject " + marker, body=marker + "\r\n",
                                  from_="X <%s>" % sender))
        L.eq([x[0] for x in r], [250], "delivery")
        c.cmd("QUIT")
        c.close()
        # With the parse stage in the tree, its log lines are checked too.
        if os.path.exists(os.path.join(TOP, "daemon", "stage_parse.c")):
            d.wait_state(d.ctl_json("list")[0]["id"])
        L.eq(d.stop(), 0, "exit status")
        log = d.log()
    L.ok(marker not in log, "the message body or subject appears in the log")
    L.ok(sender not in log, "an address appears in the log at level info")
    L.ok("nobody-%d" % os.getpid() not in log, "a refused recipient appears in the log at info")
    lines = [l for l in log.splitlines() if l.strip()]
    L.ok(lines, "some log lines")
    for l in lines:
        L.ok(re.search(r" level=(debug|info|warning|error) event=[a-z_0-9.]+( |$)", l),
             "log line not key=value with level= and event=: %r" % l)


@L.test
def test_parse_worker_honours_the_log_level():
    """The parse worker's lines follow [liaisond] log_level and --log-level
    (which wins), like the daemon's own."""
    def one_statement(d):
        c = d.lmtp()
        c.lhlo()
        r = c.send("a@example.org", ["statements@ietf.org"], L.make_message(
            subject="LS on logging", body="Title: LS on logging\nFrom: 3GPP SA2\n"
            "To: IETF QUIC WG\nPurpose: For Information\n\nText.\n"))
        c.close()
        L.eq(r[0][0], 250, "delivered: %r" % (r,))
        mid = int(re.findall(r"\d+", r[0][1])[-1])
        d.wait_state(mid)
        L.eq(d.stop(), 0, "exit status")
        return d.log()
    with L.Daemon() as d:
        log = one_statement(d)
    L.ok(re.search(r"liaisond-parse: level=info event=parsed ", log),
         "at info the worker logs each message:\n%s" % log)
    with L.Daemon(conf={"liaisond": {"log_level": "warning"}}) as d:
        log = one_statement(d)
    L.ok("level=info" not in log and "level=debug" not in log,
         "log_level = warning: no info lines, the worker's neither:\n%s" % log)
    with L.Daemon(conf={"liaisond": {"log_level": "debug"}}, args=["--log-level", "error"]) as d:
        log = one_statement(d)
    L.ok(not re.search(r"level=(debug|info|warning)", log),
         "--log-level error overrides log_level = debug, in the worker too:\n%s" % log)


@L.test
def test_log_level_flag():
    with L.Daemon(args=["--log-level", "debug"]) as d:
        c = d.lmtp()
        c.lhlo()
        c.cmd("QUIT")
        c.close()
        L.eq(d.stop(), 0, "exit status")
        debug_log = d.log()
    L.ok("level=debug" in debug_log, "--log-level debug shows debug lines")
    with L.Daemon(args=["--log-level", "error"]) as d:
        c = d.lmtp()
        c.lhlo()
        c.close()
        L.eq(d.stop(), 0, "exit status")
        L.ok("level=info" not in d.log(), "--log-level error hides info lines")
    d = L.Daemon(args=["--log-level", "chatty"])
    try:
        d.start(wait=False)
        rc = d.proc.wait(30 * L.SLOW)
        d.proc = None
        L.eq(rc, 64, "a bad --log-level is a usage error")
    finally:
        d.close()


# ---------------------------------------------------------------- liaisonctl status

def status(d):
    p = d.ctl("status", "--json", check=False)
    if p.returncode not in (0, 1):
        raise L.CheckFailed("status exited %d: %s" % (p.returncode, p.stderr))
    return p.returncode, json.loads(p.stdout)


def add_message(db, key, state, at="2026-11-22T00:00:00Z"):
    sqlite(db, "INSERT INTO messages(received_at, envelope_from, size, sha256, dedupe_key, path,"
           " client, session_id, state) VALUES ('%s', 'a@example.org', 1, 'x', '%s', 'msg/x',"
           " 'unix', 's', '%s');" % (at, key, state))


def add_mail(db, state, created):
    sqlite(db, "INSERT INTO outbox(kind, subject, message_id, raw, envelope_from, created_at,"
           " next_attempt_at, expires_at, state) VALUES ('ack', 's', 'm%s', 'raw', 'f', '%s',"
           " '%s', '2099-01-01T00:00:00Z', '%s');" % (time.time(), created, created, state))


def iso(seconds_ago):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds_ago))


@L.test
def test_status_exit_codes():
    d = L.Daemon()          # started once to make the database; status reads it alone
    try:
        d.start()
        d.stop()
        rc, st = status(d)
        L.eq(rc, 0, "status on an empty database")
        L.eq(st["ok"], True, "ok")
        for k in ("version", "database", "database_size", "schema_version", "states",
                  "rejects_waiting", "oldest_reject_age", "outbox_queued", "outbox_failed",
                  "oldest_queued_age", "last_received_at", "attention"):
            L.ok(k in st, "status --json has %s" % k)
        L.eq(st["version"], "0.1.0", "version")
        L.eq(st["schema_version"], len(schema_files()), "schema version")
        L.eq(st["last_received_at"], None, "no message yet")
        db = st["database"]
        L.ok(os.path.exists(db), "database path %s exists" % db)

        at = iso(60)
        add_message(db, "k1", "posted", at)
        rc, st = status(d)
        L.eq(rc, 0, "status with a posted statement")
        L.eq(st["states"]["posted"], 1, "posted count")
        L.eq(st["last_received_at"], at, "last received")

        add_message(db, "k2", "rejected", iso(7200))
        rc, st = status(d)
        L.eq(rc, 1, "status with a reject waiting")
        L.eq(st["rejects_waiting"], 1, "rejects waiting")
        L.ok(7000 <= st["oldest_reject_age"] <= 7200 + 600, "oldest reject age %r" % st["oldest_reject_age"])
        sqlite(db, "UPDATE messages SET state = 'posted';")

        add_mail(db, "queued", iso(60))
        rc, st = status(d)
        L.eq(rc, 0, "a mail queued a minute ago is fine")
        L.eq(st["outbox_queued"], 1, "queued")
        add_mail(db, "queued", iso(2 * 3600))
        rc, st = status(d)
        L.eq(rc, 1, "a mail queued two hours ago needs attention")
        L.ok(st["oldest_queued_age"] >= 7000, "oldest queued age %r" % st["oldest_queued_age"])
        sqlite(db, "UPDATE outbox SET state = 'sent';")
        rc, st = status(d)
        L.eq(rc, 0, "all sent")

        add_mail(db, "failed", iso(60))
        rc, st = status(d)
        L.eq(rc, 1, "a failed mail needs attention")
        L.eq(st["outbox_failed"], 1, "failed")

        p = d.ctl("status", check=False)
        L.eq(p.returncode, 1, "text status exit")
        L.ok("failed" in p.stdout and "0.1.0" in p.stdout, "text status: %r" % p.stdout)
        p = d.ctl("status", "extra", check=False)
        L.eq(p.returncode, 64, "usage error")
    finally:
        d.close()


L.main()
