"""The facilitator pages' browser fixtures, shared with tests/facilitator (own templates live on those pages)."""

from tests.facilitator.conftest import browser, facilitator, owner  # noqa: F401
