"""The checks of a grading run share bounded children (``isolated.run_batch``), and a limit
reached, or a child that dies, during one check still costs that question only: what was
judged before it is kept, it is undecided (never wrong), the checks after it run in a fresh
child; and the results are those of one child per check."""
from __future__ import annotations

import os
import signal
import time

import pytest

from autograder import isolated, plugin
from autograder.assignment import load_assignment
from autograder.grading import grade
from autograder.outcomes import FLAGGED, Kind, Outcome
from autograder.student import Student
from tests.helpers import REFERENCE_GD, ROOT, write

MB = 1024 * 1024
KEPT: list[bytes] = []   # what a check leaves allocated in its child


def _pid() -> Outcome:
    return Outcome(Kind.PASSED, 1.0, message=str(os.getpid()))


def _spin(seconds: float) -> None:
    """Use ``seconds`` of CPU time (user and system, as the limits count it)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)


def _out_of_memory(megabytes: int = 64):
    KEPT.append(bytearray(megabytes * MB))   # past the limit: MemoryError, not caught


TROUBLE = {   # check 3 of 5 does this, and how its outcome says so
    "is killed": (_killed, "the check's process ended with signal SIGKILL"),
    "runs out of memory": (_out_of_memory, "the check's process ended with exit code 1"),
    "runs out of CPU time": (lambda: _spin(10), "the check reached its CPU time limit"),
    "waits past its wall-clock bound": (lambda: time.sleep(60), "the check was stopped after"),
}


@pytest.fixture
def patient(monkeypatch):
    """A wall-clock bound far past the CPU limit: a loaded machine may give a check a tenth
    of a core, and these checks are to reach their CPU limit, not the wall clock's."""
    monkeypatch.setattr(isolated, "WALL_FACTOR", 1000)


@pytest.mark.parametrize("trouble", list(TROUBLE))
def test_a_limit_reached_in_the_middle_of_a_batch_costs_that_check_only(trouble, request):
    act, detail = TROUBLE[trouble]
    if trouble == "runs out of CPU time":
        request.getfixturevalue("patient")

    def third() -> Outcome:
        act()
        return _pid()
    outcomes = isolated.run_batch([_pid, _pid, third, _pid, _pid], cpu_seconds=0.3,
                                  memory_mb=32)
    assert [o.kind for o in outcomes] == ["passed", "passed", "undecided", "passed", "passed"]
    assert FLAGGED in outcomes[2].message and detail in outcomes[2].detail
    before, after = {outcomes[0].message, outcomes[1].message}, {o.message for o in outcomes[3:]}
    assert len(before) == 1 and len(after) == 1 and str(os.getpid()) not in before
    # a child that ended gives way to a fresh one; the graceful CPU limit leaves it running
    assert (before == after) == (trouble == "runs out of CPU time")


def test_each_check_of_a_batch_has_its_own_limits(patient):
    """Three checks in one child, each using half its CPU time and most of its memory (kept
    after it ends): together they exceed one check's limits, and each passes."""
    def heavy() -> Outcome:
        _spin(0.15)
        KEPT.append(bytearray(24 * MB))
        return _pid()
    outcomes = isolated.run_batch([heavy, heavy, heavy], cpu_seconds=0.3, memory_mb=32)
    assert [o.kind for o in outcomes] == ["passed"] * 3
    assert len({o.message for o in outcomes}) == 1   # one child did all three


VICTIM = "gd/test_closed_forms.py::test_closed_form[1d]"


def _tests(result) -> list[tuple]:
    return [(t.number, t.kind, t.score, t.output) for t in result.tests]


@pytest.mark.parametrize("trouble", ["is killed", "runs out of memory"])
def test_a_check_that_dies_in_a_grading_costs_its_question_only(trouble, monkeypatch, tmp_path):
    folder = write(tmp_path / "s", "answers.py", REFERENCE_GD).parent
    alone = _tests(grade("gd", folder))
    judge, act = Student.judge, TROUBLE[trouble][0]
    if trouble == "runs out of memory":   # past the grader's limit
        megabytes = load_assignment("gd").grader_limits.grader_memory_mb + 64
        act = lambda: _out_of_memory(megabytes)  # noqa: E731

    def judged(self, test):
        if test == VICTIM:
            act()
        return judge(self, test)
    monkeypatch.setattr(Student, "judge", judged)
    result = grade("gd", folder)
    tests = {t.number: t for t in result.tests}
    assert tests["1d"].kind == "undecided" and FLAGGED in tests["1d"].output
    assert [t for t in _tests(result) if t[0] != "1d"] == [t for t in alone if t[0] != "1d"]


# each known wrong answer of gd's assignment.toml in a submission of its own; and wrong code
KNOWN_WRONG = ['q1a = ("2*a*w1", "b*w2")', 'q1a = ("a*w1", "2*b*w2")',
               'q1c = ("1 + eta*a", "1 - eta*b")', 'q1c = ("1 - eta*a", "1 + eta*b")',
               'q1d = "0 < eta < 2/min(a, b)"',
               "def gd_distances(eta, epochs):\n    return [1.0] * epochs"]


def _submissions() -> list[str]:
    """gd's reference, its template, and the reference with each known wrong answer."""
    template = (ROOT / "student_template" / "gd" / "answers.py").read_text()
    return [REFERENCE_GD, template, *(f"{REFERENCE_GD}\n{wrong}\n" for wrong in KNOWN_WRONG)]


def test_one_child_for_all_checks_grades_as_one_child_per_check(monkeypatch, tmp_path):
    texts = _submissions()
    batched, separate, children = [], [], []
    real = isolated.fork_stream

    def counted(*args, **options):
        children.append(1)
        return real(*args, **options)
    monkeypatch.setattr(isolated, "fork_stream", counted)
    for i, text in enumerate(texts):
        folder = write(tmp_path / f"s{i}", "answers.py", text).parent
        batched.append(_tests(grade("gd", folder)))
    assert len(children) == len(texts)   # one judging child a grading
    monkeypatch.setattr(plugin, "run_batch", lambda calls, **limits: [
        isolated.run_isolated(call, **limits) for call in calls])
    for i in range(len(texts)):
        separate.append(_tests(grade("gd", tmp_path / f"s{i}")))
    assert batched == separate
    failed = [{n for n, kind, _, _ in tests if kind == "failed"} for tests in batched]
    assert not failed[0] and {"1a", "1c", "1d", "2c.1"} <= set().union(*failed[2:])
