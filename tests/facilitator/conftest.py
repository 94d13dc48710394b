"""Fixtures for the facilitator pages: browser-like clients (tests/support/pages.py) signed in as facilitators."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.pages import Browser


@pytest.fixture
def browser(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def facilitator(browser: Browser) -> Browser:
    """A browser signed in as a freshly registered facilitator."""
    response = browser.register("ana@example.org", name="Ana")
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


@pytest.fixture
def owner(api: Any, browser: Browser) -> Browser:
    """A browser signed in as the facilitator behind the `api` fixture, so API and pages share workshops."""
    response = browser.login("facilitator@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


@pytest.fixture
def stranger(app: Any) -> Browser:
    """Another facilitator, in a browser of their own."""
    other = Browser(app.test_client())
    assert other.register("other@example.org").status_code == 302
    return other
