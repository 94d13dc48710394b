"""Comparing workshops of one template: positions, ranks and the pooled column against numpy.

Three workshops of the `regional` template are voted through the API (k = 5; one group below k in one workshop,
one workshop without an item); the reference below is written from docs/interface.md's definition of the
`equal_groups` mean and docs/methods.md's definition of the pooled column, not from app.engine.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from tests.support.api import API, activity_url, assert_problem, rating
from tests.support.database import BACKENDS

pytestmark = BACKENDS

ITEMS = ["finance", "land", "electricity", "skills"]
WEIGHTS = {"gov": 1.0, "employers": 1.0, "workers": 1.0, "other": 0.0}
K = 5
#: Participants per group in each workshop; employers in the second one stay below k.
TURNOUT = [{"gov": 5, "employers": 6, "workers": 5, "other": 2},
           {"gov": 7, "employers": 3, "workers": 5},
           {"gov": 5, "employers": 5, "workers": 8, "other": 1}]


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import publisher

    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: None)
    monkeypatch.setattr(publisher.hub, "participation_changed", lambda workshop_id: None)


def _drop_item(app: Any, workshop_id: int, key: str) -> None:
    """The third workshop's facilitator took `land` out of the matrix (as the editor does before opening)."""
    from app.extensions import db
    from app.models import ActivityItem, Workshop
    from app.services.database import transaction

    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, workshop_id)
        activity = workshop.activity("constraints")
        item = workshop.item(key)
        db.session.delete(db.session.get(ActivityItem, (activity.id, item.id)))


@pytest.fixture
def voted(app: Any, api: Any, join: Any) -> dict[str, Any]:
    """Votes per workshop: {workshop id: [(group, {item: (x, y)})]}, saved through the API."""
    rng = random.Random(20261129)
    out: dict[str, Any] = {"ids": [], "votes": {}}
    for n, turnout in enumerate(TURNOUT):
        doc = api.post(f"{API}/workshops", json={"template": "regional", "title": f"Workshop {n + 1}"}).get_json()
        wid = doc["id"]
        items = ITEMS if n < 2 else [i for i in ITEMS if i != "land"]
        if n == 2:
            _drop_item(app, wid, "land")
        assert api.post(activity_url(wid, "constraints", "open")).status_code == 200
        votes = []
        for group, count in turnout.items():
            for _ in range(count):
                token = join(doc["join_code"], group)
                ballot = {}
                for item in items:
                    x = None if rng.random() < 0.1 else rng.randint(1, 5)
                    y = rng.randint(1, 5) if item != "skills" else rng.randint(3, 5)
                    ballot[item] = (x, y)
                response = api.put(activity_url(wid, "constraints", "responses"), token=token,
                                   json={"ratings": [rating(i, *xy) for i, xy in ballot.items()]})
                assert response.status_code == 200, response.get_data(as_text=True)
                votes.append((group, ballot))
        out["ids"].append(wid)
        out["votes"][wid] = votes
    return out


def reference_mean(strata: dict[Any, list[int]], weights: dict[Any, float], k: int) -> float | None:
    """docs/interface.md: weighted mean of the group means over groups with >= k values; else the plain mean;
    null with fewer than k values in all."""
    every = [v for values in strata.values() for v in values]
    if len(every) < k:
        return None
    used = {g: values for g, values in strata.items() if len(values) >= k}
    total = sum(weights[g] for g in used)
    if not used or total == 0:
        return float(np.mean(every))
    return float(sum(weights[g] * np.mean(v) for g, v in used.items()) / total)


def reference(votes: dict[int, list[tuple[str, dict[str, tuple[Any, Any]]]]], ids: list[int],
              item: str, axis: int, pooled: bool) -> float | None:
    strata: dict[Any, list[int]] = {}
    weights: dict[Any, float] = {}
    for wid in ids:
        for group, ballot in votes[wid]:
            value = ballot.get(item, (None, None))[axis]
            key = (wid, group) if pooled else group
            weights[key] = WEIGHTS[group]
            strata.setdefault(key, [])
            if value is not None:
                strata[key].append(value)
    return reference_mean(strata, weights, K)


def reference_ranks(scores: dict[str, float | None]) -> dict[str, int | None]:
    keys = [k for k, s in scores.items() if s is not None]
    order = np.argsort([-scores[k] for k in keys], kind="stable")
    ranks: dict[str, int | None] = dict.fromkeys(scores)
    for place, index in enumerate(order, start=1):
        ranks[keys[index]] = place
    return ranks


def test_positions_ranks_and_pooled_match_numpy(api: Any, voted: dict[str, Any]) -> None:
    ids, votes = voted["ids"], voted["votes"]
    response = api.get(f"{API}/comparisons?template=regional&activity=constraints")
    assert response.status_code == 200, response.get_data(as_text=True)
    doc = response.get_json()
    assert [w["id"] for w in doc["workshops"]] == ids
    assert [w["respondents"] for w in doc["workshops"]] == [sum(t.values()) for t in TURNOUT]
    rows = {row["item"]: row for row in doc["items"]}
    # Items of the template that nobody rated stay in the table without a rank.
    assert rows["tax"]["workshops"][0]["rank"] is None and rows["tax"]["pooled"]["rank"] is None
    # The third workshop has no `land`: its cell is empty.
    assert rows["land"]["workshops"][2] is None
    columns = [([wid], n) for n, wid in enumerate(ids)] + [(ids, None)]
    for selection, column in columns:
        scores = {}
        for item in ITEMS:
            cell = rows[item]["workshops"][column] if column is not None else rows[item]["pooled"]
            if cell is None:
                continue
            x = reference(votes, selection, item, 0, pooled=column is None)
            y = reference(votes, selection, item, 1, pooled=column is None)
            assert cell["x"] == pytest.approx(x, abs=1e-9) if x is not None else cell["x"] is None
            assert cell["y"] == pytest.approx(y, abs=1e-9) if y is not None else cell["y"] is None
            scores[item] = None if x is None or y is None else ((x - 1) / 4 + (y - 1) / 4) / 2
        ranks = reference_ranks(scores)
        for item, rank in ranks.items():
            cell = rows[item]["workshops"][column] if column is not None else rows[item]["pooled"]
            assert cell["rank"] == rank, (item, column)
    # The employers of workshop 2 (3 < k) are left out of its equal_groups mean: check the numbers differ from
    # a mean that would use them, so the test could see the rule broken.
    with_small = {g: [b["finance"][1] for gg, b in votes[ids[1]] if gg == g] for g in ("gov", "employers",
                                                                                        "workers")}
    wrong = float(np.mean([np.mean(v) for v in with_small.values()]))
    assert rows["finance"]["workshops"][1]["y"] != pytest.approx(wrong, abs=1e-9)
    # Rank change: first workshop's rank minus the last one's.
    for row in doc["items"]:
        first, last = row["workshops"][0], row["workshops"][-1]
        expected = (first["rank"] - last["rank"]) if first and last and first["rank"] and last["rank"] else None
        assert row["rank_change"] == expected
    assert doc["pooled"]["respondents"] == sum(sum(t.values()) for t in TURNOUT)


def test_per_head_pooled_is_everyone_once(api: Any, voted: dict[str, Any]) -> None:
    ids, votes = voted["ids"], voted["votes"]
    doc = api.get(f"{API}/comparisons?template=regional&activity=constraints&weighting=per_head").get_json()
    for row in doc["items"]:
        if row["item"] not in ITEMS:
            continue
        values = [b[row["item"]][0] for wid in ids for _, b in votes[wid] if row["item"] in b]
        values = [v for v in values if v is not None]
        assert row["pooled"]["x"] == pytest.approx(float(np.mean(values)), abs=1e-9)


def test_choose_workshops_and_files(api: Any, voted: dict[str, Any], client: Any) -> None:
    ids = voted["ids"]
    doc = api.get(f"{API}/comparisons?template=regional&activity=constraints&workshops={ids[2]},{ids[0]}"
                  ).get_json()
    assert [w["id"] for w in doc["workshops"]] == [ids[0], ids[2]]  # oldest first, whatever the order asked
    from app.services import comparison

    header, rows = comparison.table(doc)
    assert header[:2] == ["item", "title"] and header[-1] == "rank change"
    assert [r[0] for r in rows] == [r["item"] for r in doc["items"]]
    text = comparison.csv_bytes(doc).decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == header
    land = next(r for r in table if r[0] == "land")
    x_col = header.index(f"{ids[2]}: x")
    assert land[x_col] == ""  # missing item: empty cell
    book = load_workbook(io.BytesIO(comparison.xlsx_bytes(doc)))
    assert book.sheetnames == ["Comparison", "Workshops"]
    sheet = book["Comparison"]
    assert [c.value for c in sheet[1]] == header
    finance = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "finance")
    assert finance[header.index(f"{ids[0]}: x")] == pytest.approx(doc["items"][0]["workshops"][0]["x"])


def test_errors(api: Any, other_api: Any, voted: dict[str, Any]) -> None:
    ids = voted["ids"]
    assert_problem(api.get(f"{API}/comparisons?template=regional"), 422, "activity")
    assert_problem(api.get(f"{API}/comparisons?activity=constraints"), 422, "template")
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=constraints&workshops=1,x"), 422,
                   "workshops")
    assert_problem(api.get(f"{API}/comparisons?template=sector-selection&activity=sectors"), 404)
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=constraints&weighting=mean"), 422,
                   "weighting")
    assert_problem(api.get(f"{API}/comparisons?template=nope&activity=constraints&weighting=mean"), 404)
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=nope"), 404)
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=constraints&workshops=99999"), 404)
    assert_problem(other_api.get(f"{API}/comparisons?template=regional&activity=constraints&workshops={ids[0]}"),
                   403)
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=constraints", token="nope"), 401)
    other = api.post(f"{API}/workshops", json={"template": "paca-proposals", "title": "Other"}).get_json()
    assert_problem(api.get(f"{API}/comparisons?template=regional&activity=constraints"
                           f"&workshops={ids[0]},{other['id']}"), 422, "workshops")


@pytest.fixture
def other_api(app: Any, api: Any) -> Any:
    from tests.support.api import create_facilitator

    create_facilitator(app, "other@example.org", "another password", "Another facilitator")
    response = api.post(f"{API}/auth/token", json={"email": "other@example.org", "password": "another password"},
                        token="")
    return type(api)(api.client, response.get_json()["token"])


# --- other activity types, and a facilitator's own template ---------------------------------------------------

def _typed_definition() -> dict[str, Any]:
    from tests.support import builders

    keys = builders.SMALL_ITEMS
    return builders.small_definition(activities=[
        builders.scale("imp", keys, "Importance"),
        builders.points("dots", keys, "Dots", budget=3, max_per_item=3),
        builders.ranking("order", keys, "Order"),
    ])


@pytest.fixture
def own_template(app: Any, api: Any, join: Any) -> dict[str, Any]:
    """Two workshops marked as created from the facilitator's own template `mine`, voted on three types."""
    from app.extensions import db
    from app.models import User, Workshop, WorkshopTemplate
    from app.services.database import transaction

    rng = random.Random(7)
    ids, ballots = [], {}
    for n in range(2):
        doc = api.post(f"{API}/workshops", json=_typed_definition()).get_json()
        wid = doc["id"]
        ids.append(wid)
        with app.app_context(), transaction():
            db.session.get(Workshop, wid).template_key = "mine"
            if n == 0:
                owner = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
                db.session.add(WorkshopTemplate(owner_id=owner.id, key="mine", title="My regional template",
                                                definition=_typed_definition()))
        for key in ("imp", "dots", "order"):
            assert api.post(activity_url(wid, key, "open")).status_code == 200
        ballots[wid] = []
        for group in ("gov", "firms", "workers"):
            for _ in range(3 + n):
                token = join(doc["join_code"], group)
                values = {k: rng.randint(1, 5) for k in ("finance", "skills", "power")}
                dots = {"finance": rng.randint(0, 2), "power": rng.randint(0, 1)}
                order = rng.sample(["finance", "skills", "power"], 3)
                for key, body in (("imp", {"ratings": [{"item": k, "value": v} for k, v in values.items()]}),
                                  ("dots", {"points": dots}), ("order", {"ranking": order})):
                    response = api.put(activity_url(wid, key, "responses"), token=token, json=body)
                    assert response.status_code == 200, response.get_data(as_text=True)
                ballots[wid].append((group, values, dots))
    return {"ids": ids, "ballots": ballots}


def test_scale_points_and_ranking(api: Any, own_template: dict[str, Any]) -> None:
    ids, ballots = own_template["ids"], own_template["ballots"]
    scale = api.get(f"{API}/comparisons?template=mine&activity=imp").get_json()
    for column, wid in enumerate(ids):
        official = {i["item"]: i["value"]["mean"] for i in
                    api.get(activity_url(wid, "imp", "results")).get_json()["items"]}
        for row in scale["items"]:
            assert row["workshops"][column]["score"] == pytest.approx(official[row["item"]], abs=1e-9)
    for row in scale["items"]:  # pooled: (workshop, group) strata, all of equal weight, all reaching k = 3
        strata = {(wid, g): [v[row["item"]] for gg, v, _ in ballots[wid] if gg == g]
                  for wid in ids for g in ("gov", "firms", "workers")}
        assert row["pooled"]["score"] == pytest.approx(float(np.mean([np.mean(v) for v in strata.values()])),
                                                       abs=1e-9)
    dots = api.get(f"{API}/comparisons?template=mine&activity=dots&weighting=per_head").get_json()
    for row in dots["items"]:
        shares = [d.get(row["item"], 0) / sum(d.values()) for wid in ids for _, _, d in ballots[wid]
                  if sum(d.values())]
        assert row["pooled"]["score"] == pytest.approx(float(np.mean(shares)), abs=1e-9)
    order = api.get(f"{API}/comparisons?template=mine&activity=order").get_json()
    for column, wid in enumerate(ids):
        schulze = api.get(activity_url(wid, "order", "results")).get_json()["schulze"]
        ranks = {row["item"]: row["workshops"][column]["rank"] for row in order["items"]}
        assert sorted(ranks, key=lambda k: ranks[k]) == schulze


def test_own_template_title_on_the_page(app: Any, own_template: dict[str, Any], client: Any) -> None:
    from tests.support.pages import Browser

    browser = Browser(client)
    assert browser.login("facilitator@example.org").status_code == 302
    page = browser.text("/facilitator/comparison?template=mine&activity=imp")
    assert "My regional template" in page and 'data-item="finance"' in page
