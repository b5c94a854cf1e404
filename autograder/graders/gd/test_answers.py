"""Correctness of `gd` (instructors only: needs reference/gd).

Visibility: closed-form answers are shown after the due date, so the autograder cannot be used
as an answer oracle by resubmitting; the code question's handout case is visible at once (a
student can run it anyway), its hidden random cases after the due date.
"""
import random

import numpy as np

from autograder.api import (ExpressionQuestion, IntervalQuestion, ParseError, Verdict, as_array,
                            check_array, judge_cases, load_assignment, load_reference, number,
                            upper_bound, visibility, weight)

REF = load_reference("gd")
ASSIGNMENT = load_assignment("gd")
NS = ASSIGNMENT.namespace()


def forgot_half(c, w):
    return f"you forgot the ½ in L: the derivative of ½·{c}·{w}² is {c}·{w}."


STEP_SIGN = ("sign of the step: gradient descent moves against the gradient, "
             "w(t+1) = w(t) − η∇L, so ρ = 1 − η·(curvature).")


@weight(2)
@number("1a")
@visibility("after_due_date")
def test_q1a(student, grade):
    """Q1a: gradient of L(w)"""
    question = ExpressionQuestion(REF.q1a, NS, labels=("∂L/∂w1", "∂L/∂w2"), seed="1a",
                                  component_wrong={0: [("2*a*w1", forgot_half("a", "w1"))],
                                                   1: [("2*b*w2", forgot_half("b", "w2"))]})
    grade(question.check(student.value("q1a")))


@weight(1)
@number("1b")
@visibility("after_due_date")
def test_q1b(student, grade):
    """Q1b: the minimiser w*"""
    grade(ExpressionQuestion(REF.q1b, NS, labels=("w1*", "w2*"), seed="1b")
          .check(student.value("q1b")))


@weight(2)
@number("1c")
@visibility("after_due_date")
def test_q1c(student, grade):
    """Q1c: the GD factors ρ1, ρ2"""
    question = ExpressionQuestion(REF.q1c, NS, labels=("ρ1", "ρ2"), seed="1c",
                                  component_wrong={0: [("1 + eta*a", STEP_SIGN)],
                                                   1: [("1 + eta*b", STEP_SIGN)]})
    grade(question.check(student.value("q1c")))


@weight(2)
@number("1d")
@visibility("after_due_date")
def test_q1d(student, grade):
    """Q1d: the learning rates for which GD converges"""
    question = IntervalQuestion(
        REF.q1d, "eta", NS, seed="1d",
        wrong_ends={"upper": [("2/min(a, b)", "wrong upper end: GD must converge in both "
                               "coordinates, so the larger curvature max(a, b) limits η.")]},
        openness_messages={
            "lower": "η = 0 must be excluded: with η = 0 gradient descent never moves.",
            "upper": "the upper end must be excluded: there ρ = −1 for the steeper coordinate, "
                     "which then oscillates forever instead of converging."})
    grade(question.check(student.value("q1d")))


@weight(2)
@number("1e")
@visibility("after_due_date")
def test_q1e(student, grade):
    """Q1e: the best fixed η and its rate"""
    question = ExpressionQuestion(REF.q1e, NS, labels=("η*", "rate"), seed="1e",
                                  constraint=lambda p: p["a"] >= p["b"])
    grade(question.check(student.value("q1e")))


@weight(1)
@number("2a")
@visibility("after_due_date")
def test_q2a(student, grade):
    """Q2a: the critical point of R(w)"""
    grade(ExpressionQuestion(REF.q2a, NS, labels=("w1", "w2"), seed="2a")
          .check(student.value("q2a")))


@weight(2)
@number("2b")
@visibility("after_due_date")
def test_q2b(student, grade):
    """Q2b: the largest η for which GD on R converges"""
    # A decimal is fine here (the handout asks for a number): 3 significant digits suffice.
    question = ExpressionQuestion(REF.q2b, NS, rtol=1e-3, seed="2b")
    try:
        answer = upper_bound(student.value("q2b"), NS, NS.symbols["eta"])
    except ParseError as exc:
        grade(Verdict.wrong(f"cannot read the answer: {exc}"))
    grade(question.check(answer))


HANDOUT_ETAS = (0.02, 0.05, 0.1)


def _hidden_cases() -> list[tuple[float, int]]:
    rng = random.Random(2024)
    return [(round(rng.uniform(0.004, 0.09), 4), rng.randint(3, 150)) for _ in range(5)]


def _distances_problem(student, eta, epochs, show) -> str | None:
    got = student.call("gd_distances", eta, epochs, show_args=show)
    ref = REF.gd_distances(eta, epochs)
    what = f"gd_distances({eta}, {epochs})" if show else "gd_distances on a hidden case"
    array = as_array(got)
    if array is not None and array.size in (epochs, epochs + 1) and array.ndim <= 2 \
            and max(array.shape, default=0) == array.size:
        array = array.reshape(-1)
        if array.size == epochs + 1 and np.isclose(array[0], np.sqrt(10.0)):
            array = array[1:]  # also counted t = 0: an accepted layout
    verdict = check_array(array if array is not None else got, ref, rtol=1e-6, atol=1e-9,
                          what=what, reveal=show)
    return None if verdict.passed else verdict.message


@weight(1)
@number("2c.1")
@visibility("visible")
def test_q2c_handout(student, grade):
    """Q2c: gd_distances on the handout's learning rates"""
    grade(judge_cases([(f"η = {eta}", lambda eta=eta: _distances_problem(student, eta, 30, True))
                       for eta in HANDOUT_ETAS]))


@weight(2)
@number("2c.2")
@visibility("after_due_date")
def test_q2c_hidden(student, grade):
    """Q2c: gd_distances on hidden learning rates and lengths"""
    grade(judge_cases([(f"hidden case {i}", lambda eta=eta, epochs=epochs:
                        _distances_problem(student, eta, epochs, False))
                       for i, (eta, epochs) in enumerate(_hidden_cases(), 1)]))
