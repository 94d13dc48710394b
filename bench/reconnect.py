"""A reconnect storm: restart the server while a whole hall is connected, and time the way back.

N phones and 3 screens are connected over WebSocket (python-socketio clients with the same reconnection
settings as `static/js/phone.js`: first retry after 1 s, doubling to 10 s, ±50 % jitter). Some phones have an
answer waiting (they send it while the server is down, keep it, and retry after reconnecting, as the phone
page's offline queue does). Then `serve.py` is stopped and started again on the same port and database.

Figures: server down time, time until every phone is back and current (reconnected and holding the `state`
snapshot of the open activity), p50/p90/max per phone, screens back, and kept answers sent vs stored
(none lost, none counted twice).

    .venv/bin/python bench/reconnect.py --clients 2000
    .venv/bin/python bench/reconnect.py --clients 500 --waiting 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _server
from bench.connections import ACTIVITY, Api, connect_batches, cpu_seconds, group_plan, join_all, raise_file_limit


class BrowserLikeClient(socketio.AsyncClient):  # type: ignore[misc]
    """Waits for the namespace connection as long as socket.io-client does (its `timeout`, 20 s), not the
    Python client's 1 s: under a storm a 1 s client gives up on connections the server is still accepting
    and comes back, doubling the server's work, which no phone does."""

    async def connect(self, *args: Any, wait_timeout: float = 20, **kwargs: Any) -> None:
        await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


class Hall:
    """Every phone's latest `state` snapshot time, so 'back and current' can be read off after the restart."""

    def __init__(self) -> None:
        self.current: dict[int, float] = {}
        self.screens_back: dict[int, float] = {}
        self.disconnected: set[int] = set()

    def phone(self, n: int) -> socketio.AsyncClient:
        client = BrowserLikeClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=10,
                                      randomization_factor=0.5, reconnection_attempts=0)

        @client.on("state")
        async def _state(data: dict[str, Any]) -> None:
            if data.get("activity") == ACTIVITY and data.get("state") == "open":
                self.current[n] = time.perf_counter()

        @client.on("disconnect")
        async def _gone(*_: Any) -> None:
            self.disconnected.add(n)

        return client

    def screen(self, n: int) -> socketio.AsyncClient:
        client = BrowserLikeClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=5,
                                      randomization_factor=0.5, reconnection_attempts=0)

        @client.on("results")
        async def _results(data: dict[str, Any]) -> None:
            if data.get("activity") == ACTIVITY:
                self.screens_back[n] = time.perf_counter()

        return client


async def send_kept(api: Api, wid: int, token: str, items: list[str], deadline: float) -> int:
    """One phone's kept answer: retried until the server takes it (the offline queue), then counted once."""
    body = {"ratings": [{"item": item, "x": random.randint(1, 5), "y": random.randint(1, 5)} for item in items]}
    attempts = 0
    while time.perf_counter() < deadline:
        attempts += 1
        try:
            status, _ = await api.call("PUT", f"/workshops/{wid}/activities/{ACTIVITY}/responses", body, token=token)
            if status == 200:
                return attempts
        except (TimeoutError, aiohttp.ClientError):
            pass
        await asyncio.sleep(min(10.0, 0.5 * 2 ** min(attempts, 4)) * random.uniform(0.5, 1.5))
    return 0


async def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="prioritas-reconnect-") as tmp:
        server = _server.start(Path(tmp), {"PRIORITAS_RATELIMIT": "0" if args.no_rate_limits else "1"})
        hall = Hall()
        clients: list[socketio.AsyncClient] = []
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
                api = Api(session, server.url)
                api.token = (await api.ok("POST", "/auth/token", {"email": _server.FACILITATOR_EMAIL,
                                                                   "password": _server.FACILITATOR_PASSWORD}))["token"]
                workshop = await api.ok("POST", "/workshops", {"template": "regional", "title": "Reconnect storm"})
                wid = workshop["id"]
                items = next(a["items"] for a in workshop["activities"] if a["key"] == ACTIVITY)
                await api.ok("POST", f"/workshops/{wid}/activities/{ACTIVITY}/open")
                tokens = await join_all(api, workshop["join_code"],
                                        group_plan(args.clients, [g["key"] for g in workshop["groups"]]), 16)
                pairs = [(hall.screen(n), {"screen_token": workshop["screen_token"]}) for n in range(3)]
                pairs += [(hall.phone(n), {"participant_token": t}) for n, t in enumerate(tokens)]
                clients = [c for c, _ in pairs]
                failures = await connect_batches(server, pairs)
                print(f"{len(tokens)} phones and 3 screens connected ({failures} failed)", flush=True)
                await asyncio.sleep(2)

                hall.current.clear()
                hall.screens_back.clear()
                stopped = time.perf_counter()
                restart = asyncio.get_running_loop().run_in_executor(None, _server.restart, server)
                waiting = tokens[: args.waiting]
                kept = [asyncio.create_task(send_kept(api, wid, t, items, stopped + args.timeout)) for t in waiting]
                ready = await restart
                profiler = None
                if args.profile:
                    profiler = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                                                 str(server.process.pid), "--duration", "20", "--rate", "200",
                                                 "--format", "raw", "--nonblocking", "--output", str(args.profile)],
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                cpu_ready, client_ready = cpu_seconds(server.process.pid), time.process_time()
                print(f"server down for {ready - stopped:.2f} s", flush=True)
                deadline = stopped + args.timeout
                def everyone_back() -> bool:
                    return len(hall.current) >= len(tokens) and len(hall.screens_back) >= 3

                while not everyone_back() and time.perf_counter() < deadline:
                    await asyncio.sleep(0.1)
                back_at = time.perf_counter()
                server_cpu = cpu_seconds(server.process.pid) - cpu_ready
                client_cpu = time.process_time() - client_ready
                attempts = await asyncio.gather(*kept)
                if profiler is not None:
                    profiler.wait(timeout=60)
                await asyncio.sleep(1)
                stored = (await api.ok("GET", f"/workshops/{wid}/activities/{ACTIVITY}/results?weighting=per_head"))
        finally:
            await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
            _server.stop(server)

    back = sorted(t - ready for t in hall.current.values())
    pct = _server.percentile
    sent = sum(1 for a in attempts if a)
    print(f"phones back and current: {len(back)}/{len(tokens)}; after the server was ready: p50 "
          f"{pct(back, 50):.2f} s, p90 {pct(back, 90):.2f} s, max {max(back, default=float('nan')):.2f} s; "
          f"after it went down: max {max((t - stopped for t in hall.current.values()), default=float('nan')):.2f} s")
    print(f"screens back: {len(hall.screens_back)}/3")
    window = back_at - ready
    print(f"while phones came back ({window:.1f} s): server CPU {server_cpu:.1f} s "
          f"({server_cpu / window:.0%} of a core), load generator CPU {client_cpu:.1f} s ({client_cpu / window:.0%})")
    print(f"kept answers: {sent}/{len(waiting)} sent, {stored['respondents']} stored (each participant once), "
          f"retries per answer max {max(attempts, default=0)}")
    ok = len(back) == len(tokens) and len(hall.screens_back) == 3 and sent == len(waiting) == stored["respondents"]
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--waiting", type=int, default=200, help="phones holding an answer through the restart")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--profile", type=Path, help="record the restarted server with py-spy (collapsed stacks)")
    args = parser.parse_args()
    raise_file_limit(args.clients * 2 + 1000)
    print(f"reconnect storm: {args.clients} phones; load average {os.getloadavg()[0]:.2f}", flush=True)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
