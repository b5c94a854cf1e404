"""Run student code in a child process and ask it questions (probes), each with a deadline.

One child serves a whole grading run: it loads the submission once, then answers probes one by
one.  When a probe times out or the child dies, that probe fails, the child's process group is
killed, and the next probe starts a fresh child.  A submission whose loading itself hangs or
crashes is not retried: every later probe gets the same message at once.  Whatever else the
student's code starts lives until its child is killed: then the run's uid is swept (as root;
otherwise the child's process group is killed), once per child, not after every probe.

A child is a fresh interpreter, or forked from this process's warm zygote if it has one
(:mod:`.warm`, a regrade's workers); either way it confines itself before any student code.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Sequence

from .codec import decode
from .identity import Identity, private_scratch, scratch_untouched
from .protocol import Limits, Reply, Source
from ..budget import WALL_FACTOR   # the same for the child's limits as for the grader's
from .stopwatch import Stopwatch
from . import warm
from .sweep import group_members, processes_of, sweep
from .wire import MAX_REPLY_BYTES, MAX_REPLY_PARTS, BadReply, encode_arg

HARNESS = Path(__file__).with_name("harness.py")
MAX_RESTARTS = 25
# the limits the child sets on itself (the rest bound the grader's wait for it)
CHILD_LIMITS = ("cpu_seconds", "memory_mb", "file_mb", "open_files", "no_network", "processes")


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

    def __init__(self, workdir: Path, limits: Limits, identity: Identity | None,
                 mnist: Path | None):
        self.identity = identity
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        env = {**warm.ENV, "HOME": str(workdir)}
        if mnist is not None:
            env["AUTOGRADER_MNIST"] = str(mnist)  # public data student code may load
        settings = {k: getattr(limits, k) for k in CHILD_LIMITS}
        if identity is not None:
            settings.update(uid=identity.uid, gid=identity.gid)
        try:
            self.process = warm.spawn(workdir, env, settings, to_child_r, from_child_w)
            self.warm = self.process is not None
            if self.process is None:
                self.process = subprocess.Popen(
                    [sys.executable, "-I", str(HARNESS), str(to_child_r), str(from_child_w),
                     json.dumps(settings)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, cwd=workdir, env=env,
                    pass_fds=(to_child_r, from_child_w), start_new_session=True)
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
            sweep(self.identity.uid)  # processes that left the group (setsid, double fork)
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
        if self.warm:
            self.process.release()

    def helpers(self) -> list[int]:
        """The processes student code started beside the child (they live until it is
        killed: the session's uid, or its process group, is swept once, at its end)."""
        if self.identity is not None:
            return processes_of(self.identity.uid)
        return group_members(self.process.pid)

    def exit_description(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code is None:
            return "the process ended (how is not known: its zygote died)"
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
    """Loads ``cells`` in a child working in ``workdir`` and answers probes (a
    :class:`~.protocol.Session`), under ``limits``.  ``identity``: the unprivileged user to run
    as (root only); ``mnist``: the folder of the MNIST files student code may load."""

    def __init__(self, cells: Sequence[Source], workdir: Path, limits: Limits, *,
                 module: str = "__main__", identity: Identity | None = None,
                 definitions_only: bool = False, mnist: Path | None = None):
        self.cells = list(cells)
        self.workdir = Path(workdir)
        self.limits = limits
        self.module = module
        self.identity = identity
        self.mnist = mnist
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
        self.warm_starts = 0           # children forked from a warm zygote (see .warm)
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
        self.child = _Child(self.workdir, self.limits, self.identity, self.mnist)
        self.warm_starts += self.child.warm
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
        """Kill the child for good; if every child's scratch folders were its own, the run's
        clean-up need not search the shared ones (see ``identity.scratch_untouched``)."""
        self._drop()
        self.closed = True
        if self.identity is not None and all(self.private_scratch):
            scratch_untouched(self.identity)

    def log_lines(self) -> list[str]:
        isolation = [f"sandbox isolation: {self.isolation}"] if self.isolation else []
        if self.starts:
            isolation.append(f"sandbox children: {self.starts}, {self.warm_starts} of them "
                             f"forked from a warm zygote")
        return isolation + [f"the submission printed:\n{text}" for text in self.printed]


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
