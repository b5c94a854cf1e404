"""Assignment `gd` end to end: reference, template, seed answers, known wrong answers, verbs."""
import json
import os
import shutil
import subprocess

import nbformat
import pytest

from autograder.gradescope import to_results_json
from tests.helpers import REFERENCE_GD, ROOT, by_number, gd_with, grade_gd, run_cli, validate, write

FULL = 15.0


@pytest.fixture(scope="module")
def reference_result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    write(folder, "answers.py", REFERENCE_GD)
    return grade_gd(folder)


def test_reference_scores_full_marks(reference_result, results_schema):
    assert reference_result.score == reference_result.max_score == FULL
    assert all(t.passed for t in reference_result.tests)
    validate(to_results_json(reference_result), results_schema)


def test_form_checks_come_first_and_are_visible(reference_result):
    public = [t for t in reference_result.tests if t.public]
    assert len(public) == 8 and reference_result.tests[:8] == public
    assert all(t.visibility == "visible" and t.max_score == 0 for t in public)


def test_untouched_template_scores_zero_with_a_message_each(tmp_path):
    folder = tmp_path / "template"
    shutil.copytree(ROOT / "student_template" / "gd", folder)
    result = grade_gd(folder)
    assert result.score == 0
    for test in result.tests:
        if test.number == "0.2c":
            assert test.passed  # the function exists; it just is not written yet
            continue
        assert not test.passed
        assert "not answered yet" in test.output or "not implemented yet" in test.output, test


def test_seed_students_forms_pass(tmp_path):
    """The forms real students wrote in seeds 001 and 000, transcribed as text."""
    folder = gd_with(tmp_path, q1a='("a w1", "b w2")', q1b='("0", "0")',
                     q1c='("(1 - η a)", "(1 - η b)")', q1d='"0 < η < min(2/a, 2/b)"',
                     q2a="[1, 3]", q2b='"η < 0.067"')
    result = grade_gd(folder)
    assert result.score == FULL, [(t.name, t.output) for t in result.tests if not t.passed]


def test_known_wrong_answers_get_their_messages(tmp_path):
    folder = gd_with(tmp_path, q1a='("2*a*w1", "2*b*w2")', q1c='("1 + eta*a", "1 + eta*b")',
                     q1d='"0 < eta < 2/min(a, b)"')
    tests = by_number(grade_gd(folder))
    assert tests["1a"].score == 0 and "forgot the ½" in tests["1a"].output
    assert tests["1c"].score == 0 and "sign of the step" in tests["1c"].output
    assert tests["1d"].score == 0 and "larger curvature max(a, b)" in tests["1d"].output
    assert tests["1b"].passed and tests["2c.2"].passed  # the rest is still graded


@pytest.mark.parametrize("answer, message", [
    ('"0 <= eta < 2/max(a, b)"', "with η = 0 gradient descent never moves"),
    ('"0 < eta <= 2/max(a, b)"', "oscillates forever"),
    ('"-oo < eta < 2/max(a, b)"', "lower end is missing"),
])
def test_q1d_ends(tmp_path, answer, message):
    tests = by_number(grade_gd(gd_with(tmp_path, q1d=answer)))
    assert tests["1d"].score == 0 and message in tests["1d"].output
    assert sum(t.score for t in tests.values()) == FULL - 2


def test_partial_and_code_feedback(tmp_path):
    code = '''
def gd_distances(eta, epochs):
    import numpy as np
    d = _ref(eta, epochs)
    d[1] += 1.0
    return d
'''
    source = REFERENCE_GD.replace("def gd_distances", "def _ref") + code
    source += '\nq1c = ("1 - eta*a", "1 - eta")\nq2b = "0.07"\n'
    folder = tmp_path / "s"
    write(folder, "answers.py", source)
    tests = by_number(grade_gd(folder))
    assert tests["1c"].score == 1 and tests["1c"].output.startswith("ρ2: not correct")
    assert tests["2b"].score == 0
    assert "gd_distances(0.02, 30): 1 of 30 entries are wrong" in tests["2c.1"].output
    assert "hidden case" in tests["2c.2"].output and "eta" not in tests["2c.2"].output


def test_distances_including_the_start_are_accepted(tmp_path):
    extra = '''
def gd_distances(eta, epochs):
    import numpy as np
    return list(np.concatenate([[np.sqrt(10.0)], _ref(eta, epochs)]))
'''
    folder = tmp_path / "s"
    write(folder, "answers.py", REFERENCE_GD.replace("def gd_distances", "def _ref") + extra)
    result = grade_gd(folder)
    assert result.score == FULL


def test_notebook_grades_like_answers_py(tmp_path, reference_result):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# GD homework"),
                      nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
                      nbformat.v4.new_code_cell(REFERENCE_GD)]
    folder = tmp_path / "nb"
    folder.mkdir()
    nbformat.write(notebook, str(folder / "gd.ipynb"))
    result = grade_gd(folder)
    assert [(t.name, t.score) for t in result.tests] == \
        [(t.name, t.score) for t in reference_result.tests]
    assert "skipped 1 IPython magic" in result.output


def test_a_failing_line_costs_only_its_question(tmp_path):
    folder = tmp_path / "s"
    source = REFERENCE_GD.replace('q1d = "0 < eta < 2/max(a, b)"', "q1d = 2/max_(a, b)")
    write(folder, "answers.py", source)
    result = grade_gd(folder)
    tests = by_number(result)
    assert tests["1d"].score == 0 and "`q1d` is not defined" in tests["1d"].output
    assert "NameError" in tests["1d"].output and "line 8" in tests["1d"].output
    assert result.score == FULL - 2  # everything defined after the bad line still counts
    assert "line 8 raised `NameError" in result.output


def test_syntax_error_names_the_line(tmp_path):
    folder = tmp_path / "s"
    write(folder, "answers.py", "q1a = ('a*w1', 'b*w2')\nq1b = (0,\n")
    result = grade_gd(folder)
    assert result.score == 2   # q1a, above the broken line, still counts
    assert "SyntaxError" in by_number(result)["1b"].output
    assert "`q1b`: line 2 of answers.py has a syntax error" in by_number(result)["1b"].output


def test_missing_file_is_explained(tmp_path):
    folder = tmp_path / "s"
    write(folder, "homework.py", "q1a = 1\n")
    write(folder, "notes.py", "q1a = 2\n")
    result = grade_gd(folder)
    assert result.score == 0
    assert all("no answers.py or gd.ipynb found" in t.output for t in result.tests)
    assert "homework.py, notes.py" in result.output


def test_the_only_python_file_is_graded(tmp_path):
    folder = tmp_path / "s"
    write(folder, "homework.py", REFERENCE_GD)
    write(folder, "README.txt", "hi")
    result = grade_gd(folder)
    assert result.score == FULL
    assert "graded homework.py as answers.py (the only .py file)" in result.output


def test_run_autograder_in_a_temporary_root(tmp_path, results_schema):
    root = tmp_path / "autograder"
    write(root / "submission", "answers.py", REFERENCE_GD)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_ASSIGNMENT": "gd"}
    done = subprocess.run([str(ROOT / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data, results_schema)
    assert data["score"] == FULL and data["stdout_visibility"] == "hidden"


def test_run_autograder_writes_results_when_the_engine_fails(tmp_path, results_schema):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    write(root / "source", "ASSIGNMENT", "no-such-assignment\n")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root)}
    env.pop("AUTOGRADER_ASSIGNMENT", None)
    subprocess.run([str(ROOT / "run_autograder")], env=env, capture_output=True, timeout=300)
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data, results_schema)
    assert data["score"] == 0 and "contact your instructor" in data["tests"][0]["output"]


def test_grade_verb_writes_results(tmp_path, results_schema):
    folder = tmp_path / "s"
    write(folder, "answers.py", REFERENCE_GD)
    out = tmp_path / "out.json"
    done = run_cli("grade", "gd", str(folder), "--results", str(out))
    assert done.returncode == 0, done.stderr
    assert "Total: 15 / 15 points" in done.stdout
    validate(json.loads(out.read_text()), results_schema)


def test_check_works_without_reference_and_reveals_nothing(tmp_path):
    folder = tmp_path / "s"
    write(folder, "answers.py", REFERENCE_GD + "\nq1c = ('1 + eta*a', '1 + eta*b')\n")
    empty = tmp_path / "no-reference"
    empty.mkdir()
    done = run_cli("check", "gd", str(folder), env={"AUTOGRADER_REFERENCE": str(empty),
                                                   "COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 of 8 answers are present and readable" in done.stdout
    assert "sign of the step" not in done.stdout and "points" not in done.stdout.lower()
    template = tmp_path / "t"
    shutil.copytree(ROOT / "student_template" / "gd", template)
    done = run_cli("check", "gd", str(template), env={"AUTOGRADER_REFERENCE": str(empty)})
    assert done.returncode == 1 and "not answered yet" in done.stdout


def test_solve_writes_a_full_marks_submission(tmp_path):
    folder = tmp_path / "solution"
    assert run_cli("solve", "gd", str(folder)).returncode == 0
    assert run_cli("solve", "gd", str(folder)).returncode == 1  # no silent overwrite
    assert grade_gd(folder).score == FULL


def test_time_budget_keeps_what_finished(tmp_path):
    """A run whose code would take too long still reports every question that finished."""
    import dataclasses
    from autograder.assignment import load_assignment
    from autograder.grading import grade
    from autograder.limits import StudentLimits
    slow = REFERENCE_GD.replace("def gd_distances", "def _ref") + (
        "\ndef gd_distances(eta, epochs):\n    import time\n    time.sleep(1.5)\n"
        "    return _ref(eta, epochs)\n")
    folder = tmp_path / "s"
    write(folder, "answers.py", slow)
    budget = dataclasses.replace(load_assignment("gd"),
                                 student_limits=StudentLimits(probe_seconds=5,
                                                              budget_seconds=4))
    tests = by_number(grade(budget, folder))
    assert all(tests[n].passed for n in ("1a", "1b", "1c", "1d", "1e", "2a", "2b"))
    assert tests["2c.2"].score == 0 and "s in all) ran out" in tests["2c.2"].output
