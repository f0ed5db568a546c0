"""The layer graph (issue 13): every #include goes down the graph that
docs/design.md prints, and the archives link in that order; sqlite3_step is
called in store/store_query.c only; an error is set with a named code in its
module's domain. The check runs on the tree as it is, and on copies with one
violation each, to show that it catches them."""
import os
import re
import shutil
import subprocess
import tempfile

import liaison as L

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(TOP, "scripts", "check-layers.py")
SOURCES = ("conf", "model", "parser", "store", "notify", "flow", "daemon", "ctl", "web")


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


def replace(root, path, old, new):
    """OLD (which must be there) replaced once by NEW in ROOT's PATH."""
    with open(os.path.join(root, path)) as f:
        text = f.read()
    L.ok(old in text, "%s has %r" % (path, old))
    with open(os.path.join(root, path), "w") as f:
        f.write(text.replace(old, new, 1))


def append(root, path, code):
    """CODE added at the end of ROOT's PATH; the line it starts on."""
    with open(os.path.join(root, path)) as f:
        text = f.read()
    with open(os.path.join(root, path), "w") as f:
        f.write(text + code)
    return text.count("\n") + 1


def one_change(change):
    """check-layers on a copy of the tree: it passes, then CHANGE(root) is
    made; (rc, output) after."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_tree(tmp)
        rc, out = run(root)
        L.eq(rc, 0, "the copy passes before the change: %s" % out)
        change(root)
        return run(root)


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


STEP_FN = """
static int
count_rows(sqlite3_stmt *q)
{
	int n = 0;
	while (sqlite3_step(q) == SQLITE_ROW)
		n++;
	return n;
}
"""


@L.test
def sqlite3_step_outside_store_query_fails():
    """A query stepped by hand in another store/ file (or anywhere else)
    fails; the helpers' own file, and the name in a comment or a string,
    do not."""
    for path in ("store/store_dup.c", "store/store_web.c", "flow/flow.c"):
        at = {}
        rc, out = one_change(lambda root: at.setdefault("line", append(root, path, STEP_FN)))
        L.eq(rc, 1, "sqlite3_step in %s fails" % path)
        want = "%s:%d: calls sqlite3_step outside store/store_query.c" % (path, at["line"] + 5)
        L.ok(want in out, "the message names the file and line (%s): %r" % (want, out))
    rc, out = one_change(lambda root: append(root, "store/store_query.c", STEP_FN))
    L.eq(rc, 0, "store_query.c may step: %s" % out)
    rc, out = one_change(lambda root: append(
        root, "store/store_link.c", '/* not sqlite3_step by hand */\n'
        'static const char step_name[] = "sqlite3_step";\n'))
    L.eq(rc, 0, "a comment or a string naming it is not a call: %s" % out)


@L.test
def a_numeric_error_code_fails():
    """A code given as a number, in each setter, on one line or several."""
    for path, old, new, want in (
            ("notify/template.c", "NOTIFY_ERROR, NOTIFY_ERR_TEMPLATE", "NOTIFY_ERROR, 1",
             "g_set_error_literal with the code 1"),
            ("conf/users.c", "CONF_ERROR, CONF_ERR_HASH", "CONF_ERROR, 0",
             "g_set_error with the code 0"),
            ("web/main.c", "CONF_ERROR, CONF_ERR_INVALID", "CONF_ERROR, 0",
             "g_set_error with the code 0")):
        rc, out = one_change(lambda root: replace(root, path, old, new))
        L.eq(rc, 1, "%s with a numeric code fails" % path)
        L.ok(path + ":" in out and want in out, "named (%s): %r" % (want, out))
    at = {}
    rc, out = one_change(lambda root: at.setdefault("line", append(
        root, "store/store_blob.c", "\nstatic GError *\nno_blob(const char *name)\n{\n"
        "\treturn g_error_new(STORE_ERROR,\n\t    (2), \"no blob %s, (really)\", name);\n}\n")))
    L.eq(rc, 1, "g_error_new over two lines with a numeric code fails")
    L.ok("store/store_blob.c:%d: g_error_new with the code (2)" % (at["line"] + 4) in out,
         "named at the line of the call: %r" % out)


@L.test
def another_modules_error_domain_fails():
    """A layer sets its own domain (and GLib's): notify in CONF_ERROR, flow
    in STORE_ERROR, parser (which has none) in STORE_ERROR all fail; the
    programs may set the domain of the module whose error it is."""
    for path, old, new, want in (
            ("notify/template.c", "NOTIFY_ERROR, NOTIFY_ERR_TEMPLATE",
             "CONF_ERROR, CONF_ERR_INVALID", "in CONF_ERROR, another module's domain"
             " (notify/ sets NOTIFY_ERROR)"),
            ("flow/secretariat.c", "FLOW_ERROR, FLOW_ERR_CONFLICT",
             "STORE_ERROR, STORE_ERR_CONFLICT", "in STORE_ERROR, another module's domain"
             " (flow/ sets FLOW_ERROR)"),
            ("parser/mime.c", "G_FILE_ERROR, g_file_error_from_errno(errno)",
             "STORE_ERROR, STORE_ERR_DATA", "in STORE_ERROR, another module's domain"
             " (parser/ sets GLib's only)"),
            ("store/store_query.c", "STORE_ERROR, code", "NOTIFY_ERROR, code",
             "in NOTIFY_ERROR, another module's domain (store/ sets STORE_ERROR)")):
        rc, out = one_change(lambda root: replace(root, path, old, new))
        L.eq(rc, 1, "%s setting %s fails" % (path, new))
        L.ok(path + ":" in out and want in out, "named (%s): %r" % (want, out))
    for path, code in (
            ("notify/queue.c", "static void f(GError **e) { g_set_error(e, G_IO_ERROR,"
             " G_IO_ERROR_FAILED, \"x\"); }\n"),
            ("web/main.c", "static void f(GError **e) { g_set_error(e, STORE_ERROR,"
             " STORE_ERR_NOTFOUND, \"x\"); }\n")):
        rc, out = one_change(lambda root: append(root, path, code))
        L.eq(rc, 0, "%s may set it: %s" % (path, out))


@L.test
def a_folder_without_error_domains_fails():
    def drop(root):
        replace(root, "docs/design.md", "\nweb:    CONF_ERROR ADDR_ERROR", "\nxweb:   CONF_ERROR ADDR_ERROR")
    rc, out = one_change(drop)
    L.eq(rc, 1, "a source folder without a line in the error domains fails")
    L.ok("web/: a source folder that is not in the error domains" in out, "named: %r" % out)


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
