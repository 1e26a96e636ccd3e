"""Suite-wide test configuration."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, settings

# Property tests check properties, not speed: on a loaded 2-core machine running the suite in
# parallel, Hypothesis's timing health check and per-example deadline fail tests for nothing.
settings.register_profile("waymark", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("waymark")

SLOW_PARTS = ("tests/browser/", "tests/integration/")


def pytest_collection_modifyitems(config, items):
    """Run the real-browser tests last: they are the slowest, and Playwright's sync API holds an
    event loop open that in-process asyncio tests must never share."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


class SlowTestAnnouncer:
    """Names each slow test (browser, integration) as it starts, and how long it took, so a
    person watching `bash tests/run` sees what is running during the long stretches. With
    pytest-xdist these hooks run in the controlling process, fed by the workers."""

    def __init__(self, reporter):
        self.reporter = reporter
        self.started: dict[str, float] = {}

    def pytest_runtest_logstart(self, nodeid, location):
        if nodeid.startswith(SLOW_PARTS):
            self.started[nodeid] = time.monotonic()
            self.reporter.write_line(f"  started: {nodeid}")

    def pytest_runtest_logreport(self, report):
        if report.when == "teardown" and report.nodeid in self.started:
            took = time.monotonic() - self.started.pop(report.nodeid)
            self.reporter.write_line(f"  done in {took:4.1f} s: {report.nodeid}")


def pytest_configure(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    worker = hasattr(config, "workerinput")  # inside an xdist worker: the controller reports
    if reporter is not None and not worker and config.option.verbose <= 0:
        config.pluginmanager.register(SlowTestAnnouncer(reporter), "waymark-slow-test-announcer")
