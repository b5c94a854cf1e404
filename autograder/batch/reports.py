"""A graded batch as an instructor reads it: ``grades.csv`` and ``summary.md``.

Both are made from the submissions' records only (``submissions/<id>/record.json``), so they
are the same whichever machine or cluster graded the batch, and contain no timing.  Scores of a
submission that timed out or broke the grader are left empty: they are no verdict; so are those
of a student the export lists without a folder (``missing``), and of a submission with no answer
file or none that could be read (nothing was answered), unless the instructor counts those as
the score they earned, 0 (``Row.count_unanswered``): then in the statistics too.
"""
from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from ..assignment import Assignment
from ..markdown import code, inert
from ..outcomes import DECIDED, UNANSWERED, Kind, Status
from ..results import clean_text
from .inputs import Entry

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # what a reader may take for a line end


@dataclass(frozen=True)
class Row:
    entry: Entry
    record: dict
    count_unanswered: bool = False   # nothing to grade counts as the score earned (0)

    @property
    def status(self) -> str:
        """The record's :class:`~autograder.outcomes.Status`, as the record holds it."""
        return self.record.get("status", "")

    @property
    def scored(self) -> bool:
        """Its scores are in the CSV and the statistics."""
        return self.status in DECIDED or (self.count_unanswered and self.status in UNANSWERED)

    def _test(self, test_id: str) -> dict:
        return next((t for t in self.record.get("tests", []) if t["id"] == test_id), {})

    def score(self, test_id: str) -> float | None:
        return self._test(test_id).get("score") if self.scored else None

    def passed(self, test_id: str) -> bool:
        test = self._test(test_id)
        return test.get("kind") == Kind.PASSED and test["score"] >= test["max_score"]

    def wrong(self, test_id: str) -> bool:
        """Scored, and not full marks (an undecided question is no wrong answer)."""
        return self.scored and self._test(test_id).get("kind") == Kind.FAILED

    @property
    def why(self) -> str:
        return inert((self.record.get("notes") or ["?"])[0], 300)


def grades_csv(assignment: Assignment, rows: list[Row],
               extra: list[tuple[str, Callable[[Row], str]]] = ()) -> str:
    """One line per submission: id, names, SIDs, emails, the score of each graded question,
    total, status, the score the export had, and the ``extra`` columns (name, cell of a
    row)."""
    tests = assignment.graded_tests
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["submission_id", "names", "sids", "emails",
                     *(f"Q{t.id}" for t in tests), "total", "max_score", "status",
                     "previous_score", *(name for name, _ in extra)])
    for row in rows:
        entry, record = row.entry, row.record
        writer.writerow([_safe(entry.id), _safe("; ".join(entry.names)),
                         _safe("; ".join(entry.sids)), _safe("; ".join(entry.emails)),
                         *(_number(row.score(t.id)) for t in tests),
                         _number(record.get("score") if row.scored else None),
                         _number(assignment.points), _safe(row.status),
                         _number(entry.previous_score), *(_safe(cell(row)) for _, cell in extra)])
    return out.getvalue()


def summary_markdown(assignment: Assignment, rows: list[Row], problems: list[str] = (),
                     answers: list[str] = (), more: list[str] = ()) -> str:
    """Counts, totals, what could not be used of the input, each question's mean and pass rate,
    the lines ``answers`` (the class's answers: see autograder.review), changed scores,
    submissions with nothing to grade, failures, time-outs, flagged questions, and the lines
    ``more``."""
    scored = [row for row in rows if row.scored]
    lines = [f"# {assignment.id}: {len(rows)} submissions regraded", "", headline(assignment, rows)]
    if problems:
        lines += ["", "## Problems with the input", ""]
        lines += [f"- {inert(problem, 500)}" for problem in problems]
    lines += ["", "## Questions", "", "| question | points | mean | full marks | flagged |",
              "|---|---|---|---|---|"]
    for test in assignment.graded_tests:
        scores = [row.score(test.id) for row in scored]
        scores = [s for s in scores if s is not None]
        full = sum(row.passed(test.id) for row in scored)
        flagged = sum(any(f.startswith(f"{test.id}:") for f in row.record.get("flagged", []))
                      for row in scored)
        mean = f"{statistics.mean(scores):.2f}" if scores else "–"
        rate = f"{full / len(scored):.0%} ({full}/{len(scored)})" if scored else "–"
        lines.append(f"| Q{test.id}: {inert(test.title, 60)} | {test.points:g} | {mean} | "
                     f"{rate} | {flagged} |")
    lines += answers
    lines += _changed(rows)
    lines += _table("Nothing to grade: no answer file, or none that could be read (no score "
                    "unless counted with --count-unanswered)",
                    ["status", "score in the export", "why, and the files found"],
                    [(row, [row.status, _number(row.entry.previous_score) or "–", row.why])
                     for row in rows if row.status in UNANSWERED])
    lines += _table("Missing (listed in the export, but not graded: no score)", ["why"],
                    [(row, [row.why]) for row in rows if row.status == Status.MISSING])
    lines += _table("Failures and time-outs (no score: grade these again or by hand)",
                    ["status", "why"],
                    [(row, [row.status, row.why]) for row in rows
                     if row.status not in DECIDED + UNANSWERED + (Status.MISSING,)])
    lines += _table("Flagged for review (the score counts only what was decided)",
                    ["questions"],
                    [(row, [inert("; ".join(row.record["flagged"]), 300)])
                     for row in rows if row.record.get("flagged") and row.scored])
    return "\n".join([*lines, *more]) + "\n"


def headline(assignment: Assignment, rows: list[Row]) -> str:
    """How many were graded, flagged, had nothing to grade, failed, timed out or are missing,
    and the totals' mean and spread."""
    statuses = Counter(row.status for row in rows)
    text = ", ".join(f"{statuses[s]} {label}" for s, label in (
        (Status.GRADED, "graded"), (Status.FLAGGED, "flagged (a question could not be decided)"),
        (Status.NO_ANSWER_FILE, "with no answer file"), (Status.UNREADABLE, "unreadable"),
        (Status.ERROR, "failed (the grader broke)"), (Status.TIMEOUT, "timed out"),
        (Status.MISSING, "missing (listed in the export, not graded)"))
        if statuses[s] or s is Status.GRADED) + "."
    totals = [row.record["score"] for row in rows if row.scored]
    unanswered = [row for row in rows if row.status in UNANSWERED]
    if totals:
        which = "graded, flagged and unanswered (as 0)" \
            if any(row.scored for row in unanswered) else "graded and flagged"
        text += (f"\n\nTotals of the {len(totals)} {which} submissions, out of "
                 f"{assignment.points:g}: mean {statistics.mean(totals):.2f}, median "
                 f"{statistics.median(totals):g}, lowest {min(totals):g}, highest "
                 f"{max(totals):g}.")
    left_out = sum(not row.scored for row in unanswered)
    if left_out:
        text += (" " if totals else "\n\n") + (f"Not counted: {left_out} with nothing to "
                                                f"grade (--count-unanswered counts them as 0).")
    return text


def _changed(rows: list[Row]) -> list[str]:
    title = "Scores that changed (against the score in the export)"
    if all(row.entry.previous_score is None for row in rows):
        return ["", f"## {title}", "", "Nothing to compare: the input held no scores (a folder "
                "of folders, or an export without them)."]
    changed = [row for row in rows if row.scored and row.entry.previous_score is not None
               and abs(row.record["score"] - row.entry.previous_score) > 1e-9]
    return _table(title, ["before", "now"],
                  [(row, [f"{row.entry.previous_score:g}", f"{row.record['score']:g}"])
                   for row in changed])


def _table(title: str, columns: list[str], rows: list[tuple[Row, list[str]]]) -> list[str]:
    lines = ["", f"## {title}", ""]
    if not rows:
        return lines + ["None."]
    lines += ["| submission | names | " + " | ".join(columns) + " |",
              "|---" * (len(columns) + 2) + "|"]
    for row, cells in rows:
        names = inert("; ".join(row.entry.names), 100) or "–"
        lines.append(f"| {_cell(row.entry.id)} | {names} | " + " | ".join(cells) + " |")
    return lines


def _cell(text: str) -> str:
    """Student text as a code span inside a table cell (a ``|`` would end the cell)."""
    return code(text, 80).replace("|", "\\|")


def _safe(text: str) -> str:
    """A CSV cell a spreadsheet shows as text on its own line, never runs as a formula: its
    control characters (a carriage return, which the csv module leaves unquoted, would end the
    row for a reader) become spaces."""
    text = _CONTROL.sub(" ", clean_text(text))
    return "'" + text if text.lstrip()[:1] in ("=", "+", "-", "@") else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
