"""Every pytest outcome becomes a result worth its points; results.json always validates."""
import json

import pytest

from autograder.assignment import load_assignment
from autograder.gradescope import engine_error_result, to_results_json, write_results
from autograder.grading import grade
from autograder.outcomes import Kind, Outcome, undecided
from tests.helpers import validate, write

TOML = '''
title = "Toy"
files = ["answers.py"]
[limits]
question_seconds = 2
[symbols]
x = "real"
[[questions]]
id = "1"
name = "q1"
kind = "expression"
points = 1
title = "one"
'''


def toml(points: dict) -> str:
    """TOML with a graded code question of each number, worth its points."""
    return TOML.split("[[questions]]")[0] + "".join(
        f'[[questions]]\nid = "{n}"\nname = "f{n}"\nkind = "function"\npoints = {p}\n'
        f'title = "question {n}"\n' for n, p in points.items())

GRADERS = '''
import time
import pytest
from autograder.api import Verdict, hide_errors, number, partial_credit, tags

@number("1")
def test_pass(student):
    """passes"""
    assert student.value("q1") == "x"

@number("2")
def test_incorrect(grade):
    """fails with feedback"""
    grade(Verdict(0.25, "a quarter right"))

@number("3")
def test_internal_error():
    """grader bug"""
    secret = 42
    raise KeyError(secret)

@number("4")
def test_skipped():
    """skipped"""
    pytest.skip("not today")

@number("5")
def test_timeout():
    """too slow"""
    while True:
        pass

@partial_credit(6)
@number("6")
def test_partial(set_score=None):
    """partial credit"""
    set_score(2.5)

@number("7")
def test_plain_assert():
    """plain assert"""
    reference = 12345
    assert reference == 0, "the sum is off"

@number("8")
@hide_errors("Something is wrong.")
def test_hidden_error():
    """hidden error"""
    assert False, "reference is 99"

@number("9")
@tags("calculus")
def test_missing_name(student):
    """missing name"""
    student.value("nope")
'''

BROKEN = '''
from autograder.api import number
import does_not_exist

@number("10")
def test_never_collected():
    """never collected"""
'''


@pytest.fixture
def toy(tmp_path):
    root = tmp_path / "graders"
    write(root / "toy", "assignment.toml", toml({n: n for n in range(1, 11)}))
    write(root / "toy", "test_outcomes.py", GRADERS)
    write(root / "toy", "test_broken.py", BROKEN)
    submission = tmp_path / "sub"
    write(submission, "answers.py", "q1 = 'x'\n")
    return load_assignment("toy", root), submission


def test_every_outcome_is_recorded(toy, results_schema):
    assignment, submission = toy
    log = []
    result = grade(assignment, submission, log=log)
    tests = {t.number: t for t in result.tests}
    assert set(tests) == {str(n) for n in range(1, 11)}
    assert result.max_score == sum(range(1, 11))
    expect = {"1": (1, "passed"), "2": (0.5, "failed"), "3": (0, "error"), "4": (0, "skipped"),
              "5": (0, "undecided"), "6": (2.5, "failed"), "7": (0, "failed"), "8": (0, "failed"),
              "9": (0, "failed"), "10": (0, "error")}
    for number, (score, outcome) in expect.items():
        assert (tests[number].score, tests[number].kind) == (score, outcome), number
    assert tests["2"].output == "a quarter right" and tests["2"].visibility == "after_due_date"
    assert "internal error" in tests["3"].output and "42" not in tests["3"].output
    assert "not today" in tests["4"].output
    assert "more than 2 s of CPU time: could not be decided automatically; flagged for your " \
           "instructor" in tests["5"].output
    assert tests["7"].output == "the sum is off" and "12345" not in tests["7"].output
    assert tests["8"].output == "Something is wrong."
    assert "`nope` is not defined in answers.py" in tests["9"].output
    assert tests["9"].tags == ("calculus",)
    assert "internal error" in tests["10"].output and tests["10"].max_score == 10
    assert any("KeyError: 42" in entry for entry in log)       # the instructor sees the cause
    assert any("does_not_exist" in entry for entry in log)
    data = to_results_json(result)
    validate(data, results_schema)
    assert data["score"] == pytest.approx(4.0)
    statuses = {t.get("number"): t["status"] for t in data["tests"]}
    assert statuses["1"] == "passed" and statuses["6"] == "failed"
    assert next(t for t in data["tests"] if t["number"] == "5")["tags"] == ["undecided"]
    notes = data["tests"][-1]           # for the instructor only: hidden, worth nothing
    assert (notes["visibility"], notes["max_score"], notes["name"]) == \
        ("hidden", 0, "For the instructor")
    assert "5: " in notes["output"] and "CPU time limit" in notes["output"]
    assert data["extra_data"] == {"undecided": ["5"]}


DECORATED = '''
from gradescope_utils.autograder_utils.decorators import visibility, weight
from autograder.api import number, partial_credit

@weight(99)
@visibility("visible")
@number("1")
def test_one():
    """decorated"""

@partial_credit(1)
@number("2")
def test_two(set_score=None):
    """partial"""
    set_score(1)
'''

FROM_THE_API = '''
from autograder.api import number, weight

@weight(3)
@number("3")
def test_three():
    """from the api"""
'''


def test_points_and_visibility_come_from_the_toml_never_from_a_decorator(tmp_path):
    """gradescope-utils' own @weight, @visibility and partial_credit's weight disagree with
    assignment.toml and change nothing; autograder.api refuses @weight, naming the toml."""
    root = tmp_path / "graders"
    write(root / "toy", "assignment.toml", toml({1: 2, 2: 4, 3: 3}))   # after_due_date
    write(root / "toy", "test_decorated.py", DECORATED)
    write(root / "toy", "test_api.py", FROM_THE_API)
    submission = tmp_path / "sub"
    write(submission, "answers.py", "q1 = 'x'\n")
    log = []
    tests = {t.number: t for t in grade(load_assignment("toy", root), submission, log=log).tests}
    assert (tests["1"].score, tests["1"].max_score, tests["1"].visibility, tests["1"].kind) == \
        (2, 2, "after_due_date", "passed")
    assert (tests["2"].score, tests["2"].max_score, tests["2"].kind) == (1, 4, "failed")
    assert (tests["3"].score, tests["3"].max_score, tests["3"].kind) == (0, 3, "error")
    assert "internal error" in tests["3"].output
    refused = next(entry for entry in log if "test_api.py failed to load" in entry)
    assert "autograder.api has no @weight" in refused and "assignment.toml" in refused


@pytest.mark.parametrize("outcome", [
    Outcome(Kind.PASSED, 1.0, notes=("right", "also right")),
    Outcome(Kind.FAILED, 0.25, "a quarter right", score=1.5),
    undecided("too slow", "the check reached its CPU time limit", 0.5, "the sign is right"),
    Outcome(Kind.ERROR, message="internal", detail="Traceback ..."),
    Outcome(Kind.SKIPPED, message="Not checked.")])
def test_an_outcome_crosses_from_the_judging_child_unchanged(outcome):
    assert Outcome.from_json(json.loads(json.dumps(outcome.to_json()))) == outcome
    assert outcome.decided == (outcome.kind in ("passed", "failed", "skipped"))


def test_partial_credit_does_not_leak_between_runs(toy):
    assignment, submission = toy
    first = {t.number: t.score for t in grade(assignment, submission).tests}
    second = {t.number: t.score for t in grade(assignment, submission).tests}
    assert first == second


def test_engine_error_result_is_valid(tmp_path, results_schema):
    result = grade("no-such-assignment", tmp_path)
    assert result.engine_error and result.score == 0
    data = to_results_json(result)
    validate(data, results_schema)
    assert "contact your instructor" in data["tests"][0]["output"]
    assert data["tests"][0]["visibility"] == "visible"
    path = tmp_path / "results" / "results.json"
    write_results(engine_error_result("x", "boom"), path)
    validate(json.loads(path.read_text()), results_schema)


def test_a_check_that_runs_out_of_cpu_time_is_undecided_and_costs_only_itself(tmp_path):
    root = tmp_path / "graders"
    write(root / "slow", "assignment.toml", toml({1: 1, 2: 1, 3: 1}).replace(
        "question_seconds = 2", "question_seconds = 0.5"))
    write(root / "slow", "test_slow.py", """
from autograder.api import number

@number("1")
def test_one():
    '''spins'''
    while True:
        pass

@number("2")
def test_two():
    '''sleeps'''
    import time
    time.sleep(100)

@number("3")
def test_three():
    '''quick'''
""")
    submission = tmp_path / "sub"
    write(submission, "answers.py", "q1 = 'x'\n")
    tests = {t.number: t for t in grade(load_assignment("slow", root), submission).tests}
    assert tests["1"].kind == tests["2"].kind == "undecided"
    assert "more than 0.5 s of CPU time" in tests["1"].output
    assert "could not finish checking this answer in time" in tests["2"].output
    assert tests["3"].passed


def test_a_typo_in_the_limits_is_an_error(tmp_path):
    root = tmp_path / "graders"
    write(root / "typo", "assignment.toml", TOML.replace("[limits]", "[limits]\nprobe_second = 3"))
    with pytest.raises(ValueError, match="line 5: limits.probe_second: unknown key"):
        load_assignment("typo", root)


def test_same_named_grader_files_do_not_collide(tmp_path):
    """Two assignments (or two copies of one) whose graders share file names, graded one after
    the other in one process, each run their own tests."""
    submission = tmp_path / "sub"
    write(submission, "answers.py", "q1 = 'x'\n")
    for root_name, points in (("first", 3), ("second", 5)):
        root = tmp_path / root_name
        write(root / "toy", "assignment.toml", toml({1: points}))
        write(root / "toy", "test_answers.py", f"""
from autograder.api import number
@number("1")
def test_one():
    '''only'''
""")
        result = grade(load_assignment("toy", root), submission)
        assert [t.max_score for t in result.tests] == [points]
