"""Hostile and broken submissions already handled by the boundary (issue 3 extends this).

Each case asserts the exact outcome: which questions lose points, what the student reads, and
that every other question is still graded.
"""
import dataclasses

import pytest

from autograder.assignment import load_assignment
from autograder.gradescope import to_results_json
from autograder.grading import grade
from autograder.sandbox.session import Limits
from conftest import REFERENCE_GD, by_number, validate, write

GD = load_assignment("gd")
FAST = dataclasses.replace(GD, limits=Limits(load_seconds=3, probe_seconds=3),
                           question_seconds=20)
FULL = 15.0


def run(tmp_path, extra: str, schema):
    folder = tmp_path / "s"
    write(folder, "answers.py", REFERENCE_GD + "\n" + extra)
    result = grade(FAST, folder)
    validate(to_results_json(result), schema)
    return result, by_number(result)


@pytest.mark.parametrize("extra, lost, message", [
    # a value that is not math
    ("q1a = float('nan')", {"1a": 2}, "not a finite number"),
    ("q1a = 'x' * 10_000_000", {"1a": 2}, "too large to grade (a text answer has 10000000"),
    ("q1b = object()", {"1b": 1}, "expected an expression"),
    ("import numpy as np\nq1b = np.zeros(10**7)", {"1b": 1}, "too large to grade (the array"),
    ("class Evil:\n    def __eq__(self, o): return True\n    def __float__(self): return 1.0\n"
     "    def __str__(self): return '(a*w1, b*w2)'\nq1a = Evil()", {"1a": 2}, "expected an expression"),
    ("import sympy\nx = sympy.Symbol('a')\nq1c = ((1 + x)**100000, 1)", {"1c": 2}, "exponents above"),
    ("q1d = '9**9**9**9 < eta'", {"1d": 2}, "too large"),
    ("q2b = \"__import__('os').system('id')\"", {"2b": 2}, "quotes are not allowed"),
    # code that misbehaves when called
    ("def gd_distances(eta, epochs):\n    while True: pass", {"2c.1": 1, "2c.2": 2},
     "did not finish within 3 s"),
    ("def gd_distances(eta, epochs):\n    import time; time.sleep(60)", {"2c.1": 1, "2c.2": 2},
     "did not finish within 3 s"),
    ("def gd_distances(eta, epochs):\n    import os; os._exit(0)", {"2c.1": 1, "2c.2": 2},
     "exit code 0"),
    ("def gd_distances(eta, epochs):\n    raise KeyboardInterrupt", {"2c.1": 1, "2c.2": 2},
     "KeyboardInterrupt"),
    ("def gd_distances(eta, epochs):\n    return gd_distances(eta, epochs)", {"2c.1": 1, "2c.2": 2},
     "RecursionError"),
    ("def gd_distances(eta, epochs):\n    return [float('nan')] * epochs", {"2c.1": 1, "2c.2": 2},
     "contains NaN"),
    ("def gd_distances(eta, epochs):\n    return 'far'", {"2c.1": 1, "2c.2": 2},
     "expected an array of numbers"),
    ("def gd_distances(eta, epochs):\n    print('x' * 50_000_000)\n    return _r(eta, epochs)",
     {}, ""),
    ("gd_distances = 3", {"0.2c": 0, "2c.1": 1, "2c.2": 2},
     "should be a function, but it is not callable"),
    ("del gd_distances", {"0.2c": 0, "2c.1": 1, "2c.2": 2}, "`gd_distances` is not defined"),
])
def test_hostile_values_and_calls(tmp_path, results_schema, extra, lost, message):
    extra = extra.replace("_r(", "_reference_distances(")
    source_extra = "_reference_distances = gd_distances\n" + extra
    result, tests = run(tmp_path, source_extra, results_schema)
    assert result.score == FULL - sum(lost.values()), [(t.number, t.output) for t in result.tests
                                                       if not t.passed]
    for number in lost:
        assert not tests[number].passed and message in tests[number].output, tests[number].output


@pytest.mark.parametrize("extra, message", [
    ("import sys\nsys.exit(0)", "SystemExit"),
    ("raise SystemExit(3)", "SystemExit"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
])
def test_exits_at_import_cost_nothing_else(tmp_path, results_schema, extra, message):
    result, _ = run(tmp_path, extra, results_schema)
    assert result.score == FULL and message in result.output


@pytest.mark.parametrize("extra, message", [
    ("while True:\n    pass", "did not finish within 3 s"),
    ("import time\ntime.sleep(100)", "did not finish within 3 s"),
    ("import os\nos._exit(0)", "exit code 0"),
])
def test_a_hanging_or_dying_import_fails_every_question_clearly(tmp_path, results_schema,
                                                               extra, message):
    result, tests = run(tmp_path, extra, results_schema)
    assert result.score == 0
    assert all(message in t.output for t in result.tests)


def test_non_utf8_source(tmp_path, results_schema):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "answers.py").write_bytes(b"q1a = ('a*w1', 'b*w2')  # caf\xe9\n")
    result = grade(FAST, folder)
    validate(to_results_json(result), results_schema)
    assert result.score == 0 and "not readable text" in by_number(result)["1a"].output


def test_empty_file(tmp_path):
    folder = tmp_path / "s"
    write(folder, "answers.py", "")
    result = grade(FAST, folder)
    assert result.score == 0 and "answers.py is empty" in by_number(result)["1a"].output


def test_malformed_notebook(tmp_path):
    folder = tmp_path / "s"
    write(folder, "gd.ipynb", '{"cells": [ broken')
    result = grade(FAST, folder)
    assert result.score == 0
    assert "gd.ipynb is not a readable Jupyter notebook" in by_number(result)["1a"].output


def test_wrong_case_file_name_is_found(tmp_path):
    folder = tmp_path / "s" / "nested"
    write(folder, "Answers.PY", REFERENCE_GD)
    result = grade(FAST, tmp_path / "s")
    assert result.score == FULL and "graded Answers.PY as answers.py" in result.output
