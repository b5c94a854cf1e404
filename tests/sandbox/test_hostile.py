"""Hostile and broken submissions, each graded to an exact outcome through both entry points
(see ``hostile.py``).  Cases that attack the file system or other processes need the
privilege drop, so they run only as root (as on Gradescope and in CI)."""
from __future__ import annotations

import subprocess

import nbformat
import pytest

from tests.helpers import REFERENCE_GD, ROOT
from tests.sandbox.hostile import (ALL, CODE, REFUSED_IN_SOURCE, REFUSED_IN_TMP, Case, Run, grade_both,
                     no_processes_left, zipped)


def _notebook_cell3_raises() -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np"),
                nbformat.v4.new_markdown_cell("Answers below."),
                nbformat.v4.new_code_cell("x = 1 / 0"),
                nbformat.v4.new_code_cell(REFERENCE_GD)]
    return nbformat.writes(nb)


def _no_reference_text(run: Run) -> None:
    assert "lambda_max of the Hessian" not in run.results


def _run_autograder_unchanged(run: Run) -> None:
    committed = subprocess.run(["git", "show", "HEAD:run_autograder"], cwd=ROOT,
                               capture_output=True, text=True).stdout
    assert (ROOT / "run_autograder").read_text() == committed


def _nothing_escaped(run: Run) -> None:
    assert not (run.folder.parent / "escaped.py").exists()


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
         CODE, {"2c.1": "did not finish"}, root_only=True, after=no_processes_left),
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
         summary=REFUSED_IN_TMP),
    Case("delete_results", "import os, shutil\nshutil.rmtree(os.path.dirname({results!r}))",
         root_only=True, summary=REFUSED_IN_TMP),
    Case("append_to_run_autograder", "open({source!r} + '/run_autograder', 'a')"
         ".write('echo owned')", root_only=True, summary="PermissionError",
         after=_run_autograder_unchanged),
    # (an answer defined before a failing line keeps its value: these cost nothing, leak nothing)
    Case("read_reference", "q1a = open({source!r} + '/reference/gd/answers.py').read()",
         summary=REFUSED_IN_SOURCE, root_only=True, after=_no_reference_text),
    Case("read_graders", "q1b = open({source!r} + '/autograder/graders/gd/test_answers.py')"
         ".read()", summary=REFUSED_IN_SOURCE, root_only=True),
    Case("read_git_history", "import os\ngit = {source!r} + '/.git'\n"  # a file in a worktree
         "q1c = os.listdir(git) if os.path.isdir(git) else open(git).read()",
         summary=REFUSED_IN_SOURCE, root_only=True),
    Case("read_tests", "q1d = open({source!r} + '/tests/checkers/test_equivalence.py').read()",
         summary=REFUSED_IN_SOURCE, root_only=True),
    Case("read_demo_class", "import glob\nq1e = [open(p).read() for p in glob.glob("
         "{source!r} + '/demo/*/*/answers.py')] or open({source!r} + '/demo/README.md').read()",
         summary=REFUSED_IN_SOURCE, root_only=True),   # its right answers: `demo`'s class
    Case("reference_as_an_answer", "def gd_distances(eta, epochs):\n"
         "    return open({source!r} + '/reference/gd/answers.py').read()", CODE,
         {"2c.1": REFUSED_IN_SOURCE}, root_only=True, after=_no_reference_text),
    Case("background_process", "import subprocess, sys\nsubprocess.Popen([sys.executable, "
         "'-c', 'import time; time.sleep(30)'], start_new_session=True)", root_only=True,
         after=no_processes_left),
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
    Case("nan_answer", "q1a = (float('nan'), 'b*w2')", {"1a": 1, "0.1a": 0},   # b*w2 is right
         {"1a": "∂L/∂w1: cannot read it: the answer is nan (not a finite number)"}),
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
         lost={k: v for k, v in ALL.items() if k not in ("0.1a", "1a")},
         says={"1b": "line 2 of answers.py has a syntax error"},
         summary="line 2 has a syntax error"),
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
    Case("zip_upload", files={"hw.zip": zipped({"hw/answers.py": REFERENCE_GD})},
         summary="unpacked hw.zip"),
    Case("zip_slip", files={"hw.zip": zipped({"../../escaped.py": "x = 1",
                                            "answers.py": REFERENCE_GD})},
         summary="unpacked hw.zip", after=_nothing_escaped),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_submission(case, tmp_path, hostile_graders, results_schema):
    grade_both(case, tmp_path, hostile_graders, results_schema)
