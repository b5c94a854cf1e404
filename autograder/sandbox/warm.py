"""A warm sandbox for processes that grade many submissions (a regrade's workers): a zygote
(see zygote.py) that has imported numpy, and torch when the assignment declares it, forks each
sandboxed child, which then confines itself exactly as a freshly started harness does.  Each
child serves one session's one child; no student code ever runs in the zygote.

:func:`start` starts this process's zygote; processes forked from it afterwards (a worker's
grading children) use it too.  :func:`spawn` returns None when there is none or it does not
answer, and the session then starts a fresh interpreter, as it always does for a one-off
``grade``, where a zygote would only add a start-up.
"""
from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
from pathlib import Path

HARNESS = Path(__file__).with_name("harness.py")
# the environment of every sandboxed child (the session adds HOME and the MNIST folder); the
# zygote imports under it, so the thread counts hold for the libraries it loads
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MODULES = ("numpy", "numpy.random")
SPAWN_SECONDS = 10.0     # for the zygote's answer, past which it counts as broken


class Forked:
    """A child the zygote forked, with what the session uses of a ``Popen``: ``pid``,
    ``stdout`` and ``wait``.  Its exit status comes from the zygote, which keeps its pid
    reserved until :meth:`release`."""

    def __init__(self, pid: int, talk: socket.socket, stdout):
        self.pid, self.talk, self.stdout = pid, talk, stdout
        self.returncode: int | None = None
        self.ended = False

    def wait(self, timeout: float | None = None) -> int | None:
        """Its exit code (negative: the signal that ended it), None if the zygote died
        first; TimeoutExpired if it still runs after ``timeout`` seconds."""
        if not self.ended:
            if not select.select([self.talk], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("sandbox child", timeout)
            try:
                self.returncode = json.loads(self.talk.recv(4096) or b"{}").get("status")
            except (OSError, ValueError):
                self.returncode = None
            self.ended = True
        return self.returncode

    def release(self) -> None:
        """Done with the child: the zygote may reap it (and kills it if it still runs)."""
        self.talk.close()


class Zygote:
    """The zygote process and this side of its control socket."""

    def __init__(self, modules: tuple[str, ...]):
        self.modules = modules
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", str(HARNESS), "--zygote", str(theirs.fileno()),
                 ",".join(modules)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd="/", env={**ENV, "HOME": "/"},
                pass_fds=(theirs.fileno(),), start_new_session=True)
        finally:
            theirs.close()
        self.broken = False

    def spawn(self, cwd: Path, env: dict, settings: dict, request_fd: int,
              reply_fd: int) -> Forked | None:
        """A child working in ``cwd`` with ``env``, confined as ``settings`` say, reading
        requests from ``request_fd`` and replying on ``reply_fd``; None if the zygote does
        not answer (it is not asked again)."""
        if self.broken:
            return None
        talk, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        output, output_w = os.pipe()
        message = json.dumps({"cwd": str(cwd), "env": env, "settings": settings}).encode()
        pid = None
        try:
            socket.send_fds(self.control, [message],
                            [theirs.fileno(), request_fd, reply_fd, output_w])
            if select.select([talk], [], [], SPAWN_SECONDS)[0]:
                pid = json.loads(talk.recv(4096) or b"{}").get("pid")
        except (OSError, ValueError):
            pass
        finally:
            theirs.close()
            os.close(output_w)
        if not isinstance(pid, int):
            self.broken = True
            talk.close()
            os.close(output)
            return None
        return Forked(pid, talk, open(output, "rb"))

    def close(self) -> None:
        """Let it end (once its children are released)."""
        self.control.close()
        self.broken = True


_zygote: Zygote | None = None


def modules_for(extras: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What a zygote imports for an assignment with these ``extras``: numpy, and torch if
    declared (the optional packages students may use, see ``Assignment.extras``)."""
    return MODULES + (("torch",) if "torch" in extras else ())


def start(extras: tuple[str, ...] = ()) -> None:
    """Start this process's zygote for an assignment with ``extras`` (keeping one that
    imported the same and runs, replacing one that imported other modules or ended); none
    with ``AUTOGRADER_SANDBOX=fresh``.  Only the process that started it calls this again (a
    forked one has no zygote to wait for)."""
    global _zygote
    if os.environ.get("AUTOGRADER_SANDBOX") == "fresh":   # a fresh interpreter per child
        stop()
        return
    modules = modules_for(extras)
    if _zygote is not None and _zygote.modules == modules and not _zygote.broken \
            and _zygote.process.poll() is None:
        return
    stop()
    _zygote = Zygote(modules)


def stop() -> None:
    """Close this process's zygote, if any: later sessions start fresh interpreters."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


def spawn(cwd: Path, env: dict, settings: dict, request_fd: int,
          reply_fd: int) -> Forked | None:
    """A child forked by this process's zygote (see :meth:`Zygote.spawn`), or None."""
    return _zygote.spawn(cwd, env, settings, request_fd, reply_fd) if _zygote else None
