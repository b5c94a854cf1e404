"""`python -m autograder package`: the Gradescope zip installs with its own setup.sh and grades
through run_autograder; the student package holds nothing secret, installs with pip in a fresh
virtual environment and runs the self-check."""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from autograder import mnist, package
from autograder.assignment import INSTALLED, available, load_assignment
from autograder.package import CHECK, ENGINE, distribution
from autograder.reference import template_dir
from tests.helpers import ROOT, validate


def _mnist_at_hand() -> bool:
    try:
        return bool(mnist.verify())
    except mnist.MnistError:
        return False


# an assignment whose graders read MNIST is packaged with it: only where it is at hand
PACKAGEABLE = [a for a in available() if _mnist_at_hand() or not mnist.needed_by(
    load_assignment(a))]
ASSIGNMENTS = [a if a in PACKAGEABLE else pytest.param(a, marks=pytest.mark.skip(
    reason="MNIST is not at hand to package (python -m autograder data)")) for a in available()]
# what an instructor or a developer needs, not grading: never in a Gradescope image
NOT_FOR_GRADING = ("matplotlib", "yaml", "distributed", "dask", "ipykernel", "nbclient")
BOILERPLATE = {"rng = np.random.default_rng(seed)"}   # reference code lines that give nothing away


def _package(assignment_id: str, out: Path) -> tuple[Path, Path]:
    done = subprocess.run([sys.executable, "-m", "autograder", "package", assignment_id,
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out / f"{assignment_id}-gradescope.zip", out / f"{assignment_id}-student.zip"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("dist")
    return {assignment_id: _package(assignment_id, out) for assignment_id in PACKAGEABLE}


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


# One spelling for answers, text or LaTeX: what is left to compare is the answer's skeleton.
UNICODE = {"−": "-", "·": "*", "⋅": "*", "×": "*", "√": "sqrt", "≤": "<=", "≥": ">=", "≠": "!=",
           "ᵀ": "^t", "²": "^2", "³": "^3", "∞": "infty", "‖": "|", "∇": "nabla",
           "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta",
           "θ": "theta", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma", "τ": "tau",
           "φ": "phi", "ϕ": "phi", "ω": "omega", "π": "pi"}
LATEX = [(r"\\(?:left|right|big|Big|bigg|Bigg)\b", ""), (r"\\([{}|])", r"\1"),
         (r"\\(?:cdot|times)\b", "*"), (r"\\(?:le|leq)\b", "<="), (r"\\(?:ge|geq)\b", ">="),
         (r"\\(?:ne|neq)\b", "!="), (r"\\(?:mathrm|mathbf|mathit|operatorname|text)\s*", ""),
         (r"\\[,;:!]|[~$&]", ""), (r"\*\*", "^"), (r"\.T\b", "^T"), (r"@", "*")]
FRACTION = re.compile(r"\\[dtc]?frac\s*")
COMMAND = re.compile(r"\\([A-Za-z]+)")   # \eta, \max: the name (after \frac is read)


def spelled(text: str) -> str:
    """``text`` in one spelling: Unicode and LaTeX (``\\frac{a}{b}``, ``\\eta``, ``\\max``)
    as plain text (``a/b``, ``eta``, ``max``), lower case, without spaces, ``*``, ``_`` and
    brackets (``2/max(a, b)``, ``\\frac{2}{\\max(a,b)}`` and ``2/\\max{a,b}`` all read
    ``2/maxa,b``)."""
    text = "".join(UNICODE.get(c, c) for c in text)
    for pattern, replacement in LATEX:
        text = re.sub(pattern, replacement, text)
    text = COMMAND.sub(r"\1", _fractions(text))
    return re.sub(r"[\s*_(){}\[\]]", "", text).lower()


def _fractions(text: str) -> str:
    """``\\frac{a}{b}`` (also nested, with braces inside) as ``(a)/(b)``."""
    out, start = [], 0
    for match in FRACTION.finditer(text):
        if match.start() < start:
            continue
        numerator, end = _group(text, match.end())
        denominator, end = _group(text, end) if numerator is not None else (None, end)
        if denominator is not None:
            out += [text[start:match.start()],
                    f"({_fractions(numerator)})/({_fractions(denominator)})"]
            start = end
    return "".join(out) + text[start:]


def _group(text: str, at: int) -> tuple[str | None, int]:
    """The brace group that starts at ``at`` (spaces aside): its inside and where it ends."""
    at = len(text) - len(text[at:].lstrip())
    if not text[at:at + 1] == "{":
        return None, at
    depth = 0
    for end in range(at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[at + 1:end], end + 1
    return None, at


def pieces(text: str) -> set[str]:
    """``text`` and its parts: the sides of a relation, the items of a tuple or an interval
    (``0 < eta < 2/max(a, b)`` gives ``2/max(a, b)``)."""
    inner = text.strip()
    if len(inner) > 1 and inner[0] in "([" and inner[-1] in ")]" and _depths(inner)[1:-1] \
            and min(_depths(inner)[1:-1]) > 0:
        inner = inner[1:-1]
    parts, start, depths = [], 0, _depths(inner)
    for match in re.finditer(r"<=|>=|!=|[<>=,≤≥≠]", inner):
        if depths[match.start()] == 0:
            parts.append(inner[start:match.start()].strip())
            start = match.end()
    found = {text}
    if parts:
        for part in parts + [inner[start:].strip()]:
            found |= pieces(part)
    return found


def _depths(text: str) -> list[int]:
    """The bracket depth at each character of ``text``."""
    depth, depths = 0, []
    for c in text:
        depth -= c in ")]}"
        depths.append(depth)
        depth += c in "([{"
    return depths


def distinctive(spelling: str) -> bool:
    """Whether finding this spelled answer in a file means the answer is there.  Not so for a
    short one (under 6 characters: ``0``, ``2/3``, ``a*w1`` are everywhere), a bare name
    (``minimum``, ``d_hp``) or plain integers of up to four digits (``(1, 3)``, a matrix of
    small counts); a long number (``1118208``) is."""
    return len(spelling) >= 6 and not re.fullmatch(r"[a-z]\w*", spelling) \
        and not re.fullmatch(r"-?\d{1,4}(,-?\d{1,4})*", spelling)


def answers(assignment_id: str) -> set[str]:
    """The reference's answers and the toml's known wrong answers, each with its parts."""
    assignment = load_assignment(assignment_id)
    names = {q.name for q in assignment.questions}
    found: set[str] = set()
    for path in (ROOT / "reference" / assignment_id).glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in names for t in node.targets):
                found |= {str(v) for v in _values(ast.literal_eval(node.value))}
    toml = tomllib.loads((assignment.directory / "assignment.toml").read_text())
    for question in toml["questions"]:
        for wrong in question.get("wrong", ()):
            found |= {str(v) for v in _values(wrong["answer"])}
    return set().union(*map(pieces, found))


def _values(value) -> list:
    """A literal answer's texts and numbers (a tuple's items, a dict's values, nested)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _values(item)]
    return [value]


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_student_package_holds_no_answer_in_any_spelling(assignment_id, packages):
    """Every shipped file, spelled as answers are (spaces, ``*``, LaTeX, Unicode, brackets
    aside), holds no distinctive reference answer or known wrong answer of the assignment."""
    texts = {name: spelled(content.decode("utf-8", "replace"))
             for name, content in _student_files(packages[assignment_id][1]).items()}
    wanted = {spelled(a): a for a in answers(assignment_id) if distinctive(spelled(a))}
    leaks = [(answer, name) for spelling, answer in wanted.items()
             for name, text in texts.items() if spelling in text]
    assert not leaks


def test_answers_are_found_in_any_spelling():
    """The scan itself: gd 1d's upper end is an answer; any layout, LaTeX or Unicode of it is
    the same spelling; trivial answers do not count."""
    found = answers("gd")
    assert "2/max(a, b)" in found and "2/min(a, b)" in found    # reference, known wrong
    forms = ["2/max(a, b)", "2 / max(a,b)", r"\frac{2}{\max(a, b)}", r"\dfrac{2}{\max\{a,b\}}",
             r"2/\max\left(a, b\right)", "2/MAX(a , b)"]
    assert {spelled(f) for f in forms} == {"2/maxa,b"}
    assert spelled(r"1 - \eta a") == spelled("1 - η·a") == spelled("1 - eta*a")
    assert spelled("X.T @ a") == spelled(r"X^{T} a") == spelled("Xᵀa")
    assert distinctive(spelled("2/(15 + sqrt(221))")) and distinctive("1118208")
    assert not any(distinctive(spelled(a)) for a in ("0", "2/3", "(1, 3)", "minimum", "d_hp",
                                                     "[[0, 1, 2], [3, 2, 1]]"))


def _student_files(path: Path) -> dict[str, bytes]:
    """Every file of a student zip, a wheel's own files included (as ``<wheel>/<file>``)."""
    files = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            files[name] = archive.read(name)
            if name.endswith(".whl"):
                with zipfile.ZipFile(archive.open(name)) as wheel:
                    files |= {f"{name}/{member}": wheel.read(member)
                              for member in wheel.namelist()}
    return files


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_the_student_package_holds_nothing_secret(assignment_id, packages):
    files = _student_files(packages[assignment_id][1])
    top = f"{assignment_id}-student/"
    assert all(name.startswith(top) for name in files)
    assert not any("/autograder/graders/" in n and n.count("/") > 5 for n in files)
    graders = {Path(n).name for n in files if f"/{INSTALLED}/{assignment_id}/" in n}
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


def _unpack(zip_path: Path, root: Path) -> Path:
    """The zip unpacked as Gradescope does, into ``root``/source."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):     # zipfile does not restore modes
        (root / "source" / script).chmod(0o755)
    return root / "source"


def test_the_gradescope_zip_installs_only_what_grading_needs_and_grades(packages, tmp_path,
                                                                        results_schema):
    """As Gradescope does: unzip into source/, run setup.sh there (its packages from the
    machine's configured indexes; no PyTorch index), then run_autograder on a submission.
    No instructor's or developer's package is installed, and what setup.sh says last is
    true there (no test suite ships in the zip)."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    source = _unpack(packages["gd"][0], root)
    setup = subprocess.run(["bash", "setup.sh"], cwd=source, capture_output=True,
                           text=True, env=_env(AUTOGRADER_TORCH_INDEX=""), timeout=900)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    last = setup.stdout.strip().splitlines()[-1]
    assert last == "setup.sh: ready: Gradescope grades each submission of gd with run_autograder"
    assert not (source / "tests").exists()
    found = subprocess.run([str(source / ".venv" / "bin" / "python"), "-c",
                            "import importlib.util, sys\nprint(*[n for n in sys.argv[1:] if "
                            "importlib.util.find_spec(n)])", "numpy", "sympy", *NOT_FOR_GRADING],
                           capture_output=True, text=True, cwd=tmp_path)
    assert found.stdout.split() == ["numpy", "sympy"], found.stderr
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


@pytest.mark.skipif("mnist" not in PACKAGEABLE, reason="MNIST is not at hand to package")
def test_the_mnist_gradescope_zip_carries_mnist(packages):
    with zipfile.ZipFile(packages["mnist"][0]) as archive:
        data = {n.removeprefix("data/mnist/"): archive.read(n) for n in archive.namelist()
                if n.startswith("data/mnist/")}
    assert {name: hashlib.md5(content).hexdigest() for name, content in data.items()} == \
        mnist.FILES
    for assignment_id in set(PACKAGEABLE) - {"mnist"}:    # the others do without
        with zipfile.ZipFile(packages[assignment_id][0]) as archive:
            assert not any(n.startswith("data/") for n in archive.namelist())


def test_packaging_mnist_without_its_data_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder", "package", "mnist", "--out",
                           str(tmp_path / "dist")], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "AUTOGRADER_MNIST": str(tmp_path / "none")})
    assert done.returncode == 1
    assert "the graders of mnist read MNIST" in done.stderr
    assert "python -m autograder data" in done.stderr


@pytest.mark.skipif("mnist" not in PACKAGEABLE, reason="MNIST is not at hand to package")
def test_the_mnist_gradescope_zip_without_its_data_fails_setup_loudly(packages, tmp_path):
    """A zip whose data was lost, on a machine where MNIST cannot be downloaded (its mirrors
    reached through a proxy that refuses; the package indexes direct): setup.sh stops with a
    clear message instead of leaving an image that grades every submission wrong."""
    source = _unpack(packages["mnist"][0], tmp_path / "autograder")
    shutil.rmtree(source / "data")
    direct = "localhost,127.0.0.1,pypi.org,files.pythonhosted.org,download.pytorch.org"
    refused = {name: "http://127.0.0.1:9" for name in ("http_proxy", "https_proxy",
                                                       "HTTP_PROXY", "HTTPS_PROXY")}
    setup = subprocess.run(["bash", "setup.sh"], cwd=source, capture_output=True, text=True,
                           env=_env(AUTOGRADER_TORCH_INDEX="", no_proxy=direct, NO_PROXY=direct,
                                    **refused), timeout=900)
    assert setup.returncode != 0, setup.stdout + setup.stderr
    assert "the graders of mnist read MNIST, which is neither in this zip nor could be " \
           "downloaded" in setup.stderr, setup.stderr
    assert "ready" not in setup.stdout


def test_the_student_zip_is_a_template_folder_readme_and_wheels(packages):
    """Unzipped, it is one folder: the template in a folder of its own, the engine and the
    assignment only inside wheels (built: nothing to build at install), and a README whose
    check command is the template's."""
    for assignment_id in ("gd", "mnist"):
        top = f"{assignment_id}-student"
        with zipfile.ZipFile(packages[assignment_id][1]) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        template = {f"{top}/{assignment_id}/{p.relative_to(template_dir(assignment_id))}"
                    for p in template_dir(assignment_id).rglob("*") if p.is_file()}
        wheels = {n for n in files if n.startswith(f"{top}/wheels/")}
        assert set(files) == {f"{top}/README.md"} | template | wheels
        assert {Path(n).name.split("-")[0] for n in wheels} == {
            ENGINE.replace("-", "_"), distribution(assignment_id).replace("-", "_")}
        assert all(n.endswith("-py3-none-any.whl") for n in wheels)
        readme = files[f"{top}/README.md"].decode()
        assert f"--find-links wheels {distribution(assignment_id)}" in readme
        said = [c.rstrip('`"\\') for name in [*template, f"{top}/README.md"]
                for c in re.findall(r"python -m autograder check \S+ \S+", files[name].decode())]
        assert said and set(said) == {CHECK.format(id=assignment_id)}, said


def _run(python: Path, *args, cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), *map(str, args)], capture_output=True, text=True,
                          env=_env(COLUMNS="200", **env), cwd=cwd, timeout=600)


@pytest.mark.slow   # a fresh venv, the engine's dependencies installed into it: minutes
def test_two_assignments_install_side_by_side_offline_and_uninstall_alone(packages, tmp_path,
                                                                         monkeypatch):
    """In one fresh venv, gd's and calculus's wheels install with --no-index (nothing to build
    or download, once the engine's dependencies are there) beside one engine; each checks; a
    notebook's check() finds its assignment; removing gd leaves calculus checking, and so does
    upgrading the engine to its next patch release."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    for assignment_id in ("gd", "calculus"):
        with zipfile.ZipFile(packages[assignment_id][1]) as archive:
            archive.extractall(tmp_path)
    engine = next((tmp_path / "gd-student" / "wheels").glob(f"{ENGINE.replace('-', '_')}-*"))
    with zipfile.ZipFile(engine) as wheel:
        metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith("/METADATA")))
    dependencies = [line.split(":", 1)[1].strip() for line in metadata.decode().splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
    done = _run(python, "-m", "pip", "install", "-q", *dependencies, cwd=tmp_path)
    assert done.returncode == 0, done.stderr     # what a student's machine has already
    for assignment_id in ("gd", "calculus"):
        wheels = tmp_path / f"{assignment_id}-student" / "wheels"
        done = _run(python, "-m", "pip", "install", "--no-index", "--find-links", wheels,
                    distribution(assignment_id), cwd=tmp_path, PIP_FIND_LINKS="")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "warning" not in done.stderr.lower(), done.stderr
    assert _run(python, "-m", "pip", "check", cwd=tmp_path).returncode == 0
    where = _run(python, "-c", "import autograder; print(autograder.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(env_dir))   # the package's own copy, not this checkout
    references = {}
    for assignment_id in ("gd", "calculus"):
        references[assignment_id] = tmp_path / "ref" / assignment_id
        references[assignment_id].mkdir(parents=True)
        shutil.copy(ROOT / "reference" / assignment_id / "answers.py", references[assignment_id])

    def check(assignment_id: str, folder: Path) -> subprocess.CompletedProcess:
        return _run(python, "-m", "autograder", "check", assignment_id, ".", cwd=folder)

    template = check("gd", tmp_path / "gd-student" / "gd")
    assert template.returncode == 1 and "not answered yet" in template.stdout, template.stdout
    for assignment_id, folder in references.items():
        run = check(assignment_id, folder)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "correct." not in run.stdout.lower()
    run = check("gd", references["gd"])
    assert "8 of 8 answers are present and readable" in run.stdout and "points" not in run.stdout
    in_kernel = _run(        # check() in a session that ran the answers (as a notebook)
        python, "-c", f"exec(open({str(references['gd'] / 'answers.py')!r}).read())\n"
                      "q2b = None\nfrom autograder.notebook import check\n"
                      "check(assignment='gd')", cwd=tmp_path)
    assert "7 of 8 answers are present and readable" in in_kernel.stdout, in_kernel.stderr

    done = _run(python, "-m", "pip", "uninstall", "-y", distribution("gd"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run = check("calculus", references["calculus"])
    assert run.returncode == 0, run.stdout + run.stderr
    gone = check("gd", references["gd"])
    assert gone.returncode != 0 and "answers are present and readable" not in gone.stdout
    listed = _run(python, "-m", "autograder", "list", cwd=tmp_path)
    assert listed.stdout.split(":")[0] == "calculus" and listed.stdout.count("\n") == 1

    project = package._project()
    monkeypatch.setattr(package, "_project", lambda: {
        **project, "project": {**project["project"], "version": "0.1.99"}})
    newer = package.build_wheel(package._engine_source(tmp_path / "newer"), tmp_path / "newer")
    done = _run(python, "-m", "pip", "install", "--no-index", newer, cwd=tmp_path)
    assert done.returncode == 0 and "0.1.99" in done.stdout, done.stdout + done.stderr
    assert _run(python, "-m", "pip", "check", cwd=tmp_path).returncode == 0
    run = check("calculus", references["calculus"])
    assert run.returncode == 0, run.stdout + run.stderr


def test_packaging_without_the_build_tools_says_what_to_install(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['build'] = None\n"
         "from autograder.cli import main; raise SystemExit(main(sys.argv[1:]))",
         "package", "gd", "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "needs build" in done.stderr and "[instructor]" in done.stderr
    assert not (tmp_path / "gd-student.zip").exists()
