"""Suite-wide test configuration."""

from __future__ import annotations


def pytest_collection_modifyitems(config, items):
    """Run the real-browser tests last: they are the slowest, and Playwright's sync API holds an
    event loop open that in-process asyncio tests must never share."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
