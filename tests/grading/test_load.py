"""The same work earns the same score whatever the machine's load: the reference and equivalent
forms of every assignment, graded while 12 CPU-bound processes run on the 2 cores, get exactly
the scores and outcomes of an idle run (4 such processes were not enough to flip gd 1d when its
limits counted wall time; 12 were).  The default run loads gd, where time limits bite first
(sympy's simplify of the range, the student's function); ``-m slow`` loads every assignment."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from autograder.grading import grade
from tests.assignments.mlp_mutants import REWRITES as MLP_REWRITES
from tests.assignments.test_calculus import REWRITES as CALCULUS_REWRITES
from tests.assignments.test_mnist import HELPERS, OTHER_LAYOUT, notebook
from tests.assignments.test_optim_cnn import PRELUDE, REWRITES as OPTIM_REWRITES
from tests.grading.test_limits import GD_FORMS
from tests.helpers import REFERENCE_GD, ROOT, write

HOGS = 12
HAS_MNIST = (ROOT.parent / "shared" / "mnist").is_dir()


def _submissions(root, every: bool) -> dict:
    """Name -> (assignment, folder): gd's reference and other forms, and with ``every``
    those of the other assignments."""
    calculus = (ROOT / "reference" / "calculus" / "answers.py").read_text()
    optim = (ROOT / "reference" / "optim_cnn" / "answers.py").read_text()
    mlp = (ROOT / "reference" / "backprop" / "mlp.py").read_text()
    for _, old, new in MLP_REWRITES:
        mlp = mlp.replace(old, new)
    found = {
        "gd": ("gd", write(root / "gd", "answers.py", REFERENCE_GD).parent),
        "gd forms": ("gd", write(root / "gd2", "answers.py", GD_FORMS).parent),
    }
    if not every:
        return found
    found |= {
        "calculus": ("calculus", write(root / "c", "answers.py", calculus).parent),
        "calculus forms": ("calculus", write(root / "c2", "answers.py", calculus + "\n".join(
            f"{name} = {value}" for name, value in CALCULUS_REWRITES.items())).parent),
        "optim_cnn forms": ("optim_cnn", write(root / "o", "answers.py", optim + PRELUDE + "\n".join(
            textwrap.dedent(r) for r in OPTIM_REWRITES[0])).parent),
    }
    backprop = root / "b"
    shutil.copytree(ROOT / "reference" / "backprop", backprop)
    write(backprop, "mlp.py", mlp)
    found["backprop forms"] = ("backprop", backprop)
    if HAS_MNIST:
        found["mnist forms"] = ("mnist", notebook(root / "m", HELPERS, OTHER_LAYOUT))
    return found


def _outcomes(submissions: dict) -> dict:
    return {name: [(t.number, t.score, t.kind) for t in grade(assignment, folder).tests]
            for name, (assignment, folder) in submissions.items()}


@pytest.mark.parametrize("every", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["gd", "every-assignment"])
def test_scores_do_not_depend_on_the_load(tmp_path, every):
    submissions = _submissions(tmp_path, every)
    idle = _outcomes(submissions)
    for name, outcomes in idle.items():  # all correct: every point earned
        assert all(outcome == "passed" for _, _, outcome in outcomes), (name, outcomes)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
            for _ in range(HOGS)]
    try:
        loaded = _outcomes(submissions)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert loaded == idle
    if every and not HAS_MNIST:
        pytest.skip("mnist was left out: shared/mnist is not beside the repo")
