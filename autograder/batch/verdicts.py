"""Verdicts a regrade reached, shared by its workers and kept for its next runs.

A test's outcome is known by its evidence (:meth:`autograder.student.Student.evidence`: the
test, and every reply and reading it depends on); the same evidence under the same grader
earns the same outcome, so a decided one (right or wrong, never undecided, never an engine
error) is judged once.  Each is kept in a file of its own, ``<out>/verdicts/<grader
fingerprint>/<evidence>.json``: a grader or reference change (a new fingerprint) reads none
of the old ones, which the next run removes; the instructor may delete the folder at any time.

Only the batch's main process writes, each file atomically (a temporary file renamed), so a
worker reads a whole file or none.  A file is used only if it is well formed, names its own
grader and evidence, carries the digest of what it says, and holds a decided outcome: anything
else (a truncated, edited or foreign file) is ignored, the test is judged again, and its file
written anew.  So a broken store costs time, never a score.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..files import write_atomically
from ..outcomes import Outcome

FOLDER = "verdicts"


def store_folder(out: Path, grader: str) -> Path:
    """Where the verdicts of ``grader`` (its fingerprint) are kept in the output folder."""
    return Path(out) / FOLDER / grader


def forget_other_graders(out: Path, grader: str) -> None:
    """Remove the verdicts that no grader but ``grader`` would read."""
    for folder in (Path(out) / FOLDER).glob("*"):
        if folder.name != grader and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


class Verdicts:
    """The outcomes known by evidence, as :class:`autograder.plugin.GradingPlugin` reads and
    adds to them (``get``, ``[evidence] = outcome``, both outcome JSON): those of this process,
    then those of the store at ``folder`` (None: this process's only).  ``new`` holds what was
    added since :meth:`start`, ``reused`` how many were read since."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.grader = folder.name if folder is not None else ""
        self.known: dict[str, dict] = {}
        self.new: dict[str, dict] = {}
        self.reused = 0

    def start(self) -> None:
        """A new grading: nothing new, nothing reused yet."""
        self.new, self.reused = {}, 0

    def get(self, evidence: str) -> dict | None:
        outcome = self.known.get(evidence)
        if outcome is None and self.folder is not None:
            outcome = read(self.folder, self.grader, evidence)
            if outcome is not None:
                self.known[evidence] = outcome
        if outcome is not None:
            self.reused += 1
        return outcome

    def __setitem__(self, evidence: str, outcome: dict) -> None:
        self.known[evidence] = self.new[evidence] = outcome


def _digest(grader: str, evidence: str, outcome: dict) -> str:
    text = json.dumps([grader, evidence, outcome], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def read(folder: Path, grader: str, evidence: str) -> dict | None:
    """The decided outcome kept for ``evidence``, or None (none kept, or not usable)."""
    try:
        data = json.loads((folder / f"{evidence}.json").read_text(encoding="utf-8"))
        outcome = data["outcome"]
        if data["grader"] != grader or data["evidence"] != evidence \
                or data["digest"] != _digest(grader, evidence, outcome) \
                or not Outcome.from_json(outcome).decided:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return outcome


def write(folder: Path, verdicts: dict[str, dict]) -> None:
    """Keep ``verdicts`` (evidence -> decided outcome JSON) in the store at ``folder``, each
    file atomically; one that cannot be written is left out (it is judged again)."""
    if not verdicts:
        return
    grader = folder.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    for evidence, outcome in verdicts.items():
        if len(evidence) != 64 or not all(c in "0123456789abcdef" for c in evidence) \
                or not Outcome.from_json(outcome).decided:
            continue
        text = json.dumps({"grader": grader, "evidence": evidence, "outcome": outcome,
                           "digest": _digest(grader, evidence, outcome)})
        try:
            write_atomically(folder / f"{evidence}.json", text, prefix=".tmp-")
        except OSError:
            continue
