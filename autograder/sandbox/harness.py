"""The trusted harness that runs *inside* the sandboxed child process, next to student code.

Run as ``python -I harness.py REQUEST_FD REPLY_FD SETTINGS``, or forked, with the same
arguments, from a warm zygote (``--zygote``: see zygote.py).  It imports nothing of the grader.
Before student code runs it confines itself (confinement.py: private /tmp, IPC and network
where the kernel allows it; the limits in SETTINGS, JSON from the grader's session; the run's
own uid; no new privileges; umask 077; the grader's package unimportable).  It executes the
submission's cells, then answers probes read as JSON lines from REQUEST_FD with JSON lines on
REPLY_FD:

* ``{"op": "load", "cells": [{"label", "source"}], "module": name, "definitions_only": bool,
  "statement_seconds": s}`` → ``{"errors": [...], "skipped": n, "statements": n,
  "isolation": text}`` (each top-level statement runs on its own; in definitions-only mode
  those that train or plot are skipped and the others stopped after ``s`` seconds;
  ``statements`` counts those that parsed; ``isolation`` says what shields the host, for the
  instructor's log)
* ``{"op": "value", "name": n}`` → ``{"value": encoded}`` or ``{"missing": true}``
* ``{"op": "call", "name": n, "args": [encoded...]}`` → ``{"value": encoded}`` or ``{"error": ...}``
* ``{"op": "run", "source": text, "function": f, "module": m, "args": [...]}``: a trusted driver
  routine of the grader's (no secret in it) called as ``f(module m, *args)``, e.g. to train
  the student's network for a few steps; → ``{"value": encoded}`` or ``{"error": ...}``, each
  with ``"module_errors": [...]``, the errors of the statements of ``m.py`` (loaded once, one
  top-level statement at a time, like the submission's cells)

Everything it sends is plain data (see :func:`encode`); the grader validates it again.  Student
code shares this process and could forge replies, but a forged reply only ever speaks for the
student's own answers (or misreports the isolation, never changes it).
"""
import ast
import builtins
import json
import os
import re
import signal
import sys
import traceback
import types

SANDBOX = os.path.dirname(os.path.realpath(__file__))


def _load_beside(name):
    """A module of this folder (wire.py, statements.py), loaded by path under a private name
    (``python -I`` puts no folder of the grader's on sys.path, and a submission's own
    ``wire.py`` must stay importable)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("_grader_" + name,
                                                  os.path.join(SANDBOX, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_wire, _statements = _load_beside("wire"), _load_beside("statements")
_confinement = _load_beside("confinement")
MAX_ERRORS, MAX_ERROR_TEXT, MAX_REPLY_BYTES = (_wire.MAX_ERRORS, _wire.MAX_ERROR_TEXT,
                                               _wire.MAX_REPLY_BYTES)
TooLarge, encode = _wire.TooLarge, _wire.encode
MAX_NAMES = 50      # names a failed statement reports it would have defined


def decode(data):
    """An argument the grader sent (its own data: no limits)."""
    return _wire.decode(data, limits=False)


def _restore(namespace, pristine):
    namespace.clear()
    namespace.update(pristine)


def describe_error(exc, filenames):
    """``ZeroDivisionError: division by zero (line 12)``, the line taken in student code: the
    submission's cells, or any file in its folder (mlp.py)."""
    line, where = None, None
    folder = os.getcwd() + os.sep

    def student_file(name):
        if name in filenames:
            return name
        return name[len(folder):] if name.startswith(folder) else None

    tb = exc.__traceback__
    if isinstance(exc, SyntaxError) and student_file(exc.filename or ""):
        line, where = exc.lineno, student_file(exc.filename)
    while tb is not None:
        name = student_file(tb.tb_frame.f_code.co_filename)
        if name:
            line, where = tb.tb_lineno, name
        tb = tb.tb_next
    try:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    except BaseException:
        text = type(exc).__name__
    return {"error": text[-MAX_ERROR_TEXT:], "type": type(exc).__name__, "line": line,
            "where": where}


TRAINING_WORDS = {"train", "training", "fit", "epoch", "epochs"}   # in a called name
ALWAYS_RUN = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class TookTooLong(BaseException):
    """A top-level statement ran past its limit in definitions-only mode.  Not an Exception,
    so that ``except Exception`` in student code does not swallow it."""


class Definitions:
    """Which top-level statements definitions-only mode runs, decided by what each does: all
    but those that train or plot, that is, that call a function whose name says it trains
    (``train_one_epoch``, ``model.fit``), matplotlib, or a function of the notebook's that
    does either, and those that use a name only such a statement would have made (``ax`` of
    ``fig, ax = plt.subplots()``).  Imports and definitions always run."""

    def __init__(self, trees):
        self.slow = set()        # names whose call trains or plots
        functions = []
        for node in (node for tree in trees for node in tree.body):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                base = node.module if isinstance(node, ast.ImportFrom) else None
                self.slow |= {_bound(alias) for alias in node.names
                              if (base or alias.name).split(".")[0] == "matplotlib"}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append(node)
        grown = True
        while grown:             # a function that calls one that trains, trains
            found = {f.name for f in functions if f.name not in self.slow and self._slow(f)}
            self.slow |= found
            grown = bool(found)
        self.made, self.unmade = set(), set()   # names made by kept / only by skipped statements

    def _slow(self, node):
        """Does ``node`` call something that trains or plots?"""
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            chain, part = [], call.func          # model.fit -> ["fit", "model"]
            while isinstance(part, ast.Attribute):
                chain.append(part.attr)
                part = part.value
            if isinstance(part, ast.Name):
                chain.append(part.id)
            words = re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", chain[0]) if chain else []
            if TRAINING_WORDS.intersection(w.lower() for w in words) \
                    or self.slow.intersection(chain):
                return True
        return False

    def keep(self, node):
        """Whether to run ``node``, the next top-level statement in the notebook's order."""
        if isinstance(node, ALWAYS_RUN):
            made = {_bound(a) for a in node.names} if isinstance(node, (
                ast.Import, ast.ImportFrom)) else {node.name}
            keep = True
        else:
            names = [n for n in ast.walk(node) if isinstance(n, ast.Name)]
            made = {n.id for n in names if not isinstance(n.ctx, ast.Load)}
            used = {n.id for n in names if isinstance(n.ctx, ast.Load)}
            keep = not (self._slow(node) or self.unmade & used)
        if keep:
            self.made |= made
            self.unmade -= made
        else:
            self.unmade |= made - self.made
        return keep


def _bound(alias):
    """The name an import binds: ``plt`` of ``import matplotlib.pyplot as plt``."""
    return alias.asname or alias.name.split(".")[0]


def run_statement(code, namespace, seconds=None):
    """Run one compiled statement; with ``seconds``, stop it with :class:`TookTooLong` once it
    has had that much CPU time (or ten times that on the wall clock), again every 0.1 s should
    student code catch it."""
    if not seconds:
        exec(code, namespace)
        return
    running = True

    def stop(signum, frame):
        if running:
            spent = f"{seconds:g} s" if signum == signal.SIGPROF else f"{10 * seconds:g} s wall"
            raise TookTooLong(f"stopped after {spent}: grading needs only the notebook's "
                              f"definitions, and this statement ran longer (training at top "
                              f"level?); the rest of the notebook was run")

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.1)
    signal.setitimer(signal.ITIMER_REAL, 10 * seconds, 0.1)
    try:
        exec(code, namespace)
    finally:
        running = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Harness:
    """Answers the grader's requests next to student code: it holds the submission's namespace,
    the file names of its code (for tracebacks) and the modules it loaded with their failed
    statements.  Only :meth:`answer` changes them, one request at a time; student code shares
    the process and can change anything, but only ever speaks for its own answers."""

    def __init__(self, requests=None, replies=None, isolation=""):
        self.requests = requests   # binary streams of JSON lines (see serve)
        self.replies = replies
        self.isolation = isolation
        self.namespace = None
        self.filenames = set()
        self.modules = {}  # name -> (module, errors of its statements), see _module

    def send(self, message):
        line = json.dumps(message, allow_nan=True).encode()
        if len(line) > MAX_REPLY_BYTES:
            line = json.dumps({"too_large": "it takes %.1f MB to send back, more than %d MB" % (
                len(line) / 2**20, MAX_REPLY_BYTES // 2**20)}).encode()
        self.replies.write(line + b"\n")
        self.replies.flush()

    def serve(self):
        pristine = dict(builtins.__dict__)  # student code may patch builtins; we need them
        for line in self.requests:
            _restore(builtins.__dict__, pristine)
            reply = self.answer(json.loads(line))
            _restore(builtins.__dict__, pristine)
            self.send(reply)

    def answer(self, request):
        """The reply to one request, whatever the student's code does."""
        try:
            return getattr(self, "op_" + request["op"])(request)
        except TooLarge as exc:
            return {"too_large": str(exc)}
        except BaseException as exc:  # student code may raise anything, SystemExit included
            return describe_error(exc, self.filenames)

    def op_load(self, request):
        name = request.get("module", "__main__")
        module = types.ModuleType(name)
        module.__file__ = os.path.join(os.getcwd(), request.get("filename", name + ".py"))
        sys.modules[name] = module
        self.namespace = module.__dict__
        self.modules[name] = module, []  # its errors are this load's reply
        errors, skipped, statements = self._execute(request["cells"], module.__dict__,
                                                    request.get("definitions_only"),
                                                    request.get("statement_seconds"))
        return {"errors": errors[:MAX_ERRORS], "skipped": skipped, "statements": statements,
                "isolation": self.isolation}

    def _execute(self, cells, namespace, definitions_only=False, seconds=None):
        """Run the cells' top-level statements one at a time in ``namespace`` (line numbers
        kept): an error, a syntax error included, loses only its statement (see
        statements.py); each error names what the statement would have defined.
        Definitions-only keeps what builds module state, each statement bounded by
        ``seconds``.  Returns (errors, statements skipped, statements that parsed)."""
        errors, skipped = [], 0
        cells = [(cell["label"], self._split(cell)) for cell in cells]
        self.filenames.update(label for label, _ in cells)
        definitions = Definitions([ast.Module([p for p in parts if isinstance(p, ast.AST)], [])
                                   for _, parts in cells]) if definitions_only else None
        seconds = seconds if definitions else None
        for label, parts in cells:
            for node in parts:
                if isinstance(node, _statements.Broken):
                    errors.append(self._error(node.error, node.names))
                    continue
                if definitions and not definitions.keep(node):
                    skipped += 1
                    continue
                try:
                    code = compile(ast.Module([node], []), label, "exec", dont_inherit=True)
                    run_statement(code, namespace, seconds)
                except BaseException as exc:  # recorded; the next statement still runs
                    errors.append(self._error(exc, _statements.defined_names(node)))
        return errors, skipped, sum(isinstance(p, ast.AST) for _, parts in cells for p in parts)

    def _error(self, exc, names):
        """What a failed statement reports: its error and the names it would have defined."""
        return dict(describe_error(exc, self.filenames), names=sorted(names)[:MAX_NAMES])

    @staticmethod
    def _split(cell):
        """The cell's top-level statements (a whole cell too deep to split is one Broken)."""
        try:
            return _statements.split(cell["source"], cell["label"])
        except (RecursionError, MemoryError) as exc:
            return [_statements.Broken(exc, [])]

    def op_value(self, request):
        name = request["name"]
        if name not in self.namespace:
            return {"missing": True}
        return {"value": encode(self.namespace[name])}

    def op_run(self, request):
        routine = {"__name__": "grader_routine"}
        exec(compile(request["source"], "<grader routine>", "exec"), routine)
        module, errors = self._module(request["module"])
        args = [decode(a) for a in request.get("args", [])]
        try:
            value = routine[request["function"]](module, *args)
        except BaseException as exc:  # student code may raise anything, SystemExit included
            return dict(describe_error(exc, self.filenames), module_errors=errors)
        return {"value": encode(value), "module_errors": errors}

    def _module(self, name):
        """The student's module ``name`` and the errors of its statements: the loaded
        submission itself, or ``name.py`` of the submission's folder, loaded on first use
        statement by statement (a failing line, e.g. an unused ``import pandas``, loses only
        what it defines)."""
        if name not in self.modules:
            self.modules[name] = self._load_file(name)
        return self.modules[name]

    def _load_file(self, name):
        import tokenize
        path = os.path.join(os.getcwd(), name + ".py")
        if not os.path.isfile(path):
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        with tokenize.open(path) as file:  # honours an encoding declaration, as import does
            source = file.read()
        module = types.ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        errors, _, _ = self._execute([{"label": name + ".py", "source": source}],
                                     module.__dict__)
        return module, errors[:MAX_ERRORS]

    def op_call(self, request):
        function = self.namespace.get(request["name"])
        if function is None:
            return {"missing": True}
        if not callable(function):
            return {"not_callable": type(function).__name__}
        args = [decode(a) for a in request.get("args", [])]
        return {"value": encode(function(*args))}


def main():
    if sys.argv[1] == "--zygote":   # returns in each forked child, set up as a fresh harness
        _load_beside("zygote").serve(int(sys.argv[2]), sys.argv[3])
    isolation = _confinement.confine(json.loads(sys.argv[3]))
    sys.path.insert(0, os.getcwd())  # the submission's own modules (mlp.py) are importable
    sys.path.append(_confinement.STANDINS)
    sys.setrecursionlimit(10_000)
    Harness(os.fdopen(int(sys.argv[1]), "rb"), os.fdopen(int(sys.argv[2]), "wb"),
            "; ".join(isolation)).serve()


if __name__ == "__main__":
    main()
