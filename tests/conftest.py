"""Shared helpers for the project's tests."""
from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from autograder.gradescope import to_results_json
from autograder.grading import grade

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = (Path(__file__).with_name("gradescope_results.schema.json"),   # the repository's own
           ROOT.parent / "shared" / "gradescope_results.schema.json")  # the team's, when beside it
REFERENCE_GD = (ROOT / "reference" / "gd" / "answers.py").read_text()
if (ROOT.parent / "shared" / "mnist").is_dir():  # tests and CI read MNIST from shared/
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))


@pytest.fixture(scope="session")
def results_schema() -> list[dict]:
    """Every results.json schema at hand: the repository's own always, the shared one too."""
    return [json.loads(path.read_text()) for path in SCHEMAS if path.is_file()]


@pytest.fixture(scope="session")
def hostile_graders(tmp_path_factory) -> Path:
    """The hostile suite's graders: a copy of `gd`'s with short limits."""
    from hostile import fast_graders
    return fast_graders(tmp_path_factory.mktemp("graders"))


def validate(data: dict, schemas: list[dict]) -> None:
    for schema in schemas:
        jsonschema.Draft202012Validator(schema).validate(data)


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


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def gd_with(tmp_path: Path, **answers: str) -> Path:
    """A `gd` submission: the reference with some answers replaced by Python source text."""
    source = REFERENCE_GD
    for name, value in answers.items():
        source += f"\n{name} = {value}\n"
    folder = tmp_path / "submission"
    write(folder, "answers.py", source)
    return folder


def one_per_question(mutants) -> list[dict]:
    """Group (question, change, message) mutants into submissions holding at most one mutant
    per question, so that each is judged alone: [{question: (change, message)}, ...]."""
    rounds: list[dict] = []
    for question, change, message in mutants:
        batch = next((b for b in rounds if question not in b), None)
        if batch is None:
            rounds.append(batch := {})
        batch[question] = (change, message)
    return rounds


def by_number(result) -> dict:
    return {t.number: t for t in result.tests}


def grade_gd(folder: Path, **kw):
    return grade("gd", folder, **kw)


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    import subprocess
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd or ROOT, timeout=300)


__all__ = ["validate", "write", "gd_with", "by_number", "grade_gd", "run_cli", "ROOT",
           "to_results_json"]
