#!/usr/bin/python3
"""check-layers.py [ROOT] - every #include "dir/file.h" in ROOT's source
folders must go down the layer graph that docs/design.md prints (the block
between <!-- layers --> and <!-- /layers -->): a folder may include itself
and the folders its line names, nothing else. A source folder missing from
the graph is an error too, so a new layer cannot skip the check. Prints one
line per violation and exits 1; exits 0 when the graph holds."""
import os
import re
import sys

# Folders of the tree that are not layers of the program.
NOT_LAYERS = {"tests", "scripts", "docs", "man", "etc", "systemd", "build", "build-asan",
              "build-fuzz", "var"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')


def graph(root):
    """{layer: set of layers it may include} from docs/design.md."""
    with open(os.path.join(root, "docs", "design.md")) as f:
        text = f.read()
    m = re.search(r"<!-- layers -->\s*```\w*\n(.*?)```\s*<!-- /layers -->", text, re.S)
    if not m:
        sys.exit("check-layers: docs/design.md has no <!-- layers --> block")
    g = {}
    for line in m.group(1).splitlines():
        if ":" not in line:
            continue
        layer, deps = line.split(":", 1)
        g[layer.strip()] = {d.strip(" ,") for d in deps.split() if d.strip(" ,") not in ("", "-")}
    return g


def check(root):
    g = graph(root)
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
        for name in files:
            with open(os.path.join(path, name), errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    to = m.group(1)
                    if to != layer and to not in g[layer]:
                        bad.append("%s/%s:%d: includes %s/ against the layer direction (%s may"
                                   " include %s)" % (layer, name, n, to, layer,
                                                     ", ".join(sorted(g[layer])) or "nothing"))
    return bad


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = check(root)
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
