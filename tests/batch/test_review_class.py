"""Issue 25's done-when, on a class built in real students' styles (tests/batch/classroom.py):
a decision for an undecided group changes exactly its members' scores, and keeps doing so
after a grader change (a new wrong-answer message, so every submission is graded again) and
a ``--force`` regrade; overrides and the late policy (with a late-day bank) show in
grades.csv; the copied code is listed, never scored.  The class of 200 is ``slow``; the same
loop runs on a class of 9 by default."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.batch.classroom import gd_class, write_class
from tests.batch.test_review import SIGN, SIGN_RENAMED
from tests.helpers import REFERENCE_GD, ROOT

# three who hand in one answer the grader cannot evaluate (its values overflow a float): it is
# undecided, never a verdict, until the instructor decides it
UNDECIDED = 'q2b = "cosh(cosh(cosh(cosh(385/100))))"'
DECISION = f"""
[[decision]]
question = "2b"
answer = {UNDECIDED.split(" = ")[1]}
points = 0.5
message = "a number, but not the bound: half the points for setting up the eigenvalues"
"""
NEW_MESSAGE = ('{part = 1, answer = "1 - a", message = "η is missing: the step is η times the '
               'gradient, so ρ = 1 − η·a."},\n')


def _planted(count: int, seed: int) -> list[dict[str, str]]:
    """The class: ``count`` drawn as students write, three with the undecided answer, two who
    share code that fails alike, and one who is right."""
    code = REFERENCE_GD.split("def gd_distances")[0]
    return (gd_class(count, seed=seed)
            + [{"answers.py": REFERENCE_GD + f"\n{UNDECIDED}\n"} for _ in range(3)]
            + [{"answers.py": code + SIGN}, {"answers.py": code + SIGN_RENAMED}]
            + [{"answers.py": REFERENCE_GD}])


def _rows(out: Path) -> dict[str, dict]:
    return {row["submission_id"]: row for row in
            csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def _only_members_changed(plain: dict, decided: dict, members: set[str]) -> None:
    assert plain.keys() == decided.keys()
    for name, before in plain.items():
        after = decided[name]
        if name not in members:
            assert after == before, name
            continue
        assert (before["Q2b"], after["Q2b"]) == ("0", "0.5"), name
        assert float(after["total"]) == float(before["total"]) + 0.5
        assert after["instructor"] == "Q2b decided (decision 1)"
        changed = {k for k in before if before[k] != after[k]}
        assert changed <= {"Q2b", "total", "status", "instructor"}, changed


def _loop(base: Path, count: int, seed: int) -> None:
    submissions = _planted(count, seed)
    names = write_class(base / "export", submissions)
    undecided = set(names[count:count + 3])
    copied = names[count + 3:count + 5]
    graders = base / "graders"
    shutil.copytree(ROOT / "autograder" / "graders", graders,
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"AUTOGRADER_GRADERS": str(graders)}
    (base / "decisions.toml").write_text(DECISION)
    decisions = ("--decisions", str(base / "decisions.toml"))

    def regrade(*options: str):
        done = subprocess.run([sys.executable, "-m", "autograder", "regrade", "gd",
                               str(base / "export"), "--out", str(base / "out"), "--jobs", "2",
                               *options], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, **env}, timeout=60 * 60)   # a loaded host
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done

    first = regrade()
    assert f"{len(names)} graded now" in first.stdout
    plain = _rows(base / "out")
    assert {plain[n]["status"] for n in undecided} == {"flagged"}
    assert "| undecided |" in (base / "out" / "review" / "2b.md").read_text()
    again = regrade(*decisions)
    assert "0 graded now" in again.stdout
    _only_members_changed(plain, _rows(base / "out"), undecided)

    # a grader change: a new wrong-answer message for q1c; every submission is graded again
    toml = graders / "gd" / "assignment.toml"
    text = toml.read_text()
    at = text.index("wrong = [", text.index('id = "1c"')) + len("wrong = [\n")
    toml.write_text(text[:at] + "    " + NEW_MESSAGE + text[at:])
    changed = regrade(*decisions)
    assert f"{len(names)} graded now" in changed.stdout
    decided = _rows(base / "out")
    regrade()                                     # the same records, without the decision
    plain = _rows(base / "out")
    _only_members_changed(plain, decided, undecided)
    forced = regrade(*decisions, "--force")
    assert f"{len(names)} graded now" in forced.stdout
    assert _rows(base / "out") == decided

    # overrides and the late policy, with a late-day bank, in grades.csv
    data = json.loads((base / "export" / "submission_metadata.yml").read_text())
    late, banked = [n for n in names[:count] + copied if float(plain[n]["total"] or 0) > 0][:2]
    data[late][":created_at"] = "2026-10-04 08:00:00.000000000 Z"     # 3 days needed
    data[banked][":created_at"] = "2026-10-02 08:00:00.000000000 Z"   # 1 day needed
    (base / "export" / "submission_metadata.yml").write_text(json.dumps(data))
    (base / "course.toml").write_text('[late]\npenalty = "10%/day"\ncap = "50%"\n'
                                      'late_days = 2\n[late.due]\ngd = "2026-10-01T23:59Z"\n')
    (base / "overrides.csv").write_text("submission,question,points,comment\n"
                                        f"{names[-1]},2c.2,1,copied from a classmate\n")
    final = regrade(*decisions, "--overrides", str(base / "overrides.csv"),
                    "--course", str(base / "course.toml"))
    assert "0 graded now" in final.stdout
    rows = _rows(base / "out")
    assert (decided[names[-1]]["Q2c.2"], rows[names[-1]]["Q2c.2"]) == ("2", "1")
    assert rows[names[-1]]["instructor"] == "Q2c.2 overridden: copied from a classmate"
    assert float(rows[names[-1]]["total"]) == float(decided[names[-1]]["total"]) - 1
    raw = float(rows[late]["raw"])
    assert (rows[late]["late_days"], rows[late]["late_penalty"], rows[late]["final"]) == (
        "2", f"{round(raw * 0.1, 2):g}", f"{round(raw - round(raw * 0.1, 2), 2):g}")
    assert (rows[banked]["late_days"], rows[banked]["late_penalty"]) == ("1", "0")
    assert all(rows[n]["instructor"] == "Q2b decided (decision 1)" for n in undecided)

    # the copied code: listed with its evidence, no score changed for it
    summary = (base / "out" / "summary.md").read_text()
    signals = summary.split("## Shared rare wrong answers and identical failing code")[1]
    pair = next(line for line in signals.split("\n## ")[0].splitlines()
                if f"`{copied[0]}`" in line and f"`{copied[1]}`" in line)
    assert "Q2c code: gd\\_distances, identical but for names" in pair
    assert all(rows[n]["instructor"] == "" for n in copied)


def test_the_loop_on_a_class(tmp_path):
    _loop(tmp_path, 3, seed=25)


@pytest.mark.slow   # a class of 205, graded three times: minutes on two cores
def test_the_loop_on_a_class_of_200(tmp_path):
    _loop(tmp_path, 200, seed=2025)
