"""kill -9 liaisond while 4 clients send (issue 2): after the restart every
message that got a 250 is present and intact, and nothing is recorded twice."""
import random
import re
import threading
import time

import liaison as L

CLIENTS = 4
PER_CLIENT = 40
KILLS = 3
RCPT = "statements@ietf.org"


class Sender(threading.Thread):
    """Sends its messages like Postfix: after a broken connection or a 4xx it
    reconnects and sends the same bytes again, until a 250."""

    def __init__(self, d, k, acked, lock):
        super().__init__()
        self.d, self.k, self.acked, self.lock = d, k, acked, lock
        self.error = None

    def run(self):
        try:
            self._run()
        except Exception as e:
            self.error = e

    def _run(self):
        c = None
        deadline = time.monotonic() + 240 * L.SLOW
        for n in range(PER_CLIENT):
            body = "client %d message %d\r\n%s" % (self.k, n, ("filler line %d\r\n" % n) * random.randrange(1, 3000))
            data = L.make_message(subject="crash %d-%d" % (self.k, n), body=body)
            mid = re.search(rb"Message-ID: <([^>]+)>", data).group(1).decode()
            while True:
                if time.monotonic() > deadline:
                    raise L.CheckFailed("client %d stuck at message %d" % (self.k, n))
                try:
                    if c is None:
                        c = L.LMTPClient(port=self.d.port, timeout=10)
                        c.lhlo()
                    r = c.send("c%d@example.org" % self.k, [RCPT], data)
                    if r[0][0] == 250:
                        with self.lock:
                            self.acked[mid] = (data, int(re.search(r"stored as (\d+)", r[0][1]).group(1)))
                        break
                    if r[0][0] >= 500:
                        raise L.CheckFailed("client %d: permanent failure %r" % (self.k, r))
                    time.sleep(0.05)
                except (OSError, ConnectionError):
                    if c:
                        c.close()
                    c = None
                    time.sleep(0.05)
        if c:
            c.close()


@L.test
def kill9_while_four_clients_send():
    # about half the messages are over inline_max: both ways of keeping the
    # bytes (a row of message_bytes, a file in msg/) are killed in flight
    with L.Daemon(conf={"liaisond": {"inline_max": "24000"}}) as d:
        acked, lock = {}, threading.Lock()
        senders = [Sender(d, k, acked, lock) for k in range(CLIENTS)]
        for s in senders:
            s.start()
        for i in range(KILLS):
            # let some messages through, then kill at a random moment
            start = len(acked)
            L.wait_for(lambda: len(acked) >= start + 10 or not any(s.is_alive() for s in senders),
                       60, "progress before kill %d" % i)
            time.sleep(random.uniform(0, 0.2))
            d.kill9()
            time.sleep(random.uniform(0, 0.3))
            d.start()
        for s in senders:
            s.join(300 * L.SLOW)
            L.ok(not s.is_alive(), "sender %d finished" % s.k)
            L.eq(s.error, None, "sender %d" % s.k)
        L.eq(len(acked), CLIENTS * PER_CLIENT, "every message acknowledged")

        # a clean restart, then check everything
        d.kill9()
        d.start()
        rows = d.ctl_json("list")
        by_mid = {}
        for r in rows:
            by_mid.setdefault(r["message_id"], []).append(r["id"])
        twice = {m: ids for m, ids in by_mid.items() if len(ids) > 1}
        L.eq(twice, {}, "messages recorded twice")
        for mid, (data, rid) in acked.items():
            L.ok(mid in by_mid, "acknowledged message %s present" % mid)
            L.eq(by_mid[mid], [rid], "%s recorded under the id its 250 named" % mid)
        for mid, (data, rid) in random.sample(sorted(acked.items()), 40):
            L.eq(d.ctl("raw", rid, input=b"").stdout, data, "message %d intact" % rid)
        # every acknowledged message's bytes are complete, and the restart
        # cleaned the spools of the killed daemons
        import os
        import sqlite3
        db = sqlite3.connect(os.path.join(d.state_dir, "liaisond.db"))
        files, inline, bytes_rows = db.execute(
            "SELECT count(*) FILTER (WHERE path != ''), count(*) FILTER (WHERE path = ''),"
            " (SELECT count(*) FROM message_bytes) FROM messages").fetchone()
        db.close()
        L.eq(os.listdir(os.path.join(d.state_dir, "tmp")), [], "no spool left in tmp/")
        L.eq(len(os.listdir(os.path.join(d.state_dir, "msg"))), files,
             "one file in msg/ per record kept as a file (orphans of the kills removed at start)")
        L.eq(bytes_rows, inline, "one message_bytes row per record kept inline")
        L.ok(files > 0 and inline > 0, "both kinds were sent: %d files, %d inline" % (files, inline))
        print("# %d messages, %d records (%d files, %d inline), %d kills"
              % (len(acked), len(rows), files, inline, KILLS))


L.main()
