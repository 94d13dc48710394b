"""Results document of a `criteria` activity: multi-criteria scoring of sectors
(docs/methods.md, "Multi-criteria scoring").

Ratings are aggregated per criterion first (the matrix rules: requested weighting, fallback,
k-suppression), then each criterion mean is normalised on the fixed scale (never on the observed
range, so adding a sector cannot reorder the others), turned round for direction -1, and
averaged with the criterion weights into an axis score in [0, 1]. Decisions (quadrants, orders,
sensitivity pairs) use exact fractions; the Monte Carlo acceptability uses plain floats.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import mul

from . import flags as fl
from .axis import AxisSummary, _summarise
from .common import (
    GroupSpec,
    Scale,
    check_groups,
    check_items,
    check_min_group_size,
    check_respondents,
    check_weighting,
    results_header,
)
from .stats import Histogram

__all__ = [
    "DRAWS",
    "SEED",
    "CriteriaData",
    "Criterion",
    "criteria_results",
    "critical_weights",
    "rank_acceptability",
    "rank_order_centroid",
]

AXES = ("x", "y")
HALF = Fraction(1, 2)
DRAWS = 1000
SEED = 0
LEADERS = 3  # critical weights are reported for the pairs among the top three by composite score
QUADRANTS = ("top_right", "top_left", "bottom_right", "bottom_left")


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion: which axis it feeds, whether higher is better (1) or worse (-1), its weight (>= 0)."""

    key: str
    label: str
    axis: str
    direction: int = 1
    weight: float = 1.0


@dataclass(frozen=True)
class CriteriaData:
    """Inputs of a criteria activity, reduced to counts and histograms like :class:`MatrixData`."""

    activity: str
    groups: Sequence[GroupSpec]  # workshop order
    items: Sequence[str]  # activity order
    criteria: Sequence[Criterion]  # activity order
    scale: Scale
    min_group_size: int  # k
    respondents: Mapping[str, int]  # group -> participants with >= 1 saved score; missing = 0
    item_n: Mapping[tuple[str, str], int]  # (item, group) -> participants with >= 1 non-null score; missing = 0
    values: Mapping[tuple[str, str, str], Histogram]  # (item, group, criterion) -> histogram; missing = empty
    dont_know: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (item, criterion) -> null answers


def _check(data: CriteriaData, group_keys: Sequence[str]) -> None:
    keys = [c.key for c in data.criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("criterion keys must be unique")
    for c in data.criteria:
        if c.axis not in AXES:
            raise ValueError(f"criterion {c.key!r} has axis {c.axis!r}; expected 'x' or 'y'")
        if c.direction not in (1, -1):
            raise ValueError(f"criterion {c.key!r} has direction {c.direction!r}; expected 1 or -1")
        if isinstance(c.weight, bool) or not isinstance(c.weight, (int, float)) or not c.weight >= 0:
            raise ValueError(f"criterion {c.key!r} needs a weight >= 0, got {c.weight!r}")
    if data.scale.max <= data.scale.min:
        raise ValueError("a criteria scale needs min < max")
    items, groups, criteria = set(data.items), set(group_keys), set(keys)
    for item, group, criterion in data.values:
        if item not in items or group not in groups or criterion not in criteria:
            raise ValueError(f"values given for unknown (item, group, criterion) {(item, group, criterion)!r}")
    for (item, group), n in data.item_n.items():
        if item not in items or group not in groups or n < 0:
            raise ValueError(f"bad item_n entry {(item, group)!r}: {n!r}")
    for item, criterion in data.dont_know:
        if item not in items or criterion not in criteria:
            raise ValueError(f"dont_know given for unknown (item, criterion) {(item, criterion)!r}")


def rank_order_centroid(n: int) -> list[Fraction]:
    """ROC weights for n criteria ranked 1..n: w_i = (1/n) sum_{k=i..n} 1/k (docs/methods.md, rank-order centroid).

    A way to turn "rank the criteria" into weights when a group cannot agree on numbers.
    """
    if n < 1:
        raise ValueError("need at least one criterion")
    return [sum((Fraction(1, k) for k in range(i, n + 1)), Fraction(0)) / n for i in range(1, n + 1)]


def normalised(mean: Fraction, criterion: Criterion, scale: Scale) -> Fraction:
    """Fixed-scale linear normalisation to [0, 1]; direction -1 turns it round."""
    width = scale.max - scale.min
    return (mean - scale.min) / width if criterion.direction == 1 else (scale.max - mean) / width


def axis_scores(means: Mapping[str, Fraction | None], criteria: Sequence[Criterion],
                scale: Scale) -> dict[str, Fraction | None]:
    """Weighted average of the normalised criterion means per axis, over criteria that have a mean."""
    # Exact, but in unnormalised integer ratios with one Fraction at the end: this runs for every item,
    # group and weighting, and Fraction arithmetic (a gcd per operation) was most of its cost.
    lo, hi, width = scale.min, scale.max, scale.max - scale.min
    out: dict[str, Fraction | None] = {}
    for axis in AXES:
        num_n, num_d = 0, 1  # sum of w * normalised mean
        den_n, den_d = 0, 1  # sum of w
        for c in criteria:
            mean = means.get(c.key)
            if c.axis != axis or mean is None:
                continue
            p, q = c.weight.as_integer_ratio()
            a, b = mean.as_integer_ratio()
            top = a - lo * b if c.direction == 1 else hi * b - a  # normalised = top / (b width)
            term_n, term_d = p * top, q * b * width
            num_n, num_d = num_n * term_d + term_n * num_d, num_d * term_d
            den_n, den_d = den_n * q + p * den_d, den_d * q
        out[axis] = Fraction(num_n * den_d, num_d * den_n) if den_n else None
    return out


def score_quadrant(x: Fraction | None, y: Fraction | None) -> str | None:
    """An axis is high at a score of 0.5 or more."""
    if x is None or y is None:
        return None
    return f"{'top' if y >= HALF else 'bottom'}_{'right' if x >= HALF else 'left'}"


def _present_axes(criteria: Sequence[Criterion]) -> list[str]:
    return [axis for axis in AXES if any(c.axis == axis for c in criteria)]


def _composite(scores: Mapping[str, Fraction | None], axes: Sequence[str]) -> Fraction | None:
    """0.5 x + 0.5 y (the mean of the axes the activity has); None unless every such axis has a score."""
    values = [scores[a] for a in axes]
    if not values or any(v is None for v in values):
        return None
    return sum(values, Fraction(0)) / len(values)


def critical_weights(means: Mapping[str, Mapping[str, Fraction | None]], items: Sequence[str],
                     criteria: Sequence[Criterion], scale: Scale) -> list[dict]:
    """Critical weight changes for the leading pairs (docs/methods.md, "Critical weight change"), smallest first.

    Weights are read as shares within the criterion's axis (they sum to 1 there). Moving one
    criterion's share w_j by delta, the others on that axis rescaled proportionally, changes the
    composite gap of a pair a > b by delta * s / (number of axes), s = (v_aj - v_bj) - (R_a - R_b)
    / (1 - w_j), R = sum of the other criteria's w_k v_k. The pair swaps at w_j + delta* with
    delta* = -gap * axes / s; reported only when that share lies in [0, 1]. A pair is skipped on
    an axis where either item lacks a criterion mean (their scores would use different weights).
    """
    axes = _present_axes(criteria)
    scores = {item: axis_scores(means[item], criteria, scale) for item in items}
    composite = {item: _composite(scores[item], axes) for item in items}
    ranked = [item for item in items if composite[item] is not None]
    ranked.sort(key=lambda item: -composite[item])  # stable: ties in item order
    leaders = ranked[:LEADERS]
    out: list[tuple[Fraction, int, dict]] = []
    for i, a in enumerate(leaders):
        for b in leaders[i + 1:]:
            gap = composite[a] - composite[b]
            if gap == 0:
                continue
            for axis in axes:
                on_axis = [c for c in criteria if c.axis == axis]
                total = sum((Fraction(c.weight) for c in on_axis), Fraction(0))
                if total == 0 or any(means[x].get(c.key) is None for x in (a, b) for c in on_axis):
                    continue
                v = {x: {c.key: normalised(means[x][c.key], c, scale) for c in on_axis} for x in (a, b)}
                for c in on_axis:
                    w = Fraction(c.weight) / total
                    if w == 1:
                        continue  # the only weighted criterion of its axis: nothing to trade it against
                    rest = {x: sum((Fraction(o.weight) / total * v[x][o.key] for o in on_axis if o is not c),
                                   Fraction(0)) for x in (a, b)}
                    s = (v[a][c.key] - v[b][c.key]) - (rest[a] - rest[b]) / (1 - w)
                    if s == 0:
                        continue
                    to = w - gap * len(axes) / s
                    if 0 <= to <= 1:
                        out.append((abs(to - w), len(out), {"a": a, "b": b, "criterion": c.key,
                                                             "from": float(w), "to": float(to)}))
    out.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in out]


def _weighted_sums(wn: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
    """[sum(map(mul, wn, vals)) for vals in rows], the same floats, without a sum() call per item.

    sum() of floats adds left to right from 0 on CPython 3.11 (and 0 + x == x), so w0 a + w1 b + w2 c,
    which Python also evaluates left to right, rounds identically (from 3.12, sum() compensates, and
    the explicit left-to-right order is what keeps the figures stable). Common criterion counts are
    spelled out; the generic case adds left to right too.
    """
    d = len(wn)
    if d == 1:
        w0, = wn
        return [w0 * a for a, in rows]
    if d == 2:
        w0, w1 = wn
        return [w0 * a + w1 * b for a, b in rows]
    if d == 3:
        w0, w1, w2 = wn
        return [w0 * a + w1 * b + w2 * c for a, b, c in rows]
    if d == 4:
        w0, w1, w2, w3 = wn
        return [w0 * a + w1 * b + w2 * c + w3 * e for a, b, c, e in rows]
    out = []
    for vals in rows:
        acc = 0.0
        for w, v in zip(wn, vals, strict=True):
            acc += w * v
        out.append(acc)
    return out


def _exponential_draws(rng: random.Random) -> Callable[[int], list[float]]:
    """``lambda d: [rng.expovariate(1.0) for _ in range(d)]``, without a method call per number.

    ``expovariate(1.0)`` is ``-log(1 - random()) / 1.0``; the inlined form is used only when it
    reproduces the library's stream on a probe generator, so the seeded figures cannot change.
    """
    probe, twin = random.Random(12345), random.Random(12345)
    if all(probe.expovariate(1.0) == -math.log(1.0 - twin.random()) for _ in range(8)):
        rnd, log = rng.random, math.log
        return lambda d: [-log(1.0 - rnd()) for _ in range(d)]
    return lambda d: [rng.expovariate(1.0) for _ in range(d)]


def _acceptability_by_columns(draw: Callable[[int], list[float]], draws: int,
                              spec: Sequence[tuple[int, Sequence[Sequence[float]]]]
                              ) -> tuple[Counter[tuple[int, ...]], Counter[tuple[int, ...]]]:
    """The draws of :func:`rank_acceptability` when every item has every weighted criterion, by columns.

    Same random numbers in the same order (drawn in one go, then sliced per axis and criterion), and
    the same float operations per draw and item (total = e0 + e1 + ..., w = e / total, score =
    w0 v0 + w1 v1 + ..., composite = x + y), but each list comprehension runs over all draws of one
    item instead of over the items of one draw, which removes most of the per-draw interpreter cost.
    Returns the tallies of the top three (by draw) and of the items' quadrant codes.
    """
    width = sum(size for size, _ in spec)
    flat = draw(draws * width)
    cols: list[list[float]] = []  # per axis, then per item: its score in every draw
    axis_cols = []
    offset = 0
    for size, rows in spec:
        e = [flat[offset + k::width] for k in range(size)]
        offset += size
        total = e[0]
        for ek in e[1:]:
            total = [t + v for t, v in zip(total, ek, strict=True)]
        w = [[v / t for v, t in zip(ek, total, strict=True)] for ek in e]
        per_item = []
        for vals in rows:
            score = [wk * vals[0] for wk in w[0]]
            for wk, v in zip(w[1:], vals[1:], strict=True):
                score = [acc + x * v for acc, x in zip(score, wk, strict=True)]
            per_item.append(score)
        axis_cols.append(per_item)
    if len(axis_cols) == 2:
        cols = [[x + y for x, y in zip(xs, ys, strict=True)] for xs, ys in zip(*axis_cols, strict=True)]
        codes = [[2 * (y < 0.5) + (x < 0.5) for x, y in zip(xs, ys, strict=True)]
                 for xs, ys in zip(*axis_cols, strict=True)]
        patterns = Counter(zip(*codes, strict=True))
    else:
        cols = axis_cols[0]
        patterns = Counter()
    n = len(cols)
    positions = range(n)
    leaders = Counter(tuple(sorted(positions, key=row.__getitem__, reverse=True)[:3])  # stable: ties in item order
                      for row in zip(*cols, strict=True))
    return leaders, patterns


def rank_acceptability(means: Mapping[str, Mapping[str, Fraction | None]], items: Sequence[str],
                       criteria: Sequence[Criterion], scale: Scale, draws: int = DRAWS,
                       seed: int = SEED) -> dict:
    """SMAA-style rank acceptability: weights drawn uniformly on each axis's simplex (Dirichlet(1..1)).

    Per draw, axis scores and the composite are recomputed for every item; P(top-1), P(top-3)
    and P(each quadrant) are the shares of draws. ``random.Random(seed)`` makes the figures
    reproducible. Items without a composite score get nulls.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a whole number >= 1, got {draws!r}")
    axes = _present_axes(criteria)
    index = {c.key: i for i, c in enumerate(criteria)}
    # Criteria the facilitator switched off (weight 0) stay off: only positive weights are redrawn.
    per_axis = {axis: [index[c.key] for c in criteria if c.axis == axis and c.weight > 0] for axis in axes}
    # item -> axis -> (criterion indices with a mean, their normalised values as floats)
    table: dict[str, dict[str, tuple[list[int], list[float]]]] = {}
    for item in items:
        row = {}
        for axis in axes:
            idx = [i for i in per_axis[axis] if means[item].get(criteria[i].key) is not None]
            row[axis] = (idx, [float(normalised(means[item][criteria[i].key], criteria[i], scale)) for i in idx])
        if all(row[axis][0] for axis in axes):
            table[item] = row
    scored = [item for item in items if item in table]
    result: dict[str, dict] = {item: {"top1": None, "top3": None, "quadrants": None} for item in items}
    if scored and axes:
        rng = random.Random(seed)
        n = len(scored)
        top1 = [0] * n
        top3 = [0] * n
        quads = [[0, 0, 0, 0] for _ in range(n)]  # QUADRANTS order: index 2 * (y low) + (x low)
        # Items with a mean on every weighted criterion of an axis (the usual case) take the fast path:
        # one normalised weight vector per axis and draw, shared by all of them.
        full = {axis: [len(table[item][axis][0]) == len(per_axis[axis]) for item in scored] for axis in axes}
        position = {axis: {i: j for j, i in enumerate(per_axis[axis])} for axis in axes}
        rows = {axis: [(full[axis][j], *table[item][axis]) for j, item in enumerate(scored)] for axis in axes}
        all_full = {axis: all(full[axis]) for axis in axes}
        full_vals = {axis: [vals for _, _, vals in rows[axis]] for axis in axes}
        two = len(axes) == 2
        spec = [(len(per_axis[axis]), all_full[axis], full_vals[axis], rows[axis], position[axis]) for axis in axes]
        draw = _exponential_draws(rng)
        # Tallies of whole outcomes per draw (the top three; every item's quadrant), spread over the items once
        # at the end: one dictionary update per draw instead of one increment per item and draw.
        leaders: Counter[tuple[int, ...]] = Counter()
        patterns: Counter[tuple[int, ...]] = Counter()
        if all(all_full.values()):
            leaders, patterns = _acceptability_by_columns(draw, draws, [(size, vals) for size, _, vals, _, _ in spec])
        for _ in range(draws if not all(all_full.values()) else 0):
            cols = []
            for size, is_all_full, cs, axis_rows, pos in spec:
                e = draw(size)
                total = sum(e)
                wn = [v / total for v in e]
                if is_all_full:
                    col = _weighted_sums(wn, cs)
                else:
                    col = []
                    for is_full, idx, vals in axis_rows:
                        if is_full:
                            col.append(sum(map(mul, wn, vals)))
                        else:
                            ws = [e[pos[i]] for i in idx]
                            col.append(sum(map(mul, ws, vals)) / sum(ws))
                cols.append(col)
            # x + y orders the items exactly as (x + y) / 2 does (halving is exact in binary floating point)
            composite = [x + y for x, y in zip(cols[0], cols[1], strict=True)] if two else cols[0]
            order = sorted(range(n), key=composite.__getitem__, reverse=True)  # stable: ties in item order
            leaders[tuple(order[:3])] += 1
            if two:
                patterns[tuple([2 * (y < 0.5) + (x < 0.5) for x, y in zip(cols[0], cols[1], strict=True)])] += 1
        for top, times in leaders.items():
            top1[top[0]] += times
            for j in top:
                top3[j] += times
        for codes, times in patterns.items():
            for j, code in enumerate(codes):
                quads[j][code] += times
        for j, item in enumerate(scored):
            result[item] = {
                "top1": top1[j] / draws,
                "top3": top3[j] / draws,
                "quadrants": dict(zip(QUADRANTS, (c / draws for c in quads[j]), strict=True)) if len(axes) == 2
                else None,
            }
    return {"draws": draws, "seed": seed, "items": result}


def _item_means(data: CriteriaData, weighting: str) -> tuple[dict[str, dict[str, AxisSummary]],
                                                                  dict[str, dict[str, Fraction | None]]]:
    """Per item and criterion: the summary in the requested weighting and the mean in the other one."""
    k = data.min_group_size
    group_keys = [g.key for g in data.groups]
    summaries: dict[str, dict[str, AxisSummary]] = {}
    other_means: dict[str, dict[str, Fraction | None]] = {}
    for item in data.items:
        summaries[item] = {}
        other_means[item] = {}
        for c in data.criteria:
            hists = {key: data.values.get((item, key, c.key), {}) for key in group_keys}
            summaries[item][c.key], other_means[item][c.key] = _summarise(
                hists, data.groups, group_keys, data.scale, k, weighting, data.dont_know.get((item, c.key), 0))
    return summaries, other_means


def criteria_results(data: CriteriaData, weighting: str, *, draws: int = DRAWS, seed: int = SEED) -> dict:
    """Build the results document of a criteria activity, with flags and weight sensitivity."""
    check_weighting(weighting)
    k = data.min_group_size
    check_min_group_size(k)
    data.scale.check()
    group_keys = check_groups(data.groups)
    check_items(data.items)
    respondents = check_respondents(data.respondents, group_keys)
    _check(data, group_keys)

    summaries, other_means = _item_means(data, weighting)
    shown_means = {item: {key: s.mean for key, s in row.items()} for item, row in summaries.items()}

    # For weighting_sensitive: both weightings over criterion means with >= k values only.
    enough = {item: {key: s.m >= k for key, s in row.items()} for item, row in summaries.items()}
    flag_mine = {item: axis_scores({c: (m if enough[item][c] else None) for c, m in shown_means[item].items()},
                                   data.criteria, data.scale) for item in data.items}
    flag_theirs = {item: axis_scores({c: (m if enough[item][c] else None) for c, m in other_means[item].items()},
                                     data.criteria, data.scale) for item in data.items}
    rank_mine = fl.positions({item: s["y"] for item, s in flag_mine.items()}, data.items)
    rank_theirs = fl.positions({item: s["y"] for item, s in flag_theirs.items()}, data.items)

    items_out = []
    for item in data.items:
        row = summaries[item]
        scores = axis_scores(shown_means[item], data.criteria, data.scale)
        by_group: dict[str, dict | None] = {}
        shown_scores: dict[str, list[Fraction]] = {"x": [], "y": []}
        for key in group_keys:
            n = data.item_n.get((item, key), 0)
            if n > respondents[key]:
                raise ValueError(f"item_n {n} of ({item!r}, {key!r}) exceeds the group's respondents")
            if n < k:
                by_group[key] = None
                continue
            group_scores = axis_scores({c: s.group_means.get(key) for c, s in row.items()}, data.criteria, data.scale)
            entry: dict = {"n": n}
            for axis in AXES:
                value = group_scores[axis]
                entry[axis] = {"score": None if value is None else float(value)}
                if value is not None:
                    shown_scores[axis].append(value)
            by_group[key] = entry

        found: set[str] = set()
        if any(fl.divergent_gap(v, 1) for v in shown_scores.values()) or any(
                fl.axis_divergent(s) for s in row.values()):
            found.add(fl.DIVERGENT)
        if any(fl.axis_polarised(s) for s in row.values()):
            found.add(fl.POLARISED)
        q_mine = score_quadrant(flag_mine[item]["x"], flag_mine[item]["y"])
        q_theirs = score_quadrant(flag_theirs[item]["x"], flag_theirs[item]["y"])
        if fl.rank_moves(rank_mine, rank_theirs, item) or (q_mine and q_theirs and q_mine != q_theirs):
            found.add(fl.WEIGHTING_SENSITIVE)
        # borderline needs an interval for the score; none is computed, so the flag is omitted (shared design).

        items_out.append({
            "item": item,
            "by_criterion": {c.key: {"mean": None if row[c.key].mean is None else float(row[c.key].mean),
                                     "n": row[c.key].m, "dont_know": row[c.key].dont_know}
                             for c in data.criteria},
            "x": {"score": None if scores["x"] is None else float(scores["x"])},
            "y": {"score": None if scores["y"] is None else float(scores["y"])},
            "quadrant": score_quadrant(scores["x"], scores["y"]),
            "by_group": by_group,
            "flags": fl.order_flags(found),
        })

    doc = results_header(data.activity, weighting, respondents)
    doc["criteria"] = [{"key": c.key, "label": c.label, "axis": c.axis, "direction": c.direction,
                        "weight": c.weight} for c in data.criteria]
    doc["items"] = items_out
    doc["sensitivity"] = {
        "critical_weights": critical_weights(shown_means, data.items, data.criteria, data.scale),
        "acceptability": rank_acceptability(shown_means, data.items, data.criteria, data.scale, draws, seed),
    }
    return doc
