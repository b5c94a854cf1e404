"""The child-process boundary: plain data back, and failures that cost one probe only."""
import time

import numpy as np

from autograder.limits import StudentLimits
from autograder.sandbox.session import SandboxSession, call_request, value_request
from autograder.submission import Cell
from autograder.values import FunctionValue, IntervalValue, OtherValue, SympyText

SOURCE = '''
import numpy as np
import sympy as sp
text = "1 - eta*a"
pair = ("a*w1", 2)
expr = sp.Symbol("eta") * 2
interval = sp.Interval.Lopen(0, 1)
matrix = np.eye(2)
big = np.zeros(10**7)
obj = object()
print("x" * 5_000_000)
def double(x):
    return 2 * x
def loop():
    while True:
        pass
def crash():
    import os
    os._exit(7)
def fail():
    return 1 / 0
'''


def session(tmp_path, source=SOURCE, **limits):
    return SandboxSession([Cell("answers.py", source)], tmp_path, StudentLimits(**limits))


def test_values_come_back_as_plain_data(tmp_path):
    s = session(tmp_path)
    try:
        assert s.request(value_request("text")).value == "1 - eta*a"
        assert s.request(value_request("pair")).value == ("a*w1", 2)
        expr = s.request(value_request("expr")).value
        assert isinstance(expr, SympyText) and expr == "2*eta"
        assert s.request(value_request("interval")).value == IntervalValue("0", "1", True, False)
        assert np.array_equal(s.request(value_request("matrix")).value, np.eye(2))
        assert isinstance(s.request(value_request("obj")).value, OtherValue)
        assert isinstance(s.request(value_request("double")).value, FunctionValue)
        assert s.request(value_request("nothing")).status == "missing"
        assert s.request(value_request("big")).status == "too_large"
        assert np.array_equal(s.request(call_request("double", (np.arange(3.0),))).value,
                              [0.0, 2.0, 4.0])
    finally:
        s.close()
    assert s.printed[0].startswith("xxx") and "more bytes not kept" in s.printed[0]
    assert len(s.printed[0]) < 70_000  # 5 MB printed, 64 KB kept


def test_failures_cost_one_probe(tmp_path):
    s = session(tmp_path, probe_seconds=1)
    try:
        assert s.request(call_request("loop", ())).status == "timeout"
        assert s.request(call_request("double", (4,))).value == 8   # a fresh child took over
        crashed = s.request(call_request("crash", ()))
        assert crashed.status == "crashed" and "exit code 7" in crashed.message
        error = s.request(call_request("fail", ()))
        assert error.status == "error" and error.error["line"] == 21
        assert "ZeroDivisionError" in error.message
        assert s.request(call_request("text", ())).status == "not_callable"
        assert s.request(value_request("text")).value == "1 - eta*a"
    finally:
        s.close()


def test_hanging_load_is_not_retried(tmp_path):
    s = session(tmp_path, source="while True:\n    pass\n", load_seconds=1)
    first = s.request(value_request("x"))
    assert first.status == "fatal" and "did not finish within 1 s" in first.message
    assert s.request(value_request("y")).status == "fatal" and s.starts == 1


def test_a_failing_statement_does_not_lose_the_rest(tmp_path):
    s = session(tmp_path, source="x = 1\nraise SystemExit(0)\ny = 2\nz = 1/0\n")
    try:
        assert s.request(value_request("x")).value == 1
        assert s.request(value_request("y")).value == 2
        assert [(e["type"], e["line"]) for e in s.load_errors] == [("SystemExit", 2),
                                                                  ("ZeroDivisionError", 4)]
    finally:
        s.close()


def test_notebook_cells_continue_after_an_error(tmp_path):
    cells = [Cell("cell 1", "x = 1"), Cell("cell 2", "1/0"), Cell("cell 3", "y = x + 1")]
    s = SandboxSession(cells, tmp_path, StudentLimits())
    try:
        assert s.request(value_request("y")).value == 2
        assert s.load_errors[0]["where"] == "cell 2"
    finally:
        s.close()


def test_no_network_and_bounded_files(tmp_path):
    """The child gets an empty network namespace (it cannot reach even the grader's loopback)
    and cannot write files beyond the configured size."""
    import socket
    import threading
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    probe = f'''
import socket
def reach():
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
        return "connected"
    except OSError as exc:
        return type(exc).__name__
def write(mb):
    with open("big.bin", "wb") as f:
        f.write(b"x" * (mb * 1024 * 1024))
    return "written"
'''
    s = session(tmp_path, source=probe, file_mb=1)
    try:
        assert s.request(call_request("reach", ())).value != "connected"
        assert s.request(call_request("write", (0,))).value == "written"
        big = s.request(call_request("write", (2,)))
        assert big.status in ("error", "crashed")
        assert "too large" in big.message or "File too large" in big.message
    finally:
        s.close()
        server.close()
    plain = session(tmp_path, source=probe, no_network=False)
    try:
        # the test itself is sound
        assert plain.request(call_request("reach", ())).value == "connected"
    finally:
        plain.close()


def test_the_whole_run_has_a_time_budget(tmp_path):
    source = "import time\ndef slow(s):\n    time.sleep(s)\n    return s\n"
    s = session(tmp_path, source=source, probe_seconds=2, budget_seconds=3)
    try:
        assert s.request(call_request("slow", (0.1,))).value == 0.1
        assert s.request(call_request("slow", (5,))).status == "timeout"   # the probe's own limit
        late = s.request(call_request("slow", (5,)))
        assert late.status == "fatal" and "(3 s in all) ran out" in late.message
        assert s.request(call_request("slow", (0,))).status == "fatal"   # at once, no wait
    finally:
        s.close()


def test_parallel_runs_get_their_own_uid_and_child_runs_as_it(tmp_path):
    import os
    import pytest
    from autograder.sandbox.identity import UID_BASE, can_isolate, hand_over, sandbox_identity
    if not can_isolate():
        pytest.skip("needs root")
    with sandbox_identity() as first, sandbox_identity() as second:
        assert first.uid != second.uid and min(first.uid, second.uid) >= UID_BASE
        work = tmp_path / "run" / "work"
        work.mkdir(parents=True)
        hand_over(work, first)
        s = SandboxSession([Cell("answers.py", "import os\nids = (os.getuid(), os.geteuid())")],
                           work, StudentLimits(), identity=first)
        try:
            assert s.request(value_request("ids")).value == (first.uid, first.uid)
        finally:
            s.close()
        assert os.geteuid() == 0


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except FileNotFoundError:
        return False


def _ended(pid: int, seconds: float = 10) -> bool:
    """A process sent SIGKILL ends once the kernel has it run again: soon, later under load."""
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_nothing_a_probe_starts_outlives_the_session(tmp_path):
    """What student code starts is swept once, when its child ends, not after every probe;
    nothing outlives the session (a timed-out child's leave none to the next either)."""
    source = ("import subprocess, sys\n"
              "def spawn():\n"
              "    return subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])"
              ".pid\n"
              "def hang():\n"
              "    spawn()\n"
              "    while True: pass\n")
    s = session(tmp_path, source=source, probe_seconds=1)
    try:
        first = s.request(call_request("spawn", ())).value
        second = s.request(call_request("spawn", ())).value
        assert s.starts == 1   # the child itself stayed
        assert s.request(call_request("hang", ())).status == "timeout"
        assert _ended(first) and _ended(second)   # with the child that timed out
        third = s.request(call_request("spawn", ())).value
        assert s.starts == 2 and _alive(third)
    finally:
        s.close()
    assert _ended(third)


HELPERS = '''
import subprocess, sys, time
def idle_while_helpers_work(seconds):
    helpers = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    time.sleep(seconds)
    return "done"
'''


def test_the_time_of_processes_the_code_starts_counts_as_its_own(tmp_path):
    """A child that sleeps 1.5 s of a 2 s limit would finish, but two processes it started
    burn a CPU each meanwhile: that time is the submission's, and the probe times out
    (a fork bomb reaches its limit in about its length, not ten times it)."""
    s = session(tmp_path, source=HELPERS, probe_seconds=2)
    try:
        started = time.monotonic()
        assert s.request(call_request("idle_while_helpers_work", (1.5,))).status == "timeout"
        assert time.monotonic() - started < 5
        # a short one finishes
        assert s.request(call_request("idle_while_helpers_work", (0.1,))).value == "done"
    finally:
        s.close()
