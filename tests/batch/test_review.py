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


def test_right_answers_share_a_group_on_their_fingerprint_wrong_ones_are_compared(monkeypatch):
    """Answers the grader found right are each equal to the reference, so to each other: their
    fingerprints decide; two wrong ones with one fingerprint are still compared exactly."""
    from autograder.assignment import load_assignment
    from autograder.batch.inputs import Entry
    from autograder.batch.reports import Row
    from autograder.review import groups as review, reading
    compared = []
    exact = reading.equivalent
    monkeypatch.setattr(reading, "equivalent",
                        lambda a, b, *args, **kwargs: compared.append(1) or exact(a, b, *args,
                                                                                  **kwargs))
    rows = [Row(Entry(f"s{i}", Path("x")), {"status": "graded", "score": 1,
                                            "answers": {"1c": text},
                                            "tests": [{"id": "1c", "score": score,
                                                       "max_score": 1, "kind": outcome}]})
            for i, (text, score, outcome) in enumerate([
                ("(1 - eta*a, 1 - eta*b)", 1, "passed"), ("(1 - a*eta, 1 - b*eta)", 1, "passed"),
                ("((2 - 2*eta*a)/2, 1 - eta*b)", 1, "passed"),
                ("(1 + eta*a, 1 + eta*b)", 0, "failed"), ("(1 + a*eta, 1 + b*eta)", 0, "failed"),
                ("((2 + 2*a*eta)/2, 1 + eta*b)", 0, "failed")])]
    found = next(g for g in review.answer_groups(load_assignment("gd"), rows, Path("nowhere"))
                 if g.question.id == "1c")
    assert sorted((g.verdict, len(g.members)) for g in found.groups) == [("right", 3), ("wrong", 3)]
    assert len(compared) == 4   # the second and third wrong answers' two parts, with the first


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


# A Canvas gradebook export, written by hand in the documented format: Canvas's guide "How do
# I import grades in the Gradebook?" (community.canvaslms.com, Instructor Guide) and Ohio
# State's "Import a CSV file to Carmen grades" (teaching.resources.osu.edu: a student named by
# Student, ID or SIS User ID, then SIS Login ID, Section and the assignment's column); its rows
# as real exports have them (e.g. the fixtures of plomgrading/plom's
# plom/finish/test_return_tools.py): a row of posting policies, the "    Points Possible" row
# with its four leading spaces, read-only columns, the "Student, Test" student, and columns
# such as Root Account that the import does not need.
CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Root Account,Section,Homework 1 (3301),Current Score
,,,,,,Manual Posting,
    Points Possible,,,,,,10.00,(read only)
"Student 0",101,900000,s0,uni.edu,Sec A,,0.00
"Student 1",102,,s1@uni.edu,uni.edu,Sec A,,
"Nobody Here",103,999999,nobody,uni.edu,Sec B,,
"Student, Test",99,,,uni.edu,Sec A,,
"""
# Moodle's grade export (Grades > Export > Plain text file) has these columns; its CSV import
# (grade/import/csv) maps a student by "ID number" (useridnumber) or "Email address"
# (useremail) and a column to the grade item.
MOODLE_EXPORT = """First name,Last name,ID number,Institution,Department,Email address,Assignment: Analysing gradient descent (Real),Last downloaded from this course
Student,0,900000,Uni,Maths,s0@uni.edu,-,1767225600
Student,1,,Uni,Maths,s1@uni.edu,-,1767225600
Nobody,Here,999999,Uni,Maths,nobody@uni.edu,-,1767225600
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
    assert lines[1] == ["    Points Possible", "", "", "", "", "15"]
    assert lines[2] == ["Student 0", "101", "900000", "s0", "Sec A",
                        grades["submission_1000"]["total"]]
    assert lines[3][-1] == grades["submission_1001"]["total"]       # matched by email
    assert lines[4] == ["Nobody Here", "103", "999999", "nobody", "Sec B", "0"]
    assert lines[5] == ["Student, Test", "99", "", "", "Sec A", "0"]
    assert len(lines) == 6                                          # no posting-policy row
    assert "7 submissions match no roster student" in done.stdout
    (copy / "roster.csv").write_text(MOODLE_EXPORT)
    moodle = _regrade(copy, "--lms", "moodle", "--roster", str(copy / "roster.csv"))
    assert moodle.returncode == 0, moodle.stderr
    lines = list(csv.reader(io.StringIO((copy / "out" / "moodle.csv").read_text())))
    assert lines == [["First name", "Last name", "ID number", "Email address",
                      "Assignment: Analysing gradient descent (Real)"],
                     ["Student", "0", "900000", "s0@uni.edu", grades["submission_1000"]["total"]],
                     ["Student", "1", "", "s1@uni.edu", grades["submission_1001"]["total"]],
                     ["Nobody", "Here", "999999", "nobody@uni.edu", ""]]
    alone = _regrade(copy, "--lms", "moodle")                       # no roster: the class
    assert alone.returncode == 0, alone.stderr
    lines = list(csv.reader(io.StringIO((copy / "out" / "moodle.csv").read_text())))
    assert lines[1] == ["Student", "0", "900000", "s0@uni.edu", grades["submission_1000"]["total"]]
    assert len(lines) == 10


def test_shared_rare_wrong_answers_are_signals_never_scores(graded):
    summary = (graded / "out" / "summary.md").read_text()
    section = summary.split("## Shared rare wrong answers and identical failing code")[1] \
        .split("\n## ")[0]
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


# gd_distances with the step's sign wrong, as one student wrote it and as a classmate handed it
# in: the same code but for names, comments, a docstring and layout (in a notebook)
SIGN = '''
def gd_distances(eta, epochs):
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        g = np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])  # gradient of R
        w = w + eta*g          # step
        out.append(np.linalg.norm(w - np.array([1.0, 3.0])))
    return np.array(out)
'''
SIGN_RENAMED = '''
def gd_distances(eta, epochs):
    """distances to w* over the epochs"""
    weights = np.zeros(2); dists = []
    for step in range(epochs):
        grad = np.array([26*weights[0]-10*weights[1]+4,
                         -10*weights[0]+4*weights[1]-2])
        weights = weights + eta*grad
        dists.append(np.linalg.norm(weights - np.array([1.0, 3.0])))
    return np.array(dists)
'''
# the same mistake written another way: fails alike, but it is not the same code
SIGN_MATRIX = '''
H = np.array([[26., -10.], [-10., 4.]])
def gd_distances(eta, epochs):
    w, res = np.zeros(2), np.empty(epochs)
    for t in range(epochs):
        w = w + eta * (H @ w + np.array([4., -2.]))
        res[t] = np.sqrt(((w - np.array([1, 3]))**2).sum())
    return res
'''
STUB = "\ndef gd_distances(eta, epochs):\n    raise NotImplementedError\n"


def test_identical_code_that_fails_alike_is_a_signal_with_its_evidence(tmp_path):
    import nbformat
    from autograder.assignment import load_assignment
    from autograder.batch.inputs import Entry
    from autograder.batch.reports import Row
    from autograder.review import collusion
    from autograder.review.code import code_groups
    failing = "2 of 3 cases are wrong:\nthe distances grow: line {} of answers.py"
    sources = {"s0": SIGN, "s1": SIGN_RENAMED, "s2": SIGN_MATRIX, "s3": STUB, "s4": STUB,
               "s5": SIGN}
    rows = []
    for i, (name, code) in enumerate(sources.items()):
        folder = tmp_path / "export" / name
        folder.mkdir(parents=True)
        source = "import numpy as np\n" + code
        if name == "s1":
            cells = [nbformat.v4.new_code_cell("%matplotlib inline"),
                     nbformat.v4.new_code_cell(source)]
            (folder / "gd.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
        else:
            (folder / "answers.py").write_text(source)
        message = "" if name == "s5" else failing.format(7 + i)   # s5: its code passes 2c.1
        tests = [{"id": "2c.1", "score": 1 if name == "s5" else 0, "max_score": 1,
                  "kind": "passed" if name == "s5" else "failed"},
                 {"id": "2c.2", "score": 0, "max_score": 2, "kind": "failed"}]
        results = tmp_path / "out" / "submissions" / name
        results.mkdir(parents=True)
        (results / "results.json").write_text(json.dumps({"tests": [
            {"number": "2c.1", "output": message}, {"number": "2c.2", "output": failing.format(9)}]}))
        rows.append(Row(Entry(name, folder), {"status": "graded", "score": 0, "tests": tests}))
    groups = code_groups(load_assignment("gd"), rows, tmp_path / "out")
    assert [[c.submission for c in g.members] for g in groups] == [["s0", "s1"]]
    assert groups[0].members[1].where == "gd.ipynb cell 2, line 3"
    found = collusion.signals([], groups)
    assert [s.pair for s in found] == [("s0", "s1")]
    lines = collusion.section(found, {"s0": "Ada", "s1": "Bo"})
    pair = next(line for line in lines if line.startswith("- "))
    assert "`s0` (Ada) and `s1` (Bo): Q2c code: gd\\_distances, identical but for names" in pair
    assert "2c.1 0/1: 2 of 3 cases are wrong: the distances grow: line …" in pair and "answers.py, line 3 and gd.ipynb cell 2, line 3" in pair


COURSE = """[late]
penalty = "10%/day"
cap = "50%"
late_days = 2            # each student's, over the course
[late.due]               # the bank is spent in this order
calculus = "2026-09-20T23:59Z"
gd = "2026-10-01T23:59Z"
backprop = "2026-10-15T23:59Z"
"""
LEDGER = ("assignment,sid,days,had\n"
          "calculus,900007,1,2\ncalculus,900008,2,2\nbackprop,900007,1,1\n")


def test_a_late_day_bank_spends_what_earlier_assignments_left(copy):
    data = json.loads((copy / "export" / "submission_metadata.yml").read_text())
    data["submission_1005"][":created_at"] = "2026-10-02 05:00:00.000000000 Z"   # 1 day needed
    data["submission_1008"][":created_at"] = "2026-10-02 10:00:00.000000000 Z"   # 1 day needed
    (copy / "export" / "submission_metadata.yml").write_text(json.dumps(data))   # 1007: 2 days
    (copy / "course.toml").write_text(COURSE)
    (copy / "late_days.csv").write_text(LEDGER)
    done = _regrade(copy, "--course", str(copy / "course.toml"))
    assert done.returncode == 0, done.stderr
    rows = _rows(copy / "out")
    spent = {name: (rows[name]["late_days"], rows[name]["late_penalty"], rows[name]["final"])
             for name in ("submission_1005", "submission_1007", "submission_1008")}
    raw = {name: float(rows[name]["raw"]) for name in spent}
    assert spent == {
        "submission_1005": ("1", "0", f"{raw['submission_1005']:g}"),      # 2 left: 1 spent
        # 1 left after calculus: spent, and 9 hours still late: one day's 10 %
        "submission_1007": ("1", f"{raw['submission_1007'] * 0.1:g}",
                            f"{raw['submission_1007'] * 0.9:g}"),
        "submission_1008": ("0", f"{raw['submission_1008'] * 0.1:g}",      # none left
                            f"{raw['submission_1008'] * 0.9:g}")}
    assert rows["submission_1000"]["late_days"] == "0"
    assert (copy / "late_days.csv").read_text() == (
        "assignment,sid,days,had\ncalculus,900007,1,2\ncalculus,900008,2,2\n"
        "gd,900005,1,2\ngd,900007,1,1\ngd,900008,0,0\nbackprop,900007,1,1\n")
    # backprop was regraded when 900007 had 1 day left; gd has spent it since
    assert "Note: late-day ledger: backprop counted the days students had left" in done.stdout
    summary = (copy / "out" / "summary.md").read_text()
    assert "Late-day bank: 2 days each over the course, spent in the order calculus, gd, " \
           "backprop" in summary
    again = _regrade(copy, "--course", str(copy / "course.toml"))
    assert again.returncode == 0 and "no change" in again.stdout, again.stdout + again.stderr
    # bad input: a clear error, nothing rewritten
    csv_before = (copy / "out" / "grades.csv").read_text()
    for course, ledger, message in [
            (COURSE, LEDGER + "gd,900001,two,2\n", "late_days.csv, line 5: days and had must be "
                                                   "whole numbers, not 'two' and '2'"),
            (COURSE, LEDGER + "hw9,900001,1,2\n", "assignment 'hw9' has no due date in "
                                                  "[late.due]"),
            (COURSE, "sid,days\n", "its header must be assignment,sid,days,had"),
            (COURSE.replace("late_days = 2", 'late_days = "2"'), LEDGER,
             "late_days must be a whole number of days"),
            (COURSE.replace('gd = "2026-10-01T23:59Z"\n', ""), LEDGER,
             "a late policy needs a due date of gd"),
            (COURSE.split("[late.due]")[0] + 'due = "2026-10-01T23:59Z"\n', LEDGER,
             "a late-day bank needs each assignment's due date: a [late.due] table")]:
        (copy / "course.toml").write_text(course)
        (copy / "late_days.csv").write_text(ledger)
        bad = _regrade(copy, "--course", str(copy / "course.toml"))
        assert bad.returncode == 2 and message in bad.stderr, (message, bad.stderr)
        assert (copy / "out" / "grades.csv").read_text() == csv_before


def test_the_fingerprint_is_the_checkers_float_values_at_its_points():
    import sympy
    from autograder.assignment import load_assignment
    from autograder.checkers.equivalence import TOO_LARGE
    from autograder.review.reading import Reader
    question = next(q for q in load_assignment("gd").questions if q.id == "1d")
    reader = Reader(question, load_assignment("gd"))
    a, b = sympy.symbols("a b", positive=True)
    values = reader.domain.float_values(2 / sympy.Max(a, b))
    assert len(values) == len(reader.domain.points()) >= 3
    assert all(isinstance(v, complex) and v.real > 0 for v in values)
    assert set(reader.domain.float_values(sympy.cosh(sympy.cosh(sympy.cosh(sympy.cosh(a + 4))))
                                          )) == {TOO_LARGE}
    assert set(reader.domain.float_values(sympy.sqrt(a - 10))) == {None}   # no float value
    assert reader.read("0 < eta < 2/max(a, b)").key == reader.read("0 < η < min(2/a, 2/b)").key
    assert reader.read("0 < eta < 2/max(a, b)").key != reader.read("0 < eta < 2/min(a, b)").key
