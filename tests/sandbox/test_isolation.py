"""Who student code runs as and what it can reach (``autograder/sandbox/identity.py``,
``sweep.py``, ``autograder/private.py``, the harness's import blocker): the uid's processes,
files and IPC objects are removed, and only them; the working copy is private; only the
project's own private folders are locked."""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import private
from autograder.limits import StudentLimits
from autograder.private import is_checkout, private_paths
from autograder.sandbox.identity import clean, hand_over, sandbox_identity
from autograder.sandbox.session import SandboxSession, value_request
from autograder.sandbox.sweep import sweep
from autograder.submission import Cell
from tests.helpers import REFERENCE_GD, ROOT
from tests.sandbox.hostile import NOT_ROOT, ipc_objects_of

root_only = pytest.mark.skipif(NOT_ROOT, reason="needs root: a uid of the sandbox's own")
LIBC = ctypes.CDLL(None, use_errno=True)


@pytest.fixture
def identity():
    """A sandbox uid held for this test alone (a slot, as a grading run holds one)."""
    with sandbox_identity() as held:
        yield held


def _process_with(set_ids) -> int:
    """A forked process that calls ``set_ids`` and then waits to be killed; its pid."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            set_ids()
            os.write(write, b"x")
            time.sleep(60)
        finally:
            os._exit(0)
    os.close(write)
    started = os.read(read, 1) == b"x"
    os.close(read)
    assert started, "the process could not set its ids"
    return pid


def _killed(pid: int, patience: float = 5.0) -> bool:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False


@root_only
@pytest.mark.parametrize("which", ["real", "effective", "saved", "file-system"])
def test_sweep_kills_a_process_by_any_of_its_uids(identity, which):
    """A setuid program started by student code runs with the run's uid as its real uid only
    (and its own as effective and saved): it is swept all the same."""
    uid = identity.uid
    set_ids = {"real": lambda: os.setresuid(uid, 0, 0),
               "effective": lambda: os.setresuid(0, uid, 0),
               "saved": lambda: os.setresuid(0, 0, uid),
               "file-system": lambda: LIBC.setfsuid(uid)}[which]
    pid = _process_with(set_ids)
    assert str(uid) in Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split("\n")[0]
    sweep(identity.uid)
    assert _killed(pid), f"a process with the run's uid as its {which} uid survived the sweep"


@pytest.fixture
def shared(identity):
    """A world-writable sticky folder in /tmp, like /tmp itself, and files beside it in
    /var/tmp and /dev/shm."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-shared-", dir="/tmp"))
    folder.chmod(0o1777)
    beside = [Path(top, folder.name) for top in ("/var/tmp", "/dev/shm") if os.path.isdir(top)]
    yield folder, beside
    shutil.rmtree(folder, ignore_errors=True)
    for path in beside:
        path.unlink(missing_ok=True)


def _make(path: Path, uid: int, gid: int = 0, mode: int = 0o644, folder: bool = False) -> Path:
    if folder:
        path.mkdir()
    else:
        path.write_text("x")
    os.chown(path, uid, gid)
    path.chmod(mode)
    return path


@root_only
def test_clean_removes_the_uids_files_and_nothing_else(identity, shared):
    folder, beside = shared
    uid, gid, nobody = identity.uid, identity.gid, 65534
    gone = [_make(folder / "mine.txt", uid, gid),
            *(_make(path, uid, gid) for path in beside)]
    tree = _make(folder / "tree", uid, gid, 0o755, folder=True)
    _make(tree / "inner", uid, gid, 0o755, folder=True)
    gone += [tree, tree / "inner", _make(tree / "inner" / "deep.txt", uid, gid)]
    hidden = _make(folder / "hidden", uid, gid, 0o755, folder=True)
    gone += [hidden, _make(hidden / "in-a-folder-it-closed.txt", uid, gid)]
    hidden.chmod(0)
    target = _make(folder / "roots.txt", 0)
    link = folder / "link"
    link.symlink_to(target)
    os.chown(link, uid, gid, follow_symlinks=False)
    gone.append(link)
    shared_folder = _make(folder / "with-others", uid, gid, 0o777, folder=True)
    others = _make(shared_folder / "nobodys.txt", nobody, nobody)
    closed = _make(folder / "roots-closed", 0, 0, 0o700, folder=True)
    kept = [target, shared_folder, others, closed, _make(closed / "planted.txt", uid, gid)]

    clean(identity)

    assert [p for p in gone if os.path.lexists(p)] == []
    assert [p for p in kept if not os.path.lexists(p)] == []
    assert target.read_text() == "x" and stat.S_IMODE(target.stat().st_mode) == 0o644


@root_only
def test_clean_removes_the_uids_ipc_objects_and_nothing_else(identity):
    """Segments, semaphore sets and queues the uid made are removed; root's are left."""
    def make_as_uid():
        os.setgroups([])
        os.setresgid(identity.gid, identity.gid, identity.gid)
        os.setresuid(identity.uid, identity.uid, identity.uid)
        made = [LIBC.shmget(0, 4096, 0o1600), LIBC.semget(0, 1, 0o1600), LIBC.msgget(0, 0o1600)]
        assert min(made) >= 0

    pid = _process_with(make_as_uid)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert sorted(kind for kind, _, _ in ipc_objects_of(identity.uid)) == ["msg", "sem", "shm"]
    roots = LIBC.shmget(0, 4096, 0o1600)
    try:
        clean(identity)
        assert ipc_objects_of(identity.uid) == []
        assert ("shm", roots) in [(kind, ident) for kind, ident, _ in ipc_objects_of(0)]
    finally:
        LIBC.shmctl(roots, 0, None)


@root_only
def test_hand_over_makes_the_working_copy_the_uids_alone(identity, tmp_path):
    run = tmp_path / "run"
    work = run / "work"
    (work / "sub").mkdir(parents=True)
    modes = {"answers.py": 0o644, "run.sh": 0o755, "sub/data.txt": 0o664, "setuid": 0o4755}
    for name, mode in modes.items():
        (work / name).write_text("x")
        (work / name).chmod(mode)
    (work / "sub").chmod(0o775)

    hand_over(work, identity)

    assert stat.S_IMODE(run.stat().st_mode) == 0o711
    for folder in (work, work / "sub"):
        info = folder.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == \
            (identity.uid, identity.gid, 0o700)
    for name, mode in modes.items():
        info = (work / name).stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (identity.uid, mode & 0o700)


def test_a_checkout_is_recognised_by_its_pyproject(tmp_path):
    assert is_checkout(ROOT)
    assert not is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "numpy"\n')
    assert not is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project\nname = "ml-math-autograder"\n')
    assert not is_checkout(tmp_path)


def test_in_a_checkout_everything_but_the_engine_is_private():
    paths = private_paths([Path("/elsewhere/reference")])
    for private in (".git", "tests", "reference", "README.md", "autograder/graders"):
        assert ROOT / private in paths, private
    for readable in (".venv", "autograder", "data"):
        assert ROOT / readable not in paths, readable
    assert Path("/elsewhere/reference") in paths


def test_an_installed_package_locks_only_its_graders(tmp_path, monkeypatch):
    """Installed, the package's folder is site-packages: the libraries beside it (numpy, a
    stray pyproject.toml) are not the project's."""
    site = tmp_path / "site-packages"
    for name in ("numpy", "autograder/graders", "ml_math_autograder-0.1.0.dist-info"):
        (site / name).mkdir(parents=True)
    (site / "pyproject.toml").write_text('[project]\nname = "other"\n')
    monkeypatch.setattr(private, "SOURCE", site)
    monkeypatch.setattr(private, "PACKAGE", site / "autograder")
    assert private_paths([tmp_path / "reference"]) == [site / "autograder" / "graders",
                                                       tmp_path / "reference"]


def _modes(folder: Path) -> dict:
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            info = os.lstat(os.path.join(root, name))
            found[os.path.join(root, name)] = (info.st_mode, info.st_uid)
    return found


@root_only
def test_checking_with_an_installed_package_locks_only_its_graders(tmp_path):
    """`python -m autograder check` as root, from the package installed into a target folder
    (first on PYTHONPATH): the reference passes its form checks, and no permission in the
    target changes but the graders folder's."""
    source = tmp_path / "source"   # pip builds in the folder it installs from: a clean copy
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "autograder", source / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # the sandbox uid must reach the harness in the target, so not under pytest's 0700 folder
    target = Path(tempfile.mkdtemp(prefix="ml-math-installed-"))
    try:
        target.chmod(0o755)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--no-build-isolation", "--disable-pip-version-check", "--target",
                        str(target), str(source)], check=True, capture_output=True)
        env = {**os.environ, "PYTHONPATH": str(target)}
        where = subprocess.run([sys.executable, "-c", "import autograder; print(autograder)"],
                               cwd=tmp_path, env=env, capture_output=True, text=True).stdout
        assert f"from '{target}/" in where, where
        before = _modes(target)
        check = subprocess.run([sys.executable, "-m", "autograder", "check", "gd",
                                str(ROOT / "reference" / "gd")], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=300)
        after = _modes(target)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "answers are present and readable" in check.stdout
        changed = {path for path, mode in before.items() if after.get(path) != mode}
        graders = str(target / "autograder" / "graders")
        assert changed == {graders}
        assert stat.S_IMODE(after[graders][0]) == 0o700
    finally:
        shutil.rmtree(target)


def test_the_child_cannot_import_the_grader(tmp_path):
    """The editable install's finder is gone and a blocker refuses the package, by name."""
    source = ("import sys\n"
              "editable = [str(f) for f in sys.meta_path + sys.path if '__editable__' in str(f)]\n"
              "import autograder\n")
    s = SandboxSession([Cell("answers.py", source)], tmp_path, StudentLimits())
    try:
        assert s.request(value_request("editable")).value == []
        assert [(e["type"], e["line"]) for e in s.load_errors] == [("ModuleNotFoundError", 3)]
        assert "No module named 'autograder': the grader's own modules are not importable " \
               "by submitted code" in s.load_errors[0]["error"]
    finally:
        s.close()


@root_only
def test_an_interpreter_whose_libraries_live_in_tmp_still_works(tmp_path):
    """A checkout (and its virtual environment) under /tmp, as in a clean clone for CI: the
    child's private /tmp must not hide the libraries it imports."""
    import numpy
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "dependencies.pth").write_text(str(Path(numpy.__file__).parents[1]) + "\n")
    (site / "lives_in_tmp.py").write_text("Q1A = ('a*w1', 'b*w2')\n")
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "answers.py").write_text(REFERENCE_GD.replace("\nq1a = ", "\n_q1a = ")
                                       + "\nfrom lives_in_tmp import Q1A as q1a\n")
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "autograder", "grade", "gd",
                           str(folder), "--json"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 15, done.stdout[-2000:]
    assert "private tmpfs on /tmp" in done.stderr
