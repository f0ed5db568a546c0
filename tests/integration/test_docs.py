"""The README stays true: it names every config key of the table in
conf/conf.c, every liaisonctl command, and the two set-up commands."""
import os
import re
import subprocess

import liaison as L

README = open(os.path.join(L.TOP, "README.md")).read()


@L.test
def readme_lists_every_config_key():
    table = open(os.path.join(L.TOP, "conf", "conf.c")).read()
    keys = re.findall(r'\{ "([a-z]+)", "([a-z_]+)", T_', table)
    L.ok(len(keys) > 25, "read the config table (%d keys)" % len(keys))
    missing = ["[%s] %s" % k for k in keys if "`%s`" % k[1] not in README]
    L.eq(missing, [], "config keys missing from the README")
    for sec in sorted({k[0] for k in keys}):
        L.ok("### [%s]" % sec in README, "README has a section for [%s]" % sec)


@L.test
def readme_lists_every_liaisonctl_command():
    p = subprocess.run([L.LIAISONCTL, "help"], capture_output=True, text=True, timeout=30)
    L.eq(p.returncode, 0, "liaisonctl help")
    cmds = re.findall(r"^  ([a-z-]+) ", p.stdout, re.M)
    L.ok(len(cmds) > 20, "read the command list (%d)" % len(cmds))
    missing = [c for c in cmds if c != "help" and not re.search(r"\| `%s[ `]" % re.escape(c), README)]
    L.eq(missing, [], "liaisonctl commands missing from the README's reference table")


@L.test
def readme_gives_the_two_commands():
    L.ok("make run" in README and "make check" in README, "make run and make check")
    ci = open(os.path.join(L.TOP, ".ci", "run")).read()
    L.ok("make check" in ci, ".ci/run runs make check")


L.main()
