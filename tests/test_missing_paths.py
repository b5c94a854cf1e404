"""A submission or export that is not there is the caller's mistake, said with its full path
and a non-zero exit status, never a student-facing "0 / 15"."""
from __future__ import annotations

from tests.helpers import run_cli, write


def test_grade_check_and_regrade_name_the_missing_path(tmp_path):
    missing = tmp_path / "class" / "alice"
    for args, expected in ((["grade", "gd", "class/alice"], f"no such folder: {missing}"),
                           (["grade", "gd", "class/alice", "--results", "r.json"],
                            f"no such folder: {missing}"),
                           (["check", "gd", "class/alice"], f"no such folder: {missing}"),
                           (["regrade", "gd", "class/alice", "--out", "regraded"],
                            f"no such file or folder: {missing}")):
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert done.stderr.strip() == expected, args
        assert "0 / 15" not in done.stdout and "points" not in done.stdout
    assert list(tmp_path.iterdir()) == []   # no results.json, no regraded/


def test_grade_given_the_answers_file_asks_for_its_folder(tmp_path):
    answers = write(tmp_path / "alice", "answers.py", "q1a = 1\n")
    done = run_cli("grade", "gd", str(answers))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{answers} is a file: give the folder that holds the submission"
