"""Correctness of `calculus` (instructors only: needs reference/calculus).

Every answer is shown after the due date, so resubmitting cannot be used as an answer oracle.
Matrix answers are checked on random matrices of consistent, distinct sizes; gradients with
respect to a vector or matrix have that variable's shape, Jacobians a row per output.
"""
from autograder.api import (ChoiceQuestion, CriticalPointQuestion, ExpressionQuestion,
                            MatrixQuestion, SymbolicMatrixQuestion, load_assignment,
                            load_reference, number, visibility, weight)

REF = load_reference("calculus")
ASSIGNMENT = load_assignment("calculus")
NS = ASSIGNMENT.namespace()
# The gradients of question 6 may be used in later answers; their values are the reference's.
SPACE = ASSIGNMENT.matrix_space(hidden={"d_yp": REF.q6a, "d_hp": REF.q6d, "d_h": REF.q6e})
JACOBIAN_LAYOUT = "a Jacobian has a row per output and a column per input (numerator layout)"
GRADIENT_LAYOUT = "a gradient has the shape of the variable it is taken with respect to"


def matrix(name, shape, layout=GRADIENT_LAYOUT, wrong=()):
    return MatrixQuestion(getattr(REF, name), SPACE, shape=shape, wrong=wrong,
                          layout_message=f"this is the transpose of the answer: {layout}",
                          seed=name)


@weight(2)
@number("1a")
@visibility("after_due_date")
def test_q1a(student, grade):
    """Q1a: the gradient of f"""
    grade(ExpressionQuestion(REF.q1a, NS, labels=("∂f/∂x1", "∂f/∂x2"), seed="1a")
          .check(student.value("q1a")))


@weight(2)
@number("1b")
@visibility("after_due_date")
def test_q1b(student, grade):
    """Q1b: a critical point of f and its type"""
    grade(CriticalPointQuestion("sin(x1) + 2*x2^2", ["x1", "x2"], NS)
          .check(student.value("q1b")))


@weight(1)
@number("2a")
@visibility("after_due_date")
def test_q2a(student, grade):
    """Q2a: the gradient of vᵀx"""
    grade(ExpressionQuestion(REF.q2a, NS, labels=("∂/∂x1", "∂/∂x2"), seed="2a")
          .check(student.value("q2a")))


@weight(1)
@number("2b")
@visibility("after_due_date")
def test_q2b(student, grade):
    """Q2b: the critical points of vᵀx"""
    grade(ChoiceQuestion(REF.q2b, ("none", "minimum", "maximum", "saddle"),
                         wrong={k: "a linear function with a nonzero gradient has no critical "
                                   "point" for k in ("minimum", "maximum", "saddle")})
          .check(student.value("q2b")))


@weight(3)
@number("3")
@visibility("after_due_date")
def test_q3(student, grade):
    """Q3: the Jacobian of f"""
    question = SymbolicMatrixQuestion(
        REF.q3, NS, row_names=("f1", "f2"), column_names=("x1", "x2", "x3"), seed="3",
        wrong_rows={1: [(("-exp(x1)", "0", "cos(x3)"),
                         "row 2: these are not the partial derivatives of sin(x3)·e^x1 "
                         "(by x1, sin(x3) is a constant factor; by x3, e^x1 is)")]})
    grade(question.check(student.value("q3")))


@weight(1)
@number("4a")
@visibility("after_due_date")
def test_q4a(student, grade):
    """Q4a: the Jacobian of g(v) = A v"""
    grade(matrix("q4a", ("m", "n"), JACOBIAN_LAYOUT).check(student.value("q4a")))


@weight(1)
@number("4b")
@visibility("after_due_date")
def test_q4b(student, grade):
    """Q4b: the Jacobian of h(v) = v + w"""
    grade(matrix("q4b", ("n", "n"), JACOBIAN_LAYOUT).check(student.value("q4b")))


@weight(2)
@number("5a")
@visibility("after_due_date")
def test_q5a(student, grade):
    """Q5a: ∇_A vᵀAv"""
    grade(matrix("q5a", ("n", "n")).check(student.value("q5a")))


@weight(2)
@number("5b")
@visibility("after_due_date")
def test_q5b(student, grade):
    """Q5b: ∇_A ‖Av‖²"""
    question = matrix("q5b", ("m", "n"), wrong=[
        ("A @ v @ v.T", "missing a factor 2: differentiating a square brings one down")])
    grade(question.check(student.value("q5b")))


def _q6(name, shape, wrong=()):
    @weight(1)
    @number(name[1:])
    @visibility("after_due_date")
    def test(student, grade):
        grade(matrix(name, shape, wrong=wrong).check(student.value(name)))
    return test


test_q6a = _q6("q6a", ("m", 1), wrong=[
    ("2 * (y - yp)", "the sign is flipped: differentiate (y − y')² by y' with the chain rule "
                     "(the inner derivative is −1)")])
test_q6a.__doc__ = "Q6a: ∇y' L"
test_q6b = _q6("q6b", ("m", "k"))
test_q6b.__doc__ = "Q6b: ∇W L"
test_q6c = _q6("q6c", ("m", 1))
test_q6c.__doc__ = "Q6c: ∇c L"
test_q6d = _q6("q6d", ("k", 1))
test_q6d.__doc__ = "Q6d: ∇h' L"
test_q6e = _q6("q6e", ("k", 1))
test_q6e.__doc__ = "Q6e: ∇h L"
test_q6f = _q6("q6f", ("k", "n"))
test_q6f.__doc__ = "Q6f: ∇V L"
test_q6g = _q6("q6g", ("k", 1))
test_q6g.__doc__ = "Q6g: ∇b L"
