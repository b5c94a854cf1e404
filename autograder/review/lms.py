"""The class's final scores as the LMS's own gradebook import takes them (``--lms``).

Canvas (its guide "How do I import grades in the Gradebook?"): the columns of its gradebook
export, ``Student, ID, SIS User ID, SIS Login ID, Section``, then the assignment's column
(``<Assignment> (<id>)`` in an exported gradebook; a new name makes Canvas create the
assignment), and a ``    Points Possible`` row first, as Canvas writes it.  A roster exported
from Canvas also has rows of posting policies (``Manual Posting``) before that row, read-only
columns (``Current Score``) and other columns (``Root Account``, ``Student Number``): the rows are
left out, the columns kept only if they name the student.  Moodle: its grade import CSV,
identifying a student by ``ID number`` or ``Email address`` (mapped on import), the grade in the
assignment's column.  With ``--roster`` (the LMS's exported gradebook, a CSV), every roster
student gets a row, matched by SIS id or email; one without a submission gets 0 or is left
blank (``--lms-missing``); submissions the roster lacks are reported.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..batch.reports import Row
from .decisions import LoopError

CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE = ["First name", "Last name", "ID number", "Email address"]
SID = {"canvas": "SIS User ID", "moodle": "ID number"}
EMAIL = {"canvas": "SIS Login ID", "moodle": "Email address"}


@dataclass(frozen=True)
class Export:
    name: str            # the file's name in --out
    text: str
    problems: list[str]


def read_roster(path: Path, lms: str) -> tuple[list[str], list[dict]]:
    """The roster's columns and students (Canvas's ``Points Possible`` row left out)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            students = [line for line in reader if _student_row(line, columns)]
    except (OSError, UnicodeDecodeError, csv.Error, IndexError) as exc:
        raise LoopError(f"roster {path}: cannot be read: {exc}") from None
    needed = {SID[lms], EMAIL[lms]}
    if not needed & set(columns):
        raise LoopError(f"roster {path}: no {' or '.join(sorted(needed))} column to match "
                        f"students by (is it a {lms} gradebook export?)")
    return columns, students


def lms_export(lms: str, title: str, points: float, rows: list[Row], final: dict[str, float],
               roster: tuple[list[str], list[dict]] | None, missing_zero: bool,
               column: str | None = None) -> Export:
    """The import file; ``final``: submission id -> final score (submissions without one,
    not graded, are left blank)."""
    column = column or (title if lms == "canvas" else f"Assignment: {title} (Real)")
    by_sid = {sid: row for row in rows for sid in row.entry.sids}
    by_email = {e.lower(): row for row in rows for e in row.entry.emails}
    problems: list[str] = []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if roster:
        columns = [c for c in roster[0] if c in (CANVAS if lms == "canvas" else MOODLE)
                   or c in (SID[lms], EMAIL[lms])]
        students = roster[1]
    else:
        columns = CANVAS if lms == "canvas" else MOODLE
        students = [_student(lms, row) for row in rows]
    writer.writerow([*columns, column])
    if lms == "canvas":
        writer.writerow(["    Points Possible", *[""] * (len(columns) - 1), f"{points:g}"])
    matched = set()
    for student in students:
        row = by_sid.get((student.get(SID[lms]) or "").strip()) or \
            by_email.get((student.get(EMAIL[lms]) or "").strip().lower())
        if row is not None:
            matched.add(row.entry.id)
            score = final.get(row.entry.id)
            cell = "" if score is None else f"{score:g}"
        else:
            cell = "0" if missing_zero else ""
        writer.writerow([_safe(student.get(c, "")) for c in columns] + [cell])
    unmatched = [row.entry.id for row in rows if row.entry.id not in matched]
    if unmatched:
        problems.append(f"{lms}: {len(unmatched)} submissions match no roster student by SIS "
                        f"id or email: {', '.join(unmatched[:20])}")
    return Export(f"{lms}.csv", out.getvalue(), problems)


def _student_row(line: dict, columns: list[str]) -> bool:
    """A student's row of an exported gradebook, not Canvas's ``Points Possible`` row or a
    row of posting policies (no name, no id)."""
    first = (line.get(columns[0]) or "").strip()
    if first == "Points Possible":
        return False
    return any((line.get(c) or "").strip() for c in columns[:2])


def _student(lms: str, row: Row) -> dict:
    name = "; ".join(row.entry.names)
    sid = row.entry.sids[0] if row.entry.sids else ""
    email = row.entry.emails[0] if row.entry.emails else ""
    if lms == "canvas":
        return {"Student": name, "ID": "", "SIS User ID": sid, "SIS Login ID": email,
                "Section": ""}
    first, _, last = name.partition(" ")
    return {"First name": first, "Last name": last, "ID number": sid, "Email address": email}


def _safe(text: str) -> str:
    text = " ".join(str(text).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
