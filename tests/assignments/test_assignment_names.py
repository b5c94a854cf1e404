"""Assignment ids are names from the project's list, matched exactly: a misspelling or a path is
"unknown assignment" with the list (exit status 2) in every command, and nothing outside the
project is read, written or locked down on its account."""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from autograder.assignment import GRADERS, UnknownAssignment, load_assignment
from tests.helpers import REFERENCE_GD, ROOT, run_cli, validate, write

KNOWN = "(known: backprop, calculus, gd, mnist, optim_cnn)"
GDD = f"unknown assignment 'gdd'; did you mean 'gd'? {KNOWN}"


@pytest.mark.parametrize("name, message", [
    ("gdd", GDD),
    ("GD", f"unknown assignment 'GD'; did you mean 'gd'? {KNOWN}"),
    ("optim-cnn", f"unknown assignment 'optim-cnn'; did you mean 'optim_cnn'? {KNOWN}"),
    ("../graders/gd", f"unknown assignment '../graders/gd' {KNOWN}"),
    (str(GRADERS / "gd"), f"unknown assignment {str(GRADERS / 'gd')!r} {KNOWN}"),
])
def test_load_assignment_takes_only_listed_ids(name, message):
    with pytest.raises(UnknownAssignment) as caught:
        load_assignment(name)
    assert str(caught.value) == message


def test_every_command_says_unknown_assignment_with_the_list(tmp_path):
    submission = write(tmp_path / "s", "answers.py", REFERENCE_GD).parent
    for args in (["check", "gdd", str(submission)], ["grade", "gdd", str(submission)],
                 ["solve", "gdd", str(tmp_path / "solved")],
                 ["package", "gdd", "--out", str(tmp_path / "dist")],
                 ["regrade", "gdd", str(tmp_path), "--out", str(tmp_path / "regraded")]):
        done = run_cli(*args)
        assert done.returncode == 2, args
        assert done.stderr.strip() == GDD, args
        assert "not your fault" not in done.stdout and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]   # nothing written


def _tree(folder: Path) -> dict:
    """Every path under ``folder`` (itself included) with its mode."""
    return {str(p): stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.rglob("*")]}


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the project (0755) holding a complete fake assignment ``fake``."""
    folder = tmp_path / "outside"
    shutil.copytree(GRADERS / "gd", folder / "fake")
    shutil.copytree(ROOT / "reference" / "gd", folder / "reference" / "fake")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


def test_a_path_as_assignment_is_refused_and_touches_nothing_outside(tmp_path, outside):
    klass = tmp_path / "class"
    write(klass / "alice", "answers.py", REFERENCE_GD)
    before = _tree(outside)
    names = [os.path.relpath(outside / "fake", GRADERS), str(outside / "fake")]
    for name in names:
        for args in (["grade", name, str(klass / "alice")], ["check", name, str(klass / "alice")],
                     ["package", name, "--out", str(tmp_path / "dist")],
                     ["regrade", name, str(klass), "--out", str(tmp_path / "regraded")],
                     ["solve", name, str(tmp_path / "solved")]):
            done = run_cli(*args)
            assert done.returncode == 2, args
            assert done.stderr.strip() == f"unknown assignment {name!r} {KNOWN}", args
    assert _tree(outside) == before   # nothing made, nothing chmod-ed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "outside"]


def test_new_takes_only_a_plain_identifier(tmp_path):
    for name in ("../evil", str(tmp_path / "evil"), "Evil", "9lives", "a-b"):
        done = run_cli("new", name)
        assert done.returncode == 2, name
        assert "an assignment id is lower case letters, digits and _" in done.stderr
    assert not (GRADERS.parent / "evil").exists() and not (tmp_path / "evil").exists()


@pytest.mark.parametrize("source", ["env", "file"])
def test_run_autograder_with_an_unknown_assignment(tmp_path, results_schema, source):
    root = tmp_path / "gs"
    write(root / "submission", "answers.py", REFERENCE_GD)
    env = {"AUTOGRADER_ROOT": str(root)}
    if source == "env":
        env["AUTOGRADER_ASSIGNMENT"] = "gdd"
        expected = GDD
    else:   # the package's own ASSIGNMENT file names a path
        env["AUTOGRADER_ASSIGNMENT"] = ""
        write(root / "source", "ASSIGNMENT", "../gd\n")
        expected = f"unknown assignment '../gd' {KNOWN}"
    done = run_cli("gradescope", env=env)
    assert done.returncode == 2
    assert expected in done.stdout
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data, results_schema)
    shown = [data["output"]] + [t["output"] for t in data["tests"] if t["visibility"] != "hidden"]
    assert all("unknown assignment" not in text for text in shown)
    assert any("contact your instructor" in text for text in shown)
    hidden = [t for t in data["tests"] if t["visibility"] == "hidden"]
    assert expected in hidden[0]["output"]
