"""The pieces that keep bad input to the submitter's own questions: text made safe for
results.json and the terminal, a disk reserve for results.json, bounded replies from the
child, size checks before a notebook or a zip is read, and a walk that no depth can break."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from rich.console import Console

from autograder import gradescope, results, submission
from autograder.gradescope import write_results
from autograder.grading import grade
from autograder.limits import StudentLimits
from autograder.report import print_report
from autograder.results import GradingResult
from autograder.sandbox import session, wire
from autograder.sandbox.codec import decode
from autograder.sandbox.identity import can_isolate
from autograder.sandbox.session import SandboxSession, call_request
from autograder.sandbox.wire import BadReply, encode
from autograder.submission import Cell, find_submission
from tests.helpers import REFERENCE_GD, ROOT, by_number, write

BAD = "surrogate \ud800, a byte that was not UTF-8 \udcff, NUL \x00, CR\rLF\r\nend"
SAFE = "surrogate \ufffd, a byte that was not UTF-8 \ufffd, NUL , CR\nLF\nend"


# 1. text that cannot be written as UTF-8

def test_clean_text():
    assert results.clean_text(BAD) == SAFE
    assert results.clean_text("é ∇ 😀 [/x]") == "é ∇ 😀 [/x]"


def test_results_json_takes_any_text(tmp_path):
    result = GradingResult("gd", [results.TestResult(BAD, 1, 1, number="1", output=BAD, tags=(BAD,),
                                             kind="passed")], output=BAD)
    path = tmp_path / "results.json"
    write_results(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["output"] == data["tests"][0]["output"] == data["tests"][0]["name"] == SAFE
    assert data["tests"][0]["tags"] == [SAFE] and data["score"] == 1


def test_terminal_report_takes_any_text(tmp_path):
    """Surrogates cannot be printed, and rich would read ``[/x]`` as a (broken) closing tag."""
    result = GradingResult("gd", [results.TestResult("1a [/x]", 1, output=BAD + " [/x] [bold]")],
                           output=BAD)
    with open(tmp_path / "report.txt", "w", encoding="utf-8") as out:
        print_report(result, title="gd: \udcff [/x]", console=Console(file=out, width=200))
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "1a [/x]" in text and "[/x] [bold]" in text and "gd: \ufffd [/x]" in text
    assert "\ufffd, a byte" in text and "\x00" not in text and "\r" not in text


# 2. a full disk, and the size of results.json

def test_results_json_is_capped_to_the_reserve():
    """However long the outputs (6 bytes of JSON per character here), results.json fits."""
    tests = [results.TestResult(f"test {i}", 1, 1, number=str(i), output="\x01" * 100_000,
                        kind="passed") for i in range(100)]
    data = gradescope.encode_results(GradingResult("gd", tests, output="\x01" * 100_000))
    assert len(data) <= gradescope.MAX_RESULTS_BYTES
    written = json.loads(data)
    assert written["score"] == 100 and len(written["tests"]) == 100
    assert "characters cut" in written["tests"][0]["output"]


def test_the_reserve_is_taken_then_freed(tmp_path):
    path = tmp_path / "results" / "results.json"
    assert gradescope.reserve_space(path)
    reserve = path.parent / gradescope.RESERVE
    assert reserve.stat().st_blocks * 512 >= gradescope.MAX_RESULTS_BYTES
    write_results(GradingResult("gd"), path)
    assert not reserve.exists() and json.loads(path.read_text())["score"] == 0


FILL_THE_DISK = """
# the grading's temporary folder (TMPDIR) holds the working folder: fill what holds it
with open("fill", "wb") as f:
    f.write(b"x" * 40_000_000)
"""


@pytest.mark.skipif(not can_isolate(), reason="needs root: mounts a small tmpfs")
def test_a_full_disk_still_gets_results_json():
    """Both entry points, with the results folder and TMPDIR on a 16 MB tmpfs that the
    submission fills: results.json is still written, with full marks."""
    base = Path(tempfile.mkdtemp(prefix="autograder-full-disk-"))
    os.chmod(base, 0o755)  # the sandbox user passes through to TMPDIR
    runs = {}
    try:
        for way in ("grade", "run_autograder"):
            disk = base / way
            disk.mkdir()
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=1777",
                                      "tmpfs", str(disk)], capture_output=True, text=True)
            if mounted.returncode:
                pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
            (disk / "tmp").mkdir()
            os.chmod(disk / "tmp", 0o1777)
            write(disk / "submission", "answers.py", REFERENCE_GD + FILL_THE_DISK)
            env = {**os.environ, "TMPDIR": str(disk / "tmp"), "AUTOGRADER_ROOT": str(disk),
                   "AUTOGRADER_ASSIGNMENT": "gd"}
            command = [str(ROOT / "run_autograder")] if way == "run_autograder" else [
                sys.executable, "-m", "autograder", "grade", "gd", str(disk / "submission"),
                "--results", str(disk / "results" / "results.json")]
            runs[way] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        for way, process in runs.items():
            assert process.wait(timeout=300) == 0, way
            disk = base / way
            data = json.loads((disk / "results" / "results.json").read_text())
            assert data["score"] == 15, (way, data["output"])
            assert "No space left on device" in data["output"], way
    finally:
        for process in runs.values():
            process.kill()
            process.wait()
        for way in ("grade", "run_autograder"):
            subprocess.run(["umount", "-l", str(base / way)], capture_output=True)
        shutil.rmtree(base)


# 3. replies from the child: bounded, and any malformed one costs that probe only

FORGER = """
import os, sys
FORGED = {  # replies written on the harness's reply pipe, as if the harness sent them
    "huge": lambda: b'{"value": [' + b"{}," * 21_000_000 + b"{}]}\\n",
    "deep": lambda: b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\\n",
    "deeper": lambda: b'{"value": ' + b"[" * 300_000 + b"]" * 300_000 + b"}\\n",
    "tiny objects": lambda: b'{"value": [' + b"{}," * 1_000_000 + b"{}]}\\n",
    "not UTF-8": lambda: b'{"value": \\xff}\\n',
    "not an object": lambda: b"[1, 2]\\n",
}
def send(kind):
    os.write(int(sys.argv[2]), FORGED[kind]())
def ok():
    return 1
def floats():
    return [0.5] * 10**6
def parameters():
    import numpy as np
    return {"weights": [np.zeros((784, 32)), np.zeros((32, 10))],
            "biases": [np.zeros(32), np.zeros(10)]}
"""


def test_forged_replies_cost_one_probe_and_little_memory(tmp_path):
    s = SandboxSession([Cell("answers.py", FORGER)], tmp_path, StudentLimits())
    expected = {"huge": ("too_large", "it takes more than 4 MB to send back"),
                "deep": ("bad_reply", "the answer could not be read back: it is nested too "
                                      "deeply"),
                "deeper": ("bad_reply", "it has more than 200000 lists and objects"),
                "tiny objects": ("bad_reply", "it has more than 200000 lists and objects"),
                "not UTF-8": ("bad_reply", "it is not well-formed JSON"),
                "not an object": ("bad_reply", "it is not an object")}
    tracemalloc.start()
    try:
        for kind, (status, message) in expected.items():
            tracemalloc.reset_peak()
            reply = s.request(call_request("send", (kind,)))
            assert (reply.status, message in reply.message) == (status, True), (kind, reply)
            assert tracemalloc.get_traced_memory()[1] < 4 * wire.MAX_REPLY_BYTES, kind
            assert s.request(call_request("ok", ())).value == 1   # a fresh child answers the next probe
    finally:
        tracemalloc.stop()
        s.close()


def test_structured_answers_are_capped_and_arrays_cross_whole(tmp_path):
    s = SandboxSession([Cell("answers.py", FORGER)], tmp_path, StudentLimits())
    try:
        floats = s.request(call_request("floats", ()))
        assert floats.status == "too_large"
        assert floats.message == f"the answer has more than {wire.MAX_ELEMENTS} values"
        parameters = s.request(call_request("parameters", ())).value
        assert parameters["weights"][0].shape == (784, 32)
    finally:
        s.close()


def test_the_wire_format_limits_are_stated_once():
    """One format (wire.py) for both sides: a value at each limit crosses, one past it is
    refused on both sides; the largest real reply is far below the reply cap.  The harness
    runs the very same file."""
    h = wire
    assert session.MAX_REPLY_BYTES is h.MAX_REPLY_BYTES
    harness = (ROOT / "autograder" / "sandbox" / "harness.py").read_text()
    assert '_load_beside("wire")' in harness and "MAX_TEXT =" not in harness

    def nested(depth):
        return [] if depth == 0 else [nested(depth - 1)]

    for value in (nested(h.MAX_DEPTH), "x" * h.MAX_TEXT, np.zeros(h.MAX_ARRAY_ELEMENTS),
                  [0] * (h.MAX_ELEMENTS - 1)):
        line = json.dumps({"value": encode(value)}).encode()
        assert len(line) < h.MAX_REPLY_BYTES
        assert line.count(b"{") + line.count(b"[") < h.MAX_REPLY_PARTS
        decode(json.loads(line)["value"])
    for value in (nested(h.MAX_DEPTH + 1), "x" * (h.MAX_TEXT + 1),
                  np.zeros(h.MAX_ARRAY_ELEMENTS + 1), [0] * h.MAX_ELEMENTS):
        with pytest.raises(h.TooLarge):
            encode(value)
    too_deep = {"t": "list", "v": []}
    for _ in range(h.MAX_DEPTH + 1):
        too_deep = {"t": "list", "v": [too_deep]}
    for forged in (too_deep, {"t": "str", "v": "x" * (h.MAX_TEXT + 1)},
                   {"t": "array", "shape": [h.MAX_ARRAY_ELEMENTS + 1], "b64": ""}):
        with pytest.raises(BadReply):
            decode(forged)
    mnist = {"weights": [np.zeros((784, 32)), np.zeros((32, 10))],
             "biases": [np.zeros(32), np.zeros(10)], "used": 4000}
    assert len(json.dumps({"value": encode(mnist)})) < h.MAX_REPLY_BYTES / 10


# 4. size limits before notebooks and zips are read

def _notebook(code: str, output: str = "", attachment: str = "") -> str:
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    note = nbformat.v4.new_markdown_cell("![plot](attachment:plot.png)")
    note.attachments = {"plot.png": {"image/png": attachment}}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [note, cell]
    return json.dumps(notebook)


def test_a_notebook_is_read_without_its_outputs(tmp_path):
    write(tmp_path, "gd.ipynb", _notebook(REFERENCE_GD, "x" * 15_000_000, "A" * 3_000_000))
    found = find_submission(tmp_path, ["answers.py", "gd.ipynb"])
    assert found.problem is None and found.cells[0].source.startswith(REFERENCE_GD[:50])


@pytest.mark.parametrize("text, message", [
    (_notebook("x = 1", "x" * 21 * 2**20), "gd.ipynb is 21 MB; at most 20 MB is read. Outputs "
                                            "(plots, printed text) are what usually makes"),
    (_notebook("x = 1", "[" * 1_000_001), "more than 1000000 lists and objects to read. Outputs"),
    (_notebook("x = 1\n" * 1_000_000), "gd.ipynb holds 5859 KB of code; at most 5 MB is read"),
    ("[" * 100_000 + "]" * 100_000, "not a readable Jupyter notebook: RecursionError"),
], ids=["file", "parts", "code", "depth"])
def test_notebook_limits(tmp_path, text, message):
    write(tmp_path, "gd.ipynb", text)
    problem = find_submission(tmp_path, ["gd.ipynb"]).problem
    assert message in problem
    assert ("Outputs" in problem) == ("Outputs" in message)  # said only when they are large


def _zip(folder: Path, entries: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "hw.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries.items():
            zf.writestr(name, text)


def test_a_zip_is_unpacked_within_its_limits(tmp_path, monkeypatch):
    """Smallest files first; a file too large, too deep or too long named is left out (and
    named in a note), and the answers are graded; too many entries refuse the zip."""
    monkeypatch.setattr(submission, "MAX_MEMBER_BYTES", 1000)
    monkeypatch.setattr(submission, "MAX_COPY_BYTES", 3000)
    entries = {"hw/answers.py": "q1a = 1\n", "hw/data.bin": "x" * 1001, "a.txt": "a" * 900,
               "b.txt": "b" * 900, "c.txt": "c" * 900, "d.txt": "d" * 900,
               "n/" * 21 + "deep.py": "", "long/" + "y" * 256 + ".py": ""}
    _zip(tmp_path / "sub", entries)
    found = find_submission(tmp_path / "sub", ["answers.py"], tmp_path / "unpacked")
    assert found.problem is None and found.path.name == "answers.py"
    assert sorted(p.name for p in (tmp_path / "unpacked").rglob("*.txt")) == \
        ["a.txt", "b.txt", "c.txt"]
    note, = found.notes
    assert note.startswith("unpacked hw.zip (left out: n/n/")
    assert "deep.py (nested more than 20 folders deep), long/yyy" in note
    assert "y.py (name too long), d.txt (more than 0 MB in all) and 1 more)" in note
    monkeypatch.setattr(submission, "MAX_MEMBERS", 7)
    problem = find_submission(tmp_path / "sub", ["answers.py"], tmp_path / "again").problem
    assert problem == "hw.zip has 8 entries; at most 7 are unpacked"


# 5. folders nested too deep

def _remove_deep(top: Path) -> None:
    """Remove a chain of folders too deep for shutil.rmtree (which recurses), bottom up."""
    levels = [top]
    while (levels[-1] / "d").is_dir():
        levels.append(levels[-1] / "d")
    for path in reversed(levels):
        for child in path.iterdir():
            if not child.is_dir():
                child.unlink()
        path.rmdir()


def test_a_folder_1200_deep_is_walked_without_recursion(tmp_path):
    """Uploaded as it is (Gradescope unpacks zips itself), beside the answers: graded."""
    folder = tmp_path / "submission"
    write(folder, "answers.py", REFERENCE_GD)
    deep = folder
    try:
        for level in range(1, 1201):  # level by level: Path.mkdir(parents=True) recurses
            deep = deep / "d"
            deep.mkdir()
            if level == 20:
                (deep / "kept.py").write_text("y = 2")
        (deep / "x.py").write_text("x = 1")
        found = [p.name for p in submission._walk(folder) if p.is_file()]
        assert found == ["answers.py", "kept.py"]   # nested 20 folders deep: the most
        result = grade("gd", folder)
        assert result.score == 15, result.output
        assert by_number(result)["2c.1"].passed
    finally:
        _remove_deep(folder / "d")


def test_folders_nested_deeper_than_python_recurses_cost_nothing(tmp_path, monkeypatch):
    """Student code that nests 1 500 folders in its working folder: the run's folder is still
    removed and the grade is whole (Python's recursive removal used to abort the run)."""
    deep = REFERENCE_GD + ("\nimport os\nfor _ in range(1500):\n    os.mkdir('d')\n"
                           "    os.chdir('d')\n")
    folder = write(tmp_path / "s", "answers.py", deep).parent
    made = []
    monkeypatch.setattr(tempfile, "mkdtemp", lambda mkdtemp=tempfile.mkdtemp, **kw:
                        made.append(mkdtemp(**kw)) or made[-1])
    result = grade("gd", folder)
    assert result.score == 15 and not result.engine_error
    assert made and not any(Path(path).exists() for path in made)
