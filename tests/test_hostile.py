"""Hostile and broken submissions, each graded to an exact outcome through both entry points:
``python -m autograder grade … --results`` and ``run_autograder`` in a temporary root.

For every case: results.json validates; the score is full marks less exactly the points of the
questions the case breaks; those questions' feedback says why; nothing else is lost.  Cases that
attack the file system or other processes need the privilege drop, so they run only as root
(as on Gradescope and in CI).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
import pytest

from autograder.sandbox.identity import SLOTS, UID_BASE, _pids_of, can_isolate
from conftest import REFERENCE_GD, ROOT, validate

POINTS = {"0.1a": 0, "0.1b": 0, "0.1c": 0, "0.1d": 0, "0.1e": 0, "0.2a": 0, "0.2b": 0,
          "0.2c": 0, "1a": 2, "1b": 1, "1c": 2, "1d": 2, "1e": 2, "2a": 1, "2b": 2,
          "2c.1": 1, "2c.2": 2}
FULL = sum(POINTS.values())
ALL = dict(POINTS)
CODE = {"2c.1": 1, "2c.2": 2}
NOT_ROOT = not can_isolate()


@dataclass
class Case:
    id: str
    extra: str = ""                        # appended to the reference answers.py
    lost: dict = field(default_factory=dict)   # question number -> its points, lost
    says: dict = field(default_factory=dict)   # question number ("*": every one) -> text
    summary: str = ""                      # text the top-level output contains
    files: dict | None = None              # or a whole submission: name -> text or bytes
    root_only: bool = False
    after: Callable | None = None          # more checks on (results text, case folder)


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _notebook_cell3_raises() -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np"),
                nbformat.v4.new_markdown_cell("Answers below."),
                nbformat.v4.new_code_cell("x = 1 / 0"),
                nbformat.v4.new_code_cell(REFERENCE_GD)]
    return nbformat.writes(nb)


def _no_sandbox_processes(results: str, folder: Path) -> None:
    assert all(_pids_of(uid) == [] for uid in range(UID_BASE, UID_BASE + 4))
    assert SLOTS >= 4


def _no_reference_text(results: str, folder: Path) -> None:
    assert "lambda_max of the Hessian" not in results


def _run_autograder_unchanged(results: str, folder: Path) -> None:
    committed = subprocess.run(["git", "show", "HEAD:run_autograder"], cwd=ROOT,
                               capture_output=True, text=True).stdout
    assert (ROOT / "run_autograder").read_text() == committed


def _nothing_escaped(results: str, folder: Path) -> None:
    assert not (folder.parent / "escaped.py").exists()


EVIL_OBJECT = """
class Evil:
    def __eq__(self, other): return True
    def __hash__(self): return 0
    def __str__(self): return "('a*w1', 'b*w2')"
    def __float__(self): return 0.0669
    def __array__(self, *a, **k):
        import numpy
        return numpy.zeros(3)
"""

CASES = [
    # code that never ends, or ends everything
    Case("loop_in_function", "def gd_distances(eta, epochs):\n    while True:\n        pass",
         CODE, {"2c.1": "did not finish within 2 s", "2c.2": "did not finish within 2 s"}),
    Case("sleep_in_function", "def gd_distances(eta, epochs):\n    import time\n"
         "    time.sleep(100)", CODE, {"2c.1": "did not finish within 2 s"}),
    Case("loop_at_import", "while True:\n    pass", ALL, {"*": "did not finish within 2 s"}),
    Case("sleep_at_import", "import time\ntime.sleep(100)", ALL, {"*": "did not finish"}),
    Case("os_exit_at_import", "import os\nos._exit(0)", ALL, {"*": "exit code 0"}),
    Case("sys_exit_at_import", "import sys\nsys.exit(0)", summary="SystemExit"),
    Case("system_exit_3", "raise SystemExit(3)", summary="SystemExit: 3"),
    Case("keyboard_interrupt_at_import", "raise KeyboardInterrupt", summary="KeyboardInterrupt"),
    Case("keyboard_interrupt_in_function", "def gd_distances(eta, epochs):\n"
         "    raise KeyboardInterrupt", CODE, {"2c.1": "KeyboardInterrupt"}),
    Case("recursion_at_import", "def f(n):\n    return f(n + 1)\nf(0)",
         summary="RecursionError"),
    Case("recursion_in_function", "def gd_distances(eta, epochs):\n"
         "    return gd_distances(eta, epochs)", CODE, {"2c.2": "RecursionError"}),
    # resources
    Case("memory_bomb_at_import", "hog = bytearray(10**11)", summary="MemoryError"),
    Case("memory_bomb_in_function", "def gd_distances(eta, epochs):\n"
         "    return [0] * (10**10)", CODE, {"2c.1": "MemoryError"}),
    Case("fork_bomb", "def gd_distances(eta, epochs):\n    import os\n    while True:\n"
         "        try:\n            os.fork()\n        except OSError:\n            pass",
         CODE, {"2c.1": "did not finish"}, root_only=True, after=_no_sandbox_processes),
    Case("print_50mb_at_import", "print('x' * 50_000_000)"),
    Case("print_50mb_in_function", "_ref = gd_distances\ndef gd_distances(eta, epochs):\n"
         "    print('y' * 50_000_000)\n    return _ref(eta, epochs)"),
    Case("huge_file", "open('big.bin', 'wb').write(b'x' * 100_000_000)",
         summary="File too large"),
    Case("many_open_files", "handles = [open('f%d.txt' % i, 'w') for i in range(2000)]",
         summary="Too many open files"),
    # the grader's files and processes
    Case("write_results_json", "import json\nwith open({results!r}, 'w') as f:\n"
         "    json.dump({{'score': 100, 'tests': []}}, f)", root_only=True,
         summary="PermissionError"),
    Case("delete_results", "import os, shutil\nshutil.rmtree(os.path.dirname({results!r}))",
         root_only=True, summary="PermissionError"),
    Case("append_to_run_autograder", "open({source!r} + '/run_autograder', 'a')"
         ".write('echo owned')", root_only=True, summary="PermissionError",
         after=_run_autograder_unchanged),
    # (an answer defined before a failing line keeps its value: these cost nothing, leak nothing)
    Case("read_reference", "q1a = open({source!r} + '/reference/gd/answers.py').read()",
         summary="PermissionError", root_only=True, after=_no_reference_text),
    Case("read_graders", "q1b = open({source!r} + '/autograder/graders/gd/test_answers.py')"
         ".read()", summary="PermissionError", root_only=True),
    Case("read_git_history", "import os\nq1c = os.listdir({source!r} + '/.git')",
         summary="PermissionError", root_only=True),
    Case("read_tests", "q1d = open({source!r} + '/tests/test_equivalence.py').read()",
         summary="PermissionError", root_only=True),
    Case("reference_as_an_answer", "def gd_distances(eta, epochs):\n"
         "    return open({source!r} + '/reference/gd/answers.py').read()", CODE,
         {"2c.1": "PermissionError"}, root_only=True, after=_no_reference_text),
    Case("background_process", "import subprocess, sys\nsubprocess.Popen([sys.executable, "
         "'-c', 'import time; time.sleep(30)'], start_new_session=True)", root_only=True,
         after=_no_sandbox_processes),
    Case("thread_outlives", "import threading, time\n"
         "threading.Thread(target=lambda: time.sleep(1000)).start()"),
    # monkeypatching
    Case("patch_builtins", "import builtins\nbuiltins.len = lambda x: 0\n"
         "builtins.isinstance = lambda *a: False"),
    Case("patch_numpy", "import numpy as np\nnp.linalg.norm = lambda x: 0.0", CODE,
         {"2c.1": "entries are wrong"}),
    Case("patch_harness", "import sys\nsys.modules['__main__'].encode = "
         "lambda *a, **k: {{'t': 'str', 'v': '1 - eta*a'}}",
         {n: p for n, p in ALL.items() if n != "0.2b"},  # every value reads as 1 - eta*a
         {"1a": "expected 2 values", "2c.1": "expected an array of numbers, got text",
          "1d": "expected a range of eta"}),
    # hostile objects and values
    Case("hostile_eq_str", EVIL_OBJECT + "q1a = Evil()", {"0.1a": 0, "1a": 2},
         {"1a": "got an object of type Evil"}),
    Case("hostile_float", EVIL_OBJECT + "q2b = Evil()", {"0.2b": 0, "2b": 2},
         {"2b": "got an object of type Evil"}),
    Case("hostile_array", EVIL_OBJECT + "def gd_distances(eta, epochs):\n    return Evil()",
         CODE, {"2c.1": "expected an array of numbers, got an object of type Evil"}),
    Case("hostile_del", "import os\nclass D:\n    def __del__(self):\n        os._exit(1)\n"
         "q1e = D()", {"0.1e": 0, "1e": 2}, {"1e": "got an object of type D"}),
    Case("nan_answer", "q1a = (float('nan'), 'b*w2')", {"1a": 2, "0.1a": 0},
         {"1a": "not a finite number"}),
    Case("inf_answer", "q2b = float('inf')", {"2b": 2, "0.2b": 0}, {"2b": "not a finite"}),
    Case("nan_distances", "def gd_distances(eta, epochs):\n    return [float('nan')] * epochs",
         CODE, {"2c.1": "contains NaN"}),
    Case("array_10e8", "import numpy as np\nq1b = np.zeros(10**8)", {"0.1b": 0, "1b": 1},
         {"1b": "too large to grade"}),
    Case("string_10mb", "q1a = 'x' * 10_000_000", {"0.1a": 0, "1a": 2},
         {"1a": "too large to grade"}),
    Case("sympy_expand_bomb", "import sympy\na, b, w = sympy.symbols('a b w1')\n"
         "q1c = (sympy.expand((a + b + w)**30), '1')", {"0.1c": 0, "1c": 2},
         {"1c": "characters long"}),
    Case("sympy_power_bomb", "import sympy\nq1e = (sympy.Symbol('a')**(10**6), '1')",
         {"0.1e": 0, "1e": 2}, {"1e": "exponents above"}),
    Case("text_power_bomb", "q1d = '9**9**9**9 < eta'", {"0.1d": 0, "1d": 2},
         {"1d": "too large"}),
    Case("python_in_an_answer", "q2b = \"__import__('os').system('id')\"", {"0.2b": 0, "2b": 2},
         {"2b": "quotes are not allowed"}),
    # broken or odd files
    Case("syntax_error", files={"answers.py": "q1a = ('a*w1', 'b*w2')\nq1b = (0,\n"},
         lost=ALL, says={"*": "SyntaxError"}),
    Case("non_utf8", files={"answers.py": b"q1a = ('a*w1', 'b*w2')  # caf\xe9\n"},
         lost=ALL, says={"*": "not readable text"}),
    Case("empty_file", files={"answers.py": ""}, lost=ALL, says={"*": "answers.py is empty"}),
    Case("missing_file", files={"notes.txt": "hello"}, lost=ALL,
         says={"*": "no answers.py or gd.ipynb found"}, summary="notes.txt"),
    Case("malformed_notebook", files={"gd.ipynb": '{"cells": [ broken'}, lost=ALL,
         says={"*": "not a readable Jupyter notebook"}),
    Case("notebook_cell_3_raises", files={"gd.ipynb": _notebook_cell3_raises()},
         summary="cell 3, line 1 raised `ZeroDivisionError"),
    Case("wrong_file_name", files={"my_gd_answers.py": REFERENCE_GD},
         summary="graded my_gd_answers.py as answers.py"),
    Case("browser_copy_name", files={"answers (1).py": REFERENCE_GD},
         summary="graded answers (1).py as answers.py"),
    Case("zip_upload", files={"hw.zip": _zip({"hw/answers.py": REFERENCE_GD})},
         summary="unpacked hw.zip"),
    Case("zip_slip", files={"hw.zip": _zip({"../../escaped.py": "x = 1",
                                            "answers.py": REFERENCE_GD})},
         summary="unpacked hw.zip", after=_nothing_escaped),
]


@pytest.fixture(scope="module")
def fast_graders(tmp_path_factory) -> Path:
    """A copy of `gd`'s graders with short limits, so hanging cases stay quick."""
    root = tmp_path_factory.mktemp("graders")
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
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _start_both(case: Case, tmp_path: Path, graders: Path):
    """Start the CLI and run_autograder on the same case, concurrently (2 cores)."""
    env = {**os.environ, "AUTOGRADER_GRADERS": str(graders)}
    runs = {}
    cli_results = tmp_path / "cli" / "results" / "results.json"
    _submission(case, tmp_path / "cli" / "submission", cli_results)
    runs["grade"] = (cli_results, subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", "gd", str(tmp_path / "cli" / "submission"),
         "--results", str(cli_results)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    root = tmp_path / "gs"
    gs_results = root / "results" / "results.json"
    _submission(case, root / "submission", gs_results)
    (root / "submission_metadata.json").write_text('{"users": [{"name": "Mallory"}]}')
    runs["run_autograder"] = (gs_results, subprocess.Popen(
        [str(ROOT / "run_autograder")], env={**env, "AUTOGRADER_ROOT": str(root),
                                             "AUTOGRADER_ASSIGNMENT": "gd"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return runs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_submission(case, tmp_path, fast_graders, results_schema):
    if case.root_only and NOT_ROOT:
        pytest.skip("needs root: student code is only isolated from the grader's files as "
                    "another user")
    runs = _start_both(case, tmp_path, fast_graders)
    for way, (_, process) in runs.items():   # both first: checks look at every sandbox uid
        assert process.wait(timeout=300) == 0, way
    for way, (results, _) in runs.items():
        text = results.read_text()
        data = json.loads(text)
        validate(data, results_schema)
        tests = {t["number"]: t for t in data["tests"]}
        assert set(tests) == set(POINTS), way
        assert data["score"] == FULL - sum(case.lost.values()), (way, {
            n: t["output"][:200] for n, t in tests.items() if t["status"] != "passed"})
        for number, test in tests.items():
            assert (test["status"] == "failed") == (number in case.lost), (way, number, test)
            expected = case.says.get(number, case.says.get("*") if number in case.lost else None)
            if expected:
                assert expected in test["output"], (way, number, test["output"])
        assert case.summary in data["output"], (way, data["output"])
        if case.after is not None:
            case.after(text, tmp_path / ("cli" if way == "grade" else "gs") / "submission")


def test_at_least_35_cases():
    assert len(CASES) >= 35 and len({c.id for c in CASES}) == len(CASES)
