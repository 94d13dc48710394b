"""Aggregation engine: pure-Python statistics and results documents for workshop activities.

No Flask, SQLAlchemy, numpy or scipy here: the server calls it with counts and histograms
already aggregated by the database, and tests check it against numpy/scipy.
"""

from .axis import AxisSummary, axis_summary, divergence
from .common import EQUAL_GROUPS, PER_HEAD, WEIGHTINGS, GroupSpec, Scale
from .criteria import CriteriaData, Criterion, criteria_results
from .flags import BORDERLINE, DIVERGENT, POLARISED, WEIGHTING_SENSITIVE
from .matrix import MatrixData, matrix_results, quadrant
from .points import PointsData, points_results
from .ranking import RankingData, ranking_results
from .scale import ScaleData, scale_results

__all__ = [
    "BORDERLINE",
    "DIVERGENT",
    "EQUAL_GROUPS",
    "PER_HEAD",
    "POLARISED",
    "WEIGHTINGS",
    "WEIGHTING_SENSITIVE",
    "AxisSummary",
    "CriteriaData",
    "Criterion",
    "GroupSpec",
    "MatrixData",
    "PointsData",
    "RankingData",
    "Scale",
    "ScaleData",
    "axis_summary",
    "criteria_results",
    "divergence",
    "matrix_results",
    "points_results",
    "quadrant",
    "ranking_results",
    "scale_results",
]
