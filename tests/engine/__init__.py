"""Tests of the aggregation engine (app/engine) against numpy/scipy and hand-worked fixtures."""
