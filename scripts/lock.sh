#!/usr/bin/env bash
# Writes the sha256 hashes into the lock files from the pins they already carry; changes no version.
#
#   bash scripts/lock.sh                 # requirements.lock and requirements-nodeps.lock
#   bash scripts/lock.sh FILE...         # only these
#
# To change a version, edit its `name==version` line (the lock must stay the whole dependency
# closure: pip refuses a --require-hashes install with an unpinned dependency), then run this.
# Hashes come from PyPI's simple JSON API (PEP 691): every CPython 3.11 wheel for Linux x86_64 and
# aarch64 (glibc) and every pure-Python wheel of the pinned version; the sdist only when one of
# those two targets has no wheel (the script says which). Other platforms are not hashed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- requirements.lock requirements-nodeps.lock
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
exec "$PY" - "$@" <<'EOF'
import json
import re
import sys
import urllib.request
from pathlib import Path

try:
    from packaging import tags, utils
except ImportError:  # any Python with pip has a copy
    from pip._vendor.packaging import tags, utils

ARCHES = ("x86_64", "aarch64")
HEADER = (
    "# Installed by scripts/setup.sh with --require-hashes. Regenerate the hashes with\n"
    "# scripts/lock.sh (CPython 3.11 wheels for Linux x86_64 and aarch64, pure wheels).\n"
)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def supported(arch):
    plats = [f"linux_{arch}", f"manylinux2014_{arch}"]
    if arch == "x86_64":
        plats += ["manylinux1_x86_64", "manylinux2010_x86_64"]
    plats += [f"manylinux_2_{minor}_{arch}" for minor in range(5, 80)]
    found = set(tags.cpython_tags((3, 11), platforms=plats))
    found |= set(tags.compatible_tags((3, 11), interpreter="cp311", platforms=plats))
    return found


TARGETS = {arch: supported(arch) for arch in ARCHES}


def files_of(name):
    url = f"https://pypi.org/simple/{utils.canonicalize_name(name)}/"
    req = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)["files"]


def hashes(name, version):
    want = utils.canonicalize_version(version)
    wheels, sdists, covered = set(), set(), set()
    for f in files_of(name):
        fname, digest = f["filename"], f["hashes"]["sha256"]
        if fname.endswith(".whl"):
            _, ver, _, wheel_tags = utils.parse_wheel_filename(fname)
            if utils.canonicalize_version(ver) != want:
                continue
            hit = {arch for arch, ok in TARGETS.items() if wheel_tags & ok}
            if hit:
                wheels.add(digest)
                covered |= hit
        elif fname.endswith((".tar.gz", ".zip")):
            try:
                _, ver = utils.parse_sdist_filename(fname)
            except utils.InvalidSdistFilename:
                continue
            if utils.canonicalize_version(ver) == want:
                sdists.add(digest)
    missing = [arch for arch in ARCHES if arch not in covered]
    if missing:
        print(f"lock: {name}=={version} has no wheel for {', '.join(missing)}; hashing its sdist",
              file=sys.stderr)
        wheels |= sdists
    if not wheels:
        sys.exit(f"lock: PyPI has no file for {name}=={version}")
    return sorted(wheels)


for lock in map(Path, sys.argv[1:]):
    pins = [m.groups() for line in lock.read_text().splitlines() if (m := PIN.match(line))]
    pins.sort(key=lambda pin: utils.canonicalize_name(pin[0]))
    out = [HEADER]
    for name, version in pins:
        lines = [f"{name}=={version}"] + [f"    --hash=sha256:{h}" for h in hashes(name, version)]
        out.append(" \\\n".join(lines) + "\n")
    lock.with_suffix(".tmp").write_text("".join(out))
    lock.with_suffix(".tmp").replace(lock)
    print(f"lock: {lock}: {len(pins)} pins hashed", file=sys.stderr)
EOF
