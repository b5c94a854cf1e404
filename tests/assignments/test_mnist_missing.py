"""MNIST missing from the grader is the instructor's setup error, said once, never a student's
score: no student code runs, results.json is a valid engine error whose visible text says it
is not the student's fault, and the instructor's note names AUTOGRADER_MNIST and
`python -m autograder data`.  Needs no data: that is the point."""
from __future__ import annotations

import json
import shutil

import pytest

from autograder.gradescope import to_results_json
from autograder.grading import grade
from autograder.sandbox.standins.mnist_idx import FILES
from tests.helpers import ROOT, run_cli, validate

REFERENCE = ROOT / "reference" / "mnist"
HOW = ("`python -m autograder data`", "set AUTOGRADER_MNIST to a folder")


@pytest.fixture(params=["empty", "truncated"])
def no_data(request, tmp_path):
    """An AUTOGRADER_MNIST folder without usable files: empty, or with a truncated file."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    if request.param == "truncated":
        for name in FILES:
            (folder / name).write_bytes(b"\x1f\x8b truncated")
    return folder, ("is missing from" if request.param == "empty" else "is corrupted or truncated")


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "student"
    shutil.copytree(REFERENCE, folder)
    return folder


def test_grading_without_mnist_is_an_engine_error_not_a_score(no_data, submission,
                                                              monkeypatch, results_schema):
    folder, what = no_data
    monkeypatch.setenv("AUTOGRADER_MNIST", str(folder))
    log: list[str] = []
    result = grade("mnist", submission, log=log)
    assert result.engine_error and what in result.engine_error
    assert str(folder) in result.engine_error
    assert result.score == 0 and all(t.max_score == 0 for t in result.tests)
    data = to_results_json(result)
    validate(data, results_schema)
    shown = [data["output"]] + [t["output"] for t in data["tests"] if t["visibility"] != "hidden"]
    assert all("not your fault" in text for text in shown)
    assert not any("Mnist" in text or "your code" in text or "cell" in text for text in shown)
    hidden = [t["output"] for t in data["tests"] if t["visibility"] == "hidden"]
    assert len(hidden) == 1 and what in hidden[0] and all(h in hidden[0] for h in HOW)
    assert not any("sandbox uid" in line for line in log)   # no student code ran


def test_grade_and_regrade_say_it_once_and_exit_2(no_data, submission, tmp_path):
    folder, what = no_data
    env = {"AUTOGRADER_MNIST": str(folder)}
    done = run_cli("grade", "mnist", str(submission), env=env)
    assert done.returncode == 2
    said = " ".join((done.stdout + done.stderr).split())
    assert said.count(what) == 1 and all(h in said for h in HOW)
    assert "internal error" not in done.stdout and "MnistError" not in done.stdout + done.stderr
    klass = tmp_path / "class"
    shutil.copytree(submission, klass / "alice")
    done = run_cli("regrade", "mnist", str(klass), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 2
    assert done.stderr.count(what) == 1 and all(h in done.stderr for h in HOW)
    assert not (tmp_path / "out").exists()


def test_run_autograder_without_mnist_writes_a_valid_engine_error(no_data, submission, tmp_path,
                                                                 results_schema):
    folder, what = no_data
    root = tmp_path / "gs"
    shutil.copytree(submission, root / "submission")
    run_cli("gradescope", env={"AUTOGRADER_ROOT": str(root), "AUTOGRADER_ASSIGNMENT": "mnist",
                               "AUTOGRADER_MNIST": str(folder)})
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data, results_schema)
    assert data["score"] == 0 and "not your fault" in data["output"]
    assert any(what in t["output"] and all(h in t["output"] for h in HOW) for t in data["tests"]
               if t["visibility"] == "hidden")


def test_the_self_check_needs_no_data(tmp_path, submission, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_MNIST", str(tmp_path / "nowhere"))
    result = grade("mnist", submission, public_only=True)
    assert not result.engine_error and result.tests


@pytest.mark.skipif(not (ROOT.parent / "shared" / "mnist").is_dir(),
                    reason="shared/mnist is not beside the repo")
def test_a_file_damaged_after_a_check_is_caught(tmp_path):
    from autograder.mnist import MnistError, verified
    folder = tmp_path / "mnist"
    shutil.copytree(ROOT.parent / "shared" / "mnist", folder)
    assert verified(folder) == folder and verified(folder) == folder   # the second: remembered
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"cut")
    with pytest.raises(MnistError, match="corrupted or truncated"):
        verified(folder)
