"""Room simulator: fill the demo workshop with phones, so a newcomer sees the projector screen come alive.

Start the app first (`make run`), open the screen from the facilitator page, then run `make simulate` in a second
terminal. N simulated phones (default 40) join the demo workshop over the real public interface: HTTP to join
and vote, Socket.IO over WebSocket for live `state`, like the phone page. They trickle in over --seconds, rate
the items in a few bursts as people scrolling a list do, answer "don't know" now and then, and some change a
rating later. Ratings lean by stakeholder group (employers find finance and permits severe, workers informality
and safety), so the screen shows real disagreement rather than noise.

Only runtime dependencies (requests, python-socketio's client, websocket-client). Every loop is bounded and the
run stops by itself; it leaves the activity open so the results stay on the screen.

    .venv/bin/python bench/simulate.py --phones 40 --seconds 30
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

DEMO_TITLE = "Demo: regional constraints and sectors"
MAX_PROBE_ID = 50

#: Share of the phones per group: employers usually send the largest delegation, observers the smallest.
GROUP_SHARES = {"gov": 0.25, "employers": 0.35, "workers": 0.30, "other": 0.10}

#: Room-wide (severity, tractability) on 1-5 for the demo's constraints; unknown items get a stable random lean.
BASE = {
    "finance": (4.0, 2.6), "land": (3.2, 3.0), "electricity": (4.2, 2.2), "transport": (3.5, 2.8),
    "permits": (3.4, 4.0), "tax": (3.3, 2.6), "informal-competition": (3.0, 2.4), "corruption": (3.8, 1.8),
    "skills": (4.1, 3.6), "productivity": (3.6, 3.0), "informality": (3.4, 2.3), "osh": (2.8, 3.8),
    "social-protection": (3.2, 2.2), "women-youth": (3.3, 3.4), "dialogue": (2.9, 4.1),
}
FIRM_ITEMS = {"finance", "land", "electricity", "transport", "permits", "tax", "informal-competition", "corruption"}
WORKER_ITEMS = {"informality", "osh", "social-protection", "women-youth", "dialogue", "productivity"}


def lean(group: str, item: str) -> tuple[float, float]:
    """(severity, tractability) a group tends to give an item: where the constituencies disagree."""
    if item in BASE:
        severity, tractability = BASE[item]
    else:  # a stable lean per item from its key, so reruns look alike
        rng = random.Random(zlib.crc32(item.encode()))
        severity, tractability = rng.uniform(2.2, 4.3), rng.uniform(2.0, 4.2)
    if group == "employers":
        severity += 0.9 if item in FIRM_ITEMS else -0.5 if item in WORKER_ITEMS else 0
    elif group == "workers":
        severity += 1.0 if item in WORKER_ITEMS else -0.6 if item in FIRM_ITEMS else 0
    elif group == "gov":
        tractability += 0.6  # governments tend to think things can be fixed
        severity -= 0.3 if item in ("corruption", "permits") else 0
    return severity, tractability


def dont_know_chance(group: str, item: str) -> float:
    if group == "other":
        return 0.15
    if (group == "workers" and item in FIRM_ITEMS) or (group == "employers" and item in WORKER_ITEMS):
        return 0.12
    return 0.05


@dataclass
class Scale:
    low: int
    high: int

    def draw(self, centre: float, rng: random.Random) -> int:
        """A rating near `centre` (given on 1-5), mapped onto this axis's scale."""
        mapped = self.low + (centre - 1) / 4 * (self.high - self.low)
        return max(self.low, min(self.high, round(rng.gauss(mapped, 0.85))))


@dataclass
class Phone:
    number: int
    group: str
    token: str = ""
    sio: socketio.Client | None = None
    state: str = "open"
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: bool = False


class Simulation:
    """Drives one room: a facilitator session, a watching screen and N phones on a single timeline."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = args.url.rstrip("/")
        self.http = requests.Session()
        self.rng = random.Random(args.seed)
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()
        self.screen: socketio.Client | None = None
        self.last_respondents = -1
        self.phones: list[Phone] = []

    # --- output -----------------------------------------------------------------------------------------

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:5.1f}s] {message}", flush=True)

    # --- HTTP -------------------------------------------------------------------------------------------

    def call(self, method: str, path: str, token: str = "", body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, f"{self.base}/api/v1{path}", json=body, headers=headers, timeout=15)

    def login(self) -> str:
        try:
            response = self.call("POST", "/auth/token", body={"email": self.args.email,
                                                              "password": self.args.password})
        except requests.ConnectionError:
            sys.exit(f"Nothing answers at {self.base}. Start the app first with `make run` in another terminal.")
        if response.status_code != 200:
            sys.exit(f"Could not log in as {self.args.email} ({response.status_code}). The demo facilitator is "
                     "created by `make run` unless PRIORITAS_DEMO=0; pass --email/--password otherwise.")
        return str(response.json()["token"])

    def find_workshop(self, token: str) -> dict[str, Any]:
        """There is no list endpoint: probe ids 1..50 for the demo title (or take --workshop as given)."""
        ids = [self.args.workshop] if self.args.workshop else range(1, MAX_PROBE_ID + 1)
        for workshop_id in ids:
            response = self.call("GET", f"/workshops/{workshop_id}", token)
            if response.status_code == 200 and (self.args.workshop or response.json()["title"] == DEMO_TITLE):
                return dict(response.json())
        where = f"workshop {self.args.workshop}" if self.args.workshop else \
            f"a workshop titled {DEMO_TITLE!r} among ids 1..{MAX_PROBE_ID}"
        sys.exit(f"Could not find {where} owned by {self.args.email}. Run `make run` once (it creates the demo), "
                 "or pass --workshop ID.")

    def choose_activity(self, token: str, workshop: dict[str, Any]) -> dict[str, Any]:
        """The open matrix activity if there is one, else open `constraints` (or --activity)."""
        matrices = [a for a in workshop["activities"] if a["type"] == "matrix"]
        if self.args.activity:
            chosen = next((a for a in matrices if a["key"] == self.args.activity), None)
            if chosen is None:
                sys.exit(f"The workshop has no matrix activity {self.args.activity!r}.")
        else:
            chosen = next((a for a in matrices if a["state"] == "open"), None) or \
                next((a for a in matrices if a["key"] == "constraints"), None) or (matrices or [None])[0]
            if chosen is None:
                sys.exit("The workshop has no matrix activity to vote on.")
        if chosen["state"] != "open":
            response = self.call("POST", f"/workshops/{workshop['id']}/activities/{chosen['key']}/open", token)
            response.raise_for_status()
            self.say(f"opened activity {chosen['key']!r} ({chosen['title']})")
        return dict(chosen)

    # --- Socket.IO --------------------------------------------------------------------------------------

    def watch_screen(self, workshop: dict[str, Any], activity: str) -> None:
        """Connect as a projector screen and report how many have voted as `results` arrive."""
        sio = socketio.Client(reconnection=False)

        @sio.on("results")
        def on_results(document: dict[str, Any]) -> None:
            respondents = int(document.get("respondents") or 0)
            if document.get("activity") == activity and respondents != self.last_respondents:
                self.last_respondents = respondents
                self.counts["screen_updates"] += 1
                groups = ", ".join(f"{k} {v['respondents']}" for k, v in document.get("groups", {}).items())
                self.say(f"screen <- results: {respondents} respondents ({groups})")

        try:
            sio.connect(self.base, auth={"screen_token": workshop["screen_token"]}, transports=["websocket"],
                        wait_timeout=10)
            self.screen = sio
        except socketio.exceptions.ConnectionError as error:
            self.say(f"could not connect a screen ({error}); carrying on without live counts")

    def connect_phone(self, phone: Phone, activity: str) -> None:
        sio = socketio.Client(reconnection=True, reconnection_attempts=3)

        @sio.on("state")
        def on_state(data: dict[str, Any]) -> None:
            if data.get("activity") == activity:
                if phone.state != data.get("state") and phone.sio is not None:
                    self.say(f"P{phone.number:02d} sees {activity!r} {data.get('state')}")
                phone.state = str(data.get("state"))

        try:
            sio.connect(self.base, auth={"participant_token": phone.token}, transports=["websocket"],
                        wait_timeout=10)
            phone.sio = sio
            self.counts["sockets"] += 1
        except socketio.exceptions.ConnectionError as error:
            self.counts["socket_failures"] += 1
            self.say(f"P{phone.number:02d} could not connect Socket.IO ({error}); it will vote anyway")

    # --- the room ---------------------------------------------------------------------------------------

    def plan_groups(self, groups: list[str]) -> list[str]:
        """Largest-remainder split of the phones over the groups, shuffled into arrival order."""
        n = self.args.phones
        shares = {g: GROUP_SHARES.get(g, 0.15) for g in groups}
        exact = {g: n * s / sum(shares.values()) for g, s in shares.items()}
        counts = {g: int(v) for g, v in exact.items()}
        for g in sorted(exact, key=lambda g: exact[g] - counts[g], reverse=True)[: n - sum(counts.values())]:
            counts[g] += 1
        plan = [g for g in groups for _ in range(counts[g])]
        self.rng.shuffle(plan)
        return plan

    def rating(self, phone: Phone, item: str, x: Scale, y: Scale) -> dict[str, Any]:
        severity, tractability = lean(phone.group, item)
        unsure = dont_know_chance(phone.group, item)
        return {"item": item,
                "x": None if self.rng.random() < unsure else x.draw(tractability, self.rng),
                "y": None if self.rng.random() < unsure else y.draw(severity, self.rng)}

    def send(self, workshop_id: int, activity: str, phone: Phone, ratings: list[dict[str, Any]], what: str) -> None:
        if phone.failed or not ratings:
            return
        if phone.state != "open":
            self.counts["skipped_closed"] += 1
            return
        path = f"/workshops/{workshop_id}/activities/{activity}/responses"
        response = self.call("PUT", path, phone.token, {"ratings": ratings})
        if response.status_code == 200:
            for rating in ratings:
                phone.ratings[rating["item"]] = rating
            self.counts[what] += 1
            unsure = sum(1 for r in ratings for axis in ("x", "y") if r[axis] is None)
            note = f", {unsure} don't know" if unsure else ""
            self.say(f"P{phone.number:02d} ({phone.group}) {what} {len(ratings)} item(s){note}")
        elif response.status_code == 409:
            phone.state = "closed"
            self.counts["rejected_closed"] += 1
            self.say(f"P{phone.number:02d}: the activity is not open any more (409)")
        else:
            self.counts["errors"] += 1
            self.say(f"P{phone.number:02d}: {what} failed with {response.status_code}: {response.text[:200]}")

    def run(self) -> int:
        args = self.args
        token = self.login()
        workshop = self.find_workshop(token)
        self.say(f"workshop {workshop['id']}: {workshop['title']!r}, join code {workshop['join_code']}")
        activity = self.choose_activity(token, workshop)
        key, items = activity["key"], list(activity["items"])
        x, y = Scale(activity["x"]["min"], activity["x"]["max"]), Scale(activity["y"]["min"], activity["y"]["max"])
        self.say(f"{args.phones} phones will rate {len(items)} items of {key!r} over about {args.seconds:.0f} s; "
                 f"open {workshop['screen_url']} to watch")
        self.watch_screen(workshop, key)

        # One timeline of (time, order, action, phone, payload): joins early, votes in bursts, changes late.
        timeline: list[tuple[float, int, str, int, list[str]]] = []
        span = float(args.seconds)
        for n, group in enumerate(self.plan_groups([g["key"] for g in workshop["groups"]])):
            self.phones.append(Phone(n + 1, group))
            at = self.rng.uniform(0, 0.35 * span)
            timeline.append((at, len(timeline), "join", n, []))
            order = items[:]
            if self.rng.random() < 0.3:
                self.rng.shuffle(order)  # some people skip around the list
            bursts = self.rng.choice((1, 2, 2, 3))
            size = -(-len(order) // bursts)
            for chunk in (order[i:i + size] for i in range(0, len(order), size)):
                at = min(at + self.rng.uniform(2, 0.25 * span), 0.85 * span)
                timeline.append((at, len(timeline), "vote", n, chunk))
            if self.rng.random() < 0.3:
                changes = self.rng.sample(items, k=min(len(items), self.rng.choice((1, 1, 2))))
                timeline.append((self.rng.uniform(max(at, 0.7 * span), span), len(timeline), "change", n, changes))
        heapq.heapify(timeline)

        deadline = time.monotonic() + span + 60  # hard stop, however slow the server is
        try:
            while timeline and time.monotonic() < deadline:
                at, _, action, n, chunk = heapq.heappop(timeline)
                time.sleep(max(0.0, min(at - (time.monotonic() - self.started), deadline - time.monotonic())))
                phone = self.phones[n]
                if action == "join":
                    self.join(workshop, key, phone)
                elif action == "vote":
                    ratings = [self.rating(phone, item, x, y) for item in chunk]
                    self.send(workshop["id"], key, phone, ratings, "rated")
                else:
                    self.send(workshop["id"], key, phone, [self.change(phone, item, x, y) for item in chunk],
                              "changed")
            if timeline:
                self.say(f"time is up: {len(timeline)} planned actions were not sent")
            time.sleep(1.0)  # the screen gets results at most every ~0.25 s
            self.summary(token, workshop, activity)
        finally:
            for phone in self.phones:
                if phone.sio is not None:
                    phone.sio.disconnect()
            if self.screen is not None:
                self.screen.disconnect()
        return 1 if self.counts["errors"] else 0

    def join(self, workshop: dict[str, Any], activity: str, phone: Phone) -> None:
        response = self.call("POST", "/join", body={"code": workshop["join_code"], "group": phone.group})
        if response.status_code != 201:
            phone.failed = True
            self.counts["errors"] += 1
            self.say(f"P{phone.number:02d} could not join ({response.status_code}): {response.text[:200]}")
            return
        phone.token = response.json()["participant_token"]
        self.counts["joined"] += 1
        self.connect_phone(phone, activity)
        self.say(f"P{phone.number:02d} joined as {phone.group}")

    def change(self, phone: Phone, item: str, x: Scale, y: Scale) -> dict[str, Any]:
        """Second thoughts: move one axis by a point, or answer at last where they had said "don't know"."""
        old = phone.ratings.get(item) or self.rating(phone, item, x, y)
        new = dict(old)
        axis, scale = self.rng.choice((("x", x), ("y", y)))
        if new[axis] is None:
            severity, tractability = lean(phone.group, item)
            new[axis] = scale.draw(tractability if axis == "x" else severity, self.rng)
        else:
            new[axis] = max(scale.low, min(scale.high, new[axis] + self.rng.choice((-1, 1))))
        return new

    def summary(self, token: str, workshop: dict[str, Any], activity: dict[str, Any]) -> None:
        """What the room decided: respondents per group and the top items of each quadrant."""
        path = f"/workshops/{workshop['id']}/activities/{activity['key']}/results"
        response = self.call("GET", path + "?weighting=equal_groups", token)
        response.raise_for_status()
        document = response.json()
        titles = {i["key"]: i["title"] for i in workshop["items"]}
        names = activity.get("quadrants") or {}
        c = self.counts
        print(f"\nDone: {c['joined']} phones joined ({c['sockets']} on Socket.IO, {c['socket_failures']} could not "
              f"connect), {c['rated']} rating bursts, {c['changed']} changed ratings, {c['errors']} errors; "
              f"the screen got {c['screen_updates']} updates.")
        groups = ", ".join(f"{k} {v['respondents']}" for k, v in document["groups"].items())
        print(f"Results of {activity['key']!r} (equal_groups): {document['respondents']} respondents ({groups})")
        excluded = [g for g in document["groups"] if any(g in i["excluded_groups"] for i in document["items"])]
        if excluded:
            print(f"  Left out of the pooled figures for some items (fewer than {workshop['min_group_size']} "
                  f"answers): {', '.join(excluded)}; weight-0 groups never move them.")
        by_quadrant: dict[str | None, list[dict[str, Any]]] = {}
        for item in document["items"]:
            by_quadrant.setdefault(item["quadrant"], []).append(item)
        for quadrant in ("top_right", "top_left", "bottom_right", "bottom_left"):
            found = sorted(by_quadrant.get(quadrant, []), key=lambda i: -i["y"]["mean"])
            print(f"  {names.get(quadrant, quadrant)} ({quadrant}): {len(found)} item(s)")
            for item in found[:3]:
                print(f"    - {titles.get(item['item'], item['item'])}: {activity['y']['label']} "
                      f"{item['y']['mean']:.2f}, {activity['x']['label']} {item['x']['mean']:.2f}, n={item['n']}")
        hidden = by_quadrant.get(None, [])
        if hidden:
            print(f"  Not shown yet (fewer than {workshop['min_group_size']} answers per axis): "
                  + ", ".join(titles.get(i["item"], i["item"]) for i in hidden))
        split = sorted((i for i in document["items"] if i.get("divergence") is not None),
                       key=lambda i: -i["divergence"])[:3]
        if split:
            print("  Where the groups disagree most: "
                  + ", ".join(f"{titles.get(i['item'], i['item'])} ({i['divergence']:.1f})" for i in split))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the running app (default %(default)s)")
    parser.add_argument("--email", default="demo@prioritas.local", help="facilitator owning the workshop")
    parser.add_argument("--password", default="demo-facilitator")
    parser.add_argument("--workshop", type=int, help="workshop id (default: find the demo workshop by title)")
    parser.add_argument("--activity", help="matrix activity key (default: the open one, else constraints)")
    parser.add_argument("--phones", type=int, default=40, help="simulated phones, 1..200 (default 40)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the room takes to vote (default 30)")
    parser.add_argument("--seed", type=int, help="repeat a run exactly")
    args = parser.parse_args()
    if not 1 <= args.phones <= 200:
        parser.error("--phones is between 1 and 200 (bench/connections.py measures large rooms)")
    if not 5 <= args.seconds <= 600:
        parser.error("--seconds is between 5 and 600")
    return Simulation(args).run()


if __name__ == "__main__":
    sys.exit(main())
