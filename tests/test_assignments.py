"""Every assignment `list` shows, held to the same rules: the reference earns full marks, the
template zero with "not answered" messages, every graded test's points and visibility are its
toml's, and the README's table of points is what the tomls give."""
import re
import shutil

import pytest

from autograder.assignment import available, load_assignment
from autograder.cli import points_table
from autograder.grading import grade
from autograder.reference import reference_dir
from conftest import ROOT

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
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- points:begin -->\n")[1].split("\n<!-- points:end -->")[0]
    assert block == points_table([load_assignment(a) for a in available()])
