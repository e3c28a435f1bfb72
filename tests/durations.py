"""Which tests are slow, from how long each took when last recorded.

``make test-fast`` (the inner loop) runs the tests not marked ``slow``. Marking
by hand goes stale as tests are added, so the marks come from a record of each
test's duration (setup, call and teardown), committed as ``tests/durations.json``
and refreshed with ``make durations``. A test recorded at SLOW_SECONDS or more is
marked slow; a test the record does not know yet (a new one) counts as fast
until the next refresh, so the loop you are working in always runs it.
``@pytest.mark.slow`` on a test still marks it whatever its record says.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

RECORD = Path(__file__).with_name("durations.json")

#: Recorded seconds from which a test is left out of the inner loop. Chosen so that
#: `make test-fast` runs most of the tests in under a minute on two cores.
SLOW_SECONDS = 0.4


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        action="store_true",
        help=f"write each test's duration to {RECORD.name} (make durations)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--record-durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Recorder(), "actreg-durations")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--record-durations") or not RECORD.is_file():
        return
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    for item in items:
        if recorded.get(item.nodeid, 0.0) >= SLOW_SECONDS:
            item.add_marker(pytest.mark.slow)


class _Recorder:
    """On the controlling process (workers send it their reports): sums each test's phases."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.failed = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] += report.duration
        self.failed |= report.failed

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.failed or session.testsfailed:
            return  # a failing run's times say nothing about the passing suite's
        # A run of some tests updates theirs and keeps the rest; a test whose file is
        # gone is dropped.
        kept = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.is_file() else {}
        kept.update({k: round(v, 3) for k, v in self.seconds.items()})
        root = Path(session.config.rootpath)
        ordered = {k: v for k, v in sorted(kept.items()) if (root / k.split("::")[0]).is_file()}
        RECORD.write_text(json.dumps(ordered, indent=0) + "\n", encoding="utf-8")
