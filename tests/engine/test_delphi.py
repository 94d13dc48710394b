"""Delphi statistics: Kendall's W against scipy's Friedman test and a hand-worked example with ties; which
items converged (Tastle–Wierman on every dimension, IQR of ranking positions against numpy)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.stats import friedmanchisquare

from app.engine import GroupSpec, RankingData, ranking_results
from app.engine.delphi import (
    kendall_w,
    position_histograms,
    ranking_convergence,
    rated_convergence,
)
from app.engine.stats import tastle_wierman


def positions(ballot: list[str], items: list[str]) -> list[float]:
    """Each item's position on one ballot; unranked items at the mean of the positions left."""
    n, t = len(items), len(ballot)
    return [ballot.index(i) + 1.0 if i in ballot else (t + 1 + n) / 2 for i in items]


def w_from_friedman(ballots: list[list[str]], items: list[str]) -> float:
    """W = chi2 / (m (n - 1)); scipy's Friedman statistic carries the tie correction, so this holds with ties."""
    table = np.array([positions(b, items) for b in ballots])
    chi2 = friedmanchisquare(*table.T).statistic
    m, n = table.shape
    return chi2 / (m * (n - 1))


@pytest.mark.parametrize("seed", range(5))
def test_complete_rankings_match_friedman(seed: int) -> None:
    rng = random.Random(seed)
    items = list("ABCDEF")
    ballots = [rng.sample(items, len(items)) for _ in range(rng.randint(3, 30))]
    assert kendall_w(ballots, items) == pytest.approx(w_from_friedman(ballots, items), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_prefix_ballots_match_friedman_with_ties(seed: int) -> None:
    rng = random.Random(100 + seed)
    items = list("ABCDE")
    ballots = [rng.sample(items, rng.randint(1, len(items))) for _ in range(rng.randint(4, 25))]
    assert kendall_w(ballots, items) == pytest.approx(w_from_friedman(ballots, items), abs=1e-12)


def test_hand_worked_example_with_ties() -> None:
    # A B C D | B A (C, D tied at 3.5) | A (B, C, D tied at 3): R = 4, 6, 9.5, 10.5; mean 7.5; S = 27.5;
    # T = 0 + (2^3 - 2) + (3^3 - 3) = 30; W = 12 * 27.5 / (3^2 * (4^3 - 4) - 3 * 30) = 330 / 450 = 11/15.
    ballots = [list("ABCD"), list("BA"), list("A")]
    assert kendall_w(ballots, list("ABCD")) == pytest.approx(11 / 15, abs=1e-15)


def test_perfect_agreement_and_none_below_two_ballots() -> None:
    assert kendall_w([list("ABC")] * 4, list("ABC")) == pytest.approx(1.0)
    assert kendall_w([list("ABC")], list("ABC")) is None
    assert kendall_w([list("ABC"), list("CBA")], list("ABC")) == pytest.approx(0.0)


def test_results_document_carries_w_per_round_and_per_group_only_from_k() -> None:
    rng = random.Random(7)
    items = list("ABCDE")
    gov = [rng.sample(items, 5) for _ in range(6)]
    emp = [rng.sample(items, rng.randint(1, 5)) for _ in range(5)]
    wrk = [rng.sample(items, 5) for _ in range(2)]  # below k = 5
    ballots = [("gov", b) for b in gov] + [("emp", b) for b in emp] + [("wrk", b) for b in wrk]
    data = RankingData("r", [GroupSpec("gov", 1), GroupSpec("emp", 1), GroupSpec("wrk", 1)], items, 5, ballots)
    for weighting in ("per_head", "equal_groups"):
        doc = ranking_results(data, weighting)
        assert doc["kendall_w"] == pytest.approx(w_from_friedman(gov + emp + wrk, items), abs=1e-12)
        assert doc["by_group"]["wrk"] is None
    doc = ranking_results(data, "per_head")
    assert doc["by_group"]["gov"]["kendall_w"] == pytest.approx(w_from_friedman(gov, items), abs=1e-12)
    assert doc["by_group"]["emp"]["kendall_w"] == pytest.approx(w_from_friedman(emp, items), abs=1e-12)


def test_room_w_hidden_below_k_ballots_for_the_room() -> None:
    data = RankingData("r", [GroupSpec("gov", 1)], list("ABC"), 5, [("gov", list("ABC"))] * 3)
    assert ranking_results(data, "equal_groups")["kendall_w"] is None
    assert ranking_results(data, "per_head")["kendall_w"] == pytest.approx(1.0)


def test_ranking_convergence_is_the_numpy_iqr_of_positions() -> None:
    rng = random.Random(3)
    items = list("ABCD")
    ballots = [rng.sample(items, rng.randint(1, 4)) for _ in range(12)]
    hists = position_histograms(ballots, items)
    report = ranking_convergence(hists, 1.0, 5)
    for i, item in enumerate(items):
        column = np.array([positions(b, items)[i] for b in ballots])
        expected = np.percentile(column, 75) - np.percentile(column, 25)
        assert report[item]["iqr"] == pytest.approx(expected, abs=1e-12)
        assert report[item]["converged"] == (expected <= 1.0)
    assert ranking_convergence(position_histograms(ballots[:4], items), 10, 5)["A"] == {"iqr": None,
                                                                                         "converged": False}


def test_rated_convergence_needs_every_axis_and_k_values() -> None:
    agreed = {4: 9, 5: 1}
    split = {1: 5, 5: 5}
    values = {"a": {"x": agreed, "y": agreed}, "b": {"x": agreed, "y": split}, "c": {"x": {4: 3}, "y": agreed}}
    report = rated_convergence(values, {"x": (1, 5), "y": (1, 5)}, 0.7, 5)
    assert report["a"] == {"consensus": pytest.approx(tastle_wierman(agreed, 1, 5)), "converged": True}
    assert report["b"]["consensus"] == pytest.approx(tastle_wierman(split, 1, 5)) and not report["b"]["converged"]
    assert report["c"] == {"consensus": None, "converged": False}  # fewer than k values on x: kept
