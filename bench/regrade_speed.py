"""How fast `regrade` grades a class, against grading each submission in a fresh process.

Baseline (same run, same machine): ``python -m autograder grade`` run once per submission, as
an instructor would without `regrade` (median of a few, on the assignment's reference).  For
each assignment, a generated class-sized batch is regraded at ``--jobs 1`` and ``--jobs 2`` by
the command an instructor types; printed: submissions per minute, the speed-up over the
baseline, and the mean per-submission overhead beyond the student's own code (wall time of its
grading minus the time its code ran).  For `gd`, the class is 500 generated submissions
(right, partly wrong, hostile; tests/batch/classroom.py), the target is >= 300 per minute at
``--jobs 2``, and every score is checked against `grade` of the same submission alone.

    .venv/bin/python bench/regrade_speed.py [--size 500] [--only gd]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the tests package
if (ROOT.parent / "shared" / "mnist").is_dir():   # as the tests read MNIST
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))

from tests.batch.classroom import gd_class, write_class  # noqa: E402
from autograder.assignment import available, load_assignment  # noqa: E402
from autograder.grading import grade  # noqa: E402

TARGET = 300          # gd submissions per minute at --jobs 2
SIZES = {"gd": 500, "calculus": 200, "optim_cnn": 200, "backprop": 100, "mnist": 12}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, help="submissions per class (default: per assignment)")
    parser.add_argument("--only", help="one assignment")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for assignment_id in [args.only] if args.only else available():
            size = args.size or SIZES.get(assignment_id, 100)
            folder = Path(tmp) / assignment_id
            if assignment_id == "gd":
                write_class(folder / "class", gd_class(size, seed=11))
            else:
                write_class(folder / "class", variants(assignment_id, size))
            failed |= report(assignment_id, folder, size)
    return 1 if failed else 0


def report(assignment_id: str, folder: Path, size: int) -> bool:
    baseline = statistics.median(_timed(lambda: _cli("grade", assignment_id,
                                                      str(ROOT / "reference" / assignment_id)))
                                 for _ in range(3))
    naive = 60 / baseline
    print(f"{assignment_id}: {size} submissions; baseline `grade` in a fresh process "
          f"{baseline:.2f} s = {naive:5.0f}/min")
    failed = False
    for jobs in (1, 2):
        out = folder / f"out-{jobs}"
        seconds = _timed(lambda: _cli("regrade", assignment_id, str(folder / "class"),
                                      "--out", str(out), "--jobs", str(jobs)))
        rate = 60 * size / seconds
        records = [json.loads(p.read_text()) for p in out.glob("submissions/*/record.json")]
        overhead = statistics.mean(r["seconds"] - r.get("student_seconds", 0) for r in records)
        verdict = ""
        if assignment_id == "gd" and jobs == 2:
            verdict = "  target met" if rate >= TARGET else f"  BELOW the target of {TARGET}/min"
            failed |= rate < TARGET
        print(f"  --jobs {jobs}: {seconds:6.1f} s = {rate:5.0f}/min ({rate / naive:4.1f}x the "
              f"baseline); overhead beyond the student's code {overhead:.3f} s/submission"
              f"{verdict}")
    mismatches = check_scores(assignment_id, folder / "class", folder / "out-2")
    print(f"  scores equal to `grade` alone: {'yes' if not mismatches else 'NO: ' + mismatches}")
    return failed or bool(mismatches)


def check_scores(assignment_id: str, class_folder: Path, out: Path) -> str:
    """Every distinct submission graded alone: its scores must be the batch's."""
    assignment = load_assignment(assignment_id)
    rows = {r["submission_id"]: r for r in csv.DictReader(io.StringIO(
        (out / "grades.csv").read_text()))}
    seen, wrong = set(), []
    for folder in sorted(p for p in class_folder.iterdir() if p.is_dir()):
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*"))
                                         if p.is_file())).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        alone = {t.number: t.score for t in grade(assignment, folder).tests if not t.public}
        row = rows[folder.name]
        if row["status"] not in ("graded", "flagged") or any(
                float(row[f"Q{n}"]) != score for n, score in alone.items()):
            wrong.append(folder.name)
    return ", ".join(wrong)


def variants(assignment_id: str, size: int) -> list[dict[str, str]]:
    """A class of ``size``: the reference, the template, and the reference with one known
    wrong answer of assignment.toml (whole answers only), in turn."""
    assignment = load_assignment(assignment_id)
    reference = ROOT / "reference" / assignment_id
    template = ROOT / "student_template" / assignment_id
    files = [*assignment.files, *assignment.modules]

    def read(folder: Path) -> dict[str, str]:
        return {name: (folder / name).read_text() for name in files if (folder / name).is_file()}

    right, blank = read(reference), read(template)
    main = assignment.files[0]
    kinds = [right, blank]
    if main.endswith(".py"):
        for question in assignment.questions:
            for wrong in question.check.get("wrong", ()):
                if not {"part", "row", "end", "entry"} & set(wrong):
                    answer = wrong["answer"]
                    answer = tuple(answer) if isinstance(answer, list) else answer
                    kinds.append({**right, main: right[main] + f"\n{question.name} = {answer!r}\n"})
    return [kinds[i % len(kinds)] for i in range(size)]


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
