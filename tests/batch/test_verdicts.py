"""Verdicts shared by a regrade's workers and kept for its next runs (autograder.batch.verdicts):
reused right or wrong, never undecided; a grader change reads none of them; a broken store
costs time, never a score; concurrent workers and writers are safe."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from autograder.batch import run, verdicts
from autograder.batch.run import regrade
from autograder.outcomes import Kind, Outcome
from tests.batch.classroom import write_class
from tests.helpers import REFERENCE_GD, ROOT, run_cli

WRONG_Q1C = REFERENCE_GD + '\nq1c = ("1 + eta*a", "1 + eta*b")\n'
UNDECIDED_Q2B = REFERENCE_GD + '\nq2b = "cosh(cosh(cosh(cosh(385/100))))"\n'   # too large
CLASS = [REFERENCE_GD, WRONG_Q1C, UNDECIDED_Q2B, REFERENCE_GD]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    write_class(folder, [{"answers.py": text} for text in CLASS])
    return folder


def _scores(out: Path) -> dict[str, tuple]:
    """Each submission's score, status and tests, from its record."""
    records = [json.loads(p.read_text()) for p in out.glob("submissions/*/record.json")]
    return {r["id"]: (r["score"], r["status"], [(t["id"], t["kind"], t["score"])
                                                 for t in r["tests"]]) for r in records}


def _stored(out: Path) -> dict[Path, dict]:
    return {p: json.loads(p.read_text()) for p in (out / "verdicts").glob("*/*.json")}


@pytest.fixture(scope="module")
def first(export, tmp_path_factory):
    """A first regrade, with verdict reuse off and on: the same scores."""
    out = tmp_path_factory.mktemp("runs")
    without = regrade("gd", export, out / "off", reuse=False)
    with_reuse = regrade("gd", export, out / "on")
    assert without.graded == with_reuse.graded == len(CLASS)
    assert without.reused == 0 and not (out / "off" / "verdicts").exists()
    assert _scores(out / "off") == _scores(out / "on")
    assert (out / "off" / "grades.csv").read_text() == (out / "on" / "grades.csv").read_text()
    return out / "on", with_reuse


def test_a_second_run_reuses_every_decided_verdict_and_says_so(first, export):
    """Run one judged each decided test's evidence once (kept) and reused it for the twin;
    run two (the command an instructor types) judges nothing: every test of run one is
    reused, but the undecided one, and the scores are the same."""
    out, run_one = first
    before, stored = _scores(out), _stored(out)
    stamps = {p: p.stat().st_mtime_ns for p in stored}
    assert run_one.reused > 0 and stored
    assert all(Outcome.from_json(s["outcome"]).decided for s in stored.values())
    assert any(kind == "undecided" for _, _, tests in before.values() for _, kind, _ in tests)
    done = run_cli("regrade", "gd", str(export), "--out", str(out), "--force", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert f"{len(CLASS)} graded now, 0 unchanged since the last run; " \
           f"{len(stored) + run_one.reused} test verdicts reused" in done.stdout, done.stdout
    assert _scores(out) == before and _stored(out) == stored   # nothing judged, nothing new
    assert stamps == {p: p.stat().st_mtime_ns for p in stamps}


def test_a_grader_change_reads_none_of_the_old_verdicts_with_workers_at_once(
        first, export, tmp_path, monkeypatch):
    out, run_one = first
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    old = {p.parent.name for p in _stored(copy)}
    monkeypatch.setattr(run, "grader_fingerprint", lambda assignment: "f" * 64)
    changed = regrade("gd", export, copy, jobs=2)
    assert changed.graded == len(CLASS)   # the fingerprint is in every record
    # at most what this run judged itself (two workers may judge the twins at once)
    assert changed.reused <= run_one.reused
    assert {p.parent.name for p in _stored(copy)} == {"f" * 64} and old != {"f" * 64}
    assert _scores(copy) == _scores(out)
    for stored in _stored(copy).values():
        assert verdicts.read(copy / "verdicts" / stored["grader"], stored["grader"],
                             stored["evidence"]) == stored["outcome"]


def test_a_corrupt_store_is_ignored_and_rebuilt(first, export, tmp_path):
    out, _ = first
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    files = sorted(_stored(copy))
    wrong = next(p for p, s in _stored(copy).items() if s["outcome"]["kind"] == "failed")
    forged = json.loads(wrong.read_text())
    forged["outcome"].update(kind="passed", fraction=1.0, message="")   # its digest unchanged
    wrong.write_text(json.dumps(forged))
    others = [p for p in files if p != wrong]
    others[0].write_text(others[0].read_text()[:40])      # truncated
    others[1].write_bytes(b"\0\xff garbage")
    moved = json.loads(others[2].read_text())             # another test's verdict, renamed
    others[3].write_text(json.dumps(moved))
    undecided = json.loads(others[4].read_text())
    undecided["outcome"] = Outcome(Kind.UNDECIDED, 0.0, "limit").to_json()
    undecided["digest"] = verdicts._digest(undecided["grader"], undecided["evidence"],
                                           undecided["outcome"])
    others[4].write_text(json.dumps(undecided))
    again = regrade("gd", export, copy, force=True)
    assert _scores(copy) == _scores(out)
    assert again.reused == len(files) + first[1].reused - 5   # the five judged again ...
    # ... and kept anew
    assert _stored(copy) == {copy / p.relative_to(out): s for p, s in _stored(out).items()}


def _writer(folder: str, rounds: int) -> None:
    for i in range(rounds):
        verdicts.write(Path(folder), {_key(k): _outcome(k) for k in range(20)})


def _key(k: int) -> str:
    return f"{k:064x}"


def _outcome(k: int) -> dict:
    return Outcome(Kind.FAILED if k % 2 else Kind.PASSED, float(k % 2 == 0),
                   "x" * (1000 * k)).to_json()


def test_concurrent_writers_and_readers_see_whole_verdicts_only(tmp_path):
    folder = tmp_path / "verdicts" / ("a" * 64)
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_writer, args=(str(folder), 15)) for _ in range(3)]
    for process in writers:
        process.start()
    seen = 0
    while any(p.is_alive() for p in writers):
        for k in range(20):
            got = verdicts.read(folder, "a" * 64, _key(k))
            assert got is None or got == _outcome(k)
            seen += got is not None
    for process in writers:
        process.join()
        assert process.exitcode == 0
    assert all(verdicts.read(folder, "a" * 64, _key(k)) == _outcome(k) for k in range(20))
    assert not [p for p in os.listdir(folder) if p.startswith(".tmp-")]
    assert seen


def test_the_readme_lists_the_kept_verdicts_among_the_outputs():
    readme = (ROOT / "README.md").read_text()
    outputs = readme.split("It writes, in `--out`")[1].split("\n\nEach submission")[0]
    assert "- `verdicts/<grader fingerprint>/`" in outputs and "delete it at any time" in outputs
