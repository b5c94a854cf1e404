"""The matrix-expression checker: reading, shapes, layouts, identity, diagnoses, refusals."""
import pytest

from autograder.checkers.matrices import MatrixQuestion, check_shape
from autograder.checkers.matrix_parse import parse_matrix
from autograder.checkers.matrix_space import MatrixSpace
from autograder.checkers.parse import ParseError

SPACE = MatrixSpace({"A": ("m", "n"), "v": ("n", 1), "w": ("n", 1), "h": ("n", 1),
                     "g": ("n", 1)}, derived={"h": "A.T @ A @ v"})


@pytest.mark.parametrize("form", ["2*(A@v)@v.T", "2 A v vᵀ", "2*A v v^T", "2*A@outer(v, v)",
                                  "(A@v)@v.T*2", "2*(A@v)@transpose(v)", "A@(2*v)@v.T",
                                  "A@v@v.T + A@v@v.T", "2*A@v@v'", "-(-2)*A@v@v.T"])
def test_equivalent_matrix_forms(form):
    assert MatrixQuestion("2*(A@v)@v.T", SPACE, shape=("m", "n")).check(form).passed, form


def test_layout_is_strict_unless_the_question_allows_the_other():
    strict = MatrixQuestion("v @ w.T", SPACE, shape=("n", "n"), layout_message="row per output")
    assert strict.check("w @ v.T").message == "row per output"
    lenient = MatrixQuestion("v @ w.T", SPACE, shape=("n", "n"), allow_transpose=True)
    verdict = lenient.check("w @ v.T")
    assert verdict.passed and "transposed layout" in verdict.message


def test_identity_takes_the_size_it_needs():
    eye = MatrixQuestion("I", SPACE, shape=("n", "n"))
    for form in ["I", "2*I - I", "I @ I", "I + 0*v@v.T", "(I).T"]:
        assert eye.check(form).passed, form
    assert MatrixQuestion("A", SPACE, shape=("m", "n")).check("I @ A @ I").passed
    assert "I cannot be added" in MatrixQuestion("A", SPACE, shape=("m", "n")).check("A + I").message


def test_indicators_and_elementwise_products():
    q = MatrixQuestion("(h > 0) * g", SPACE, shape=("n", 1))
    for form in ["diag(h > 0) @ g", "step(h) * g", "g * (h > 0)"]:
        assert q.check(form).passed, form
    assert "entries differ" in q.check("g").message


@pytest.mark.parametrize("form, message", [
    ("v @ A", "a n×1 matrix cannot multiply a m×n one"),
    ("v + v.T", "do not match"),
    ("-2*A@v@v.T", "sign is flipped"),
    ("A@v@v.T", "constant factor (yours is 1/2 times"),
    ("A@w@v.T*2", "entries differ"),
    ("2*A@v@v.T@A.T", "wrong shape: expected m×n, got m×m"),
])
def test_diagnoses(form, message):
    verdict = MatrixQuestion("2*(A@v)@v.T", SPACE, shape=("m", "n")).check(form)
    assert not verdict.passed and message in verdict.message, verdict.message


@pytest.mark.parametrize("text, message", [
    ("A.shape", "only .T"), ("A[0]", "not allowed"), ("foo(A)", "unknown name 'foo'"),
    ("__import__('os')", "cannot read"), ("A ** v", "powers must be plain numbers"),
    ("A ** 100", "exponents above 16"), ("0 < v < 1", "one comparison"), ("", "empty"),
    ("x" * 3000, "characters long"), ("lambda: A", "unexpected character"),
])
def test_refusals(text, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.").replace("*", r"\*").replace("[", r"\[")):
        parse_matrix(text, SPACE)


def test_shape_only_form_check():
    assert check_shape("v @ v.T", SPACE, ("n", "n")).passed
    message = check_shape("A.T", SPACE, ("m", "n")).message    # the shape, never the fix
    assert message == "expected shape m×n, got n×m" and "transpose" not in message
    assert "expected shape n×n, got 1×1" in check_shape("v.T @ v", SPACE, ("n", "n")).message


OPTIM = MatrixSpace({"X": ("n", "d"), "t": ("n", 1), "a": ("n", 1), "w0": ("d", 1)},
                    scalars={"n": "dim:n", "eta": "positive", "lam": "positive"},
                    increasing=("n", "d"))  # fewer equations than unknowns: X Xᵀ invertible


def test_inverse_norm_trace_and_scalar_symbols():
    min_norm = MatrixQuestion("X.T @ inv(X @ X.T) @ t", OPTIM, shape=("d", 1))
    assert min_norm.check("X^T inv(X X^T) t").passed
    assert "needs a square matrix" in min_norm.check("inv(X) @ t").message
    step = MatrixQuestion("(n/2) * norm(X.T @ a)**2 / norm(X @ X.T @ a)**2", OPTIM, shape=(1, 1))
    for form in ["n * (a.T @ X @ X.T @ a) / (2 * a.T @ X @ X.T @ X @ X.T @ a)",
                 "(n/2) * trace(a.T @ X @ X.T @ a) / norm(X @ X.T @ a)**2"]:
        assert step.check(form).passed, form
    assert not step.check("norm(X.T @ a)**2 / norm(X @ X.T @ a)**2").passed  # missing n/2
    risk = MatrixQuestion("(1/n) * a.T @ (I - (2*eta/n) * X @ X.T) @ (I - (2*eta/n) * X @ X.T) @ a",
                          OPTIM, shape=(1, 1))
    assert risk.check("a.T @ (I - 2*eta/n*X@X.T) @ (I - 2*eta/n*X@X.T) @ a / n").passed
    assert not risk.check("a.T @ (I - eta/n*X@X.T) @ (I - eta/n*X@X.T) @ a / n").passed


def test_one_by_one_results_scale_but_do_not_add_to_vectors():
    q = MatrixQuestion("a / (a.T @ a)", OPTIM, shape=("n", 1))
    assert q.check("a / norm(a)**2").passed
    assert "do not match" in q.check("a + a.T @ a").message
    assert "unknown name 'kappa'" in q.check("kappa * a").message


def test_pseudo_inverse_and_singular_inverse():
    min_norm = MatrixQuestion("X.T @ inv(X @ X.T) @ t", OPTIM, shape=("d", 1))
    assert min_norm.check("pinv(X) @ t").passed
    assert min_norm.check("X.T @ pinv(X @ X.T) @ t").passed
    message = min_norm.check("inv(X.T @ X) @ X.T @ t").message
    assert message.startswith("cannot evaluate it: the inverse of a singular"), message


def test_written_math_notation():
    """Run-together names, ᵀ and ⁻¹ after brackets, ‖·‖, and powers of square matrices."""
    min_norm = MatrixQuestion("X.T @ inv(X @ X.T) @ t", OPTIM, shape=("d", 1))
    for form in ["Xᵀ(XXᵀ)⁻¹t", "X^T (X X^T)^-1 t", "X' (X X')^(-1) t"]:
        assert min_norm.check(form).passed, form
    risk = MatrixQuestion("(1/n) * a.T @ (I - (2*eta/n) * X @ X.T) @ (I - (2*eta/n) * X @ X.T) @ a",
                          OPTIM, shape=(1, 1))
    for form in ["1/n aᵀ(I − 2η/n XXᵀ)² a", "1/n * ‖(I - 2η/n XXᵀ) a‖²",
                 "a^T a/n - 4 eta/n^2 a^T X X^T a + 4 eta^2/n^3 a^T (X X^T)^2 a"]:
        assert risk.check(form).passed, form
    step = MatrixQuestion("(n/2) * norm(X.T @ a)**2 / norm(X @ X.T @ a)**2", OPTIM, shape=(1, 1))
    assert step.check("(n/2) (Xᵀa)ᵀ(Xᵀa) / ((XXᵀa)ᵀ(XXᵀa))").passed
    assert "whole power" in min_norm.check("Xᵀ (X Xᵀ)^0.5 t").message
    vector = MatrixQuestion("a * a", OPTIM, shape=("n", 1))
    assert vector.check("a^2").passed          # a vector squares entry by entry
    assert vector.check("2^-1 * a * a * 2").passed      # a number to a negative power
    assert "not finite" in vector.check("(I - I)^-1 a").message
