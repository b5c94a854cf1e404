"""`mnist`: notebooks written the ways real ones are (NYU ECE-GY 7123/9123), graded as a
careful TA would: every layout that computes the right thing earns full marks, every broken
backward pass loses the training points, and the unfilled starter is told what is missing."""
import pytest

from autograder.grading import grade
from tests.helpers import ROOT, by_number
from tests.assignments.test_mnist import FULL, HELPERS, notebook, pytestmark  # noqa: F401  (skip without MNIST)

# Weights and biases built in a loop with .append, read in the functions through module
# aliases and updated in place; dsigmoid written for activations; plots and training at top
# level.
LOOP_AND_ALIASES = '''
import matplotlib.pyplot as plt

def dsigmoid(a):                       # the derivative, written for the activation a
    return a * (1 - a)

np.random.seed(7)
sizes = [784, 32, 32, 10]
weights, biases = [], []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    weights.append(np.random.randn(n_in, n_out) / np.sqrt(max(n_in, n_out)))
    biases.append(np.zeros(n_out))
w1, w2, w3 = weights
b1 = biases[0]
b2 = biases[1]
b3 = biases[2]

def feed_forward_sample(sample, y):
    h1 = sigmoid(sample.flatten() @ w1 + b1)
    h2 = sigmoid(h1 @ w2 + b2)
    p = softmax(h2 @ w3 + b3)
    return cross_entropy_loss(integer_to_one_hot(y, 10), p), integer_to_one_hot(np.argmax(p), 10)

def train_one_sample(sample, y, learning_rate=0.003):
    x = sample.flatten().astype(float)
    h1 = sigmoid(x @ w1 + b1)
    h2 = sigmoid(h1 @ w2 + b2)
    e3 = softmax(h2 @ w3 + b3) - integer_to_one_hot(y, 10)
    e2 = (w3 @ e3) * dsigmoid(h2)
    e1 = (w2 @ e2) * dsigmoid(h1)
    for w, b, a, e in ((w1, b1, x, e1), (w2, b2, h1, e2), (w3, b3, h2, e3)):
        w -= learning_rate * np.outer(a, e)
        b -= learning_rate * e

def train_one_epoch(learning_rate=0.003):
    for i in range(len(x_train)):
        train_one_sample(x_train[i], y_train[i], learning_rate)

fig, axes = plt.subplots(1, 3)
for ax, image in zip(axes, x_train):
    ax.imshow(image, cmap="gray")
accuracies = []
for epoch in range(3):
    train_one_epoch()
    accuracies.append(np.mean([feed_forward_sample(s, t)[1][t] for s, t in zip(x_test, y_test)]))
'''

# (n_out, n_in) weights, (n, 1) biases, column vectors; train_one_sample without a default
# rate, rebinding its globals (so the `weights` and `biases` lists go stale).
COLUMNS = '''
rng = np.random.default_rng(3)
W1 = rng.normal(0, np.sqrt(1 / 784), (32, 784))
W2 = rng.normal(0, np.sqrt(1 / 32), (32, 32))
W3 = rng.normal(0, np.sqrt(1 / 32), (10, 32))
b1, b2, b3 = np.zeros((32, 1)), np.zeros((32, 1)), np.zeros((10, 1))
weights = [W1, W2, W3]
biases = [b1, b2, b3]

def activations(x):
    a1 = sigmoid(W1 @ x + b1)
    a2 = sigmoid(W2 @ a1 + b2)
    return a1, a2, softmax(W3 @ a2 + b3)

def feed_forward_sample(sample, y):
    p = activations(sample.reshape(784, 1))[2]
    return (cross_entropy_loss(integer_to_one_hot(y, 10).reshape(10, 1), p),
            integer_to_one_hot(np.argmax(p), 10))

def train_one_sample(sample, y, learning_rate):
    global W1, W2, W3, b1, b2, b3
    x = sample.reshape(784, 1) / 1.0
    a1, a2, p = activations(x)
    d3 = p - integer_to_one_hot(y, 10).reshape(10, 1)
    d2 = W3.T @ d3 * a2 * (1 - a2)
    d1 = W2.T @ d2 * a1 * (1 - a1)
    W3, b3 = W3 - learning_rate * d3 @ a2.T, b3 - learning_rate * d3
    W2, b2 = W2 - learning_rate * d2 @ a1.T, b2 - learning_rate * d2
    W1, b1 = W1 - learning_rate * d1 @ x.T, b1 - learning_rate * d1

def train_one_epoch(learning_rate=0.003):
    for sample, label in zip(x_train, y_train):
        train_one_sample(sample, label, learning_rate)
'''

# One dict {'W1': ..., 'b1': ...} of (n_in, n_out) weights and scalar-0 biases, built in a loop.
DICT = '''
rng = np.random.default_rng(11)
params = {}
for i, (n_in, n_out) in enumerate([(784, 32), (32, 32), (32, 10)], start=1):
    params[f"W{i}"] = rng.normal(0, (1 / max(n_in, n_out)) ** 0.5, (n_in, n_out))
    params[f"b{i}"] = 0

def feed_forward_sample(sample, y):
    a = sample.reshape(-1)
    for i in (1, 2):
        a = sigmoid(a @ params[f"W{i}"] + params[f"b{i}"])
    p = softmax(a @ params["W3"] + params["b3"])
    return cross_entropy_loss(integer_to_one_hot(y, 10), p), integer_to_one_hot(np.argmax(p), 10)

def train_one_sample(sample, y, learning_rate=0.003):
    a0 = sample.reshape(-1).astype(float)
    a1 = sigmoid(a0 @ params["W1"] + params["b1"])
    a2 = sigmoid(a1 @ params["W2"] + params["b2"])
    d3 = softmax(a2 @ params["W3"] + params["b3"]) - integer_to_one_hot(y, 10)
    d2 = params["W3"] @ d3 * a2 * (1 - a2)
    d1 = params["W2"] @ d2 * a1 * (1 - a1)
    grads = {"W1": np.outer(a0, d1), "b1": d1, "W2": np.outer(a1, d2), "b2": d2,
             "W3": np.outer(a2, d3), "b3": d3}
    for key, grad in grads.items():
        params[key] = params[key] - learning_rate * grad

def train_one_epoch(learning_rate=0.003):
    for image, label in zip(x_train, y_train):
        train_one_sample(image, label, learning_rate)
'''

# `biases = [0, 0, 0]` with row vectors: the update gives them shape (1, n).
SCALAR_BIASES = '''
rng = np.random.default_rng(5)
weights = [rng.standard_normal((a, b)) * np.sqrt(1 / max(a, b))
           for a, b in ((784, 32), (32, 32), (32, 10))]
biases = [0, 0, 0]

def layers(sample):
    acts = [sample.reshape(1, 784).astype(float)]
    for i in range(3):
        z = acts[-1] @ weights[i] + biases[i]
        acts.append(softmax(z) if i == 2 else sigmoid(z))
    return acts

def feed_forward_sample(sample, y):
    p = layers(sample)[-1]
    return cross_entropy_loss(integer_to_one_hot(y, 10), p), integer_to_one_hot(np.argmax(p), 10)

def train_one_sample(sample, y, learning_rate=0.003):
    acts = layers(sample)
    delta = acts[3] - integer_to_one_hot(y, 10)
    for i in (2, 1, 0):
        grad_w, grad_b = acts[i].T @ delta, delta
        if i:
            delta = (delta @ weights[i].T) * acts[i] * (1 - acts[i])
        weights[i] -= learning_rate * grad_w
        biases[i] -= learning_rate * grad_b

def train_one_epoch(learning_rate=0.003):
    for i in range(len(y_train)):
        train_one_sample(x_train[i], y_train[i], learning_rate)
'''

# A correct network in the handout's own layout, the base of the variants below.
CORRECT = '''
rng = np.random.default_rng(2)
weights = [rng.normal(0, 1 / np.sqrt(max(a, b)), (a, b))
           for a, b in ((784, 32), (32, 32), (32, 10))]
biases = [np.zeros(b) for b in (32, 32, 10)]

def feed_forward_sample(sample, y):
    h = sample.ravel()
    for i in range(2):
        h = sigmoid(h @ weights[i] + biases[i])
    out = softmax(h @ weights[2] + biases[2])
    return cross_entropy_loss(integer_to_one_hot(y, 10), out), integer_to_one_hot(out.argmax(), 10)

def train_one_sample(sample, y, learning_rate=0.003):
    x = sample.ravel().astype(float)
    z1 = x @ weights[0] + biases[0]
    h1 = sigmoid(z1)
    z2 = h1 @ weights[1] + biases[1]
    h2 = sigmoid(z2)
    out = softmax(h2 @ weights[2] + biases[2])
    g3 = out - integer_to_one_hot(y, 10)
    g2 = weights[2] @ g3 * dsigmoid(z2)
    g1 = weights[1] @ g2 * dsigmoid(z1)
    for i, (a, g) in enumerate(((x, g1), (h1, g2), (h2, g3))):
        weights[i] -= learning_rate * np.outer(a, g)
        biases[i] -= learning_rate * g

def train_one_epoch(learning_rate=0.003):
    for i in range(len(x_train)):
        train_one_sample(x_train[i], y_train[i], learning_rate)
'''

# Biases drawn from a normal distribution (the handout only suggests zeros), and an epoch
# that does not pass its learning rate on.
NORMAL_BIASES = CORRECT.replace(
    "biases = [np.zeros(b) for b in (32, 32, 10)]",
    "biases = [rng.normal(0, 1 / np.sqrt(b), b) for b in (32, 32, 10)]").replace(
    "train_one_sample(x_train[i], y_train[i], learning_rate)",
    "train_one_sample(x_train[i], y_train[i])")

# Each layer updated before the gradient goes back through its weights: close to exact
# backprop at a tiny learning rate, not at the handout's.
UPDATE_FIRST = CORRECT.replace(
    """    g2 = weights[2] @ g3 * dsigmoid(z2)
    g1 = weights[1] @ g2 * dsigmoid(z1)
    for i, (a, g) in enumerate(((x, g1), (h1, g2), (h2, g3))):
        weights[i] -= learning_rate * np.outer(a, g)
        biases[i] -= learning_rate * g
""", """    g, acts = g3, (x, h1, h2)
    for i in (2, 1, 0):
        weights[i] -= learning_rate * np.outer(acts[i], g)
        biases[i] -= learning_rate * g
        g = weights[i] @ g * acts[i] * (1 - acts[i])
""")

# Backward passes that are wrong, yet train (some better than exact backprop in one epoch).
BROKEN = {
    "dsigmoid of the activation": [("dsigmoid(z2)", "dsigmoid(h2)"),
                                   ("dsigmoid(z1)", "dsigmoid(h1)")],
    "no sigmoid derivative": [(" * dsigmoid(z2)", ""), (" * dsigmoid(z1)", "")],
    "pre-activations for the weight gradients": [("((x, g1), (h1, g2), (h2, g3))",
                                                  "((x, g1), (z1, g2), (z2, g3))")],
}


def variant(changes):
    source = CORRECT
    for old, new in changes:
        assert old in source
        source = source.replace(old, new)
    return source


def graded(tmp_path, source):
    return grade("mnist", notebook(tmp_path / "s", HELPERS, source))


def failures(result):
    return [(t.number, t.output) for t in result.tests if not t.passed]


def test_state_built_in_loops_read_through_aliases(tmp_path):
    result = graded(tmp_path, LOOP_AND_ALIASES)
    assert result.score == FULL, failures(result)
    assert "3 top-level statement(s) that train or plot were skipped" in result.output
    assert "raised" not in result.output


@pytest.mark.parametrize("source", [COLUMNS, DICT, SCALAR_BIASES],
                         ids=["columns-rebound-globals", "dict-scalar-biases", "scalar-biases"])
def test_layouts_of_real_notebooks_get_full_marks(tmp_path, source):
    result = graded(tmp_path, source)
    assert result.score == FULL, failures(result)


def test_non_zero_biases_keep_the_init_points_with_a_note(tmp_path):
    tests = by_number(graded(tmp_path, NORMAL_BIASES))
    assert tests["1"].score == 2 and "the biases start non-zero" in tests["1"].output
    assert tests["2"].passed and tests["3"].passed
    assert tests["4"].score == 2 and "pass its learning_rate on" in tests["4"].output


def test_updating_a_layer_before_propagating_through_it_loses_training_points(tmp_path):
    assert "g = weights[i] @ g" in UPDATE_FIRST
    tests = by_number(graded(tmp_path, UPDATE_FIRST))
    assert tests["1"].passed and tests["2"].passed and tests["3"].passed
    assert tests["4"].score == 1 and "updates a layer before propagating" in tests["4"].output


@pytest.mark.parametrize("changes", BROKEN.values(), ids=BROKEN.keys())
def test_broken_backprop_loses_the_training_points(tmp_path, changes):
    tests = by_number(graded(tmp_path, variant(changes)))
    assert tests["1"].passed and tests["2"].passed
    assert tests["3"].score == 0
    assert tests["4"].score == 0 and "its steps are not exact backpropagation" in tests["4"].output


def test_unfilled_starter_is_told_what_is_not_answered(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "mnist.ipynb").write_text(
        (ROOT / "student_template" / "mnist" / "mnist.ipynb").read_text())
    result = grade("mnist", folder)
    tests = by_number(result)
    assert result.score == 0
    assert all(t.output for t in result.tests)     # every test says something
    for number in ("1", "2", "3", "4"):
        assert "`weights` is not answered yet" in tests[number].output
    assert "__main__" not in result.output + "".join(t.output for t in result.tests)
