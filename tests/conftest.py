"""The suite's fixtures and hooks (helpers are in ``tests/helpers.py``)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import ROOT, SCHEMAS

if (ROOT.parent / "shared" / "mnist").is_dir():  # tests and CI read MNIST from shared/
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))


@pytest.fixture(scope="session")
def results_schema() -> list[dict]:
    """Every results.json schema at hand: the repository's own always, the shared one too."""
    return [json.loads(path.read_text()) for path in SCHEMAS if path.is_file()]


@pytest.fixture(scope="session")
def hostile_graders(tmp_path_factory) -> Path:
    """The hostile suite's graders: a copy of `gd`'s with short limits."""
    from tests.hostile import fast_graders
    return fast_graders(tmp_path_factory.mktemp("graders"))


def pytest_terminal_summary(terminalreporter):
    """Say loudly what was skipped and why: a skipped safety test is not a passed one."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reasons[reason.removeprefix("Skipped: ")] = reasons.get(reason.removeprefix("Skipped: "), 0) + 1
    terminalreporter.section(f"{len(skipped)} TESTS SKIPPED", sep="!", red=True, bold=True)
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.line(f"{count:4d} × {reason}", yellow=True)
