"""Drive an ``mlp`` module (the MLP class and the two losses): forward, backward, losses,
finite differences and a few training steps, returning plain arrays.

NumPy and PyTorch modules alike.  A module computes with PyTorch when its network's parameters
are tensors; then everything runs in float64 (the default dtype, and the network's own tensors
converted in place), the grader's parameters are copied into the student's tensors in place,
inputs go in as tensors, and outputs (tensors, 0-d tensors, ``.item()`` floats) come back as
float64 NumPy arrays.  torch is never imported here: only a module that imported it uses it.
"""
import sys

import numpy as np

LOSSES = ("mse", "bce")


def _torch():
    """PyTorch, with float64 as its default dtype, when student code imported it; else None."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_default_dtype(torch.float64)
    return torch


def _is_tensor(value):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _uses_torch(module, net=None):
    """Whether ``module`` computes with PyTorch: its network's parameters are tensors (when no
    network can be built, whether it imported torch)."""
    torch = _torch()
    if torch is None:
        return False
    try:
        if net is None:
            net = module.MLP(1, 1, "identity", 1, 1, "identity")
        return any(_is_tensor(p) for p in net.parameters.values())
    except Exception:
        return any(v is torch or getattr(v, "__name__", "").startswith("torch.")
                   for v in vars(module).values())


def _array(value):
    """A float64 NumPy array of an array, a number or a tensor."""
    if _is_tensor(value):
        value = value.detach().cpu().numpy()
    return np.array(value, dtype=float)


def _input(value, tensors):
    """A copy of the grader's array ``value``, as a float64 tensor for a PyTorch module."""
    return sys.modules["torch"].tensor(value) if tensors else np.array(value)


def _write(target, value):
    """Write ``value`` into the student's array or tensor ``target`` in place (a network may
    keep references to it)."""
    if _is_tensor(target):
        torch = sys.modules["torch"]
        with torch.no_grad():
            target.copy_(torch.tensor(np.reshape(value, tuple(target.shape))))
    else:
        target[...] = np.asarray(value, dtype=float).reshape(np.shape(target))


def _net(module, sizes, f, g, params):
    """The module's network with the grader's parameters; whether it computes with PyTorch."""
    in1, out1, out2 = sizes
    _torch()  # tensors the network makes are float64 from the start
    net = module.MLP(in1, out1, f, out1, out2, g)
    tensors = _uses_torch(module, net)
    if tensors:  # float32 from torch.randn: float64 in place, so results compare at float64
        for value in (*net.parameters.values(), *net.grads.values()):
            if _is_tensor(value):
                value.data = value.data.double()
    for name, value in params.items():
        _write(net.parameters[name], value)
    return net, tensors


def _loss(module, loss, y, y_hat, tensors):
    J, dJ = getattr(module, f"{loss}_loss")(_input(y, tensors), y_hat)
    return _array(J), _array(dJ)


def _scalar(J, loss):
    if np.ndim(J) != 0:
        raise ValueError(f"{loss}_loss returned J of shape {np.shape(J)}: J must be one number "
                         f"(the mean over all entries)")
    return float(J)


def _grads(net):
    return {k: _array(v) for k, v in net.grads.items()}


def forward(module, sizes, f, g, params, x):
    """The output of forward on ``x``."""
    net, tensors = _net(module, sizes, f, g, params)
    return {"y_hat": _array(net.forward(_input(x, tensors)))}


def backward(module, sizes, f, g, params, x, dJ):
    """The gradients after clearing, one forward and one backward of the given dJ/dy_hat (as
    the course's own tests do).  The grader chooses backward's input (the true gradient of the
    loss at the true output), so a wrong loss gradient is judged with the losses, not here."""
    net, tensors = _net(module, sizes, f, g, params)
    net.clear_grad_and_cache()
    net.forward(_input(x, tensors))
    net.backward(_input(dJ, tensors))
    return {"grads": _grads(net)}


def accumulation(module, sizes, f, g, params, x, x2, dJ, dJ2):
    """From a new network: two forward/backward passes (the gradients add up), then clearing."""
    net, tensors = _net(module, sizes, f, g, params)
    for inputs, gradient in ((x, dJ), (x2, dJ2)):
        net.forward(_input(inputs, tensors))
        net.backward(_input(gradient, tensors))
    out = {"grads_accumulated": _grads(net)}
    net.clear_grad_and_cache()
    out["grads_cleared"] = _grads(net)
    return out


def loss_gradient(module, sizes, f, g, loss, params, x, y):
    """dJ/dy_hat of ``loss`` at the output of ``module``'s network (the grader runs it on the
    reference, to choose backward's input)."""
    net, tensors = _net(module, sizes, f, g, params)
    return _loss(module, loss, y, net.forward(_input(x, tensors)), tensors)[1]


def loss_values(module, loss, y, y_hat):
    """The loss and its gradient for given targets and predictions."""
    tensors = _uses_torch(module)
    J, dJ = _loss(module, loss, y, _input(y_hat, tensors), tensors)
    return {"J": J, "dJdy_hat": dJ}


def gradcheck(module, sizes, f, g, loss, params, x, y, step=1e-6):
    """The student's backward against centred differences of the student's own forward+loss."""
    net, tensors = _net(module, sizes, f, g, params)

    def loss_now():
        J, dJ = _loss(module, loss, y, net.forward(_input(x, tensors)), tensors)
        return _scalar(J, loss), dJ

    J, dJ = loss_now()
    net.backward(_input(dJ, tensors))
    analytic = _grads(net)
    numeric = {}
    for name in ("W1", "b1", "W2", "b2"):
        values = net.parameters[name]
        saved = _array(values)
        estimate = np.zeros(saved.shape)
        for index in np.ndindex(*saved.shape):
            nudged = saved.copy()
            nudged[index] += step
            _write(values, nudged)
            plus = loss_now()[0]
            nudged[index] -= 2 * step
            _write(values, nudged)
            minus = loss_now()[0]
            estimate[index] = (plus - minus) / (2 * step)
        _write(values, saved)
        numeric["dJd" + name] = estimate
    return {"analytic": analytic, "numeric": numeric, "J": J}


def train(module, sizes, f, g, params, x, y, steps, lr):
    """Full-batch gradient descent on the MSE loss with the module's gradients; the parameters
    it ends with (the grader computes the risk from them itself)."""
    net, tensors = _net(module, sizes, f, g, params)
    for _ in range(steps):
        net.clear_grad_and_cache()
        _, dJ = _loss(module, "mse", y, net.forward(_input(x, tensors)), tensors)
        net.backward(_input(dJ, tensors))
        for name in ("W1", "b1", "W2", "b2"):
            values = _array(net.parameters[name])
            step = _array(net.grads["dJd" + name]).reshape(values.shape)
            _write(net.parameters[name], values - lr * step)
    return {"params": {name: _array(net.parameters[name]) for name in ("W1", "b1", "W2", "b2")}}


def risk(module, sizes, f, g, params, x, y):
    """The MSE risk of the network with ``params`` on (x, y), by ``module``'s forward and loss
    (the grader passes the reference)."""
    net, tensors = _net(module, sizes, f, g, params)
    J = _loss(module, "mse", y, net.forward(_input(x, tensors)), tensors)[0]
    return _scalar(J, "mse")


ACTIVATIONS = ("relu", "sigmoid", "identity")
COMBOS = [(f, g, "mse") for f in ACTIVATIONS for g in ACTIVATIONS] + \
    [(f, "sigmoid", "bce") for f in ACTIVATIONS]


def make_case(seed, f, g, loss):
    """Random sizes, parameters, inputs and targets for one f/g/loss combination, with the
    pre-activations kept away from the ReLU kink (so finite differences are clean)."""
    rng = np.random.default_rng(seed)
    in1, out1, out2, batch = (int(v) for v in rng.choice(np.arange(2, 8), 4, replace=False))
    params = {"W1": rng.standard_normal((out1, in1)), "b1": rng.standard_normal(out1) * 0.5,
              "W2": rng.standard_normal((out2, out1)) * 0.5, "b2": rng.standard_normal(out2) * 0.5}
    act = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
           "identity": lambda z: z}

    def inputs():
        while True:
            x = rng.standard_normal((batch, in1))
            z1 = x @ params["W1"].T + params["b1"]
            z3 = act[f](z1) @ params["W2"].T + params["b2"]
            if np.abs(z1).min() > 1e-2 and np.abs(z3).min() > 1e-2:
                return x

    def targets():
        if loss == "bce":
            return rng.integers(0, 2, (batch, out2)).astype(float) if seed % 2 else \
                rng.uniform(0.05, 0.95, (batch, out2))
        return rng.standard_normal((batch, out2))

    return {"sizes": (in1, out1, out2), "f": f, "g": g, "loss": loss, "params": params,
            "x": inputs(), "y": targets(), "x2": inputs(), "y2": targets(), "batch": batch}
