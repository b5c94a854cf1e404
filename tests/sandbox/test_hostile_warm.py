"""The hostile cases graded as a regrade's worker grades them: each sandboxed child forked from
one warm zygote, case after case, to the same exact outcome as a fresh child's (see
``hostile.py``), what one case leaves never reaching the next."""
from __future__ import annotations

import json
import time

import pytest

from autograder.assignment import load_assignment
from autograder.gradescope import to_results_json
from autograder.grading import grade
from autograder.sandbox import warm
from autograder.sandbox.identity import can_isolate
from tests.sandbox import test_hostile, test_hostile_isolation
from tests.sandbox.hostile import NOT_ROOT, PRIVATE_TMP, Case, _submission, check_run, finished_run

# the same cases as those files, not new ones (the coverage test counts each file's CASES)
WARM_CASES = test_hostile.CASES + test_hostile_isolation.CASES


@pytest.fixture(scope="module")
def zygote():
    warm.start()
    yield warm._zygote
    warm.stop()


@pytest.mark.parametrize("case", WARM_CASES, ids=[c.id for c in WARM_CASES])
def test_hostile_submission_in_a_warm_child(case: Case, zygote, tmp_path, hostile_graders,
                                            results_schema):
    if case.root_only and NOT_ROOT:
        pytest.skip("needs root: student code is only isolated from the grader's files as "
                    "another user")
    results = tmp_path / "results" / "results.json"
    folder = tmp_path / "submission"
    _submission(case, folder, results)
    log: list[str] = []
    began_at = time.time()
    result = grade(load_assignment("gd", hostile_graders), folder, log=log)
    results.parent.mkdir()
    results.write_text(json.dumps(to_results_json(result)), encoding="utf-8")
    run = finished_run("warm", results, folder, "\n".join(log), began_at)
    check_run(case, run, results_schema)
    assert zygote.process.poll() is None and not zygote.broken
    for line in (line for line in log if line.startswith("sandbox children: ")):
        count = int(line.split()[2].rstrip(","))   # each of them forked warm
        assert line == f"sandbox children: {count}, {count} of them forked from a warm zygote"
    if can_isolate() and case in test_hostile_isolation.CASES:
        expected = "private tmpfs on /tmp" if PRIVATE_TMP else "TMPDIR is a private folder"
        assert expected in run.isolation
