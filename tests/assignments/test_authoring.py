"""docs/authoring.md walked through as a new instructor would: scaffold an assignment, grade
its reference and template, change a question's points, run its own test; and a toml with a
mistake in it is refused with the key and its line."""
import re
import shutil
import subprocess
import sys

import pytest

from autograder.assignment import AssignmentError, load_assignment
from tests.helpers import ROOT, run_cli

DOC = (ROOT / "docs" / "authoring.md").read_text()
GRADERS = ROOT / "autograder" / "graders"


@pytest.fixture
def checkout(tmp_path):
    """An empty grader root and reference folder, where `new` writes (as in a checkout)."""
    (tmp_path / "graders").mkdir()
    shutil.copy(GRADERS / "pytest.ini", tmp_path / "graders")
    return tmp_path, {"AUTOGRADER_GRADERS": str(tmp_path / "graders"),
                      "AUTOGRADER_REFERENCE": str(tmp_path / "reference")}


def _total(output: str) -> str:
    return re.search(r"Total: (\S+ / \S+) points", output)[1]


def test_the_walkthrough_of_docs_authoring(checkout):
    root, env = checkout
    for command in ("autograder new parabola", "autograder solve parabola /tmp/parabola",
                    "autograder grade parabola /tmp/parabola",
                    "autograder grade parabola student_template/parabola",
                    "pytest tests/test_parabola.py", "points = 3"):
        assert command in DOC, command
    made = run_cli("new", "parabola", env=env)
    assert made.returncode == 0, made.stderr
    assert "parabola" in run_cli("list", env=env).stdout
    assert run_cli("solve", "parabola", str(root / "submission"), env=env).returncode == 0
    assert _total(run_cli("grade", "parabola", str(root / "submission"), env=env).stdout) \
        == "7 / 7"
    template = run_cli("grade", "parabola", str(root / "student_template" / "parabola"), env=env)
    assert _total(template.stdout) == "0 / 7" and "not answered" in template.stdout
    toml = root / "graders" / "parabola" / "assignment.toml"
    text = toml.read_text()
    toml.write_text(text.replace('id = "1"\nname = "q1"\nkind = "expression"\npoints = 2',
                                 'id = "1"\nname = "q1"\nkind = "expression"\npoints = 3'))
    assert _total(run_cli("grade", "parabola", str(root / "submission"), env=env).stdout) \
        == "8 / 8"
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_parabola.py"], cwd=root, capture_output=True, text=True,
                         env={**__import__("os").environ, **env})
    assert own.returncode == 0, own.stdout[-2000:]
    assert run_cli("new", "parabola", env=env).returncode == 1   # never overwrites


@pytest.mark.parametrize("change, message, key", [
    (('shape = ["m", "n"]', 'shpe = ["m", "n"]'), "questions.5.shpe: unknown key 'shpe'", "shpe"),
    (('points = 3', 'points = "three"'), "questions.4.points: 'three' is not of type 'number'",
     "points"),
    (('layout = "jacobian"', 'layout = "jacobean"'), "layout 'jacobean' is not in [layouts]",
     "layout"),
    (('id = "2a"', 'id = "1a"'), "the id '1a' is used twice", 'id = "1a"'),
    (('[limits]', '[limits]\nload_secs = 3'), "limits.load_secs: unknown key 'load_secs'",
     "load_secs"),
])
def test_a_mistake_in_the_toml_is_refused_with_its_key_and_line(tmp_path, change, message, key):
    shutil.copytree(GRADERS / "calculus", tmp_path / "calculus")
    toml = tmp_path / "calculus" / "assignment.toml"
    old, new = change
    toml.write_text(toml.read_text().replace(old, new, 1))
    with pytest.raises(AssignmentError) as error:
        load_assignment("calculus", tmp_path)
    assert message in str(error.value)
    line = int(re.search(r"line (\d+)", str(error.value))[1])
    assert key in toml.read_text().splitlines()[line - 1]
