"""Numbers and arrays: tolerance, shape first, transposes, NaN, and what is revealed."""
import numpy as np

from autograder.checkers.arrays import check_array
from autograder.checkers.numbers import check_number


def test_numbers():
    assert check_number(0.1 + 0.2, 0.3).passed
    assert not check_number(0.31, 0.3).passed
    assert check_number(np.float64(2.0), 2.0).passed
    assert check_number(np.array([2.0]), 2.0).passed
    assert check_number(2688, 2688, integer=True).passed
    assert "whole number" in check_number(2688.5, 2688, integer=True).message
    assert "not a finite" in check_number(float("nan"), 1.0).message
    assert "expected a number" in check_number("12", 12).message
    assert "expected a number" in check_number(True, 1).message


def test_arrays_shape_first():
    ref = np.arange(6.0).reshape(2, 3)
    assert check_array(ref.copy(), ref).passed
    assert check_array(ref.tolist(), ref).passed
    assert "transposed?" in check_array(ref.T, ref).message
    assert "right values, wrong shape" in check_array(ref.reshape(3, 2), ref).message
    assert "expected shape (2, 3), got (4,)" in check_array(np.zeros(4), ref).message
    assert "expected an array" in check_array("abc", ref).message


def test_arrays_values_and_feedback():
    ref = np.array([1.0, 2.0, 3.0, 4.0])
    got = ref.copy()
    got[2] = 3.5
    verdict = check_array(got, ref, what="f(x)")
    assert "1 of 4 entries are wrong" in verdict.message and "index 2" in verdict.message
    assert "3.5" not in verdict.message and "expected" not in verdict.message  # hidden: no values
    assert "expected 3, got 3.5" in check_array(got, ref, reveal=True).message
    assert "wrong sign" in check_array(-ref, ref).message
    nan = ref.copy()
    nan[1] = np.nan
    assert "contains NaN" in check_array(nan, ref).message
    assert check_array(np.array([np.inf, 1.0]), np.array([np.inf, 1.0])).passed
    assert not check_array(np.array([np.inf, 1.0]), np.array([-np.inf, 1.0])).passed
