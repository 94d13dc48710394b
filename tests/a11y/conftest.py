"""One real server and one Chromium for the whole accessibility module; each test gets a fresh context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.a11y import Room
from tests.support.browser import LAUNCH_ARGS
from tests.support.server import start_server, stop_server


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    server = start_server(tmp_path_factory.mktemp("a11y"))
    try:
        yield Room(server)
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
