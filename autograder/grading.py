"""Grade one submission: find it, start its sandbox, run the assignment's pytest graders."""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pytest

from .assignment import GRADERS, Assignment, load_assignment
from .gradescope import engine_error_result
from .markdown import code, inert
from .mnist import MnistError, data_dir, verified
from .outcomes import Expired
from .plugin import GradingPlugin, not_judged_question
from .private import keep_private, private_paths
from .reference import reference_root
from .sandbox.identity import Identity, hand_over, sandbox_identity
from .sandbox.session import SandboxSession
from .results import GradingResult
from .student import SYNTAX_ERRORS, Student
from .submission import Submission, find_submission, working_copy


# pytest's plugins a grading run does without: graders use only our fixtures, and these cost
# time in every run (gc passes at exit, log capture); nor does it load the plugins other
# packages installed (--disable-plugin-autoload): what grades is the same on every machine;
# asserts are not rewritten (--assert=plain): feedback is the author's message alone
# (plugin._assertion_message), never pytest's introspection of the values compared
UNUSED_PLUGINS = ["--disable-plugin-autoload", "--assert=plain"] + [arg for name in (
    "cacheprovider", "unraisableexception", "threadexception", "logging", "doctest",
    "junitxml", "pastebin", "stepwise", "legacypath", "tmpdir", "monkeypatch", "recwarn",
    "setuponly", "setupplan", "faulthandler") for arg in ("-p", f"no:{name}")]


def grade(assignment: str | Assignment, submission_dir: Path, *, public_only: bool = False,
          log: list[str] | None = None, verdicts: dict | None = None) -> GradingResult:
    """Grade ``submission_dir``; ``public_only`` runs just the form checks (the self-check).
    ``verdicts`` (a batch's, see :class:`autograder.plugin.GradingPlugin`) is read and added to.

    Never raises for a broken submission.  If the engine itself breaks, the result is an
    engine-error result (score 0, a message asking the student to contact the instructor).
    A time limit reached outside a check leaves every question not judged undecided.
    """
    started = time.monotonic()
    log = log if log is not None else []
    name = assignment if isinstance(assignment, str) else assignment.id
    try:
        if isinstance(assignment, str):
            assignment = load_assignment(assignment)
        problem = None if public_only else missing_data(assignment)
        if problem:   # the grader's setup: no student code runs, no score is given
            result = engine_error_result(name, problem)
        else:
            result = _run(assignment, Path(submission_dir), public_only, log, verdicts)
    except Expired:  # before pytest started (in it, the plugin keeps what was judged)
        log.append(traceback.format_exc())
        result = _not_judged(assignment, public_only)
    except Exception as exc:  # the engine's own failure: still produce a valid result
        log.append(traceback.format_exc())
        result = engine_error_result(name, f"{type(exc).__name__}: {exc}")
    result.execution_time = time.monotonic() - started
    return result


def _not_judged(assignment: str | Assignment, public_only: bool) -> GradingResult:
    """A run a time limit stopped before any question: each graded question undecided."""
    why = "a time limit was reached before the first question"
    if isinstance(assignment, str) or public_only:
        return engine_error_result(getattr(assignment, "id", assignment), why)
    result = GradingResult(assignment.id, [not_judged_question(spec, why)
                                           for spec in assignment.graded_tests])
    result.output = (f"{score_line(result)}\n\nYour answers could not be checked in this run; "
                     f"they are flagged for your instructor.")
    return result


def missing_data(assignment: Assignment) -> str | None:
    """Why a data set the assignment's graders read (its ``data``) cannot be read, naming
    where it was looked for and how to get it; None when all are there."""
    if "mnist" in assignment.data:
        try:
            verified()
        except MnistError as exc:
            return str(exc)
    return None


def _run(assignment: Assignment, submission_dir: Path, public_only: bool, log: list[str],
         verdicts: dict | None) -> GradingResult:
    keep_private(private_paths([reference_root(), assignment.directory.parent]))
    # the identity's exit removes what its uid left before the folder it worked in is removed
    with _run_folder() as tmp, sandbox_identity() as identity:
        unpacked = Path(tmp) / "unpacked"   # an uploaded zip's files: the grader's only
        unpacked.mkdir(mode=0o700)
        submission = find_submission(submission_dir, assignment.files, unpacked,
                                     assignment.modules)
        workdir = working_copy(submission, Path(tmp) / "work")
        if identity is not None:
            hand_over(workdir, identity)
            log.append(f"sandbox uid: {identity.uid}")
        writeup = None
        if submission.writeup is not None:
            from .writeup.reading import read_writeup   # the reader, only for a write-up
            writeup = read_writeup(submission.writeup, assignment, _shown(submission),
                                   submission.root)
        session = sandbox_session(assignment, submission, workdir / submission.folder, identity)
        student = Student(submission, session, square_sides=assignment.square_sides,
                          extras=assignment.extras, writeup=writeup)
        result = run_graders(assignment, student, public_only, log, verdicts)
        result.unread, why = unread(submission, student, assignment)
        if result.unread:
            files = ", ".join(submission.files[:10]) or "none"
            more = f" and {len(submission.files) - 10} more" if len(submission.files) > 10 else ""
            result.notes.insert(0, f"{result.unread}: {why}; files found: {files}{more}")
        result.student_seconds = student.seconds
        log.extend(student.log_lines())
    return result


def sandbox_session(assignment: Assignment, submission: Submission, workdir: Path,
                    identity: Identity | None) -> SandboxSession:
    """The sandboxed child that runs ``submission`` in ``workdir`` as ``identity``, under the
    assignment's limits, with the MNIST files at hand.  It runs even without a main file (or
    one that cannot be read): code modules (mlp.py) may still be there."""
    cells = submission.cells if submission.problem is None else []
    return SandboxSession(cells, workdir, assignment.student_limits, module=submission.module,
                          identity=identity, definitions_only=assignment.definitions_only,
                          mnist=data_dir().resolve())


def run_graders(assignment: Assignment, student: Student, public_only: bool,
                log: list[str], verdicts: dict | None = None) -> GradingResult:
    """Run the assignment's pytest graders (only its public form checks if ``public_only``)
    on ``student``'s answers."""
    files = assignment.public_files if public_only else assignment.test_files
    plugin = GradingPlugin(assignment, student, graded=not public_only, verdicts=verdicts)
    captured = io.StringIO()
    _graders_of(assignment.directory)
    try:
        with contextlib.redirect_stdout(captured):
            code = pytest.main(
                [*map(str, files), "-q", "-s", "--tb=native", *UNUSED_PLUGINS,
                 "--continue-on-collection-errors",
                 "--import-mode=importlib", "-c", str(GRADERS / "pytest.ini"),
                 "--rootdir", str(assignment.directory.parent), "-W", "ignore"],
                plugins=[plugin])
    finally:
        student.close()
    log.extend(plugin.log)
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        log.append(captured.getvalue()[-20_000:])
    tests = plugin.ordered_results()
    if not tests:
        raise RuntimeError(f"the graders of {assignment.id!r} produced no results (pytest exit "
                           f"code {int(code)})")
    result = GradingResult(assignment.id, tests)
    result.answers = student.answer_texts({q.id: q.name for q in assignment.questions
                                           if q.closed_form and q.graded})
    result.output = summary(result, student.submission, student, public_only)
    return result


def unread(submission, student: Student, assignment: Assignment) -> tuple[str, str]:
    """("no answer file" or "unreadable", why) when nothing of the submission could be graded:
    no answers file (nor code module) was found, or it could not be read, or no statement of
    it parses; else ("", "")."""
    if any(Path(name).name in assignment.modules for name in submission.files):
        return "", ""   # its code modules are graded
    if submission.path is None and submission.writeup is None:
        pdf = any(name.lower().endswith(".pdf") for name in submission.files)
        return "no answer file", (f"none of {', '.join(assignment.files)}, nor a write-up (.md, "
                                  f".tex), was found" + ("; a PDF is not read: its source is"
                                                         if pdf else ""))
    if submission.problem is not None:
        return "unreadable", submission.problem
    why = student.unparsable()
    return ("unreadable", why) if why else ("", "")


def _shown(submission) -> str:
    """The write-up's name as the student knows it (its path in the submission)."""
    return str(submission.writeup.relative_to(submission.root))


@contextlib.contextmanager
def _run_folder():
    """The run's own temporary folder, removed afterwards however deep the folders student code
    made in it (Python's recursive removal stops at about a thousand levels)."""
    path = tempfile.mkdtemp(prefix="autograder-")
    try:
        yield path
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_imported_from: list[Path] = []   # the assignment folder whose grader modules are imported


def _graders_of(directory: Path) -> None:
    """Let pytest import the grader modules of ``directory``: those it imported for another
    folder's run (another assignment, or the same one from another folder) are dropped, so each
    run imports its own files; those of ``directory`` stay for the next run of the same
    graders (a batch's worker imports them once)."""
    directory = directory.resolve()
    for folder in _imported_from:
        if folder != directory:
            prefix = str(folder) + os.sep
            for name, module in list(sys.modules.items()):
                if (getattr(module, "__file__", None) or "").startswith(prefix):
                    del sys.modules[name]
    _imported_from[:] = [directory]


def summary(result: GradingResult, submission, student: Student, public_only: bool) -> str:
    """The short top-level text a student sees above the per-question results, always, before
    the due date too: it counts only the tests the student can see now, and every piece of
    student text in it (file names, error messages) is inert."""
    if public_only:
        ready = sum(t.passed for t in result.tests)
        lines = [f"**{ready} of {len(result.tests)} answers are present and readable.**"]
    else:
        lines = [score_line(result)]
    if submission.problem:
        lines.append(f"Problem with your submission: {inert(submission.problem)}")
    elif submission.origin:
        lines.append(f"Checked {inert(submission.origin)}.")
    elif submission.path is not None:
        lines.append(f"Graded {code(submission.path.relative_to(submission.root))}.")
    if student.writeup is not None:
        lines.append(f"Write-up: {student.writeup.problem or inert(student.writeup.handout)}; "
                     f"each answer read from it is quoted with its line.")
    lines += [f"Note: {inert(n)}." for n in submission.notes]
    if student.skipped:
        lines.append(f"Note: only definitions were run: {student.skipped} top-level "
                     f"statement(s) that train or plot were skipped.")
    for error in student.load_errors[:5]:
        where = error.get("where") or submission.label
        line = f", line {error['line']}" if error.get("line") else ""
        message = str(error.get("error", "")).strip().splitlines()[-1:] or [""]
        if error.get("type") in SYNTAX_ERRORS:
            lost = ", ".join(code(n) for n in error.get("names", ()))
            lines.append(f"Running your code: {inert(where)}{line} has a syntax error "
                         f"({code(message[0])}); that statement was skipped"
                         + (f" (it defines {lost})" if lost else "")
                         + " and the rest was run.")
        else:
            lines.append(f"Running your code: {inert(where)}{line} raised {code(message[0])}.")
    return "\n\n".join(lines)


def score_line(result: GradingResult) -> str:
    """The points of the tests visible now; what the others are worth, never what they gave."""
    shown = [t for t in result.tests if t.visibility == "visible"]
    later = sum(t.max_score for t in result.tests if t.visibility != "visible")
    points = sum(t.score for t in shown)
    total = sum(t.max_score for t in shown)
    if not later:
        return f"**{points:g} / {total:g} points**"
    if not total:
        return (f"**Your answers are graded; the results ({later:g} points) are shown after the "
                f"due date.**")
    return (f"**Shown now: {points:g} / {total:g} points.** The other {later:g} points are "
            f"graded as well; their results are shown after the due date.")
