"""Numbers, arrays, choices and per-case judging: tolerance, shape first, transposes, NaN,
and what is revealed; gradient hints."""
import re

import numpy as np
import pytest

from autograder.checkers.arrays import as_vector, check_array
from autograder.checkers.cases import judge_cases
from autograder.checkers.gradients import compare
from autograder.checkers.numbers import as_whole_numbers, check_number
from autograder.checkers.choices import normalise_choice
from autograder.checkers.verdict import Verdict
from autograder.outcomes import Incorrect, Undecided


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


def test_whole_numbers_and_vectors():
    assert as_whole_numbers((2688, 30.0), 2) == (2688, 30)
    assert as_whole_numbers(14, 1) == (14,)
    for bad, count in [((float("inf"), 3), 2), (float("nan"), 1), ([14], 1), (2.5, 1),
                       ((1, 2, 3), 2), (True, 1), (("1", 2), 2)]:
        assert as_whole_numbers(bad, count) is None, bad
    assert as_vector(np.ones((3, 1)), 3).shape == (3,)
    for bad, message in [([1.0, 2.0], "expected a vector of length d = 3, got shape (2,)"),
                         ([1.0, np.nan, 2.0], "NaN"), ("w", "got text")]:
        with pytest.raises(Incorrect, match=re.escape(message)):
            as_vector(bad, 3)


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
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose of the right result" in check_array(square.T, square).message
    assert "off by 5" in check_array(np.array([5.0, 1.0]), np.array([0.0, 1.0])).message


def test_choices_count_words_of_the_listed_options_only():
    yes_no = ("yes", "no")
    assert [normalise_choice(t, yes_no) for t in
            ("No, it does not.", "yes", False, True, "It never does", "maybe", "yes and no")] == \
        ["no", "yes", "no", "yes", "no", None, None]
    assert normalise_choice("no critical point") == "none"   # the default options
    assert normalise_choice(False) is None


def test_cases_credit_share_grouped_messages_and_time_outs():
    def right():
        return Verdict.right()

    def raises():
        raise Incorrect("`f(...)` raised an error")

    def hangs():
        raise Undecided("`f(...)`: it did not finish within 1 s")

    verdict = judge_cases([("case 1", right), ("case 2", lambda: Verdict.wrong("shape (2,)")),
                           ("case 3", lambda: Verdict.wrong("shape (2,)")), ("case 4", raises)])
    assert verdict.fraction == 0.25
    assert "case 2 and case 3: shape (2,)" in verdict.message
    assert "case 4: `f(...)` raised an error" in verdict.message
    verdict = judge_cases([("a", right), ("b", hangs), ("c", right), ("d", raises)])
    assert verdict.fraction == 0.5 and not verdict.passed      # a time-out is never a verdict:
    assert verdict.undecided == "1 of 4 cases:\nb: `f(...)`: it did not finish within 1 s"
    assert verdict.message == "1 of 4 cases are wrong:\nd: `f(...)` raised an error"
    assert "every case: nope" in judge_cases([("a", lambda: Verdict.wrong("nope")),
                                               ("b", lambda: Verdict.wrong("nope"))]).message
    assert judge_cases([("a", right)]).passed


def test_a_ratio_equal_to_the_batch_size_by_chance_is_not_a_missing_1_over_n():
    """K/2 = 3 = N: a factor another size of the case explains is not named a missing 1/N."""
    ref = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert compare("dJdW1", 3 * ref, ref, batch=3, sizes=(4, 6, 5)).message == \
        "dJdW1 is wrong: 3 times the right value"
    assert compare("dJdW1", ref / 3, ref, batch=3, sizes=(2, 6, 5)).message == \
        "dJdW1 is wrong: 1/3 times the right value"
    assert "a missing 1/N" in compare("dJdW1", 3 * ref, ref, batch=3, sizes=(4, 5, 7)).message
    assert "divided by the batch size" in compare("dJdW1", ref / 3, ref, batch=3,
                                                  sizes=(4, 5, 7)).message
