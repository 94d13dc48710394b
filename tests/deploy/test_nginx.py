"""The nginx site in deploy/ in front of two workers: TLS, HTTP to HTTPS, WebSocket upgrade for Socket.IO,
static files served from disk by nginx alone, and no ip_hash.

Runs Debian's nginx on loopback ports of the test's own, with a self-signed certificate made here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as sio

from tests.deploy.support import nginx_binary, start_gunicorn, stop, wait_for_port
from tests.support.environment import REDIS_URL, ROOT, free_port, need, port_open
from tests.support.server import make_facilitator_token

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.postgres]

SITE = ROOT / "deploy" / "nginx" / "prioritas.conf"


def _certificate(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway certificate authority and a localhost certificate it signed: (ca, cert, key)."""
    if shutil.which("openssl") is None:
        need("openssl", "not installed")
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    cert, key, csr = directory / "fullchain.pem", directory / "privkey.pem", directory / "server.csr"
    extensions = directory / "san.ext"
    extensions.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Prioritas test CA",
         "-keyout", str(ca_key), "-out", str(ca)],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(csr)],
        ["x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-days", "2",
         "-extfile", str(extensions), "-out", str(cert)],
    ]
    for step in steps:
        subprocess.run(["openssl", *step], check=True, capture_output=True, timeout=60)
    return ca, cert, key


def _render_site(app_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """The shipped site with this machine's paths and ports; nothing else changes."""
    site = SITE.read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/ssl/prioritas/fullchain.pem": str(cert),
        "/etc/ssl/prioritas/privkey.pem": str(key),
        "/srv/prioritas/app/static/": f"{ROOT / 'static'}/",
        "return 301 https://$host$request_uri;": f"return 301 https://$host:{https_port}$request_uri;",
    }
    for old, new in replacements.items():
        assert old in site, f"the shipped nginx site no longer has {old!r}"
        site = site.replace(old, new)
    return site


def _start_nginx(directory: Path, site: str) -> subprocess.Popen[bytes]:
    (directory / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the checkout's static files
    (directory / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {directory}/access.log;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/site.conf;
}}
""")
    check = subprocess.run([nginx_binary(), "-t", "-p", str(directory), "-c", str(directory / "nginx.conf")],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    log = directory / "nginx.out"
    with open(log, "ab") as output:
        return subprocess.Popen([nginx_binary(), "-p", str(directory), "-c", str(directory / "nginx.conf"),
                                 "-g", "daemon off;"], stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def test_shipped_site_has_no_ip_hash() -> None:
    directives = [line.split("#", 1)[0] for line in SITE.read_text().splitlines()]
    assert not any("ip_hash" in line for line in directives)
    assert any(re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade", line) for line in directives)


def test_nginx_in_front_of_two_workers(tmp_path: Path, shared_postgres: str) -> None:
    if not port_open("127.0.0.1", 6379):
        need("Redis", "nothing listens on 127.0.0.1:6379")
    nginx_binary()
    ca, cert, key = _certificate(tmp_path)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    public = f"https://localhost:{https_port}"
    server = start_gunicorn(tmp_path, shared_postgres, workers=2, port=app_port,
                            env={"REDIS_URL": REDIS_URL, "PUBLIC_URL": public})
    nginx = _start_nginx(tmp_path, _render_site(app_port, http_port, https_port, cert, key))
    screen: Any = None
    try:
        wait_for_port(https_port, nginx, tmp_path / "error.log")
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override verify
        session.verify = str(ca)

        plain = requests.get(f"http://localhost:{http_port}/join", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"].startswith(f"https://localhost:{https_port}/")

        health = session.get(f"{public}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"

        token = make_facilitator_token(f"http://127.0.0.1:{app_port}", shared_postgres)
        headers = {"Authorization": f"Bearer {token}"}
        workshop = session.post(f"{public}/api/v1/workshops", json={"template": "regional"}, headers=headers,
                                timeout=10).json()
        wid = workshop["id"]
        session.post(f"{public}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                     timeout=10).raise_for_status()

        # Socket.IO through nginx: the WebSocket upgrade over TLS.
        events: list[dict[str, Any]] = []
        screen = sio.Client(reconnection=False, http_session=session)
        screen.on("results", events.append)
        screen.connect(public, auth={"screen_token": workshop["screen_token"]},
                       transports=["websocket"], wait_timeout=10)
        joined = session.post(f"{public}/api/v1/join", json={"code": workshop["join_code"], "group": "gov"},
                              timeout=10).json()
        saved = session.put(f"{public}/api/v1/workshops/{wid}/activities/constraints/responses",
                            json={"ratings": [{"item": "finance", "x": 4, "y": 5}]},
                            headers={"Authorization": f"Bearer {joined['participant_token']}"}, timeout=10)
        assert saved.status_code == 200
        deadline = time.monotonic() + 10
        while not any(doc.get("respondents") == 1 for doc in events) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(doc.get("respondents") == 1 for doc in events)

        # The page's static URLs are served by nginx from disk, with a year's cache: they still answer with
        # the app stopped.
        page = session.get(f"{public}/join", timeout=10).text
        css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
        assert css, page[:500]
        stop(server.process)
        static = session.get(public + css.group(1), timeout=10)
        assert static.status_code == 200 and "text/css" in static.headers["Content-Type"]
        assert "immutable" in static.headers.get("Cache-Control", "")
        assert session.get(f"{public}/healthz", timeout=10).status_code == 502  # the app is down; nginx is not
    finally:
        if screen is not None:
            screen.disconnect()
        stop(server.process)
        stop(nginx)
