"""The layer graph (issue 13): every #include goes down the graph that
docs/design.md prints, and the archives link in that order. The check runs
on the tree as it is, and on copies with one include against the direction,
to show that it catches them."""
import os
import re
import shutil
import subprocess
import tempfile

import liaison as L

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(TOP, "scripts", "check-layers.py")
SOURCES = ("conf", "model", "parser", "store", "notify", "flow", "daemon", "ctl")


def run(root):
    p = subprocess.run(["/usr/bin/python3", CHECK, root], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout + p.stderr


def copy_tree(tmp):
    """The source folders and docs/design.md of the tree, in TMP."""
    root = os.path.join(tmp, "tree")
    for d in SOURCES:
        shutil.copytree(os.path.join(TOP, d), os.path.join(root, d))
    os.makedirs(os.path.join(root, "docs"))
    shutil.copy(os.path.join(TOP, "docs", "design.md"), os.path.join(root, "docs"))
    return root


def add_include(root, path, header):
    with open(os.path.join(root, path)) as f:
        text = f.read()
    with open(os.path.join(root, path), "w") as f:
        f.write('#include "%s"\n' % header + text)


@L.test
def the_tree_follows_the_graph():
    rc, out = run(TOP)
    L.eq(rc, 0, "check-layers on the tree: %s" % out)


@L.test
def an_include_against_the_direction_fails():
    for path, header, want in (
            ("store/store.c", "flow/flow.h", "store/store.c:1: includes flow/"),
            ("parser/mime.c", "store/store_blob.h", "parser/mime.c:1: includes store/"),
            ("model/statement.c", "parser/mime.h", "model/statement.c:1: includes parser/"),
            ("notify/queue.c", "flow/flow.h", "notify/queue.c:1: includes flow/"),
            ("conf/log.c", "model/statement.h", "conf/log.c:1: includes model/")):
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_tree(tmp)
            rc, out = run(root)
            L.eq(rc, 0, "the copy passes before the change: %s" % out)
            add_include(root, path, header)
            rc, out = run(root)
            L.eq(rc, 1, "%s including %s fails" % (path, header))
            L.ok(want in out, "the message names the file and line: %r" % out)


@L.test
def a_folder_outside_the_graph_fails():
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_tree(tmp)
        os.makedirs(os.path.join(root, "extra"))
        with open(os.path.join(root, "extra", "x.c"), "w") as f:
            f.write('#include "conf/log.h"\n')
        rc, out = run(root)
        L.eq(rc, 1, "a source folder not in the graph fails")
        L.ok("extra/" in out, "named: %r" % out)


@L.test
def the_archives_link_down_the_graph():
    """LIBS in the Makefile: each layer's archive before those it uses."""
    with open(os.path.join(TOP, "Makefile")) as f:
        make = f.read()
    m = re.search(r"^LIBS\s*:=((?:.*\\\n)*.*)$", make, re.M)
    L.ok(m, "LIBS in the Makefile")
    order = re.findall(r"lib(\w+)\.a", m.group(1))
    with open(os.path.join(TOP, "docs", "design.md")) as f:
        block = re.search(r"<!-- layers -->\s*```\w*\n(.*?)```", f.read(), re.S).group(1)
    graph = {}
    for line in block.splitlines():
        layer, deps = line.split(":", 1)
        graph[layer.strip()] = [d for d in deps.split() if d != "-"]
    libs = [l for l in graph if l in order or os.path.isdir(os.path.join(TOP, l))
            and l not in ("daemon", "ctl", "web")]
    L.eq(sorted(order), sorted(libs), "one archive per library layer")
    for i, layer in enumerate(order):
        for dep in graph[layer]:
            L.ok(order.index(dep) > i, "%s links before %s, which it uses" % (layer, dep))


L.main()
