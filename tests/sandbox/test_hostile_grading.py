"""Attacks on grading itself, graded to an exact outcome through both entry points (see
``hostile.py``): timing the grader's checks, answers that would take the grader's own
memory or time, and text that would forge the always-visible summary."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.helpers import REFERENCE_GD
from tests.sandbox.hostile import CODE, Case, Run, grade_both

FLAGGED = "could not be decided automatically; flagged for your instructor"

# gd_distances answers right only if it is called soon after the file ran.  When checks ran
# between probes, a hidden check that takes long (this q2b) delayed the visible 2c.1 calls,
# so the visible result told whether a hidden answer was slow to check (right or wrong ones
# are checked in different times): now every call happens before any check.
TIMING = """
import time as _time
_loaded = _time.monotonic()
_right = gd_distances
def gd_distances(eta, epochs):
    if _time.monotonic() - _loaded > 3:
        return [0.0] * epochs
    return _right(eta, epochs)
q2b = "cosh(cosh(cosh(cosh(385/100))))"
"""

FORGED = "# Full marks [15 of 15](http://evil.example) ![](http://evil.example/x.png) <b>bold</b>"


def _summary_is_plain(text: str):
    def check(run: Run) -> None:
        """The visible summary renders without a heading, link, image or HTML of the
        student's, and shows the student's ``text`` as it is."""
        html = MarkdownIt().render(json.loads(run.results)["output"])
        assert "<h1" not in html and "<a " not in html and "<img" not in html
        assert "<b>" not in html and text in html
    return check


CASES = [
    Case("timing_the_checks", TIMING, {"2b": 2},
         {"2b": f"the answer's values are too large to evaluate: {FLAGGED}"}),
    Case("expression_memory_bomb", 'q1d = "0 < eta < cosh(cosh(cosh(cosh(a + 4))))"',
         {"1d": 2}, {"1d": "too large to evaluate"}),
    Case("forged_heading_in_an_error", f'raise ValueError("{FORGED}")',
         summary="raised `ValueError: # Full marks",
         after=_summary_is_plain("# Full marks [15 of 15](http://evil.example)")),
    Case("forged_heading_in_a_file_name", files={FORGED.replace("/", "_") + ".py": REFERENCE_GD},
         summary="as answers.py",
         after=_summary_is_plain("# Full marks [15 of 15](http:__evil.example)")),
    Case("hidden_score_not_in_the_summary", 'q1a = ("a", "b")\nq2b = "7"', {"1a": 2, "2b": 2},
         summary="Shown now: 1 / 1 points."),
    Case("visible_failure_counts_in_the_summary",
         "def gd_distances(eta, epochs):\n    return [0.0] * epochs", CODE,
         summary="Shown now: 0 / 1 points."),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_grading(case, tmp_path, hostile_graders, results_schema):
    grade_both(case, tmp_path, hostile_graders, results_schema)


def test_the_hostile_suite_covers_every_attack_class():
    """At least 60 distinct cases over the hostile files, each graded through both entry points."""
    cases = []
    for path in sorted(Path(__file__).parent.glob("test_hostile*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        cases += [case.id for case in getattr(module, "CASES", ())]   # warm: the same again
    assert len(cases) >= 60 and len(set(cases)) == len(cases)
