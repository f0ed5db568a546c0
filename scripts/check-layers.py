#!/usr/bin/python3
"""check-layers.py [ROOT] - the rules of docs/design.md that a compiler
does not check, on ROOT's source folders:

- every #include "dir/file.h" goes down the layer graph that docs/design.md
  prints (the block between <!-- layers --> and <!-- /layers -->): a folder
  may include itself and the folders its line names, nothing else;
- sqlite3_step is called in store/store_query.c only: every other query runs
  through its helpers, which check each step's result in one place;
- an error is set (g_set_error, g_set_error_literal, g_error_new...) with a
  code that is a name, never a numeric literal, and in a domain that the
  folder's line of the <!-- error-domains --> block of docs/design.md names,
  or one of GLib's (G_*_ERROR).

A source folder missing from either block is an error too, so a new layer
cannot skip the check. Prints one line per violation and exits 1; exits 0
when every rule holds."""
import os
import re
import sys

# Folders of the tree that are not layers of the program.
NOT_LAYERS = {"tests", "scripts", "docs", "man", "etc", "systemd", "build", "build-asan",
              "build-fuzz", "var"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')


# The one file that may step a query (store/store_query.h says why).
STEP_FILE = "store/store_query.c"
STEP = re.compile(r"\bsqlite3_step\b")
# The calls that set an error: the argument index of the domain (the code follows it).
SETTERS = {"g_set_error": 1, "g_set_error_literal": 1, "g_error_new": 0,
           "g_error_new_literal": 0, "g_error_new_valist": 0}
SETTER = re.compile(r"\b(%s)\s*\(" % "|".join(SETTERS))
NUMBER = re.compile(r"^[-+]?\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$")
DOMAIN = re.compile(r"^[A-Z][A-Z0-9_]*_ERROR$")
GLIB_DOMAIN = re.compile(r"^G_[A-Z0-9_]+_ERROR$")
# C comments, string and character literals (group 1: a comment).
TOKENS = re.compile(r'(/\*.*?\*/|//[^\n]*)|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def block(root, name):
    """{folder: set of words} from the block between <!-- NAME --> and
    <!-- /NAME --> of docs/design.md: one line "folder: word word" each,
    "-" for none."""
    with open(os.path.join(root, "docs", "design.md")) as f:
        text = f.read()
    m = re.search(r"<!-- %s -->\s*```\w*\n(.*?)```\s*<!-- /%s -->" % (name, name), text, re.S)
    if not m:
        sys.exit("check-layers: docs/design.md has no <!-- %s --> block" % name)
    g = {}
    for line in m.group(1).splitlines():
        if ":" not in line:
            continue
        layer, deps = line.split(":", 1)
        g[layer.strip()] = {d.strip(" ,") for d in deps.split() if d.strip(" ,") not in ("", "-")}
    return g


def graph(root):
    """{layer: set of layers it may include} from docs/design.md."""
    return block(root, "layers")


def code_only(text):
    """TEXT without its comments and literals (a string becomes "", a
    comment spaces), newlines kept so that line numbers stay right."""
    def blank(m):
        if m.group(1):
            return re.sub(r"[^\n]", " ", m.group(0))
        return m.group(0)[0] * 2 + "\n" * m.group(0).count("\n")
    return TOKENS.sub(blank, text)


def arguments(text, start):
    """The top-level arguments of the call whose "(" is at TEXT[START - 1],
    stripped, or None when its ")" is missing."""
    args, depth, cur = [], 0, start
    for i in range(start, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append(text[cur:i].strip())
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[cur:i].strip())
            cur = i + 1
    return None


def check_code(rel, text, layer, domains):
    """The violations of the step and error rules in file REL (layer/name)."""
    bad = []
    code = code_only(text)
    if rel != STEP_FILE:
        for m in STEP.finditer(code):
            bad.append("%s:%d: calls sqlite3_step outside %s (run the query through"
                       " store/store_query.h)" % (rel, code.count("\n", 0, m.start()) + 1,
                                                   STEP_FILE))
    for m in SETTER.finditer(code):
        line = code.count("\n", 0, m.start()) + 1
        args = arguments(code, m.end())
        at = SETTERS[m.group(1)]
        if args is None or len(args) < at + 2:
            continue
        domain, num = args[at], args[at + 1]
        if NUMBER.match(num):
            bad.append("%s:%d: %s with the code %s: a number, not a name of the domain's enum"
                       % (rel, line, m.group(1), num))
        if DOMAIN.match(domain) and not GLIB_DOMAIN.match(domain) and domain not in domains:
            bad.append("%s:%d: %s in %s, another module's domain (%s/ sets %s)"
                       % (rel, line, m.group(1), domain, layer,
                          ", ".join(sorted(domains)) or "GLib's only"))
    return bad


def check(root):
    g = graph(root)
    dom = block(root, "error-domains")
    bad = []
    for layer in sorted(os.listdir(root)):
        path = os.path.join(root, layer)
        if layer.startswith(".") or layer in NOT_LAYERS or not os.path.isdir(path):
            continue
        files = [f for f in sorted(os.listdir(path)) if f.endswith((".c", ".h"))]
        if not files:
            continue
        if layer not in g:
            bad.append("%s/: a source folder that is not in the layer graph of docs/design.md"
                       % layer)
            continue
        if layer not in dom:
            bad.append("%s/: a source folder that is not in the error domains of"
                       " docs/design.md" % layer)
            continue
        for name in files:
            with open(os.path.join(path, name), errors="replace") as f:
                text = f.read()
            for n, line in enumerate(text.splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                to = m.group(1)
                if to != layer and to not in g[layer]:
                    bad.append("%s/%s:%d: includes %s/ against the layer direction (%s may"
                               " include %s)" % (layer, name, n, to, layer,
                                                 ", ".join(sorted(g[layer])) or "nothing"))
            bad += check_code("%s/%s" % (layer, name), text, layer, dom[layer])
    return bad


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = check(root)
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
