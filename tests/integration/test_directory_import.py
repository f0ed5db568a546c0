"""test_directory_import.py - `liaisonctl directory import` from the
datatracker's group, role and person exports (tests/fixtures/datatracker/,
in the shape of /api/v1/group/group/, /api/v1/group/role/ and
/api/v1/person/person/): the directory it writes passes check-config, keeps
the local keys on a second import, prints what changed, and routes a
statement through the real daemon to the chairs it names."""

import json
import os
import re
import shutil

import liaison as L

FIX = os.path.join(L.TOP, "tests", "fixtures", "datatracker")
FILES = [os.path.join(FIX, f) for f in ("groups.json", "roles.json", "persons.json")]


def add_keys(path, section, lines):
    """LINES under [SECTION] of the key file at PATH, as an operator would add them."""
    text = open(path).read()
    head = "[%s]\n" % section
    L.ok(head in text, "%s in the directory" % head)
    text = text.replace(head, head + "".join(l + "\n" for l in lines), 1)
    with open(path, "w") as f:
        f.write(text)


@L.test
def test_import_check_route():
    tmp = L.tmpdir()
    directory = os.path.join(tmp, "directory.conf")
    try:
        with L.SMTPSink() as sink:
            d = L.Daemon(directory=directory, smtp=sink)
            # a fresh install: no directory yet, check-config says how
            p = d.ctl("check-config", check=False)
            L.eq(p.returncode, 78, "check-config without a directory")
            L.ok("directory import" in p.stdout, "says how: %r" % p.stdout)

            p = d.ctl("directory", "import", *FILES)
            out = p.stdout
            for g in ("quic", "wit", "tls", "sec", "cfrg", "ietf", "iesg", "iab", "irtf",
                      "3gpp", "3gpp-tsgct", "3gpp-tsgct-ct4", "tcpinc", "masque"):
                L.ok("added [%s]" % g in out, "added [%s]:\n%s" % (g, out))
            L.ok("[secdir]" not in out and "[oldbof]" not in out,
                 "a directorate and an abandoned group are left out")
            L.ok("not-an-address" in out, "the bad role address is reported")
            L.ok(os.path.exists(directory), "the directory is written")

            p = d.ctl("check-config")
            L.ok("ok" in p.stdout, "check-config accepts the import: %s" % p.stdout)
            groups = {g["acronym"]: g for g in d.ctl_json("groups")}
            q = groups["quic"]
            L.eq(q["type"], "wg", "quic type")
            L.eq(q["parent"], "wit", "quic parent")
            L.eq(q["list"], "quic@ietf.org", "quic list")
            L.eq(sorted(c["address"] for c in q["chairs"]),
                 ["lucas@example.com", "matt@example.com"], "quic chairs")
            L.ok(any(c["name"] == "Matt Joras" for c in q["chairs"]), "names from persons.json")
            L.eq(groups["iesg"]["type"], "iesg", "the IESG (typed ietf by the datatracker)")
            L.eq(groups["3gpp-tsgct-ct4"]["parent"], "3gpp-tsgct", "an SDO sub-group")
            L.eq([m["address"] for m in groups["3gpp"]["liaison_managers"]],
                 ["3gpp-liaison@ietf.org"], "3GPP's liaison manager from role liaiman")
            L.eq([m["address"] for m in groups["3gpp-tsgct-ct4"]["effective_liaison_managers"]],
                 ["3gpp-liaison@ietf.org"], "inherited by its sub-groups")
            L.eq([c["address"] for c in groups["masque"]["chairs"]], ["jm.doe@example.com"],
                 "a group with only a delegate is reached through the delegate")
            L.eq(groups["tcpinc"]["state"], "concluded", "a concluded WG")

            # Local keys are the operator's: a second import keeps them.
            add_keys(directory, "quic", ["aliases = QUIC WG; QUIC Working Group",
                                         "cc = quic-local@example.org"])
            add_keys(directory, "3gpp-tsgct-ct4", ["aliases = 3GPP CT4; CT4",
                                                   "contacts = ct4-contact@example.org"])
            p = d.ctl("directory", "import", *FILES)
            L.ok(re.search(r"0 added, 0 changed, 15 unchanged", p.stdout), "nothing changed:\n%s" % p.stdout)
            text = open(directory).read()
            for kept in ("QUIC WG; QUIC Working Group", "quic-local@example.org", "3GPP CT4; CT4",
                         "ct4-contact@example.org", "# The group directory"):
                L.ok(kept in text, "%r kept" % kept)

            # A change at the datatracker: a new chair; printed, local keys kept.
            roles = json.load(open(os.path.join(FIX, "roles.json")))
            for r in roles["objects"]:
                if r["email"].endswith("/lucas@example.com/"):
                    r["email"] = "/api/v1/person/email/new-chair@example.com/"
            changed = os.path.join(tmp, "roles.json")
            with open(changed, "w") as f:
                json.dump(roles, f)
            p = d.ctl("directory", "import", FILES[0], changed, FILES[2], "--dry-run")
            L.ok("--dry-run" in p.stdout and "new-chair@example.com" in p.stdout, "dry run:\n%s" % p.stdout)
            L.ok("new-chair@example.com" not in open(directory).read(), "--dry-run writes nothing")
            res = d.ctl_json("directory", "import", FILES[0], changed, FILES[2])
            L.eq(res["written"], True, "written")
            L.eq([(c["group"], c["key"]) for c in res["changes"]], [("quic", "chairs")], "one change")
            L.ok("new-chair@example.com" in res["changes"][0]["new"], "the new chair: %r" % res)
            L.ok("lucas@example.com" in res["changes"][0]["old"], "the old chair: %r" % res)
            text = open(directory).read()
            L.ok("quic-local@example.org" in text and "new-chair@example.com" in text,
                 "the new chair in, the local cc kept")
            L.eq(d.ctl("check-config").returncode, 0, "still valid")

            # A broken export is refused and the file is left alone.
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                f.write("{not json")
            before = open(directory).read()
            p = d.ctl("directory", "import", bad, check=False)
            L.eq(p.returncode, 65, "bad JSON: %s" % p.stderr)
            L.eq(open(directory).read(), before, "the directory is unchanged")
            p = d.ctl("directory", "import", check=False)
            L.eq(p.returncode, 64, "no files")

            # A statement routed through the daemon on the imported directory.
            d.start()
            msg = L.make_message(
                subject="LS on QUIC from CT4", from_="CT4 Sender <sender@3gpp.example>",
                body="Title: LS on QUIC from CT4\nFrom: 3GPP CT4\n"
                     "From-Contact: Expert <expert@3gpp.example>\nTo: IETF QUIC WG\n"
                     "Purpose: For Information\n\nText.\n")
            sid = d.submit(msg)
            obj = d.wait_state(sid)
            L.eq(obj["state"], "posted", "posted (problems %r)" % obj.get("problems"))
            L.eq(obj["from_groups"], ["3gpp-tsgct-ct4"], "from the SDO sub-group (local alias)")
            L.eq(obj["to_groups"], ["quic"], "to quic")
            sink.wait_count(1)
            routing = L.wait_for(lambda: [m for m in d.ctl_json("outbox", "--all")
                                          if m["kind"] == "routing" and m["state"] == "sent"],
                                 30, "the routing mail sent")
            to = set(routing[0]["to"])
            cc = set(routing[0]["cc"])
            L.ok({"matt@example.com", "new-chair@example.com", "quic@ietf.org"} <= to,
                 "routed to the imported chairs and list: %r" % to)
            L.ok({"quic-local@example.org", "zahed@example.com", "3gpp-liaison@ietf.org"} <= cc,
                 "cc: the local cc, the area's ADs, the SDO's liaison manager: %r" % cc)
            got = set()
            for m in sink.snapshot():
                got.update(a.lower() for a in m.rcpt_tos)
            L.ok("new-chair@example.com" in got, "the sink got the new chair's copy: %r" % got)
            d.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


L.main()
