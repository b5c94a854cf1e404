"""What graders use to ask about the student's code; every failure becomes an ``Incorrect``.

The grader never imports student code: values and call results come back from the sandboxed
child as plain data (see :mod:`autograder.sandbox`).
"""
from __future__ import annotations

from pathlib import Path

from .feedback import Incorrect, OutOfTime
from .sandbox.identity import Identity
from .sandbox.session import Limits, Reply, SandboxSession
from .submission import Submission
from .values import FunctionValue


class Student:
    def __init__(self, submission: Submission, workdir: Path, limits: Limits,
                 identity: Identity | None = None, definitions_only: bool = False):
        self.submission = submission
        # The session runs even without a main file: code modules (mlp.py) may still be there.
        module = "__main__" if submission.is_notebook or submission.path is None \
            else submission.path.stem
        cells = submission.cells if submission.problem is None else []
        self.session = SandboxSession(cells, workdir, limits, module=module,
                                      identity=identity, definitions_only=definitions_only)

    @property
    def where(self) -> str:
        return self.submission.label

    def _require_session(self) -> SandboxSession:
        if self.submission.problem is not None:
            raise Incorrect(self.submission.problem)
        return self.session

    def value(self, name: str) -> object:
        """The value the student's code gave ``name``."""
        reply = self._require_session().value(name)
        if reply.status == "missing":
            raise Incorrect(f"`{name}` is not defined in {self.where}." + self._load_note())
        return self._unwrap(reply, f"reading `{name}`")

    def function(self, name: str, params: tuple[str, ...] = ()) -> FunctionValue:
        """The signature of the student's function ``name``; check it takes ``params``."""
        value = self.value(name)
        if not isinstance(value, FunctionValue):
            raise Incorrect(f"`{name}` should be a function, but it is not callable.")
        if params and len(value.parameters) < len(params):
            raise Incorrect(f"`{name}` should take {len(params)} arguments "
                            f"({', '.join(params)}), but it is defined as {name}{value.signature}.")
        return value

    def call(self, name: str, *args, timeout: float | None = None, show_args: bool = True) -> object:
        """Call the student's function in the sandbox and return its (decoded) result."""
        shown = f"{name}({', '.join(map(repr, args))})" if show_args else f"{name}(...)"
        reply = self._require_session().call(name, args, timeout)
        if reply.status == "missing":
            raise Incorrect(f"`{name}` is not defined in {self.where}." + self._load_note())
        if reply.status == "not_callable":
            raise Incorrect(f"`{name}` should be a function, but it is not callable "
                            f"(it is a {reply.message}).")
        return self._unwrap(reply, f"`{shown}`")

    def run(self, routine, module: str, *args, timeout: float | None = None) -> object:
        """Run the trusted driver ``routine`` (a function of an ``autograder.routines`` module)
        in the sandbox on the student's module ``module``; plain data comes back."""
        import inspect
        source = inspect.getsource(inspect.getmodule(routine))
        reply = self.session.run(source, routine.__name__, module, args, timeout)
        if reply.status == "error" and reply.error.get("type") == "ModuleNotFoundError" \
                and f"'{module}'" in reply.message:
            raise Incorrect(f"no {module}.py found in your submission")
        return self._unwrap(reply, f"your {module}.py")

    def _unwrap(self, reply: Reply, what: str) -> object:
        if reply.status == "ok":
            return reply.value
        if reply.status == "error" and reply.error.get("type") == "NotImplementedError":
            raise Incorrect(f"{what} is not implemented yet (it raises NotImplementedError).")
        if reply.status == "error":
            where = ""
            if reply.error.get("line"):
                where = f" (line {reply.error['line']} of {reply.error.get('where') or self.where})"
            raise Incorrect(f"{what} raised an error{where}:\n\n    {_indent(reply.message)}")
        if reply.status == "fatal":
            raise OutOfTime(f"{self.where}: {reply.message}")
        if reply.status == "timeout":
            raise OutOfTime(f"{what} failed: {reply.message}")
        if reply.status == "too_large":
            raise Incorrect(f"{what}: the answer is too large to grade ({reply.message}).")
        raise Incorrect(f"{what} failed: {reply.message}")

    def _load_note(self) -> str:
        errors = self.session.load_errors
        if not errors:
            return ""
        first = errors[0]
        line = f" at line {first['line']}" if first.get("line") else ""
        where = first.get("where") or self.where
        return (f" Running {where} raised an error{line}, which may be why:"
                f"\n\n    {_indent(str(first.get('error')))}")

    @property
    def load_errors(self) -> list[dict]:
        return self.session.load_errors

    def close(self) -> None:
        self.session.close()


def _indent(text: str) -> str:
    return text.strip().replace("\n", "\n    ")
