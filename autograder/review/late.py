"""The late policy: a due date, a grace period, a penalty per hour or day with a cap,
per-student extensions (``sid,due``) and a late-day bank shared across the course
(:mod:`.bank`), from ``regrade``'s options or a course config's ``[late]`` table, where ``due``
and ``extensions`` may also be tables by assignment.  The penalty is a share of the
submission's score for every hour or day (started) it came after its due date (moved by the
late days it spent), once past the grace period, at most the cap.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .bank import Bank, read_bank
from .decisions import LoopError

DAY = timedelta(days=1)
KEYS = {"due", "grace", "penalty", "cap", "extensions", "late_days", "ledger"}
UNITS = {"m": timedelta(minutes=1), "min": timedelta(minutes=1), "h": timedelta(hours=1),
         "hour": timedelta(hours=1), "d": timedelta(days=1), "day": timedelta(days=1)}


@dataclass(frozen=True)
class LatePolicy:
    due: datetime
    grace: timedelta = timedelta(0)
    rate: float = 0.0                   # share of the score per unit
    unit: timedelta = timedelta(days=1)
    cap: float = 1.0
    extensions: dict[str, datetime] = field(default_factory=dict)   # sid -> due
    bank: Bank | None = None

    def due_for(self, sids: tuple[str, ...]) -> datetime:
        return max([self.extensions[s] for s in sids if s in self.extensions] or [self.due])

    def days_needed(self, submitted: datetime | None, sids: tuple[str, ...]) -> int:
        """The whole days that would bring the due date within the grace period of
        ``submitted`` (0: on time, or its time unknown)."""
        if submitted is None:
            return 0
        late = submitted - self.due_for(sids)
        return 0 if late <= self.grace else math.ceil((late - self.grace) / DAY)

    def days_spent(self, submitted: datetime | None, sids: tuple[str, ...]) -> int:
        """The late days of the bank a submission spends: those needed, as far as each of
        ``sids`` has days left."""
        if self.bank is None or not sids:
            return 0
        return min([self.days_needed(submitted, sids)] + [self.bank.left(s) for s in sids])

    def penalty(self, submitted: datetime | None, sids: tuple[str, ...], days: int = 0) -> float:
        """The share of the score taken off (0 when on time or its time is unknown), after
        ``days`` late days."""
        if submitted is None:
            return 0.0
        late = submitted - self.due_for(sids) - days * DAY
        if late <= self.grace:
            return 0.0
        return min(self.cap, self.rate * math.ceil(late / self.unit))


def parse_time(text: str, what: str = "due date") -> datetime:
    """``2026-10-01T23:59Z``, ``2026-10-01 23:59:00+02:00``, or Gradescope's
    ``2026-10-02 20:34:07.123456797 Z``; one without a zone is UTC."""
    cleaned = re.sub(r"(\.\d{6})\d+", r"\1", str(text).strip())
    cleaned = re.sub(r"\s*Z$", "+00:00", cleaned)
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise LoopError(f"malformed {what} {text!r}: write it as 2026-10-01T23:59Z "
                        f"(ISO 8601, UTC unless a zone is given)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_duration(text: str, what: str = "grace") -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(m|min|h|hour|d|day)s?\s*", str(text))
    if not match:
        raise LoopError(f"malformed {what} {text!r}: write e.g. 15m, 2h or 1d")
    return float(match[1]) * UNITS[match[2]]


def parse_penalty(text: str) -> tuple[float, timedelta]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*/\s*(hour|h|day|d)\s*", str(text))
    if not match:
        raise LoopError(f"malformed penalty {text!r}: write e.g. 10%/day or 2%/hour")
    return float(match[1]) / 100, UNITS[match[2]]


def parse_share(text: str, what: str = "cap") -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", str(text))
    if not match or float(match[1]) > 100:
        raise LoopError(f"malformed {what} {text!r}: write a percentage, e.g. 50%")
    return float(match[1]) / 100


def read_extensions(path: Path, sids: set[str]) -> dict[str, datetime]:
    """``sid,due`` lines; raises LoopError for an unknown SID or a malformed date."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if [c.strip() for c in reader.fieldnames or []] != ["sid", "due"]:
                raise LoopError(f"{path}: its header must be sid,due")
            lines = [(reader.line_num, line["sid"].strip(), line["due"]) for line in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LoopError(f"{path}: cannot be read: {exc}") from None
    extensions = {}
    for number, sid, due in lines:
        if sid not in sids:
            raise LoopError(f"{path}, line {number}: no student with SID {sid!r} in this class")
        extensions[sid] = parse_time(due, f"due date of {sid} ({path}, line {number})")
    return extensions


def policy(settings: dict, sids: set[str], assignment: str = "") -> LatePolicy | None:
    """The policy from ``settings`` (due, grace, penalty, cap, extensions, late_days, ledger:
    the options' values or a config's ``[late]`` table, where ``due`` and ``extensions`` may be
    tables by assignment id); None without a due date."""
    unknown = set(settings) - KEYS
    if unknown:
        raise LoopError(f"unknown late-policy keys: {', '.join(sorted(unknown))}")
    dues = settings.get("due")
    if isinstance(dues, dict):
        dues = {a: parse_time(d, f"due date of {a} ([late.due])") for a, d in dues.items()}
        due = dues.get(assignment)
    else:
        due = parse_time(dues) if dues is not None else None
    if due is None:
        if any(settings.get(k) is not None for k in settings):
            raise LoopError(f"a late policy needs a due date of {assignment or 'the assignment'}"
                            f" (--due, or `due` in [late])")
        return None
    rate, unit = parse_penalty(settings["penalty"]) if settings.get("penalty") else (0.0, UNITS["d"])
    extensions = settings.get("extensions")
    if isinstance(extensions, dict):
        extensions = extensions.get(assignment)
    bank = None
    if settings.get("late_days") is not None:
        if not isinstance(dues, dict):
            raise LoopError("a late-day bank needs each assignment's due date: a [late.due] "
                            "table (assignment = date), the order the days are spent in")
        if settings.get("ledger") is None:
            raise LoopError("a late-day bank needs its ledger (`ledger`, a CSV file)")
        bank = read_bank(settings["late_days"], Path(settings["ledger"]), assignment, dues)
    elif settings.get("ledger") is not None:
        raise LoopError("a late-day ledger needs late_days (each student's days over the course)")
    return LatePolicy(due,
                      parse_duration(settings["grace"]) if settings.get("grace") else timedelta(0),
                      rate, unit,
                      parse_share(settings["cap"]) if settings.get("cap") else 1.0,
                      read_extensions(Path(extensions), sids) if extensions else {}, bank)
