"""Who student code runs as, and keeping the grader's private files out of its reach.

When the grader runs as root (Gradescope, CI), each grading run gets a user id of its own from
a reserved range (held with a lock file, so parallel runs never share one), in the group of the
``autograder-sandbox`` user that ``setup.sh`` creates.  Before any child starts,
:func:`lock_down` removes the group and other permission bits from everything private
(reference answers, graders, tests, git history, results, Gradescope's metadata) and
:func:`hand_over` makes the child's working copy its own and private; after each child,
:func:`sweep` kills every process of the run's uid, escaped background processes included; before
the uid is handed to a run and after it, :func:`clean` also removes its files in the shared
scratch folders and its SysV IPC objects.  Without root none of this is possible, and the
self-check does not need it.
"""
from __future__ import annotations

import contextlib
import ctypes
import fcntl
import grp
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Gradescope's Ubuntu 22.04 has Python 3.10
    import tomli as tomllib

GROUP = "autograder-sandbox"
UID_BASE = 1_900_000_000      # far above any real account
SLOTS = 1000                  # parallel grading runs at most
PACKAGE = Path(__file__).resolve().parents[1]
SOURCE = PACKAGE.parent       # a checkout of the project, or site-packages when installed
PROJECT = "ml-math-autograder"
KEEP_READABLE = {".venv", "autograder", "data"}  # the child's interpreter, harness, MNIST
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")      # where any user may leave files
MAX_DEPTH = 100               # nested folders searched for leftovers (one open fd per level)
IPC_KINDS = ("shm", "sem", "msg")
IPC_RMID = 0
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


def is_checkout(folder: Path) -> bool:
    """Is ``folder`` a checkout of this project (its pyproject.toml names it)?"""
    try:
        with open(folder / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["name"] == PROJECT
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return False


def private_paths(extra: list[Path] = ()) -> list[Path]:
    """The graders, ``extra`` (the reference, graders kept elsewhere), and in a checkout of the
    project everything beside the package but the interpreter and the data (deny by default).
    An installed package's folder is site-packages: the libraries there are not ours to lock."""
    paths = [p for p in SOURCE.iterdir() if p.name not in KEEP_READABLE] \
        if is_checkout(SOURCE) else []
    return paths + [PACKAGE / "graders"] + [Path(p) for p in extra]


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
    sweep(identity)
    for folder in SCRATCH if scratch else ():
        remove_files(identity, folder)
    remove_ipc(identity)


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


def sweep(identity: Identity, keep: int | None = None) -> int:
    """Kill every process of the run's uid but ``keep`` (escaped background ones included)."""
    return _kill_all(lambda: [p for p in processes_of(identity.uid) if p not in (keep, os.getpid())])


def sweep_group(leader: int) -> int:
    """Kill the members of ``leader``'s process group other than the leader (no root needed;
    a process that left the group with setsid escapes this, which is why root uses a uid)."""
    return _kill_all(lambda: [p for p in group_members(leader) if p != leader])


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


def remove_files(identity: Identity, folder: str) -> None:
    """Delete what the uid owns under ``folder``, never following symbolic links (each folder
    is opened relative to its parent) and never touching what another uid owns.  Only folders
    the uid could enter are searched, and only in folders it could write to can it have made
    anything (creating, linking or renaming an entry needs that), so elsewhere only the
    sub-folders are looked at: a shared /tmp holding big trees is searched quickly."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        _remove_in(fd, os.fstat(fd), identity, MAX_DEPTH)
    finally:
        os.close(fd)


def _remove_in(fd: int, here: os.stat_result, identity: Identity, depth: int) -> None:
    writable = _may(here, identity, stat.S_IWUSR, stat.S_IWGRP, stat.S_IWOTH)
    if not writable and here.st_nlink == 2:
        return  # no sub-folder (a folder's links: its entry, ".", and each sub-folder's "..")
    with os.scandir(fd) as listing:
        entries = [e for e in listing if writable or e.is_dir(follow_symlinks=False)]
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                if depth and _may(info, identity, stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH):
                    inner = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                    dir_fd=fd)
                    try:
                        _remove_in(inner, info, identity, depth - 1)
                    finally:
                        os.close(inner)
                if info.st_uid == identity.uid:
                    os.rmdir(entry.name, dir_fd=fd)  # fails, as it should, if others' are left
            elif info.st_uid == identity.uid:
                os.unlink(entry.name, dir_fd=fd)
        except OSError:
            continue


def _may(info: os.stat_result, identity: Identity, owner: int, group: int, other: int) -> bool:
    """Does the folder's mode give the uid this right (its own folder: whatever mode it set
    last, for it may set another)?"""
    if info.st_uid == identity.uid:
        return True
    return bool(info.st_mode & (group if info.st_gid == identity.gid else other))


def remove_ipc(identity: Identity) -> None:
    """Remove the SysV shared memory segments, semaphore sets and message queues the uid owns
    or created (as /proc/sysvipc lists them).  A process of the uid does it: as their owner or
    creator it may, where root without CAP_SYS_ADMIN (most containers) may not."""
    left = [f"{kind}:{row['id']}" for kind in IPC_KINDS for row in _sysvipc(kind)
            if identity.uid in (int(row["uid"]), int(row["cuid"]))]
    if left:
        subprocess.run([sys.executable, "-I", __file__, *left], user=identity.uid,
                       group=identity.gid, extra_groups=[], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def _rmid(objects: list[str]) -> None:
    """IPC_RMID each ``kind:id`` (run as their owner: see :func:`remove_ipc`)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for item in objects:
        kind, ident = item.split(":")
        if kind == "sem":
            libc.semctl(int(ident), 0, IPC_RMID)
        else:
            getattr(libc, kind + "ctl")(int(ident), IPC_RMID, None)


def _sysvipc(kind: str) -> list[dict]:
    """The rows of /proc/sysvipc/<kind> by column name (the id column as ``id``)."""
    try:
        lines = Path("/proc/sysvipc", kind).read_text().splitlines()
    except OSError:
        return []
    header = ["id" if i == 1 else name for i, name in enumerate(lines[0].split())]
    return [dict(zip(header, line.split())) for line in lines[1:]]


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``, its leader included."""
    pids = []
    for name in _process_ids():
        try:
            fields = _read(f"/proc/{name}/stat").rsplit(b")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] not in b"ZX":
                pids.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def processes_of(uid: int) -> list[int]:
    """Live processes whose real, effective, saved or file-system uid is ``uid`` (a setuid
    program started by the sandbox keeps it as its real uid); zombies are dead already: only
    their parent can reap them.  Every grading probe ends with this scan: it reads only the
    two lines it needs of each process's status."""
    pids = []
    for name in _process_ids():
        try:
            status = _read(f"/proc/{name}/status")
            uids = _line(status, b"\nUid:").split()
            if uid in map(int, uids) and _line(status, b"\nState:").split()[0] not in b"ZX":
                pids.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _process_ids() -> list[str]:
    return [name for name in os.listdir("/proc") if name.isdigit()]


def _read(path: str) -> bytes:
    with open(path, "rb", buffering=0) as f:
        return f.read(8192)


def _read_all(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _line(text: bytes, key: bytes) -> bytes:
    """The rest of the line that starts with ``key`` (which begins with a newline)."""
    start = text.index(key) + len(key)
    end = text.find(b"\n", start)
    return text[start:] if end < 0 else text[start:end]


if __name__ == "__main__":  # python -I identity.py shm:ID sem:ID ...: see remove_ipc
    _rmid(sys.argv[1:])
