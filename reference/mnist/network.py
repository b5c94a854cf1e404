"""Reference MNIST networks of assignment `mnist` (instructors only), in NumPy.

Inputs are images as raw uint8 pixels (any shape that flattens to 784 per image), labels are
ints 0..9.  A layer computes ``a @ weights[i] + biases[i]``, weights[i] of shape (n_in, n_out),
biases[i] of shape (n_out,).  Two architectures, named by ``arch``:

* ``"sigmoid"``: seed 001's 784-32-32-10 network: sigmoid, sigmoid, softmax, and the
  cross-entropy ``-sum(y * log(y_hat))`` on a one-hot y.  Raw pixels, no normalisation.
* ``"relu"``: seed 002 §4's 784-H-10 network: one hidden ReLU layer, a linear output, and the
  squared error ``||y - y_hat||^2`` on a one-hot y.  Its forward pass divides the pixels by 255
  (on raw pixels plain SGD would need a learning rate 255^2 times smaller), so evaluate it with
  ``predict("relu", ...)`` or ``accuracy(..., arch="relu")``, never with the sigmoid forward.

Computations run in the parameters' dtype: float64 everywhere except the "relu" network that
`train_minibatch` returns, which is float32 (several times faster, as accurate).  The sigmoid's
clip at +-500 needs float64: exp(500) overflows float32.

Seed 001's interface, one sample at a time in float64: `init_params`, `forward_sample`,
`gradients`, `train_one_sample`, `train_per_sample`.  Fast training: `train_minibatch`.
"""
import numpy as np

SIZES = (784, 32, 32, 10)  # seed 001's layer sizes
RELU_RECIPE = dict(epochs=5, batch_size=16, learning_rate=0.05, hidden=512)
"""Settings for ``train_minibatch("relu", ...)``: 97% test accuracy by epoch 3, 97.7% after the 5
epochs (seeds 0, 1 and 2), in about 13 s on 2 cores."""
SIGMOID_RECIPE = dict(epochs=3, batch_size=32, learning_rate=0.01)
"""Settings for ``train_minibatch("sigmoid", ...)``: about 86% test accuracy (seeds 0 and 1)."""


def sigmoid(z):
    """Numerically stable logistic sigmoid, as in seed 001 (clipped so that exp never overflows)."""
    z = np.clip(z, -500, 500)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def softmax(z):
    """Numerically stable softmax over the last axis."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(labels, classes=10, dtype=np.float64):
    """One-hot encoding: an int gives shape (classes,), a sequence of n ints (n, classes)."""
    return np.eye(classes, dtype=dtype)[labels]


def init_params(rng, sizes=SIZES):
    """(weights, biases) for layer sizes `sizes`: weights drawn from N(0, 1/max(n_in, n_out))
    (that is the variance) with the Generator `rng`, zero biases."""
    weights = [rng.normal(0.0, np.sqrt(1 / max(n_in, n_out)), size=(n_in, n_out))
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    return weights, biases


def _activations(arch, weights, biases, x):
    """Every layer's output for a batch x of shape (n, 784): [input, hidden..., output], the
    input as the network sees it (in the parameters' dtype, divided by 255 for "relu")."""
    x = np.asarray(x, dtype=weights[0].dtype)
    if arch == "sigmoid":
        acts = [x]
        for w, b in zip(weights[:-1], biases[:-1]):
            acts.append(sigmoid(acts[-1] @ w + b))
        acts.append(softmax(acts[-1] @ weights[-1] + biases[-1]))
    elif arch == "relu":
        acts = [x / 255]
        acts.append(np.maximum(acts[0] @ weights[0] + biases[0], 0))
        acts.append(acts[1] @ weights[1] + biases[1])
    else:
        raise ValueError(f"unknown arch {arch!r}: use 'sigmoid' or 'relu'")
    return acts


def _batch_gradients(arch, weights, biases, x, labels):
    """Gradients (weight_grads, bias_grads) of the loss SUMMED over the batch x (n, 784)."""
    acts = _activations(arch, weights, biases, x)
    target = one_hot(labels, dtype=acts[-1].dtype)
    # dLoss/d(last pre-activation): y_hat - y for softmax + cross-entropy, 2(y_hat - y) for
    # a linear output + squared error
    delta = acts[-1] - target if arch == "sigmoid" else 2 * (acts[-1] - target)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for i in reversed(range(len(weights))):
        weight_grads[i] = acts[i].T @ delta
        bias_grads[i] = delta.sum(axis=0)
        if i:  # back through layer i's weights and layer i-1's activation
            a = acts[i]
            delta = (delta @ weights[i].T) * (a * (1 - a) if arch == "sigmoid" else a > 0)
    return weight_grads, bias_grads


def forward_sample(weights, biases, sample, label):
    """Seed 001's feed_forward_sample: (cross-entropy loss, one-hot float vector of the guessed
    class) of the "sigmoid" network on one raw image."""
    y_hat = _activations("sigmoid", weights, biases, np.reshape(sample, (1, -1)))[-1][0]
    loss = -np.sum(one_hot(label) * np.log(y_hat))
    return loss, one_hot(np.argmax(y_hat))


def gradients(weights, biases, sample, label):
    """(weight_grads, bias_grads), shaped as the parameters: the exact gradient of the
    "sigmoid" network's cross-entropy loss on one raw image (float64)."""
    return _batch_gradients("sigmoid", weights, biases, np.reshape(sample, (1, -1)), [label])


def train_one_sample(weights, biases, sample, label, learning_rate=0.003, update_first=False):
    """One SGD step on one sample, in place: every parameter -= learning_rate * its gradient.
    With ``update_first``, a known mistake instead: each layer is updated before the gradient
    is propagated back through its weights, so the layers below get the updated weights'."""
    if not update_first:
        weight_grads, bias_grads = gradients(weights, biases, sample, label)
        for param, grad in zip(weights + biases, weight_grads + bias_grads):
            param -= learning_rate * grad
        return
    acts = _activations("sigmoid", weights, biases, np.reshape(sample, (1, -1)))
    delta = acts[-1] - one_hot([label])
    for i in reversed(range(len(weights))):
        weights[i] -= learning_rate * acts[i].T @ delta
        biases[i] -= learning_rate * delta[0]
        if i:
            delta = (delta @ weights[i].T) * acts[i] * (1 - acts[i])


def train_per_sample(weights, biases, x, y, learning_rate=0.003, update_first=False):
    """Seed 001's train_one_epoch: one SGD step per sample of (x, y), in order, in place."""
    for sample, label in zip(x, y):
        train_one_sample(weights, biases, sample, label, learning_rate, update_first)


def predict(arch, weights, biases, x):
    """Predicted labels (n,) of network `arch` for the raw images x (n, 28, 28) or (n, 784)."""
    return _activations(arch, weights, biases, np.reshape(x, (len(x), -1)))[-1].argmax(axis=1)


def accuracy(weights, biases, x, y, arch="sigmoid"):
    """Fraction of the raw images x whose label y network `arch` predicts (vectorised)."""
    return float(np.mean(predict(arch, weights, biases, x) == np.asarray(y)))


def train_minibatch(arch, x, y, epochs, batch_size, learning_rate, seed, hidden=512):
    """Train network `arch` from scratch with mini-batch SGD; return (weights, biases).

    Parameters start from ``init_params`` (sizes 784-32-32-10 for "sigmoid", 784-hidden-10 for
    "relu"; `hidden` is ignored for "sigmoid") and the batches come from a fresh shuffle of
    (x, y) every epoch, all drawn from ``np.random.default_rng(seed)``.  Each step subtracts
    learning_rate times the gradient of the loss AVERAGED over the batch.  The parameters are
    float64 for "sigmoid", float32 for "relu".
    """
    if arch not in ("sigmoid", "relu"):
        raise ValueError(f"unknown arch {arch!r}: use 'sigmoid' or 'relu'")
    rng = np.random.default_rng(seed)
    weights, biases = init_params(rng, SIZES if arch == "sigmoid" else (784, hidden, 10))
    if arch == "relu":
        weights = [w.astype(np.float32) for w in weights]
        biases = [b.astype(np.float32) for b in biases]
    x, y = np.reshape(x, (len(x), -1)), np.asarray(y)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            weight_grads, bias_grads = _batch_gradients(arch, weights, biases, x[batch], y[batch])
            for param, grad in zip(weights + biases, weight_grads + bias_grads):
                param -= learning_rate / len(batch) * grad
    return weights, biases
