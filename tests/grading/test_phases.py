"""Nothing hidden reaches a student before the due date: every value the checks need is fetched
before any check runs, no student code runs after one, and the always-visible parts of
results.json say nothing about hidden tests."""
from __future__ import annotations

import json
import shutil

import pytest

from autograder import isolated, plugin
from autograder.gradescope import to_results_json
from autograder.grading import grade
from autograder.limits import StudentLimits
from autograder.sandbox import session
from autograder.submission import Cell
from tests.helpers import REFERENCE_GD, ROOT, gd_with, run_cli, write

EVENTS: list[str] = []


@pytest.fixture
def events(monkeypatch):
    """Record, in order, each probe sent to student code and each check that runs."""
    EVENTS.clear()
    request, judge = session.SandboxSession.request, isolated.run_batch

    def probe(self, message, timeout=None):
        EVENTS.append(f"probe {message['op']}")
        return request(self, message, timeout)

    def check(calls, **limits):
        EVENTS.extend("check" for _ in calls)
        return judge(calls, **limits)

    monkeypatch.setattr(session.SandboxSession, "request", probe)
    monkeypatch.setattr(plugin, "run_batch", check)
    return EVENTS


@pytest.mark.parametrize("assignment, files", [
    ("gd", {"answers.py": "reference/gd/answers.py"}),
    ("backprop", {"answers.py": "reference/backprop/answers.py",
                  "mlp.py": "reference/backprop/mlp.py"}),
    ("optim_cnn", {"answers.py": "reference/optim_cnn/answers.py"})])
def test_every_probe_comes_before_every_check(events, assignment, files, tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    for name, source in files.items():
        shutil.copyfile(ROOT / source, folder / name)
    result = grade(assignment, folder)
    assert result.score == result.max_score
    probes = [i for i, e in enumerate(events) if e.startswith("probe")]
    checks = [i for i, e in enumerate(events) if e == "check"]
    assert probes and checks and max(probes) < min(checks)
    assert len(checks) == len(result.tests)
    assert {"probe value", "probe call" if assignment != "backprop" else "probe run"} <= \
        set(events)


def test_the_child_is_closed_before_checks_and_cannot_be_restarted(tmp_path):
    sandbox = session.SandboxSession([Cell("answers.py", "x = 1")], tmp_path, StudentLimits())
    assert sandbox.request(session.value_request("x")).value == 1
    sandbox.close()
    with pytest.raises(RuntimeError, match="no student code runs after checks"):
        sandbox.request(session.value_request("x"))


def test_the_visible_summary_is_the_same_whatever_the_hidden_answers(tmp_path):
    right = to_results_json(grade("gd", gd_with(tmp_path / "right")))
    wrong = to_results_json(grade("gd", gd_with(tmp_path / "wrong", q1a='("a", "b")',
                                                q1d='"0 < eta < 1"', q2b='"7"')))
    assert right["score"] == 15 and wrong["score"] < 15
    assert right["output"] == wrong["output"]
    assert "15" not in right["output"] and "14 points" in right["output"]
    assert "execution_time" not in right and right["visibility"] == "after_due_date"
    shown = {t["number"]: t for t in right["tests"] if t["visibility"] == "visible"}
    assert shown == {t["number"]: t for t in wrong["tests"] if t["visibility"] == "visible"}


def test_an_engine_error_shows_students_no_detail(tmp_path, results_schema):
    root = tmp_path / "gs"
    write(root / "submission", "answers.py", REFERENCE_GD)
    done = run_cli("gradescope", env={"AUTOGRADER_ROOT": str(root),
                                      "AUTOGRADER_ASSIGNMENT": "no-such-assignment"})
    assert done.returncode == 2
    data = json.loads((root / "results" / "results.json").read_text())
    shown = [data["output"]] + [t["output"] for t in data["tests"] if t["visibility"] != "hidden"]
    assert all("unknown" not in text and "no-such-assignment" not in text for text in shown)
    assert any("contact your instructor" in text for text in shown)
    hidden = [t for t in data["tests"] if t["visibility"] == "hidden"]
    assert len(hidden) == 1 and "unknown assignment 'no-such-assignment'" in hidden[0]["output"]
    assert hidden[0]["max_score"] == 0


def test_a_public_form_check_names_the_shape_never_the_fix(tmp_path):
    source = (ROOT / "reference" / "calculus" / "answers.py").read_text() + '\nq4a = "A.T"\n'
    result = grade("calculus", write(tmp_path / "s", "answers.py", source).parent,
                   public_only=True)
    form = next(t for t in result.tests if t.number == "0.4a")
    assert form.output == "`q4a`: expected shape m×n, got n×m"


def test_a_question_without_visibility_is_shown_after_the_due_date(tmp_path):
    """Also when its grader file does not load: the toml still gives its result."""
    root = tmp_path / "graders"
    write(root / "toy", "assignment.toml", """
title = "Toy"
files = ["answers.py"]

[[questions]]
id = "1"
name = "f"
kind = "function"
points = 1
title = "a test with no visibility of its own"

[[questions]]
id = "2"
name = "g"
kind = "function"
points = 1
title = "a grader file that does not load"
""")
    write(root / "toy", "test_forgotten.py", """
from autograder.api import number

@number("1")
def test_no_visibility():
    pass
""")
    write(root / "toy", "test_broken.py", """
import does_not_exist
from autograder.api import number

@number("2")
def test_never_loads():
    pass
""")
    from autograder.assignment import load_assignment
    result = grade(load_assignment("toy", root), write(tmp_path / "s", "answers.py", "x = 1").parent)
    assert {t.number: t.visibility for t in result.tests} == {"1": "after_due_date",
                                                              "2": "after_due_date"}
