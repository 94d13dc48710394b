"""A hall's burst, side by side: the project against a bare Flask-SocketIO server, in one run.

Each simulated phone joins over the JSON API, then sends one 12-item matrix ballot (both axes), as a hall
does when the facilitator says "vote now"; one screen listens on Socket.IO. The same burst is played against
a bare gevent Flask-SocketIO server that this script starts itself (`bench/_bare.py`: in-memory, no
database, same JSON and coalesced pushes), which is the ceiling of the framework on this machine.

Figures for each: joins/s, votes/s, ack p50/p99 (PUT sent → answer), vote → screen p50/p99 (answer → first
screen push counting it), screen current after the last ack, lost (acknowledged vs stored), refused (429),
server CPU per ballot and RSS per phone; then the project/bare ratio.

    .venv/bin/python bench/burst.py --phones 1000                      # one process, SQLite (make run)
    .venv/bin/python bench/burst.py --phones 1000 --workers 2          # gunicorn, PostgreSQL + Redis
    .venv/bin/python bench/burst.py --phones 500 --no-bare

Rate limits stay on, as shipped. Everything runs on 127.0.0.1 and stops by itself (--timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _server
from bench.connections import cpu_seconds, raise_file_limit

ROOT = _server.ROOT
GROUPS = ["gov", "employers", "workers"]


def definition(items: int) -> dict[str, Any]:
    keys = [f"item{i:02d}" for i in range(items)]
    return {
        "title": "Burst", "language": "en", "min_group_size": 5,
        "groups": [{"key": "gov", "name": "Government"}, {"key": "employers", "name": "Employers"},
                   {"key": "workers", "name": "Workers"}],
        "items": [{"key": key, "kind": "constraint", "title": f"Constraint {i + 1}"} for i, key in enumerate(keys)],
        "activities": [{"key": "constraints", "type": "matrix", "title": "Rate the constraints", "items": keys,
                        "x": {"label": "Tractability", "min": 1, "max": 5},
                        "y": {"label": "Severity", "min": 1, "max": 5}}],
    }


@dataclass
class Target:
    name: str
    url: str
    pids: list[int]
    code: str
    workshop: int
    screen_auth: dict[str, Any] | None
    count: Any  # async () -> stored respondents
    server: Any = None
    cleanup: list[Any] = field(default_factory=list)


def tree_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue
    return total


def tree_rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += _server.proc_status(pid)["VmRSS"]
        except (OSError, KeyError):
            continue
    return total


async def start_project(workdir: Path, workers: int, items: int) -> Target:
    cleanup: list[Any] = []
    if workers > 1:
        database_url, name = _server.postgres_database()
        cleanup.append(lambda: _server.drop_postgres_database(name))
        server = _server.start_gunicorn(workdir, database_url, workers,
                                        {"REDIS_URL": "redis://127.0.0.1:6379/14",
                                         "PRIORITAS_CHANNEL": f"bench-{os.getpid()}"})
    else:
        server = _server.start(workdir)
    cleanup.insert(0, lambda: _server.stop(server))
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/api/v1/auth/token", json={"email": _server.FACILITATOR_EMAIL,
                                                                      "password": _server.FACILITATOR_PASSWORD}) as r:
            token = (await r.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(f"{server.url}/api/v1/workshops", json=definition(items), headers=headers) as r:
            workshop = await r.json()
        async with http.post(f"{server.url}/api/v1/workshops/{workshop['id']}/activities/constraints/open",
                             headers=headers) as r:
            r.raise_for_status()

    async def count() -> int:
        async with aiohttp.ClientSession() as http, http.get(
                f"{server.url}/api/v1/workshops/{workshop['id']}/activities/constraints/results?weighting=per_head",
                headers=headers) as r:
            return int((await r.json())["respondents"])

    pids = _server.process_tree(server.pid)
    return Target("project" if workers == 1 else f"project ({workers} workers)", server.url, pids,
                  workshop["join_code"], workshop["id"], {"screen_token": workshop["screen_token"]}, count,
                  server, cleanup)


async def start_bare(workdir: Path, items: int) -> Target:
    server = _server.start_bare(workdir, items)

    async def count() -> int:
        async with aiohttp.ClientSession() as http, http.get(f"{server.url}/count") as r:
            return int((await r.json())["respondents"])

    return Target("bare Flask-SocketIO", server.url, [server.pid], "BARE00", 1, None, count, server,
                  [lambda: _server.stop(server)])


def ballot(items: int, rng: random.Random) -> dict[str, Any]:
    return {"ratings": [{"item": f"item{i:02d}", "x": rng.randint(1, 5), "y": rng.randint(1, 5)}
                        for i in range(items)]}


async def burst(target: Target, phones: int, items: int, concurrency: int, timeout: float,
                profile: Path | None = None) -> dict[str, Any]:
    rng = random.Random(7)
    pushes: list[tuple[float, int]] = []
    screen = socketio.AsyncClient(reconnection=False)

    @screen.on("results")
    async def _results(document: dict[str, Any]) -> None:
        if document.get("activity") == "constraints":
            pushes.append((time.perf_counter(), int(document.get("respondents") or 0)))

    await screen.connect(target.url, auth=target.screen_auth, transports=["websocket"])
    await asyncio.sleep(0.5)
    pushes.clear()

    joins: list[float] = []
    acks: list[float] = []
    ack_times: list[float] = []
    refused = {"join": 0, "vote": 0}
    errors: list[str] = []
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    ballots = [ballot(items, rng) for _ in range(phones)]
    cpu_before, rss_before = tree_cpu(target.pids), tree_rss_kb(target.pids)

    async def phone(i: int, http: aiohttp.ClientSession) -> None:
        async with semaphore:
            started = time.perf_counter()
            async with http.post(f"{target.url}/api/v1/join",
                                 json={"code": target.code, "group": GROUPS[i % len(GROUPS)]}) as r:
                if r.status == 429:
                    refused["join"] += 1
                    return
                if r.status != 201:
                    errors.append(f"join {r.status}")
                    return
                token = (await r.json())["participant_token"]
            joins.append(time.perf_counter() - started)
            sent = time.perf_counter()
            async with http.put(f"{target.url}/api/v1/workshops/{target.workshop}/activities/constraints/responses",
                                json=ballots[i], headers={"Authorization": f"Bearer {token}"}) as r:
                await r.read()
                done = time.perf_counter()
                if r.status == 429:
                    refused["vote"] += 1
                elif r.status != 200:
                    errors.append(f"vote {r.status}")
                else:
                    acks.append(done - sent)
                    ack_times.append(done)

    profiler = None
    if profile is not None:
        profiler = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                                     str(target.pids[0]), "--subprocesses", "--duration", str(int(timeout)),
                                     "--rate", "200", "--format", "raw", "--nonblocking", "--output", str(profile)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        await asyncio.wait_for(asyncio.gather(*(phone(i, http) for i in range(phones))), timeout)
    finished = time.perf_counter()
    cpu_after, rss_after = tree_cpu(target.pids), tree_rss_kb(target.pids)
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes what it sampled so far
        profiler.wait(timeout=30)

    acknowledged = len(ack_times)
    deadline = time.perf_counter() + 30
    while not any(n >= acknowledged for _, n in pushes) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    current = next((t for t, n in pushes if n >= acknowledged), None)
    last_ack = max(ack_times) if ack_times else finished
    ordered = sorted(ack_times)
    to_screen = []
    for k, ack in enumerate(ordered, start=1):
        seen = next((t for t, n in pushes if n >= k and t >= ack), None)
        if seen is not None:
            to_screen.append(seen - ack)
    stored = await target.count()
    await screen.disconnect()
    wall = finished - started
    pct = _server.percentile
    return {
        "target": target.name, "phones": phones, "wall_s": wall,
        "joins_per_s": len(joins) / wall, "votes_per_s": acknowledged / wall,
        "join_p50_ms": pct(joins, 50) * 1000, "join_p99_ms": pct(joins, 99) * 1000,
        "ack_p50_ms": pct(acks, 50) * 1000, "ack_p99_ms": pct(acks, 99) * 1000,
        "screen_p50_ms": pct(to_screen, 50) * 1000, "screen_p99_ms": pct(to_screen, 99) * 1000,
        "screen_current_after_last_ack_s": (current - last_ack) if current is not None else None,
        "acknowledged": acknowledged, "stored": stored, "lost": acknowledged - stored,
        "refused_join": refused["join"], "refused_vote": refused["vote"], "errors": len(errors),
        "cpu_per_ballot_ms": (cpu_after - cpu_before) / max(1, acknowledged) * 1000,
        "rss_per_phone_kb": (rss_after - rss_before) / max(1, phones),
        "pushes": len(pushes), "error_kinds": dict(Counter(errors)),
    }


ROWS = [("joins/s", "joins_per_s", "{:.0f}"), ("votes/s", "votes_per_s", "{:.0f}"),
        ("join p50 / p99 (ms)", ("join_p50_ms", "join_p99_ms"), "{:.0f} / {:.0f}"),
        ("ack p50 / p99 (ms)", ("ack_p50_ms", "ack_p99_ms"), "{:.0f} / {:.0f}"),
        ("vote → screen p50 / p99 (ms)", ("screen_p50_ms", "screen_p99_ms"), "{:.0f} / {:.0f}"),
        ("screen current after last ack (s)", "screen_current_after_last_ack_s", "{:.2f}"),
        ("acknowledged / stored / lost", ("acknowledged", "stored", "lost"), "{} / {} / {}"),
        ("refused (429) join / vote", ("refused_join", "refused_vote"), "{} / {}"),
        ("other errors", "errors", "{}"),
        ("server CPU per ballot (ms)", "cpu_per_ballot_ms", "{:.2f}"),
        ("RSS per phone (KB)", "rss_per_phone_kb", "{:.1f}")]


def cell(result: dict[str, Any], key: Any, fmt: str) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    values = [result.get(k) for k in keys]
    if any(v is None for v in values):
        return "—"
    return fmt.format(*values)


def print_table(results: list[dict[str, Any]]) -> None:
    header = ["figure", *(r["target"] for r in results)]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, key, fmt in ROWS:
        print("| " + " | ".join([label, *(cell(r, key, fmt) for r in results)]) + " |")
    if len(results) == 2 and results[1]["votes_per_s"]:
        print(f"\nvotes/s ratio project / bare: {results[0]['votes_per_s'] / results[1]['votes_per_s']:.2f}x")


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="prioritas-burst-") as tmp:
        work = Path(tmp)
        plans = [("project", None)] + ([] if args.no_bare else [("bare", None)])
        for kind, _ in plans:
            (work / kind).mkdir()
            target = (await start_project(work / kind, args.workers, args.items) if kind == "project"
                      else await start_bare(work / kind, args.items))
            try:
                results.append(await burst(target, args.phones, args.items, args.concurrency, args.timeout,
                                           args.profile if kind == "project" else None))
                if results[-1]["errors"] and target.server is not None:
                    print(f"{target.name}: errors {results[-1]['error_kinds']}; server log ends:\n"
                          f"{target.server.log_tail(40)}", flush=True)
            finally:
                for step in target.cleanup:
                    step()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--workers", type=int, default=1, help="1: serve.py on SQLite; 2+: gunicorn on PostgreSQL "
                                                                 "and Redis")
    parser.add_argument("--concurrency", type=int, default=100, help="phones with a request in flight at once")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare server")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--profile", type=Path, help="record the project's server during the burst with py-spy "
                                                      "(collapsed stacks; pip install py-spy)")
    args = parser.parse_args()
    raise_file_limit(args.phones * 2 + 1000)
    load = os.getloadavg()[0]
    print(f"burst: {args.phones} phones, {args.items}-item matrix, {args.concurrency} in flight, "
          f"project with {args.workers} worker(s); load average {load:.2f}", flush=True)
    results = asyncio.run(main_async(args))
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["lost"] == 0 and r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
