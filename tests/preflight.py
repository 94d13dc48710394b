"""Before `make test`: say in one place which system packages the suite needs and how to install them.

Without them the tests that need them are skipped with the reason; under CI (CI=true) a missing one is a
failure, so this stops at once with the one command that fixes it instead of failing test after test.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

#: (what, Debian package, present?)
NEEDS = [
    ("Chromium for the browser tests", "chromium", lambda: Path(CHROMIUM).exists()),
    ("nginx for the production tests", "nginx-light",
     lambda: bool(shutil.which("nginx")) or Path("/usr/sbin/nginx").exists()),
    ("openssl for the production tests' certificate", "openssl", lambda: bool(shutil.which("openssl"))),
    ("redis-server for the Redis-outage test", "redis-server", lambda: bool(shutil.which("redis-server"))),
]


def main() -> int:
    missing = [(what, package) for what, package, present in NEEDS if not present()]
    if not missing:
        return 0
    in_ci = os.environ.get("CI", "").lower() == "true"
    packages = " ".join(package for _, package in missing)
    print("Missing for some tests: " + "; ".join(what for what, _ in missing) + ".", file=sys.stderr)
    print(f"Install with:\n    sudo apt-get install -y {packages}", file=sys.stderr)
    if in_ci:
        print("CI=true needs every test to run, so the suite stops here (.ci/run installs them).", file=sys.stderr)
        return 1
    print("Those tests will be skipped, each with its reason.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
