"""Who student code runs as: a uid of its own per grading run, and what is cleaned around it.

When the grader runs as root (Gradescope, CI), each grading run gets a user id of its own from
a reserved range (held with a lock file, so parallel runs never share one), in the group of the
``autograder-sandbox`` user that ``setup.sh`` creates.  Before any child starts,
:func:`hand_over` makes the child's working copy its own and private (the grader's private
files are locked by ``autograder.private``); after each child, the session kills every process
of the run's uid (:mod:`.sweep`), escaped background processes included; before the uid is
handed to a run and after it, :func:`clean` also removes its files in the shared scratch
folders and its SysV IPC objects.  Without root none of this is possible, and the self-check
does not need it.
"""
from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import random
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .sweep import remove_files, remove_ipc, sweep

GROUP = "autograder-sandbox"
UID_BASE = 1_900_000_000      # far above any real account
SLOTS = 1000                  # parallel grading runs at most
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")      # where any user may leave files
CLEANED = b"cleaned"          # a slot's lock file says so once its last run's uid is cleaned


@dataclass(frozen=True)
class Identity:
    name: str
    uid: int
    gid: int


def can_isolate() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def sandbox_identity():
    """A uid of its own for this grading run (None when not root), cleaned (:func:`clean`)
    after the run, and before it unless the slot's last run ended with its clean-up done.
    The shared scratch folders are searched only if a child of the run may have written to
    them (see :func:`scratch_untouched`).  The search for a free slot starts at a random one,
    so a uid just released is rarely handed to the next run at once: whatever might escape one
    run's cleaning does not meet the next run's student code under the same uid."""
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
    start = random.randrange(SLOTS)
    for slot in [(start + i) % SLOTS for i in range(SLOTS)]:
        fd = os.open(locks / f"slot-{slot}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        identity = Identity(f"uid {UID_BASE + slot}", UID_BASE + slot, gid)
        try:
            if os.pread(fd, len(CLEANED), 0) != CLEANED:
                clean(identity)  # what an earlier run that did not finish left
            os.ftruncate(fd, 0)  # until this run's own clean-up is done
            yield identity
        finally:
            clean(identity, scratch=identity.uid not in _untouched)
            _untouched.discard(identity.uid)
            os.pwrite(fd, CLEANED, 0)
            os.close(fd)
        return
    raise RuntimeError(f"all {SLOTS} sandbox slots are busy")


def hand_over(folder: Path, identity: Identity) -> None:
    """Give the child's working copy to the run's uid, private to it (folders 0700, files
    without group and other bits); the run's folder above it only lets it pass (0711)."""
    os.chmod(folder.parent, 0o711)
    for root, dirs, files in os.walk(folder):
        os.chown(root, identity.uid, identity.gid)
        os.chmod(root, 0o700)
        for name in files:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            os.chown(path, identity.uid, identity.gid, follow_symlinks=False)
            if not stat.S_ISLNK(mode):
                os.chmod(path, stat.S_IMODE(mode) & 0o700)


def clean(identity: Identity, scratch: bool = True) -> None:
    """Remove everything the run's uid left: its processes, its files and folders in the
    shared scratch folders (unless ``scratch`` is False), its SysV IPC objects."""
    sweep(identity.uid)
    for folder in SCRATCH if scratch else ():
        remove_files(identity.uid, identity.gid, folder)
    remove_ipc(identity.uid, identity.gid)


_untouched: set[int] = set()   # uids of runs whose every child had private scratch folders


def scratch_untouched(identity: Identity) -> None:
    """The run's children could not write to the shared scratch folders (each was seen in a
    mount namespace of its own with tmpfs on them: :func:`private_scratch`): its clean-up
    need not search them."""
    _untouched.add(identity.uid)


def private_scratch(pid: int) -> bool:
    """Whether process ``pid`` is in a mount namespace other than ours with a tmpfs mounted
    last on each scratch folder, as the harness makes it (read from /proc by the grader, never
    taken from the child's word; mounts inherited into a namespace the child could make itself
    are locked, so it cannot uncover the shared folders)."""
    try:
        if os.readlink(f"/proc/{pid}/ns/mnt") == os.readlink("/proc/self/ns/mnt"):
            return False
        top = {}
        for line in _read_all(f"/proc/{pid}/mountinfo").decode().splitlines():
            fields = line.split()
            dash = fields.index("-")
            top[fields[4]] = fields[dash + 1]
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return all(top.get(folder) == "tmpfs" for folder in SCRATCH if os.path.isdir(folder))


def _read_all(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()
