"""A time limit reached anywhere is never an engine error and never a verdict.

The limits themselves: a limit's signal that arrives while a limit's own entry or exit runs (a
loaded machine makes that likely) never escapes the ``with``.  And wherever a limit is reached
outside a check anyway (loading a grader file, planning, before the first question, a fixture,
between questions, writing results.json), the questions not yet judged are undecided and
flagged, what was judged keeps its verdict, and results.json is valid.  Each point is reached
deterministically, by raising the limit's exception there."""
from __future__ import annotations

import json
import signal
import time

import pytest

from autograder import grading
from autograder.assignment import load_assignment
from autograder.budget import cpu_limit, wall_limit
from autograder.gradescope import to_results_json, write_results
from autograder.grading import grade
from autograder.outcomes import FLAGGED, Expired
from autograder.plugin import GradingPlugin
from autograder.student import Student
from tests.helpers import validate, write

real_setitimer = signal.setitimer


def _spin(seconds: float = 10) -> None:
    """Work until stopped, or ``seconds`` at most (a limit that never fires fails the test
    instead of hanging it)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_limit_whose_time_is_up_as_its_block_ends_stops_nothing_after_it(monkeypatch):
    """The timer's signal arrives inside ``__exit__``, before the timer is disarmed."""
    def setitimer(which, seconds, interval=0.0):
        if seconds == 0:
            left = real_setitimer(which, 0)
            signal.raise_signal(signal.SIGPROF)   # delivered now, inside the limit's __exit__
            return left
        return real_setitimer(which, seconds, interval)

    monkeypatch.setattr(signal, "setitimer", setitimer)
    with cpu_limit(5) as limit:
        pass
    assert not limit.expired      # the block had ended: nothing to stop, nothing escaped


def test_a_limit_whose_time_is_up_before_its_block_starts_stops_the_block(monkeypatch):
    """The signal arrives inside ``__enter__``: the block still runs under the limit."""
    def setitimer(which, seconds, interval=0.0):
        if seconds == 5:          # arming this limit: its time is up at once
            real_setitimer(which, 0)
            signal.raise_signal(signal.SIGPROF)
            return 0.0, 0.0
        return real_setitimer(which, seconds, interval)

    monkeypatch.setattr(signal, "setitimer", setitimer)
    after = []
    with cpu_limit(5) as limit:
        after.append("the block started")
        _spin()
    assert limit.expired and after == ["the block started"]


def test_a_late_signal_of_an_inner_limit_does_not_stop_the_outer_block():
    with cpu_limit(5) as outer:
        with cpu_limit(1):
            pass
        signal.raise_signal(signal.SIGPROF)   # the inner timer's, arriving after its block
        reached = True
    assert reached and not outer.expired


def test_an_outer_limit_reached_in_an_inner_limits_exit_stops_the_outer_block(monkeypatch):
    """The outer limit's time is up while the inner one's ``__exit__`` runs: the outer limit
    does not interrupt that bookkeeping; it fires again a moment later, in its own block."""
    inner = cpu_limit(1)
    def setitimer(which, seconds, interval=0.0):
        left = real_setitimer(which, seconds, interval)
        if seconds == 0 and which == signal.ITIMER_PROF and inner._armed:
            real_setitimer(signal.ITIMER_REAL, 0)   # the wall limit's time is up here
            signal.raise_signal(signal.SIGALRM)
        return left

    handler = signal.getsignal(signal.SIGPROF)
    monkeypatch.setattr(signal, "setitimer", setitimer)
    with wall_limit(60) as outer:
        with inner:
            pass
        _spin()
    assert outer.expired and not inner.expired
    # the inner limit finished its exit: its timer is off and the handler before it is back
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is handler


# ----------------------------------------------------------------------------------------------
TOML = '''
title = "Three"
files = ["answers.py"]
[limits]
question_seconds = 5
''' + "".join(f'''
[[questions]]
id = "{n}"
name = "f{n}"
kind = "function"
points = {n}
title = "question {n}"
''' for n in (1, 2, 3))

GRADERS = '''
from autograder.api import number

@number("1")
def test_one(student):
    """one"""
    assert student.value("x") == 1

@number("2")
def test_two(student):
    """two"""
    assert student.value("x") == 1

'''
THIRD = '''
from autograder.api import number

@number("3")
def test_three(student):
    """three"""
    assert student.value("x") == 1
'''
EXPIRED = "\nfrom autograder.budget import cpu_limit\nfrom autograder.outcomes import Expired\n"


@pytest.fixture
def three(tmp_path):
    """An assignment of three questions in two grader files, and a right submission."""
    def make(graders: str = GRADERS, third: str = THIRD):
        root = tmp_path / "graders"
        write(root / "three", "assignment.toml", TOML)
        write(root / "three", "test_a.py", graders)
        write(root / "three", "test_b.py", third)
        write(tmp_path / "sub", "answers.py", "x = 1\n")
        return load_assignment("three", root), tmp_path / "sub"
    return make


def _outcomes(result, results_schema) -> dict:
    validate(to_results_json(result), results_schema)
    assert not result.engine_error
    for test in result.undecided:
        assert test.score == 0 and test.output.endswith(f"{FLAGGED}.") and test.detail
    return {t.number: t.kind for t in result.tests}


def _raise_once(original):
    calls = []
    def patched(*args, **kwargs):
        if not calls:
            calls.append(1)
            raise Expired(cpu_limit(1))
        return original(*args, **kwargs)
    return patched


def test_right_work_is_right(three, results_schema):
    assert set(_outcomes(grade(*three()), results_schema).values()) == {"passed"}


def test_a_limit_reached_while_loading_a_grader_file(three, results_schema):
    result = grade(*three(third=EXPIRED + "raise Expired(cpu_limit(1))\n" + THIRD))
    assert _outcomes(result, results_schema) == {"1": "passed", "2": "passed",
                                                 "3": "undecided"}


def test_a_limit_reached_while_planning(three, monkeypatch, results_schema):
    monkeypatch.setattr(Student, "plan", _raise_once(Student.plan))
    assert _outcomes(grade(*three()), results_schema) == {"1": "undecided", "2": "passed",
                                                         "3": "passed"}


@pytest.mark.parametrize("where", ["fetch", "__init__"])
def test_a_limit_reached_before_the_first_question(where, three, monkeypatch, results_schema):
    """Before the first question: fetching the replies (pytest's run stops), or starting the
    student's sandbox (before pytest starts)."""
    monkeypatch.setattr(Student, where, _raise_once(getattr(Student, where)))
    log = []
    result = grade(*three(), log=log)
    assert _outcomes(result, results_schema) == {"1": "undecided", "2": "undecided",
                                                 "3": "undecided"}
    assert result.max_score == 6 and any("Expired" in entry for entry in log)
    assert to_results_json(result)["extra_data"] == {"undecided": ["1", "2", "3"]}


def test_a_limit_reached_in_a_fixture(three, results_schema):
    graders = GRADERS.replace('def test_two(student):', 'def test_two(student, slow):') + '''
import pytest
from autograder.budget import cpu_limit
from autograder.outcomes import Expired

@pytest.fixture
def slow():
    raise Expired(cpu_limit(1))
'''
    assert _outcomes(grade(*three(graders)), results_schema) == {"1": "passed",
                                                                "2": "undecided",
                                                                "3": "passed"}


def test_a_limit_reached_between_questions(three, monkeypatch, results_schema):
    class Stopping(GradingPlugin):
        def pytest_runtest_logfinish(self, nodeid):
            raise Expired(cpu_limit(1))

    monkeypatch.setattr(grading, "GradingPlugin", Stopping)
    assert _outcomes(grade(*three()), results_schema) == {"1": "passed", "2": "undecided",
                                                         "3": "undecided"}


def test_a_limit_reached_while_writing_results(three, monkeypatch, tmp_path, results_schema):
    from autograder import gradescope
    result = grade(*three())
    monkeypatch.setattr(gradescope, "encode_results", _raise_once(gradescope.encode_results))
    path = tmp_path / "results" / "results.json"
    write_results(result, path)
    data = json.loads(path.read_text())
    validate(data, results_schema)
    assert data["score"] == 6
