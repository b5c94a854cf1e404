"""Item analysis of a graded class: each graded test's mean, full-marks rate, discrimination
index, and how the class splits on it (full / partial / wrong / not answered / flagged)."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from ..assignment import Assignment
from ..batch.reports import Row

SPLIT = ("full", "partial", "wrong", "not answered", "flagged")
GROUP_SHARE = 0.27      # the upper and lower groups of the discrimination index


@dataclass(frozen=True)
class Item:
    test: str
    points: float
    mean: float | None
    full_rate: float | None
    discrimination: float | None     # upper group's mean share of the points minus the lower's
    split: dict[str, int]


def outcome(row: Row, test_id: str) -> str:
    """Which part of the split ``row`` is in on ``test_id``."""
    test = next((t for t in row.record.get("tests", []) if t["id"] == test_id), {})
    if test.get("kind") == "undecided":
        return "flagged"
    if test_id.split(".")[0] not in (row.record.get("answers") or {}) and not test.get("score"):
        return "not answered"
    score, full = test.get("score") or 0, test.get("max_score") or 0
    return "full" if full and score >= full else "partial" if score > 0 else "wrong"


def item_analysis(assignment: Assignment, rows: list[Row]) -> list[Item]:
    scored = [row for row in rows if row.scored and row.record.get("score") is not None]
    ranked = sorted(scored, key=lambda row: row.record["score"])
    size = max(1, round(GROUP_SHARE * len(ranked))) if len(ranked) >= 4 else 0
    items = []
    for test in assignment.graded_tests:
        scores = [s for s in (row.score(test.id) for row in scored) if s is not None]
        split = {part: 0 for part in SPLIT}
        for row in scored:
            split[outcome(row, test.id)] += 1
        discrimination = None
        if size and test.points:
            def share(group):
                return statistics.mean((row.score(test.id) or 0) / test.points for row in group)
            discrimination = share(ranked[-size:]) - share(ranked[:size])
        items.append(Item(test.id, test.points, statistics.mean(scores) if scores else None,
                          split["full"] / len(scored) if scored else None, discrimination,
                          split))
    return items
