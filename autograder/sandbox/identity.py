"""Who student code runs as, and keeping the grader's private files out of its reach.

When the grader runs as root (Gradescope), each child drops to the dedicated unprivileged user
``autograder-sandbox`` (created by ``setup.sh``).  Before that, :func:`lock_down` removes the
group and other permission bits from everything private (reference answers, graders, tests,
git history, results, Gradescope's metadata), so that user cannot read or change it; after a
child ends, :func:`sweep` kills every process still running as that user, so nothing outlives
a probe.  Without root none of this is possible, and the self-check does not need it.
"""
from __future__ import annotations

import os
import pwd
import signal
from dataclasses import dataclass
from pathlib import Path

USER = "autograder-sandbox"
SOURCE = Path(__file__).resolve().parents[2]
KEEP_READABLE = {".venv", "autograder"}   # what the child needs: the interpreter and harness


@dataclass(frozen=True)
class Identity:
    name: str
    uid: int
    gid: int


def sandbox_identity() -> Identity | None:
    """The user to run student code as, or None when not root (or the user is missing)."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("AUTOGRADER_SANDBOX_USER", USER)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    if entry.pw_uid == 0:
        return None
    return Identity(name, entry.pw_uid, entry.pw_gid)


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


def sweep(identity: Identity) -> int:
    """Kill every process of the sandbox user (escaped background processes included)."""
    killed = 0
    for _ in range(50):  # a forking process may spawn more between scans: repeat until none
        pids = [pid for pid in _pids_of(identity.uid) if pid != os.getpid()]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("Uid:"):
                    if int(line.split()[1]) == uid:
                        pids.append(int(entry.name))
                    break
        except (OSError, ValueError):
            continue
    return pids
