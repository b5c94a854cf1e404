"""``check()`` in a notebook cell: the self-check of the kernel's current values, as a table.

    from autograder.notebook import check
    check()          # every question
    check("q1c")     # one question, by its name or id

It runs the public form checks of ``python -m autograder check`` on the values the kernel holds
now, so the notebook need not be saved first, and like them it never says whether an answer is
right.  The student's own code runs in the student's own kernel: the probes are answered in
this process by the sandbox harness's own code, and every value takes the wire format's path
(encoded, then decoded and checked), so the checks see what grading would see.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path

from .assignment import available, load_assignment
from .grading import run_graders
from .report import print_report
from .results import GradingResult
from .sandbox.session import Limits, Reply, interpret
from .student import Student
from .submission import Submission



class KernelSession:
    """Answers probes from ``namespace`` in this process (no child, no limits: the code is the
    student's own, run on the student's own machine)."""

    starts, skipped, isolation, printed, closed = 1, 0, "", [], False
    load_errors: list[dict] = []

    def __init__(self, namespace: dict):
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


def check(question: str | None = None, *, assignment: str | None = None,
          namespace: dict | None = None, show: bool = True) -> GradingResult:
    """Form-check the answers the kernel holds now; ``question`` (``"q1c"`` or ``"1c"``) keeps
    that one question's checks.  ``assignment`` is needed only where several are installed."""
    spec = load_assignment(assignment or _only_assignment())
    values = namespace if namespace is not None else _kernel_namespace()
    submission = Submission(Path("."), path=Path("notebook.ipynb"),   # its module: __main__
                            origin="the values your kernel holds now")
    student = Student(submission, Path("."), Limits(), square_sides=spec.square_sides,
                      extras=spec.extras, session=KernelSession(values))
    result = run_graders(spec, student, public_only=True, log=[])
    if question is not None:
        ids = {q.id for q in spec.questions if question in (q.id, q.name)}
        if not ids:
            raise ValueError(f"no question {question!r} in {spec.id}; its questions: "
                             f"{', '.join(q.name for q in spec.questions)}")
        result.tests = [t for t in result.tests if str(t.number).split(".")[1] in ids]
    if show:
        print_report(result, title=f"Self-check of {spec.id} (form only)", show_scores=False)
        print("These checks say whether each answer is present and readable. Whether it is "
              "correct is decided when you submit.")
    return result


@functools.cache
def _harness():
    """The sandbox's harness.py, loaded once by path (as the sandboxed child runs it)."""
    spec = importlib.util.spec_from_file_location(
        "_grader_harness", Path(__file__).parent / "sandbox" / "harness.py")
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    return harness


def _only_assignment() -> str:
    names = available()
    if len(names) != 1:
        raise ValueError(f"say which assignment: check(assignment=...), one of {names}")
    return names[0]


def _kernel_namespace() -> dict:
    """The notebook's variables: IPython's user namespace, or ``__main__``'s outside IPython."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])
