"""Reference solution of assignment `backprop` (instructors only): a two-layer network by hand.

y_hat = g(f(x W1^T + b1) W2^T + b2) with f, g in {'relu', 'sigmoid', 'identity'}.  backward
adds (+=) the gradients of J to self.grads, as PyTorch does; the losses average over all
entries, so the gradients sum over the batch.
"""
import numpy as np

EPS = 1e-12  # bce_loss clips y_hat to [EPS, 1 - EPS] so that log(0) never happens


def _activation(name, z):
    """The activation `name` applied elementwise to z."""
    if name == 'relu':
        return np.maximum(z, 0)
    if name == 'sigmoid':
        return 1 / (1 + np.exp(-z))
    if name == 'identity':
        return z
    raise ValueError(f"unknown activation {name!r}: use 'relu', 'sigmoid' or 'identity'")


def _derivative(name, z):
    """The derivative of activation `name` (already checked by _activation) at z, elementwise."""
    if name == 'relu':
        return (z > 0).astype(float)
    if name == 'sigmoid':
        s = _activation('sigmoid', z)
        return s * (1 - s)
    return np.ones_like(z)  # identity


class MLP:
    def __init__(self, linear_1_in_features, linear_1_out_features, f_function,
                 linear_2_in_features, linear_2_out_features, g_function):
        """Args:
            linear_1_in_features, linear_1_out_features: in and out features of the first layer
            f_function: activation after the first layer, 'relu' | 'sigmoid' | 'identity'
            linear_2_in_features, linear_2_out_features: in and out features of the second layer
            g_function: activation after the second layer, 'relu' | 'sigmoid' | 'identity'
        """
        self.f_function = f_function
        self.g_function = g_function
        self.parameters = dict(
            W1=0.1 * np.random.randn(linear_1_out_features, linear_1_in_features),
            b1=np.zeros(linear_1_out_features),
            W2=0.1 * np.random.randn(linear_2_out_features, linear_2_in_features),
            b2=np.zeros(linear_2_out_features),
        )
        self.grads = dict(
            dJdW1=np.zeros((linear_1_out_features, linear_1_in_features)),
            dJdb1=np.zeros(linear_1_out_features),
            dJdW2=np.zeros((linear_2_out_features, linear_2_in_features)),
            dJdb2=np.zeros(linear_2_out_features),
        )
        self.cache = dict()  # what forward computed and backward needs

    def forward(self, x):
        """x: (batch_size, linear_1_in_features) -> y_hat: (batch_size, linear_2_out_features)."""
        p = self.parameters
        z1 = x @ p['W1'].T + p['b1']
        z2 = _activation(self.f_function, z1)
        z3 = z2 @ p['W2'].T + p['b2']
        y_hat = _activation(self.g_function, z3)
        self.cache.update(x=x, z1=z1, z2=z2, z3=z3)
        return y_hat

    def backward(self, dJdy_hat):
        """dJdy_hat: (batch_size, linear_2_out_features).  Adds dJ/dW1, dJ/db1, dJ/dW2 and dJ/db2
        to self.grads (summed over the batch) for the last forward; returns nothing."""
        c, p = self.cache, self.parameters
        dJdz3 = dJdy_hat * _derivative(self.g_function, c['z3'])
        dJdz2 = dJdz3 @ p['W2']
        dJdz1 = dJdz2 * _derivative(self.f_function, c['z1'])
        self.grads['dJdW2'] += dJdz3.T @ c['z2']
        self.grads['dJdb2'] += dJdz3.sum(axis=0)
        self.grads['dJdW1'] += dJdz1.T @ c['x']
        self.grads['dJdb1'] += dJdz1.sum(axis=0)

    def clear_grad_and_cache(self):
        """Zero every gradient (keeping its shape) and empty the cache."""
        for grad in self.grads.values():
            grad.fill(0)
        self.cache = dict()


def mse_loss(y, y_hat):
    """y, y_hat: (batch_size, linear_2_out_features).  Returns J, the mean of (y_hat - y)^2 over
    all entries, and dJdy_hat, of the shape of y_hat."""
    J = np.mean((y_hat - y) ** 2)
    dJdy_hat = 2 * (y_hat - y) / y.size
    return J, dJdy_hat


def bce_loss(y, y_hat):
    """y in [0, 1], y_hat in (0, 1), both (batch_size, linear_2_out_features).  Returns J, the
    mean over all entries of -(y log y_hat + (1 - y) log(1 - y_hat)), and dJdy_hat."""
    y_hat = np.clip(y_hat, EPS, 1 - EPS)  # changes only values within EPS of 0 or 1
    J = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    dJdy_hat = (y_hat - y) / (y_hat * (1 - y_hat)) / y.size
    return J, dJdy_hat
