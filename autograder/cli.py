"""``python -m autograder <verb>``: grade, check, solve, new, package, regrade, demo, gradescope,
list, data."""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import shutil
import sys
from pathlib import Path

from .assignment import UnknownAssignment, available, known_assignment, load_assignment
from .gradescope import engine_error_result, reserve_space, to_results_json, write_results
from .markdown import inert
from .metadata import describe_submitter, read_metadata
from .private import lock_down
from .reference import reference_dir
from .results import clean_text

# Grading (pytest, SymPy, the checkers) and the report (rich) are imported by the verbs that
# use them, inside their functions: `--help`, `list`, `solve` and `new` start without them.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade machine-learning math homework.")
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("grade", help="grade a submission folder (what Gradescope runs)")
    p.add_argument("assignment")
    p.add_argument("submission", type=Path)
    p.add_argument("--results", type=Path, help="write Gradescope's results.json here")
    p.add_argument("--json", action="store_true", help="print results.json instead of a table")

    p = verbs.add_parser("check", help="a student's self-check: form checks only, no answers")
    p.add_argument("assignment")
    p.add_argument("submission", type=Path, nargs="?", default=Path("."))

    p = verbs.add_parser("solve", help="write the reference solution in submission format")
    p.add_argument("assignment")
    p.add_argument("destination", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite existing files")

    p = verbs.add_parser("new", help="scaffold a new assignment that grades at once "
                                     "(docs/authoring.md)")
    p.add_argument("assignment")

    p = verbs.add_parser("package", help="build the Gradescope autograder zip and the student "
                                         "package (self-check, template, nothing secret)")
    p.add_argument("assignment")
    p.add_argument("--out", type=Path, default=Path("dist"), help="where to write them (dist/)")

    p = verbs.add_parser("regrade", help="grade a whole class: a Gradescope export (zip or "
                                         "folder) or a folder of submission folders")
    p.add_argument("assignment")
    p.add_argument("input", type=Path, help="the export's zip or folder, or a folder of folders")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once on this machine (default: one per core)")
    p.add_argument("--out", type=Path, default=Path("regraded"),
                   help="where results, grades.csv, summary.md and charts go (regraded/)")
    p.add_argument("--force", action="store_true",
                   help="grade again what was graded already (unchanged files, same grader)")
    p.add_argument("--no-reuse", dest="reuse", action="store_false",
                   help="check every test of every submission: reuse no verdict of the same "
                        "answers under the same grader (kept in OUT/verdicts/), keep none")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on this Dask distributed scheduler (tcp://host:8786) instead")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="bound on one submission, in seconds of a core's time: a busy machine's "
                        "wait does not count (default: from its limits)")
    p.add_argument("--count-unanswered", action="store_true",
                   help="count submissions with no answer file or an unreadable one in the "
                        "statistics and charts (left out by default)")
    p.add_argument("--decisions", type=Path, metavar="TOML",
                   help="your verdicts on answer groups ([[decision]] question, answer, points "
                        "or verdict, message), applied to every equivalent answer")
    p.add_argument("--overrides", type=Path, metavar="CSV",
                   help="per-submission scores (submission,question,points,comment), applied "
                        "last")
    p.add_argument("--course", type=Path, metavar="TOML",
                   help="a course config: [late] due, grace, penalty, cap, extensions (due "
                        "and extensions also by assignment), late_days and ledger (a late-day "
                        "bank); [lms] kind, roster, missing, column (the options below win)")
    p.add_argument("--due", help="due date, e.g. 2026-10-01T23:59Z")
    p.add_argument("--grace", help="grace period, e.g. 15m")
    p.add_argument("--penalty", help="late penalty, e.g. 10%%/day or 2%%/hour")
    p.add_argument("--cap", help="largest late penalty, e.g. 50%%")
    p.add_argument("--extensions", type=Path, metavar="CSV", help="sid,due per student")
    p.add_argument("--lms", choices=["canvas", "moodle"],
                   help="also write canvas.csv / moodle.csv for the LMS's gradebook import")
    p.add_argument("--roster", type=Path, metavar="CSV",
                   help="the LMS's exported gradebook: every student of it gets a row")
    p.add_argument("--lms-missing", choices=["blank", "zero"],
                   help="roster students without a submission: left blank (default) or 0")
    p.add_argument("--lms-column", help="the assignment's column in the LMS file (Canvas: "
                                        "'<Assignment> (<id>)' to update an existing one)")

    p = verbs.add_parser("demo", help="regrade the example class that comes with the project: "
                                      "what regrade does, with no data to find",
                         description="Copy the example class (demo/gd-export: a Gradescope export "
                                     "of gd in students' styles, right and wrong, one endless "
                                     "loop, a syntax error, an empty folder) into --out and "
                                     "regrade it there: grades.csv, summary.md, the charts and "
                                     "each submission's results.json.")
    p.add_argument("--out", type=Path, default=Path("autograder-demo"),
                   help="where the class's copy and its grades go (autograder-demo/); an earlier "
                        "demo there is replaced, any other folder refused")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once (default: one per core)")

    verbs.add_parser("gradescope", help="grade $AUTOGRADER_ROOT/submission (run_autograder)")
    p = verbs.add_parser("list", help="list the assignments")
    p.add_argument("--points", action="store_true",
                   help="a Markdown table of every graded test's points and visibility")

    p = verbs.add_parser("data", help="download MNIST (checking MD5s) into data/mnist or --dir")
    p.add_argument("--dir", type=Path, help="where to put the files ($AUTOGRADER_MNIST)")

    args = parser.parse_args(argv)
    if getattr(args, "assignment", None) is not None and args.verb != "new":
        try:   # an id from the list, never a path: nothing is read, written or locked first
            known_assignment(args.assignment)
        except UnknownAssignment as exc:
            print(exc, file=sys.stderr)
            return 2
    return {"grade": _grade, "check": _check, "solve": _solve, "gradescope": _gradescope,
            "list": _list, "data": _data, "new": _new, "package": _package,
            "regrade": _regrade, "demo": _demo}[args.verb](args)


def _not_there(path: Path, folder: bool = True) -> bool:
    """Say (naming the full path) that ``path`` is not there to read, or is not a folder when
    ``folder``; return whether it said so."""
    full = path.expanduser().absolute()
    if not path.exists():
        print(f"no such {'folder' if folder else 'file or folder'}: {full}", file=sys.stderr)
    elif folder and not path.is_dir():
        print(f"{full} is a file: give the folder that holds the submission", file=sys.stderr)
    else:
        return False
    return True


@contextlib.contextmanager
def _imports():
    """A verb's heavy imports (SymPy, pytest, the checkers) with the garbage collector off
    (they make no garbage), then what they made frozen out of every later collection: each
    collection during grading walks the grading's objects only (0.05 CPU s of a `grade`)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _grade(args) -> int:
    with _imports():
        from .batch.inputs import export_root
        from .grading import grade
        from .report import print_report
    if _not_there(args.submission):
        return 2
    if args.submission.is_dir() and export_root(args.submission):
        print(f"{args.submission} is a Gradescope export of a whole class: grade it with "
              f"python -m autograder regrade {args.assignment} {args.submission}",
              file=sys.stderr)
        return 2
    log: list[str] = []
    result = engine_error_result(args.assignment, "grading did not finish")
    if args.results and not reserve_space(args.results):
        log.append(f"could not reserve disk space for {args.results}")
    try:
        result = grade(args.assignment, args.submission, log=log)
    finally:
        if args.results:
            write_results(result, args.results)
    if log:
        print(clean_text("\n".join(log)), file=sys.stderr)
    if args.json:
        print(json.dumps(to_results_json(result), indent=2, ensure_ascii=False))
    else:
        print_report(result, title=f"{args.assignment}: {args.submission}", for_instructor=True)
    return 2 if result.engine_error else 0


def _check(args) -> int:
    with _imports():
        from .grading import grade
        from .report import FORM_ONLY, print_report
    if _not_there(args.submission):
        return 2
    result = grade(args.assignment, args.submission, public_only=True)
    print_report(result, title=f"Self-check of {args.assignment} (form only)", show_scores=False)
    print(FORM_ONLY)
    return 0 if all(t.passed for t in result.tests) and not result.engine_error else 1


def _solve(args) -> int:
    assignment = load_assignment(args.assignment)
    source = reference_dir(args.assignment)
    files = [source / name for name in (*assignment.files, *assignment.modules)
             if (source / name).is_file()]
    if not files:
        print(f"no reference solution in {source}", file=sys.stderr)
        return 1
    args.destination.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = args.destination / path.name
        if target.exists() and not args.force:
            print(f"{target} exists; use --force to overwrite", file=sys.stderr)
            return 1
        shutil.copyfile(path, target)
        print(f"wrote {target}")
    return 0


def _new(args) -> int:
    from .scaffold import scaffold
    try:
        paths = scaffold(args.assignment)
    except ValueError as exc:   # not a plain id
        print(exc, file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    print(f"grade its reference: python -m autograder solve {args.assignment} /tmp/{args.assignment}"
          f" && python -m autograder grade {args.assignment} /tmp/{args.assignment}")
    return 0


def _package(args) -> int:
    from .assignment import AssignmentError
    from .package import PackageError, build
    try:
        paths = build(args.assignment, args.out)
    except (PackageError, AssignmentError) as exc:
        print(exc, file=sys.stderr)
        return 1
    gradescope, student = paths
    print(f"wrote {gradescope}: upload it as the autograder of {args.assignment} on Gradescope")
    print(f"wrote {student}: hand it to students (its README.md says how to install the "
          f"self-check and check)")
    return 0


def _regrade(args) -> int:
    from .assignment import AssignmentError
    with _imports():
        from .batch.inputs import InputError
        from .batch.run import regrade
        from .grading import missing_data
    if args.jobs < 1:
        print("--jobs must be at least 1", file=sys.stderr)
        return 2
    if _not_there(args.input, folder=False):
        return 2
    problem = missing_data(load_assignment(args.assignment))
    if problem:   # said once, before any submission is graded
        print(f"not graded: {problem}", file=sys.stderr)
        return 2
    from .review.loop import LoopError, settings_from
    try:
        outcome = regrade(args.assignment, args.input, args.out, jobs=args.jobs,
                          force=args.force, scheduler=args.scheduler, timeout=args.timeout,
                          count_unanswered=args.count_unanswered, settings=settings_from(args),
                          reuse=args.reuse)
    except (InputError, AssignmentError, UnknownAssignment, LoopError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if outcome.interrupted:
        return 130
    print(f"{outcome.graded} graded now, {outcome.skipped} unchanged since the last run; "
          f"{outcome.reused} test verdicts reused (the same answers judged before).")
    print(outcome.headline)
    for problem in outcome.problems:
        print(f"Warning: {clean_text(problem)}")
    for note in outcome.notes:
        print(f"Note: {clean_text(note)}")
    if not outcome.changed:
        print("no change: every report is as it was; nothing rewritten")
    for path in outcome.files:
        print(f"wrote {path}")
    return 0


def _demo(args) -> int:
    """``regrade`` of the example class (autograder.demo), each submission bounded at
    demo.TIMEOUT seconds; then where to look."""
    from . import demo
    try:
        export = demo.prepare(args.out)
    except demo.DemoError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"The example class, a Gradescope export of {demo.ASSIGNMENT}: {export}\n"
          f"Regrading it as python -m autograder regrade {demo.ASSIGNMENT} {export} --out "
          f"{args.out} --timeout {demo.TIMEOUT:g}")
    status = _regrade(argparse.Namespace(
        assignment=demo.ASSIGNMENT, input=export, out=args.out, jobs=args.jobs, force=False,
        scheduler=None, timeout=demo.TIMEOUT, count_unanswered=False, reuse=True))
    if status == 0:
        print(f"wrote each submission's results.json (what Gradescope shows the student) and "
              f"record.json in {args.out / 'submissions'}/<submission>/\n"
              f"Read {args.out / 'summary.md'} first: the class, its commonest wrong answers, "
              f"the scores that changed, and what has no score.")
    return status


def _gradescope(args) -> int:
    """Grade ``$AUTOGRADER_ROOT/submission`` into ``results/results.json``, whatever happens."""
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    lock_down([results.parent, root / "submission_metadata.json"])  # student code: keep out
    log: list[str] = []
    if not reserve_space(results):
        log.append(f"could not reserve disk space for {results}")
    assignment = os.environ.get("AUTOGRADER_ASSIGNMENT", "")
    result = engine_error_result(assignment or "?", "grading did not finish")
    status = 0
    try:
        with _imports():   # in the try: even a broken install writes results.json
            from .grading import grade
        if not assignment:
            assignment = (root / "source" / "ASSIGNMENT").read_text(encoding="utf-8").strip()
        result = grade(known_assignment(assignment), root / "submission", log=log)
        result.student = read_metadata(root / "submission_metadata.json")
        submitter = describe_submitter(result.student)
        if submitter:
            result.output = f"{inert(submitter)}\n\n{result.output}"
    except UnknownAssignment as exc:   # the package's configuration, not the submission
        result = engine_error_result(assignment or "?", str(exc))
        log.append(f"{exc}: AUTOGRADER_ASSIGNMENT or the file ASSIGNMENT must name one of them")
        status = 2
    except BaseException as exc:  # noqa: BLE001 - results.json must be written in every case
        result = engine_error_result(assignment or "?", f"{type(exc).__name__}: {exc}")
        if not isinstance(exc, Exception):
            raise
    finally:
        write_results(result, results)
        print(clean_text("\n".join(log)))  # stdout: instructors only
        print(f"score {result.score:g}/{result.max_score:g}; results written to {results}")
    return status


def _data(args) -> int:
    from .mnist import MnistError, download
    try:
        folder = download(args.dir)
    except MnistError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"MNIST is ready in {folder}")
    return 0


def _list(args) -> int:
    if args.points:
        print(points_table([load_assignment(name) for name in available()]))
        return 0
    for name in available():
        print(f"{name}: {load_assignment(name).title}")
    return 0


def points_table(assignments) -> str:
    """Every assignment's graded tests with their points, from the tomls (the README's table);
    a test shown before the due date is marked "(visible)"."""
    rows = ["| assignment | points | graded tests (id points) |", "|---|---|---|"]
    for assignment in assignments:
        cells = [f"{t.id} {t.points:g}" + (" (visible)" if t.visibility == "visible" else "")
                 for t in assignment.graded_tests]
        rows.append(f"| `{assignment.id}` | {assignment.points:g} | {' · '.join(cells)} |")
    return "\n".join(rows)
