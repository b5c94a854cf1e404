"""Grading runs on one host cannot see or outlive each other, nor leave anything behind: hostile
submissions graded through both entry points (see ``hostile.py``), and one attack on a
victim run held open beside them.  Each is graded on this host as it is (private /tmp where
namespaces are allowed) and as root in a container that forbids namespaces (no CAP_SYS_ADMIN),
with the same outcome.  They need the privilege drop, so they run only as root."""
from __future__ import annotations

import glob
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REFERENCE_GD, ROOT
from tests.sandbox.hostile import (FULL, NOT_ROOT, PRIVATE_TMP, WITHOUT_NAMESPACES, Case, finished_run,
                     grade_both, no_files_left, no_ipc_left, no_processes_left, zipped)

SENTINEL = Path(f"/tmp/autograder-sentinel-{os.getpid()}")   # the grader's, world-readable
GRADER_TMP = f"import os\nshared = os.path.exists({str(SENTINEL)!r})\n"

LEAVE_FILES = """
import os
mine = str(os.getpid())
for folder in ('/tmp', '/var/tmp', '/dev/shm'):
    open(os.path.join(folder, 'left-' + mine), 'w').write('x')
os.makedirs('/tmp/tree-' + mine + '/a/b')
open('/tmp/tree-' + mine + '/a/b/c', 'w').write('x')
os.symlink('/etc/passwd', '/tmp/link-' + mine)
raise SystemExit('left files')
"""

LEAVE_IPC = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
made = [libc.shmget(0, 4096, 0o1600), libc.semget(0, 1, 0o1600), libc.msgget(0, 0o1600)]
raise SystemExit('made IPC objects' if min(made) >= 0 else 'IPC refused')
"""

SETUID_SU = """
import os, subprocess
r, w = os.pipe()  # su holds the writing end too: it waits for a password forever
su = subprocess.Popen(['su', 'root', '-c', 'sleep 600'], stdin=r, pass_fds=(w,),
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                      start_new_session=True)
uids = set(open('/proc/%d/status' % su.pid).read().split('Uid:')[1].split()[:4])
raise SystemExit('su runs as ' + ('me' if uids == set([str(os.getuid())]) else 'root'))
"""

TEMPDIR = GRADER_TMP + """
import stat, tempfile
folder = tempfile.gettempdir()
handle, path = tempfile.mkstemp()
info = os.stat(folder)
mine = info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
same = os.environ.get('TMPDIR', folder) == folder
raise SystemExit('tempdir ' + ('private' if same and (mine or not shared) else 'shared'))
"""

IMPORT_GRADER = """
import sys
def attempt():
    try:
        import autograder.mnist
        return 'imported'
    except ModuleNotFoundError as exc:
        return str(exc)
first = attempt()
sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, '__name__', '') != 'GraderBlocker']
raise SystemExit(first + '; without the blocker: ' + attempt())
"""

PROCESS_RIGHTS = """
import os
mask = os.umask(0o077)
privileges = open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0]
open('made.txt', 'w').close()
raise SystemExit('umask %03o, NoNewPrivs %s, new files %o'
                 % (mask, privileges, os.stat('made.txt').st_mode & 0o777))
"""

BLOCKED = "No module named 'autograder': the grader's own modules are not importable by " \
          "submitted code"

CASES = [
    Case("files_left_in_scratch_folders", LEAVE_FILES, root_only=True,
         summary="SystemExit: left files", after=no_files_left),
    Case("sysv_ipc_left", LEAVE_IPC, root_only=True, summary="SystemExit: made IPC objects",
         after=no_ipc_left),
    Case("setuid_su_in_background", SETUID_SU, root_only=True,
         summary="SystemExit: su runs as me", after=no_processes_left),
    Case("tempdir_is_private", TEMPDIR, root_only=True, summary="SystemExit: tempdir private",
         after=no_files_left),
    Case("import_the_grader", IMPORT_GRADER,
         summary=f"SystemExit: {BLOCKED}; without the blocker: No module named 'autograder'"),
    Case("umask_and_no_new_privileges", PROCESS_RIGHTS,
         summary="SystemExit: umask 077, NoNewPrivs 1, new files 600"),
]

PRIVATE_TMP_CASES = [
    Case("graders_tmp_out_of_sight", GRADER_TMP + "open('/tmp/mine', 'w').write('x')\n"
         "raise SystemExit(\"the grader's /tmp is \" + ('in sight' if shared else 'out of sight'))",
         root_only=True, summary="SystemExit: the grader's /tmp is out of sight",
         after=no_files_left),
]


@pytest.fixture(scope="module", autouse=True)
def sentinel():
    """A world-readable file in the grader's /tmp, for student code to look for."""
    SENTINEL.write_text("the grader's /tmp")
    SENTINEL.chmod(0o644)
    yield
    SENTINEL.unlink()


@pytest.fixture(params=["this_host", "without_namespaces"])
def wrapper(request):
    """How the grader runs: as it is here, or without CAP_SYS_ADMIN (no namespaces)."""
    if request.param == "this_host":
        return ()
    if NOT_ROOT or not shutil.which(WITHOUT_NAMESPACES[0]):
        pytest.skip("needs root and setpriv to take namespaces away from the grader")
    return WITHOUT_NAMESPACES


def _isolation_as_expected(runs, wrapper) -> None:
    expected = "private tmpfs on /tmp" if PRIVATE_TMP and not wrapper else \
        "TMPDIR is a private folder in the run's folder"
    assert all(expected in run.isolation for run in runs), [run.isolation for run in runs]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_isolation(case, wrapper, tmp_path, hostile_graders, results_schema):
    _isolation_as_expected(grade_both(case, tmp_path, hostile_graders, results_schema, wrapper), wrapper)


@pytest.mark.skipif(not PRIVATE_TMP, reason="needs root and mount namespaces (private /tmp)")
@pytest.mark.parametrize("case", PRIVATE_TMP_CASES, ids=[c.id for c in PRIVATE_TMP_CASES])
def test_hostile_private_tmp(case, tmp_path, hostile_graders, results_schema):
    _isolation_as_expected(grade_both(case, tmp_path, hostile_graders, results_schema), ())


VICTIM = """
import os, time
open('/tmp/{mark}', 'w').write('the victim was here')
open('ready', 'w').close()
deadline = time.monotonic() + 120
while not os.path.exists('released') and time.monotonic() < deadline:
    time.sleep(0.05)
"""

ATTACK = """
import glob
paths = (glob.glob('/tmp/autograder-*/work/answers.py')
         + glob.glob('/tmp/autograder-*/work/*/answers.py')
         + glob.glob('/tmp/autograder-*/unpacked/answers.py'))
needle, read = '# ' + %r, 0  # as written in the victim's answers, not in these
for path in paths:
    try:
        read += needle in open(path).read()
    except OSError:
        pass
raise SystemExit('read %%d of the other run' %% read)
"""


def _victim_folder(mark: str, process: subprocess.Popen) -> Path:
    """The run folder of the victim (found as root by the mark in its answers), once its child
    has started waiting."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        for path in glob.glob("/tmp/autograder-*/work/answers.py"):
            try:
                ready = mark in Path(path).read_text() and Path(path).with_name("ready").exists()
            except OSError:
                continue
            if ready:
                return Path(path).parents[1]
        time.sleep(0.05)
    raise AssertionError("the victim run never started waiting")


def _assert_private(run_folder: Path, uid: int) -> None:
    """The run folder only lets others pass; the unpacked upload is the grader's; the working
    copy is the run uid's, folders 0700 and files without group or other bits."""
    assert stat.S_IMODE(run_folder.stat().st_mode) == 0o711
    unpacked = (run_folder / "unpacked").stat()
    assert (unpacked.st_uid, stat.S_IMODE(unpacked.st_mode)) == (0, 0o700)
    for root, dirs, files in os.walk(run_folder / "work"):
        for path in [Path(root)] + [Path(root, name) for name in files]:
            info = path.lstat()
            assert info.st_uid == uid, path
            private = 0o700 if path.is_dir() else stat.S_IMODE(info.st_mode) & 0o700
            assert stat.S_IMODE(info.st_mode) == private, (path, oct(info.st_mode))


@pytest.mark.skipif(NOT_ROOT, reason="needs root: runs are only kept apart as different users")
def test_a_parallel_run_is_out_of_sight(wrapper, tmp_path, hostile_graders, results_schema):
    """A victim run (a zip upload) is held open while the attacker's runs look for its answers;
    meanwhile its folders are private and what it writes in /tmp stays in its own /tmp."""
    mark = f"victim-{os.getpid()}-{time.time_ns()}"
    victim_graders = tmp_path / "victim_graders"
    shutil.copytree(hostile_graders, victim_graders)
    toml = victim_graders / "gd" / "assignment.toml"
    toml.write_text(toml.read_text().replace("load_seconds = 2", "load_seconds = 120"))
    submission = tmp_path / "victim"
    submission.mkdir()
    answers = f"{REFERENCE_GD}\n# {mark}\n{VICTIM.format(mark=mark)}"
    (submission / "hw.zip").write_bytes(zipped({"answers.py": answers}))
    log = open(tmp_path / "victim.log", "wb")
    began_at = time.time()
    victim = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "autograder", "grade", "gd", str(submission), "--results",
         str(tmp_path / "victim.json")], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        env={**os.environ, "AUTOGRADER_GRADERS": str(victim_graders)})
    folder = None
    try:
        folder = _victim_folder(mark, victim)
        uid = (folder / "work").stat().st_uid
        _assert_private(folder, uid)
        if PRIVATE_TMP and not wrapper:
            assert not Path("/tmp", mark).exists()
        attack = Case("read_other_runs_work", ATTACK % mark, root_only=True,
                      summary="SystemExit: read 0 of the other run")
        _isolation_as_expected(
            grade_both(attack, tmp_path / "attacker", hostile_graders, results_schema, wrapper), wrapper)
    finally:
        if folder is not None:
            (folder / "work" / "released").touch()
        assert victim.wait(timeout=180) == 0
    run = finished_run("victim", tmp_path / "victim.json", submission,
                       (tmp_path / "victim.log").read_text(), began_at)
    assert json.loads(run.results)["score"] == FULL
    assert run.uid == uid
    no_files_left(run)
