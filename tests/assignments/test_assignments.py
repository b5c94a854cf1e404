"""Every assignment `list` shows, held to the same rules: the reference earns full marks, the
template zero with "not answered" messages, every graded test's points and visibility are its
toml's, and the README's table of points is what the tomls give."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from autograder.assignment import available, load_assignment
from autograder.cli import points_table
from autograder.grading import grade
from autograder.reference import reference_dir
from tests.helpers import ROOT, run_cli

NEEDS_DATA = {"mnist"}   # graded on MNIST samples: ../shared/mnist or `autograder data`
HAVE_DATA = (ROOT.parent / "shared" / "mnist").is_dir()


def _ids():
    return [a for a in available() if a not in NEEDS_DATA or HAVE_DATA]


def _graded(assignment) -> dict:
    """number -> (points, visibility) of every graded test the toml declares."""
    return {spec.id: (spec.points, spec.visibility) for spec in assignment.graded_tests}


@pytest.mark.parametrize("assignment_id", _ids())
def test_reference_full_marks_and_tests_as_the_toml_says(assignment_id, tmp_path):
    assignment = load_assignment(assignment_id)
    folder = tmp_path / "reference"
    shutil.copytree(reference_dir(assignment_id), folder)
    result = grade(assignment_id, folder)
    assert result.score == assignment.points == result.max_score, result.output
    graded = {t.number: (t.max_score, t.visibility) for t in result.tests
              if not t.number.startswith("0.") and t.number != "instructor"}
    assert graded == _graded(assignment)
    assert all(t.visibility == "visible" and t.max_score == 0 for t in result.tests
               if t.number.startswith("0."))


@pytest.mark.parametrize("assignment_id", _ids())
def test_template_earns_zero_with_not_answered_messages(assignment_id, tmp_path):
    folder = tmp_path / "template"
    shutil.copytree(ROOT / "student_template" / assignment_id, folder)
    result = grade(assignment_id, folder)
    assert result.score == 0
    graded = [t for t in result.tests if t.number in _graded(load_assignment(assignment_id))]
    quiet = [t.number for t in graded
             if not re.search(r"not answered|not implemented|still None", t.output)]
    assert quiet == [], [(t.number, t.output) for t in graded if t.number in quiet]


def test_readme_points_are_the_tomls():
    """Each assignment the README's table lists has the row its toml gives; an assignment it
    does not list (one just made with `python -m autograder new`) is no error."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- points:begin -->\n")[1].split("\n<!-- points:end -->")[0]
    listed = re.findall(r"^\| `([^`]+)` \|", block, flags=re.M)
    assert listed and set(listed) <= set(available()), listed
    assert block == points_table([load_assignment(a) for a in listed])


def test_a_new_assignment_leaves_the_readme_table_true(tmp_path):
    """`new` in a project (here: the shipped graders and a temporary reference root) adds an
    assignment the README does not list; the README's test still passes."""
    graders = tmp_path / "graders"
    shutil.copytree(ROOT / "autograder" / "graders", graders,
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"AUTOGRADER_GRADERS": str(graders), "AUTOGRADER_REFERENCE": str(tmp_path / "reference")}
    assert run_cli("new", "parabola", env=env).returncode == 0
    assert "parabola" in run_cli("list", env=env).stdout
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n0",
                           "tests/assignments/test_assignments.py::test_readme_points_are_the_tomls"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env},
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
