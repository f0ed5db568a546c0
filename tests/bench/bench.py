"""bench.py - `make bench`: liaisond against Dovecot's LMTP, same load, same run.

For each case (message kind and size x concurrent clients) it runs, alternating
A B C A B C with each side starting from empty state:
  A = liaisond (plain build) with a fresh state_dir, full durability;
  B = a private Dovecot (dovecot-lmtpd) delivering to a Maildir with
      mail_fsync=always, from its own folder on a loopback port;
  C = the floor (tests/bench/floor.c): an LMTP server that only reads the
      bytes, appends them to one spool file and answers after a group-commit
      fsync - what any durable receiver must at least spend.
The load generator (tests/bench/lmtp_load.c) keeps one connection per client.
The "doc" kind sends a PDF statement written by tests/bench/mkpdf.py (60 pages
of text, cover sheet on page 1), one distinct title per message.
liaisond's "statements/s" counts until the last message has left state
'received' (parsed, validated, stored, mail queued). CPU seconds per message
and peak RSS cover liaisond and its worker processes.

This is a benchmark, never a test: it prints figures, it asserts nothing
except that every message was acknowledged.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import liaison as L  # noqa: E402

BUILD = os.environ.get("LIAISON_BUILD", os.path.join(TOP, "build"))
# The harness's own tools (this tree's build), also when LIAISON_BUILD measures
# another build: the same load generator and floor for the before and the after.
TOOLS = os.environ.get("BENCH_TOOLS", os.path.join(TOP, "build", "bench"))
LOAD = os.path.join(TOOLS, "lmtp_load")
FLOOR = os.path.join(TOOLS, "floor")
DOC = os.path.join(TOOLS, "doc.pdf")   # written by mkpdf.py when a doc case runs
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CLK = os.sysconf("SC_CLK_TCK")


def proc_tree(pid):
    """PID and its descendants (liaisond's parse/notify workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def cpu_seconds(pids):
    total = 0.0
    for p in pids:
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK
        except (OSError, IndexError):
            pass
    return total


def peak_rss_mb(pids):
    peak = 0
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024.0


def run_load(port, clients, messages, size, kind, rcpt, tag):
    doc = ["--doc", DOC] if kind == "doc" else []
    p = subprocess.run([LOAD, "--port", str(port), "--clients", str(clients),
                        "--messages", str(messages), "--size", str(size), "--kind", kind,
                        "--rcpt", rcpt, "--run", tag] + doc, capture_output=True, text=True,
                       timeout=1800)
    res = dict(kv.split("=", 1) for kv in p.stdout.split())
    if p.returncode != 0 or int(res.get("errors", 1)) != 0:
        raise SystemExit("load generator failed: %s %s" % (p.stdout, p.stderr))
    return {k: float(v) for k, v in res.items()}


def quiesce():
    """Write back what the side before left (its files, and their removal)
    before the next side starts: otherwise the first side of each case pays
    for the flushes of the last one's hundreds of MB."""
    os.sync()


def liaisond_case(clients, messages, size, kind, tag, conf=None):
    quiesce()
    d = L.Daemon(conf=conf, unix=False, directory=L.EXAMPLE_DIRECTORY,
                 tmp=tempfile.mkdtemp(prefix="bench-l-"))
    d.start()
    try:
        pids = proc_tree(d.proc.pid)
        cpu0 = cpu_seconds(pids)
        t0 = time.monotonic()
        r = run_load(d.port, clients, messages, size, kind, "statements@ietf.org", tag)
        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            left = db.execute("SELECT count(*) FROM messages WHERE state = 'received'").fetchone()[0]
            if left == 0:
                break
            time.sleep(0.02)
        processed_s = time.monotonic() - t0
        stored = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        db.close()
        pids = proc_tree(d.proc.pid)
        r["statements_per_s"] = stored / processed_s if left == 0 else 0.0
        r["cpu_ms_per_msg"] = (cpu_seconds(pids) - cpu0) * 1e3 / max(1, r["acked"])
        r["peak_rss_mb"] = peak_rss_mb(pids)
        r["stored"] = stored
        return r
    finally:
        d.close()
        shutil.rmtree(d.tmp, ignore_errors=True)


DOVECOT_CONF = """base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
mail_location = maildir:{d}/mail/%n
mail_fsync = always
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
passdb {{
  driver = static
  args = nopassword=y
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%n
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {port}
  }}
  process_min_avail = 2
}}
service anvil {{
  chroot =
}}
"""


def dovecot_case(clients, messages, size, kind, tag):
    quiesce()
    d = tempfile.mkdtemp(prefix="bench-d-")
    os.chmod(d, 0o755)
    os.makedirs(os.path.join(d, "mail"))
    shutil.chown(os.path.join(d, "mail"), "nobody", "nogroup")
    port = L.free_port()
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(DOVECOT_CONF.format(d=d, port=port))
    subprocess.run(["dovecot", "-c", conf], check=True, timeout=60)
    pidfile = os.path.join(d, "run", "master.pid")
    try:
        L.wait_for(lambda: os.path.exists(pidfile), 20, "dovecot to start")
        L.wait_for(lambda: L.listening(port), 20, "dovecot lmtp")
        with open(pidfile) as f:
            master = int(f.read())
        pids = proc_tree(master)
        cpu0 = cpu_seconds(pids)
        r = run_load(port, clients, messages, size, kind, "bench@bench.example", tag)
        pids = proc_tree(master)
        r["cpu_ms_per_msg"] = (cpu_seconds(pids) - cpu0) * 1e3 / max(1, r["acked"])
        r["peak_rss_mb"] = peak_rss_mb(pids)
        r["statements_per_s"] = r["msgs_per_s"]
        return r
    finally:
        try:
            with open(pidfile) as f:
                os.kill(int(f.read()), signal.SIGTERM)
            L.wait_for(lambda: not os.path.exists(pidfile), 20, "dovecot to stop")
        except (OSError, L.CheckFailed):
            pass
        shutil.rmtree(d, ignore_errors=True)


def floor_case(clients, messages, size, kind, tag):
    """The same load against tests/bench/floor.c. Its CPU is its own getrusage,
    printed when it stops (all its threads; /proc's 10 ms ticks would round
    the floor's few ms away); the LMTP connects before the load count too."""
    quiesce()
    d = tempfile.mkdtemp(prefix="bench-f-")
    port = L.free_port()
    proc = subprocess.Popen([FLOOR, "--port", str(port), "--spool", os.path.join(d, "spool")],
                            stdout=subprocess.PIPE, text=True)
    try:
        L.wait_for(lambda: L.listening(port), 20, "floor to listen")
        r = run_load(port, clients, messages, size, kind, "bench@bench.example", tag)
        r["peak_rss_mb"] = peak_rss_mb([proc.pid])
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
        cpu_ms = float(dict(kv.split("=", 1) for kv in out.split())["cpu_ms"])
        r["cpu_ms_per_msg"] = cpu_ms / max(1, r["acked"])
        r["statements_per_s"] = r["msgs_per_s"]
        return r
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


def big_message(size):
    """One 100 MB message: liaisond's peak RSS and time."""
    # The default max_message_size (50 MB) would refuse it: allow it here.
    return liaisond_case(1, 1, size, "pdf", "big",
                         conf={"liaisond": {"max_message_size": str(2 * size)}})


def x_floor(a, c):
    """liaisond's CPU per message over the floor's (0 when the floor's rounds to 0)."""
    return a["cpu_ms_per_msg"] / c["cpu_ms_per_msg"] if c["cpu_ms_per_msg"] > 0 else 0.0


def main():
    cases = [
        ("50KB text", 50 * 1024, "text", 1, int(400 * SCALE)),
        ("50KB text", 50 * 1024, "text", 8, int(3000 * SCALE)),
        ("50KB text", 50 * 1024, "text", 20, int(3000 * SCALE)),
        ("1MB pdf", 1024 * 1024, "pdf", 1, int(100 * SCALE)),
        ("1MB pdf", 1024 * 1024, "pdf", 8, int(400 * SCALE)),
        ("1MB pdf", 1024 * 1024, "pdf", 20, int(400 * SCALE)),
        # a ~1.2 MB mail carrying a 60-page text PDF (mkpdf.py); the size is the document's
        ("1.2MB doc", 1024 * 1024, "doc", 1, int(60 * SCALE)),
        ("1.2MB doc", 1024 * 1024, "doc", 8, int(240 * SCALE)),
    ]
    # BENCH_CASES="50KB:8,1MB:8,doc:8" runs only those cases: a prefix of the
    # case's name or its kind (text, pdf, doc), a colon, the clients.
    only = [c.split(":") for c in os.environ.get("BENCH_CASES", "").split(",") if c]
    if only:
        cases = [c for c in cases if any((c[0].startswith(o[0]) or c[2] == o[0]) and c[3] == int(o[1])
                                         for o in only)]
    cases = [c for c in cases if c[4] >= 1]
    if any(c[2] == "doc" for c in cases):
        subprocess.run(["/usr/bin/python3", os.path.join(TOP, "tests", "bench", "mkpdf.py"), DOC],
                       check=True, timeout=120)
    rows = []
    for name, size, kind, clients, n in cases:
        best = {"A": [], "B": [], "C": []}
        for rnd in range(ROUNDS):
            tag = "%s-%d-%d" % (kind, clients, rnd)
            best["A"].append(liaisond_case(clients, n, size, kind, "a" + tag))
            best["B"].append(dovecot_case(clients, n, size, kind, "b" + tag))
            best["C"].append(floor_case(clients, n, size, kind, "c" + tag))
        # the median round of each side (with 2 rounds: the mean)
        a, b, c = ({k: sum(r[k] for r in best[s]) / ROUNDS for k in best[s][0]} for s in "ABC")
        rows.append((name, clients, n, a, b, c))
        print("%-10s c=%-2d n=%-5d liaisond %7.1f msg/s %7.1f stmt/s p99 %6.1f ms | dovecot %7.1f msg/s p99 %6.1f ms | ratio %.2f | floor %7.1f msg/s x floor %.1f"
              % (name, clients, n, a["msgs_per_s"], a["statements_per_s"], a["p99_ms"],
                 b["msgs_per_s"], b["p99_ms"], a["statements_per_s"] / b["msgs_per_s"],
                 c["msgs_per_s"], x_floor(a, c)), flush=True)
    big = big_message(100 * 1024 * 1024) if os.environ.get("BENCH_BIG", "1") != "0" else \
        {"seconds": 0.0, "peak_rss_mb": 0.0}
    print()
    print("| case | clients | msgs | liaisond msg/s | statements/s | MB/s | p50 ms | p99 ms | CPU ms/msg | peak RSS MB | Dovecot msg/s | Dovecot p99 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, clients, n, a, b, c in rows:
        print("| %s | %d | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f | %.0f | %.0f | %.1f | %.2f |" % (
            name, clients, n, a["msgs_per_s"], a["statements_per_s"], a["mb_per_s"], a["p50_ms"],
            a["p99_ms"], a["cpu_ms_per_msg"], a["peak_rss_mb"], b["msgs_per_s"], b["p99_ms"],
            a["statements_per_s"] / b["msgs_per_s"]))
    print()
    print("| case | clients | floor msg/s | floor p99 ms | floor CPU ms/msg | liaisond CPU ms/msg | Dovecot CPU ms/msg | x floor |")
    print("|---|---|---|---|---|---|---|---|")
    for name, clients, n, a, b, c in rows:
        print("| %s | %d | %.0f | %.1f | %.2f | %.2f | %.2f | %.1f |" % (
            name, clients, c["msgs_per_s"], c["p99_ms"], c["cpu_ms_per_msg"], a["cpu_ms_per_msg"],
            b["cpu_ms_per_msg"], x_floor(a, c)))
    print()
    print("single 100 MB message: %.2f s, liaisond peak RSS %.0f MB" % (big["seconds"], big["peak_rss_mb"]))
    with open(os.path.join(BUILD, "bench.json"), "w") as f:
        print(json.dumps({"rows": [{"case": r[0], "clients": r[1], "messages": r[2], "liaisond": r[3],
                                    "dovecot": r[4], "floor": r[5], "x_floor": x_floor(r[3], r[5])}
                                   for r in rows], "big": big}), file=f)


if __name__ == "__main__":
    main()
