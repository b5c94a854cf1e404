"""The instructor's loop after `regrade`: answer groups by meaning, decisions that survive every
regrade, overrides, the late policy, the LMS file, shared rare wrong answers, no change."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.batch.classroom import write_class
from tests.helpers import REFERENCE_GD, run_cli

# a class of nine in real students' spellings: four forget the ½ of q1a, each writing it their
# own way; two close the upper end of q1d; two share two rare wrong answers
SPELLINGS = ['("2*a*w1", "2*b*w2")', '("2aw1", "2bw2")', '("w1*a*2", "b*w2*2")',
             '("2 a w_1", "2 b w_2")']
CLOSED = ['"0 < eta <= 2/max(a, b)"', '"η ∈ (0, 2/max(a,b)]"']
CLASS = [
    {},
    {"q1a": SPELLINGS[0], "q1d": CLOSED[0]},
    {"q1a": SPELLINGS[1], "q1d": CLOSED[1]},
    {"q1a": SPELLINGS[2]},
    {"q1a": SPELLINGS[3]},
    {"q1c": '("1 - a", "1 - b")', "q2a": "(3, 1)"},
    {"q1c": '["1-a", "1-b"]', "q2a": "[3, 1]"},
    {"q1d": '"0 <= eta < 2/max(a, b)"'},
    {"q1b": "None"},
]
DECISION = """
[[decision]]
question = "1d"
answer = "0 < η ≤ 2/max(a, b)"
points = 1.5
message = "closed upper end: GD does not converge at 2/max(a, b)"
"""


def _answers(changes: dict[str, str]) -> str:
    return REFERENCE_GD + "".join(f"\n{name} = {value}" for name, value in changes.items()) + "\n"


def _export(folder: Path, changes=CLASS, times: dict[int, str] | None = None) -> Path:
    write_class(folder, [{"answers.py": _answers(c)} for c in changes])
    metadata = folder / "submission_metadata.yml"
    data = json.loads(metadata.read_text())
    for i, when in (times or {}).items():
        data[f"submission_{1000 + i}"][":created_at"] = when
    metadata.write_text(json.dumps(data))
    return folder


def _rows(out: Path, name: str = "grades.csv") -> dict[str, dict]:
    return {row["submission_id"]: row for row in
            csv.DictReader(io.StringIO((out / name).read_text()))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once; each test regrades a copy (nothing graded again)."""
    base = tmp_path_factory.mktemp("loop")
    export = _export(base / "export", times={7: "2026-10-03 09:00:00.000000000 Z"})
    done = run_cli("regrade", "gd", str(export), "--out", str(base / "out"), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return base


@pytest.fixture
def copy(graded, tmp_path):
    shutil.copytree(graded / "export", tmp_path / "export")
    shutil.copytree(graded / "out", tmp_path / "out")
    return tmp_path


def _regrade(base: Path, *options: str):
    return run_cli("regrade", "gd", str(base / "export"), "--out", str(base / "out"), *options)


def test_answers_are_grouped_by_meaning_not_spelling(graded):
    out = graded / "out"
    page = (out / "review" / "1a.md").read_text()
    table = page.split("## By diagnosed mistake")[0]
    wrong = [line for line in table.splitlines() if "| wrong |" in line]
    assert len(wrong) == 1 and "| 4 | wrong |" in wrong[0]      # four spellings, one group
    assert "you forgot the ½" in wrong[0]
    members = next(block for block in page.split("## Members")[1].split("### ")
                   if block.split("\n")[0].endswith(": 4, wrong"))
    assert all(f"submission_{1000 + i}" in members for i in (1, 2, 3, 4))
    assert "`[2 a w_1, 2 b w_2]`" in members                    # each in their own notation
    mistakes = page.split("## By diagnosed mistake")[1].split("## Members")[0]
    assert "forgot the ½ in L: the derivative of ½·a·w1² is a·w1. | 4 |" in mistakes
    q1b = (out / "review" / "1b.md").read_text()
    assert "8 answered in 1 groups (by meaning, not spelling); 1 not answered" in q1b
    summary = (out / "summary.md").read_text()
    section = summary.split("## Most common wrong answers")[1].split("\n## ")[0]
    assert "(no answer)" not in section
    q1a = section.split("**Q1a:")[1].split("**Q")[0]
    assert q1a.count("| `") == 1 and "wrong in 1 groups" in q1a


def test_undecided_and_unreadable_groups_come_first():
    from autograder.assignment import load_assignment
    from autograder.batch.inputs import Entry
    from autograder.batch.reports import Row
    from autograder.review.groups import answer_groups
    rows = [Row(Entry(f"s{i}", Path("x")), {"status": "graded", "score": 1,
                                            "answers": {"1b": text},
                                            "tests": [{"id": "1b", "score": score,
                                                       "max_score": 1, "kind": outcome}]})
            for i, (text, score, outcome) in enumerate([
                ("(0, 0)", 1, "passed"), ("[0, 0]", 1, "passed"), ("(0.0, 0)", 1, "passed"),
                ("(w1, w2…", 0, "failed"), ("(1, 1)", 0, "failed"), ("(1, 1)", 0, "failed"),
                ("(2, 2)", 0, "undecided")])]
    groups = next(g for g in answer_groups(load_assignment("gd"), rows, Path("nowhere"))
                  if g.question.id == "1b")
    assert [(g.verdict, len(g.members)) for g in groups.groups] == [
        ("undecided", 1), ("unreadable", 1), ("right", 3), ("wrong", 2)]


def test_a_decision_changes_exactly_its_groups_scores_and_survives_regrades(copy):
    (copy / "decisions.toml").write_text(DECISION)
    before = _rows(copy / "out")
    done = _regrade(copy, "--decisions", str(copy / "decisions.toml"))
    assert done.returncode == 0, done.stderr
    after = _rows(copy / "out")
    for name in before:
        if name in ("submission_1001", "submission_1002"):   # both spellings of its answer
            assert (before[name]["Q1d"], after[name]["Q1d"]) == ("0", "1.5")
            assert float(after[name]["total"]) == float(before[name]["total"]) + 1.5
            assert after[name]["instructor"] == "Q1d decided (decision 1)"
        else:
            assert after[name] == before[name] and after[name]["instructor"] == ""
    summary = (copy / "out" / "summary.md").read_text()
    applied = summary.split("## Decisions applied")[1].split("\n## ")[0]
    assert "decision 1, Q1d `0 < η ≤ 2/max(a, b)`: 2 submissions (wrong before: 0) now " \
           "1.5 each; message: closed upper end: GD does not converge at 2/max(a, b)" in applied
    assert "→ 1.5 (decision 1" in (copy / "out" / "review" / "1d.md").read_text()
    # the same command again: nothing changed, nothing rewritten
    stamps = {p: p.stat().st_mtime_ns for p in (copy / "out").rglob("*") if p.is_file()
              and "submissions" not in p.parts}
    again = _regrade(copy, "--decisions", str(copy / "decisions.toml"))
    assert again.returncode == 0 and "no change" in again.stdout and "wrote" not in again.stdout
    assert stamps == {p: p.stat().st_mtime_ns for p in stamps}


def test_decisions_survive_a_forced_regrade_and_meet_new_submissions(tmp_path):
    """After a grader change, regrade --force grades everything again: the decision still
    applies, to a new submission writing the same answer in a third notation too."""
    _export(tmp_path / "export", [{"q1d": CLOSED[0]}, {}])
    (tmp_path / "decisions.toml").write_text(DECISION)
    first = _regrade(tmp_path, "--decisions", str(tmp_path / "decisions.toml"))
    assert first.returncode == 0, first.stderr
    _export(tmp_path / "new", [{"q1d": '"0 < eta <= 2*min(1/a, 1/b)"'}])
    shutil.copytree(tmp_path / "new" / "submission_1000", tmp_path / "export" / "submission_1009")
    forced = _regrade(tmp_path, "--decisions", str(tmp_path / "decisions.toml"), "--force")
    assert forced.returncode == 0 and "3 graded now" in forced.stdout, forced.stdout
    rows = _rows(tmp_path / "out")
    assert [rows[name]["Q1d"] for name in ("submission_1000", "submission_1001",
                                           "submission_1009")] == ["1.5", "2", "1.5"]
    assert rows["submission_1009"]["instructor"] == "Q1d decided (decision 1)"


def test_decisions_that_match_nothing_are_reported_and_two_on_one_group_refused(copy):
    (copy / "decisions.toml").write_text(DECISION + """
[[decision]]
question = "1d"
answer = "0 < eta < 7/a"
verdict = "right"

[[decision]]
question = "Q1a"
answer = "((("
verdict = "wrong"
""")
    done = _regrade(copy, "--decisions", str(copy / "decisions.toml"))
    assert done.returncode == 0, done.stderr
    assert "decision 2 (Q1d: '0 < eta < 7/a'): no submission has this answer" in done.stdout
    assert "decision 3 (Q1a: '((('): its answer cannot be read" in done.stdout
    notes = (copy / "out" / "summary.md").read_text().split("## Notes")[1]
    assert "decision 2" in notes and "decision 3" in notes
    (copy / "decisions.toml").write_text(DECISION + DECISION.replace(
        "0 < η ≤ 2/max(a, b)", "η ∈ (0, min(2/a, 2/b)]"))
    csv_before = (copy / "out" / "grades.csv").read_text()
    refused = _regrade(copy, "--decisions", str(copy / "decisions.toml"))
    assert refused.returncode == 2
    assert "decision 1 (Q1d: '0 < η ≤ 2/max(a, b)') and decision 2 (Q1d: " \
           "'η ∈ (0, min(2/a, 2/b)]') match the same answer group" in refused.stderr
    assert (copy / "out" / "grades.csv").read_text() == csv_before
    (copy / "decisions.toml").write_text('[[decision]]\nquestion = "9z"\nanswer = "1"\n'
                                         'points = 1\n')
    unknown = _regrade(copy, "--decisions", str(copy / "decisions.toml"))
    assert unknown.returncode == 2 and "no closed-form question '9z'" in unknown.stderr


def test_overrides_by_id_or_sid_apply_last(copy):
    (copy / "decisions.toml").write_text(DECISION)
    (copy / "overrides.csv").write_text("submission,question,points,comment\n"
                                        "submission_1001,1d,2,regrade request: accepted\n"
                                        "900005,Q2a,0.5,\n")
    done = _regrade(copy, "--decisions", str(copy / "decisions.toml"), "--overrides",
                    str(copy / "overrides.csv"))
    assert done.returncode == 0, done.stderr
    rows = _rows(copy / "out")
    assert rows["submission_1001"]["Q1d"] == "2"               # the override wins
    assert rows["submission_1001"]["instructor"] == "Q1d overridden: regrade request: accepted"
    assert rows["submission_1002"]["Q1d"] == "1.5"
    assert rows["submission_1005"]["Q2a"] == "0.5" and \
        rows["submission_1005"]["instructor"] == "Q2a overridden"
    (copy / "overrides.csv").write_text("submission,question,points,comment\n123,1d,1,\n")
    bad = _regrade(copy, "--overrides", str(copy / "overrides.csv"))
    assert bad.returncode == 2 and "line 2: no submission or SID '123'" in bad.stderr


def test_the_late_policy_shows_raw_penalty_and_final(copy):
    (copy / "extensions.csv").write_text("sid,due\n900005,2026-10-05T00:00Z\n")
    data = json.loads((copy / "export" / "submission_metadata.yml").read_text())
    data["submission_1005"][":created_at"] = "2026-10-03 09:00:00.000000000 Z"
    data["submission_1006"][":created_at"] = "2026-10-02 00:10:00.000000000 Z"   # in grace
    data["submission_1008"][":created_at"] = "2026-10-20 00:00:00.000000000 Z"   # capped
    (copy / "export" / "submission_metadata.yml").write_text(json.dumps(data))
    done = _regrade(copy, "--due", "2026-10-01T23:59Z", "--grace", "15m", "--penalty",
                    "10%/day", "--cap", "50%", "--extensions", str(copy / "extensions.csv"))
    assert done.returncode == 0, done.stderr
    rows = _rows(copy / "out")
    late = rows["submission_1007"]                      # 1 day 9 hours late: 2 days started
    assert (late["raw"], late["late_penalty"], late["final"]) == (
        late["total"], f"{float(late['total']) * 0.2:g}", f"{float(late['total']) * 0.8:g}")
    assert rows["submission_1005"]["late_penalty"] == "0"          # its extension
    assert rows["submission_1005"]["due"] == "2026-10-05T00:00Z"
    assert rows["submission_1006"]["late_penalty"] == "0"          # within the grace period
    capped = rows["submission_1008"]
    assert float(capped["final"]) == float(capped["raw"]) / 2
    # the same policy from a course config
    (copy / "course.toml").write_text('[late]\ndue = "2026-10-01T23:59Z"\npenalty = "10%/day"\n'
                                      'cap = "50%"\ngrace = "15m"\nextensions = "extensions.csv"\n')
    again = _regrade(copy, "--course", str(copy / "course.toml"))
    assert again.returncode == 0 and "no change" in again.stdout, again.stdout + again.stderr


def test_a_bad_late_policy_is_a_clear_error_before_any_grading(tmp_path):
    from autograder.assignment import load_assignment
    from autograder.batch.inputs import read_input
    from autograder.review.loop import LoopError, Settings, prepare
    (tmp_path / "ext.csv").write_text("sid,due\n123,2026-10-05T00:00Z\n")
    _export(tmp_path / "export", CLASS[:1])
    entries = read_input(tmp_path / "export", tmp_path / "scratch").entries
    for late, message in [({"due": "2026-10-01T23:59Z", "penalty": "ten"},
                           "malformed penalty 'ten'"),
                          ({"due": "2026-10-01T23:59Z", "grace": "soon"}, "malformed grace"),
                          ({"due": "2026-10-01T23:59Z", "cap": "150%"}, "malformed cap"),
                          ({"penalty": "10%/day"}, "needs a due date"),
                          ({"due": "2026-10-01T23:59Z", "extensions": str(tmp_path / "ext.csv")},
                           "line 2: no student with SID '123'")]:
        with pytest.raises(LoopError, match=re.escape(message)):
            prepare(Settings(late=late), load_assignment("gd"), entries)
    done = _regrade(tmp_path, "--due", "1 October")
    assert done.returncode == 2 and "malformed due date '1 October'" in done.stderr
    assert not (tmp_path / "out").exists()          # nothing graded, no folder left


CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (3301),Current Score
    Points Possible,,,,,10,(read only)
"Student 0",101,900000,s0,Sec A,,
"Student 1",102,,s1@uni.edu,Sec A,,
"Nobody Here",103,999999,nobody,Sec B,,
"""


def test_canvas_and_moodle_files_import_as_their_gradebooks_say(copy):
    (copy / "roster.csv").write_text(CANVAS_EXPORT)
    done = _regrade(copy, "--lms", "canvas", "--roster", str(copy / "roster.csv"),
                    "--lms-column", "Homework 1 (3301)", "--lms-missing", "zero")
    assert done.returncode == 0, done.stderr
    grades = _rows(copy / "out")
    lines = list(csv.reader(io.StringIO((copy / "out" / "canvas.csv").read_text())))
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "Homework 1 (3301)"]
    assert lines[1] == ["Points Possible", "", "", "", "", "15"]
    assert lines[2] == ["Student 0", "101", "900000", "s0", "Sec A",
                        grades["submission_1000"]["total"]]
    assert lines[3][-1] == grades["submission_1001"]["total"]       # matched by email
    assert lines[4] == ["Nobody Here", "103", "999999", "nobody", "Sec B", "0"]
    assert "7 submissions match no roster student" in done.stdout
    moodle = _regrade(copy, "--lms", "moodle")
    assert moodle.returncode == 0, moodle.stderr
    lines = list(csv.reader(io.StringIO((copy / "out" / "moodle.csv").read_text())))
    assert lines[0] == ["First name", "Last name", "ID number", "Email address",
                        "Assignment: Analysing gradient descent (Real)"]
    assert lines[1] == ["Student", "0", "900000", "s0@uni.edu", grades["submission_1000"]["total"]]
    assert len(lines) == 10


def test_shared_rare_wrong_answers_are_signals_never_scores(graded):
    summary = (graded / "out" / "summary.md").read_text()
    section = summary.split("## Shared rare wrong answers")[1].split("\n## ")[0]
    pairs = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(pairs) == 1 and "`submission_1005`" in pairs[0] and "`submission_1006`" in pairs[0]
    assert "Q1c" in pairs[0] and "Q2a" in pairs[0]
    assert "`submission_1001`" not in section    # shares q1a with three: not rare... with q1d
    assert all(r["instructor"] == "" for r in _rows(graded / "out").values())


def test_item_analysis_and_the_charts(graded):
    from autograder.assignment import load_assignment
    from autograder.batch.inputs import read_input
    from autograder.batch.reports import Row
    from autograder.review.items import item_analysis
    out = graded / "out"
    found = read_input(graded / "export", graded / "scratch")
    rows = [Row(e, json.loads((out / "submissions" / e.id / "record.json").read_text()))
            for e in found.entries]
    items = {i.test: i for i in item_analysis(load_assignment("gd"), rows)}
    assert items["1a"].split == {"full": 5, "partial": 0, "wrong": 4, "not answered": 0,
                                 "flagged": 0}
    assert items["1b"].split["not answered"] == 1 and items["1b"].full_rate == pytest.approx(8 / 9)
    assert items["1a"].mean == pytest.approx(10 / 9)
    assert items["1a"].discrimination > 0 and items["2c.1"].discrimination == 0
    for chart in ("totals.png", "questions.png"):
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
