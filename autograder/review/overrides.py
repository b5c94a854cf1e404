"""Per-submission overrides (``--overrides overrides.csv``: submission,question,points,comment),
applied after the grader and the decisions, in every regrade; and how both change a record."""
from __future__ import annotations

import copy
import csv
from dataclasses import dataclass
from pathlib import Path

from ..assignment import Assignment
from ..batch.inputs import Entry
from ..batch.reports import Row
from .decisions import Applied, LoopError

COLUMNS = ["submission", "question", "points", "comment"]


@dataclass(frozen=True)
class Override:
    line: int
    submission: str        # the submission's id (resolved from a SID)
    question: str
    points: float
    comment: str


def read_overrides(path: Path, assignment: Assignment, entries: list[Entry]) -> list[Override]:
    """The overrides of ``path``; a submission is named by its id or its student's SID.
    Raises LoopError naming the line of an unknown submission or question, or bad points."""
    tests = {t.id: t for t in assignment.graded_tests}
    ids = {entry.id: entry.id for entry in entries}
    ids.update({sid: entry.id for entry in entries for sid in entry.sids})
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if [c.strip() for c in reader.fieldnames or []] != COLUMNS:
                raise LoopError(f"{path}: its header must be {','.join(COLUMNS)}")
            lines = [(reader.line_num, {k.strip(): (v or "").strip() for k, v in line.items()
                                         if k}) for line in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LoopError(f"{path}: cannot be read: {exc}") from None
    overrides = []
    for number, line in lines:
        where = f"{path}, line {number}"
        if line["submission"] not in ids:
            raise LoopError(f"{where}: no submission or SID {line['submission']!r} in this "
                            f"class")
        question = line["question"].removeprefix("Q")
        if question not in tests:
            raise LoopError(f"{where}: no graded question {line['question']!r} (its questions: "
                            f"{', '.join(tests)})")
        try:
            points = float(line["points"])
        except ValueError:
            points = -1.0
        if not 0 <= points <= tests[question].points:
            raise LoopError(f"{where}: points must be a number from 0 to "
                            f"{tests[question].points:g}, not {line['points']!r}")
        overrides.append(Override(number, ids[line["submission"]], question, points,
                                  line["comment"]))
    return overrides


def adjusted(rows: list[Row], applied: list[Applied], overrides: list[Override]) -> list[Row]:
    """The rows with the decisions' points on every member of their groups, then the
    overrides; each changed question is marked in the record's ``instructor`` (question ->
    "decided" / "overridden: comment")."""
    decided = {(m.submission, a.decision.question): a.decision
               for a in applied if a.group for m in a.group.members}
    overridden = {(o.submission, o.question): o for o in overrides}
    out = []
    for row in rows:
        keys = {k for k in (*decided, *overridden) if k[0] == row.entry.id}
        if not keys or not row.record.get("tests"):
            out.append(row)
            continue
        record = copy.deepcopy(row.record)
        marks = record.setdefault("instructor", {})
        for _, question in sorted(keys):
            if (row.entry.id, question) in overridden:
                o = overridden[row.entry.id, question]
                _set(record, question, o.points)
                marks[question] = f"overridden: {o.comment}" if o.comment else "overridden"
            else:
                d = decided[row.entry.id, question]
                _set(record, question, d.points)
                marks[question] = f"decided (decision {d.number})"
        out.append(Row(row.entry, record, row.count_unanswered))
    return out


def _set(record: dict, question: str, points: float) -> None:
    test = next((t for t in record["tests"] if t["id"] == question), None)
    if test is None:
        return
    if record.get("score") is not None:
        record["score"] = round(record["score"] - (test.get("score") or 0) + points, 6)
    test["score"] = points
    test["kind"] = "passed" if points >= test["max_score"] else "failed"
    record["flagged"] = [f for f in record.get("flagged", []) if not f.startswith(f"{question}:")]
    if record.get("status") == "flagged" and not record["flagged"]:
        record["status"] = "graded"
