"""`backprop` on mlp.py files as students of the real course write them: PyTorch, and NumPy.

Every file is graded once (two at a time), in a module fixture: a child that imports torch
costs about a second.
"""
import importlib.metadata
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from autograder.grading import grade
from tests.assignments import mlp_torch as files
from tests.helpers import ROOT, write

ANSWERS = (ROOT / "reference" / "backprop" / "answers.py").read_text()
FULL = 21.0
SELF_CHECKS = ("0.code.relu-identity-mse", "0.code.sigmoid-sigmoid-bce",
               "0.code.identity-relu-mse")
# a grader without torch: `import torch` fails as it does where torch is not installed
NO_TORCH = {"torch.py": "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n"}
REPLACED = "dJdW1: backward replaced self.grads instead of adding to it"
# backward leaves its input (from the reference) in a file and ends the child; the restarted
# child's load of mlp.py fails with what the file holds
LEAKS = ('import os\nif os.path.exists("seen"):\n    raise RuntimeError(open("seen").read())\n'
         + (ROOT / "reference" / "backprop" / "mlp.py").read_text().replace(
             "        c, p = self.cache, self.parameters\n",
             "        with open('seen', 'w') as file:\n"
             "            file.write('seen: %r' % dJdy_hat.sum())\n        os._exit(0)\n"
             "        c, p = self.cache, self.parameters\n"))


def _mutant(source, mutants, description):
    _, old, new = next(m for m in mutants if m[0] == description)
    assert source.count(old) == 1, old
    return source.replace(old, new)


SUBMISSIONS = {
    "jacobians": (files.JACOBIANS, {}),
    "accumulates": (files.ACCUMULATES, {}),
    "functional": (files.FUNCTIONAL, {}),
    "numpy": (files.NUMPY_PER_SAMPLE, {}),
    "sign": (_mutant(files.ACCUMULATES, files.ACCUMULATES_MUTANTS, "wrong sign"), {}),
    "assigns": (_mutant(files.ACCUMULATES, files.ACCUMULATES_MUTANTS, "= instead of +="), {}),
    "transpose": (_mutant(files.JACOBIANS, files.JACOBIANS_MUTANTS, "missing transpose"), {}),
    "no_identity": (files.NO_IDENTITY_FOR_F, {}),
    "backward_crashes": (files.BACKWARD_CRASHES, {}),
    "pandas_in_bce": (files.NUMPY_PANDAS_IN_BCE, {}),
    "no_torch": (files.ACCUMULATES, NO_TORCH),
    "leaks": (LEAKS, {}),
}


VERDICTS: dict = {}   # a pool worker's, across its jobs (as a regrade's worker keeps them)


def _grade(job):
    folder, mlp, extra = job
    for name, text in {"mlp.py": mlp, "answers.py": ANSWERS, **extra}.items():
        write(Path(folder), name, text)
    result = grade("backprop", Path(folder), verdicts=VERDICTS)
    return {"score": result.score, "summary": result.output,
            "tests": {t.number: (t.score, t.kind, t.output) for t in result.tests}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("torch")
    jobs = [(str(root / name), mlp, extra) for name, (mlp, extra) in SUBMISSIONS.items()]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(zip(SUBMISSIONS, pool.map(_grade, jobs)))


def lost(result) -> dict:
    """Each test that did not earn all its points: (score, outcome, output)."""
    return {n: t for n, t in result["tests"].items() if t[1] != "passed"}


def test_setup_installs_the_cpu_build_of_the_pinned_torch():
    import torch
    assert torch.version.cuda is None
    pin = next(r for r in importlib.metadata.requires("ml-math-autograder")
               if r.startswith("torch"))
    assert pin.split(";")[0].strip() == f"torch=={torch.__version__.split('+')[0]}"


def test_torch_and_numpy_files_in_the_course_styles_earn_full_marks(graded):
    """float32 from torch.randn, .t(), diag_embed Jacobians, J as .item() or a 0-d tensor,
    torch.nn.functional for J, torch.where, einsum; NumPy per sample.  Files that assign
    self.grads (as the real course's tests allow) lose only 4c, which our handout asks for."""
    for name in ("accumulates", "functional"):
        assert graded[name]["score"] == FULL, lost(graded[name])
    for name in ("jacobians", "numpy"):
        assert graded[name]["score"] == FULL - 1, lost(graded[name])
        assert list(lost(graded[name])) == ["4c"]
        assert REPLACED in graded[name]["tests"]["4c"][2]


def test_torch_mutants_lose_exactly_their_points(graded):
    sign, assigns, transpose = (lost(graded[n]) for n in ("sign", "assigns", "transpose"))
    assert set(sign) == {"4b", "4c", "4f", *SELF_CHECKS}
    assert graded["sign"]["score"] == FULL - 6
    assert "every case: dJdW1 is wrong: the sign is flipped" in sign["4b"][2]
    assert list(assigns) == ["4c"] and REPLACED in assigns["4c"][2]
    assert set(transpose) == {"4b", "4c", *SELF_CHECKS}   # 4c: the file assigns
    assert graded["transpose"]["score"] == FULL - 5
    assert "12 of 12 combinations are wrong" in transpose["4b"][2]
    assert "dJdW2 has shape (4, 2), expected (2, 4): transposed" in transpose["4b"][2]


def test_a_crash_in_one_combination_costs_that_combination_only(graded):
    """f = 'identity' cannot even be built: 3 of 4a's 9 combinations and 4 of 4b's 12."""
    result = lost(graded["no_identity"])
    assert set(result) == {"4a", "4b", "0.code.identity-relu-mse"}
    assert result["4a"][0] == pytest.approx(2 * 6 / 9)
    assert result["4b"][0] == pytest.approx(4 * 8 / 12)
    for number in ("4a", "4b"):
        assert "(f=identity g=relu loss=mse)" in result[number][2]
        assert "KeyError: 'identity'" in result[number][2]


def test_forward_is_judged_apart_from_backward(graded):
    result = lost(graded["backward_crashes"])
    assert set(result) == {"4b", "4c", "4f", *SELF_CHECKS}
    assert graded["backward_crashes"]["score"] == FULL - 6
    assert "(line 41 of mlp.py):\n\n    KeyError: 'a2'" in result["4b"][2]


def test_a_failing_import_line_costs_only_what_depends_on_it(graded):
    """`import pandas` (not installed) on line 3: unused, it costs nothing; used by bce_loss,
    only bce_loss, and the message names the line."""
    note = "mlp.py, line 3 raised `ModuleNotFoundError: No module named 'pandas'`"
    assert graded["functional"]["score"] == FULL and note in graded["functional"]["summary"]
    result = lost(graded["pandas_in_bce"])
    assert set(result) == {"4c", "4e", "0.code.sigmoid-sigmoid-bce"}   # 4c: the file assigns
    assert note in graded["pandas_in_bce"]["summary"]
    assert ("NameError: name 'pd' is not defined\n\nRunning mlp.py raised an error at line 3, "
            "which may be why:\n\n    ModuleNotFoundError: No module named 'pandas'"
            in result["4e"][2])


def test_without_torch_the_grader_says_it_lacks_torch(graded):
    """A torch file graded where torch is missing: every code question is undecided (flagged
    for the instructor) and says the autograder lacks torch, never that the file is wrong."""
    result = graded["no_torch"]
    code = {n: t for n, t in result["tests"].items() if n.startswith(("4", "0.code"))}
    assert lost(result) == code and len(code) == 9
    assert result["score"] == FULL - 10   # the derivations in answers.py are graded as usual
    for score, outcome, output in code.values():
        assert outcome == "undecided" and score == 0
        assert "your mlp.py imports `torch`, which is not installed in the autograder" in output
        assert "ModuleNotFoundError" not in output and "NameError" not in output
    assert "raised" not in result["summary"]


def test_the_summary_names_only_the_first_load_of_mlp_py(graded):
    """The summary is visible before the due date: a restarted child's load errors, which may
    carry what earlier probes were sent (here backward's input), stay out of it."""
    result = graded["leaks"]
    assert "os._exit" in result["tests"]["4b"][2]
    assert "seen" not in result["summary"] and "RuntimeError" not in result["summary"]
