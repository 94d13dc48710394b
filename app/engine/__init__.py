"""Aggregation engine: pure-Python statistics and results documents for workshop activities.

No Flask, SQLAlchemy, numpy or scipy here: the server calls it with counts and histograms
already aggregated by the database, and tests check it against numpy/scipy.
"""

from .axis import AxisSummary, axis_summary, divergence
from .common import EQUAL_GROUPS, PER_HEAD, WEIGHTINGS, GroupSpec, Scale
from .matrix import MatrixData, matrix_results, quadrant
from .scale import ScaleData, scale_results

__all__ = [
    "EQUAL_GROUPS",
    "PER_HEAD",
    "WEIGHTINGS",
    "AxisSummary",
    "GroupSpec",
    "MatrixData",
    "Scale",
    "ScaleData",
    "axis_summary",
    "divergence",
    "matrix_results",
    "quadrant",
    "scale_results",
]
