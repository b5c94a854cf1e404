"""The one place that knows Gradescope's results.json format, and writes it safely."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .results import GradingResult, TestResult, clean_text

MAX_OUTPUT = 20_000   # characters per test; Gradescope's harness cuts at 100 000
CONTACT = ("The autograder itself failed while grading this submission. This is not your fault: "
           "please contact your instructor and mention this message.")


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 60] + f"\n\n[... {len(text) - limit + 60} characters cut ...]"


def _cleaned(data):
    """``data`` (dicts, lists, strings, numbers) with every string made safe by clean_text."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {key: _cleaned(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_cleaned(value) for value in data]
    return data


def result_entry(test: TestResult) -> dict:
    data = {
        "name": test.name,
        "score": round(test.score, 4),
        "max_score": round(test.max_score, 4),
        "status": "passed" if test.passed else "failed",
        "visibility": test.visibility,
        "output": _clip(test.output, MAX_OUTPUT),
        "output_format": "md",
    }
    if test.number is not None:
        data["number"] = str(test.number)
    if test.tags:
        data["tags"] = list(test.tags)
    return data


def to_results_json(result: GradingResult) -> dict:
    """results.json's content, every string safe to write (see clean_text)."""
    return _cleaned({
        "score": result.score,
        "execution_time": round(result.execution_time, 2),
        "output": _clip(result.output, 5_000),
        "output_format": "md",
        "test_output_format": "md",
        "stdout_visibility": "hidden",
        "visibility": "visible",
        "tests": [result_entry(t) for t in result.tests],
    })


def engine_error_result(assignment: str, detail: str = "") -> GradingResult:
    """What the student sees when the grader (not the submission) broke: score 0, a clear note."""
    output = CONTACT + (f"\n\n(internal: {detail})" if detail else "")
    return GradingResult(assignment, [TestResult("Autograder error", 0.0, 0.0, output=output,
                                                 outcome="error")],
                         output=CONTACT, engine_error=detail or "engine error")


def write_results(result: GradingResult, path: Path) -> None:
    """Write atomically (temporary file, then rename) so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(to_results_json(result), indent=2, ensure_ascii=False, allow_nan=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
