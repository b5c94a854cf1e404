"""Correctness of `gd`'s code question (instructors only: needs reference/gd).  The closed
forms are graded from assignment.toml (test_closed_forms.py); points and visibility of every
test are there too: the handout's case of 2c is visible at once (a student can run it anyway),
its hidden random cases after the due date.
"""
import random

import numpy as np

from autograder.api import Verdict, as_array, check_array, judge_cases, load_reference, number

REF = load_reference("gd")


HANDOUT_ETAS = (0.02, 0.05, 0.1)


def _hidden_cases() -> list[tuple[float, int]]:
    rng = random.Random(2024)
    return [(round(rng.uniform(0.004, 0.09), 4), rng.randint(3, 150)) for _ in range(5)]


def _distances(student, eta, epochs, show) -> Verdict:
    got = student.call("gd_distances", eta, epochs, show_args=show)
    ref = REF.gd_distances(eta, epochs)
    what = f"gd_distances({eta}, {epochs})" if show else "gd_distances on a hidden case"
    array = as_array(got)
    if array is not None and array.size in (epochs, epochs + 1) and array.ndim <= 2 \
            and max(array.shape, default=0) == array.size:
        array = array.reshape(-1)
        if array.size == epochs + 1 and np.isclose(array[0], np.sqrt(10.0)):
            array = array[1:]  # also counted t = 0: an accepted layout
    return check_array(array if array is not None else got, ref, rtol=1e-6, atol=1e-9,
                       what=what, reveal=show)


@number("2c.1")
def test_q2c_handout(student, grade):
    grade(judge_cases([(f"η = {eta}", lambda eta=eta: _distances(student, eta, 30, True))
                       for eta in HANDOUT_ETAS]))


@number("2c.2")
def test_q2c_hidden(student, grade):
    grade(judge_cases([(f"hidden case {i}", lambda eta=eta, epochs=epochs:
                        _distances(student, eta, epochs, False))
                       for i, (eta, epochs) in enumerate(_hidden_cases(), 1)]))
