"""Reference solution of assignment `optim_cnn` (instructors only), in the submission format."""
import numpy as np

# Q1: least squares L(w) = (1/n) ||X w - t||^2 with X (n x d), d > n, w0 = 0.
q1a = "X.T @ inv(X @ X.T) @ t"           # the minimum-norm solution of X w = t

# Q2: RMSProp from w0 = 0 on x1 = [2, 1], t = [2].
q2a = ("4/5", "2/5")                    # the minimum-norm solution (2/5) x1
q2b = "no"                              # RMSProp does not reach it

# Q3-Q5: one GD step w1 = w0 - (2 eta/n) X^T a, with a = X w0 - t.
q3 = "(1/n) * a.T @ (I - (2*eta/n) * X @ X.T) @ (I - (2*eta/n) * X @ X.T) @ a"   # L1(eta)
q4a = "(n/2) * norm(X.T @ a)**2 / norm(X @ X.T @ a)**2"                         # eta*
q5 = "lam / (2*eta)"                    # the L2 penalty equivalent to weight decay lam

# Q6: I * J with zero "same" padding, as cross-correlation.
q6a = [[0, 1, 2, 3, 2],
       [2, 3, 3, 2, 1],
       [1, 1, 1, -1, -1],
       [-2, -2, -2, -1, -1],
       [-1, -2, -3, -2, -1]]

# Q7: 32x32 input, conv3x3 -> pool2 -> conv3x3 -> pool2 -> conv3x3 (one channel, same padding);
# neurons count the input units.  (CNN neurons, CNN parameters, FC neurons, FC parameters).
q7a = (2688, 30, 2688, 1119552)

# Q8: receptive field after conv5x5 -> pool2 -> conv5x5.
q8a = 14


def _rows(X, t):
    X = np.asarray(X, dtype=float)
    t = np.asarray(t, dtype=float).reshape(-1)
    if X.ndim != 2 or X.shape[0] != t.size:
        raise ValueError(f"X must be n x d and t of length n; got X {X.shape}, t {t.shape}")
    return X, t


def min_norm_solution(X, t):
    """The minimum-norm w with X w = t, for X of full row rank (n <= d)."""
    X, t = _rows(X, t)
    if X.shape[0] > X.shape[1]:
        raise ValueError(f"X must have no more rows than columns (n <= d); got {X.shape}")
    return X.T @ np.linalg.solve(X @ X.T, t)


def minibatch_sgd(X, t, batch_size, eta, steps, seed):
    """Mini-batch SGD on (1/n)||X w - t||^2 from w0 = 0: each step draws `batch_size` distinct
    rows and moves against (2/b) X_B^T (X_B w - t_B)."""
    X, t = _rows(X, t)
    if not 1 <= batch_size <= len(t):
        raise ValueError(f"batch_size must be between 1 and n = {len(t)}, got {batch_size}")
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        batch = rng.choice(len(t), size=batch_size, replace=False)
        Xb, tb = X[batch], t[batch]
        w = w - eta * (2 / batch_size) * Xb.T @ (Xb @ w - tb)
    return w


def rmsprop(X, t, eta, beta, eps, steps):
    """Full-batch RMSProp on (1/n)||X w - t||^2 from w0 = 0 with v_{-1} = 0."""
    X, t = _rows(X, t)
    w, v = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for _ in range(steps):
        g = (2 / len(t)) * X.T @ (X @ w - t)
        v = beta * v + (1 - beta) * g ** 2
        w = w - eta * g / (np.sqrt(v) + eps)
    return w


def optimal_lr(X, t, w0):
    """The learning rate that minimises the loss after one GD step from w0."""
    X, t = _rows(X, t)
    a = X @ np.asarray(w0, dtype=float).reshape(-1) - t
    g, h = X.T @ a, X @ (X.T @ a)
    return len(t) / 2 * (g @ g) / (h @ h)


def conv2d(I, J):
    """I * J: cross-correlation of I with the odd-sized kernel J, zero "same" padding."""
    I, J = np.asarray(I, dtype=float), np.asarray(J, dtype=float)
    if I.ndim != 2 or J.ndim != 2 or J.shape[0] % 2 == 0 or J.shape[1] % 2 == 0:
        raise ValueError(f"I must be 2-D and J 2-D with odd sides; got {I.shape}, {J.shape}")
    ph, pw = J.shape[0] // 2, J.shape[1] // 2
    padded = np.pad(I, ((ph, ph), (pw, pw)))
    out = np.zeros(I.shape)
    for u in range(J.shape[0]):
        for v in range(J.shape[1]):
            out += J[u, v] * padded[u:u + I.shape[0], v:v + I.shape[1]]
    return out


def _units(size, layers):
    """(units, parameters of the conv layer, parameters of its FC replacement) per layer."""
    if not (isinstance(size, int) and size > 0):
        raise ValueError(f"size must be a positive integer, got {size!r}")
    side, channels, out = size, 1, []
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, k, c = layer
            units_in = side * side * channels
            out.append((side * side * c, k * k * channels * c + c, (units_in + 1) * side * side * c))
            channels = c
        elif kind == "pool":
            _, p = layer
            if side % p:
                raise ValueError(f"a {p}x{p} pooling does not divide a {side}x{side} map")
            side //= p
            out.append((side * side * channels, 0, 0))
        else:
            raise ValueError(f"unknown layer {layer!r}: use ('conv', k, c) or ('pool', p)")
    return size * size, out


def cnn_counts(size, layers):
    """(neurons, parameters) of the CNN; neurons include the input units."""
    inputs, layers = _units(size, layers)
    return inputs + sum(u for u, _, _ in layers), sum(p for _, p, _ in layers)


def fc_counts(size, layers):
    """(neurons, parameters) when every conv layer is a fully connected layer with the same
    input and output units."""
    inputs, layers = _units(size, layers)
    return inputs + sum(u for u, _, _ in layers), sum(f for _, _, f in layers)


def receptive_field(layers):
    """Side of the receptive field of one unit after `layers`, a list of (kernel, stride)."""
    field, jump = 1, 1
    for layer in layers:
        if not (len(layer) == 2 and all(isinstance(v, int) and v >= 1 for v in layer)):
            raise ValueError(f"each layer is (kernel, stride), two positive integers; got {layer!r}")
        kernel, stride = layer
        field += (kernel - 1) * jump
        jump *= stride
    return field
