"""`python -m autograder demo`: the example class regraded as an instructor would, in one
command; and the README's first block, which shows it."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml

from autograder import demo
from autograder.outcomes import DECIDED
from autograder.grading import grade
from autograder.private import private_paths
from tests.helpers import ROOT, assert_row_is_graded_alone, run_cli, validate

PNG = b"\x89PNG\r\n\x1a\n"
HANGS = "while t < 100:"        # the demo's endless loop (t += 1 forgotten)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """The demo as a newcomer runs it: no option, from a folder of their own."""
    cwd = tmp_path_factory.mktemp("newcomer")
    done = run_cli("demo", cwd=cwd)
    return cwd / "autograder-demo", done


def _rows(out):
    return {row["submission_id"]: row
            for row in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def _class():
    """The demo's submissions (folder names), and the export's metadata by folder."""
    metadata = yaml.safe_load((demo.CLASS / "submission_metadata.yml").read_text())
    folders = sorted(p.name for p in demo.CLASS.iterdir() if p.is_dir())
    return folders, metadata


def _hanging(folders) -> str:
    [name] = [f for f in folders if (demo.CLASS / f / "answers.py").is_file()
              and HANGS in (demo.CLASS / f / "answers.py").read_text()]
    return name


def test_the_demo_writes_the_grades_summary_charts_and_results_and_says_where(ran,
                                                                             results_schema):
    out, done = ran
    assert done.returncode == 0, done.stdout + done.stderr
    folders, _ = _class()
    assert len(folders) >= 12
    for name in ("grades.csv", "summary.md", "totals.png", "questions.png"):
        assert (out / name).is_file(), name
        assert f"wrote autograder-demo/{name}" in done.stdout
    for name in ("totals.png", "questions.png"):
        assert (out / name).read_bytes().startswith(PNG)
    assert "autograder-demo/submissions/<submission>/" in done.stdout
    for name in folders:
        results = json.loads((out / "submissions" / name / "results.json").read_text())
        validate(results, results_schema)
    assert f"{len(folders)} graded now" in done.stdout and "1 timed out" in done.stdout


def test_the_demo_grades_each_submission_as_grade_does_alone(ran):
    """Not numbers written down once: each submission graded by itself, here, and the class's
    grades.csv row for it (the one that loops forever is left out: alone, it runs into its
    code's own limits, which the demo does not wait for)."""
    out, _ = ran
    folders, metadata = _class()
    rows = _rows(out)
    assert sorted(rows) == folders
    hanging = _hanging(folders)
    scored = set()
    for name in folders:
        row = rows[name]
        people = metadata[name][":submitters"]
        assert row["names"] == "; ".join(p[":name"] for p in people)
        assert row["sids"] == "; ".join(str(p[":sid"]) for p in people)
        assert float(row["previous_score"]) == metadata[name][":score"]
        if name == hanging:
            continue
        assert row["status"] not in ("timeout", "error"), (name, row["status"])
        if row["status"] not in DECIDED:        # nothing readable to grade: no score either
            assert row["total"] == "", name
            continue
        alone = grade(demo.ASSIGNMENT, out / "class" / name)
        assert_row_is_graded_alone(row, alone, name)
        scored.add(alone.score)
    assert max(scored) == 15 and min(scored) < 15 and len(scored) >= 4   # right and wrong


def test_the_endless_loop_times_out_with_no_score(ran):
    out, _ = ran
    row = _rows(out)[_hanging(_class()[0])]
    assert row["status"] == "timeout"
    assert row["total"] == "" and all(row[k] == "" for k in row if k.startswith("Q"))
    failures = (out / "summary.md").read_text().split("## Failures")[1].split("\n## ")[0]
    assert row["submission_id"] in failures
    assert f"did not finish within {demo.TIMEOUT:g} s" in failures


def test_the_known_mistakes_get_their_own_feedback(ran):
    """The class makes the mistakes assignment.toml has messages for; results.json says them."""
    out, _ = ran
    toml = tomllib.loads((ROOT / "autograder/graders/gd/assignment.toml").read_text())
    messages = {w["message"] for q in toml["questions"] for w in q.get("wrong", ())}
    said = {m for m in messages for path in (out / "submissions").glob("*/results.json")
            if m in path.read_text()}
    assert len(said) >= 2, said


def test_a_second_run_replaces_the_first_and_another_folder_is_refused(tmp_path):
    first = demo.prepare(tmp_path / "demo")
    (tmp_path / "demo" / "grades.csv").write_text("from the first run")
    again = demo.prepare(tmp_path / "demo")
    assert again == first and not (tmp_path / "demo" / "grades.csv").exists()
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in demo.CLASS.iterdir())
    assert not any(again.rglob(".gitkeep"))                          # the empty one is empty
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep me")
    done = run_cli("demo", "--out", str(mine))
    assert done.returncode == 2 and "holds files the demo did not write" in done.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.tex"]


def test_an_installed_package_without_the_class_says_where_it_comes_from(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(demo, "CLASS", tmp_path / "site-packages" / "demo" / "gd-export")
    with pytest.raises(demo.DemoError, match="comes with a checkout of the project"):
        demo.prepare(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_without_pyyaml_the_demo_says_what_to_install(tmp_path):
    code = ("import sys; sys.modules['yaml'] = None\n"       # import yaml now fails
            "from autograder.cli import main\n"
            f"sys.exit(main(['demo', '--out', {str(tmp_path / 'demo')!r}]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "needs PyYAML: pip install" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_class_is_in_no_package_and_hidden_from_student_code(tmp_path):
    """It holds right answers: `package` leaves it out, the sandbox keeps it private."""
    assert ROOT / "demo" in private_paths()
    done = run_cli("package", "gd", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    answers = [p.read_bytes() for p in demo.CLASS.rglob("*.py")]
    for archive in tmp_path.glob("*.zip"):
        with zipfile.ZipFile(archive) as zf:
            assert not [n for n in zf.namelist() if "gd-export" in n or "/demo/" in n]
            assert not [n for n in zf.namelist() if zf.read(n) in answers]


def test_the_readme_begins_with_install_demo_and_tests():
    """The README's first block: install, see the main job on the example class, test."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands[0] == "./setup.sh"
    assert commands.index(".venv/bin/python -m autograder demo") \
        < commands.index(".venv/bin/python -m pytest")
    assert readme.index(block) < readme.index("## ")
    folders, _ = _class()
    assert f"a class of {len(folders)} that comes with the project" in readme
