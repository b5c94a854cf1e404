"""Equivalent forms pass, wrong ones fail, for every symbolic kind the graders use."""
import sympy
import pytest

from autograder.checkers.expressions import ExpressionQuestion
from autograder.checkers.intervals import IntervalQuestion, upper_bound
from autograder.checkers.parse import Namespace
from autograder.values import IntervalValue, SympyText

NS = Namespace.declare({"a": "positive", "b": "positive", "eta": "positive", "w1": "real",
                        "w2": "real"}, definitions={"kappa": "a/b"})

RHO = ExpressionQuestion("1 - eta*a", NS, seed="rho")
RHO_FORMS = ["1 - eta*a", "-(a*eta - 1)", "1-a*η", "1 - ηa", "1-a η", "(1 - eta*a)",
             "1 + (-1)*eta*a", "(b - b*eta*a)/b", "1 - eta*a + 0*w1", "-eta*a + 1",
             "(1 - eta*a)**2/(1 - eta*a)", "exp(log(1 - eta*a + 2) ) - 2 + 0",
             SympyText("1 - a*eta"), "2*(1/2 - eta*a/2)"]


@pytest.mark.parametrize("form", RHO_FORMS)
def test_expression_forms_pass(form):
    assert RHO.check(form).passed, form


@pytest.mark.parametrize("form, message", [
    ("1 + eta*a", "not correct"), ("1 - eta*b", "does not depend on b"),
    ("2 - 2*eta*a", "constant factor (yours is 2 times"), ("eta*a - 1", "sign is flipped"),
    ("2 - eta*a", "added constant"), ("1", "depends on a, eta"), ("1 - eta*a*w1", "w1"),
])
def test_expression_wrong_forms_fail_with_a_diagnosis(form, message):
    verdict = RHO.check(form)
    assert not verdict.passed and message in verdict.message


GRADIENT = ExpressionQuestion(("a*w1", "b*w2"), NS, labels=("dL/dw1", "dL/dw2"), seed="grad",
                              wrong=[(("2*a*w1", "2*b*w2"), "forgot the 1/2")])
GRADIENT_FORMS = [("a*w1", "b*w2"), ["a w1", "b w2"], ("w1*a", "w2*b"), ("a*w1", "w2 b"),
                  "(a*w1, b*w2)", "[a*w1, b*w2]", ("2*a*w1/2", "0.5*2*b*w2"),
                  (SympyText("a*w1"), SympyText("b*w2")), ("(a*w1**2)/w1", "b*w2"),
                  ("a*(w1 + 1) - a", "b*w2"), ("a*w1 + 0", "+b*w2"), "(aw1, bw2)".replace(
                      "aw1", "a*w1").replace("bw2", "b*w2")]


@pytest.mark.parametrize("form", GRADIENT_FORMS)
def test_tuple_forms_pass(form):
    assert GRADIENT.check(form).passed, form


def test_tuple_feedback():
    assert GRADIENT.check(("2*a*w1", "2*b*w2")).message == "forgot the 1/2"
    half = GRADIENT.check(("a*w1", "b"))
    assert half.fraction == 0.5 and half.message.startswith("dL/dw2:")
    assert "wrong order" in GRADIENT.check(("b*w2", "a*w1")).message
    assert "expected 2 values" in GRADIENT.check("a*w1").message
    assert "got 3 values" in GRADIENT.check(("a*w1", "b*w2", "0")).message
    # one value, bare or as a 1-tuple, is said one way (as the form check says it)
    assert {GRADIENT.check(one).message for one in ("a*w1", ("a*w1",), ["a*w1"])} == {
        GRADIENT.check("a*w1").message} and "got a single expression" in GRADIENT.check(
        ("a*w1",)).message


POINT = ExpressionQuestion((1, 3), NS, seed="point")
POINT_FORMS = [(1, 3), (1.0, 3.0), ("1", "3"), "(1, 3)", [1, 3], "[1,3]", ("2/2", "9/3"),
               ("1.0", "3.00"), ("sqrt(1)", "sqrt(9)"), (sympy.Integer(1), 3), "(1 ,3)"]


@pytest.mark.parametrize("form", POINT_FORMS)
def test_point_forms_pass(form):
    assert POINT.check(form).passed, form


def test_point_hints_reveal_nothing():
    verdict = POINT.check((2, 6))
    assert not verdict.passed
    assert "factor" not in verdict.message and "constant" not in verdict.message


INTERVAL = IntervalQuestion("0 < eta < 2/max(a, b)", "eta", NS, seed="range",
                            openness_messages={"lower": "eta = 0 never moves"})
INTERVAL_FORMS = ["0 < eta < 2/max(a, b)", "0<η<2/max(a,b)", "eta > 0 and eta < 2/max(a,b)",
                  "(eta > 0) & (eta < 2/Max(a, b))", "2/max(a,b) > eta > 0",
                  "0 < eta < min(2/a, 2/b)", "0 < eta < Min(2/a, 2/b)", "(0, 2/max(a,b))",
                  "]0, 2/max(a,b)[".replace("]", "(", 1).replace("[", ")"),
                  ("0", "2/max(a,b)"), IntervalValue("0", "2/Max(a, b)", True, True),
                  "eta < 2/max(a,b) and 0 < eta", "0 < eta < 2*min(1/a, 1/b)"]


@pytest.mark.parametrize("form", INTERVAL_FORMS)
def test_interval_forms_pass(form):
    assert INTERVAL.check(form).passed, form


@pytest.mark.parametrize("form, message", [
    ("0 <= eta < 2/max(a,b)", "eta = 0 never moves"),          # closed where it must be open
    ("[0, 2/max(a,b))", "eta = 0 never moves"),
    ("0 < eta <= 2/max(a,b)", "upper end should be excluded"),
    ("(0, 2/max(a,b)]", "upper end should be excluded"),
    ("0 < eta < 2/min(a,b)", "upper end is not correct"),
    ("0 < eta", "upper end is missing"),
    ("2*eta < 1", "alone on one side"),
])
def test_interval_wrong_forms(form, message):
    verdict = INTERVAL.check(form)
    assert not verdict.passed and message in verdict.message, verdict.message


def test_open_vs_closed_end_are_different_answers():
    closed = IntervalQuestion("0 <= eta <= 1", "eta", NS)
    assert closed.check("[0, 1]").passed
    assert not closed.check("(0, 1)").passed
    assert not closed.check("0 < eta <= 1").passed


def test_max_and_min_forms_meet_numerically():
    q = ExpressionQuestion("2/max(a, b)", NS, seed="mm")
    assert q.check("Min(2/a, 2/b)").passed
    assert q.check("2*min(1/a, 1/b)").passed
    assert not q.check("2/min(a, b)").passed       # right on half the domain only


def test_half_as_decimal_is_exact():
    q = ExpressionQuestion("1/2", NS)
    for form in ["0.5", 0.5, "1/2", "5e-1", ".5"]:
        assert q.check(form).passed, form


def test_rounded_third_is_not_a_third():
    verdict = ExpressionQuestion("1/3", NS).check("0.333")
    assert not verdict.passed and "not exact" in verdict.message
    assert not ExpressionQuestion("a/3", NS).check("0.333*a").passed


BOUND = ExpressionQuestion("2/(15 + sqrt(221))", NS, rtol=1e-3, seed="bound")
BOUND_FORMS = ["2/(15 + sqrt(221))", "(15 - sqrt(221))/2", "0.067", "0.06697", 0.066966,
               "2/(15+√221)", "1/(7.5 + sqrt(221)/2)", "6.697e-2", "eta < 0.067",
               "0 < eta < 2/(15 + sqrt(221))", "2/29.866"]


@pytest.mark.parametrize("form", BOUND_FORMS)
def test_bound_forms_pass(form):
    value = upper_bound(form, NS, NS.symbols["eta"])
    assert BOUND.check(value).passed, form


@pytest.mark.parametrize("form", ["0.07", "0.1", "2/15", "1/(15 + sqrt(221))", "eta > 0.067"])
def test_bound_wrong_forms_fail(form):
    try:
        value = upper_bound(form, NS, NS.symbols["eta"])
    except ValueError:
        return
    assert not BOUND.check(value).passed, form


def test_definitions_expand():
    q = ExpressionQuestion("(a - b)/(a + b)", NS, constraint=lambda p: p["a"] >= p["b"])
    for form in ["(kappa - 1)/(kappa + 1)", "abs(a - b)/(a + b)", "(max(a,b) - min(a,b))/(a+b)",
                 "1 - 2*b/(a+b)"]:
        assert q.check(form).passed, form
    assert not q.check("(b - a)/(a + b)").passed


def test_not_answered_and_garbage():
    assert "not answered" in RHO.check(None).message
    assert "cannot read" in RHO.check("1 - eta*").message
    assert "not a finite number" in RHO.check(float("nan")).message
    assert "True/False" in RHO.check(True).message
    assert "expected an expression" in RHO.check({"x": 1}).message


@pytest.mark.parametrize("expr", ["2*Min(1/a, 1/b)", "Max(a, b)**2 - Min(a, b)",
                                  "Piecewise((a, a > b), (b, True))", "Heaviside(a - b)*a"])
def test_min_and_max_are_evaluated_at_numbers_not_by_symbolic_substitution(expr, monkeypatch):
    """evalf(subs=) would substitute into Min/Max symbolically (a tenth of a second a point:
    `2*min(1/a, 1/b)` ran out of its CPU time under load and came out undecided)."""
    from autograder.checkers import equivalence
    a, b = sympy.symbols("a b", positive=True)
    parsed = sympy.sympify(expr, locals={"a": a, "b": b})
    point = {a: sympy.Float(1.3, 30), b: sympy.Float(0.7, 30)}
    expected = complex(parsed.evalf(30, subs=point))

    def no_subs(self, *args, **kwargs):
        raise AssertionError("symbolic substitution")
    monkeypatch.setattr(sympy.Basic, "subs", no_subs)
    assert equivalence.evaluate(parsed, point) == pytest.approx(expected, rel=1e-15)


def _a_b_domain():
    from autograder.checkers.equivalence import Domain
    a, b = sympy.symbols("a b", positive=True)
    return a, b, Domain([a, b], seed="floats")


def test_floats_that_agree_by_rounding_do_not_make_an_answer_right():
    """max(a + 2⁷⁰, b + 2⁷⁰) − 2⁷⁰ is max(a, b), but in floats a + 2⁷⁰ is 2⁷⁰ (its last bit
    is worth 2¹⁸): the answer is 0 at every point in floats, as the expected 0 is, and only the
    30-digit confirmation tells them apart."""
    from autograder.checkers.equivalence import equivalent, float_value
    a, b, domain = _a_b_domain()
    big = sympy.Integer(2) ** 70
    hidden = sympy.Max(a + big, b + big) - big
    assert all(float_value(hidden, p) == 0 for p in domain.points())
    assert not equivalent(hidden, sympy.Integer(0), domain)
    assert equivalent(hidden, sympy.Max(a, b), domain)


def test_floats_that_differ_by_rounding_do_not_make_an_answer_wrong():
    """(a + 10²⁰)² − a² − 2·10²⁰a − 10⁴⁰ is exactly 0, but its floats are rounding noise far
    from 0: only a 30-digit difference makes an answer wrong."""
    from autograder.checkers.equivalence import equivalent
    a, b, domain = _a_b_domain()
    big = sympy.Integer(10) ** 20
    zero = (a + big) ** 2 - a ** 2 - 2 * a * big - big ** 2
    assert equivalent(zero + b, b, domain)
    assert not equivalent(zero + b, 2 * b, domain)


def test_a_wrong_answer_costs_no_simplify_and_a_right_one_two_exact_points(monkeypatch):
    """Numbers decide before SymPy's simplify: a wrong answer is refuted at the point where its
    floats differ most, a right one confirmed at two points (12 points are sampled)."""
    from autograder.checkers import equivalence
    a, b, domain = _a_b_domain()
    calls = []
    monkeypatch.setattr(equivalence.sympy, "simplify",
                        lambda *args, **kwargs: pytest.fail("simplify was asked"))
    exact = equivalence._evaluate.__wrapped__
    monkeypatch.setattr(equivalence, "_evaluate",
                        lambda expr, items: calls.append(expr) or exact(expr, items))
    assert not equivalence.equivalent(2 * a / (a + b), a / (a + b), domain)
    assert len(calls) == 2   # both sides at one point
    calls.clear()
    assert equivalence.equivalent((a ** 2 - b ** 2) / (a - b), a + b, domain)
    assert len(calls) == 2 * equivalence.CONFIRMED_AT
