#!/usr/bin/env python3
"""Checks the two import rules docs/ARCHITECTURE.md states.

1. Crates: every workspace crate depends only on the crates the layer table
   below allows (normal and build dependencies; dev-dependencies may reach
   further down for tests, never up). Read from `cargo metadata`.
2. Modules: within each crate, no module imports from a module that imports it
   back, directly or through others. A node is a top-level module of the crate
   (`src/a.rs` or `src/a/**`), and the crate root (`lib.rs`/`main.rs`) is one
   node too. An edge A -> B is any `crate::B` path written in A's files
   (`use crate::B::x`, `use crate::{B, C::y}`, `crate::B::f()`); `crate::x`
   where x is not a module is an edge to the root; the root's own `a::x`
   paths are edges to module a. `super::` paths are not
   followed: inside a top-level module they name the module itself or an
   inline `mod tests`. An inline `#[cfg(test)] mod tests` block is left out:
   tests may use anything they test.

Exit status 1, with every violation listed, when a rule is broken.
"""

import json
import os
import re
import subprocess
import sys

# Which workspace crates each crate may use (transitively closed by hand).
# Keep in step with the diagram in docs/ARCHITECTURE.md.
ALLOWED = {
    "guarantor-model": set(),
    "guarantor-bargaining": set(),
    "guarantor-geo": set(),
    "guarantor-engine": {"guarantor-model", "guarantor-geo"},
    "guarantor-uncertainty": {"guarantor-model", "guarantor-engine", "guarantor-geo"},
    "guarantor-history": {"guarantor-model", "guarantor-engine"},
    "guarantor-report": {
        "guarantor-model", "guarantor-engine", "guarantor-bargaining",
        "guarantor-uncertainty", "guarantor-geo",
    },
    "guarantor-exercise": {
        "guarantor-model", "guarantor-engine", "guarantor-uncertainty",
        "guarantor-report", "guarantor-geo", "guarantor-bargaining",
    },
    "guarantor-scale": {
        "guarantor-model", "guarantor-engine", "guarantor-uncertainty", "guarantor-geo",
    },
    "guarantor-cli": None,  # the top: may use every crate
}

ROOT = "<root>"


def crate_rules(meta):
    problems = []
    for pkg in meta["packages"]:
        name = pkg["name"]
        if name not in ALLOWED:
            problems.append(f"{name}: not in the layer table of .ci/check-architecture.py; add it there and to docs/ARCHITECTURE.md")
            continue
        allowed = ALLOWED[name]
        for dep in pkg["dependencies"]:
            d = dep["name"]
            if not d.startswith("guarantor-") or allowed is None:
                continue
            if dep["kind"] == "dev":
                # Tests may use lower crates and themselves, never a crate above.
                if ALLOWED.get(d) is not None and name in ALLOWED[d]:
                    problems.append(f"{name}: dev-dependency {d} depends on {name}")
                continue
            if d not in allowed:
                problems.append(f"{name} depends on {d}, which its layer does not allow")
    return problems


PATH_RE = re.compile(r"\bcrate::(\{[^;]*?\}|[A-Za-z_][A-Za-z0-9_]*)", re.S)
COMMENT_RE = re.compile(r"//[^\n]*")


def first_segments(group):
    """`{a, b::c, d::{e, f}}` -> ['a', 'b', 'd']."""
    inner = group[1:-1]
    out, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    segs = []
    for item in out:
        item = item.strip()
        if item:
            segs.append(re.split(r"::|\s", item)[0])
    return segs


def module_graph(src):
    roots = [f for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(src, f))]
    modules = set()
    for entry in os.listdir(src):
        if entry.endswith(".rs") and entry not in roots:
            modules.add(entry[:-3])
        elif os.path.isdir(os.path.join(src, entry)):
            modules.add(entry)
    edges = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, src)
            node = ROOT if rel in roots else rel.split(os.sep)[0].removesuffix(".rs")
            text = COMMENT_RE.sub("", open(path, encoding="utf-8").read())
            # An inline `#[cfg(test)] mod tests` (last in its file by convention)
            # may use anything it tests.
            t = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
            if t:
                text = text[:t.start()]
            if node == ROOT:
                # The root names its own modules without `crate::`.
                for m in re.finditer(r"(?<![\w:])([a-z_][a-z0-9_]*)::", text):
                    if m.group(1) in modules:
                        edges.setdefault(ROOT, set()).add(m.group(1))
            for m in PATH_RE.finditer(text):
                tok = m.group(1)
                segs = first_segments(tok) if tok.startswith("{") else [tok]
                for seg in segs:
                    target = seg if seg in modules else ROOT
                    if target != node and seg != "self":
                        edges.setdefault(node, set()).add(target)
    return edges


def cycles(edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    nodes = set(edges) | {t for ts in edges.values() for t in ts}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
        cwd=repo))
    problems = crate_rules(meta)
    for pkg in meta["packages"]:
        src = os.path.join(os.path.dirname(pkg["manifest_path"]), "src")
        edges = module_graph(src)
        for comp in cycles(edges):
            detail = "; ".join(
                f"{a} -> {b}" for a in comp for b in sorted(edges.get(a, ())) if b in comp)
            problems.append(f"{pkg['name']}: modules import each other: {', '.join(comp)} ({detail})")
    for p in problems:
        print(f"architecture: {p}")
    if problems:
        sys.exit(1)
    print(f"architecture: {len(meta['packages'])} crates, dependency directions and module imports are one-way")


if __name__ == "__main__":
    main()
