"""Run student code in a child process and ask it questions (probes), each with a deadline.

One child serves a whole grading run: it loads the submission once, then answers probes one by
one.  When a probe times out or the child dies, that probe fails, the child's process group is
killed, and the next probe starts a fresh child.  A submission whose loading itself hangs or
crashes is not retried: every later probe gets the same message at once.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..budget import WALL_FACTOR
from .codec import decode
from .wire import MAX_REPLY_BYTES, MAX_REPLY_PARTS, BadReply, encode_arg
from .identity import (Identity, group_members, private_scratch, processes_of, sweep,
                       sweep_group)
from .stopwatch import Stopwatch

HARNESS = Path(__file__).with_name("harness.py")
MAX_RESTARTS = 25


@dataclass(frozen=True)
class Limits:
    load_seconds: float = 30.0
    probe_seconds: float = 10.0
    statement_seconds: float = 10.0   # one top-level statement, in definitions-only mode
    cpu_seconds: int = 600
    memory_mb: int = 3072
    file_mb: int = 64            # largest file the student's code may write
    open_files: int = 256
    no_network: bool = True      # an empty network namespace, where the platform allows it
    processes: int = 64          # per sandbox user (only when running as root)
    budget_seconds: float = 600  # all of the student's code in one grading run
    output_bytes: int = 64 * 1024
    grader_memory_mb: int = 2048  # what checking one question may add to the grader's memory

    @classmethod
    def from_config(cls, config: dict) -> "Limits":
        unknown = sorted(set(config) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown limits {unknown}; known: {sorted(cls.__dataclass_fields__)}")
        return cls(**config)


@dataclass(frozen=True)
class Cell:
    label: str      # the file name or "cell 3": shown in messages and tracebacks
    source: str


@dataclass
class Reply:
    status: str                   # ok | missing | error | not_callable | timeout | crashed | too_large | bad_reply | fatal
    value: object = None
    error: dict = field(default_factory=dict)
    message: str = ""
    module_errors: list[dict] = field(default_factory=list)  # a run's module's failed lines


class Limit:
    """A probe's time limit on its :class:`Stopwatch`, with a hard cap on the wall clock (a
    child the scheduler starves)."""

    def __init__(self, pid: int, seconds: float, helpers=None):
        self.stopwatch = Stopwatch(pid, helpers)
        self.seconds = seconds
        self.wall = WALL_FACTOR * max(seconds, 1.0)
        self.starved = False

    def left(self) -> float:
        """How long to wait for the child next (at most 0.1 s: its clock is read again);
        TimeoutError when its time is up."""
        if self.stopwatch.wall() >= self.wall:
            self.starved = True
            raise TimeoutError
        left = self.seconds - self.stopwatch.elapsed()
        if left <= 0:
            raise TimeoutError
        return min(left, 0.1)


class _Child:
    """One running harness process and its pipes."""

    def __init__(self, workdir: Path, limits: Limits, identity: Identity | None):
        self.identity = identity
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        from ..mnist import data_dir   # imports NumPy, which loading an assignment does without
        env["AUTOGRADER_MNIST"] = str(data_dir().resolve())  # public data student code may load
        settings = {k: getattr(limits, k) for k in (
            "cpu_seconds", "memory_mb", "file_mb", "open_files", "no_network", "processes")}
        if identity is not None:
            settings.update(uid=identity.uid, gid=identity.gid)
        settings = json.dumps(settings)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", str(HARNESS), str(to_child_r), str(from_child_w), settings],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                cwd=workdir, env=env, pass_fds=(to_child_r, from_child_w), start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.buffer = bytearray()
        self.output = bytearray()
        self.output_total = 0
        self._drain = threading.Thread(target=self._drain_output, args=(limits.output_bytes,),
                                       daemon=True)
        self._drain.start()

    def _drain_output(self, keep: int) -> None:
        stream = self.process.stdout
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            self.output_total += len(chunk)
            if len(self.output) < keep:
                self.output += chunk[: keep - len(self.output)]

    def send(self, message: dict, limit: "Limit") -> None:
        """Write one request line; a child that stops reading cannot block us past ``limit``."""
        view = memoryview(json.dumps(message).encode() + b"\n")
        while view:
            _, ready, _ = select.select([], [self.to_child], [], limit.left())
            if ready:
                view = view[os.write(self.to_child, view[:65536]):]

    def read_reply(self, limit: "Limit") -> dict:
        """The next reply line, parsed within the wire format's limits: OverflowError when it is
        too long, BadReply when it is not a well-formed reply (student code can write to the
        pipe), TimeoutError (from ``limit``), EOFError."""
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.from_child], [], [], limit.left())
            if not ready:
                continue
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk
            if len(self.buffer) > MAX_REPLY_BYTES:
                raise OverflowError
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        if line.count(b"{") + line.count(b"[") > MAX_REPLY_PARTS:
            raise BadReply(f"it has more than {MAX_REPLY_PARTS} lists and objects")
        try:
            reply = json.loads(line)
        except RecursionError:
            raise BadReply("it is nested too deeply") from None
        except MemoryError:
            raise BadReply("it does not fit in memory") from None
        except ValueError:
            raise BadReply("it is not well-formed JSON") from None
        if not isinstance(reply, dict):
            raise BadReply("it is not an object")
        return reply

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.identity is not None:
            sweep(self.identity)  # processes that left the group (setsid, double fork)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.to_child, self.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._drain.join(timeout=2)

    def helpers(self) -> list[int]:
        """The processes student code started beside the child (see :func:`kill_others`)."""
        if self.identity is not None:
            return processes_of(self.identity.uid)
        return group_members(self.process.pid)

    def kill_others(self) -> None:
        """After a probe: kill whatever it started, keeping the child itself for the next."""
        if self.identity is not None:
            sweep(self.identity, keep=self.process.pid)
        else:
            sweep_group(self.process.pid)

    def exit_description(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            reasons = {"SIGXCPU": "it used up its CPU time", "SIGKILL": "it was killed "
                       "(usually: out of memory)", "SIGSEGV": "it crashed (segmentation fault)",
                       "SIGXFSZ": "it wrote a file that was too large"}
            return f"the process died: {reasons.get(name, 'signal ' + name)}"
        return f"the process ended with exit code {code} (sys.exit or os._exit in your code?)"


class SandboxSession:
    """Loads ``cells`` in a child working in ``workdir`` and answers probes."""

    def __init__(self, cells: list[Cell], workdir: Path, limits: Limits = Limits(),
                 module: str = "__main__", identity: Identity | None = None,
                 definitions_only: bool = False):
        self.cells = cells
        self.workdir = Path(workdir)
        self.limits = limits
        self.module = module
        self.identity = identity              # the unprivileged user to run as (root only)
        self.definitions_only = definitions_only
        self.skipped = 0                      # statements left out in definitions-only mode
        self.statements: int | None = None    # the submission's statements that parsed
        self.child: _Child | None = None
        self.load_errors: list[dict] = []
        self.fatal: str | None = None
        self.starts = 0
        self.printed: list[str] = []   # what each child printed (capped), for the instructor log
        self.isolation = ""            # what the child's load reply says shields the host
        self.used = 0.0                # the time student code has had (see Stopwatch)
        self.private_scratch: list[bool] = []   # each child's scratch folders were its own
        self.closed = False

    def load(self) -> None:
        """Start the child (running the submission) unless it runs already."""
        if self.child is None and self.fatal is None:
            self._start()

    def _start(self) -> None:
        if self.closed:
            raise RuntimeError("the sandbox is closed: no student code runs after checks")
        if self.starts >= MAX_RESTARTS:
            self.fatal = "your code crashed or timed out too many times; grading stopped"
            return
        self.starts += 1
        self.child = _Child(self.workdir, self.limits, self.identity)
        request = {"op": "load", "module": self.module, "definitions_only": self.definitions_only,
                   "statement_seconds": self.limits.statement_seconds,
                   "cells": [{"label": c.label, "source": c.source} for c in self.cells]}
        pid = self.child.process.pid
        reply = self._exchange(request, self.limits.load_seconds, loading=True)
        # checked while the child lives (its pid cannot be reused before it is reaped)
        self.private_scratch.append(self.child is not None and private_scratch(pid))
        if reply.status == "ok" and isinstance(reply.value, dict):
            if self.starts == 1:  # a restarted child runs the same code: keep the first account
                errors = reply.value.get("errors", [])
                self.load_errors = _errors(errors)
                skipped = reply.value.get("skipped", 0)
                self.skipped = skipped if isinstance(skipped, int) else 0
                statements = reply.value.get("statements")
                self.statements = statements if isinstance(statements, int) else None
                self.isolation = str(reply.value.get("isolation", ""))[:500]
        else:
            self.fatal = f"running your code failed: {reply.message}"

    def request(self, message: dict, timeout: float | None = None) -> Reply:
        self.load()
        if self.fatal is not None:
            return Reply("fatal", message=self.fatal)
        return self._exchange(message, timeout or self.limits.probe_seconds)

    def value(self, name: str) -> Reply:
        return self.request(value_request(name))

    def call(self, name: str, args: tuple, timeout: float | None = None) -> Reply:
        return self.request(call_request(name, args), timeout)

    def _exchange(self, message: dict, seconds: float, loading: bool = False) -> Reply:
        child = self.child
        left = self.limits.budget_seconds - self.used
        limit = Limit(child.process.pid, min(seconds, left), child.helpers)
        try:
            child.send(message, limit)
            raw = child.read_reply(limit)
        except TimeoutError:
            self._drop()
            if limit.starved:
                return Reply("timeout", message=f"it did not finish within {limit.wall:g} s "
                                                f"while the machine was busy")
            if seconds > left:  # the whole run's budget ended first
                self.fatal = (f"the time for running your code ({self.limits.budget_seconds:g}"
                              f" s in all) ran out")
                return Reply("fatal", message=self.fatal)
            return Reply("timeout", message=f"it did not finish within {seconds:g} s "
                                            f"(an endless loop, or far too slow?)")
        except (EOFError, BrokenPipeError):
            description = child.exit_description()
            self._drop()
            return Reply("crashed", message=description)
        except OverflowError:
            self._drop()
            return Reply("too_large", message=f"it takes more than "
                                              f"{MAX_REPLY_BYTES // 2**20} MB to send back")
        except BadReply as exc:
            self._drop()
            return Reply("bad_reply", message=f"the answer could not be read back: {exc}")
        finally:
            self.used += limit.stopwatch.elapsed()
        child.kill_others()
        if loading:
            return Reply("ok", value=raw)
        return interpret(raw)

    def _drop(self) -> None:
        if self.child is not None:
            self.child.kill()
            if self.child.output_total:
                text = bytes(self.child.output).decode("utf-8", "replace")
                cut = self.child.output_total - len(self.child.output)
                self.printed.append(text + (f"\n[... {cut} more bytes not kept]" if cut else ""))
            self.child = None

    def close(self) -> None:
        self._drop()
        self.closed = True


def value_request(name: str) -> dict:
    """The request for the value of the student's ``name``."""
    return {"op": "value", "name": name}


def call_request(name: str, args: tuple) -> dict:
    """The request to call the student's function ``name`` on ``args``."""
    return {"op": "call", "name": name, "args": [encode_arg(a) for a in args]}


def run_request(source: str, function: str, module: str, args: tuple) -> dict:
    """The request to run the trusted routine ``function`` of ``source`` on the student's
    module ``module`` (see the harness's ``op_run``)."""
    return {"op": "run", "source": source, "function": function, "module": module,
            "args": [encode_arg(a) for a in args]}


def interpret(raw: dict) -> Reply:
    """The reply a harness sent, as plain data, checked."""
    reply = _interpret_status(raw)
    reply.module_errors = _errors(raw.get("module_errors"))
    return reply


def _errors(raw: object) -> list[dict]:
    """The errors a reply lists (statements that failed), each trimmed to plain fields: the
    error, its type, line and file, and the names the statement would have defined."""
    if not isinstance(raw, list):
        return []
    return [{"error": str(e.get("error"))[:2000], "type": str(e.get("type"))[:100],
             "line": e.get("line") if type(e.get("line")) is int else None,
             "where": str(e.get("where") or "")[:200],
             "names": [str(n)[:100] for n in e.get("names") or () if isinstance(n, str)][:50]
             if isinstance(e.get("names"), list) else []}
            for e in raw[:50] if isinstance(e, dict)]


def _interpret_status(raw: dict) -> Reply:
    if raw.get("missing"):
        return Reply("missing")
    if "not_callable" in raw:
        return Reply("not_callable", message=str(raw["not_callable"])[:100])
    if "too_large" in raw:
        return Reply("too_large", message=str(raw["too_large"])[:300])
    if "error" in raw:
        error = {k: raw.get(k) for k in ("error", "type", "line", "where")}
        error["error"] = str(error["error"])[:2000]
        return Reply("error", error=error, message=error["error"])
    if "value" in raw:
        try:
            return Reply("ok", value=decode(raw["value"]))
        except BadReply as exc:
            return Reply("bad_reply", message=str(exc))
    return Reply("bad_reply", message="the answer could not be read back")
