#!/usr/bin/env python3
"""Checks that the workspace's declared rust-version is true.

The declared minimum supported Rust version (`[workspace.package]
rust-version`) must be at least the newest `rust-version` of any package in
the resolved dependency graph (a dependency that needs a newer compiler makes
the declaration false), and every workspace crate must inherit it. Language
features and standard-library APIs our own code uses are checked by clippy's
`incompatible_msrv` lint, which reads the same field.
"""

import json
import os
import subprocess
import sys


def parse(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Only the packages this machine builds: other platforms' dependencies
    # (e.g. chrono's Android crate) need not be in the offline cache.
    host = next(line.split(": ", 1)[1] for line in subprocess.check_output(
        ["rustc", "-vV"], text=True).splitlines() if line.startswith("host: "))
    # Offline first; a fresh cache (nothing built yet) lacks some manifests,
    # which the test build would download anyway: then fetch them.
    args = ["cargo", "metadata", "--format-version", "1", "--filter-platform", host]
    try:
        out = subprocess.check_output(args + ["--offline"], cwd=repo,
                                      stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        out = subprocess.check_output(args, cwd=repo)
    meta = json.loads(out)
    members = set(meta["workspace_members"])
    declared = set()
    problems = []
    newest = ((0,), None)
    for p in meta["packages"]:
        rv = p.get("rust_version")
        if p["id"] in members:
            if rv is None:
                problems.append(f"{p['name']} declares no rust-version; add `rust-version.workspace = true`")
            else:
                declared.add(rv)
        elif rv is not None and parse(rv) > newest[0]:
            newest = (parse(rv), f"{p['name']} {p['version']} needs {rv}")
    if len(declared) > 1:
        problems.append(f"workspace crates declare different rust-versions: {sorted(declared)}")
    if declared:
        ours = min(parse(v) for v in declared)
        if newest[1] and newest[0] > ours:
            problems.append(
                f"rust-version {'.'.join(map(str, ours))} is false: {newest[1]}; raise it in Cargo.toml")
    for p in problems:
        print(f"msrv: {p}")
    if problems:
        sys.exit(1)
    print(f"msrv: rust-version {sorted(declared)[0]} covers every dependency (newest: {newest[1]})")


if __name__ == "__main__":
    main()
