"""Assignment `optim_cnn` end to end: the reference, the template, the seed's two errors, and the
graders' strength measured by mutants (one per question per submission, so each is judged
alone) and by equivalent rewrites, including of the code."""
import dataclasses
import shutil
import textwrap

from autograder.assignment import load_assignment
from autograder.grading import grade
from tests.helpers import ROOT, by_number, one_per_question, run_cli, write

REFERENCE = (ROOT / "reference" / "optim_cnn" / "answers.py").read_text()
FULL = 35.0
CODE = {"1b", "1c", "2c", "4b", "6b", "7b", "7c", "8b"}


def _submit(tmp_path, name: str, additions: list[str]):
    """The reference with later definitions appended (a later `def` or `=` wins)."""
    source = REFERENCE + "".join("\n\n" + textwrap.dedent(a).strip() + "\n" for a in additions)
    return by_number(grade("optim_cnn", write(tmp_path / name, "answers.py", source).parent))


HARD_CODED = {  # the handout's numbers, whatever the input
    "1b": "def min_norm_solution(X, t):\n    return np.array([0.8, 0.4])",
    "1c": "def minibatch_sgd(X, t, batch_size, eta, steps, seed):\n    return np.array([0.8, 0.4])",
    "2c": "def rmsprop(X, t, eta, beta, eps, steps):\n    return np.array([2/3, 2/3])",
    "4b": "def optimal_lr(X, t, w0):\n    return 0.1",
    "6b": "def conv2d(I, J):\n    return np.array(q6a)",
    "7b": "def cnn_counts(size, layers):\n    return (2688, 30)",
    "7c": "def fc_counts(size, layers):\n    return (2688, 1119552)",
    "8b": "def receptive_field(layers):\n    return 14",
}

# (question, replacement source, what its feedback must say)
MUTANTS = [
    ("1a", 'q1a = "X.T @ t"', "not correct"),
    ("1a", 'q1a = "inv(X.T @ X) @ X.T @ t"', "singular"),
    ("2a", 'q2a = ("2/3", "2/3")', "where RMSProp ends up"),
    ("2b", 'q2b = "yes"', "row space"),
    ("3", 'q3 = "(1/n) * a.T @ (I - (eta/n) * X @ X.T) @ (I - (eta/n) * X @ X.T) @ a"',
     "missing a factor 2"),
    ("3", 'q3 = "a.T @ (I - (2*eta/n) * X @ X.T) @ (I - (2*eta/n) * X @ X.T) @ a"',
     "missing the 1/n"),
    ("4a", 'q4a = "norm(X.T @ a)**2 / norm(X @ X.T @ a)**2"', "missing the factor n/2"),
    ("5", 'q5 = "lam / eta"', "off by a constant factor"),
    ("6a", "q6a = [[-v for v in row] for row in q6a]", "true convolution"),
    ("6a", "q6a = [[3, 3, 2], [1, 1, -1], [-2, -2, -1]]", "with zero 'same' padding"),
    ("6a", "q6a = np.array(q6a).T", "transpose of the right result"),
    ("6a", "q6a = [[None] * 5] * 5", "cannot read the matrix"),
    ("7a", "q7a = (1664, 30, 1664, 1119552)", "count the input units"),
    ("7a", "q7a = (2688, 27, 2688, 1118208)", "count the biases"),
    ("8a", "q8a = 9", "strides are missing"),
    # code
    ("1b", """
        def min_norm_solution(X, t):
            X = np.asarray(X, float)
            return np.linalg.pinv(X) @ t + (np.eye(X.shape[1]) - np.linalg.pinv(X) @ X) @ np.ones(X.shape[1])
        """, "not the minimum-norm solution"),
    ("1b", """
        def min_norm_solution(X, t):
            return np.linalg.solve(X.T @ X, X.T @ t)
        """, "raised an error"),
    ("1c", """
        def minibatch_sgd(X, t, batch_size, eta, steps, seed):
            rng = np.random.default_rng(seed)
            w = np.zeros(X.shape[1])
            for _ in range(steps):
                B = rng.choice(len(t), batch_size, replace=False)
                w = w - eta * 2 / (batch_size * len(t)) * X[B].T @ (X[B] @ w - t[B])
            return w
        """, "times too small"),
    ("1c", """
        def minibatch_sgd(X, t, batch_size, eta, steps, seed):
            rng = np.random.default_rng(seed)
            w = rng.standard_normal(X.shape[1])
            for _ in range(steps):
                B = rng.choice(len(t), batch_size, replace=False)
                w = w - eta * 2 / batch_size * X[B].T @ (X[B] @ w - t[B])
            return w
        """, "not the minimum-norm solution"),
    ("1c", """
        def minibatch_sgd(X, t, batch_size, eta, steps, seed):
            w = np.zeros(X.shape[1])
            for _ in range(steps):
                B = np.random.choice(len(t), batch_size, replace=False)
                w = w - eta * 2 / batch_size * X[B].T @ (X[B] @ w - t[B])
            return w
        """, "same seed gave different results"),
    ("2c", """
        def rmsprop(X, t, eta, beta, eps, steps):
            w, v = np.zeros(X.shape[1]), np.ones(X.shape[1])
            for _ in range(steps):
                g = 2 / len(t) * X.T @ (X @ w - t)
                v = beta * v + (1 - beta) * g ** 2
                w = w - eta * g / (np.sqrt(v) + eps)
            return w
        """, "v must start at 0"),
    ("2c", """
        def rmsprop(X, t, eta, beta, eps, steps):
            w, v = np.zeros(X.shape[1]), np.zeros(X.shape[1])
            for _ in range(steps):
                g = 2 / len(t) * X.T @ (X @ w - t)
                v = v + g ** 2
                w = w - eta * g / (np.sqrt(v) + eps)
            return w
        """, "AdaGrad"),
    ("2c", """
        def rmsprop(X, t, eta, beta, eps, steps):
            w, v = np.zeros(X.shape[1]), np.zeros(X.shape[1])
            for _ in range(steps):
                g = 2 / len(t) * X.T @ (X @ w - t)
                v = beta * v + (1 - beta) * g ** 2
                w = w - eta * g / np.sqrt(v)
            return w
        """, "NaN"),
    ("2c", """
        def rmsprop(X, t, eta, beta, eps, steps):
            w = np.zeros(X.shape[1])
            for _ in range(steps):
                w = w - eta * 2 / len(t) * X.T @ (X @ w - t)
            return w
        """, "where plain gradient descent ends"),
    ("4b", """
        def optimal_lr(X, t, w0):
            a = X @ w0 - t
            return (X.T @ a) @ (X.T @ a) / ((X @ X.T @ a) @ (X @ X.T @ a))
        """, "missing the factor n/2"),
    ("6b", """
        def conv2d(I, J):
            J = np.asarray(J)[::-1, ::-1]
            return _ref_conv2d(I, J)
        """, "true convolution"),
    ("6b", """
        def conv2d(I, J):
            I, J = np.asarray(I, float), np.asarray(J, float)
            h, w = I.shape[0] - J.shape[0] + 1, I.shape[1] - J.shape[1] + 1
            return np.array([[np.sum(I[i:i + J.shape[0], j:j + J.shape[1]] * J)
                              for j in range(w)] for i in range(h)])
        """, "'same' padding"),
    ("7b", """
        def cnn_counts(size, layers):
            neurons, params = _ref_cnn_counts(size, layers)
            return neurons - size * size, params
        """, "count the input units"),
    ("7b", """
        def cnn_counts(size, layers):
            side, c_in, neurons, params = size, 1, size * size, 0
            for layer in layers:
                if layer[0] == "pool":
                    side //= layer[1]
                else:
                    params += layer[1] ** 2 * layer[2] + layer[2]
                    c_in = layer[2]
                neurons += side * side * c_in
            return neurons, params
        """, "spans all input channels"),
    ("7c", """
        def fc_counts(size, layers):
            side, c_in, neurons, params = size, 1, size * size, 0
            for layer in layers:
                if layer[0] == "pool":
                    side //= layer[1]
                else:
                    params += (side * side * c_in) * (side * side * layer[2])
                    c_in = layer[2]
                neurons += side * side * c_in
            return neurons, params
        """, "count the biases"),
    ("8b", """
        def receptive_field(layers):
            field, jump = 1, 1
            for kernel, stride in layers:
                jump *= stride
                field += (kernel - 1) * jump
            return field
        """, "a layer's own stride"),
    ("8b", """
        def receptive_field(layers):
            return 1 + sum(k - 1 for k, s in layers)
        """, "strides are missing"),
] + [(q, source, "cases are wrong") for q, source in HARD_CODED.items()]

PRELUDE = """
_ref_conv2d, _ref_cnn_counts = conv2d, cnn_counts
"""

# Equivalent answers in other forms and layouts: every one keeps full marks.
REWRITES = [[
    'q1a = "pinv(X) t"',
    "q2a = [0.8, 0.4]",
    'q2b = "No, it does not."',
    'q3 = "norm(a - 2*eta/n * X X^T a)^2 / n"',
    'q4a = "n * (a.T @ X @ X.T @ a) / (2 * a.T @ X @ X.T @ X @ X.T @ a)"',
    'q5 = "0.5*lam/eta"',
    'q6a = "Matrix([[0,1,2,3,2],[2,3,3,2,1],[1,1,1,-1,-1],[-2,-2,-2,-1,-1],[-1,-2,-3,-2,-1]])"',
    "q7a = [2688.0, 30, 2688, 1119552]",
    'q8a = "14"',
    """
    def min_norm_solution(X, t):
        return np.linalg.lstsq(np.array(X), np.array(t), rcond=None)[0].reshape(-1, 1)
    """,
    """
    def minibatch_sgd(X, t, batch_size, eta, steps, seed):
        rng = np.random.default_rng(seed)
        n, d = X.shape
        w, order = np.zeros((d, 1)), []
        for _ in range(steps):
            if len(order) < batch_size:
                order = list(rng.permutation(n))
            B, order = order[:batch_size], order[batch_size:]
            w -= eta * 2 / batch_size * X[B].T @ (X[B] @ w - t[B].reshape(-1, 1))
        return w
    """,
    """
    def rmsprop(X, t, eta, beta, eps, steps):
        w, v = [0.0] * X.shape[1], [0.0] * X.shape[1]
        for _ in range(steps):
            r = X @ np.array(w) - t
            g = [2 / len(t) * sum(X[i, j] * r[i] for i in range(len(t))) for j in range(len(w))]
            v = [beta * vj + (1 - beta) * gj * gj for vj, gj in zip(v, g)]
            w = [wj - eta * gj / np.sqrt(vj + eps) for wj, gj, vj in zip(w, g, v)]
        return w
    """,
    """
    def optimal_lr(X, t, w0):
        a = (X @ np.reshape(w0, (-1, 1)) - np.reshape(t, (-1, 1)))
        return float(len(t) * np.trace(a.T @ X @ X.T @ a) / (2 * np.sum((X @ X.T @ a) ** 2)))
    """,
    """
    def conv2d(I, J):
        I, J = np.array(I, dtype=float), np.array(J, dtype=float)
        (h, w), (kh, kw) = I.shape, J.shape
        out = []
        for i in range(h):
            row = []
            for j in range(w):
                total = 0.0
                for u in range(kh):
                    for v in range(kw):
                        y, x = i + u - kh // 2, j + v - kw // 2
                        if 0 <= y < h and 0 <= x < w:
                            total += I[y, x] * J[u, v]
                row.append(total)
            out.append(row)
        return out
    """,
    """
    def cnn_counts(size, layers):
        neurons, params = _ref_cnn_counts(size, layers)
        return [np.int64(neurons), float(params)]
    """,
    """
    def receptive_field(layers):
        field = 1
        for kernel, stride in reversed(layers):
            field = (field - 1) * stride + kernel
        return np.int32(field)
    """,
], [
    'q1a = "Xᵀ inv(X Xᵀ) t"',
    "q2a = (4/5, 2/5)",
    "q2b = False",
    'q3 = "(1/n) * norm(X @ (w0 - (2*eta/n) * X.T @ (X @ w0 - t)) - t)**2"',
    'q4a = "(n/2) * trace(a.T @ X @ X.T @ a) / norm(X @ X.T @ a)**2"',
    'q5 = "lam/eta/2"',
    "q6a = tuple(tuple(row) for row in q6a)",
    "q7a = (2688, 30, 2688, 1119552.0)",
    "q8a = 14.0",
], [
    'q1a = "Xᵀ(XXᵀ)⁻¹t"',
    'q3 = "1/n aᵀ(I − 2η/n XXᵀ)² a"',
    'q4a = "(n/2) (Xᵀa)ᵀ(Xᵀa) / ((XXᵀa)ᵀ(XXᵀa))"',
    'q5 = "λ/(2η)"',
]]


def test_reference_full_marks_template_zero_and_cli(tmp_path):
    solved = tmp_path / "solved"
    done = run_cli("solve", "optim_cnn", str(solved))
    assert done.returncode == 0, done.stderr
    result = grade("optim_cnn", solved)
    assert result.score == FULL == result.max_score, [
        (t.number, t.output) for t in result.tests if not t.passed]
    template = tmp_path / "template"
    shutil.copytree(ROOT / "student_template" / "optim_cnn", template)
    tests = by_number(grade("optim_cnn", template))
    assert sum(t.score for t in tests.values()) == 0
    for number, test in tests.items():
        qid = number.removeprefix("0.").removesuffix(".run")
        if qid not in CODE:
            assert "not answered yet" in test.output, (number, test.output)
        elif number != f"0.{qid}":   # the form check of a function only says it is defined
            assert "not implemented yet" in test.output, (number, test.output)
    checked = run_cli("check", "optim_cnn", str(template))
    assert checked.returncode == 1 and "not implemented yet" in checked.stdout


def test_seed_004_loses_exactly_its_two_errors(tmp_path):
    """Seed 004 answers λ̃ = 0 and a receptive field of 15; everything else is right."""
    tests = _submit(tmp_path, "seed", ['q5 = "0"', "q8a = 15"])
    lost = {n: t for n, t in tests.items() if not t.passed}
    assert set(lost) == {"5", "8a"}
    assert "cannot match weight decay" in lost["5"].output
    assert "a layer's own stride" in lost["8a"].output
    assert sum(t.score for t in tests.values()) == FULL - 4


def test_every_mutant_loses_points_with_its_message(tmp_path, capsys):
    killed = 0
    for i, batch in enumerate(one_per_question(MUTANTS)):
        tests = _submit(tmp_path, f"m{i}", [PRELUDE] + [s for s, _ in batch.values()])
        for question, (source, message) in batch.items():
            assert not tests[question].passed, f"survived: {source}"
            assert message in tests[question].output, (question, tests[question].output)
            killed += 1
        untouched = [n for n, t in tests.items() if n not in batch and not n.startswith("0.")]
        assert all(tests[n].passed for n in untouched), [
            (n, tests[n].output) for n in untouched if not tests[n].passed]
    with capsys.disabled():
        print(f"\nmutation score (optim_cnn): {killed}/{len(MUTANTS)} mutants killed")
    assert killed == len(MUTANTS) >= 35


def test_hard_coded_functions_earn_only_the_handout_share(tmp_path):
    tests = _submit(tmp_path, "hard", list(HARD_CODED.values()))
    for question in HARD_CODED:
        assert 0 < tests[question].score <= tests[question].max_score / 6 + 1e-9, (
            question, tests[question].score, tests[question].output)


def test_equivalent_rewrites_keep_full_marks(tmp_path):
    for i, rewrites in enumerate(REWRITES):
        tests = _submit(tmp_path, f"rw{i}", [PRELUDE] + rewrites)
        assert [(n, t.output) for n, t in tests.items() if not t.passed] == []


def test_a_hanging_function_costs_only_its_question(tmp_path):
    assignment = load_assignment("optim_cnn")
    quick = dataclasses.replace(assignment, student_limits=dataclasses.replace(
        assignment.student_limits, probe_seconds=1.5))
    folder = write(tmp_path / "loop", "answers.py", REFERENCE + PRELUDE + textwrap.dedent("""
        def rmsprop(X, t, eta, beta, eps, steps):
            while True:
                pass

        def conv2d(I, J):
            if np.asarray(J).shape[0] != np.asarray(J).shape[1]:
                raise ValueError("square kernels only")
            return _ref_conv2d(I, J)
        """)).parent
    tests = by_number(grade(quick, folder))
    assert tests["2c"].score == 0 and "did not finish" in tests["2c"].output
    assert "not tried" in tests["2c"].output
    assert 0 < tests["6b"].score < tests["6b"].max_score
    assert "square kernels only" in tests["6b"].output
    assert all(t.passed for n, t in tests.items() if n not in ("2c", "6b", "0.2c.run"))


def test_self_check_runs_each_function_without_the_reference(tmp_path):
    empty = tmp_path / "no-reference"
    empty.mkdir()
    env = {"AUTOGRADER_REFERENCE": str(empty), "COLUMNS": "200"}
    good = write(tmp_path / "good", "answers.py", REFERENCE).parent
    done = run_cli("check", "optim_cnn", str(good), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "runs and returns the right kind of result" in done.stdout
    valid_only = write(tmp_path / "valid", "answers.py", REFERENCE + textwrap.dedent("""
        def conv2d(I, J):
            return np.zeros((np.shape(I)[0] - 2, np.shape(I)[1] - 2))
        """)).parent
    done = run_cli("check", "optim_cnn", str(valid_only), env=env)
    assert done.returncode == 1 and "expected an array of I's shape (4, 6)" in done.stdout
    assert "points" not in done.stdout.lower() and "cross-correlation:" not in done.stdout


def test_seed_004_as_written_in_latex(tmp_path):
    """Seed 004's own LaTeX earns its right answers; its wrong ones get their messages, and its
    RMSProp (v from 1, a running sum, the old v in the step) is told each of its three
    mistakes, not a generic "w is wrong"."""
    tests = _submit(tmp_path, "seed004", [
        r'q1a = r"X^T(XX^T)^{-1}t"',
        r'q2a = r"\begin{pmatrix} \frac{4}{5} \\ \frac{2}{5} \end{pmatrix}"',
        r'q3 = r"\frac{1}{n} [Xw_0 - t]^T \left[I - \frac{2\eta}{n} XX^T \right]^2 [Xw_0 - t]"',
        r'q4a = r"\frac{n}{2} \cdot \frac{(X^T a)^T (X^T a)}{(X X^T a)^T (X X^T a)}"',
        r'q5 = r"\tilde{\lambda} = 0".split("=")[1]',
        'q8a = "15×15"',
        """
        def rmsprop(X, t, eta, beta, eps, steps):
            w, v = np.zeros(X.shape[1]), np.ones(X.shape[1])
            for _ in range(steps):
                grad = 2 / len(t) * X.T @ (X @ w - t)
                w = w - eta / np.sqrt(v) * grad
                v += grad ** 2
            return w
        """])
    assert all(tests[q].passed for q in ("1a", "2a", "3", "4a")), \
        [(q, tests[q].output) for q in ("1a", "2a", "3", "4a")]
    assert "adds no penalty" in tests["5"].output
    assert "a layer's own stride" in tests["8a"].output
    rmsprop = tests["2c"].output
    assert tests["2c"].score == 0 and "3 mistakes together" in rmsprop, rmsprop
    for part in ("v must start at 0", "AdaGrad's running sum", "before taking the step"):
        assert part in rmsprop, rmsprop
    sizes = _submit(tmp_path, "sizes", ['q8a = "14x14"', r'q5 = r"\frac{\lambda}{2\eta}"'])
    assert sizes["8a"].passed and sizes["0.8a"].passed and sizes["5"].passed
