"""The late policy: a due date, a grace period, a penalty per hour or day with a cap, and
per-student extensions (``sid,due``), from ``regrade``'s options or a course config's
``[late]`` table.  The penalty is a share of the submission's score for every hour or day
(started) it came after its due date, once past the grace period, at most the cap.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .decisions import LoopError

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

    def due_for(self, sids: tuple[str, ...]) -> datetime:
        return max([self.extensions[s] for s in sids if s in self.extensions] or [self.due])

    def penalty(self, submitted: datetime | None, sids: tuple[str, ...]) -> float:
        """The share of the score taken off (0 when on time or its time is unknown)."""
        if submitted is None:
            return 0.0
        late = submitted - self.due_for(sids)
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


def policy(settings: dict, sids: set[str], base: Path = Path(".")) -> LatePolicy | None:
    """The policy from ``settings`` (due, grace, penalty, cap, extensions: the options'
    values or a config's ``[late]`` table; ``extensions`` relative to ``base``); None without
    a due date."""
    unknown = set(settings) - {"due", "grace", "penalty", "cap", "extensions"}
    if unknown:
        raise LoopError(f"unknown late-policy keys: {', '.join(sorted(unknown))}")
    if settings.get("due") is None:
        if any(settings.get(k) is not None for k in settings):
            raise LoopError("a late policy needs a due date (--due, or `due` in [late])")
        return None
    rate, unit = parse_penalty(settings["penalty"]) if settings.get("penalty") else (0.0, UNITS["d"])
    extensions = settings.get("extensions")
    return LatePolicy(parse_time(settings["due"]),
                      parse_duration(settings["grace"]) if settings.get("grace") else timedelta(0),
                      rate, unit,
                      parse_share(settings["cap"]) if settings.get("cap") else 1.0,
                      read_extensions(base / extensions, sids) if extensions else {})
