"""Gradescope's submission metadata: shown when present, never a failure when odd."""
import json
import os
import subprocess

import pytest

from autograder.metadata import describe_submitter, read_metadata
from tests.helpers import REFERENCE_GD, ROOT, write


def test_reads_names_and_attempt(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"users": [{"name": "Ada Lovelace", "email": "a@x"}],
                                "previous_submissions": [{}, {}]}))
    info = read_metadata(path)
    assert info == {"names": ["Ada Lovelace"], "attempt": 3}
    assert describe_submitter(info) == "Submitted by Ada Lovelace (attempt 3)."


@pytest.mark.parametrize("content", [None, "", "{not json", "[1, 2]", '{"users": "x"}',
                                     '{"users": [1, null, {"name": null}]}',
                                     '{"previous_submissions": 7}', "\xff\xfe"])
def test_odd_or_missing_files_are_ignored(tmp_path, content):
    path = tmp_path / "m.json"
    if content is not None:
        path.write_text(content, encoding="latin-1")
    assert describe_submitter(read_metadata(path)) in ("", "Attempt 1.")


def test_run_autograder_shows_the_submitter(tmp_path):
    root = tmp_path / "autograder"
    write(root / "submission", "answers.py", REFERENCE_GD)
    (root / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"name": "Grace Hopper"}], "previous_submissions": []}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_ASSIGNMENT": "gd"}
    subprocess.run([str(ROOT / "run_autograder")], env=env, capture_output=True, timeout=300)
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["output"].startswith("Submitted by Grace Hopper (attempt 1).")
    assert data["score"] == 15
