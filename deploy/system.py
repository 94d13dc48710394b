"""What both server entry points (`serve.py`, one process; `gunicorn.conf.py`, several workers) need from
the operating system before the first phone connects."""

from __future__ import annotations

import logging
import os
import resource


def raise_file_limit() -> None:
    """Each phone holds a socket (two descriptors); the usual limit of 1,024 open files would cap a room
    near 500 phones, so take the soft limit up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), hard))


def audit_log(instance_path: str) -> str:
    """Facilitator actions that change votes (removing a participant's answers) go to instance/audit.log and
    the console, so a contested removal can be traced after the workshop."""
    path = os.path.join(instance_path, "audit.log")
    os.makedirs(instance_path, exist_ok=True)
    audit = logging.getLogger("prioritas.audit")
    audit.setLevel(logging.INFO)
    if any(getattr(h, "baseFilename", None) == os.path.abspath(path) for h in audit.handlers):
        return path
    formatter = logging.Formatter("%(asctime)s %(name)s %(message)s")
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler()):
        handler.setFormatter(formatter)
        audit.addHandler(handler)
    return path
