"""Single-point variants of reference/backprop/mlp.py, for testing how `backprop` is graded.

MUTANTS are wrong: each still imports and runs `behaviour` but changes at least one recorded
value.  REWRITES are equivalent: every recorded value stays the same (to rounding).  Each entry
is (description, old_text, new_text); old_text occurs exactly once in the reference.

`behaviour(module, seed)` runs an mlp module on fixed data and returns what it computed.  Its
weight matrices are square (in1 = out1 = out2) so that transposition mistakes run instead of
failing on a shape, and the batch size differs from the feature sizes.
"""
from __future__ import annotations

import numpy as np

MUTANTS: list[tuple[str, str, str]] = [
    # forward
    ("forward uses W1 instead of W1.T",
     "z1 = x @ p['W1'].T + p['b1']", "z1 = x @ p['W1'] + p['b1']"),
    ("forward uses W2 instead of W2.T",
     "z3 = z2 @ p['W2'].T + p['b2']", "z3 = z2 @ p['W2'] + p['b2']"),
    ("forward forgets b1", "z1 = x @ p['W1'].T + p['b1']", "z1 = x @ p['W1'].T"),
    ("forward subtracts b2", "z3 = z2 @ p['W2'].T + p['b2']", "z3 = z2 @ p['W2'].T - p['b2']"),
    ("f is not applied", "z2 = _activation(self.f_function, z1)", "z2 = z1"),
    ("g is applied twice", "y_hat = _activation(self.g_function, z3)",
     "y_hat = _activation(self.g_function, _activation(self.g_function, z3))"),
    ("f is used in place of g", "y_hat = _activation(self.g_function, z3)",
     "y_hat = _activation(self.f_function, z3)"),
    ("the cache is written only by the first forward",
     "self.cache.update(x=x, z1=z1, z2=z2, z3=z3)",
     "if not self.cache:\n            self.cache.update(x=x, z1=z1, z2=z2, z3=z3)"),
    # activations and their derivatives
    ("relu as absolute value", "return np.maximum(z, 0)", "return np.abs(z)"),
    ("sigmoid with the sign of the exponent flipped",
     "return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(z))"),
    ("relu' is relu itself", "return (z > 0).astype(float)", "return np.maximum(z, 0)"),
    ("relu' with the inequality flipped", "return (z > 0).astype(float)",
     "return (z < 0).astype(float)"),
    ("sigmoid' is s instead of s(1 - s)", "return s * (1 - s)", "return s"),
    ("sigmoid' is 1 - s", "return s * (1 - s)", "return 1 - s"),
    ("sigmoid' is z(1 - z): the pre-activation taken for s",
     "s = _activation('sigmoid', z)", "s = z"),
    ("identity' is the identity itself", "return np.ones_like(z)  # identity",
     "return z  # identity"),
    ("identity' is 0", "return np.ones_like(z)  # identity", "return np.zeros_like(z)  # identity"),
    ("identity' overwrites its argument in place (z2 is z1, so the cached z2 becomes ones)",
     "return np.ones_like(z)  # identity", "z[...] = 1\n    return z  # identity"),
    # backward
    ("dJ/dz3 with the sign flipped",
     "dJdz3 = dJdy_hat * _derivative", "dJdz3 = -dJdy_hat * _derivative"),
    ("g' forgotten in the chain rule",
     "dJdz3 = dJdy_hat * _derivative(self.g_function, c['z3'])", "dJdz3 = dJdy_hat"),
    ("f' taken in place of g'", "_derivative(self.g_function, c['z3'])",
     "_derivative(self.f_function, c['z3'])"),
    ("dJ/dz2 through W2.T instead of W2", "dJdz2 = dJdz3 @ p['W2']", "dJdz2 = dJdz3 @ p['W2'].T"),
    ("f' forgotten in the chain rule",
     "dJdz1 = dJdz2 * _derivative(self.f_function, c['z1'])", "dJdz1 = dJdz2"),
    ("f' at the post-activation z2 instead of z1", "_derivative(self.f_function, c['z1'])",
     "_derivative(self.f_function, c['z2'])"),
    ("dJ/dW2 transposed", "dJdz3.T @ c['z2']", "c['z2'].T @ dJdz3"),
    ("dJ/dW2 from the pre-activation z1 instead of z2", "dJdz3.T @ c['z2']", "dJdz3.T @ c['z1']"),
    ("dJ/dW1 transposed", "dJdz1.T @ c['x']", "c['x'].T @ dJdz1"),
    ("dJ/dW1 skips f'", "dJdz1.T @ c['x']", "dJdz2.T @ c['x']"),
    ("dJ/dW1 from z1 instead of the input x", "dJdz1.T @ c['x']", "dJdz1.T @ c['z1']"),
    ("dJ/db2 is a mean over the batch, not a sum", "dJdz3.sum(axis=0)", "dJdz3.mean(axis=0)"),
    ("dJ/db1 summed over both axes", "dJdz1.sum(axis=0)", "dJdz1.sum()"),
    ("dJ/db1 from the first sample only", "dJdz1.sum(axis=0)", "dJdz1[0]"),
    ("dJ/db2 not summed over the batch (it gets the batch's shape)",
     "self.grads['dJdb2'] += dJdz3.sum(axis=0)",
     "self.grads['dJdb2'] = self.grads['dJdb2'] + dJdz3"),
    ("dJ/dW1 assigned, not accumulated", "self.grads['dJdW1'] +=", "self.grads['dJdW1'] ="),
    ("dJ/db1 assigned, not accumulated", "self.grads['dJdb1'] +=", "self.grads['dJdb1'] ="),
    ("dJ/dW2 subtracted from the gradient", "self.grads['dJdW2'] +=", "self.grads['dJdW2'] -="),
    ("dJ/db2 starts at one, not zero", "dJdb2=np.zeros(linear_2_out_features)",
     "dJdb2=np.ones(linear_2_out_features)"),
    # clear_grad_and_cache
    ("clearing rebinds a local name, so the gradients stay",
     "grad.fill(0)", "grad = np.zeros_like(grad)"),
    ("clearing replaces the gradients by the scalar 0",
     "for grad in self.grads.values():\n            grad.fill(0)",
     "self.grads = dict.fromkeys(self.grads, 0)"),
    # mse
    ("mse: dJ/dy_hat without the factor 2",
     "dJdy_hat = 2 * (y_hat - y) / y.size", "dJdy_hat = (y_hat - y) / y.size"),
    ("mse: dJ/dy_hat with the sign flipped",
     "dJdy_hat = 2 * (y_hat - y) / y.size", "dJdy_hat = 2 * (y - y_hat) / y.size"),
    ("mse: dJ/dy_hat summed, not averaged",
     "dJdy_hat = 2 * (y_hat - y) / y.size", "dJdy_hat = 2 * (y_hat - y)"),
    ("mse: dJ/dy_hat divided by the batch size only",
     "dJdy_hat = 2 * (y_hat - y) / y.size", "dJdy_hat = 2 * (y_hat - y) / len(y)"),
    ("mse: J summed, not averaged", "J = np.mean((y_hat - y) ** 2)", "J = np.sum((y_hat - y) ** 2)"),
    ("mse: J averaged over the batch only (a vector)",
     "J = np.mean((y_hat - y) ** 2)", "J = np.mean((y_hat - y) ** 2, axis=0)"),
    ("mse: J not squared", "J = np.mean((y_hat - y) ** 2)", "J = np.mean(y_hat - y)"),
    ("mse: the arguments swapped (y_hat, y)", "def mse_loss(y, y_hat):", "def mse_loss(y_hat, y):"),
    # bce
    ("bce: the arguments swapped (y_hat, y)", "def bce_loss(y, y_hat):", "def bce_loss(y_hat, y):"),
    ("bce: J without the (1 - y) term",
     "J = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))",
     "J = -np.mean(y * np.log(y_hat))"),
    ("bce: J with the sign flipped", "J = -np.mean(y * np.log", "J = np.mean(y * np.log"),
    ("bce: J with the two logs swapped",
     "y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)",
     "y * np.log(1 - y_hat) + (1 - y) * np.log(y_hat)"),
    ("bce: J summed, not averaged", "J = -np.mean(y * np.log", "J = -np.sum(y * np.log"),
    ("bce: dJ/dy_hat with the sign flipped",
     "dJdy_hat = (y_hat - y) / (y_hat", "dJdy_hat = (y - y_hat) / (y_hat"),
    ("bce: dJ/dy_hat without the (1 - y_hat) in the denominator",
     "(y_hat - y) / (y_hat * (1 - y_hat)) / y.size", "(y_hat - y) / y_hat / y.size"),
    ("bce: dJ/dy_hat summed, not averaged",
     "(y_hat - y) / (y_hat * (1 - y_hat)) / y.size", "(y_hat - y) / (y_hat * (1 - y_hat))"),
]

REWRITES: list[tuple[str, str, str]] = [
    ("x @ W1.T as np.dot", "z1 = x @ p['W1'].T + p['b1']", "z1 = np.dot(x, p['W1'].T) + p['b1']"),
    ("x @ W1.T as einsum", "z1 = x @ p['W1'].T + p['b1']",
     "z1 = np.einsum('bi,oi->bo', x, p['W1']) + p['b1']"),
    ("z2 @ W2.T as (W2 @ z2.T).T", "z3 = z2 @ p['W2'].T + p['b2']",
     "z3 = (p['W2'] @ z2.T).T + p['b2']"),
    ("relu as z * (z > 0)", "return np.maximum(z, 0)", "return z * (z > 0)"),
    ("sigmoid through logaddexp", "return 1 / (1 + np.exp(-z))",
     "return np.exp(-np.logaddexp(0, -z))"),
    ("sigmoid through tanh", "return 1 / (1 + np.exp(-z))", "return 0.5 * (1 + np.tanh(z / 2))"),
    ("identity returns a copy", "return z\n    raise", "return z.copy()\n    raise"),
    ("relu' with np.where", "return (z > 0).astype(float)", "return np.where(z > 0, 1.0, 0.0)"),
    ("sigmoid' as s - s^2", "return s * (1 - s)", "return s - s ** 2"),
    ("sigmoid' as exp(-z) / (1 + exp(-z))^2", "s = _activation('sigmoid', z)\n        return s * (1 - s)",
     "return np.exp(-z) / (1 + np.exp(-z)) ** 2"),
    ("identity' as np.ones(z.shape)", "return np.ones_like(z)  # identity",
     "return np.ones(z.shape)  # identity"),
    ("dJ/dz1 computed in place", "dJdz1 = dJdz2 * _derivative(self.f_function, c['z1'])",
     "dJdz1 = dJdz2\n        dJdz1 *= _derivative(self.f_function, c['z1'])"),
    ("dJ/dz2 as einsum", "dJdz2 = dJdz3 @ p['W2']", "dJdz2 = np.einsum('bo,oi->bi', dJdz3, p['W2'])"),
    ("dJ/dW2 as einsum", "dJdz3.T @ c['z2']", "np.einsum('bo,bi->oi', dJdz3, c['z2'])"),
    ("dJ/dW1 as (x.T @ dJdz1).T", "dJdz1.T @ c['x']", "(c['x'].T @ dJdz1).T"),
    ("dJ/db2 as einsum", "dJdz3.sum(axis=0)", "np.einsum('bo->o', dJdz3)"),
    ("dJ/db1 as ones @ dJdz1", "dJdz1.sum(axis=0)", "np.ones(len(dJdz1)) @ dJdz1"),
    ("accumulation as grad = grad + ...", "self.grads['dJdW1'] +=",
     "self.grads['dJdW1'] = self.grads['dJdW1'] +"),
    ("clearing by slice assignment", "grad.fill(0)", "grad[...] = 0"),
    ("clearing the cache in place", "self.cache = dict()\n\n\ndef", "self.cache.clear()\n\n\ndef"),
    ("cache assigned as a new dict", "self.cache.update(x=x, z1=z1, z2=z2, z3=z3)",
     "self.cache = dict(x=x, z1=z1, z2=z2, z3=z3)"),
    ("mse: mean as sum / size", "J = np.mean((y_hat - y) ** 2)",
     "J = np.sum((y_hat - y) ** 2) / y.size"),
    ("mse: mean of a product", "J = np.mean((y_hat - y) ** 2)",
     "J = np.mean((y_hat - y) * (y_hat - y))"),
    ("mse: dJ/dy_hat scaled by 2 / size", "dJdy_hat = 2 * (y_hat - y) / y.size",
     "dJdy_hat = (y_hat - y) * (2 / y.size)"),
    ("bce: log1p for log(1 - y_hat)", "np.log(1 - y_hat))", "np.log1p(-y_hat))"),
    ("bce: dJ/dy_hat as -y/y_hat + (1 - y)/(1 - y_hat)",
     "(y_hat - y) / (y_hat * (1 - y_hat)) / y.size",
     "(-y / y_hat + (1 - y) / (1 - y_hat)) / y.size"),
]

# behaviour's sizes: square weights (see the module docstring), a batch of another size.
IN1 = OUT1 = OUT2 = 4
BATCH = 6
MARGIN = 1e-2  # every pre-activation is at least this far from ReLU's kink at 0
ACTIVATIONS = ("relu", "sigmoid", "identity")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    return {"relu": np.maximum(z, 0), "sigmoid": 1 / (1 + np.exp(-z)), "identity": z}[name]


def _draw(rng: np.random.Generator, f: str) -> tuple[dict, list]:
    """Parameters and two inputs whose pre-activations z1 and z3 all keep MARGIN from 0."""
    while True:
        params = dict(W1=rng.normal(size=(OUT1, IN1)), b1=rng.normal(size=OUT1),
                      W2=0.7 * rng.normal(size=(OUT2, OUT1)), b2=rng.normal(size=OUT2))
        xs = [rng.normal(size=(BATCH, IN1)) for _ in range(2)]
        z1s = [x @ params["W1"].T + params["b1"] for x in xs]
        z3s = [_activate(f, z1) @ params["W2"].T + params["b2"] for z1 in z1s]
        if min(np.abs(z).min() for z in z1s + z3s) >= MARGIN:
            return params, xs


def _targets(rng: np.random.Generator, loss: str) -> np.ndarray:
    if loss == "mse":
        return rng.normal(size=(BATCH, OUT2))
    if loss == "bce01":
        return rng.integers(0, 2, size=(BATCH, OUT2)).astype(float)
    return rng.uniform(0.05, 0.95, size=(BATCH, OUT2))  # "bce_soft"


def behaviour(module, seed: int) -> dict[str, np.ndarray]:
    """Run `module` (an mlp module) for every f, g and loss on data fixed by `seed`.

    For each case: set the parameters (in place), then forward, loss and backward on a first
    batch, the same again on a second batch without clearing (the gradients accumulate), and
    finally clear_grad_and_cache.  bce runs only with g = sigmoid, with targets in {0, 1}
    ("bce01") and in (0, 1) ("bce_soft").  Returns float arrays keyed "f-g-loss/what".
    """
    rng = np.random.default_rng(seed)
    record: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):  # wrong programs may produce inf or nan: that is data here
        for f in ACTIVATIONS:
            for g in ACTIVATIONS:
                for loss in ("mse", "bce01", "bce_soft") if g == "sigmoid" else ("mse",):
                    params, xs = _draw(rng, f)
                    ys = [_targets(rng, loss) for _ in xs]
                    loss_fn = module.mse_loss if loss == "mse" else module.bce_loss
                    model = module.MLP(IN1, OUT1, f, OUT1, OUT2, g)
                    for name, value in params.items():
                        model.parameters[name][...] = value
                    case = f"{f}-{g}-{loss}/"
                    for step, (x, y) in enumerate(zip(xs, ys), start=1):
                        y_hat = model.forward(x.copy())
                        record[f"{case}y_hat{step}"] = np.array(y_hat, dtype=float)
                        J, dJdy_hat = loss_fn(y.copy(), y_hat)
                        record[f"{case}J{step}"] = np.array(J, dtype=float)
                        record[f"{case}dJdy_hat{step}"] = np.array(dJdy_hat, dtype=float)
                        model.backward(dJdy_hat)
                        for name, grad in model.grads.items():
                            record[f"{case}{name}_after_backward{step}"] = np.array(grad, dtype=float)
                    model.clear_grad_and_cache()
                    for name, grad in model.grads.items():
                        record[f"{case}{name}_after_clear"] = np.array(grad, dtype=float)
    return record
