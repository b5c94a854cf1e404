"""Public self-check of the functions: does each run on a small public example and return the
right kind of result?  Correctness is not judged here (0 points, always visible)."""
import numpy as np
import pytest

from autograder.api import (Incorrect, Verdict, as_array, as_number, as_vector, as_whole_numbers,
                            describe, number)

X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])
T = np.array([1.0, 2.0])
NET = [("conv", 3, 2), ("pool", 2), ("conv", 1, 3)]


def _vector(value) -> Verdict:
    as_vector(value, 3)
    return Verdict.right()


def _solves(value) -> Verdict:
    return Verdict.right() if np.allclose(X @ as_vector(value, 3), T) else \
        Verdict.wrong("the result does not solve X w = t")


def _number(value) -> Verdict:
    got = as_number(value)
    return Verdict.right() if got is not None and np.isfinite(got) else \
        Verdict.wrong(f"expected a number, got {describe(value)}")


def _same_shape(value) -> Verdict:
    array = as_array(value)
    return Verdict.right() if array is not None and array.shape == (4, 6) else \
        Verdict.wrong(f"expected an array of I's shape (4, 6), got {describe(value)}")


def _two_integers(value) -> Verdict:
    return Verdict.right() if as_whole_numbers(value, 2) is not None else \
        Verdict.wrong(f"expected (neurons, parameters), two integers; got {describe(value)}")


def _positive_integer(value) -> Verdict:
    whole = as_whole_numbers(value, 1)
    return Verdict.right() if whole is not None and whole[0] >= 1 else \
        Verdict.wrong(f"expected a whole number of at least 1, got {describe(value)}")


CALLS = [
    ("1b", "min_norm_solution", (X, T), _solves),
    ("1c", "minibatch_sgd", (X, T, 1, 0.05, 20, 0), _vector),
    ("2c", "rmsprop", (X, T, 0.01, 0.9, 1e-8, 20), _vector),
    ("4b", "optimal_lr", (X, T, np.zeros(3)), _number),
    ("6b", "conv2d", (np.arange(24.0).reshape(4, 6), np.eye(3)), _same_shape),
    ("7b", "cnn_counts", (8, NET), _two_integers),
    ("7c", "fc_counts", (8, NET), _two_integers),
    ("8b", "receptive_field", ([(3, 1), (2, 2)],), _positive_integer),
]


@number("0.{qid}.run")
@pytest.mark.parametrize("qid, name, args, check", CALLS, ids=[c[1] for c in CALLS])
def test_runs(qid, name, args, check, student, grade):
    """Q{qid} runs: {name} on a small public example"""
    result = student.call(name, *args)
    try:
        verdict = check(result)
    except Incorrect as exc:   # as_vector's
        verdict = Verdict(exc.fraction, str(exc))
    if not verdict.passed:
        grade(Verdict.wrong(f"`{name}`: {verdict.message}"))
    grade(Verdict.right(f"`{name}` runs and returns the right kind of result; whether it is "
                        f"correct is checked when you submit."))
