"""Removing everything a sandbox uid left: its processes (:func:`sweep`), its files in the shared scratch folders
(:func:`remove_files`) and its SysV IPC objects (:func:`remove_ipc`).  Everything is found by
the grader itself, in /proc and the file system, never taken from the child's word.

Run as a script (``python -I sweep.py shm:ID ...``) by :func:`remove_ipc`, as the uid: it
imports nothing of the grader.
"""
from __future__ import annotations

import ctypes
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

MAX_DEPTH = 100               # nested folders searched for leftovers (one open fd per level)
IPC_KINDS = ("shm", "sem", "msg")
IPC_RMID = 0


def sweep(uid: int, keep: int | None = None) -> int:
    """Kill every process of ``uid`` but ``keep`` (escaped background ones included)."""
    return _kill_all(lambda: [p for p in processes_of(uid) if p not in (keep, os.getpid())])


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


def remove_files(uid: int, gid: int, folder: str) -> None:
    """Delete what ``uid`` (in group ``gid``) owns under ``folder``, never following symbolic links (each folder
    is opened relative to its parent) and never touching what another uid owns.  Only folders
    the uid could enter are searched, and only in folders it could write to can it have made
    anything (creating, linking or renaming an entry needs that), so elsewhere only the
    sub-folders are looked at: a shared /tmp holding big trees is searched quickly."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        _remove_in(fd, os.fstat(fd), uid, gid, MAX_DEPTH)
    finally:
        os.close(fd)


def _remove_in(fd: int, here: os.stat_result, uid: int, gid: int, depth: int) -> None:
    writable = _may(here, uid, gid, stat.S_IWUSR, stat.S_IWGRP, stat.S_IWOTH)
    if not writable and here.st_nlink == 2:
        return  # no sub-folder (a folder's links: its entry, ".", and each sub-folder's "..")
    with os.scandir(fd) as listing:
        entries = [e for e in listing if writable or e.is_dir(follow_symlinks=False)]
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                if depth and _may(info, uid, gid, stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH):
                    inner = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                    dir_fd=fd)
                    try:
                        _remove_in(inner, info, uid, gid, depth - 1)
                    finally:
                        os.close(inner)
                if info.st_uid == uid:
                    os.rmdir(entry.name, dir_fd=fd)  # fails, as it should, if others' are left
            elif info.st_uid == uid:
                os.unlink(entry.name, dir_fd=fd)
        except OSError:
            continue


def _may(info: os.stat_result, uid: int, gid: int, owner: int, group: int, other: int) -> bool:
    """Does the folder's mode give the uid this right (its own folder: whatever mode it set
    last, for it may set another)?"""
    if info.st_uid == uid:
        return True
    return bool(info.st_mode & (group if info.st_gid == gid else other))


def remove_ipc(uid: int, gid: int) -> None:
    """Remove the SysV shared memory segments, semaphore sets and message queues the uid owns
    or created (as /proc/sysvipc lists them).  A process of the uid does it: as their owner or
    creator it may, where root without CAP_SYS_ADMIN (most containers) may not."""
    left = [f"{kind}:{row['id']}" for kind in IPC_KINDS for row in _sysvipc(kind)
            if uid in (int(row["uid"]), int(row["cuid"]))]
    if left:
        subprocess.run([sys.executable, "-I", __file__, *left], user=uid, group=gid,
                       extra_groups=[], stdin=subprocess.DEVNULL,
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
    their parent can reap them.  It reads only the two lines it needs of each process's
    status (the end of each sandboxed child sweeps, and a long probe's stopwatch looks)."""
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


def _line(text: bytes, key: bytes) -> bytes:
    """The rest of the line that starts with ``key`` (which begins with a newline)."""
    start = text.index(key) + len(key)
    end = text.find(b"\n", start)
    return text[start:] if end < 0 else text[start:end]


if __name__ == "__main__":  # python -I sweep.py shm:ID sem:ID ...: see remove_ipc
    _rmid(sys.argv[1:])
