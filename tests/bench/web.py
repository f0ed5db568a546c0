"""web.py - `make bench`'s web case: liaisond-web's public detail and list
pages with 10,000 statements stored, 16 concurrent clients (wrk, Debian),
requests/s and latency percentiles reported. A benchmark, never a test:
it asserts only that the statements were stored and the pages answered 200.

The statements go in through liaisond over LMTP (tests/bench/lmtp_load.c,
the 2 KB text kind: posted to the QUIC WG), then liaisond is stopped so that
the web server has the machine to itself. BENCH_WEB_STATEMENTS changes the
count, BENCH_WEB_SECONDS the length of each run."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import liaison as L  # noqa: E402

BUILD = os.environ.get("LIAISON_BUILD", os.path.join(TOP, "build"))
LOAD = os.path.join(BUILD, "bench", "lmtp_load")
N = int(os.environ.get("BENCH_WEB_STATEMENTS", "10000"))
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "10"))
CLIENTS = 16
MAIL_PER_S = 400     # statements sent per second of the "while mail arrives" runs, at most

# wrk script: each request a random posted statement (ids 1..N)
DETAIL_LUA = """
math.randomseed(%d)
request = function()
  return wrk.format("GET", "/liaison/" .. math.random(1, %d) .. "/")
end
"""


def wrk(url, script=None):
    args = ["wrk", "-t2", "-c%d" % CLIENTS, "-d%ds" % SECONDS, "--latency", "--timeout", "5s"]
    if script:
        args += ["-s", script]
    p = subprocess.run(args + [url], capture_output=True, text=True, timeout=SECONDS + 60)
    out = p.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, val, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(val) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": lat.get("50", 0.0), "p99_ms": lat.get("99", 0.0),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else ""}


def main():
    tmp = tempfile.mkdtemp(prefix="bench-web-")
    port = L.free_port()
    d = L.Daemon(unix=False, directory=L.EXAMPLE_DIRECTORY, tmp=tmp, conf={
        "notify": {"base_url": "http://127.0.0.1:%d/liaison/" % port},
        "web": {"listen": "127.0.0.1:%d" % port, "max_connections": "256"}})
    d.start()
    try:
        t0 = time.monotonic()
        p = subprocess.run([LOAD, "--port", str(d.port), "--clients", "8", "--messages", str(N),
                            "--size", "2048", "--kind", "text", "--rcpt", "statements@ietf.org",
                            "--run", "web"], capture_output=True, text=True, timeout=1800)
        if p.returncode != 0:
            raise SystemExit("lmtp_load failed: %s %s" % (p.stdout, p.stderr))
        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            if db.execute("SELECT count(*) FROM messages WHERE state = 'received'").fetchone()[0] == 0:
                break
            time.sleep(0.2)
        posted = db.execute("SELECT count(*) FROM messages WHERE state = 'posted'").fetchone()[0]
        db.close()
        print("web: %d statements stored (%d posted) in %.0f s" % (N, posted, time.monotonic() - t0),
              flush=True)
        if posted < N:
            raise SystemExit("web: only %d of %d statements were posted" % (posted, N))
        d.stop()   # the web server alone on the machine, as in production behind a proxy
        w = L.Web(d, port).start()
        try:
            lua = os.path.join(tmp, "detail.lua")
            with open(lua, "w") as f:
                f.write(DETAIL_LUA % (os.getpid(), N))
            rows = [("detail /liaison/N/", wrk(w.url("liaison/"), lua)),
                    ("list /liaison/", wrk(w.url("liaison/"))),
                    ("list /liaison/?to=wit", wrk(w.url("liaison/?to=wit")))]
            # the same pages while mail arrives (issue 19): liaisond back,
            # 8 LMTP clients sending 50 KB statements for the whole run
            d.start()
            mail = subprocess.Popen([LOAD, "--port", str(d.port), "--clients", "8",
                                     "--messages", str(MAIL_PER_S * (SECONDS + 5)), "--size", "51200",
                                     "--kind", "text", "--rcpt", "statements@ietf.org",
                                     "--run", "webmail"], stdout=subprocess.PIPE, text=True)
            dbm = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"), timeout=30)
            try:
                time.sleep(1)   # the mail under way first
                n0, t1 = dbm.execute("SELECT count(*) FROM messages").fetchone()[0], time.monotonic()
                rows.append(("detail, while mail arrives", wrk(w.url("liaison/"), lua)))
                rows.append(("list, while mail arrives", wrk(w.url("liaison/"))))
                n1, t2 = dbm.execute("SELECT count(*) FROM messages").fetchone()[0], time.monotonic()
            finally:
                mail.terminate()
                mail.communicate(timeout=60)
                dbm.close()
            during = "%d statements of 50 KB received meanwhile, %.0f/s" % (n1 - n0,
                                                                           (n1 - n0) / (t2 - t1))
        finally:
            w.close()
        print()
        print("| page (%d statements, %d clients, %d s) | requests/s | p50 ms | p99 ms | non-2xx |"
              % (N, CLIENTS, SECONDS))
        print("|---|---|---|---|---|")
        for name, r in rows:
            print("| %s | %.0f | %.2f | %.2f | %d |" % (name, r["rps"], r["p50_ms"], r["p99_ms"],
                                                    r["non2xx"]))
            if r["non2xx"] or r["socket_errors"]:
                print("  (%s: %d non-2xx, socket errors: %s)" % (name, r["non2xx"],
                                                               r["socket_errors"]))
        print("(the two runs \"while mail arrives\": %s)" % during)
    finally:
        d.close()
        L._cleanup_all()


if __name__ == "__main__":
    main()
