"""How fast `regrade` grades a class as an instructor runs it, against floors measured in the
same run (bench/measure.py): the import floor ``python -c "import numpy, sympy"``, a fork of a
warm process, and ``python -m autograder grade`` run once per submission (median of three, on
the assignment's reference, interleaved with the floors).  For each assignment, a generated
class is regraded at ``--jobs 1`` and ``--jobs 2`` by the command an instructor types; printed
beside the machine's load: wall time and submissions per minute, whole-process CPU seconds per
submission (the workers and sandboxes included) and their ratio to each floor, the highest
peak resident memory of a worker process (VmHWM), and the mean overhead beyond the student's
own code (wall time of its grading minus the time its code ran).
Each class is then regraded again at ``--jobs 2`` with ``--force`` into the same folder: every
verdict the first run kept (``OUT/verdicts/``) is reused (the count of tests reused is
printed beside each run).  For `gd` there are two classes: a realistic one of 500 generated submissions
(right, partly wrong, hostile; tests/batch/classroom.py), the target is >= 300 per minute at
``--jobs 2``; and one whose answers are all distinct (bench/distinct_class.py), so that no
verdict is reused in its first run.  Every score is checked against `grade` of the same
submission alone.

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
import sys
import tempfile
from pathlib import Path

from measure import Sample, describe, floors, machine, median, run, run_watching
from distinct_class import distinct_class

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
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        for assignment_id in [args.only] if args.only else available():
            size = args.size or SIZES.get(assignment_id, 100)
            folder = Path(tmp) / assignment_id
            if assignment_id == "gd":
                classes = {"realistic": gd_class(size, seed=11),
                           "distinct": distinct_class(size, seed=11)}
            else:
                classes = {"realistic": variants(assignment_id, size)}
            for name, submissions in classes.items():
                write_class(folder / name, submissions)
            failed |= report(assignment_id, folder, size, list(classes))
    return 1 if failed else 0


def report(assignment_id: str, folder: Path, size: int, classes: list[str]) -> bool:
    taken: dict[str, list[Sample]] = {}
    for _ in range(3):
        for name, floor in floors(1).items():
            taken.setdefault(name, []).extend(floor)
        taken.setdefault("`grade` alone", []).append(
            _cli("grade", assignment_id, str(ROOT / "reference" / assignment_id)))
    bases = {name: median(taken[name]) for name in ("the import floor", "a fork")}
    naive = 60 / median(taken["`grade` alone"]).wall
    print(f"{assignment_id}: {size} submissions per class")
    for name, samples in taken.items():
        print(f"  {name:>16}: {describe(samples, bases if name == '`grade` alone' else None)}")
    failed = False
    for name in classes:
        for jobs, again in ((1, False), (2, False), (2, True)):
            out = folder / f"out-{name}-{jobs}"
            done, peak = run_watching(
                [sys.executable, "-m", "autograder", "regrade", assignment_id, str(folder / name),
                 "--out", str(out), "--jobs", str(jobs), *(["--force"] if again else [])],
                cwd=ROOT)
            rate = 60 * size / done.wall
            records = [json.loads(p.read_text()) for p in out.glob("submissions/*/record.json")]
            overhead = statistics.mean(r["seconds"] - r.get("student_seconds", 0)
                                       for r in records)
            reused = sum(r.get("reused", 0) for r in records)
            each = Sample(done.wall / size, done.cpu / size, done.load)
            verdict = ""
            if assignment_id == "gd" and jobs == 2 and name == "realistic" and not again:
                verdict = "; target met" if rate >= TARGET else f"; BELOW the target of {TARGET}/min"
                failed |= rate < TARGET
            label = f"--jobs {jobs}" + (", run again (--force)" if again else "")
            print(f"  {name}, {label}: {done.wall:6.1f} s = {rate:5.0f}/min "
                  f"({rate / naive:4.1f}x `grade` alone); per submission: {describe([each], bases)}"
                  f"; overhead beyond the student's code {overhead:.3f} s; {reused} test "
                  f"verdicts reused; worker peak memory {peak:.0f} MB{verdict}")
        mismatches = check_scores(assignment_id, folder / name, folder / f"out-{name}-2")
        print(f"  {name}: scores equal to `grade` alone: "
              f"{'yes' if not mismatches else 'NO: ' + mismatches}")
        failed |= bool(mismatches)
    return failed


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


def _cli(*args: str) -> Sample:
    return run([sys.executable, "-m", "autograder", *args], cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
