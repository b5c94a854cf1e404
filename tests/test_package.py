"""`python -m autograder package`: the Gradescope zip installs with its own setup.sh and grades
through run_autograder; the student package holds nothing secret, installs with pip in a fresh
virtual environment and runs the self-check."""
from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from autograder.assignment import available, load_assignment
from conftest import ROOT, validate

ASSIGNMENTS = available()
BOILERPLATE = {"rng = np.random.default_rng(seed)"}   # reference code lines that give nothing away


def _package(assignment_id: str, out: Path) -> tuple[Path, Path]:
    done = subprocess.run([sys.executable, "-m", "autograder", "package", assignment_id,
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out / f"{assignment_id}-gradescope.zip", out / f"{assignment_id}-student.zip"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("dist")
    return {assignment_id: _package(assignment_id, out) for assignment_id in ASSIGNMENTS}


def _strings(source: str) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def secrets(assignment_id: str) -> set[str]:
    """What a student must not find in the package: the reference's answers and code, the
    known wrong answers and their messages, the hidden graders' texts."""
    assignment = load_assignment(assignment_id)
    names = {q.name for q in assignment.questions}
    options = {option for q in assignment.questions for option in q.options} | {
        "minimum", "maximum", "saddle", "none"}    # a critical point's types
    template = ROOT / "student_template" / assignment_id
    found: set[str] = set()
    for path in (ROOT / "reference" / assignment_id).iterdir():
        sources = [path.read_text()] if path.suffix == ".py" else [
            "".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"]
        public = (template / path.name).read_text() if (template / path.name).exists() else ""
        for source in sources:
            tree = ast.parse(source)
            for node in tree.body:        # the answers: every text in them
                if isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id in names for t in node.targets):
                    found |= {s for s in _strings(ast.unparse(node.value)) if s not in options}
                    found |= {ast.unparse(node.value)}
            found |= {line.strip() for line in source.splitlines()   # the code
                      if len(line.strip()) >= 24 and not line.strip().startswith("#")
                      and line.strip() not in public}
    toml = tomllib.loads((assignment.directory / "assignment.toml").read_text())
    for question in toml["questions"]:
        for wrong in question.get("wrong", ()):
            found |= {str(wrong["answer"]), wrong["message"]} - options
        found |= set(question.get("openness", {}).values())
    found |= set(toml.get("layouts", {}).values())
    public = set().union(*(_strings(p.read_text())
                           for p in assignment.directory.glob("test_form*.py")))
    for path in assignment.directory.glob("test_*.py"):
        if not path.name.startswith("test_form"):
            found |= {s for s in _strings(path.read_text()) if len(s) >= 25} - public
    return {s for s in found if len(_squeezed(s)) >= 6} - BOILERPLATE


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_student_package_holds_nothing_secret(assignment_id, packages):
    with zipfile.ZipFile(packages[assignment_id][1]) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    top = f"{assignment_id}-student/"
    assert all(name.startswith(top) for name in files)
    graders = {Path(n).name for n in files if n.startswith(f"{top}autograder/graders/")
               and n.count("/") > 3}
    assert graders == {"assignment.toml"} | {
        p.name for p in load_assignment(assignment_id).directory.glob("test_form*.py")}
    assert not any("reference" in Path(n).parts for n in files)
    texts = {name: _squeezed(data.decode("utf-8", "replace")) for name, data in files.items()}
    leaks = [(secret[:60], name) for secret in secrets(assignment_id)
             for name, text in texts.items() if _squeezed(secret) in text]
    assert not leaks


def test_the_secret_scan_finds_a_leak(tmp_path):
    """The scan itself: a reference answer, a known-wrong message or a hidden grader's text
    is found wherever it is put."""
    found = secrets("gd")
    assert "2/(15 + sqrt(221))" in found and "1 - eta*a" in found
    assert any("forgot the ½" in s for s in found)
    assert any("w_star = np.array([1.0, 3.0])" in s for s in found)


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_gradescope_zip_holds_its_assignment_only(assignment_id, packages):
    with zipfile.ZipFile(packages[assignment_id][0]) as archive:
        names = set(archive.namelist())
        assert archive.read("ASSIGNMENT").decode().strip() == assignment_id
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(archive.getinfo(script).external_attr >> 16) & 0o111, script
    assert {n.split("/")[2] for n in names if n.startswith("autograder/graders/")
            and n.count("/") > 2} == {assignment_id}
    assert {n.split("/")[1] for n in names if n.startswith("reference/")} == {assignment_id}
    assert not any("tests/" in n or ".git" in n or "__pycache__" in n for n in names)


def test_packaging_an_unknown_assignment_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder", "package", "nope", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "unknown assignment 'nope'" in done.stderr
    assert not list(tmp_path.iterdir())


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AUTOGRADER_", "VIRTUAL_ENV", "PYTHON"))}
    return {**env, **extra}


def test_the_gradescope_zip_installs_and_grades(packages, tmp_path, results_schema):
    """As Gradescope does: unzip into source/, run setup.sh there (its packages from the
    machine's configured indexes; no PyTorch index), then run_autograder on a submission."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(packages["gd"][0]) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):     # zipfile does not restore modes
        (root / "source" / script).chmod(0o755)
    setup = subprocess.run(["bash", "setup.sh"], cwd=root / "source", capture_output=True,
                           text=True, env=_env(AUTOGRADER_TORCH_INDEX=""), timeout=900)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    shutil.copy(ROOT / "reference" / "gd" / "answers.py", root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"name": "Ada Lovelace", "email": "ada@example.edu", "sid": "1"}]}))
    done = subprocess.run([str(root / "run_autograder")], capture_output=True, text=True,
                          env=_env(AUTOGRADER_ROOT=str(root)), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results, results_schema)
    assert results["score"] == load_assignment("gd").points


def test_the_student_package_installs_in_a_fresh_venv_and_checks(packages, tmp_path):
    """One command installs it; `check` then reads the template (nothing answered) and the
    reference (all readable) and never says whether an answer is right."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q",
                              str(packages["gd"][1])], capture_output=True, text=True,
                             env=_env(), timeout=900)
    assert install.returncode == 0, install.stderr
    with zipfile.ZipFile(packages["gd"][1]) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "gd-student"
    ref = tmp_path / "ref"
    ref.mkdir()
    shutil.copy(ROOT / "reference" / "gd" / "answers.py", ref)
    runs = {name: subprocess.run([str(python), "-m", "autograder", "check", "gd", str(path)],
                                 capture_output=True, text=True, env=_env(COLUMNS="200"),
                                 cwd=tmp_path, timeout=300)
            for name, path in (("template", folder), ("reference", ref))}
    assert runs["template"].returncode == 1 and "not answered yet" in runs["template"].stdout
    assert runs["reference"].returncode == 0, runs["reference"].stdout
    assert "8 of 8 answers are present and readable" in runs["reference"].stdout
    for run in runs.values():
        assert "correct." not in run.stdout.lower() and "points" not in run.stdout
    where = subprocess.run([str(python), "-c", "import autograder; print(autograder.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(env_dir) in where    # the package's own copy, not this checkout
    in_kernel = subprocess.run(     # check() in a session that ran the answers (as a notebook)
        [str(python), "-c", f"exec(open({str(ref / 'answers.py')!r}).read())\nq2b = None\n"
                            "from autograder.notebook import check\ncheck()"],
        capture_output=True, text=True, env=_env(COLUMNS="200"), cwd=tmp_path, timeout=300)
    assert "7 of 8 answers are present and readable" in in_kernel.stdout, in_kernel.stderr
