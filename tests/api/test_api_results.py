"""Contract, "Results document (matrix)", "Definitions" and "Anonymity", through the API.

Expected documents come from `support.reference_results`, an independent numpy/scipy reading of the
contract's definitions, and, for the worked example of docs/methods.md, from the hand-worked figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, rating, results
from tests.support.database import BACKENDS
from tests.support.reference import Ballot, RefScale, assert_matches, item_of, reference_results

pytestmark = BACKENDS


# --- building a workshop and its votes through the API ------------------------------------------------------

def create(api: Any, groups: Sequence[tuple[str, float]], items: Sequence[str], x: RefScale, y: RefScale,
           k: int) -> dict[str, Any]:
    definition = builders.definition(
        "Results", min_group_size=k, groups=[builders.group(g, g.title(), w) for g, w in groups],
        items=[builders.item(i, i.title()) for i in items],
        activities=[builders.matrix("matrix", items, "Rate", builders.axis("X", x.min, x.max),
                                    builders.axis("Y", y.min, y.max))])
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert api.post(activity_url(doc["id"], "matrix", "open")).status_code == 200
    return doc


def vote(api: Any, join: Callable[..., str], doc: dict[str, Any], ballots: Sequence[Ballot]) -> None:
    for ballot in ballots:
        token = join(doc["join_code"], ballot.group)
        if not ballot.ratings:
            continue
        body = {"ratings": [rating(item, x, y) for item, (x, y) in ballot.ratings.items()]}
        response = api.put(activity_url(doc["id"], "matrix", "responses"), json=body, token=token)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == {"saved": len(ballot.ratings)}


def ballots_from_columns(group: str, **columns: Sequence[tuple[int | None, int | None]]) -> list[Ballot]:
    """Participants of one group from per-item columns of (x, y); a missing row means not rated."""
    size = max(len(c) for c in columns.values())
    ballots = [Ballot(group) for _ in range(size)]
    for item, column in columns.items():
        for ballot, pair in zip(ballots, column, strict=False):
            ballot.ratings[item] = pair
    return ballots


# --- workshop A: the worked example, don't-knows, a group with nobody, an item with no value ----------------

GROUPS_A = [("gov", 1.0), ("firms", 1.0), ("workers", 1.0), ("academia", 1.0)]
ITEMS_A = ["finance", "skills", "power", "roads"]
FIVE = RefScale(1, 5)
N = None

# docs/methods.md, "Access to finance", 1-5 severity (y). x: only two employers give a value.
FINANCE_Y = {"gov": [3, 3, 4, 2], "firms": [5, 5, 4, 5, 4, 5, 3, 5, 4, 5, 5, 4], "workers": [2, 3, 2, 3, 4, 2]}
FINANCE_X = {"gov": [N] * 4, "firms": [2, 4] + [N] * 10, "workers": [N] * 6}


def ballots_a() -> list[Ballot]:
    gov = ballots_from_columns(
        "gov",
        finance=list(zip(FINANCE_X["gov"], FINANCE_Y["gov"], strict=True)),
        skills=[(1, 2), (2, 3), (N, 4), (N, N)],
        power=[(2, 1), (4, 2), (3, 2)],
    )
    firms = ballots_from_columns(
        "firms",
        finance=list(zip(FINANCE_X["firms"], FINANCE_Y["firms"], strict=True)),
        skills=list(zip([4, 5, 3, 4, 5, 4, 3, 5, 4, 4, 5, N], [2, 3, 2, 1, 2, 3, 2, 2, 1, 2, N, 2], strict=True)),
        power=[(1, 2), (5, 2), (3, 3)],
    )
    workers = ballots_from_columns(
        "workers",
        finance=list(zip(FINANCE_X["workers"], FINANCE_Y["workers"], strict=True)),
        skills=list(zip([2, 3, N, 3, 2, 4], [4, 5, 5, 4, N, 5], strict=True)),
        power=[(3, 1), (2, 3), (4, 2)],
    )
    # A worker who answers "don't know" to everything asked: a respondent who rated nothing.
    workers.append(Ballot("workers", {"finance": (N, N)}))
    # A worker who joined but never answered: not a respondent.
    workers.append(Ballot("workers"))
    return gov + firms + workers


@pytest.fixture
def workshop_a(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    doc = create(api, GROUPS_A, ITEMS_A, FIVE, FIVE, k=3)
    vote(api, join, doc, ballots_a())
    return doc


@pytest.mark.parametrize("weighting", ["per_head", "equal_groups"])
def test_workshop_a_matches_the_reference(api: Any, workshop_a: dict[str, Any], weighting: str) -> None:
    actual = results(api, workshop_a["id"], "matrix", weighting)
    expected = reference_results("matrix", GROUPS_A, ITEMS_A, FIVE, FIVE, 3, ballots_a(), weighting)
    assert_matches(actual, expected)
    assert [i["item"] for i in actual["items"]] == ITEMS_A
    assert list(actual["groups"]) == [g for g, _ in GROUPS_A]
    for item in actual["items"]:
        assert list(item["by_group"]) == [g for g, _ in GROUPS_A]


def test_worked_example_published_figures(api: Any, workshop_a: dict[str, Any]) -> None:
    """docs/methods.md, worked example: per-head 3.73, t-CI95 [3.23, 4.22]; equal thirds 3.39; pooled consensus 0.58."""
    per_head = item_of(results(api, workshop_a["id"], "matrix", "per_head"), "finance")
    assert per_head["n"] == 22
    assert per_head["y"]["mean"] == pytest.approx(3.73, abs=0.005)
    assert per_head["y"]["ci95"] == pytest.approx([3.23, 4.22], abs=0.005)
    assert per_head["y"]["median"] == 4
    assert per_head["y"]["consensus"] == pytest.approx(0.58, abs=0.005)
    assert per_head["by_group"]["gov"]["y"]["mean"] == pytest.approx(3.00, abs=0.005)
    assert per_head["by_group"]["firms"]["y"]["mean"] == pytest.approx(4.50, abs=0.005)
    assert per_head["by_group"]["workers"]["y"]["mean"] == pytest.approx(2.67, abs=0.005)

    equal = item_of(results(api, workshop_a["id"], "matrix"), "finance")
    assert equal["y"]["mean"] == pytest.approx(3.39, abs=0.005)
    # median, sd and consensus are over everyone, unweighted, in both weightings.
    for name in ("median", "sd", "consensus"):
        assert equal["y"][name] == pytest.approx(per_head["y"][name], abs=1e-9)
    # The stratified interval (SE 0.19) is not the per-head one.
    low, high = equal["y"]["ci95"]
    assert low < 3.39 < high and equal["y"]["ci95"] != pytest.approx(per_head["y"]["ci95"], abs=0.01)


def test_workshop_a_rules_are_exercised(api: Any, workshop_a: dict[str, Any]) -> None:
    """The cases the reference covers are really present in the data (so the comparison is not vacuous)."""
    equal = results(api, workshop_a["id"], "matrix")
    per_head = results(api, workshop_a["id"], "matrix", "per_head")
    assert equal["weighting"] == "equal_groups" and per_head["weighting"] == "per_head"
    # respondents: 4 + 12 + 7 (the all-don't-know worker counts, the silent one does not); academia has none.
    assert equal["respondents"] == 23
    assert equal["groups"] == {"gov": {"respondents": 4}, "firms": {"respondents": 12},
                               "workers": {"respondents": 7}, "academia": {"respondents": 0}}

    finance = item_of(equal, "finance")
    # x has 2 values (< k): under equal_groups every x figure and the quadrant are withheld...
    contract_x = {name: finance["x"][name] for name in ("mean", "median", "sd", "ci95", "consensus")}
    assert contract_x == {"mean": None, "median": None, "sd": None, "ci95": None, "consensus": None}
    assert finance["quadrant"] is None
    assert finance["excluded_groups"] == ["gov", "firms", "workers", "academia"]
    assert finance["by_group"]["academia"] is None
    assert finance["by_group"]["gov"] == {"n": 4, "x": {"mean": None}, "y": {"mean": 3.0}}
    # ...and divergence is over the y means only: 4.5 - 2.67.
    assert finance["divergence"] == pytest.approx(4.5 - 8 / 3, abs=0.005)
    # per_head shows them: mean 3 of (2, 4), the interval clipped to the scale.
    finance_ph = item_of(per_head, "finance")
    assert finance_ph["x"]["mean"] == pytest.approx(3.0) and finance_ph["x"]["ci95"] == pytest.approx([1, 5])
    assert finance_ph["quadrant"] == "top_right" and finance_ph["excluded_groups"] == []

    skills = item_of(equal, "skills")
    # gov has 2 x values: left out of the x mean, its x mean hidden, its y mean shown.
    assert skills["excluded_groups"] == ["gov", "academia"]
    assert skills["by_group"]["gov"] == {"n": 3, "x": {"mean": None}, "y": {"mean": 3.0}}
    firms_x = [4, 5, 3, 4, 5, 4, 3, 5, 4, 4, 5]
    workers_x = [2, 3, 3, 2, 4]
    assert skills["x"]["mean"] == pytest.approx((sum(firms_x) / 11 + sum(workers_x) / 5) / 2, abs=0.005)

    power = item_of(equal, "power")
    # Every x mean is exactly the midpoint 3: "at or above" counts as high.
    assert power["x"]["mean"] == pytest.approx(3.0, abs=1e-12)
    assert power["quadrant"] == "bottom_right"
    assert item_of(per_head, "power")["quadrant"] == "bottom_right"

    roads = item_of(equal, "roads")
    empty = {"mean": None, "median": None, "sd": None, "ci95": None, "consensus": None}
    def contract(axis: dict[str, Any]) -> dict[str, Any]:
        return {name: axis[name] for name in empty}  # additive extensions may sit beside these

    assert roads["n"] == 0 and contract(roads["x"]) == empty and contract(roads["y"]) == empty
    assert roads["quadrant"] is None and roads["divergence"] is None
    assert set(roads["by_group"].values()) == {None}
    assert contract(item_of(per_head, "roads")["x"]) == empty


# --- workshop B: weights 0 / 2 / 1, fallback and the hiding of group means, other scales -------------------

GROUPS_B = [("obs", 0.0), ("firms", 2.0), ("workers", 1.0)]
ITEMS_B = ["a", "b", "c"]
X_B, Y_B = RefScale(0, 10), RefScale(1, 7)


def ballots_b() -> list[Ballot]:
    obs = ballots_from_columns("obs", a=[(0, 1), (1, 2), (0, 1), (2, 3)], b=[(5, 4), (6, 5), (7, 4)],
                               c=[(0, 7), (1, 6), (0, 7), (0, 7)])
    firms = [Ballot("firms", {"a": (9, 7)}), Ballot("firms", {"a": (10, 6)}),
             Ballot("firms", {"b": (8, 6)}), Ballot("firms", {"b": (9, 7)}), Ballot("firms", {"b": (7, 6)})]
    workers = ballots_from_columns("workers", b=[(2, 2), (3, 1), (4, 3), (3, 2)])
    return obs + firms + workers


@pytest.fixture
def workshop_b(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    doc = create(api, GROUPS_B, ITEMS_B, X_B, Y_B, k=3)
    vote(api, join, doc, ballots_b())
    return doc


@pytest.mark.parametrize("weighting", ["per_head", "equal_groups"])
def test_workshop_b_matches_the_reference(api: Any, workshop_b: dict[str, Any], weighting: str) -> None:
    actual = results(api, workshop_b["id"], "matrix", weighting)
    expected = reference_results("matrix", GROUPS_B, ITEMS_B, X_B, Y_B, 3, ballots_b(), weighting)
    assert_matches(actual, expected)


def test_workshop_b_rules_are_exercised(api: Any, workshop_b: dict[str, Any]) -> None:
    equal = results(api, workshop_b["id"], "matrix")
    per_head = results(api, workshop_b["id"], "matrix", "per_head")

    # a: only obs (weight 0) reaches k -> plain mean; firms has 2 values -> no group mean shown at all.
    a = item_of(equal, "a")
    assert a["x"]["mean"] == pytest.approx((0 + 1 + 0 + 2 + 9 + 10) / 6, abs=0.005)
    assert a["by_group"]["obs"] == {"n": 4, "x": {"mean": None}, "y": {"mean": None}}
    assert a["by_group"]["firms"] is None and a["divergence"] is None
    assert a["excluded_groups"] == ["firms", "workers"]
    # The fallback also takes the per-head interval.
    assert a["x"]["ci95"] == pytest.approx(item_of(per_head, "a")["x"]["ci95"], abs=1e-9)
    assert a["x"]["mean"] == pytest.approx(item_of(per_head, "a")["x"]["mean"], abs=1e-9)
    # per_head shows obs' means: the hiding is for what the room sees.
    assert item_of(per_head, "a")["by_group"]["obs"]["x"]["mean"] == pytest.approx(0.75)

    # b: (2 * firms + 1 * workers) / 3; obs (weight 0) neither in the mean nor in the interval.
    b = item_of(equal, "b")
    assert b["x"]["mean"] == pytest.approx((2 * 8 + 3) / 3, abs=0.005)
    assert b["y"]["mean"] == pytest.approx((2 * 19 / 3 + 2) / 3, abs=0.005)
    assert b["excluded_groups"] == []
    assert b["divergence"] == pytest.approx(8 - 3, abs=0.005)  # x: firms 8, obs 6, workers 3
    assert item_of(per_head, "b")["x"]["mean"] == pytest.approx(54 / 10, abs=0.005)

    # c: fallback with no group of 1..k-1 values: obs' means are shown; one shown group, no divergence.
    c = item_of(equal, "c")
    assert c["by_group"]["obs"]["x"]["mean"] == pytest.approx(0.25)
    assert c["divergence"] is None
    assert c["x"]["ci95"][0] == 0 and c["y"]["ci95"][1] == 7  # clipped to 0..10 and 1..7
    assert c["quadrant"] == "top_left"


# --- small rooms: nothing is readable vote by vote ----------------------------------------------------------

def test_first_votes_are_not_readable_one_by_one(api: Any, join: Callable[..., str]) -> None:
    doc = create(api, [("gov", 1.0), ("firms", 1.0), ("workers", 1.0)], ["finance"], FIVE, FIVE, k=3)
    url = activity_url(doc["id"], "matrix", "responses")
    empty = {"mean": None, "median": None, "sd": None, "ci95": None, "consensus": None}
    ballots: list[Ballot] = []
    for n, (group, x, y) in enumerate([("gov", 2, 5), ("firms", 4, 4), ("workers", 5, 1)], start=1):
        token = join(doc["join_code"], group)
        assert api.put(url, json={"ratings": [rating("finance", x, y)]}, token=token).status_code == 200
        ballots.append(Ballot(group, {"finance": (x, y)}))
        equal = item_of(results(api, doc["id"], "matrix"), "finance")
        if n < 3:
            for axis in ("x", "y"):  # the contract's figures; additive extensions may sit beside them
                assert {name: equal[axis][name] for name in empty} == empty
            assert equal["quadrant"] is None
        else:
            assert equal["x"]["mean"] == pytest.approx(11 / 3)  # fallback to the plain mean
        assert set(equal["by_group"].values()) == {None}
        per_head = item_of(results(api, doc["id"], "matrix", "per_head"), "finance")
        assert per_head["x"]["mean"] == pytest.approx(sum(b.ratings["finance"][0] for b in ballots) / n)
        for weighting in ("per_head", "equal_groups"):
            expected = reference_results("matrix", [("gov", 1.0), ("firms", 1.0), ("workers", 1.0)],
                                         ["finance"], FIVE, FIVE, 3, ballots, weighting)
            assert_matches(results(api, doc["id"], "matrix", weighting), expected)


# --- weighting parameter and who may read what --------------------------------------------------------------

def test_weighting_defaults_to_equal_groups(api: Any, workshop_b: dict[str, Any]) -> None:
    default = results(api, workshop_b["id"], "matrix")
    assert default["weighting"] == "equal_groups"
    assert default == results(api, workshop_b["id"], "matrix", "equal_groups")
    assert default != results(api, workshop_b["id"], "matrix", "per_head")


@pytest.mark.parametrize("value", ["foo", "PER_HEAD", "per-head", "equal"])
def test_unknown_weighting_422(api: Any, workshop: dict[str, Any], value: str) -> None:
    url = activity_url(workshop["id"], "constraints", "results")
    assert_problem(api.get(f"{url}?weighting={value}"), 422, "weighting")
    assert_problem(api.get(f"{url}?weighting={value}", token=workshop["screen_token"]), 422, "weighting")


def test_result_readers(api: Any, other_api: Any, join: Callable[..., str], workshop: dict[str, Any]) -> None:
    url = activity_url(workshop["id"], "constraints", "results")
    screen = workshop["screen_token"]
    participant = join(workshop["join_code"], "gov")
    other_workshop = other_api.post(f"{API}/workshops", json={"template": "regional", "title": "Other"}).get_json()

    assert api.get(url).status_code == 200
    assert api.get(url + "?weighting=per_head").status_code == 200
    # The screen reads what the room sees, not per_head.
    response = api.get(url, token=screen)
    assert response.status_code == 200 and response.get_json()["weighting"] == "equal_groups"
    assert api.get(url + "?weighting=equal_groups", token=screen).status_code == 200
    assert_problem(api.get(url + "?weighting=per_head", token=screen), 403)
    # Participants never read results; nor do another facilitator or another workshop's screen.
    for weighting in ("equal_groups", "per_head"):
        assert_problem(api.get(f"{url}?weighting={weighting}", token=participant), 403)
        assert_problem(other_api.get(f"{url}?weighting={weighting}"), 403)
        assert_problem(api.get(f"{url}?weighting={weighting}", token=other_workshop["screen_token"]), 403)
    assert_problem(api.get(url, token=""), 401)
    assert_problem(api.get(url, token="forged"), 401)


def test_results_check_order(api: Any, other_api: Any, join: Callable[..., str], workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    participant = join(workshop["join_code"], "gov")
    missing = activity_url(wid, "nope", "results")
    assert_problem(api.get(missing, token="forged"), 401)
    assert_problem(api.get(activity_url(wid + 1000, "constraints", "results"), token=""), 401)
    assert_problem(api.get(missing), 404)
    assert_problem(api.get(activity_url(wid + 1000, "constraints", "results")), 404)
    assert_problem(other_api.get(missing), 404)
    assert_problem(api.get(missing, token=participant), 404)
    assert_problem(api.get(missing + "?weighting=per_head", token=workshop["screen_token"]), 404)
    # 403 before 422.
    url = activity_url(wid, "constraints", "results")
    assert_problem(api.get(url + "?weighting=foo", token=participant), 403)
    assert_problem(other_api.get(url + "?weighting=foo"), 403)


def test_results_of_closed_and_pending_activities(api: Any, join: Callable[..., str],
                                                  workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    pending = results(api, wid, "constraints")
    assert pending["respondents"] == 0
    assert pending["groups"] == {"gov": {"respondents": 0}, "firms": {"respondents": 0},
                                 "workers": {"respondents": 0}}
    assert [i["n"] for i in pending["items"]] == [0, 0, 0]
    api.post(activity_url(wid, "constraints", "open"))
    token = join(workshop["join_code"], "firms")
    api.put(activity_url(wid, "constraints", "responses"), json={"ratings": [rating("power", 2, 2)]}, token=token)
    api.post(activity_url(wid, "constraints", "close"))
    closed = results(api, wid, "constraints", "per_head")
    assert closed["respondents"] == 1 and item_of(closed, "power")["x"]["mean"] == 2
