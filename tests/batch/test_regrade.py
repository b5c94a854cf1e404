"""`regrade`: a whole class from a Gradescope export, as an instructor runs it."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder.batch import worker
from autograder.grading import grade
from tests.batch.classroom import HOSTILE, gd_class, write_class
from tests.helpers import REFERENCE_GD, ROOT, assert_row_is_graded_alone, run_cli, validate, write
from tests.sandbox.hostile import WITHOUT_NAMESPACES

PNG = b"\x89PNG\r\n\x1a\n"
WRONG_Q1C = REFERENCE_GD + '\nq1c = ("1 + eta*a", "1 + eta*b")\n'
LOOP = "while True:\n    pass\n"
# a submission that copies a classmate's answer if it can, and overwrites the class's grades
CLASSMATES = """
import os
q1a = ("a", "b")
for path in {paths}:
    try:
        open(path, "rb").read()
        q1a = ("a*w1", "b*w2")
    except OSError:
        pass
for name in ("grades.csv", "submissions/submission_1013/record.json"):
    try:
        open(os.path.join({out!r}, name), "w").write("forged")
    except OSError:
        pass
"""


def _rows(out: Path | str) -> dict[str, dict]:
    """grades.csv's rows by submission, from the folder ``out`` or a CSV's text."""
    text = out if isinstance(out, str) else (out / "grades.csv").read_text()
    return {row["submission_id"]: row for row in csv.DictReader(io.StringIO(text))}


def _export_zip(folder: Path, destination: Path) -> Path:
    """``folder`` zipped as Gradescope does: one top folder; plus a Mac's litter."""
    with zipfile.ZipFile(destination, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"assignment_42_export/{path.relative_to(folder)}")
        zf.writestr("__MACOSX/assignment_42_export/._submission_metadata.yml", b"\0")
    return destination


@pytest.fixture(scope="module")
def regraded(tmp_path_factory):
    """A class of 14 as an export zip (two wrong the same way, one of them with that score in
    the export already, and one that writes where it should not), regraded by the command an
    instructor types."""
    base = tmp_path_factory.mktemp("class")
    out = base / "out"
    submissions = gd_class(11, seed=3, hostile_share=0)
    submissions += [{"answers.py": WRONG_Q1C}, {"answers.py": WRONG_Q1C},
                    {"answers.py": REFERENCE_GD + HOSTILE["writes_outside"]}]
    names = write_class(base / "export", submissions,
                        previous={"submission_1011": 13.0, "submission_1012": 0.0})
    archive = _export_zip(base / "export", base / "export.zip")
    done = run_cli("regrade", "gd", str(archive), "--out", str(out), "--jobs", "2")
    return base, names, out, done


def test_the_export_is_graded_as_grade_grades_each_alone(regraded, results_schema):
    base, names, out, done = regraded
    assert done.returncode == 0, done.stderr
    assert "14 graded now" in done.stdout
    rows = _rows(out)
    assert sorted(rows) == names
    for name in names:
        alone = grade("gd", base / "export" / name)
        row = rows[name]
        assert row["status"] == "graded"
        assert_row_is_graded_alone(row, alone, name)
        results = json.loads((out / "submissions" / name / "results.json").read_text())
        validate(results, results_schema)
        assert results["score"] == alone.score
    first = rows["submission_1000"]
    assert (first["names"], first["sids"], first["emails"]) == ("Student 0", "900000",
                                                                 "s0@uni.edu")


def test_the_summary_shows_what_the_class_got_wrong_and_what_changed(regraded):
    _, _, out, _ = regraded
    summary = (out / "summary.md").read_text()
    q1c = summary.split("**Q1c:")[1].split("**Q1d")[0]
    assert "| `[1 + eta*a, 1 + eta*b]` |" in q1c   # the two who share it, counted together
    row = next(line for line in q1c.splitlines() if "1 + eta*a, 1 + eta*b" in line)
    assert int(row.split("|")[2]) >= 2
    changed = summary.split("## Scores that changed")[1].split("## ")[0]
    assert "| `submission_1012` | Student 12 | 0 | 13 |" in changed
    assert "submission_1011" not in changed          # 13 before, 13 now
    assert "## Failures and time-outs" in summary and "## Questions" in summary
    assert (out / "totals.png").read_bytes()[:8] == PNG
    assert (out / "questions.png").read_bytes()[:8] == PNG


@pytest.fixture
def visible(tmp_path):
    """A folder outside the scratch folders (which a child with a private /tmp cannot see),
    that every user may enter, as an instructor's home or a course folder can be."""
    if os.geteuid() != 0:
        pytest.skip("needs root: a uid of the sandbox's own")
    top = next((d for d in ("/srv", "/mnt", "/opt") if os.access(d, os.W_OK)), None)
    if top is None:
        pytest.skip("no writable folder outside /tmp to put a class in")
    folder = Path(tempfile.mkdtemp(prefix="autograder-class-", dir=top))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("wrapper", [(), WITHOUT_NAMESPACES], ids=["this_host",
                                                                 "without_namespaces"])
def test_student_code_cannot_read_classmates_or_touch_the_output(visible, wrapper):
    """A submission looks for a classmate's answers.py, in the export's folder, in its zip
    and in its unpacked copy (it answers q1a right if it finds one), and writes over the
    class's grades: all of it out of its reach, with or without namespaces."""
    if wrapper and not shutil.which(wrapper[0]):
        pytest.skip("needs setpriv to take namespaces away from the grader")
    export, out = visible / "export", visible / "out"
    hostile = CLASSMATES.format(paths=[str(export / "submission_1000" / "answers.py"),
                                       str(visible / "export.zip"),
                                       str(out / "export" / "export" / "assignment_42_export" /
                                           "submission_1000" / "answers.py")], out=str(out))
    write_class(export, [{"answers.py": REFERENCE_GD}, {"answers.py": REFERENCE_GD + hostile}])
    for path in [export, *export.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    for source in (export, visible / "export.zip"):
        if source.suffix == ".zip":   # (made now: the folder's run must not find it readable)
            _export_zip(export, source).chmod(0o644)
        done = subprocess.run([*wrapper, sys.executable, "-m", "autograder", "regrade", "gd",
                               str(source), "--out", str(out), "--force"], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        rows = _rows(out)
        assert rows["submission_1001"]["Q1a"] == "0" and rows["submission_1001"]["total"] == "13"
        assert rows["submission_1000"]["total"] == "15"
        record = out / "submissions" / "submission_1001" / "record.json"
        assert json.loads(record.read_text())["id"] == "submission_1001"
        assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_running_again_grades_only_what_changed(regraded, tmp_path):
    base, names, out, _ = regraded
    export = tmp_path / "export"
    shutil.copytree(base / "export", export)
    again = tmp_path / "out"
    shutil.copytree(out, again)
    # the same files (now in a folder, not the zip): nothing to grade
    done = run_cli("regrade", "gd", str(export), "--out", str(again))
    assert done.returncode == 0 and "0 graded now, 14 unchanged" in done.stdout, done.stdout
    (export / names[0] / "answers.py").write_text(WRONG_Q1C)
    done = run_cli("regrade", "gd", str(export), "--out", str(again))
    assert "1 graded now, 13 unchanged" in done.stdout, done.stdout
    assert _rows(again)[names[0]]["Q1c"] == "0"
    done = run_cli("regrade", "gd", str(export), "--out", str(again), "--force")
    assert "14 graded now" in done.stdout


def test_a_folder_of_folders_and_what_is_no_class(tmp_path):
    write(tmp_path / "class" / "ada", "answers.py", REFERENCE_GD)
    write(tmp_path / "class" / "bob", "answers.py", WRONG_Q1C)
    done = run_cli("regrade", "gd", str(tmp_path / "class"), "--out", str(tmp_path / "out"))
    rows = _rows(tmp_path / "out")
    assert done.returncode == 0 and rows["ada"]["total"] == "15" and rows["bob"]["total"] == "13"
    assert rows["ada"]["names"] == "" and rows["ada"]["previous_score"] == ""
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "Nothing to compare: the input held no scores" in summary
    one = run_cli("regrade", "gd", str(tmp_path / "class" / "ada"), cwd=tmp_path)
    assert one.returncode == 2 and "looks like one submission" in one.stderr
    assert not (tmp_path / "regraded").exists()   # refused: no output folder made
    write_class(tmp_path / "export", [{"answers.py": REFERENCE_GD}])
    refused = run_cli("grade", "gd", str(tmp_path / "export"))
    assert refused.returncode == 2 and "regrade gd" in refused.stderr


def test_a_submission_past_its_time_is_undecided_and_the_rest_graded(tmp_path):
    write(tmp_path / "class" / "loops", "answers.py", LOOP)
    write(tmp_path / "class" / "right", "answers.py", REFERENCE_GD)
    done = run_cli("regrade", "gd", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                   "--timeout", "2")
    rows = _rows(tmp_path / "out")
    assert done.returncode == 0 and "1 graded, 1 timed out." in done.stdout
    assert rows["loops"]["status"] == "timeout" and rows["loops"]["total"] == ""
    assert rows["loops"]["Q1a"] == ""          # no score: a time-out is no verdict
    assert rows["right"]["total"] == "15"
    failures = (tmp_path / "out" / "summary.md").read_text().split("## Failures")[1]
    assert "loops" in failures and "did not finish within 2 s" in failures


def test_ctrl_c_leaves_nothing_half_written_and_the_run_goes_on(tmp_path):
    # half a second of each student's own time at import: the run cannot end before the
    # Ctrl-C, however little CPU the test itself gets on a loaded host (verdicts are reused)
    slow = "import time\ntime.sleep(0.5)\n"
    submissions = [{"answers.py": slow + (REFERENCE_GD if i % 2 else WRONG_Q1C)}
                   for i in range(40)]
    write_class(tmp_path / "export", submissions)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "regrade", "gd", str(tmp_path / "export"),
               "--out", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("submissions/*/record.json"))) < 3:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)   # what Ctrl-C in a terminal does
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Run the same command again" in " ".join(
        stderr.split()), (process.returncode, stdout[-500:], stderr[-2000:])
    assert not _session_members(process.pid), "a process of the batch outlived it"
    assert not list(out.rglob(".*")), "a temporary file was left"
    records = list(out.glob("submissions/*/record.json"))
    assert 3 <= len(records) < 40 and not (out / "grades.csv").exists()
    for path in out.rglob("*.json"):
        json.loads(path.read_text())   # every file whole
    done = run_cli("regrade", "gd", str(tmp_path / "export"), "--out", str(out))
    assert done.returncode == 0 and f"{40 - len(records)} graded now" in done.stdout
    assert len(_rows(out)) == 40


def _session_members(session: int) -> list[int]:
    """Processes still in the session the batch was started in (scoped to this test's run)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] not in "ZX":
                members.append(int(entry.name))
    return members


def test_identical_answers_reuse_the_verdicts_of_the_first(tmp_path):
    first = write(tmp_path / "a", "answers.py", WRONG_Q1C).parent
    second = write(tmp_path / "b", "answers.py", WRONG_Q1C).parent
    worker._state.clear()
    one = worker.grade_job(worker.Job("a", str(first), "gd", 120))
    reached = len(worker._state["verdicts"].known)
    two = worker.grade_job(worker.Job("b", str(second), "gd", 120))
    assert reached > 10 and len(worker._state["verdicts"].known) == reached   # none again
    assert one["record"]["reused"] == 0 and two["record"]["reused"] == reached
    assert not two["verdicts"]   # nothing new for the batch to keep
    assert one["record"]["tests"] == two["record"]["tests"]
    assert one["results"]["tests"] == two["results"]["tests"]
    assert two["record"]["score"] == 13


def test_a_dask_cluster_gives_the_same_csv(regraded, tmp_path):
    distributed = pytest.importorskip("distributed")
    base, _, out, _ = regraded
    from autograder.batch.run import regrade
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        outcome = regrade("gd", base / "export.zip", tmp_path / "out",
                          scheduler=cluster.scheduler_address)
    assert outcome.graded == 14
    assert (tmp_path / "out" / "grades.csv").read_text() == (out / "grades.csv").read_text()


def test_a_worker_that_cannot_grade_gives_an_error_record_not_a_crash(tmp_path):
    reply = worker.grade_job(worker.Job("x", str(tmp_path), "no-such-assignment", 10))
    assert reply["record"]["status"] == "error" and reply["record"]["score"] is None
    assert "could not grade it" in reply["record"]["notes"][0]
    assert reply["results"]["tests"]   # still a results.json


def test_the_exports_metadata_is_read_and_never_trusted(tmp_path):
    """Names with formulas stay text in the CSV; a YAML key that is no folder name is left
    out; a folder the YAML does not list is still graded."""
    from autograder.batch.inputs import read_input
    from autograder.batch.reports import Row, grades_csv
    from autograder.assignment import load_assignment
    write_class(tmp_path / "export", [{"answers.py": REFERENCE_GD}] * 2)
    write(tmp_path / "export" / "unlisted", "answers.py", REFERENCE_GD)
    metadata = tmp_path / "export" / "submission_metadata.yml"
    data = json.loads(metadata.read_text())
    data["submission_1000"][":submitters"][0][":name"] = "=HYPERLINK(\"http://x\")"
    data["submission_1001"][":score"] = "not a number"
    data["../escape"] = {":submitters": []}
    metadata.write_text(json.dumps(data))
    found = read_input(tmp_path / "export", tmp_path / "scratch")
    entries = {e.id: e for e in found.entries}
    assert set(entries) == {"submission_1000", "submission_1001", "unlisted"}
    assert "'../escape'" in found.problems[0]
    assert entries["submission_1001"].previous_score is None and entries["unlisted"].names == ()
    done = run_cli("regrade", "gd", str(tmp_path / "export"), "--out", str(tmp_path / "out"))
    assert done.returncode == 0 and "left out" in done.stderr and "'../escape'" in done.stderr
    rows = _rows(tmp_path / "out")
    assert set(rows) == {"submission_1000", "submission_1001", "unlisted"}
    assert rows["submission_1000"]["names"].startswith("'=HYPERLINK")
    assert not (tmp_path / "escape").exists()
    csv_text = grades_csv(load_assignment("gd"), [Row(entries["unlisted"], {"status": "timeout"})])
    assert csv_text.splitlines()[1].startswith("unlisted,,,,,")


# every statement of it is LaTeX pasted from a write-up: nothing parses
ALL_LATEX = "q_{1a} = (a w_1, b w_2)\nq_{1b} = (0, 0)\nq_{2a} = \\left(1, 3\\right)\n"
ATTACK = "Eve\r=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile_export(tmp_path_factory):
    """An export of eleven, its output folder inside it, where all but two are hostile or
    broken: an answer with a lone surrogate, a folder whose name is not UTF-8, an empty
    folder, a binary answers.py, one of pure LaTeX, an answers file under another name, one
    whose record cannot be written (a stale file where its folder goes), a name and SID that
    would split their CSV row, and three entries of the metadata with no folder of their own
    (none; a link to a classmate's; a link outside the export)."""
    base = tmp_path_factory.mktemp("hostile")
    export, out = base / "export", base / "export" / "regraded"
    surrogate = REFERENCE_GD + '\nq1c = ("1 - eta*a\\ud800", "1 - eta*b")\n'
    write_class(export, [{"answers.py": REFERENCE_GD}, {"answers.py": surrogate}, {},
                         {"answers.py": "x"}, {"my_answers_final.py": REFERENCE_GD},
                         {"answers.py": ALL_LATEX}, {"answers.py": REFERENCE_GD}])
    (export / "submission_1003" / "answers.py").write_bytes(bytes(range(256)) * 4)
    write(base / "outside", "answers.py", REFERENCE_GD)
    (export / "submission_1097").symlink_to(base / "outside")
    (export / "submission_1098").symlink_to(export / "submission_1000")
    write(Path(os.fsdecode(bytes(export) + b"/submission_\xff")), "answers.py", REFERENCE_GD)
    metadata = export / "submission_metadata.yml"
    data = json.loads(metadata.read_text())
    for name in ("submission_1097", "submission_1098", "submission_1099"):
        data[name] = {":submitters": [{":name": name}], ":score": 15.0}
    data["submission_1004"][":submitters"] = [{":name": ATTACK, ":sid": "9\r+1", ":email": "e@x"}]
    data["submission_1002"][":score"] = 12.0
    metadata.write_text(json.dumps(data))
    (out / "submissions").mkdir(parents=True)
    (out / "submissions" / "submission_1006").write_text("stale")
    first = run_cli("regrade", "gd", str(export), "--out", str(out), "--jobs", "2")
    written = {name: (out / name).read_bytes().decode() for name in ("grades.csv", "summary.md")
               if (out / name).is_file()}   # the line ends as written
    again = run_cli("regrade", "gd", str(export), "--out", str(out), "--count-unanswered")
    return out, first, written, again


def test_one_hostile_submission_or_entry_costs_no_one_else_their_row(hostile_export):
    out, first, written, _ = hostile_export
    assert first.returncode == 0, first.stderr
    assert "left out: regraded/ is the output folder" in first.stderr
    rows = _rows(written["grades.csv"])
    assert set(rows) == {f"submission_{n}" for n in [*range(1000, 1007), 1097, 1098, 1099,
                                                     "\ufffd"]}
    status = {name: (row["status"], row["total"]) for name, row in rows.items()}
    assert status == {
        "submission_1000": ("graded", "15"), "submission_1001": ("graded", "14"),
        "submission_1002": ("no answer file", ""), "submission_1003": ("unreadable", ""),
        "submission_1004": ("graded", "15"), "submission_1005": ("unreadable", ""),
        "submission_1006": ("error", ""), "submission_1097": ("missing", ""),
        "submission_1098": ("missing", ""), "submission_1099": ("missing", ""),
        "submission_\ufffd": ("graded", "15")}
    assert rows["submission_1000"]["names"] == "Student 0"
    assert all(rows[f"submission_{n}"]["Q1a"] == "" for n in (1002, 1097, 1098, 1099))
    record = json.loads((out / "submissions" / "submission_1001" / "record.json").read_text())
    assert record["answers"]["1c"] == "[1 - eta*a\ufffd, 1 - eta*b]"
    assert not (out / "submissions" / "regraded").exists()


def test_the_summary_says_what_had_nothing_to_grade_and_leaves_it_out_of_the_totals(
        hostile_export):
    out, first, written, again = hostile_export
    summary = written["summary.md"]
    assert ("4 graded, 1 with no answer file, 2 unreadable, 1 failed (the grader broke), "
            "3 missing") in summary
    assert "Totals of the 4 graded and flagged submissions" in summary and "lowest 14" in summary
    assert "Not counted: 3 with nothing to grade" in first.stdout
    nothing = summary.split("## Nothing to grade")[1].split("## ")[0]
    assert "`submission_1002` | Student 2 | no answer file | 12 |" in nothing
    assert "files found: none" in nothing and "files found: answers.py" in nothing
    assert "no statement of answers.py parses" in nothing
    missing = summary.split("## Missing")[1].split("## ")[0]
    assert missing.count("symbolic link") == 2 and "holds no folder" in missing
    failures = summary.split("## Failures")[1].split("## ")[0]
    assert "`submission_1006`" in failures and "could not be written" in failures
    changed = summary.split("## Scores that changed")[1].split("## ")[0]
    assert "submission_1099" not in changed and "submission_1002" not in changed
    # run again, counting them as 0: nothing graded again but the one that could not be written
    assert again.returncode == 0 and "1 graded now, 7 unchanged" in again.stdout, again.stdout
    assert "Totals of the 7 graded, flagged and unanswered (as 0) submissions" in again.stdout
    assert "lowest 0" in again.stdout and "Not counted" not in again.stdout
    rows = _rows(out)
    assert [rows[f"submission_{n}"]["total"] for n in (1002, 1003, 1005)] == ["0", "0", "0"]
    changed = (out / "summary.md").read_text().split("## Scores that changed")[1]
    assert "| `submission_1002` | Student 2 | 12 | 0 |" in changed.split("## ")[0]


def _physical_lines(text: str) -> tuple[list[str], list[str]]:
    """A CSV's lines as two spreadsheet-style readers split it: at any CR or LF, quotes or not,
    and at whatever Python takes for a line end."""
    return re.split(r"\r\n|\r|\n", text.rstrip("\n")), text.splitlines()


def test_no_name_or_sid_splits_its_csv_row(hostile_export):
    from autograder.batch.inputs import Entry
    from autograder.batch.reports import Row, grades_csv
    from autograder.assignment import load_assignment
    entry = Entry("submission_1", Path("x"), (ATTACK,), ("9\r+1",), ("e@x\u2028@y",))
    text = grades_csv(load_assignment("gd"), [Row(entry, {"status": "timeout"})])
    for lines in _physical_lines(text):
        assert len(lines) == 2 and lines[1].startswith("submission_1,Eve =cmd|")
    text = hostile_export[2]["grades.csv"]
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert len(parsed) == 12 and {len(row) for row in parsed} == {len(parsed[0])}
    for lines in _physical_lines(text):
        assert len(lines) == 12
        assert not [line for line in lines if line[:1] in "=+-@"]
    eve = next(row for row in parsed if row[0] == "submission_1004")
    assert eve[1] == "Eve =cmd|' /C calc'!A0" and eve[2] == "9 +1"


def _metadata_input(tmp_path, yaml_text: str):
    from autograder.batch.inputs import read_input
    write_class(tmp_path / "export", [{"answers.py": "q1a = 1\n"}] * 2)
    (tmp_path / "export" / "submission_metadata.yml").write_text(yaml_text)
    return read_input(tmp_path / "export", tmp_path / "scratch")


def test_yaml_aliases_are_refused_in_one_line_and_the_folders_graded(tmp_path):
    laughs = ["lol0: &a0 [lol]"] + [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]"
                                    for i in range(1, 7)]
    text = "\n".join(laughs) + ('\nsubmission_1000:\n  :submitters:\n  - :name: *a6\n'
                                '  :score: 3.0\n')
    found = _metadata_input(tmp_path, text)
    assert [e.id for e in found.entries] == ["submission_1000", "submission_1001"]
    assert all(e.names == () and e.previous_score is None for e in found.entries)
    assert len(found.problems) == 1 and "\n" not in found.problems[0]
    assert "anchors and aliases" in found.problems[0] and "line 1" in found.problems[0]
    done = run_cli("regrade", "gd", str(tmp_path / "export"), "--out", str(tmp_path / "out"))
    assert done.returncode == 0 and "anchors and aliases" in done.stderr
    assert "Warning:" in done.stdout and "anchors and aliases" in done.stdout
    assert {row["status"] for row in _rows(tmp_path / "out").values()} == {"graded"}
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "anchors and aliases" in summary.split("## Problems with the input")[1]


def test_metadata_too_deep_or_too_large_is_refused(tmp_path, monkeypatch):
    from autograder.batch import metadata
    deep = "submission_1000: " + "[" * 100 + "]" * 100 + "\n"
    assert "nested more than" in _metadata_input(tmp_path / "a", deep).problems[0]
    monkeypatch.setattr(metadata, "MAX_BYTES", 1000)
    big = "submission_1000: {':score': 1.0}\n" + "# padding\n" * 200
    assert "larger than" in _metadata_input(tmp_path / "b", big).problems[0]


def test_a_key_listed_twice_is_an_error_naming_both_entries(tmp_path):
    text = json.dumps({"submission_1001": {":submitters": [{":name": "Bea"}], ":score": 9}})
    text = text[:-1] + ', "submission_1000": {":submitters": [{":name": "Ada"}]}' \
                       ', "submission_1000": {":submitters": [{":name": "Bea"}], ":score": 15}}'
    found = _metadata_input(tmp_path, text)
    entries = {e.id: e for e in found.entries}
    assert entries["submission_1000"].names == () and entries["submission_1000"].previous_score \
        is None
    assert entries["submission_1001"].names == ("Bea",)
    assert len(found.problems) == 1 and "'submission_1000' 2 times" in found.problems[0]
    twice_inside = '{"submission_1000": {":score": 1, ":score": 15}, "submission_1001": {}}'
    found = _metadata_input(tmp_path / "inside", twice_inside)
    assert "':score' is listed twice in one entry" in found.problems[0]
    assert all(e.previous_score is None for e in found.entries)


def test_a_students_own_metadata_file_is_her_file(tmp_path):
    """In a folder of folders, a submission_metadata.yml in a student's folder is hers: it
    names no one, and her classmates are all graded."""
    from autograder.batch.inputs import read_input
    write(tmp_path / "class" / "ada", "answers.py", REFERENCE_GD)
    write(tmp_path / "class" / "bob", "answers.py", WRONG_Q1C)
    forged = {"mallory": {":submitters": [{":name": "Mallory"}], ":score": 15},
              "bob": {":submitters": [{":name": "Ada"}], ":score": 15}}
    write(tmp_path / "class" / "ada", "submission_metadata.yml", json.dumps(forged))
    found = read_input(tmp_path / "class", tmp_path / "scratch")
    assert [(e.id, e.names, e.problem) for e in found.entries] == [("ada", (), ""),
                                                                   ("bob", (), "")]


def test_the_readme_lists_the_unpacked_export_among_the_outputs(regraded):
    """The copy of the export a zip's regrade leaves in --out is one of the outputs the README
    names (it holds every student's files)."""
    base, names, out, done = regraded
    copy = out / "export" / "export"          # export.zip, unpacked
    assert (copy / ".unpacked").is_file() and (copy / "assignment_42_export").is_dir()
    readme = (ROOT / "README.md").read_text()
    outputs = readme.split("It writes, in `--out`")[1].split("\n\nEach submission")[0]
    assert "- `export/<name>/`, when the input is a zip `<name>.zip`" in outputs


def test_the_bound_on_a_submission_does_not_count_the_machines_load(monkeypatch):
    """On a machine where a process gets a quarter of a core, 1.2 s on the wall clock is 0.3 s
    of the 1 s bound: the grading finishes; on an idle machine the same work is stopped."""
    def work():
        time.sleep(1.2)
        return {"done": True}
    monkeypatch.setattr(worker, "share_of_a_core", lambda: 0.25)
    assert worker._in_child(work, 1.0) == ({"done": True}, False)
    monkeypatch.setattr(worker, "share_of_a_core", lambda: 1.0)
    assert worker._in_child(work, 1.0) == (None, True)
    assert 0 < worker.share_of_a_core() <= 1
