"""A class's answers to each closed-form question, grouped by what they mean (answer groups).

Answers are read with :class:`~autograder.review.reading.Reader`; those with one fingerprint
and confirmed equal form one :class:`Group`, whatever their spelling (``3*x*y``, ``3xy``,
``y*x*3``).  An answer the review cannot read is a group of its own text.  A group's verdict
and message are what the grader gave its members (their records and results.json).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..assignment import Assignment, QuestionSpec
from ..batch.reports import Row
from .reading import Reader, Reading

ORDER = {"undecided": 0, "unreadable": 1, "mixed": 2, "wrong": 3, "partial": 4, "right": 5}


@dataclass
class Member:
    submission: str
    text: str
    score: float | None
    max_score: float | None
    outcome: str


@dataclass
class Group:
    question: str
    reading: Reading | None                    # None: the review could not read it
    members: list[Member] = field(default_factory=list)
    message: str = ""

    @property
    def representative(self) -> str:
        """The commonest spelling of the group, as students wrote it."""
        return Counter(m.text for m in self.members).most_common(1)[0][0]

    @property
    def verdict(self) -> str:
        """undecided, unreadable, right, partial, wrong; mixed when members got different
        verdicts."""
        verdicts = {_verdict(m) for m in self.members}
        if "undecided" in verdicts:
            return "undecided"
        if self.reading is None:
            return "unreadable"
        return verdicts.pop() if len(verdicts) == 1 else "mixed"


@dataclass
class QuestionGroups:
    question: QuestionSpec
    reader: Reader
    groups: list[Group]
    unanswered: list[str]                      # submissions with no answer to it

    def find(self, reading: Reading) -> Group | None:
        return next((g for g in self.groups if g.reading is not None
                     and self.reader.same(g.reading, reading)), None)


def _verdict(member: Member) -> str:
    if member.outcome == "undecided":
        return "undecided"
    if member.score is None or member.max_score is None:
        return "undecided"
    if member.score >= member.max_score:
        return "right"
    return "partial" if member.score > 0 else "wrong"


def answer_groups(assignment: Assignment, rows: list[Row], out: Path) -> list[QuestionGroups]:
    """Every closed-form graded question's groups, undecided and unreadable first, then the
    largest."""
    scored = [row for row in rows if row.scored]
    messages = Messages(out)
    found = []
    for question in assignment.questions:
        if not (question.closed_form and question.graded):
            continue
        reader = Reader(question, assignment)
        by_text: dict[str, Group] = {}
        groups: list[Group] = []
        unanswered = []
        for row in scored:
            text = (row.record.get("answers") or {}).get(question.id)
            if text is None:
                unanswered.append(row.entry.id)
                continue
            test = next((t for t in row.record.get("tests", []) if t["id"] == question.id), {})
            member = Member(row.entry.id, text, test.get("score"), test.get("max_score"),
                            test.get("kind", ""))
            group = by_text.get(text)
            if group is None:
                reading = reader.read(text)
                group = _matching(groups, reader, reading, _verdict(member)) \
                    or Group(question.id, reading)
                if not group.members:
                    groups.append(group)
                by_text[text] = group
            group.members.append(member)
        for group in groups:
            group.message = messages.get(group.members[0].submission, question.id)
        groups.sort(key=lambda g: (ORDER[g.verdict] > 1, -len(g.members), g.representative))
        found.append(QuestionGroups(question, reader, groups, unanswered))
    return found


def _matching(groups: list[Group], reader: Reader, reading: Reading | None,
              verdict: str) -> Group | None:
    """The group of an answer read as ``reading`` (None: a group of its own).  Two answers the
    grader found right are each equal to the reference, so to each other: for them the
    fingerprint decides, without comparing them again."""
    if reading is None:
        return None
    for group in groups:
        if group.reading is None:
            continue
        if verdict == "right" and group.reading.key == reading.key and group.verdict == "right":
            return group
        if reader.same(group.reading, reading):
            return group
    return None


def mistakes(groups: QuestionGroups) -> list[tuple[str, int]]:
    """The diagnosed mistakes (each line of a wrong answer's message) and how many
    submissions made each, commonest first."""
    counts: Counter = Counter()
    for group in groups.groups:
        if group.verdict in ("wrong", "partial", "mixed"):
            for line in dict.fromkeys(line.strip() for line in group.message.splitlines()
                                      if line.strip()):
                counts[line] += len(group.members)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


class Messages:
    """The message each submission's results.json gave each question (read once each)."""

    def __init__(self, out: Path):
        self.out = out
        self.cache: dict[str, dict[str, str]] = {}

    def get(self, submission: str, question: str) -> str:
        if submission not in self.cache:
            try:
                tests = json.loads((self.out / "submissions" / submission /
                                    "results.json").read_text())["tests"]
                self.cache[submission] = {str(t.get("number")): t.get("output", "")
                                          for t in tests}
            except (OSError, ValueError, KeyError, TypeError):
                self.cache[submission] = {}
        return self.cache[submission].get(question, "")
