"""Assignment `backprop` end to end, and the strength of its graders measured by mutation."""
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


from autograder.grading import grade
from tests.helpers import ROOT, by_number, run_cli, write
from tests.assignments.mlp_mutants import MUTANTS, REWRITES

REFERENCE = ROOT / "reference" / "backprop"
MLP = (REFERENCE / "mlp.py").read_text()
ANSWERS = (REFERENCE / "answers.py").read_text()
FULL = 21.0
CODE_TESTS = ("4a", "4b", "4c", "4d", "4e", "4f")
NAMES = ("dJdW1", "dJdb1", "dJdW2", "dJdb2", "y_hat", "J", "dJdy_hat", "risk")


def submission(folder: Path, mlp: str = MLP, answers: str = ANSWERS) -> Path:
    write(folder, "mlp.py", mlp)
    write(folder, "answers.py", answers)
    return folder


# a pool worker's verdicts, kept across its jobs as a regrade's worker keeps them: the
# answers.py questions, the same in every job, are judged once per worker
VERDICTS: dict = {}


def _grade_code(args):
    """One mutant or rewrite, graded in a worker process: (score, failed code tests' output)."""
    folder, source = args
    result = grade("backprop", submission(Path(folder), source), verdicts=VERDICTS)
    failed = {t.number: t.output for t in result.tests if not t.passed}
    return result.score, failed


def _grade_all(tmp_path, variants):
    jobs = []
    for i, (_, old, new) in enumerate(variants):
        assert MLP.count(old) == 1, old
        jobs.append((str(tmp_path / f"v{i}"), MLP.replace(old, new)))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_grade_code, jobs))


def test_reference_full_marks_and_template_zero(tmp_path):
    assert grade("backprop", submission(tmp_path / "ref")).score == FULL
    template = tmp_path / "template"
    shutil.copytree(ROOT / "student_template" / "backprop", template)
    result = grade("backprop", template)
    assert result.score == 0
    assert all("not answered yet" in t.output or "not implemented yet" in t.output
               for t in result.tests)


def test_every_mutant_loses_points_with_a_named_message(tmp_path, capsys):
    results = _grade_all(tmp_path, MUTANTS)
    killed = 0
    for (description, _, _), (score, failed) in zip(MUTANTS, results):
        assert score < FULL, f"mutant survived: {description}"
        code_failures = {n: out for n, out in failed.items() if n in CODE_TESTS or
                         n.startswith("0.code")}
        assert code_failures, f"{description}: only non-code tests failed: {failed}"
        assert any(name in out for out in code_failures.values() for name in NAMES) or \
            any("of mlp.py" in out or "_loss returned" in out for out in code_failures.values()), \
            f"{description}: neither a parameter nor a line named in {code_failures}"
        killed += 1
    with capsys.disabled():
        print(f"\nmutation score (mlp.py): {killed}/{len(MUTANTS)} mutants killed")
    assert len(MUTANTS) >= 30


def test_equivalent_rewrites_keep_full_marks(tmp_path):
    results = _grade_all(tmp_path, REWRITES)
    for (description, _, _), (score, failed) in zip(REWRITES, results):
        assert score == FULL, f"rewrite lost points: {description}: {failed}"
    assert len(REWRITES) >= 10


def test_self_check_tells_whether_backward_matches_forward(tmp_path):
    """`check backprop` runs without the reference and names the wrong gradient."""
    empty = tmp_path / "no-reference"
    empty.mkdir()
    env = {"AUTOGRADER_REFERENCE": str(empty), "COLUMNS": "200"}
    doubled = MLP.replace("self.grads['dJdW1'] += dJdz1.T @ c['x']",
                          "self.grads['dJdW1'] += 2 * dJdz1.T @ c['x']")
    done = run_cli("check", "backprop", str(submission(tmp_path / "s", doubled)), env=env)
    assert done.returncode == 1
    assert "dJdW1 is wrong: twice the right value" in done.stdout
    assert "dJdW2 is wrong" not in done.stdout
    good = run_cli("check", "backprop", str(submission(tmp_path / "ok")), env=env)
    assert good.returncode == 0 and "matches finite differences" in good.stdout


def test_code_feedback_names_parameter_and_combination(tmp_path):
    mean_by_batch = MLP.replace("self.grads['dJdb2'] += dJdz3.sum(axis=0)",
                                "self.grads['dJdb2'] += dJdz3.mean(axis=0)")
    tests = by_number(grade("backprop", submission(tmp_path / "s", mean_by_batch)))
    assert "dJdb2 is wrong" in tests["4b"].output and "times too small" in tests["4b"].output
    assert "12 of 12 combinations are wrong" in tests["4b"].output
    assert tests["4a"].passed and tests["4d"].passed and tests["1"].passed


def test_only_mlp_py_grades_the_code(tmp_path):
    folder = tmp_path / "s"
    write(folder, "mlp.py", MLP)
    result = by_number(grade("backprop", folder))
    assert all(result[n].passed for n in CODE_TESTS)
    assert "no answers.py or backprop.ipynb found" in result["1"].output


def test_training_is_judged_by_the_risk_the_grader_computes(tmp_path):
    """A backward that does nothing, with an mse_loss whose value falls at every call: the
    student's own loss used to report a falling risk and earn 4f."""
    no_op = MLP.replace('''        c, p = self.cache, self.parameters
        dJdz3 = dJdy_hat''', '''        return
        c, p = self.cache, self.parameters
        dJdz3 = dJdy_hat''').replace('''    J = np.mean((y_hat - y) ** 2)
''', '''    CALLS.append(1)
    J = 1.0 / len(CALLS)
''') + "\nCALLS = []\n"
    tests = by_number(grade("backprop", submission(tmp_path / "s", no_op)))
    assert tests["4f"].score == 0 and "did not lower the risk enough" in tests["4f"].output
    assert tests["4a"].passed      # forward is right


def test_backward_is_fed_the_true_loss_gradient(tmp_path):
    """backward's input is the grader's choice: a wrong mse gradient costs the mse question,
    not backward's."""
    half = MLP.replace("dJdy_hat = 2 * (y_hat - y) / y.size", "dJdy_hat = (y_hat - y) / y.size")
    tests = by_number(grade("backprop", submission(tmp_path / "s", half)))
    assert not tests["4d"].passed and "dJdy_hat is wrong: half the right value" in tests["4d"].output
    assert tests["4b"].passed and tests["4c"].passed
