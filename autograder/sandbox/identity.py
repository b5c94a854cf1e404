"""Who student code runs as, and keeping the grader's private files out of its reach.

When the grader runs as root (Gradescope, CI), each grading run gets a user id of its own from
a reserved range (held with a lock file, so parallel runs never share one), in the group of the
``autograder-sandbox`` user that ``setup.sh`` creates.  Before any child starts,
:func:`lock_down` removes the group and other permission bits from everything private
(reference answers, graders, tests, git history, results, Gradescope's metadata); after each
child, :func:`sweep` kills every process of the run's uid, escaped background processes
included.  Without root none of this is possible, and the self-check does not need it.
"""
from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GROUP = "autograder-sandbox"
UID_BASE = 1_900_000_000      # far above any real account
SLOTS = 1000                  # parallel grading runs at most
SOURCE = Path(__file__).resolve().parents[2]
KEEP_READABLE = {".venv", "autograder", "data"}  # the child's interpreter, harness, MNIST


@dataclass(frozen=True)
class Identity:
    name: str
    uid: int
    gid: int


def can_isolate() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def sandbox_identity():
    """A uid of its own for this grading run (None when not root); its processes are swept
    when the run ends."""
    if not can_isolate():
        yield None
        return
    try:
        gid = grp.getgrnam(GROUP).gr_gid
    except KeyError:
        gid = 65534  # nogroup
    locks = Path("/run" if os.access("/run", os.W_OK) else tempfile.gettempdir()) / "autograder"
    locks.mkdir(mode=0o700, exist_ok=True)
    os.chmod(locks, 0o700)
    for slot in range(SLOTS):
        fd = os.open(locks / f"slot-{slot}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        identity = Identity(f"uid {UID_BASE + slot}", UID_BASE + slot, gid)
        try:
            sweep(identity)  # anything left by an earlier run that crashed
            yield identity
        finally:
            sweep(identity)
            os.close(fd)
        return
    raise RuntimeError(f"all {SLOTS} sandbox slots are busy")


def private_paths(extra: list[Path] = ()) -> list[Path]:
    """Everything in the source tree but the interpreter and the engine, the graders, and
    ``extra`` (a reference or graders folder kept elsewhere)."""
    paths = [p for p in SOURCE.iterdir() if p.name not in KEEP_READABLE]
    paths.append(SOURCE / "autograder" / "graders")
    return paths + [Path(p) for p in extra]


def lock_down(paths: list[Path]) -> None:
    """Strip group and other permissions (the owner's bits, and so git's view, stay)."""
    for path in paths:
        try:
            mode = path.lstat().st_mode
            if not path.is_symlink():
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue


def hand_over(folder: Path, identity: Identity) -> None:
    """Give the child's working copy to the sandbox user; let it pass through the parent."""
    os.chmod(folder.parent, 0o711)
    for root, dirs, files in os.walk(folder):
        os.chown(root, identity.uid, identity.gid)
        for name in files:
            os.chown(os.path.join(root, name), identity.uid, identity.gid, follow_symlinks=False)


def sweep(identity: Identity, keep: int | None = None) -> int:
    """Kill every process of the run's uid but ``keep`` (escaped background ones included)."""
    return _kill_all(lambda: [p for p in _pids_of(identity.uid) if p not in (keep, os.getpid())])


def sweep_group(leader: int) -> int:
    """Kill the members of ``leader``'s process group other than the leader (no root needed;
    a process that left the group with setsid escapes this, which is why root uses a uid)."""
    return _kill_all(lambda: [p for p in _group_of(leader) if p != leader])


def _kill_all(find, patience: float = 5.0) -> int:
    """Kill what ``find`` lists until it lists nothing: a forking process may spawn more
    between scans, and a killed process stays listed until the kernel has ended it."""
    killed, deadline = 0, time.monotonic() + patience
    while True:
        pids = find()
        if not pids or time.monotonic() > deadline:
            return killed
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)


def _group_of(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] not in "ZX":
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def _pids_of(uid: int) -> list[int]:
    """Live processes of ``uid`` (zombies are dead already: only their parent can reap them)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in
                          (entry / "status").read_text().splitlines() if ":" in line)
            if int(fields["Uid"].split()[1]) == uid and fields["State"].split()[0] not in "ZX":
                pids.append(int(entry.name))
        except (OSError, ValueError, KeyError, IndexError):
            continue
    return pids
