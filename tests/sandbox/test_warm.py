"""The warm sandbox (``autograder/sandbox/warm.py``, ``zygote.py``): a child forked from a zygote
that has imported numpy starts as a fresh one would, with random state of its own, cannot reach
the zygote, and a zygote that dies costs a fresh start, never a grade."""
from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import time

import pytest

from autograder.batch.worker import _in_child
from autograder.grading import grade
from autograder.limits import StudentLimits
from autograder.sandbox import warm
from autograder.sandbox.identity import can_isolate, hand_over, sandbox_identity
from autograder.sandbox.session import SandboxSession, call_request, value_request
from autograder.submission import Cell
from tests.helpers import ROOT

STATE = """
import os, sys
state = (sorted(os.listdir("/proc/self/fd")), dict(os.environ), os.getcwd(), sys.argv[1:],
         os.path.basename(sys.modules["__main__"].__file__), os.getuid(), os.getgid(),
         os.getgroups(), os.getsid(0) == os.getpid(), os.umask(0o077),
         open("/proc/self/limits").read(), open("/proc/self/status").read().split(
             "NoNewPrivs:")[1].split()[0], sys.path)
"""
RANDOM = "import numpy as np, random\ndraws = (float(np.random.rand()), random.random())\n"


@pytest.fixture
def zygote():
    warm.start()
    yield warm._zygote
    warm.stop()


@contextlib.contextmanager
def sessions(tmp_path, source, limits=StudentLimits()):
    """Start sessions of ``source`` in one working folder, as one uid (as root)."""
    opened = []
    with sandbox_identity() as identity:
        work = tmp_path / "run" / "work"
        work.mkdir(parents=True, exist_ok=True)
        if identity is not None:
            hand_over(work, identity)

        def start():
            opened.append(SandboxSession([Cell("answers.py", source)], work, limits,
                                         identity=identity))
            return opened[-1]
        try:
            yield start
        finally:
            for s in opened:
                s.close()


def test_a_warm_child_starts_as_a_fresh_one(tmp_path):
    with sessions(tmp_path, STATE) as start:
        fresh = start()
        before = fresh.request(value_request("state"))
        fresh.close()
        warm.start()
        try:
            forked = start()
            after = forked.request(value_request("state"))
        finally:
            warm.stop()
    assert before.status == after.status == "ok"
    assert (fresh.warm_starts, forked.warm_starts) == (0, 1)
    # the same descriptors (at other numbers: a fresh child keeps the grader's) and arguments
    assert len(after.value[0]) == len(before.value[0]) == 6   # 0-2, two pipes, the listing
    assert after.value[0] == ["0", "1", "2", "3", "4", "5"]
    assert after.value[3][2] == before.value[3][2]             # its settings
    assert after.value[1:3] == before.value[1:3] and after.value[4:] == before.value[4:]
    assert forked.isolation == fresh.isolation
    assert "1 of them forked from a warm zygote" in "\n".join(forked.log_lines())


def test_each_warm_child_draws_its_own_random_numbers(tmp_path, zygote):
    with sessions(tmp_path, RANDOM) as start:
        draws = [start().request(value_request("draws")).value for _ in range(3)]
    assert len(set(draws)) == 3 and len({d[0] for d in draws}) == 3


def test_torch_is_reseeded_in_each_child(tmp_path):
    pytest.importorskip("torch")
    warm.start(("torch",))
    try:
        with sessions(tmp_path, "import torch\nseed = torch.initial_seed()\n") as start:
            seeds = [start().request(value_request("seed")) for _ in range(2)]
    finally:
        warm.stop()
    assert {s.status for s in seeds} == {"ok"} and seeds[0].value != seeds[1].value


REACH = """
import os, signal
def reach(path):
    try:
        return os.listdir(path) if path.endswith("fd") else open(path, "rb").read(1)
    except OSError as exc:
        return type(exc).__name__
def attempts():
    parent = os.getppid()
    found = [reach(f"/proc/{parent}/{what}") for what in ("fd", "mem", "environ")]
    try:
        os.kill(parent, signal.SIGKILL)
        found.append("killed")
    except OSError as exc:
        found.append(type(exc).__name__)
    return found
def everything():
    os.kill(-1, signal.SIGKILL)   # every process it may signal
"""


@pytest.mark.skipif(not can_isolate(), reason="needs root: the zygote is shielded as another user")
def test_student_code_cannot_reach_the_zygote(tmp_path, zygote):
    with sessions(tmp_path, REACH) as start:
        s = start()
        assert s.request(call_request("attempts", ())).value == ["PermissionError"] * 4
        assert s.request(call_request("everything", ())).status == "ok"   # all but itself:
        assert zygote.process.poll() is None   # none of which is the zygote
        after = start()
        assert after.request(call_request("attempts", ())).status == "ok"
        assert after.warm_starts == 1


def test_exit_status_comes_back_through_the_zygote(tmp_path, zygote):
    source = ("import os, signal\ndef leave():\n    os._exit(7)\n"
              "def crash():\n    os.kill(os.getpid(), signal.SIGSEGV)\n")
    with sessions(tmp_path, source) as start:
        s = start()
        assert "exit code 7" in s.request(call_request("leave", ())).message
        assert "segmentation fault" in s.request(call_request("crash", ())).message
        assert s.warm_starts == 2


def test_a_dead_zygote_costs_a_fresh_start_not_a_grade(tmp_path, zygote):
    zygote.process.kill()
    zygote.process.wait()
    log: list[str] = []
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copyfile(ROOT / "reference" / "gd" / "answers.py", folder / "answers.py")
    result = grade("gd", folder, log=log)
    assert result.score == result.max_score
    assert "sandbox children: 1, 0 of them forked from a warm zygote" in log
    warm.start()   # the worker's way: a zygote that ended is started again
    assert warm._zygote is not zygote and warm._zygote.process.poll() is None


def test_a_grading_forked_from_the_warm_process_uses_its_zygote(tmp_path, zygote):
    """As in a regrade's worker: each submission is graded in a child forked from it."""
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copyfile(ROOT / "reference" / "gd" / "answers.py", folder / "answers.py")

    def work():
        log: list[str] = []
        result = grade("gd", folder, log=log)
        return {"score": result.score, "max": result.max_score, "log": log}
    reply, stopped = _in_child(work, 300)
    assert not stopped and reply["score"] == reply["max"]
    assert "sandbox children: 1, 1 of them forked from a warm zygote" in reply["log"]


def test_a_child_whose_requester_is_gone_is_killed(tmp_path, zygote):
    requests, to_child = os.pipe()
    from_child, replies = os.pipe()
    settings = {"cpu_seconds": 60, "memory_mb": 1024, "file_mb": 10, "open_files": 64,
                "no_network": True, "processes": 64}
    child = warm.spawn(tmp_path, dict(warm.ENV), settings, requests, replies)
    for fd in (requests, replies):
        os.close(fd)
    assert child is not None
    with pytest.raises(subprocess.TimeoutExpired):   # it waits for requests
        child.wait(timeout=0.5)
    child.release()   # as a grader that died would: the zygote kills it and reaps it
    deadline = time.monotonic() + 30
    while os.path.exists(f"/proc/{child.pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{child.pid}")
    os.close(to_child)
    assert select.select([from_child], [], [], 0)[0]   # its end of the reply pipe is closed
    assert os.read(from_child, 10) == b""
    os.close(from_child)
    assert zygote.process.poll() is None   # the zygote itself lives on
