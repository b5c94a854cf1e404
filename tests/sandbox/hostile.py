"""The runner of the hostile suite (``test_hostile*.py`` beside it): each case is graded to an exact
outcome through both entry points, ``python -m autograder grade … --results`` and
``run_autograder`` in a temporary root, the two running in parallel.

For every case: results.json validates; the score is full marks less exactly the points of the
questions the case breaks; those questions' feedback says why; nothing else is lost.  Checks
that look at the host (processes, files, IPC objects left behind) are scoped to the uid each run
reports in its log and to what was made or started while that run held it, so that another
grading run on the same host (a second checkout, CI beside a developer) cannot make them fail.
"""
from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from autograder.limits import StudentLimits
from autograder.sandbox.identity import can_isolate
from tests.helpers import REFERENCE_GD, ROOT, validate

POINTS = {"0.1a": 0, "0.1b": 0, "0.1c": 0, "0.1d": 0, "0.1e": 0, "0.2a": 0, "0.2b": 0,
          "0.2c": 0, "1a": 2, "1b": 1, "1c": 2, "1d": 2, "1e": 2, "2a": 1, "2b": 2,
          "2c.1": 1, "2c.2": 2}
FULL = sum(POINTS.values())
ALL = dict(POINTS)
CODE = {"2c.1": 1, "2c.2": 2}
NOT_ROOT = not can_isolate()
TICKS = os.sysconf("SC_CLK_TCK")
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")


def _private_tmp() -> bool:
    """Does the sandbox get a private /tmp here (root, and a kernel or container that allows
    mount namespaces)?  Asked of the harness itself, in a throw-away process."""
    probe = ("import json, sys; sys.path.insert(0, sys.argv[1]); import confinement; "
             "sys.exit(0 if confinement.isolate(json.loads(sys.argv[2]))[0] else 1)")
    settings = json.dumps(dataclasses.asdict(StudentLimits()))
    return not NOT_ROOT and subprocess.run(
        [sys.executable, "-I", "-c", probe, str(ROOT / "autograder" / "sandbox"), settings],
        cwd=ROOT).returncode == 0


PRIVATE_TMP = _private_tmp()
# root as in a container that forbids namespaces (Docker's default): without CAP_SYS_ADMIN
WITHOUT_NAMESPACES = ("setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin")
# the tests keep results.json under /tmp, which a child with a private /tmp cannot even see
REFUSED_IN_TMP = "FileNotFoundError" if PRIVATE_TMP else "PermissionError"
# nor, from a checkout under /tmp (a clean clone for CI), the checkout's private files
REFUSED_IN_SOURCE = REFUSED_IN_TMP if any(str(ROOT).startswith(folder + "/")
                                          for folder in SCRATCH) else "PermissionError"


@dataclass
class Run:
    """One finished grading run of a case, as the checks of ``Case.after`` see it."""

    way: str                 # "grade" or "run_autograder"
    results: str             # the text of results.json
    folder: Path             # the submission folder
    uid: int | None          # the sandbox uid the run reported (None without root)
    ended: float             # seconds since boot when the run had ended
    ended_at: float          # the same moment in seconds since the epoch
    began_at: float          # seconds since the epoch before the run started
    isolation: str = ""      # what the run's log says shields the host

    def started_during(self, ticks_since_boot: int) -> bool:
        """Was something started (in clock ticks since boot) before this run had ended?"""
        return ticks_since_boot / TICKS <= self.ended

    def made_during(self, epoch_seconds: float) -> bool:
        """Was something made or changed (a ctime) while this run held its uid?"""
        return self.began_at <= epoch_seconds <= self.ended_at


@dataclass
class Case:
    id: str
    extra: str = ""                        # appended to the reference answers.py
    lost: dict = field(default_factory=dict)   # question number -> its points, lost
    says: dict = field(default_factory=dict)   # question number ("*": every one) -> text
    summary: str = ""                      # text the top-level output contains
    files: dict | None = None              # or a whole submission: name -> text or bytes
    root_only: bool = False
    after: Callable[[Run], None] | None = None   # more checks on each finished run


def zipped(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def fast_graders(root: Path) -> Path:
    """A copy of `gd`'s graders with short limits, so hanging cases stay quick."""
    shutil.copytree(ROOT / "autograder" / "graders" / "gd", root / "gd")
    toml = root / "gd" / "assignment.toml"
    text = toml.read_text().replace("load_seconds = 30", "load_seconds = 2") \
        .replace("probe_seconds = 10", "probe_seconds = 2")
    toml.write_text(text)
    return root


def _submission(case: Case, folder: Path, results: Path) -> None:
    folder.mkdir(parents=True)
    values = {"results": str(results), "source": str(ROOT)}
    files = case.files if case.files is not None else {
        "answers.py": REFERENCE_GD + "\n" + case.extra.format(**values) + "\n"}
    for name, content in files.items():   # a bytes name may be invalid UTF-8
        path = folder / (os.fsdecode(name) if isinstance(name, bytes) else name)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _start_both(case: Case, tmp_path: Path, graders: Path, wrapper: tuple) -> dict:
    """Start the CLI and run_autograder on the same case, concurrently (2 cores), each as an
    argument of ``wrapper`` (a command) if given."""
    env = {**os.environ, "AUTOGRADER_GRADERS": str(graders)}
    runs = {}
    cli_results = tmp_path / "cli" / "results" / "results.json"
    _submission(case, tmp_path / "cli" / "submission", cli_results)
    log = open(tmp_path / "cli.log", "wb")
    runs["grade"] = (cli_results, tmp_path / "cli" / "submission", tmp_path / "cli.log",
                     subprocess.Popen([*wrapper, sys.executable, "-m", "autograder", "grade", "gd",
                                       str(tmp_path / "cli" / "submission"), "--results",
                                       str(cli_results)], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=log))
    root = tmp_path / "gs"
    gs_results = root / "results" / "results.json"
    _submission(case, root / "submission", gs_results)
    (root / "submission_metadata.json").write_text('{"users": [{"name": "Mallory"}]}')
    log = open(tmp_path / "gs.log", "wb")
    runs["run_autograder"] = (gs_results, root / "submission", tmp_path / "gs.log",
                              subprocess.Popen([*wrapper, str(ROOT / "run_autograder")],
                                               env={**env, "AUTOGRADER_ROOT": str(root),
                                                    "AUTOGRADER_ASSIGNMENT": "gd"},
                                               stdout=log, stderr=subprocess.STDOUT))
    return runs


def grade_both(case: Case, tmp_path: Path, graders: Path, schemas: list[dict],
               wrapper: tuple = ()) -> list[Run]:
    """Grade ``case`` both ways (under ``wrapper``, a command, if given) and check the outcome
    it must have; return the runs."""
    if case.root_only and NOT_ROOT:
        pytest.skip("needs root: student code is only isolated from the grader's files as "
                    "another user")
    began_at = time.time()
    started = _start_both(case, tmp_path, graders, wrapper)
    ended, deadline = {}, time.monotonic() + 300
    while len(ended) < len(started):  # each run's end noted as soon as it comes
        assert time.monotonic() < deadline, f"still running: {set(started) - set(ended)}"
        for way, (results, folder, log, process) in started.items():
            if way not in ended and process.poll() is not None:
                assert process.returncode == 0, way
                ended[way] = finished_run(way, results, folder,
                                          log.read_text(errors="replace"), began_at)
        time.sleep(0.01)
    finished = [ended[way] for way in started]
    for run in finished:
        check_run(case, run, schemas)
    return finished


def check_run(case: Case, run: Run, schemas: list[dict]) -> None:
    """The outcome ``case`` must have, in ``run``'s results.json and on the host."""
    data = json.loads(run.results)
    validate(data, schemas)
    tests = {t["number"]: t for t in data["tests"] if t.get("max_score") is not None
             and t.get("number") in POINTS}
    assert set(tests) == set(POINTS), run.way
    assert data["score"] == FULL - sum(case.lost.values()), (run.way, {
        n: t["output"][:200] for n, t in tests.items() if t["status"] != "passed"})
    for number, test in tests.items():
        assert (test["status"] == "failed") == (number in case.lost), (run.way, number, test)
        expected = case.says.get(number, case.says.get("*") if number in case.lost else None)
        if expected:
            assert expected in test["output"], (run.way, number, test["output"])
    shown = re.sub(r"\\(.)", r"\1", data["output"])   # as Markdown renders its escapes
    assert case.summary in shown, (run.way, data["output"])
    if NOT_ROOT is False:
        assert run.uid is not None, f"{run.way} did not report its sandbox uid"
    if case.after is not None:
        case.after(run)


def finished_run(way: str, results: Path, folder: Path, log: str, began_at: float) -> Run:
    """A run that has just ended (begun at ``began_at``), as its results.json and log
    describe it."""
    uid = re.search(r"sandbox uid: (\d+)", log)
    isolation = re.search(r"sandbox isolation: (.*)", log)
    return Run(way, results.read_text(encoding="utf-8"), folder,
               int(uid.group(1)) if uid else None, uptime(), time.time(), began_at,
               isolation.group(1) if isolation else "")


def processes_of(uid: int) -> list[tuple[int, int]]:
    """(pid, start time in ticks since boot) of live processes whose real, effective, saved or
    file-system uid is ``uid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            uids = {int(u) for u in re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()}
            state = re.search(r"^State:\s+(\S)", status, re.M).group(1)
            start = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[19])
        except (OSError, AttributeError, ValueError, IndexError):
            continue
        if uid in uids and state not in "ZX":
            found.append((int(entry.name), start))
    return found


def no_processes_left(run: Run) -> None:
    """No process of the run's uid that was started while the run held it is still alive."""
    assert run.uid is not None
    left = [pid for pid, start in processes_of(run.uid) if run.started_during(start)]
    assert left == [], (run.way, left)


def files_of(uid: int, folders=SCRATCH) -> list[tuple[str, float]]:
    """(path, ctime) of everything ``uid`` owns under ``folders``, symbolic links not followed
    (a loop, not recursion: other runs may leave folders nested thousands deep)."""
    found, stack = [], list(folders)
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                infos = [(entry.path, entry.stat(follow_symlinks=False)) for entry in entries]
        except OSError:
            continue
        for path, info in infos:
            if info.st_uid == uid:
                found.append((path, info.st_ctime))
            if stat.S_ISDIR(info.st_mode):
                stack.append(path)
    return found


def no_files_left(run: Run) -> None:
    """Nothing the run's uid made while the run held it is left in /tmp, /var/tmp, /dev/shm."""
    assert run.uid is not None
    left = [path for path, ctime in files_of(run.uid) if run.made_during(ctime)]
    assert left == [], (run.way, left)


def ipc_objects_of(uid: int) -> list[tuple[str, int, int]]:
    """(kind, id, ctime) of the SysV IPC objects ``uid`` owns or created."""
    found = []
    for kind in ("shm", "sem", "msg"):
        lines = Path("/proc/sysvipc", kind).read_text().splitlines()
        header = lines[0].split()
        for line in lines[1:]:
            row = dict(zip(header, map(int, line.split())))
            if uid in (row["uid"], row["cuid"]):
                found.append((kind, int(line.split()[1]), row["ctime"]))
    return found


def no_ipc_left(run: Run) -> None:
    """No SysV shared memory, semaphore set or message queue the run's uid made while the run
    held it is left."""
    assert run.uid is not None
    left = [(kind, ident) for kind, ident, ctime in ipc_objects_of(run.uid)
            if run.made_during(ctime)]
    assert left == [], (run.way, left)
