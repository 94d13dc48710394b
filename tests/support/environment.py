"""Where the suite runs: the repository root, the local services it may use, and how a missing one is reported.

Services that a test needs (PostgreSQL, Redis, Chromium) are skipped with a reason when missing, except under
CI (CI=true), where a missing service fails the run.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(service: str, reason: str) -> None:
    """Skip with a clear reason, except under CI where a missing service is a failure."""
    message = f"{service} is not available: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: required)")
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
