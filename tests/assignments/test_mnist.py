"""Assignment `mnist`: real notebooks graded by behaviour, whatever their layout."""
import time

import nbformat
import pytest

from autograder.grading import grade
from tests.helpers import ROOT, by_number

pytestmark = pytest.mark.skipif(not (ROOT.parent / "shared" / "mnist").is_dir(),
                                reason="shared/mnist is not beside the repo")
FULL = 10.0

HELPERS = '''
import numpy as np
try:
    from autograder.mnist import load
    (x_train, y_train), (x_test, y_test) = load("train"), load("test")
except ImportError:
    import tensorflow as tf
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()

def sigmoid(x):
    x = np.clip(x, -500, 500)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

def dsigmoid(x):
    return sigmoid(x) * (1 - sigmoid(x))

def softmax(x):
    b = x.max()
    y = np.exp(x - b)
    return y / y.sum()

def cross_entropy_loss(y, yHat):
    return -np.sum(y * np.log(yHat))

def integer_to_one_hot(x, max):
    result = np.zeros(max)
    result[x] = 1
    return result
'''

# Seed 001's own answers, as submitted: (784, 32) weights, (1, n) biases, a right forward pass
# and a wrong backward pass (its accuracy stays at 10.10%).
SEED_001 = '''
import math
sigma = [1/math.sqrt(784), 1/math.sqrt(32), 1/math.sqrt(32)]
w1 = np.random.normal(loc=0, scale=sigma[0], size=784*32).reshape(784, 32)
w2 = np.random.normal(loc=0, scale=sigma[1], size=32*32).reshape(32, 32)
w3 = np.random.normal(loc=0, scale=sigma[1], size=32*10).reshape(32, 10)
weights = [w1, w2, w3]
biases = [np.zeros((1, n)) for n in (32, 32, 10)]

def feed_forward_sample(sample, y):
    L1 = sigmoid(np.dot(sample, weights[0]) + biases[0])
    L2 = sigmoid(np.dot(L1, weights[1]) + biases[1])
    output = softmax(np.dot(L2, weights[2]) + biases[2])
    one_hot_guess = integer_to_one_hot(np.argmax(output), 10)
    y = integer_to_one_hot(y, 10)
    loss = cross_entropy_loss(y, output)
    return loss, one_hot_guess

def train_one_sample(sample, y, learning_rate=0.003):
    a = sample.flatten()
    A1 = np.dot(a, weights[0]) + biases[0]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, weights[1]) + biases[1]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, weights[2]) + biases[2]
    Z3 = softmax(A3)
    one_hot_guess = integer_to_one_hot(np.argmax(Z3), 10)
    y = integer_to_one_hot(y, 10)
    dZ3 = -1 * (one_hot_guess - (one_hot_guess * Z3))
    Z2 = Z2.reshape(1, 32)
    dZ3 = dZ3.reshape(1, 10)
    dW3 = np.dot(Z2.T, dZ3)
    dB3 = dZ3
    dZ2 = dsigmoid(Z2) * np.dot(dZ3, Z3.T)
    A1 = A1.reshape(1, 32)
    dZ2 = dZ2.reshape(1, 32)
    dW2 = np.dot(A1.T, dZ2)
    dB2 = dZ2
    dZ1 = dsigmoid(Z1) * np.dot(dZ2, Z2.T)
    a = a.reshape(1, 784)
    dZ1 = dZ1.reshape(1, 32)
    dW1 = np.dot(a.T, dZ1)
    dB1 = dZ1
    weight_gradients = [dW1, dW2, dW3]
    bias_gradients = [dB1, dB2, dB3]
    for i in range(0, 3):
        weights[i] -= weight_gradients[i] * learning_rate
        biases[i] -= bias_gradients[i].flatten() * learning_rate

def train_one_epoch(learning_rate=0.003):
    for i in range(len(x_train)):
        train_one_sample(x_train[i], y_train[i])
'''

# A correct notebook in the other layout: (n_out, n_in) weights, (1, n) biases, and a
# backward pass that updates each layer right after computing its gradient.
OTHER_LAYOUT = '''
rng = np.random.default_rng(1)
sizes = [784, 32, 32, 10]
weights = [rng.normal(0, np.sqrt(1 / max(a, b)), (b, a)) for a, b in zip(sizes, sizes[1:])]
biases = [np.zeros((1, b)) for b in sizes[1:]]

def feed_forward_sample(sample, y):
    a = sample.reshape(1, -1)
    for W, b in zip(weights[:2], biases[:2]):
        a = sigmoid(a @ W.T + b)
    out = softmax(a @ weights[2].T + biases[2]).ravel()
    return cross_entropy_loss(integer_to_one_hot(y, 10), out), integer_to_one_hot(out.argmax(), 10)

def train_one_sample(sample, y, learning_rate=0.003):
    a0 = sample.reshape(1, -1).astype(float)
    a1 = sigmoid(a0 @ weights[0].T + biases[0])
    a2 = sigmoid(a1 @ weights[1].T + biases[1])
    delta = softmax(a2 @ weights[2].T + biases[2]) - integer_to_one_hot(y, 10)
    for layer, below in ((2, a2), (1, a1), (0, a0)):
        back = delta @ weights[layer]
        weights[layer] -= learning_rate * delta.T @ below
        biases[layer] -= learning_rate * delta
        delta = back * below * (1 - below)

def train_one_epoch(learning_rate=0.003):
    for s, t in zip(x_train, y_train):
        train_one_sample(s, t, learning_rate)

for epoch in range(3):          # trains for minutes at top level: never run by the grader
    train_one_epoch()
'''


def notebook(folder, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "mnist.ipynb"))
    return folder


def test_reference_notebook_full_marks_without_running_its_training(tmp_path):
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "mnist.ipynb").write_text((ROOT / "reference" / "mnist" / "mnist.ipynb").read_text())
    started = time.monotonic()
    result = grade("mnist", folder)
    assert result.score == FULL, [(t.number, t.output) for t in result.tests if not t.passed]
    assert "were skipped" in result.output
    assert time.monotonic() - started < 60


def test_the_other_layout_and_row_biases_get_full_marks(tmp_path):
    result = grade("mnist", notebook(tmp_path / "s", HELPERS, OTHER_LAYOUT))
    assert result.score == FULL, [(t.number, t.output) for t in result.tests if not t.passed]


def test_seed_001_loses_backprop_and_training_only(tmp_path):
    tests = by_number(grade("mnist", notebook(tmp_path / "s", HELPERS, SEED_001)))
    assert tests["1"].passed and tests["2"].passed
    assert tests["3"].score == 0 and "layer 3 weights is wrong" in tests["3"].output
    assert tests["4"].score == 0
    assert "passes each sample in order through train_one_sample, but its steps are not " \
           "exact backpropagation" in tests["4"].output


# A correct initialisation and nothing else that works: its `weights` list reads as zeros from
# the second read on, its forward pass returns what zero weights give, training does nothing,
# and the clock is stopped.  It used to earn 7 of 10 points (the grader computed expectations
# from weights the notebook handed back, and trusted its sample count and clock).
INITIALISATION_ONLY = '''
import time

class Fickle(list):
    reads = 0
    def __iter__(self):
        Fickle.reads += 1
        real = list.__iter__(self)
        return real if Fickle.reads == 1 else iter([np.zeros_like(w) for w in real])

rng = np.random.default_rng(5)
weights = Fickle(rng.normal(0, np.sqrt(1 / max(a, b)), (a, b))
                 for a, b in ((784, 32), (32, 32), (32, 10)))
biases = [np.zeros(n) for n in (32, 32, 10)]

def feed_forward_sample(sample, y):
    return float(np.log(10)), integer_to_one_hot(0, 10)

def train_one_sample(sample, y, learning_rate=0.003):
    pass

def train_one_epoch(learning_rate=0.003):
    for sample, label in zip(x_train, y_train):
        train_one_sample(sample, label, learning_rate)

time.monotonic = lambda: 0.0
time.time = lambda: 0.0
'''


def test_only_what_the_code_earns(tmp_path):
    tests = by_number(grade("mnist", notebook(tmp_path / "s", HELPERS, INITIALISATION_ONLY)))
    assert tests["1"].passed
    assert [tests[n].score for n in ("2", "3", "4")] == [0, 0, 0]
    assert "with parameters the grader chose" in tests["2"].output
    assert "its steps are not exact backpropagation" in tests["4"].output
