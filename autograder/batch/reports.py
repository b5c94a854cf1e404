"""A graded batch as an instructor reads it: ``grades.csv`` and ``summary.md``.

Both are made from the submissions' records only (``submissions/<id>/record.json``), so they
are the same whichever machine or cluster graded the batch, and contain no timing.  Scores of a
submission that timed out or broke the grader are left empty: they are no verdict.
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass

from ..assignment import Assignment
from ..markdown import code, inert
from .inputs import Entry

DECIDED = ("graded", "flagged")       # statuses whose scores are verdicts
TOP_WRONG = 5                         # wrong answers listed per question


@dataclass(frozen=True)
class Row:
    entry: Entry
    record: dict

    @property
    def decided(self) -> bool:
        return self.record.get("status") in DECIDED

    def _test(self, test_id: str) -> dict:
        return next((t for t in self.record.get("tests", []) if t["id"] == test_id), {})

    def score(self, test_id: str) -> float | None:
        return self._test(test_id).get("score") if self.decided else None

    def passed(self, test_id: str) -> bool:
        test = self._test(test_id)
        return test.get("outcome") == "passed" and test["score"] >= test["max_score"]

    def wrong(self, test_id: str) -> bool:
        """Decided, and not full marks (an undecided question is no wrong answer)."""
        return self.decided and self._test(test_id).get("outcome") == "failed"


def grades_csv(assignment: Assignment, rows: list[Row]) -> str:
    """One line per submission: id, names, SIDs, emails, the score of each graded question,
    total, status, and the score the export had."""
    tests = assignment.graded_tests
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["submission_id", "names", "sids", "emails",
                     *(f"Q{t.id}" for t in tests), "total", "max_score", "status",
                     "previous_score"])
    for row in rows:
        entry, record = row.entry, row.record
        writer.writerow([_safe(entry.id), _safe("; ".join(entry.names)),
                         _safe("; ".join(entry.sids)), _safe("; ".join(entry.emails)),
                         *(_number(row.score(t.id)) for t in tests),
                         _number(record.get("score") if row.decided else None),
                         _number(assignment.points), record.get("status", ""),
                         _number(entry.previous_score)])
    return out.getvalue()


def summary_markdown(assignment: Assignment, rows: list[Row]) -> str:
    """Counts, totals, each question's mean and pass rate, the commonest wrong answers of each
    closed-form question, changed scores, failures, time-outs and flagged questions."""
    decided = [row for row in rows if row.decided]
    lines = [f"# {assignment.id}: {len(rows)} submissions regraded", "",
             headline(assignment, rows), "", "## Questions", "", "| question | points | mean | full marks | flagged |",
              "|---|---|---|---|---|"]
    for test in assignment.graded_tests:
        scores = [row.score(test.id) for row in decided]
        scores = [s for s in scores if s is not None]
        full = sum(row.passed(test.id) for row in decided)
        flagged = sum(any(f.startswith(f"{test.id}:") for f in row.record.get("flagged", []))
                      for row in decided)
        mean = f"{statistics.mean(scores):.2f}" if scores else "–"
        rate = f"{full / len(decided):.0%} ({full}/{len(decided)})" if decided else "–"
        lines.append(f"| Q{test.id}: {inert(test.title, 60)} | {test.points:g} | {mean} | "
                     f"{rate} | {flagged} |")
    lines += _wrong_answers(assignment, decided)
    lines += _changed(rows)
    lines += _table("Failures and time-outs (no score: grade these again or by hand)",
                    ["status", "why"],
                    [(row, [row.record.get("status", ""),
                            inert((row.record.get("notes") or ["?"])[0], 200)])
                     for row in rows if not row.decided])
    lines += _table("Flagged for review (the score counts only what was decided)",
                    ["questions"],
                    [(row, [inert("; ".join(row.record["flagged"]), 300)])
                     for row in rows if row.record.get("flagged") and row.decided])
    return "\n".join(lines) + "\n"


def headline(assignment: Assignment, rows: list[Row]) -> str:
    """How many were graded, flagged, failed and timed out, and the totals' mean and spread."""
    statuses = Counter(row.record.get("status") for row in rows)
    text = ", ".join(f"{statuses[s]} {label}" for s, label in (
        ("graded", "graded"), ("flagged", "flagged (a question could not be decided)"),
        ("error", "failed (the grader broke)"), ("timeout", "timed out"),
        ("missing", "not graded")) if statuses[s] or s == "graded") + "."
    totals = [row.record["score"] for row in rows if row.decided]
    if totals:
        text += (f"\n\nTotals of the {len(totals)} graded and flagged submissions, out of "
                 f"{assignment.points:g}: mean {statistics.mean(totals):.2f}, median "
                 f"{statistics.median(totals):g}, lowest {min(totals):g}, highest "
                 f"{max(totals):g}.")
    return text


def question_stats(assignment: Assignment, rows: list[Row]) -> list[tuple[str, float, float]]:
    """(question, mean fraction of its points, fraction with full marks), for the charts."""
    decided = [row for row in rows if row.decided]
    stats = []
    for test in assignment.graded_tests:
        scores = [s for s in (row.score(test.id) for row in decided) if s is not None]
        if scores and test.points:
            stats.append((f"Q{test.id}", statistics.mean(scores) / test.points,
                          sum(row.passed(test.id) for row in decided) / len(decided)))
    return stats


def _wrong_answers(assignment: Assignment, decided: list[Row]) -> list[str]:
    lines = ["", "## Most common wrong answers", ""]
    for question in assignment.questions:
        if not (question.closed_form and question.graded):
            continue
        wrong = Counter(row.record.get("answers", {}).get(question.id, "(no answer)")
                        for row in decided if row.wrong(question.id))
        if not wrong:
            continue
        lines += [f"**Q{question.id}: {inert(question.title, 80)}**: "
                  f"{sum(wrong.values())} wrong", "", "| answer | submissions |",
                  "|---|---|"]
        lines += [f"| {_cell(answer)} | {count} |" for answer, count in wrong.most_common(TOP_WRONG)]
        lines.append("")
    return lines if len(lines) > 3 else lines + ["Every closed-form answer earned full marks."]


def _changed(rows: list[Row]) -> list[str]:
    changed = [row for row in rows if row.decided and row.entry.previous_score is not None
               and abs(row.record["score"] - row.entry.previous_score) > 1e-9]
    return _table("Scores that changed (against the score in the export)",
                  ["before", "now"],
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
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
