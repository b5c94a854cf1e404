"""The warm sandbox's zygote: a harness process that has imported what student code may use
(numpy; torch where the assignment declares it) and forks one sandboxed child per request,
before any student code has run in it or in the zygote.

Run by the harness (``python -I harness.py --zygote CONTROL_FD MODULES``), as the grader's user,
unconfined: each child confines itself after the fork exactly as a freshly started harness
does (see ``harness.main``).  Loaded by path: it imports nothing of the grader.

A request is one message on the control socket (a ``SOCK_SEQPACKET`` pair the grader made)
with four file descriptors: the requester's own socket for this child, the child's request
pipe, its reply pipe and the pipe for what it prints.  The zygote forks, sends ``{"pid": n}``
on the requester's socket, later ``{"status": code}`` (as ``Popen.returncode``), and reaps the
child only once the requester closes that socket, so its pid is never reused while the grader
may still look at it; a requester that goes away first has the child killed.  The child
closes every descriptor but its own, takes the working folder, environment and arguments a
fresh harness would have, and reseeds NumPy's and torch's global generators (Python's
``random`` reseeds itself in a forked child).  The zygote ends when no requester holds the control socket and
every child is reaped.
"""
import fcntl
import json
import os
import select
import signal
import socket
import sys

MAX_REQUEST = 1 << 16
REQUEST_FDS = 4     # the requester's socket, the request, reply and output pipes
CHILD_FDS = 5       # in the child: /dev/null, output (twice), request, reply


class Child:
    """A forked child as the zygote tracks it."""

    def __init__(self, pid, talk):
        self.pid, self.talk = pid, talk
        self.pidfd = os.pidfd_open(pid)
        self.exited = False


def serve(control_fd, modules):
    """Import ``modules`` (comma-separated; one that fails is left out), then fork children
    on request until the control socket is closed and every child reaped.  Returns only in
    a forked child, ready to run as a harness; the zygote itself ends with ``os._exit``."""
    for name in filter(None, modules.split(",")):
        try:
            __import__(name)
        except Exception:   # noqa: BLE001 - student code importing it gets the same error
            pass
    control = socket.socket(fileno=control_fd)
    children = []
    while control is not None or children:
        watched = ([control] if control is not None else []) + [c.talk for c in children] \
            + [c.pidfd for c in children if not c.exited]
        ready = select.select(watched, [], [])[0]
        if control in ready:
            try:
                message, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, REQUEST_FDS)
            except OSError:
                message, fds = b"", []
            if not message:
                control.close()
                control = None
            elif _fork(json.loads(message), fds, children, control):
                return
        for child in list(children):
            if not child.exited and child.pidfd in ready:
                _report(child)
            if child.talk in ready:   # the requester closed it: it is done with the child
                _release(child)
                children.remove(child)
    os._exit(0)


def _fork(request, fds, children, control):
    """Fork the child ``request`` asks for; True in the child (set up as a fresh harness)."""
    if len(fds) != REQUEST_FDS:   # not a request of the grader's side (warm.py)
        for fd in fds:
            os.close(fd)
        return False
    talk = socket.socket(fileno=fds[0])
    if select.select([talk], [], [], 0)[0]:   # the requester gave up already
        for fd in fds[1:]:
            os.close(fd)
        talk.close()
        return False
    pid = os.fork()
    if pid == 0:
        for s in [control, talk] + [c.talk for c in children]:
            s.detach()    # their descriptors are closed below, never by these objects
        _become(request, fds[1:])
        return True
    for fd in fds[1:]:
        os.close(fd)
    children.append(Child(pid, talk))
    _send(talk, {"pid": pid})
    return False


def _report(child):
    """The child has ended: tell its requester how, leaving it unreaped (its pid reserved)."""
    info = os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
    os.close(child.pidfd)
    child.exited = True
    _send(child.talk, {"status": code})


def _release(child):
    """Kill the child if it still runs (its requester is gone), and reap it."""
    child.talk.close()
    if not child.exited:
        for kill in (os.kill, os.killpg):
            try:
                kill(child.pid, signal.SIGKILL)
            except OSError:
                pass
        os.close(child.pidfd)
    os.waitpid(child.pid, 0)


def _send(talk, message):
    try:
        talk.send(json.dumps(message).encode())
    except OSError:
        pass   # the requester is gone: its socket's end shows it


def _become(request, pipes):
    """In the forked child: a session of its own; /dev/null, the output pipe, the request and
    reply pipes as descriptors 0 to 4 and no other; the requested working folder,
    environment and arguments; fresh random state."""
    os.setsid()
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 16) for fd in pipes]   # above 0..4, then placed
    requests, replies, output = moved
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.dup2(requests, 3)
    os.dup2(replies, 4)
    os.closerange(CHILD_FDS, os.sysconf("SC_OPEN_MAX"))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv[1:] = ["3", "4", json.dumps(request["settings"])]
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None     # found again from this environment
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()         # from the OS, as at a fresh import
    if "torch" in sys.modules:
        sys.modules["torch"].seed()                # likewise
