"""The suite's fixtures and hooks (helpers are in ``tests/helpers.py``)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import ROOT, SCHEMAS

UNIT = {"checkers"}   # folders of unit tests (the checkers and parsers, in process); others e2e

if (ROOT.parent / "shared" / "mnist").is_dir():  # tests and CI read MNIST from shared/
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))


@pytest.fixture(scope="session", autouse=True)
def warm_sandbox():
    """In-process gradings fork their sandboxed children from a warm zygote, as a regrade's
    workers do; the CLI runs (hostile cases, Gradescope's entry point) start fresh ones, as
    ``grade`` does.  ``AUTOGRADER_SANDBOX=fresh`` turns it off."""
    from autograder.sandbox import warm
    warm.start()
    yield
    warm.stop()


@pytest.fixture(scope="session")
def results_schema() -> list[dict]:
    """Every results.json schema at hand: the repository's own always, the shared one too."""
    return [json.loads(path.read_text()) for path in SCHEMAS if path.is_file()]


@pytest.fixture(scope="session")
def hostile_graders(tmp_path_factory) -> Path:
    """The hostile suite's graders: a copy of `gd`'s with short limits."""
    from tests.sandbox.hostile import fast_graders
    return fast_graders(tmp_path_factory.mktemp("graders"))


@pytest.hookimpl(tryfirst=True)   # before -m deselects and xdist groups
def pytest_collection_modifyitems(items):
    """Mark each test `unit` or `e2e` by its folder; keep the tests that ask for a
    module-scoped fixture (a packaged zip, a regraded class) in one xdist worker, which then
    builds it once (`--dist loadgroup`)."""
    here = Path(__file__).parent
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        folder = item.path.relative_to(here).parts[0]
        item.add_marker(pytest.mark.unit if folder in UNIT else pytest.mark.e2e)
        defs = item._fixtureinfo.name2fixturedefs
        if any(defs[name][-1].scope == "module" for name in item._fixtureinfo.argnames
               if name in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


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
