"""Helpers shared by test modules (conftest files hold fixtures only)."""
