r"""Issue 20, items 1, 2, 7 and 8: unbounded ends (`\infty`, `∞`, `oo`), other relations (`≠`,
`±`, `-η > -c`, `≈`), number formats (`60,000`, `1\,000`) and unions of intervals, typed as
students type them (LaTeX from Overleaf, Unicode pasted from a PDF, plain text).

Judged by the real checkers of `gd`, `calculus` and `optim_cnn` (and of `ends`, an assignment
written here for what those do not ask: a range unbounded below, unions, an excluded value,
two roots, an exact constant, an interval with a tolerance), then graded end to end.  An
equivalent form earns what its plain-text twin earns; a wrong one loses the same points with
the same message; what stays unreadable names what and where."""
import shutil
import textwrap
import types

import pytest

from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.package import public_toml
from autograder.values import SympyText
from tests.helpers import (REFERENCE_GD, ROOT, by_number, form, form_checked, judge, judged, run_cli,
                           write)

# ---------------------------------------------------------------- the real assignments

EQUIVALENT = [
    # 1. unbounded ends: gd's range is bounded (see TWINS); `ends` has one unbounded below
    # 2. relations: the variable negated, or on the right
    ("gd", "q1d", r"-\eta > -\frac{2}{\max(a,b)}"), ("gd", "q1d", "−η > −2/max(a, b)"),
    ("gd", "q1d", "-eta > -2/max(a, b)"), ("gd", "q1d", r"\frac{2}{\max(a,b)} > \eta > 0"),
    ("gd", "q1d", r"0 > -\eta > -\frac{2}{\max(a, b)}"),
    ("gd", "q2b", r"-\eta > -\frac{2}{15+\sqrt{221}}"), ("gd", "q2b", "−η > −2/(15 + √221)"),
    # 2. ≈ reads as a decimal does: within the question's tolerance it passes
    ("gd", "q2b", r"\eta \approx 0.06697"), ("gd", "q2b", "η ≈ 0.067"), ("gd", "q2b", "≈ 0.067"),
    ("gd", "q2b", r"$\approx 0.0670$"), ("optim_cnn", "q8a", r"\approx 14"),
    # 2. ± where two values are asked: (0 + 0, 0 − 0) is the minimiser (0, 0)
    ("gd", "q1b", r"\pm 0"), ("gd", "q1b", "±0"), ("gd", "q1b", r"$w^* = \pm 0$"),
    # 7. digit groups where one number is asked (each count of the tuple is one)
    ("optim_cnn", "q7a", ("2,688", "30", "2,688", "1,119,552")),
    ("optim_cnn", "q7a", (r"2\,688", "30", r"2{,}688", r"1\,119\,552")),
    ("optim_cnn", "q7a", ("2~688", "$30$", r"$2{,}688$", "1~119~552")),
    ("optim_cnn", "q7a", ("2\u202f688", "30", "2\u2009688", "1\u202f119\u202f552")),   # a PDF's
    ("optim_cnn", "q7a", ["2,688", 30, "2688", "1,119,552"]),
    # the choice "none": the empty set
    ("calculus", "q2b", r"$\emptyset$"), ("calculus", "q2b", r"\varnothing"),
    ("calculus", "q2b", "∅"),
]


@pytest.mark.parametrize("assignment_id, name, answer", EQUIVALENT,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _) in enumerate(EQUIVALENT)])
def test_equivalent_forms_earn_full_marks_and_pass_the_form_check(assignment_id, name, answer):
    fraction, message = judge(assignment_id, name, answer)
    assert fraction == 1.0, message
    verdict = form(assignment_id, name, answer)
    assert verdict.passed, verdict.message


# (assignment, question, a form students type, its plain-text twin): the same points, the same
# message, and the same form check
TWINS = [
    # 1. an unbounded end where the reference has a finite one
    ("gd", "q1d", r"\eta \in (0, \infty)", "(0, oo)"),
    ("gd", "q1d", r"\eta \in (0, +\infty)", "0 < eta"),
    ("gd", "q1d", "η ∈ (0, ∞)", "eta > 0"),
    ("gd", "q1d", r"\eta > \frac{2}{\max(a, b)}", "eta > 2/max(a, b)"),
    ("gd", "q1d", r"-\infty < \eta < \frac{2}{\max(a,b)}", "-oo < eta < 2/max(a, b)"),
    ("gd", "q1d", r"(-\infty, \frac{2}{\max(a,b)})", "(-oo, 2/max(a, b))"),
    ("gd", "q1b", (r"\infty", "0"), ("oo", "0")),
    ("optim_cnn", "q5", r"+\infty", "oo"),
    ("optim_cnn", "q8a", "∞", "oo"),
    ("calculus", "q3", [[r"\infty", "3", "0"], ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3)"]],
     [["oo", "3", "0"], ["exp(x1)*sin(x3)", "0", "exp(x1)*cos(x3)"]]),
    ("calculus", "q1b", (r"(\infty, 0)", "saddle"), ("(oo, 0)", "saddle")),
    # 2. a negated variable with a known wrong end keeps its targeted message
    ("gd", "q1d", r"-\eta > -\frac{2}{\min(a,b)}", "0 < eta < 2/min(a, b)"),
    ("gd", "q1d", r"-\eta \ge -\frac{2}{\max(a,b)}", "0 < eta <= 2/max(a, b)"),
    ("gd", "q1d", "−η < 0, η < 2/min(a, b)", "eta > 0 and eta < 2/min(a, b)"),
    ("gd", "q2b", r"-\eta > -\frac{2}{15}", "2/15"),
    # 2. ≈ is a decimal: outside the tolerance it is wrong as the decimal is
    ("gd", "q2b", r"\eta \approx 0.07", "0.07"),
    ("optim_cnn", "q8a", r"\approx 14.2", "14.2"),
    ("optim_cnn", "q8a", r"\approx 15", "15"),                      # its known wrong answer
    # 2. ± gives its two values, which are judged as the plain pair
    ("gd", "q1b", r"\pm 1", ("1", "-1")),
    ("gd", "q2a", r"2 \pm 1", ("3", "1")),                           # the wrong order
    ("calculus", "q2a", "∓3", ("-3", "3")),
    # 7. digit groups: the known wrong counts keep their messages
    ("optim_cnn", "q7a", ("1,664", "27", r"1\,664", r"1{,}118{,}208"),
     ("1664", "27", "1664", "1118208")),
    ("optim_cnn", "q7a", ("2,688", "30", "2,688", "1\u202f119\u202f553"),
     ("2688", "30", "2688", "1119553")),
    ("optim_cnn", "q8a", r"1{,}400", "1400"),
]


@pytest.mark.parametrize("assignment_id, name, answer, twin", TWINS,
                         ids=[f"{a}-{n}-{i}" for i, (a, n, _, _) in enumerate(TWINS)])
def test_wrong_forms_lose_what_their_plain_twin_loses_with_its_message(assignment_id, name,
                                                                        answer, twin):
    fraction, message = judge(assignment_id, name, answer)
    assert (fraction, message) == judge(assignment_id, name, twin)
    assert fraction < 1 and message and "undecided" not in message
    checked, plain = form(assignment_id, name, answer), form(assignment_id, name, twin)
    assert (checked.passed, checked.message) == (plain.passed, plain.message)


def test_an_infinite_end_is_wrong_not_undecided():
    """Before: the finite end against ∞ was sampled, overflowed, and left undecided ("too large
    to evaluate"); an unbounded end is now only ever ∞."""
    fraction, message = judge("gd", "q1d", r"\eta \in (\frac{2}{\max(a,b)}, +\infty)")
    assert fraction == 0 and "upper end is missing" in message
    assert "lower end is not correct" in message and "undecided" not in message


# ---------------------------------------------------------------- `ends`: what the others lack

ENDS_TOML = '''
title = "Ends and relations"
files = ["answers.py"]

[symbols]
a = "positive"
eta = "positive"
u = "real"
x = "real"

[[questions]]
id = "1"
name = "q1"
kind = "interval"
variable = "u"
points = 2
title = "where u·a < 2"

[[questions]]
id = "2"
name = "q2"
kind = "interval"
variable = "x"
union = true
points = 2
title = "where 1 <= x² <= 4"
wrong = [{end = "lower", answer = "0", message = "x² >= 1 leaves out -1 < x < 1"}]

[[questions]]
id = "3"
name = "q3"
kind = "interval"
variable = "x"
union = true
points = 1
title = "where 1/x is defined"

[[questions]]
id = "4"
name = "q4"
kind = "tuple"
length = 2
labels = ["x1", "x2"]
points = 2
title = "the roots of x² = 2, the larger first"

[[questions]]
id = "5"
name = "q5"
kind = "expression"
points = 1
title = "P(two heads in three tosses of a coin with p = 2/3 ... ), exactly"

[[questions]]
id = "6"
name = "q6"
kind = "interval"
variable = "eta"
rtol = 1e-3
points = 2
title = "the stable learning rates, to three digits"

[[questions]]
id = "7"
name = "q7"
kind = "expression"
points = 1
title = "the parameters of a 300-200 layer"

[[questions]]
id = "8"
name = "q8"
kind = "interval"
variable = "eta"
union = true
points = 1
title = "the learning rates that converge, but not monotonically"

[[questions]]
id = "9"
name = "q9"
kind = "tuple"
length = 2
unordered = true
points = 1
title = "the solutions of x² = 4 (a set)"
wrong = [{answer = ["4", "-4"], message = "these solve x = ±4, not x² = 4"}]
'''

ENDS_REFERENCE = '''
q1 = "u < 2/a"
q2 = "[-2, -1] ∪ [1, 2]"
q3 = "x != 0"
q4 = "±sqrt(2)"              # a reference is read as an answer is
q5 = "4/9"
q6 = "(0, 2/(15 + sqrt(221)))"
q7 = "60,200"
q8 = "(1/a, 2/a)"
q9 = ("-2", "2")
'''
REFERENCE: dict = {}
exec(ENDS_REFERENCE, REFERENCE)   # the reference's answers, as the graders load them
REFERENCE = {name: value for name, value in REFERENCE.items() if name.startswith("q")}


@pytest.fixture(scope="module")
def ends(tmp_path_factory):
    """The `ends` assignment in a grader root of its own, with its reference."""
    root = tmp_path_factory.mktemp("ends")
    graders = root / "graders"
    write(graders / "ends", "assignment.toml", ENDS_TOML)
    write(graders / "ends", "test_form.py", 'from autograder.generated import form_test\n'
                                            'test_form = form_test("ends")\n')
    write(graders / "ends", "test_closed_forms.py",
          'from autograder.generated import closed_form_tests\n'
          'test_closed_form = closed_form_tests("ends")\n')
    shutil.copy(ROOT / "autograder" / "graders" / "pytest.ini", graders)
    write(root / "reference" / "ends", "answers.py", ENDS_REFERENCE)
    return root


def _ends(root, name, answer) -> tuple[float, str]:
    """What the graded test of `ends`' question says of ``answer`` (as judge() does)."""
    return judged(load_assignment("ends", root / "graders"), name,
                  types.SimpleNamespace(**REFERENCE), answer)


def _ends_form(root, name, answer, graders=None):
    return form_checked(load_assignment("ends", graders or root / "graders"), name, answer)


ENDS_EQUIVALENT = [
    # 1. unbounded below (u is real)
    ("q1", r"u < \frac{2}{a}"), ("q1", r"(-\infty, \frac{2}{a})"), ("q1", "(−∞, 2/a)"),
    ("q1", "(-oo, 2/a)"), ("q1", r"u \in \left(-\infty, \frac{2}{a}\right)"),
    ("q1", r"-\infty < u < 2/a"), ("q1", "-u > -2/a"), ("q1", r"\frac{2}{a} > u"),
    # 8. unions of intervals, in any order, touching pieces joined
    ("q2", r"[-2, -1] \cup [1, 2]"), ("q2", "[−2, −1] ∪ [1, 2]"), ("q2", "[-2,-1] U [1,2]"),
    ("q2", "[1, 2] ∪ [-2, -1]"), ("q2", r"x \in [-2,-1]\cup[1,2]"),
    ("q2", r"-2 \le x \le -1 \text{ or } 1 \le x \le 2"), ("q2", "-2 <= x <= -1 or 1 <= x <= 2"),
    ("q2", "[-2, -1.5] ∪ [-1.5, -1] ∪ [1, 2]"), ("q2", "[-2, -1] ∪ [1, 3/2) ∪ [3/2, 2]"),
    ("q2", r"\left[-2, -1\right] \cup \left[1, 2\right]"),
    ("q2", SympyText("Union(Interval(-2, -1), Interval(1, 2))")),   # sympy.Union(...) submitted
    # 2. ≠ leaves a value out, where the question takes a union
    ("q3", r"x \neq 0"), ("q3", r"x \ne 0"), ("q3", "x ≠ 0"), ("q3", "x != 0"),
    ("q3", r"(-\infty, 0) \cup (0, \infty)"), ("q3", "(−∞, 0) ∪ (0, +∞)"),
    ("q3", "x < 0 or x > 0"), ("q3", "(-oo, 0) U (0, oo)"), ("q3", "-x != 0"),
    ("q3", SympyText("Union(Interval.open(-oo, 0), Interval.open(0, oo))")),   # Reals - {0}
    ("q8", r"\frac{1}{a} < \eta < \frac{2}{a}"),
    ("q8", r"(\frac1a, \frac2a)"), ("q8", r"\eta \in (\frac{1}{a}, \frac{2}{a}), \eta \neq 0"),
    # 2. ± as the two roots, + first (∓: − first)
    ("q4", r"\pm\sqrt{2}"), ("q4", "±√2"), ("q4", r"$x = \pm \sqrt{2}$"), ("q4", "(±sqrt(2))"),
    ("q4", r"-(\mp\sqrt{2})"), ("q4", ("sqrt(2)", "-sqrt(2)")),
    # 2. ± and ∓ as a set's two values, in either order
    ("q9", r"\pm 2"), ("q9", r"x = \mp 2"), ("q9", "±2"), ("q9", r"\{-2, 2\}"), ("q9", r"\{2, -2\}"),
    ("q9", ("2", "-2")), ("q9", r"$\left\{ \pm 2 \right\}$"),
    # 2. ≈ with the exact value is the exact value
    ("q5", r"\approx \frac{4}{9}"), ("q5", "4/9"),
    # 8. an interval's ends within the question's tolerance
    ("q6", "(0, 0.067)"), ("q6", r"\eta \in (0, 0.06697)"), ("q6", r"0 < \eta < 0.067"),
    ("q6", r"(0, \frac{2}{15+\sqrt{221}})"), ("q6", "η ∈ (0, 6.7e-2)"),
    # 7. one number with its digits grouped
    ("q7", "60,200"), ("q7", r"60\,200"), ("q7", r"60{,}200"), ("q7", "60~200"),
    ("q7", "60\u202f200"), ("q7", r"$60{,}200$"), ("q7", "60,200.0"), ("q7", r"\approx 60{,}200"),
]


@pytest.mark.parametrize("name, answer", ENDS_EQUIVALENT,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(ENDS_EQUIVALENT)])
def test_ends_equivalent_forms_earn_full_marks(ends, name, answer):
    fraction, message = _ends(ends, name, answer)
    assert fraction == 1.0, message
    verdict = _ends_form(ends, name, answer)
    assert verdict.passed, verdict.message


ENDS_TWINS = [
    # 1. the case: one end unbounded where the reference's is finite, and the reverse
    ("q1", r"u > \frac{2}{a}", "u > 2/a", "the range is not bounded below"),
    ("q1", r"(-\infty, \infty)", "(-oo, oo)", "upper end is missing"),
    ("q1", r"(0, \frac{2}{a})", "0 < u < 2/a", "the lower end is not correct"),
    ("q1", r"(-\infty, \frac{2}{a}]", "u <= 2/a", "upper end should be excluded"),
    ("q1", r"-u > -\frac{1}{a}", "u < 1/a", "the upper end is not correct"),
    # 8. unions: a wrong piece, a wrong count, a known wrong end
    ("q2", r"[-2, -1] \cup (1, 2]", "-2 <= x <= -1 or 1 < x <= 2",
     "interval 2: the lower end should be included"),
    ("q2", r"[-2, 2]", "-2 <= x <= 2", "not the right number of intervals"),
    ("q2", r"[-2, 0] \cup [1, 2]", "-2 <= x <= 0 or 1 <= x <= 2",
     "interval 1: the upper end is not correct"),
    ("q2", r"[-2, -1] \cup [0, 2]", "[-2, -1] U [0, 2]", "x² >= 1 leaves out -1 < x < 1"),
    # 2. the wrong value left out, or none
    ("q3", r"x \neq 1", "x != 1", "interval 1: the upper end is not correct"),
    ("q3", r"(-\infty, \infty)", "(-oo, oo)", "not the right number of intervals"),
    ("q3", r"(-\infty, 0] \cup (0, \infty)", "x <= 0 or x > 0", "not the right number"),
    # 2. ± in the wrong order, or the wrong values
    ("q4", r"\mp\sqrt{2}", ("-sqrt(2)", "sqrt(2)"), "the values are in the wrong order"),
    ("q4", r"\pm 2", ("2", "-2"), "x1: not correct"),
    ("q9", r"\pm 4", ("-4", "4"), "these solve x = ±4"),
    ("q9", r"\{2, 2\}", ("2", "2"), "value 1: not correct"),
    # 2. ≈ with a decimal where the exact value is asked: "give the exact value"
    ("q5", r"\approx 0.444", "0.444", "give the exact value"),
    ("q5", r"$\approx 0.4444$", "0.4444", "give the exact value"),
    ("q5", "≈ 0.5", "0.5", "not correct"),
    # 8. outside the tolerance
    ("q6", "(0, 0.07)", "0 < eta < 0.07", "the upper end is not correct"),
    ("q6", "[0, 0.067)", "0 <= eta < 0.067", "the lower end should be excluded"),
    # 7. a wrong number, however written
    ("q7", "60,000", "60000", "not correct"),
    ("q7", r"60\,300", "60300", "not correct"),
]


@pytest.mark.parametrize("name, answer, twin, message", ENDS_TWINS,
                         ids=[f"{n}-{i}" for i, (n, _, _, _) in enumerate(ENDS_TWINS)])
def test_ends_wrong_forms_lose_what_their_twin_loses(ends, name, answer, twin, message):
    fraction, feedback = _ends(ends, name, answer)
    assert (fraction, feedback) == _ends(ends, name, twin)
    assert fraction < 1 and message in feedback, feedback
    assert _ends_form(ends, name, answer).passed == _ends_form(ends, name, twin).passed


UNREADABLE = [
    # (question, answer, what the message names)
    ("q1", r"(-\infty, \infty]", "∞ is not a value"),
    ("q1", r"[-\infty, 2/a)", "an unbounded end is open"),
    ("q1", r"u \neq 0", "≠ … leaves a value out"),
    ("q1", r"(-\infty, 0) \cup (0, 2/a)", "a union of intervals (∪) is not asked here"),
    ("q1", "(-oo, x*oo)", "∞ or −∞ alone"),
    ("q1", "(oo, 2/a)", "the range is empty"),
    ("q1", r"u \approx 2", "≈ at position 3"),
    ("q1", r"u < \frac{2}{a} \approx 3", "≈ at position"),
    ("q5", r"\pm\frac{4}{9}", "± at position 1 gives two values"),
    ("q5", "4{,}9", "4{,}9 at position 1"),
    ("q5", "0,444", "0,444 can mean the number 0.444 (a decimal comma) or the two values 0 and 444"),
    ("q7", "2,5", "2,5 can mean the number 2.5"),
    ("q4", r"\pm 1 \pm 2", "one ± is read"),
    ("q4", r"(\pm 1, 2)", "one ± is read"),
    ("q8", r"\eta \in (0, \frac{2}{a}), \eta \neq 1", "depends on the values of the symbols"),
]


@pytest.mark.parametrize("name, answer, message", UNREADABLE,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(UNREADABLE)])
def test_what_stays_unreadable_says_what_and_where(ends, name, answer, message):
    verdict = _ends_form(ends, name, answer)
    assert not verdict.passed and message in verdict.message, verdict.message
    fraction, feedback = _ends(ends, name, answer)
    assert fraction == 0 and message in feedback, feedback


@pytest.mark.parametrize("assignment_id, name, answer, message", [
    ("gd", "q1d", r"\eta \in (0, \infty]", "an unbounded end is open"),
    ("gd", "q1d", r"\eta \neq 0", "one interval is asked here"),
    ("gd", "q1d", r"(0, 1) \cup (1, \frac{2}{\max(a,b)})", "a union of intervals (∪)"),
    ("gd", "q2b", r"\eta < \infty", "this range has no upper end"),
    ("optim_cnn", "q8a", "1,4", "1,4 can mean the number 1.4 (a decimal comma) or the two "
                                "values 1 and 4"),
    ("optim_cnn", "q5", r"\pm\frac{\lambda}{2\eta}", "± at position 1"),
    ("optim_cnn", "q7a", ("2,68", "30", "2688", "1119552"), "value 1 cannot be read: 2,68 can"),
])
def test_real_questions_name_what_they_cannot_read(assignment_id, name, answer, message):
    verdict = form(assignment_id, name, answer)
    assert not verdict.passed and message in verdict.message, verdict.message
    fraction, feedback = judge(assignment_id, name, answer)
    assert fraction < 1 and message.split(": ", 1)[-1] in feedback, feedback


def test_union_is_public_so_the_self_check_reads_unions(ends, tmp_path):
    """The student package's toml keeps `union` (a form, like `length`) and drops `rtol` and
    the known wrong ends, and its form check reads a union."""
    cut = public_toml(ends / "graders" / "ends" / "assignment.toml")
    assert "union = true" in cut and "rtol" not in cut and "leaves out" not in cut
    write(tmp_path / "ends", "assignment.toml", cut)
    assert _ends_form(ends, "q2", r"[-2,-1] \cup [1,2]", tmp_path).passed
    assert _ends_form(ends, "q3", r"x \neq 0", tmp_path).passed


# ---------------------------------------------------------------- end to end

def test_gd_graded_end_to_end_with_the_new_notation(tmp_path):
    swapped = {"q1b": r'r"\pm 0"', "q1d": r'r"-\eta > -\frac{2}{\max(a, b)}"',
               "q2b": r'r"\eta \approx 0.06697"'}
    wrong = {"q1d": r'r"\eta \in (0, +\infty)"', "q2b": r'r"-\eta > -\frac{2}{15}"'}
    twins = {"q1d": '"0 < eta"', "q2b": '"2/15"'}
    results = {}
    for label, answers in (("right", swapped), ("wrong", wrong), ("twins", twins)):
        folder = tmp_path / label
        write(folder, "answers.py", REFERENCE_GD + "".join(f"\n{q} = {a}\n"
                                                           for q, a in answers.items()))
        results[label] = grade("gd", folder)
    assert results["right"].score == results["right"].max_score == 15.0, \
        [(t.name, t.output) for t in results["right"].tests if not t.passed]
    got, plain = by_number(results["wrong"]), by_number(results["twins"])
    assert results["wrong"].score == results["twins"].score == 15.0 - 4
    for number in ("1d", "2b"):
        assert got[number].score == 0 and got[number].output == plain[number].output
    assert "the upper end is missing" in got["1d"].output


def test_optim_cnn_counts_graded_end_to_end(tmp_path):
    source = (ROOT / "reference" / "optim_cnn" / "answers.py").read_text()
    right = 'q7a = ("2,688", "30", r"2\\,688", "1\u202f119\u202f552")\nq8a = r"\\approx 14"\n'
    wrong = 'q7a = ("1,664", "27", r"1{,}664", "1,118,208")\nq8a = "15"\n'
    plain = 'q7a = (1664, 27, 1664, 1118208)\nq8a = 15\n'
    results = {}
    for label, answers in (("right", right), ("wrong", wrong), ("plain", plain)):
        write(tmp_path / label, "answers.py", source + "\n" + answers)
        results[label] = by_number(grade("optim_cnn", tmp_path / label))
    for number in ("7a", "8a"):
        assert results["right"][number].passed, results["right"][number].output
        assert results["wrong"][number].score == results["plain"][number].score == 0
        assert results["wrong"][number].output == results["plain"][number].output
    assert "count the biases" in results["wrong"]["7a"].output


def test_ends_graded_end_to_end_by_the_cli(ends, tmp_path):
    env = {"AUTOGRADER_GRADERS": str(ends / "graders"),
           "AUTOGRADER_REFERENCE": str(ends / "reference"), "COLUMNS": "200"}
    answers = textwrap.dedent(r'''
        import sympy as sp
        q1 = r"u \in (-\infty, \frac{2}{a})"
        q2 = sp.Union(sp.Interval(-2, -1), sp.Interval(1, 2))
        q3 = "x ≠ 0"
        q4 = r"\pm\sqrt{2}"
        q5 = r"\frac{4}{9}"
        q6 = r"\eta \in (0, 0.06697)"
        q7 = r"60{,}200"
        q8 = r"(\frac{1}{a}, \frac{2}{a})"
        q9 = r"x = \pm 2"
    ''')
    write(tmp_path / "right", "answers.py", answers)
    done = run_cli("grade", "ends", str(tmp_path / "right"), env=env)
    assert done.returncode == 0 and "Total: 13 / 13 points" in done.stdout, done.stdout[-3000:]
    wrong = answers.replace(r"(-\infty,", "(0,").replace(r"\frac{4}{9}", r"\approx 0.444")
    write(tmp_path / "wrong", "answers.py", wrong)
    done = run_cli("grade", "ends", str(tmp_path / "wrong"), env=env)
    assert "Total: 10 / 13 points" in done.stdout, done.stdout[-3000:]
    assert "the lower end is not correct" in done.stdout and "give the exact value" in done.stdout
