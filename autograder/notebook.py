"""``check()`` in a notebook cell: the self-check of the kernel's current values, as a table.

    from autograder.notebook import check
    check()          # every question
    check("q1c")     # one question, by its name or id

It runs the public form checks of ``python -m autograder check`` on the values the kernel holds
now, so the notebook need not be saved first, and like them it never says whether an answer is
right.  It also says where the kernel's values differ from what grading, which runs the saved
notebook from the top, would get (:mod:`.run_order`).  The student's own code runs in the
student's own kernel: the probes are answered in this process by the sandbox harness's own
code, and every value takes the wire format's path (encoded, then decoded and checked), so the
checks see what grading would see.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path

from . import run_order
from .assignment import available, load_assignment
from .grading import run_graders
from .report import FORM_ONLY, print_report
from .results import GradingResult
from .sandbox.protocol import Reply
from .sandbox.session import interpret
from .student import Student
from .submission import Submission



class KernelSession:
    """Answers probes from ``namespace`` in this process (a :class:`~.sandbox.protocol.Session`
    with no child and no limits: the code is the student's own, run on the student's own
    machine, and it was loaded when its cells ran)."""

    def __init__(self, namespace: dict):
        self.load_errors: list[dict] = []
        self.statements: int | None = None   # the kernel ran them: not counted here
        self.skipped = 0
        self.starts = 1
        self.used = 0.0
        self.harness = _harness().Harness(isolation="the notebook's own kernel")
        self.harness.namespace = namespace
        main = sys.modules.get("__main__")
        if main is not None and getattr(main, "__dict__", None) is namespace:
            self.harness.modules["__main__"] = main, []

    def load(self) -> None:
        pass

    def request(self, message: dict, timeout: float | None = None) -> Reply:
        raw = self.harness.answer(json.loads(json.dumps(message)))
        return interpret(json.loads(json.dumps(raw, allow_nan=True)))

    def close(self) -> None:
        pass

    def log_lines(self) -> list[str]:
        return []


def check(question: str | None = None, *, assignment: str | None = None) -> None:
    """Show the form checks of the answers the kernel holds now, as a table (``question``:
    ``"q1c"`` or ``"1c"``, that question only), and where the kernel differs from a run of the
    saved notebook from the top.  ``assignment`` is needed only where several are installed
    and the notebook's name does not tell."""
    namespace, history = _kernel()
    notebook = run_order.saved_notebook(namespace, history) if history else None
    spec = load_assignment(assignment or _assignment_of(notebook))
    result = form_results(question, assignment=spec.id, namespace=namespace)
    print_report(result, title=f"Self-check of {spec.id} (form only)", show_scores=False)
    print(FORM_ONLY)
    differences = run_order.warnings(run_order.code_cells(notebook), history,
                                     [q.name for q in spec.questions], namespace) \
        if notebook else []
    if differences:
        print(f"\nWarning: your kernel's values differ from {notebook.name} run from the top, "
              f"as grading runs it (Restart & Run All, then check again):")
        print("\n".join(f"- {line}" for line in differences))


def form_results(question: str | None = None, *, assignment: str,
                 namespace: dict) -> GradingResult:
    """The form checks of the values in ``namespace`` (``question``: that one only)."""
    spec = load_assignment(assignment)
    submission = Submission(Path("."), path=Path("notebook.ipynb"),   # its module: __main__
                            origin="the values your kernel holds now")
    student = Student(submission, KernelSession(namespace), square_sides=spec.square_sides,
                      extras=spec.extras)
    result = run_graders(spec, student, public_only=True, log=[])
    if question is not None:
        ids = {q.id for q in spec.questions if question in (q.id, q.name)}
        if not ids:
            raise ValueError(f"no question {question!r} in {spec.id}; its questions: "
                             f"{', '.join(q.name for q in spec.questions)}")
        result.tests = [t for t in result.tests if str(t.number).split(".")[1] in ids]
    return result


@functools.cache
def _harness():
    """The sandbox's harness.py, loaded once by path (as the sandboxed child runs it)."""
    spec = importlib.util.spec_from_file_location(
        "_grader_harness", Path(__file__).parent / "sandbox" / "harness.py")
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    return harness


def _assignment_of(notebook: Path | None) -> str:
    """The only assignment installed, or the one whose answer file the notebook is."""
    names = available()
    if not names:
        raise ValueError("no assignment is installed: install its self-check as its README "
                         "says (pip install --find-links wheels ml-math-selfcheck-<id>)")
    if len(names) == 1:
        return names[0]
    named = [n for n in names if notebook and notebook.name in load_assignment(n).files]
    if len(named) == 1:
        return named[0]
    raise ValueError(f"say which assignment, one of {', '.join(names)}: "
                     f"check(assignment={names[0]!r})")


def _kernel() -> tuple[dict, list[tuple[int, str]]]:
    """The notebook's variables and what ran before this cell (In number, source): IPython's
    user namespace and input history, or ``__main__``'s variables and no history outside."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        return vars(sys.modules["__main__"]), []
    ran = list(enumerate(shell.history_manager.input_hist_raw))[1:-1]   # not this cell
    return shell.user_ns, ran
