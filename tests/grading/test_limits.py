"""A time-out is never a verdict: every limit in the checkers, in judging and in running student
code is forced to be reached (a tiny budget), and correct work is still right or undecided,
never wrong; wrong work is never right."""
from __future__ import annotations

import dataclasses

import time

import pytest
import sympy

from autograder.assignment import load_assignment
from autograder.checkers import equivalence
from autograder.checkers.expressions import ExpressionQuestion
from autograder.checkers.intervals import IntervalQuestion
from autograder.checkers.parse import Namespace
from autograder.grading import grade
from autograder.outcomes import Undecided
from tests.helpers import REFERENCE_GD, ROOT, write

TINY = 1e-6
CALCULUS = (ROOT / "reference" / "calculus" / "answers.py").read_text()
# correct work written other ways (gd 1d is the form that failed under load before)
GD_FORMS = REFERENCE_GD + """
q1a = ("w1*a", "b w2")
q1c = ("-(a*eta - 1)", "1 - ηb")
q1d = "0 < eta < 2*min(1/a, 1/b)"
q1e = ("2/(a + b)", "(a - b)/(a + b)")
"""
CALCULUS_FORMS = CALCULUS + """
q1a = ("cos(x1)", "2*2*x2")
q5b = "2 A v vᵀ"
q6g = "(h > 0) * (W.T @ d_yp)"
"""
WRONG_GD = REFERENCE_GD + """
q1a = ("2*a*w1", "2*b*w2")
q1d = "0 < eta < 2/min(a, b)"
q2b = "3"
def gd_distances(eta, epochs):
    return [1.0] * epochs
"""


def _with_limits(name: str, **limits):
    """The assignment with some of its limits replaced."""
    assignment = load_assignment(name)
    student, grader = assignment.student_limits, assignment.grader_limits
    graders = {k: limits.pop(k) for k in list(limits) if hasattr(grader, k)}
    return dataclasses.replace(assignment, grader_limits=dataclasses.replace(grader, **graders),
                               student_limits=dataclasses.replace(student, **limits))


LIMITS = {
    "simplify": {"module": ("SIMPLIFY_SECONDS",)},
    "numeric": {"module": ("NUMERIC_SECONDS",)},
    "hints": {"module": ("HINT_SECONDS",)},
    "every checker limit": {"module": ("SIMPLIFY_SECONDS", "NUMERIC_SECONDS", "HINT_SECONDS")},
    "question": {"assignment": {"question_seconds": 0.01}},
    "grader memory": {"assignment": {"grader_memory_mb": 1}},
    "probe": {"assignment": {"probe_seconds": TINY}},
    "load": {"assignment": {"load_seconds": TINY}},
    "student budget": {"assignment": {"budget_seconds": TINY}},
}


@pytest.fixture(params=list(LIMITS), ids=list(LIMITS))
def tiny(request, monkeypatch):
    """One limit made tiny; returns a function giving an assignment under that limit."""
    spec = LIMITS[request.param]
    for name in spec.get("module", ()):
        monkeypatch.setattr(equivalence, name, TINY)
    return lambda name: _with_limits(name, **dict(spec.get("assignment", {})))


@pytest.mark.parametrize("assignment, source", [("gd", REFERENCE_GD), ("gd", GD_FORMS),
                                                ("calculus", CALCULUS),
                                                ("calculus", CALCULUS_FORMS)],
                         ids=["gd reference", "gd other forms", "calculus reference",
                              "calculus other forms"])
def test_right_work_is_right_or_undecided_never_wrong(tiny, assignment, source, tmp_path):
    log = []
    result = grade(tiny(assignment), write(tmp_path / "s", "answers.py", source).parent, log=log)
    wrong = {t.number: t.output for t in result.tests if t.kind not in ("passed", "undecided")}
    assert not wrong and not result.engine_error, log
    for test in result.undecided:
        assert "could not be decided automatically; flagged for your instructor" in test.output


def test_wrong_work_is_never_right(tiny, tmp_path):
    result = grade(tiny("gd"), write(tmp_path / "s", "answers.py", WRONG_GD).parent)
    tests = {t.number: t for t in result.tests}
    assert not any(tests[n].passed for n in ("1a", "1d", "2b", "2c.1", "2c.2"))


def test_limits_that_are_reached_say_undecided(monkeypatch, tmp_path):
    """With no time to compare numerically, a form SymPy cannot prove equal is undecided
    (each 30-digit evaluation made to cost 20 ms of CPU time, none remembered)."""
    monkeypatch.setattr(equivalence, "NUMERIC_SECONDS", TINY)
    exact = equivalence._evaluate.__wrapped__

    def slow(expr, items):
        spent = time.process_time() + 0.02
        while time.process_time() < spent:
            pass
        return exact(expr, items)
    monkeypatch.setattr(equivalence, "_evaluate", slow)
    ns = Namespace.declare({"a": "positive", "b": "positive", "eta": "positive"})
    verdict = IntervalQuestion("0 < eta < 2/max(a, b)", "eta", ns).check(
        "0 < eta < 2*min(1/a, 1/b)")
    assert not verdict.passed and verdict.fraction == 0
    assert verdict.undecided == "the upper end: comparing the answer with the expected one " \
                                "took too long"
    pair = ExpressionQuestion(("a", "2/max(a, b)"), ns, labels=("x", "y")).check(
        ("a", "min(2/a, 2/b)"))
    assert pair.fraction == 0.5 and pair.undecided.startswith("y: ") and not pair.message


def test_values_too_large_to_evaluate_are_undecided_in_bounded_time():
    """cosh(cosh(cosh(cosh(3.85)))) took gigabytes and 20 s to evaluate to 30 digits."""
    ns = Namespace.declare({"eta": "positive"})
    question = ExpressionQuestion("2/5", ns)
    verdict = question.check("cosh(cosh(cosh(cosh(385/100))))")
    assert verdict.undecided == "the answer's values are too large to evaluate"
    eta = ns.symbols["eta"]
    with pytest.raises(Undecided):
        equivalence.equivalent(eta, sympy.exp(sympy.exp(10 + eta)), question.domain)
