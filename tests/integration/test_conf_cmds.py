"""test_conf_cmds.py - liaisonctl check-config, groups and resolve against
real config and directory files (good ones and every broken fixture)."""

import atexit
import glob
import json
import os
import re
import shutil
import subprocess

import liaison as L

FIXTURES = os.path.join(L.TOP, "tests", "fixtures", "directory")
SUMMARY = re.compile(r"^(\d+) groups: (\d+) wg, (\d+) rg, (\d+) area, (\d+) ietf, "
                     r"(\d+) iesg, (\d+) iab, (\d+) irtf, (\d+) sdo$", re.M)


_tmps = []


def tmpdir():
    d = L.tmpdir()
    _tmps.append(d)
    return d


atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _tmps])


def conf(directory, extra=None):
    """A config file in a fresh temp folder naming DIRECTORY; returns its path."""
    tmp = tmpdir()
    path = os.path.join(tmp, "liaisond.conf")
    sections = {"liaisond": {"state_dir": os.path.join(tmp, "state")},
                "directory": {"file": directory}}
    for sec, kv in (extra or {}).items():
        sections.setdefault(sec, {}).update(kv)
    L.write_conf(path, sections)
    return path


def ctl(conf_path, *args):
    return subprocess.run([L.LIAISONCTL, "--config", conf_path] + list(args),
                          capture_output=True, text=True, timeout=60 * L.SLOW)


@L.test
def check_config_example_is_clean():
    p = ctl(conf(L.EXAMPLE_DIRECTORY), "check-config")
    L.eq(p.returncode, 0, "exit status (%s%s)" % (p.stdout, p.stderr))
    m = SUMMARY.search(p.stdout)
    L.ok(m, "summary line in %r" % p.stdout)
    counts = [int(x) for x in m.groups()]
    L.eq(counts[0], sum(counts[1:]), "total is the sum of the types")
    L.ok(counts[1] >= 12 and counts[3] >= 3 and counts[8] >= 10, "a realistic slice: %r" % counts)


@L.test
def check_config_good_fixture_summary():
    p = ctl(conf(os.path.join(FIXTURES, "good.conf")), "check-config")
    L.eq(p.returncode, 0, "exit status")
    L.ok("11 groups: 2 wg, 1 rg, 1 area, 1 ietf, 0 iesg, 0 iab, 1 irtf, 5 sdo" in p.stdout,
         "summary in %r" % p.stdout)


@L.test
def check_config_every_broken_fixture_exits_78():
    broken = sorted(f for f in glob.glob(os.path.join(FIXTURES, "*.conf"))
                    if os.path.basename(f) != "good.conf")
    L.ok(len(broken) >= 12, "fixtures found: %d" % len(broken))
    for f in broken:
        p = ctl(conf(f), "check-config")
        L.eq(p.returncode, 78, "exit status for %s (%s)" % (os.path.basename(f), p.stdout))
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith(f + ":")]
        L.ok(lines, "%s: problems name the file and line: %r" % (os.path.basename(f), p.stdout))
        L.ok(re.search(r"^\d+ problems?$", p.stdout, re.M), "problem count line")


@L.test
def check_config_reports_every_problem_not_the_first():
    f = os.path.join(FIXTURES, "many.conf")
    p = ctl(conf(f), "check-config")
    L.eq(p.returncode, 78, "exit status")
    want = ["many.conf:4: [quic] parent: no group [nowhere]",
            "many.conf:5: [quic] list:",
            "many.conf:6: [quic] colour: unknown key",
            "many.conf:9: [thing] type: 'widget' is not a group type",
            "many.conf:13: [tls] parent: [quic] is a wg",
            "many.conf:14: [tls] state: 'maybe'",
            "many.conf:15: [tls] aliases: 'QUIC' also names [quic]"]
    for w in want:
        L.ok(w in p.stdout, "%r in output %r" % (w, p.stdout))
    L.ok("7 problems" in p.stdout, "count")


@L.test
def check_config_directory_address_as_strict_as_statements():
    """Issue 18: "Foo <foo@@bad>" in the directory is refused, as it is in a statement."""
    p = ctl(conf(os.path.join(FIXTURES, "double_at.conf")), "check-config")
    L.eq(p.returncode, 78, "exit status (%s)" % p.stdout)
    L.ok(re.search(r"double_at\.conf:11: \[quic\] chairs: .*foo@@bad", p.stdout),
         "the line and the address named: %r" % p.stdout)


@L.test
def check_config_broken_config_itself():
    tmp = tmpdir()
    path = os.path.join(tmp, "liaisond.conf")
    with open(path, "w") as f:
        f.write("[liaisond]\nmax_connections = lots\nlisten_on = x\n[notify]\ntls = maybe\n")
    p = ctl(path, "check-config")
    L.eq(p.returncode, 78, "exit status")
    for want in (path + ": [liaisond] max_connections: 'lots' is not a whole number",
                 path + ": [liaisond] listen_on: unknown key",
                 path + ": [notify] tls: 'maybe' is not one of: none, starttls, tls"):
        L.ok(want in p.stdout.splitlines(), "%r in %r" % (want, p.stdout))
    L.ok("3 problems" in p.stdout, "every problem counted")
    p = ctl(os.path.join(tmp, "missing.conf"), "check-config")
    L.eq(p.returncode, 78, "exit status for a missing config")
    L.ok("missing.conf" in p.stdout + p.stderr, "names the missing file")


@L.test
def check_config_bad_notify_values():
    path = conf(L.EXAMPLE_DIRECTORY, {"notify": {"from": "not an address",
                                                 "smtp_url": "http://example.com/",
                                                 "base_url": "ftp://x/"}})
    p = ctl(path, "check-config")
    L.eq(p.returncode, 78, "exit status")
    for key in ("[notify] from:", "[notify] smtp_url:", "[notify] base_url:"):
        L.ok(key in p.stdout, "%s reported in %r" % (key, p.stdout))


@L.test
def check_config_directory_relative_to_config_folder():
    tmp = tmpdir()
    shutil.copy(os.path.join(FIXTURES, "good.conf"), os.path.join(tmp, "groups.conf"))
    path = os.path.join(tmp, "liaisond.conf")
    L.write_conf(path, {"directory": {"file": "groups.conf"}})
    p = subprocess.run([L.LIAISONCTL, "--config", path, "check-config"], cwd="/",
                       capture_output=True, text=True, timeout=60 * L.SLOW)
    L.eq(p.returncode, 0, "exit status (%s%s)" % (p.stdout, p.stderr))
    L.ok("11 groups" in p.stdout, "loaded from the config's folder")


@L.test
def check_config_without_directory():
    p = ctl(conf(""), "check-config")
    L.eq(p.returncode, 0, "exit status")
    L.ok("no directory" in p.stdout, "says there is none")


@L.test
def check_config_json():
    p = ctl(conf(os.path.join(FIXTURES, "bad_state.conf")), "check-config", "--json")
    L.eq(p.returncode, 78, "exit status")
    j = json.loads(p.stdout)
    L.eq(j["ok"], False, "ok")
    L.eq(len(j["problems"]), 1, "problems")
    L.ok("[quic] state: 'closed'" in j["problems"][0], "problem text")
    p = ctl(conf(os.path.join(FIXTURES, "good.conf")), "check-config", "--json")
    j = json.loads(p.stdout)
    L.eq(j["ok"], True, "ok")
    L.eq(j["groups"]["total"], 11, "total")
    L.eq(j["groups"]["sdo"], 5, "sdo")


@L.test
def groups_json():
    p = ctl(conf(L.EXAMPLE_DIRECTORY), "groups", "--json")
    L.eq(p.returncode, 0, "exit status")
    groups = json.loads(p.stdout)
    by = {g["acronym"]: g for g in groups}
    q = by["quic"]
    L.eq(q["type"], "wg", "type")
    L.eq(q["parent"], "wit", "parent")
    L.eq(q["list"], "quic@ietf.org", "list")
    L.eq(q["chairs"][0], {"name": "Matt Joras", "address": "matt.joras@example.com"}, "chair")
    L.eq(q["state"], "active", "state")
    L.ok("QUIC WG" in q["aliases"], "aliases")
    L.eq(by["sidr"]["state"], "concluded", "concluded")
    sa3 = by["3gpp-sa3"]
    L.eq(sa3["liaison_managers"], [], "own liaison managers")
    L.eq([a["address"] for a in sa3["effective_liaison_managers"]],
         ["3gpp-liaison@ietf.org"], "inherited liaison managers")
    L.eq([a["address"] for a in sa3["contacts"]], ["3GPPLiaison@etsi.org"], "contacts")
    order = ["wg", "rg", "area", "ietf", "iesg", "iab", "irtf", "sdo"]
    keys = [(order.index(g["type"]), g["acronym"]) for g in groups]
    L.eq(keys, sorted(keys), "sorted by type then acronym")
    p = ctl(conf(L.EXAMPLE_DIRECTORY), "groups")
    L.eq(p.returncode, 0, "text exit status")
    L.ok(re.search(r"^quic +wg +wit +QUIC$", p.stdout, re.M), "text line for quic")


@L.test
def groups_refuses_broken_directory():
    p = ctl(conf(os.path.join(FIXTURES, "parent_missing.conf")), "groups")
    L.eq(p.returncode, 78, "exit status")
    L.ok("no group [wit]" in p.stderr, "problem on stderr: %r" % p.stderr)


@L.test
def resolve_names():
    path = conf(L.EXAMPLE_DIRECTORY)
    p = ctl(path, "resolve", "IETF QUIC WG, IETF TSVWG")
    L.eq(p.returncode, 0, "exit status")
    L.eq(p.stdout.splitlines(), ["IETF QUIC WG -> quic (wg, QUIC)",
                                 "IETF TSVWG -> tsvwg (wg, Transport Area Working Group)"], "lines")
    p = ctl(path, "resolve", "3GPP TSG SA WG3 (SA3)")
    L.eq(p.stdout.strip(), "3GPP TSG SA WG3 (SA3) -> 3gpp-sa3 (sdo, 3GPP TSG SA WG3)", "sdo")
    p = ctl(path, "resolve", "QUIK WG")
    L.eq(p.returncode, 65, "exit status for unknown")
    L.eq(p.stdout.strip(), "QUIK WG -> unknown (did you mean quic?)", "suggestion")
    p = ctl(path, "resolve", "IETF Routing")
    L.eq(p.returncode, 65, "exit status for ambiguous")
    L.ok(re.match(r"IETF Routing -> ambiguous: (rtgwg, rtg|rtg, rtgwg)$", p.stdout.strip()),
         "ambiguous: %r" % p.stdout)
    p = ctl(path, "resolve", "QUIC and TLS WGs", "--json")
    L.eq(json.loads(p.stdout), [
        {"text": "QUIC", "result": "resolved", "groups": ["quic"], "suggestion": None},
        {"text": "TLS WGs", "result": "resolved", "groups": ["tls"], "suggestion": None}], "json")
    p = ctl(path, "resolve")
    L.eq(p.returncode, 64, "usage")


L.main()
