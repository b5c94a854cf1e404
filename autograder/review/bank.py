"""A late-day bank shared across a course's assignments (a course config's ``late_days``).

Each student has ``late_days`` days over the course.  A late submission spends, by itself,
as many whole days as move its due date past its submission time (grace included), as far
as the student has days left; the penalty counts only the time the days do not cover.  A
group spends the same days for each member, as many as the member with the fewest has left.

What each assignment spent is kept in the course's ledger, a CSV (``late_days.csv`` beside
the course config unless ``ledger`` names another) with a line for each student late on an
assignment: ``assignment,sid,days,had`` (the days spent on it, and those the student had left
before it).  ``regrade`` of an assignment reads the days its students spent on the
assignments due before it (by ``[late.due]``) and rewrites its own lines only, in a fixed
order, so that the same regrade gives the same file.  An assignment whose ``had`` no longer
follows from the lines before it (one due earlier was regraded since, and spends otherwise)
is named in the summary, to be regraded again.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .decisions import LoopError

COLUMNS = ["assignment", "sid", "days", "had"]


@dataclass(frozen=True)
class Bank:
    days: int                                   # each student's late days over the course
    ledger: Path
    assignment: str                             # the one being regraded
    order: tuple[str, ...]                      # the course's assignments, by due date
    rows: tuple[tuple[str, str, int, int], ...]   # the ledger: (assignment, sid, days, had)

    def left(self, sid: str, assignment: str | None = None, rows=None) -> int:
        """The days ``sid`` has left for ``assignment`` (this one), after those due before it."""
        earlier = set(self.order[:self.order.index(assignment or self.assignment)])
        return max(0, self.days - sum(r[2] for r in (self.rows if rows is None else rows)
                                      if r[1] == sid and r[0] in earlier))

    def lines(self, late: dict[str, int]) -> tuple:
        """The ledger with this assignment's lines made from ``late`` (sid -> days spent, for
        each student late on it), in the course's order."""
        rows = [r for r in self.rows if r[0] != self.assignment]
        rows += [(self.assignment, sid, days, self.left(sid)) for sid, days in late.items()]
        return tuple(sorted(rows, key=lambda r: (self.order.index(r[0]), r[1])))

    def text(self, rows: tuple) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([COLUMNS, *rows])
        return out.getvalue()

    def stale(self, rows: tuple) -> list[str]:
        """The assignments of ``rows`` whose lines say a student had other days left than the
        lines before them give: regraded before an assignment due earlier changed."""
        return [a for a in self.order if any(r[0] == a and r[3] != self.left(r[1], a, rows)
                                             for r in rows)]


def read_bank(days: object, ledger: Path, assignment: str, due: dict) -> Bank:
    """The bank of a course config (``due``: assignment -> its due date, a datetime, this
    ``assignment`` among them); raises LoopError for a bad ``late_days`` or ledger line."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise LoopError(f"late_days must be a whole number of days (0 or more), not {days!r}")
    order = tuple(sorted(due, key=lambda a: (due[a], a)))
    return Bank(days, ledger, assignment, order, _read_ledger(ledger, order))


def _read_ledger(path: Path, order: tuple[str, ...]) -> tuple:
    if not path.exists():
        return ()
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if [c.strip() for c in reader.fieldnames or []] != COLUMNS:
                raise LoopError(f"late-day ledger {path}: its header must be "
                                f"{','.join(COLUMNS)}")
            lines = [(reader.line_num, {k.strip(): (v or "").strip() for k, v in line.items()
                                         if k}) for line in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LoopError(f"late-day ledger {path}: cannot be read: {exc}") from None
    rows, seen = [], set()
    for number, line in lines:
        where = f"late-day ledger {path}, line {number}"
        if line["assignment"] not in order:
            raise LoopError(f"{where}: assignment {line['assignment']!r} has no due date in "
                            f"[late.due] (it has {', '.join(order)})")
        if not (line["days"].isdigit() and line["had"].isdigit()):
            raise LoopError(f"{where}: days and had must be whole numbers, not "
                            f"{line['days']!r} and {line['had']!r}")
        key = (line["assignment"], line["sid"])
        if key in seen:
            raise LoopError(f"{where}: {line['sid']!r} is listed twice for {key[0]}")
        seen.add(key)
        rows.append((*key, int(line["days"]), int(line["had"])))
    return tuple(rows)
