"""`regrade` of a class that hands in write-ups (Markdown, LaTeX with an ``\\input``, a
notebook's Markdown cells, a PDF alone), by the command an instructor types: each graded as
`grade` grades it alone, one graded test per question, undecided questions flagged."""
from __future__ import annotations

import csv
import json

import nbformat
import pytest

from tests.batch.classroom import CODE, write_class
from tests.helpers import run_cli, validate
from tests.writeup.test_writeup import GD_TYPORA
from tests.writeup.test_writeup_tex import MAIN, PROBLEM2
from autograder.grading import grade

# two different boxed finals for 1e: which is final is the instructor's to decide
FINAL = r"$$\boxed{\eta^* = \frac{2}{a+b}}$$"
TWO_FINALS = GD_TYPORA.replace(FINAL, FINAL + r" or $$\boxed{\eta^* = \frac{1}{a}}$$")


def _notebook() -> str:
    """Markdown cells answer 1c and 1d; the code cell answers 2c."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("### 1(c)\n\n$$\\rho_1 = 1 - \\eta a, \\quad "
                                      "\\rho_2 = 1 - \\eta b$$"),
        nbformat.v4.new_markdown_cell("### 1(d)\n\nHence $0 < \\eta < 2/\\min(a, b)$."),
        nbformat.v4.new_code_cell("import numpy as np\n" + CODE["loop"]),
    ]
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def writeups(tmp_path_factory):
    base = tmp_path_factory.mktemp("writeups")
    submissions = [{"hw1.md": GD_TYPORA}, {"hw1.tex": MAIN, "problem2.tex": PROBLEM2},
                   {"gd.ipynb": _notebook()}, {"homework.pdf": "%PDF-1.5\n%binary\n"},
                   {"hw1.md": TWO_FINALS}]
    names = write_class(base / "export", submissions)
    done = run_cli("regrade", "gd", str(base / "export"), "--out", str(base / "out"),
                   "--jobs", "2")
    assert done.returncode == 0, done.stderr
    with (base / "out" / "grades.csv").open() as file:
        rows = {row["submission_id"]: row for row in csv.DictReader(file)}
    return base, names, rows


def test_a_class_of_writeups_is_regraded_as_grade_grades_each_alone(writeups, results_schema):
    base, names, rows = writeups
    for name in names:
        alone = grade("gd", base / "export" / name)
        results = json.loads((base / "out" / "submissions" / name / "results.json").read_text())
        validate(results, results_schema)
        graded = [t["number"] for t in results["tests"] if t.get("max_score")]
        assert len(graded) == len(set(graded)), name   # one graded test per question
        assert results["score"] == alone.score, name
        if rows[name]["total"]:
            assert float(rows[name]["total"]) == alone.score, name
    md, tex, notebook, pdf, two = names
    assert rows[md]["status"] == rows[tex]["status"] == "graded"
    assert float(rows[md]["total"]) == float(rows[tex]["total"]) == 12   # all but the code
    assert (rows[notebook]["Q1c"], rows[notebook]["Q1d"], rows[notebook]["Q1a"]) == ("2", "0", "0")
    assert float(rows[notebook]["Q2c.1"]) == 1   # its code cell answers the code question
    tests = {t["number"]: t for t in json.loads(
        (base / "out" / "submissions" / tex / "results.json").read_text())["tests"]}
    assert tests["2b"]["output"].startswith("Read from `problem2.tex`, line 3")


def test_a_writeups_undecided_question_is_flagged_not_scored(writeups):
    base, names, rows = writeups
    two = names[4]
    assert rows[two]["status"] == "flagged" and rows[two]["Q1e"] == "0"
    results = json.loads((base / "out" / "submissions" / two / "results.json").read_text())
    assert results["extra_data"]["undecided"] == ["1e"]
    summary = (base / "out" / "summary.md").read_text()
    assert "2 different answers" in summary.split("## Flagged")[1]


def test_a_pdf_alone_is_said_to_need_its_source_and_counts_as_unanswered(writeups):
    base, names, rows = writeups
    pdf = names[3]
    assert rows[pdf]["status"] == "no answer file" and rows[pdf]["total"] == ""
    summary = (base / "out" / "summary.md").read_text()
    row = next(line for line in summary.splitlines() if f"`{pdf}`" in line and "no answer" in line)
    assert "a PDF is not read" in row and "homework.pdf" in row
