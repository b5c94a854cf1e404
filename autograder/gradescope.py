"""The one place that knows Gradescope's results.json format, and writes it safely."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .files import write_atomically
from .outcomes import Expired, Kind
from .results import GradingResult, TestResult, clean_data

MAX_OUTPUT = 20_000   # characters per test; Gradescope's harness cuts at 100 000
MAX_RESULTS_BYTES = 4 * 1024 * 1024   # results.json at most: the disk space reserved for it
RESERVE = ".results-reserve"
CONTACT = ("The autograder itself failed while grading this submission. This is not your fault: "
           "please contact your instructor and mention this message.")


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 60, 0)] + f"\n\n[... {len(text) - limit + 60} characters cut ...]"


def result_entry(test: TestResult, limit: int = MAX_OUTPUT) -> dict:
    """One test.  Its output is plain text (``text``), so nothing a student wrote in it can
    render as Markdown; Gradescope's ``status`` knows only passed (full marks) and failed, so an
    undecided test also carries the tag ``undecided``."""
    data = {
        "name": test.name,
        "score": round(test.score, 4),
        "max_score": round(test.max_score, 4),
        "status": "passed" if test.passed else "failed",
        "visibility": test.visibility,
        "output": _clip(test.output, limit),
        "output_format": "text",
    }
    if test.number is not None:
        data["number"] = str(test.number)
    tags = list(test.tags) + (["undecided"] if test.kind is Kind.UNDECIDED else [])
    if tags:
        data["tags"] = tags
    return data


def instructor_entry(result: GradingResult, limit: int = MAX_OUTPUT) -> dict | None:
    """A hidden test (never shown to students, worth nothing) with what only the instructor
    should read: the questions flagged as undecided and why, and engine errors."""
    lines = [f"Could not be decided automatically (flagged): {t.number or t.name}: {t.output}"
             + (f"\n  detail: {t.detail}" if t.detail else "") for t in result.undecided]
    lines += result.notes
    if not lines:
        return None
    return {"name": "For the instructor", "score": 0, "max_score": 0, "status": "passed",
            "visibility": "hidden", "output": _clip("\n\n".join(lines), limit),
            "output_format": "text", "tags": ["instructor"]}


def to_results_json(result: GradingResult, limit: int = MAX_OUTPUT) -> dict:
    """Gradescope's results.json, each test's output cut to ``limit`` characters, every string
    safe to write (see clean_text).  The top-level ``output`` is always shown, so it counts only
    tests visible now (see :func:`autograder.grading.summary`); the total ``score`` is hidden
    from students while any test is not yet visible (Gradescope's documented behaviour), and no
    execution time is reported (it would time the hidden checks)."""
    notes = instructor_entry(result, limit)
    data = {
        "score": result.score,
        "output": _clip(result.output, 5_000),
        "output_format": "md",
        "test_output_format": "text",
        "stdout_visibility": "hidden",
        "visibility": "after_due_date",
        "tests": [result_entry(t, limit) for t in result.tests] + ([notes] if notes else []),
    }
    if result.undecided:
        data["extra_data"] = {"undecided": [t.number or t.name for t in result.undecided]}
    return clean_data(data)


def engine_error_result(assignment: str, detail: str = "") -> GradingResult:
    """What the student sees when the grader (not the submission) broke: score 0, a clear note;
    the cause goes to the instructor only."""
    return GradingResult(assignment, [TestResult("Autograder error", 0.0, 0.0, output=CONTACT,
                                                 kind=Kind.ERROR)],
                         output=CONTACT, engine_error=detail or "engine error",
                         notes=[f"engine error: {detail}"] if detail else [])


def encode_results(result: GradingResult) -> bytes:
    """results.json as UTF-8, at most MAX_RESULTS_BYTES: the tests' outputs are cut shorter until
    it fits (what is left, names and scores from the graders, is small)."""
    limit = MAX_OUTPUT
    while True:
        data = json.dumps(to_results_json(result, limit), indent=2, ensure_ascii=False,
                          allow_nan=False).encode()
        if len(data) <= MAX_RESULTS_BYTES or limit == 0:
            return data
        limit //= 4


def reserve_space(path: Path) -> bool:
    """Set disk space aside for results.json at ``path`` before student code runs (its files
    could fill the disk): a file of MAX_RESULTS_BYTES beside it, which write_results frees.
    Returns whether the space is reserved."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path.parent / RESERVE, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(fd, 0, MAX_RESULTS_BYTES)
        finally:
            os.close(fd)
    except OSError:
        return False
    return True


def write_results(result: GradingResult, path: Path) -> None:
    """Write atomically (temporary file, then rename) so a reader never sees half a file, into
    the space reserve_space set aside.  A time limit's signal that cuts the writing short (see
    :mod:`autograder.budget`) does not cost the results: they are written again."""
    try:
        _write_results(result, path)
    except Expired:
        _write_results(result, path)


def _write_results(result: GradingResult, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = encode_results(result)
    (path.parent / RESERVE).unlink(missing_ok=True)
    write_atomically(path, data)
