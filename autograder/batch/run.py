"""``python -m autograder regrade``: grade a whole class, resumably, and report on it.

Layout of the output folder (private to its owner: it holds every student's results)::

    submissions/<id>/results.json   what Gradescope would show (see autograder.gradescope)
    submissions/<id>/record.json    what the batch keeps: scores, status, answers, fingerprints
    grades.csv, summary.md          the class (autograder.batch.reports, autograder.review)
    review/<question>.md            each closed-form question's answer groups
    report.html                     the class on one self-contained page
    canvas.csv / moodle.csv         the final scores for the LMS's import (--lms)
    totals.png, questions.png       charts (with the instructor extra)
    export/                         an export zip, unpacked once
    verdicts/<grader>/              each decided test outcome by its evidence, shared by the
                                    workers and the next runs (autograder.batch.verdicts);
                                    may be deleted at any time

A submission is graded again only if its files or the grader changed (fingerprints), if its
last grading timed out or broke, or with ``force``.  The main process alone writes, each file
atomically, each record after its results: Ctrl-C leaves nothing half-written, and running the
same command again goes on where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from ..assignment import Assignment, load_assignment
from ..files import write_atomically
from ..outcomes import DECIDED, UNANSWERED, Status
from ..private import PACKAGE, keep_private
from ..reference import reference_dir
from ..results import clean_data, clean_text
from ..review import loop
from . import executors, verdicts
from .inputs import Entry, InputError, read_input
from .reports import Row, headline
from .worker import Job


@dataclass
class Regraded:
    """What a batch run did: what it wrote, and how the submissions fared."""

    out: Path
    graded: int = 0            # graded in this run
    skipped: int = 0           # graded before, unchanged
    reused: int = 0            # tests whose verdict was reused, not checked again
    interrupted: bool = False
    headline: str = ""         # the class's counts and totals (see reports.headline)
    problems: list[str] = field(default_factory=list)   # what could not be used of the input
    files: list[Path] = field(default_factory=list)
    changed: bool = True       # False: every report was as it is ("no change")
    notes: list[str] = field(default_factory=list)      # decisions not applied, and the like


def regrade(assignment_id: str, source: Path, out: Path, *, jobs: int = 1, force: bool = False,
            scheduler: str | None = None, timeout: float | None = None,
            count_unanswered: bool = False, console: Console | None = None,
            settings: loop.Settings | None = None, reuse: bool = True) -> Regraded:
    """Grade every submission of ``source`` into ``out`` (see the module's docstring);
    ``count_unanswered`` counts those with nothing to grade in the statistics; ``settings``:
    the instructor's decisions, overrides, late policy and LMS (see autograder.review.loop),
    read before any grading; ``reuse=False`` checks every test (no verdict reused or kept).
    Raises InputError, or LoopError for unusable settings."""
    console = console or Console(stderr=True)
    assignment = load_assignment(assignment_id)
    out = Path(out)
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    try:
        found = read_input(Path(source), out / "export", out)
        prepared = loop.prepare(settings or loop.Settings(), assignment, found.entries)
    except (InputError, loop.LoopError):
        if made:   # nothing to grade: no output folder left behind
            shutil.rmtree(out, ignore_errors=True)
        raise
    entries = found.entries
    for problem in found.problems:
        console.print(f"Warning: {clean_text(problem)}", markup=False, highlight=False)
    keep_private([Path(source)])   # student code must not read the others' submissions
    grader = grader_fingerprint(assignment)
    regraded = Regraded(out, problems=found.problems)
    records = {e.id: _record(out, e) for e in entries}
    prints = {e.id: {"submission": e.fingerprint(), "grader": grader} for e in entries
              if not e.problem}
    todo = [e for e in entries if e.id in prints and (force or not _done(records[e.id],
                                                                          prints[e.id]))]
    regraded.skipped = len(prints) - len(todo)
    seconds = timeout or default_timeout(assignment)
    store = verdicts.store_folder(out, grader)
    verdicts.forget_other_graders(out, grader)
    batch = [Job(e.id, str(e.folder), assignment.id, seconds, str(store), reuse) for e in todo]
    try:
        with _progress(console) as progress:
            task = progress.add_task(f"{assignment.id}: grading", total=len(batch))
            for reply in executors.run(batch, jobs, scheduler):
                name = reply["record"]["id"]
                verdicts.write(store, reply.pop("verdicts", {}))
                records[name] = save(out / "submissions" / name, reply, prints[name])
                regraded.graded += 1
                regraded.reused += reply["record"].get("reused", 0)
                progress.advance(task)
    except KeyboardInterrupt:
        regraded.interrupted = True
        console.print(f"Interrupted: {regraded.graded} of {len(batch)} graded in this run, each "
                      f"completely. Run the same command again to go on.")
        return regraded
    rows = [Row(e, records[e.id], count_unanswered) for e in entries]
    written = loop.write(assignment, rows, out, found.problems, prepared, write_atomically)
    regraded.headline = headline(assignment, written.rows)
    regraded.files, regraded.changed, regraded.notes = written.files, written.changed, written.notes
    return regraded


def save(folder: Path, reply: dict, fingerprints: dict) -> dict:
    """Write a graded submission's results.json, then its record, both cleaned as results.json
    is (see clean_text); the record as written.  A record that cannot be written costs its
    submission only: it is kept as status ``error``, with why."""
    record = clean_data({**reply["record"], "fingerprints": fingerprints})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / "results.json", json.dumps(clean_data(reply["results"]), indent=2,
                                                    ensure_ascii=False))
        write_atomically(folder / "record.json", json.dumps(record, indent=1, ensure_ascii=False))
    except (OSError, ValueError, TypeError, RecursionError) as exc:
        why = clean_text(f"its grading could not be written to {folder}: "
                         f"{type(exc).__name__}: {exc}")
        return {"id": record.get("id"), "status": Status.ERROR, "score": None, "tests": [],
                "notes": [why]}
    return record


def grader_fingerprint(assignment: Assignment) -> str:
    """A digest of the engine, the assignment's graders and its reference: a batch graded
    again after any of them changed grades every submission again."""
    digest = hashlib.sha256()
    folders = [PACKAGE, assignment.directory, reference_dir(assignment.id)]
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".toml", ".json", ".ini", ".ipynb") \
                    and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def default_timeout(assignment: Assignment) -> float:
    """The bound on grading one submission, in seconds of a core's time (see worker.py): its
    code's whole time budget, every question's checking time, and a margin (grading bounds
    itself well within it)."""
    return (assignment.student_limits.budget_seconds
            + assignment.grader_limits.question_seconds * len(assignment.graded_tests) + 120)


def _done(record: dict, prints: dict) -> bool:
    return record.get("status") in DECIDED + UNANSWERED and record.get("fingerprints") == prints


def _record(out: Path, entry: Entry) -> dict:
    if entry.problem:
        return {"id": entry.id, "status": Status.MISSING, "score": None, "notes": [entry.problem]}
    try:
        return json.loads((out / "submissions" / entry.id / "record.json").read_text())
    except (OSError, ValueError):
        return {"id": entry.id, "status": Status.MISSING, "notes": ["not graded yet"]}


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                    console=console)
