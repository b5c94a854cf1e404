"""Drive an ``mlp`` module (the MLP class and the two losses): forward, backward, losses,
finite differences and a few training steps, returning plain arrays."""
import numpy as np

LOSSES = ("mse", "bce")


def _net(module, sizes, f, g, params):
    in1, out1, out2 = sizes
    net = module.MLP(in1, out1, f, out1, out2, g)
    for name, value in params.items():  # in place: a net may keep references to its arrays
        net.parameters[name][...] = np.asarray(value, dtype=float).reshape(
            np.shape(net.parameters[name]))
    return net


def _loss(module, loss, y, y_hat):
    J, dJ = getattr(module, f"{loss}_loss")(y, y_hat)
    return np.array(J, dtype=float), np.array(dJ, dtype=float)


def _scalar(J, loss):
    if np.ndim(J) != 0:
        raise ValueError(f"{loss}_loss returned J of shape {np.shape(J)}: J must be one number "
                         f"(the mean over all entries)")
    return float(J)


def _grads(net):
    return {k: np.array(v, dtype=float) for k, v in net.grads.items()}


def behaviour(module, sizes, f, g, params, x, x2, dJ, dJ2):
    """Forward, then backward of the given dJ/dy_hat; a second forward/backward (gradients
    accumulate); clearing.  The grader chooses backward's input (the true gradient of the loss
    at the true output), so a wrong loss gradient is judged with the losses, not here."""
    net = _net(module, sizes, f, g, params)
    out = {"y_hat": np.array(net.forward(np.array(x)), dtype=float)}
    net.backward(np.array(dJ))
    out["grads"] = _grads(net)
    net.forward(np.array(x2))
    net.backward(np.array(dJ2))
    out["grads_accumulated"] = _grads(net)
    net.clear_grad_and_cache()
    out["grads_cleared"] = _grads(net)
    return out


def loss_gradient(module, sizes, f, g, loss, params, x, y):
    """dJ/dy_hat of ``loss`` at the output of ``module``'s network (the grader runs it on the
    reference, to choose backward's input)."""
    net = _net(module, sizes, f, g, params)
    return _loss(module, loss, np.array(y), np.array(net.forward(np.array(x)), dtype=float))[1]


def loss_values(module, loss, y, y_hat):
    """The loss and its gradient for given targets and predictions."""
    J, dJ = _loss(module, loss, np.array(y), np.array(y_hat))
    return {"J": J, "dJdy_hat": dJ}


def gradcheck(module, sizes, f, g, loss, params, x, y, step=1e-6):
    """The student's backward against centred differences of the student's own forward+loss."""
    net = _net(module, sizes, f, g, params)
    J, dJ = _loss(module, loss, np.array(y), np.array(net.forward(np.array(x)), dtype=float))
    J = _scalar(J, loss)
    net.backward(dJ)
    analytic = _grads(net)
    def loss_now():
        return _scalar(_loss(module, loss, np.array(y), np.array(net.forward(np.array(x))))[0],
                       loss)

    numeric = {}
    for name in ("W1", "b1", "W2", "b2"):
        values = net.parameters[name]
        estimate = np.zeros(np.shape(values))
        for index in np.ndindex(*np.shape(values)):
            saved = values[index]
            values[index] = saved + step
            plus = loss_now()
            values[index] = saved - step
            minus = loss_now()
            values[index] = saved
            estimate[index] = (plus - minus) / (2 * step)
        numeric["dJd" + name] = estimate
    return {"analytic": analytic, "numeric": numeric, "J": J}


def train(module, sizes, f, g, params, x, y, steps, lr):
    """Full-batch gradient descent on the MSE loss with the module's gradients; the parameters
    it ends with (the grader computes the risk from them itself)."""
    net = _net(module, sizes, f, g, params)
    for _ in range(steps):
        net.clear_grad_and_cache()
        _, dJ = _loss(module, "mse", np.array(y), np.array(net.forward(np.array(x))))
        net.backward(dJ)
        for name in ("W1", "b1", "W2", "b2"):
            net.parameters[name] -= lr * np.asarray(net.grads["dJd" + name]).reshape(
                np.shape(net.parameters[name]))
    return {"params": {name: np.array(net.parameters[name], dtype=float)
                       for name in ("W1", "b1", "W2", "b2")}}


def risk(module, sizes, f, g, params, x, y):
    """The MSE risk of the network with ``params`` on (x, y), by ``module``'s forward and loss
    (the grader passes the reference)."""
    net = _net(module, sizes, f, g, params)
    return _scalar(_loss(module, "mse", np.array(y), np.array(net.forward(np.array(x))))[0], "mse")


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
