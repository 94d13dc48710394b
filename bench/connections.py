"""Capacity benchmark: how many phones one server process holds, and how fast it reaches them.

A real workshop room is N phones listening for `state` plus a few screens listening for `results`. This starts
the real server (`deploy/serve.py`, gevent, one process) on a free loopback port with a temporary SQLite
database, joins N phones over HTTP, connects them all over WebSocket, and measures

* connect-all time, server memory, file descriptors and OS threads before and after (from /proc);
* vote -> screen: from sending a vote (HTTP PUT) until all 3 screens have a `results` event that counts it
  (results are coalesced every ~0.25 s, so this is mostly the coalescing interval plus one recompute);
* state fan-out: from the facilitator's close/open request until all N phones have the `state` event;
* a room vote: the other phones send full ballots at --room-rate per second (or flat out with
  --room-concurrency), while a monitor samples server CPU, the server's answer time to a trivial request, the
  gaps between screen pushes and between Engine.IO pings, and dropped clients; then the vote and fan-out
  figures again on the full activity.

The load generator (python-socketio AsyncClient, one asyncio loop) runs on the same cores as the server, so
the latencies include client-side work: read them as conservative. Loopback only; bounded in clients, votes,
cycles and time (a watchdog stops the server and exits after --timeout seconds). Exit status 1 when any
client failed to connect, dropped, or missed an event.

    .venv/bin/python bench/connections.py --clients 2000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import engineio
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import (
    FACILITATOR_EMAIL,
    FACILITATOR_PASSWORD,
    Server,
    percentile,
    proc_status,
    start,
    start_bare,
    stop,
)

ACTIVITY = "constraints"
SCREENS = 3
BATCH = 50
MAX_IN_FLIGHT = 64  # open-loop room vote: never more requests than this outstanding
#: Share of the room per group of the `regional` template: employers usually the largest delegation.
GROUP_SHARES = {"gov": 0.25, "employers": 0.35, "workers": 0.30, "other": 0.10}


def raise_file_limit(needed: int) -> int:
    """Every client holds a socket; the default soft limit (often 1,024) would cap the benchmark itself."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: how much work the server did, whatever the wall clock says."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Waiter:
    """Counts clients that have seen an expected event, and fires when all `target` have."""

    target: int
    started: float = field(default_factory=time.perf_counter)
    seen: set[int] = field(default_factory=set)
    first: float | None = None
    last: float | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def hit(self, client_id: int) -> None:
        if client_id in self.seen:
            return
        now = time.perf_counter()
        self.seen.add(client_id)
        self.first = self.first if self.first is not None else now
        if len(self.seen) >= self.target:
            self.last = now
            self.done.set()


class Room:
    """All the simulated clients and what each has heard, shared by the event handlers."""

    def __init__(self) -> None:
        self.clients: list[socketio.AsyncClient] = []
        self.disconnects = 0
        self.disconnect_times: list[float] = []
        self.ping_times: dict[int, list[float]] = {}
        self.state_waiter: tuple[str, Waiter] | None = None  # (expected state, waiter) for phones
        self.results_waiter: tuple[int, Waiter] | None = None  # (expected respondents, waiter) for screens
        self.results_events = 0
        self.results_times: list[float] = []  # arrivals at the first screen: how often the screen moves
        self.state_events = 0
        self.initial_state: set[int] = set()

    def watch_pings(self, client_id: int, sio: socketio.AsyncClient) -> None:
        """Record when the server's Engine.IO pings arrive (a private hook, for diagnosis only): the Python client
        gives up after max(ping_interval, ping_timeout) + 5 s without one (30 s here), a browser after
        ping_interval + ping_timeout (45 s)."""
        original = sio.eio._receive_packet

        async def receive(pkt: Any) -> None:
            if pkt.packet_type == engineio.packet.PING:
                self.ping_times.setdefault(client_id, []).append(time.perf_counter())
            await original(pkt)

        sio.eio._receive_packet = receive

    def ping_gaps(self, start_at: float, end_at: float) -> list[float]:
        """Longest wait between two pings per client, over pings that arrived in the window."""
        worst = []
        for times in self.ping_times.values():
            inside = [t for t in times if start_at <= t <= end_at]
            gaps = [b - a for a, b in itertools.pairwise(inside)]
            if gaps:
                worst.append(max(gaps))
        return worst

    def phone(self, client_id: int) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        self.watch_pings(client_id, sio)

        @sio.on("state")
        async def on_state(data: dict[str, Any]) -> None:
            self.state_events += 1
            if data.get("activity") != ACTIVITY:
                return
            self.initial_state.add(client_id)
            if self.state_waiter is not None and data.get("state") == self.state_waiter[0]:
                self.state_waiter[1].hit(client_id)

        sio.on("disconnect", self._on_disconnect)
        self.clients.append(sio)
        return sio

    def screen(self, client_id: int) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)

        @sio.on("results")
        async def on_results(data: dict[str, Any]) -> None:
            self.results_events += 1
            if client_id == 0 and data.get("activity") == ACTIVITY:
                self.results_times.append(time.perf_counter())
            if self.results_waiter is not None and data.get("activity") == ACTIVITY:
                expected, waiter = self.results_waiter
                if int(data.get("respondents") or 0) >= expected:
                    waiter.hit(client_id)

        sio.on("disconnect", self._on_disconnect)
        self.clients.append(sio)
        return sio

    async def _on_disconnect(self, *_: Any) -> None:
        self.disconnects += 1
        self.disconnect_times.append(time.perf_counter())

    def connected(self) -> int:
        return sum(1 for c in self.clients if c.connected)


class Api:
    """The few HTTP calls the benchmark makes, as a facilitator or as a phone."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base + "/api/v1"
        self.token = ""

    async def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        bearer = self.token if token is None else token  # "" sends no credentials at all
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        async with self.session.request(method, self.base + path, json=body, headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=30)) as response:
            return response.status, await response.json(content_type=None)

    async def ok(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, data = await self.call(method, path, body, token)
        if status >= 300:
            raise RuntimeError(f"{method} {path} -> {status}: {data}")
        return data


class Monitor:
    """Once a second: server CPU share, the server's answer time to a trivial request, and this process's own
    event-loop lag. Tells a saturated server apart from a saturated load generator."""

    def __init__(self, api: Api, room: Room, pid: int) -> None:
        self.api, self.room, self.pid = api, room, pid
        self.samples: list[dict[str, float]] = []
        self.verbose = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _loop(self) -> None:
        cpu, wall = cpu_seconds(self.pid), time.perf_counter()
        for _ in range(7200):  # at most two hours of samples, far beyond any --timeout
            await asyncio.sleep(1)
            lag = time.perf_counter() - wall - 1
            probe_at = time.perf_counter()
            try:
                await asyncio.wait_for(self.api.call("GET", "/workshops/0", token=""), 10)
                probe = time.perf_counter() - probe_at
            except TimeoutError:
                probe = float("inf")
            now, now_cpu = time.perf_counter(), cpu_seconds(self.pid)
            sample = {"t": now, "server_cpu": (now_cpu - cpu) / (now - wall), "probe": probe, "lag": max(0, lag),
                      "connected": self.room.connected()}
            self.samples.append(sample)
            cpu, wall = now_cpu, now
            if self.verbose and len(self.samples) % 5 == 0:
                print(f"    monitor: server CPU {sample['server_cpu']:4.0%}, server answers in {ms(probe)}, "
                      f"benchmark loop lag {ms(sample['lag'])}, {sample['connected']} clients connected", flush=True)

    def window(self, start_at: float, end_at: float) -> dict[str, float]:
        inside = [s for s in self.samples if start_at <= s["t"] <= end_at] or self.samples[-1:]
        return {"server_cpu": statistics.mean(s["server_cpu"] for s in inside),
                "probe_max": max(s["probe"] for s in inside), "lag_max": max(s["lag"] for s in inside)}


def group_plan(n: int, groups: list[str]) -> list[str]:
    """Spread n phones over the groups in realistic proportions (largest remainder), shuffled."""
    shares = {g: GROUP_SHARES.get(g, 0.1) for g in groups}
    total = sum(shares.values())
    exact = {g: n * s / total for g, s in shares.items()}
    counts = {g: int(v) for g, v in exact.items()}
    for g in sorted(exact, key=lambda g: exact[g] - counts[g], reverse=True)[: n - sum(counts.values())]:
        counts[g] += 1
    plan = [g for g in groups for _ in range(counts[g])]
    random.shuffle(plan)
    return plan


async def join_all(api: Api, code: str, plan: list[str], concurrency: int) -> list[str]:
    """Join every phone over HTTP with bounded concurrency; retry a busy answer a few times, then give up."""
    tokens: list[str | None] = [None] * len(plan)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(index: int, group: str) -> None:
        async with semaphore:
            for attempt in range(6):
                status, data = await api.call("POST", "/join", {"code": code, "group": group}, token="")
                if status == 201:
                    tokens[index] = data["participant_token"]
                    return
                if status not in (429, 503):
                    raise RuntimeError(f"join -> {status}: {data}")
                await asyncio.sleep(0.2 * 2**attempt)
            raise RuntimeError(f"join kept failing ({status}); is the join rate limit on?")

    await asyncio.gather(*(one(i, g) for i, g in enumerate(plan)))
    return [t for t in tokens if t]


async def connect_batches(server: Server, pairs: list[tuple[socketio.AsyncClient, dict[str, str]]]) -> int:
    """Connect clients BATCH at a time over WebSocket only (phones do the same); returns the failures."""
    failures = 0
    for start_at in range(0, len(pairs), BATCH):
        batch = pairs[start_at:start_at + BATCH]
        outcomes = await asyncio.gather(
            *(sio.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=20) for sio, auth in batch),
            return_exceptions=True,
        )
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        if errors and failures == 0:
            print(f"  first connect error: {errors[0]!r}", flush=True)
        failures += len(errors)
    return failures


def ratings(items: list[str]) -> dict[str, Any]:
    return {"ratings": [{"item": i, "x": random.randint(1, 5), "y": random.randint(1, 5)} for i in items]}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: no samples"
    return (f"{label}: median {ms(statistics.median(values))}, p90 {ms(percentile(values, 90))}, "
            f"max {ms(max(values))} (n={len(values)})")


async def measure_votes(api: Api, room: Room, wid: int, items: list[str], tokens: list[str],
                        respondents: int) -> dict[str, Any]:
    """Distinct phones vote one at a time, so each vote raises `respondents` by one: time until all screens see it."""
    latencies: list[float] = []
    put_times: list[float] = []
    misses = 0
    for n, token in enumerate(tokens):
        waiter = Waiter(SCREENS)
        room.results_waiter = (respondents + n + 1, waiter)
        waiter.started = time.perf_counter()
        await api.ok("PUT", f"/workshops/{wid}/activities/{ACTIVITY}/responses", ratings(items), token=token)
        put_times.append(time.perf_counter() - waiter.started)
        try:
            await asyncio.wait_for(waiter.done.wait(), 10)
            assert waiter.last is not None
            latencies.append(waiter.last - waiter.started)
        except TimeoutError:
            misses += 1
            if misses >= 3 and not latencies:
                print(f"  giving up: {misses} votes never reached all screens "
                      f"({room.connected()} clients connected)", flush=True)
                break
        room.results_waiter = None
        await asyncio.sleep(random.uniform(0.05, 0.35))  # vary the phase against the 0.25 s coalescing
    print(summary(f"vote -> all {SCREENS} screens ({respondents} respondents before)", latencies)
          + f", {misses} missed", flush=True)
    print(summary("  of which the HTTP PUT", put_times), flush=True)
    return {"latency": latencies, "put": put_times, "misses": misses}


async def measure_fanout(api: Api, room: Room, server: Server, wid: int, phones: int, cycles: int) -> dict[str, Any]:
    """Close and reopen the activity: time until every phone has heard each change."""
    fanout: list[float] = []
    first: list[float] = []
    misses = 0
    cpu0, client0 = cpu_seconds(server.pid), time.process_time()
    for cycle in range(cycles):
        for action, state in (("close", "closed"), ("open", "open")):
            waiter = Waiter(phones)
            room.state_waiter = (state, waiter)
            waiter.started = time.perf_counter()
            await api.ok("POST", f"/workshops/{wid}/activities/{ACTIVITY}/{action}")
            try:
                await asyncio.wait_for(waiter.done.wait(), 30)
                assert waiter.last is not None and waiter.first is not None
                fanout.append(waiter.last - waiter.started)
                first.append(waiter.first - waiter.started)
            except TimeoutError:
                misses += 1
                print(f"  cycle {cycle} {action}: only {len(waiter.seen)} phones heard it in 30 s "
                      f"({room.connected()} clients connected)", flush=True)
            room.state_waiter = None
            if misses >= 2:
                break
            await asyncio.sleep(0.5)
        if misses >= 2:
            print("  giving up on the fan-out measurement", flush=True)
            break
    result = {"all": fanout, "first": first, "misses": misses, "server_cpu": cpu_seconds(server.pid) - cpu0,
              "client_cpu": time.process_time() - client0, "count": 2 * cycles}
    print(summary(f"state -> all {phones} phones", fanout) + f", {misses} missed", flush=True)
    print(summary("  first phone", first), flush=True)
    return result


async def room_vote(api: Api, room: Room, server: Server, monitor: Monitor, wid: int, items: list[str],
                    tokens: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """The rest of the room sends full ballots, bounded in time: throughput, and how sockets fare meanwhile.

    By default ballots start at `--room-rate` per second whatever the answer time (open loop: a room that takes
    len(tokens) / rate seconds to vote). With `--room-concurrency N`, N ballots are always in flight (closed loop:
    the server runs flat out, which finds its throughput and what saturation does to the sockets).
    """
    rate: float | None = None if args.room_concurrency else args.room_rate
    semaphore = asyncio.Semaphore(MAX_IN_FLIGHT if rate else args.room_concurrency)
    put_times: list[float] = []
    errors: Counter[int] = Counter()
    start_at = time.perf_counter()
    deadline = start_at + args.room_seconds
    path = f"/workshops/{wid}/activities/{ACTIVITY}/responses"

    async def one(index: int, token: str) -> None:
        if rate:
            await asyncio.sleep(max(0.0, min(start_at + index / rate, deadline) - time.perf_counter()))
        async with semaphore:
            if time.perf_counter() > deadline:
                errors[0] += 1  # not sent: out of time
                return
            sent_at = time.perf_counter()
            status, _ = await api.call("PUT", path, ratings(items), token=token)
            if status == 200:
                put_times.append(time.perf_counter() - sent_at)
            else:
                errors[status] += 1

    first_push = len(room.results_times)
    cpu0, t0 = cpu_seconds(server.pid), start_at
    monitor.verbose = True
    await asyncio.gather(*(one(n, t) for n, t in enumerate(tokens)))
    monitor.verbose = False
    elapsed = time.perf_counter() - t0
    dropped = [t - t0 for t in room.disconnect_times if t >= t0]
    if dropped:
        print(f"  {len(dropped)} clients dropped during the room vote, the first {dropped[0]:.1f} s in", flush=True)
    pushes = room.results_times[first_push:]
    gaps = [b - a for a, b in itertools.pairwise(pushes)]
    result = {"sent": len(put_times), "errors": dict(errors), "elapsed": elapsed, "put": put_times,
              "server_cpu": cpu_seconds(server.pid) - cpu0, "pushes": len(pushes), "gaps": gaps,
              "dropped": len(dropped), "monitor": monitor.window(t0, t0 + elapsed)}
    gaps_ping = room.ping_gaps(t0, time.perf_counter())
    result["ping_gaps"] = gaps_ping
    print(summary("  longest wait between two pings, per phone", gaps_ping), flush=True)
    print(f"room vote: {len(put_times)} full ballots ({2 * len(items)} values each) in {elapsed:.1f} s = "
          f"{len(put_times) / elapsed:.1f} ballots/s, errors {dict(errors) or 'none'}; screen got {len(pushes)} "
          f"results pushes", flush=True)
    print(summary("  HTTP PUT under load", put_times), flush=True)
    print(summary("  gap between results pushes", gaps), flush=True)
    return result


async def run(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {}
    room = Room()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
        api = Api(session, server.url)
        api.token = (await api.ok("POST", "/auth/token",
                                  {"email": FACILITATOR_EMAIL, "password": FACILITATOR_PASSWORD}))["token"]
        workshop = await api.ok("POST", "/workshops", {"template": "regional", "title": "Capacity benchmark"})
        wid = workshop["id"]
        items = next(a["items"] for a in workshop["activities"] if a["key"] == ACTIVITY)
        await api.ok("POST", f"/workshops/{wid}/activities/{ACTIVITY}/open")

        t0 = time.perf_counter()
        plan = group_plan(args.clients, [g["key"] for g in workshop["groups"]])
        tokens = await join_all(api, workshop["join_code"], plan, args.join_concurrency)
        report["join_s"] = time.perf_counter() - t0
        print(f"joined {len(tokens)} phones over HTTP in {report['join_s']:.1f} s", flush=True)

        before = proc_status(server.pid)
        cpu0 = cpu_seconds(server.pid)
        pairs = [(room.screen(n), {"screen_token": workshop["screen_token"]}) for n in range(SCREENS)]
        pairs += [(room.phone(SCREENS + n), {"participant_token": t}) for n, t in enumerate(tokens)]
        t0, client0 = time.perf_counter(), time.process_time()
        failures = await connect_batches(server, pairs)
        report["connect_s"] = time.perf_counter() - t0
        report["connect_client_cpu_s"] = time.process_time() - client0
        report["connect_failures"] = failures
        print(f"connected {len(pairs) - failures}/{len(pairs)} clients in {report['connect_s']:.1f} s "
              f"({failures} failed)", flush=True)
        connected_at = time.perf_counter()
        await asyncio.sleep(2)  # let the last snapshots arrive and the server settle
        after = proc_status(server.pid)
        report["connect_cpu_s"] = cpu_seconds(server.pid) - cpu0
        report["before"], report["after"] = before, after
        report["phones_with_snapshot"] = len(room.initial_state)
        phones = len(pairs) - failures - SCREENS
        per_conn = (after["VmRSS"] - before["VmRSS"]) / max(1, len(pairs) - failures)
        print(f"server RSS {before['VmRSS'] / 1024:.0f} -> {after['VmRSS'] / 1024:.0f} MB "
              f"(~{per_conn:.0f} KB per connection), threads {before['Threads']} -> {after['Threads']}, "
              f"open fds {before['fds']} -> {after['fds']}", flush=True)

        monitor = Monitor(api, room, server.pid)
        monitor.start()
        # The first votes of a session: an almost empty activity.
        first_voters, late_voters, room_voters = (tokens[:args.votes], tokens[args.votes:2 * args.votes],
                                                  tokens[2 * args.votes:])
        report["votes_empty"] = await measure_votes(api, room, wid, items, first_voters, 0)
        report["fanout_empty"] = await measure_fanout(api, room, server, wid, phones, args.cycles)
        calm = room.ping_gaps(connected_at, time.perf_counter())
        report["ping_gaps_calm"] = calm
        if calm:
            print(summary("longest wait between two pings per phone, before the room vote", calm), flush=True)
        if args.room_vote and room_voters:
            # The rest of the room votes; then the same measurements on a full activity.
            report["room"] = await room_vote(api, room, server, monitor, wid, items, room_voters, args)
            current = await api.ok("GET", f"/workshops/{wid}/activities/{ACTIVITY}/results")
            await asyncio.sleep(1)  # let the last coalesced push pass
            report["votes_full"] = await measure_votes(api, room, wid, items, late_voters,
                                                       int(current["respondents"]))
            report["fanout_full"] = await measure_fanout(api, room, server, wid, phones, args.cycles)

        await monitor.stop()
        report["still_connected"] = room.connected()
        report["disconnects"] = room.disconnects
        report["end"] = proc_status(server.pid)
        report["clients"] = len(room.clients)
        report["phones"] = phones
        report["results_events"] = room.results_events
        await disconnect_all(room.clients)
    return report


async def bare_memory(workdir: Path, clients: int) -> dict[str, Any]:
    """Connect `clients` plain Socket.IO clients to the bare server and read its memory per connection."""
    bare = start_bare(workdir)
    try:
        before = proc_status(bare.pid)
        sockets = [socketio.AsyncClient(reconnection=False) for _ in range(clients)]
        started = time.perf_counter()
        failures = await connect_batches(bare, [(client, {}) for client in sockets])
        elapsed = time.perf_counter() - started
        await asyncio.sleep(2)
        after = proc_status(bare.pid)
        await disconnect_all(sockets)
    finally:
        stop(bare)
    return {"clients": clients, "failures": failures, "connect_s": elapsed,
            "per_conn_kb": (after["VmRSS"] - before["VmRSS"]) / max(1, clients - failures)}


async def disconnect_all(clients: list[socketio.AsyncClient]) -> None:
    """Leave politely, in batches, bounded in time: the server is stopped right after anyway."""
    for start_at in range(0, len(clients), 200):
        batch = [c for c in clients[start_at:start_at + 200] if c.connected]
        try:
            await asyncio.wait_for(asyncio.gather(*(c.disconnect() for c in batch), return_exceptions=True), 20)
        except TimeoutError:
            return


def print_report(args: argparse.Namespace, report: dict[str, Any]) -> None:
    before, after, end = report["before"], report["after"], report["end"]
    connected = report["clients"] - report["connect_failures"]
    phones = report["phones"]
    print("\n=== Prioritas connection benchmark ===")
    print(f"clients: {args.clients} phones + {SCREENS} screens, WebSocket, one gevent server process, SQLite")
    print(f"join {args.clients} phones over HTTP:  {report['join_s']:.1f} s")
    print(f"connect all:                {report['connect_s']:.1f} s, {report['connect_failures']} failed, "
          f"{report['phones_with_snapshot']} phones got their state snapshot")
    print(f"  CPU while connecting:     server {report['connect_cpu_s']:.1f} s, "
          f"benchmark clients {report['connect_client_cpu_s']:.1f} s")
    print(f"server RSS:                 {before['VmRSS'] / 1024:.0f} MB -> {after['VmRSS'] / 1024:.0f} MB "
          f"(end {end['VmRSS'] / 1024:.0f} MB, peak {end['VmHWM'] / 1024:.0f} MB)")
    print(f"per connection:             {(after['VmRSS'] - before['VmRSS']) / max(1, connected):.0f} KB, "
          f"{(after['fds'] - before['fds']) / max(1, connected):.1f} file descriptors")
    print(f"server OS threads:          {before['Threads']} -> {after['Threads']} (end {end['Threads']})")
    phases = [("empty", "first votes (empty activity)")]
    if "room" in report:
        phases.append(("full", "after the room vote (full activity)"))
    for key, title in phases:
        votes, fan = report[f"votes_{key}"], report[f"fanout_{key}"]
        print(f"-- {title}")
        print(summary(f"  vote -> all {SCREENS} screens     ", votes["latency"]) + f", {votes['misses']} missed")
        print(summary("    (HTTP PUT alone)         ", votes["put"]))
        print(summary(f"  state -> all {phones} phones  ", fan["all"]) + f", {fan['misses']} missed")
        print(f"    CPU for {fan['count']} fan-outs:    server {fan['server_cpu']:.1f} s, "
              f"benchmark clients {fan['client_cpu']:.1f} s")
    if "room" in report:
        room = report["room"]
        mode = f"{args.room_concurrency} ballots always in flight" if args.room_concurrency else \
            f"{args.room_rate:g} ballots/s offered"
        print(f"-- room vote ({mode}): {room['sent']} full ballots in {room['elapsed']:.1f} s "
              f"({room['sent'] / room['elapsed']:.1f} ballots/s), errors {room['errors'] or 'none'}, "
              f"server CPU {room['server_cpu']:.1f} s")
        print(summary("    HTTP PUT under load      ", room["put"]))
        print(summary("    gap between screen pushes", room["gaps"]) + f", {room['pushes']} pushes")
        print(summary("    longest ping gap per phone", room["ping_gaps"])
              + " (server pings every 20 s; the Python client drops after 30 s)")
        watch = room["monitor"]
        print(f"    server CPU {watch['server_cpu']:.0%} of a core on average; slowest answer to a trivial request "
              f"{ms(watch['probe_max'])}; benchmark loop lag at most {ms(watch['lag_max'])}; "
              f"{room['dropped']} clients dropped")
    print(f"stayed connected:           {report['still_connected']}/{report['clients']} "
          f"({report['disconnects']} disconnects seen)")
    print(f"load average at the end:    {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000, help="phones to connect (default 2000)")
    parser.add_argument("--votes", type=int, default=30, help="votes to time (default 30)")
    parser.add_argument("--cycles", type=int, default=5, help="close/reopen cycles to time (default 5)")
    parser.add_argument("--no-room-vote", dest="room_vote", action="store_false",
                        help="skip the phase where the whole room votes (and the measurements repeated after it)")
    parser.add_argument("--room-rate", type=float, default=25, metavar="PER_SECOND",
                        help="room ballots started per second, whatever the answer time (open loop, at most 64 in "
                             "flight; default 25: 2,000 phones vote within 80 s)")
    parser.add_argument("--room-concurrency", type=int, metavar="N",
                        help="instead keep N ballots always in flight (closed loop: the server runs flat out)")
    parser.add_argument("--room-seconds", type=float, default=150,
                        help="stop sending room ballots after this many seconds (default 150)")
    parser.add_argument("--join-concurrency", type=int, default=8, help="parallel HTTP joins (default 8)")
    parser.add_argument("--timeout", type=float, default=600, help="hard limit for the whole run, s (default 600)")
    parser.add_argument("--rate-limits", action="store_true",
                        help="keep the server's rate limits on (joining is limited to 600/min per workshop, "
                             "so 2,000 joins then take over 3 minutes)")
    parser.add_argument("--gevent-monitor", type=float, metavar="SECONDS",
                        help="diagnosis: have gevent log every loop block longer than SECONDS to the server log "
                             "(adds one monitor thread to the server)")
    parser.add_argument("--keep-log", metavar="PATH", help="copy the server log here at the end")
    parser.add_argument("--compare-bare", action="store_true",
                        help="then connect as many clients to a bare Flask-SocketIO gevent server (bench/_bare.py) "
                             "and compare the memory per connection")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.clients <= 10_000 or not 1 <= args.votes <= 1000 or not 1 <= args.cycles <= 100:
        parser.error("keep --clients in 1..10000, --votes in 1..1000, --cycles in 1..100")
    if args.room_concurrency is not None and not 1 <= args.room_concurrency <= 256:
        parser.error("keep --room-concurrency in 1..256")
    if not 0.1 <= args.room_rate <= 1000 or not 1 <= args.room_seconds <= 1800:
        parser.error("keep --room-rate in 0.1..1000 ballots per second and --room-seconds in 1..1800")
    if args.timeout > 3600:
        parser.error("--timeout is at most 3600 s")
    random.seed(args.seed)
    limit = raise_file_limit(4 * args.clients + 1024)
    print(f"open-file limit of this process: {limit}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores (other work on the machine skews every figure)", flush=True)

    with tempfile.TemporaryDirectory(prefix="prioritas-bench-") as tmp:
        env = {} if args.rate_limits else {"PRIORITAS_RATELIMIT": "0"}
        if args.gevent_monitor:
            # gevent's own watchdog thread logs a traceback whenever one greenlet holds the loop this long.
            env |= {"GEVENT_MONITOR_THREAD_ENABLE": "true", "GEVENT_MAX_BLOCKING_TIME": str(args.gevent_monitor)}
        server = start(Path(tmp), env)
        print(f"server pid {server.pid} at {server.url}", flush=True)

        def watchdog() -> None:
            print(f"\nTIMEOUT: the run exceeded {args.timeout:.0f} s; stopping the server.", flush=True)
            stop(server)
            os._exit(2)

        timer = threading.Timer(args.timeout + 30, watchdog)
        timer.daemon = True
        timer.start()
        try:
            report = asyncio.run(asyncio.wait_for(run(server, args), args.timeout))
        except TimeoutError:
            print(f"\nTIMEOUT after {args.timeout:.0f} s. Server log tail:\n{server.log_tail()}", flush=True)
            return 2
        finally:
            timer.cancel()
            alive = server.process.poll() is None
            stop(server)
            if args.keep_log:
                shutil.copyfile(server.log_path, args.keep_log)
        if not alive:
            print("The server died during the run. Log tail:\n" + server.log_tail())
            return 1
        print_report(args, report)
        if args.compare_bare:
            bare = asyncio.run(bare_memory(Path(tmp), report["clients"]))
            project_kb = (report["after"]["VmRSS"] - report["before"]["VmRSS"]) / max(1, report["clients"])
            print(f"bare Flask-SocketIO server, same {bare['clients']} clients: {bare['connect_s']:.1f} s, "
                  f"{bare['per_conn_kb']:.0f} KB per connection ({bare['failures']} failed); "
                  f"project / bare memory per connection: {project_kb / bare['per_conn_kb']:.2f}x")
        misses = sum(report[k]["misses"] for k in ("votes_empty", "fanout_empty", "votes_full", "fanout_full")
                     if k in report)
        ok = (report["connect_failures"] == 0 and misses == 0 and not report.get("room", {}).get("errors")
              and report["still_connected"] == report["clients"])
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
