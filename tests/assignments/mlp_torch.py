"""mlp.py files written as students of the real course write them (in PyTorch), and in NumPy.

The real course's handout builds the parameters with torch.randn and its public tests clear,
run forward and backward once and compare self.grads with autograd, so most real files assign
(``self.grads[...] =``) rather than accumulate.  Each constant is a whole mlp.py; the *_MUTANTS
are (description, old, new) single changes of one of them.
"""

# Jacobians as in the handout's derivation (torch.diag_embed), .t(), J as .item() through
# torch.nn.functional, relu' with torch.where; backward ASSIGNS the gradients.
JACOBIANS = '''
import torch
import torch.nn.functional as F


class MLP:
    def __init__(self, linear_1_in_features, linear_1_out_features, f_function,
                 linear_2_in_features, linear_2_out_features, g_function):
        self.f_function = f_function
        self.g_function = g_function
        self.parameters = dict(
            W1=torch.randn(linear_1_out_features, linear_1_in_features),
            b1=torch.randn(linear_1_out_features),
            W2=torch.randn(linear_2_out_features, linear_2_in_features),
            b2=torch.randn(linear_2_out_features),
        )
        self.grads = dict(
            dJdW1=torch.zeros(linear_1_out_features, linear_1_in_features),
            dJdb1=torch.zeros(linear_1_out_features),
            dJdW2=torch.zeros(linear_2_out_features, linear_2_in_features),
            dJdb2=torch.zeros(linear_2_out_features),
        )
        self.cache = dict()

    @staticmethod
    def activate(name, z):
        if name == 'relu':
            return torch.relu(z)
        if name == 'sigmoid':
            return torch.sigmoid(z)
        return z

    @staticmethod
    def jacobian(name, z):
        """One diagonal Jacobian per sample: (batch, n, n)."""
        if name == 'relu':
            slope = torch.where(z > 0, torch.ones_like(z), torch.zeros_like(z))
        elif name == 'sigmoid':
            slope = torch.sigmoid(z) * (1 - torch.sigmoid(z))
        else:
            slope = torch.ones_like(z)
        return torch.diag_embed(slope)

    def forward(self, x):
        self.cache['x'] = x
        self.cache['s1'] = x @ self.parameters['W1'].t() + self.parameters['b1']
        self.cache['a1'] = self.activate(self.f_function, self.cache['s1'])
        self.cache['s2'] = self.cache['a1'] @ self.parameters['W2'].t() + self.parameters['b2']
        return self.activate(self.g_function, self.cache['s2'])

    def backward(self, dJdy_hat):
        dJds2 = (dJdy_hat.unsqueeze(1) @ self.jacobian(self.g_function, self.cache['s2'])).squeeze(1)
        dJda1 = dJds2 @ self.parameters['W2']
        dJds1 = (dJda1.unsqueeze(1) @ self.jacobian(self.f_function, self.cache['s1'])).squeeze(1)
        self.grads['dJdW2'] = dJds2.t() @ self.cache['a1']
        self.grads['dJdb2'] = dJds2.sum(0)
        self.grads['dJdW1'] = dJds1.t() @ self.cache['x']
        self.grads['dJdb1'] = dJds1.sum(0)

    def clear_grad_and_cache(self):
        for grad in self.grads:
            self.grads[grad].zero_()
        self.cache = dict()


def mse_loss(y, y_hat):
    J = F.mse_loss(y_hat, y).item()
    dJdy_hat = 2 * (y_hat - y) / y.numel()
    return J, dJdy_hat


def bce_loss(y, y_hat):
    J = F.binary_cross_entropy(y_hat, y).item()
    dJdy_hat = (y_hat - y) / (y_hat * (1 - y_hat)) / (y.shape[0] * y.shape[1])
    return J, dJdy_hat
'''

# Elementwise chain rule, .T and torch.matmul, float32 asked for by name, gradients ACCUMULATED
# (+=), J a 0-d tensor.
ACCUMULATES = '''
import torch

ACTIVATIONS = {'relu': torch.relu, 'sigmoid': torch.sigmoid, 'identity': lambda z: z}


def slope(name, z):
    if name == 'relu':
        return (z > 0).to(z.dtype)
    if name == 'sigmoid':
        s = torch.sigmoid(z)
        return s * (1 - s)
    return torch.ones_like(z)


class MLP:
    def __init__(self, linear_1_in_features, linear_1_out_features, f_function,
                 linear_2_in_features, linear_2_out_features, g_function):
        self.f_function, self.g_function = f_function, g_function
        self.parameters = {
            'W1': torch.randn(linear_1_out_features, linear_1_in_features, dtype=torch.float32),
            'b1': torch.randn(linear_1_out_features, dtype=torch.float32),
            'W2': torch.randn(linear_2_out_features, linear_2_in_features, dtype=torch.float32),
            'b2': torch.randn(linear_2_out_features, dtype=torch.float32),
        }
        self.grads = {'dJd' + k: torch.zeros_like(v) for k, v in self.parameters.items()}
        self.cache = {}

    def forward(self, x):
        W1, b1, W2, b2 = (self.parameters[k] for k in ('W1', 'b1', 'W2', 'b2'))
        z1 = torch.matmul(x, W1.T) + b1
        z2 = ACTIVATIONS[self.f_function](z1)
        z3 = torch.matmul(z2, W2.T) + b2
        self.cache = {'x': x, 'z1': z1, 'z2': z2, 'z3': z3}
        return ACTIVATIONS[self.g_function](z3)

    def backward(self, dJdy_hat):
        c = self.cache
        dJdz3 = dJdy_hat * slope(self.g_function, c['z3'])
        dJdz1 = (dJdz3 @ self.parameters['W2']) * slope(self.f_function, c['z1'])
        self.grads['dJdW2'] += dJdz3.T @ c['z2']
        self.grads['dJdb2'] += dJdz3.sum(dim=0)
        self.grads['dJdW1'] += dJdz1.T @ c['x']
        self.grads['dJdb1'] += dJdz1.sum(dim=0)

    def clear_grad_and_cache(self):
        self.grads = {k: torch.zeros_like(v) for k, v in self.grads.items()}
        self.cache = {}


def mse_loss(y, y_hat):
    diff = y_hat - y
    return torch.mean(diff ** 2), 2 * diff / diff.numel()


def bce_loss(y, y_hat):
    p = torch.clamp(y_hat, 1e-12, 1 - 1e-12)
    J = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    return J, (p - y) / (p * (1 - p)) / y.numel()
'''

# torch.nn.functional for J only (0-d tensors), einsum, torch.where with numbers, the
# accumulation written out, and an unused import of a package the grader lacks (line 3).
FUNCTIONAL = '''
import torch
import pandas as pd
from torch.nn import functional as F


def act(kind, z):
    return {'relu': F.relu, 'sigmoid': torch.sigmoid}.get(kind, torch.clone)(z)


def dact(kind, z):
    if kind == 'relu':
        return torch.where(z > 0, 1.0, 0.0)
    if kind == 'sigmoid':
        return torch.sigmoid(z) * torch.sigmoid(-z)
    return torch.ones(z.shape)


class MLP:
    def __init__(self, linear_1_in_features, linear_1_out_features, f_function,
                 linear_2_in_features, linear_2_out_features, g_function):
        self.f_function = f_function
        self.g_function = g_function
        self.parameters = dict(W1=torch.randn(linear_1_out_features, linear_1_in_features),
                               b1=torch.zeros(linear_1_out_features),
                               W2=torch.randn(linear_2_out_features, linear_2_in_features),
                               b2=torch.zeros(linear_2_out_features))
        self.grads = {'dJd' + name: torch.zeros(p.shape) for name, p in self.parameters.items()}
        self.cache = dict()

    def forward(self, x):
        p = self.parameters
        pre1 = torch.einsum('hi,bi->bh', p['W1'], x) + p['b1']
        h = act(self.f_function, pre1)
        z = torch.einsum('oh,bh->bo', p['W2'], h) + p['b2']
        self.cache.update(x=x, pre1=pre1, h=h, pre2=z)
        return act(self.g_function, z)

    def backward(self, dJdy_hat):
        c = self.cache
        delta2 = dJdy_hat * dact(self.g_function, c['pre2'])
        delta1 = torch.einsum('bo,oh->bh', delta2, self.parameters['W2']) \\
            * dact(self.f_function, c['pre1'])
        new = dict(dJdW2=torch.einsum('bo,bh->oh', delta2, c['h']),
                   dJdb2=delta2.sum(dim=0),
                   dJdW1=torch.einsum('bh,bi->hi', delta1, c['x']),
                   dJdb1=delta1.sum(dim=0))
        for name, value in new.items():
            self.grads[name] = self.grads[name] + value

    def clear_grad_and_cache(self):
        for name in self.grads:
            self.grads[name] = torch.zeros_like(self.grads[name])
        self.cache = dict()


def mse_loss(y, y_hat):
    return F.mse_loss(y_hat, y), 2 * (y_hat - y) / y.numel()


def bce_loss(y, y_hat):
    J = F.binary_cross_entropy(y_hat, y)
    return J, (-y / y_hat + (1 - y) / (1 - y_hat)) / y.numel()
'''

# NumPy, one sample at a time with the handout's Jacobians; backward replaces self.grads.
NUMPY_PER_SAMPLE = '''
import numpy as np


def phi(kind, v):
    if kind == 'relu':
        return np.maximum(v, 0.0)
    if kind == 'sigmoid':
        return 1.0 / (1.0 + np.exp(-v))
    return v.copy()


def dphi(kind, v):
    if kind == 'relu':
        return np.diag((v > 0) * 1.0)
    if kind == 'sigmoid':
        return np.diag(phi(kind, v) * (1 - phi(kind, v)))
    return np.eye(len(v))


class MLP:
    def __init__(self, linear_1_in_features, linear_1_out_features, f_function,
                 linear_2_in_features, linear_2_out_features, g_function):
        self.f_function = f_function
        self.g_function = g_function
        self.parameters = dict(
            W1=np.random.randn(linear_1_out_features, linear_1_in_features),
            b1=np.random.randn(linear_1_out_features),
            W2=np.random.randn(linear_2_out_features, linear_2_in_features),
            b2=np.random.randn(linear_2_out_features))
        self.grads = {'dJd' + k: np.zeros_like(v) for k, v in self.parameters.items()}
        self.cache = dict()

    def forward(self, x):
        W1, b1, W2, b2 = [self.parameters[k] for k in ('W1', 'b1', 'W2', 'b2')]
        rows = []
        for i, xi in enumerate(x):
            z1 = W1 @ xi + b1
            z2 = phi(self.f_function, z1)
            z3 = W2 @ z2 + b2
            self.cache[i] = (xi, z1, z2, z3)
            rows.append(phi(self.g_function, z3))
        return np.array(rows)

    def backward(self, dJdy_hat):
        grads = {k: np.zeros_like(v) for k, v in self.grads.items()}
        for i, row in enumerate(dJdy_hat):
            xi, z1, z2, z3 = self.cache[i]
            dz3 = row @ dphi(self.g_function, z3)
            dz1 = dz3 @ self.parameters['W2'] @ dphi(self.f_function, z1)
            grads['dJdW2'] += np.outer(dz3, z2)
            grads['dJdb2'] += dz3
            grads['dJdW1'] += np.outer(dz1, xi)
            grads['dJdb1'] += dz1
        self.grads = grads

    def clear_grad_and_cache(self):
        for grad in self.grads.values():
            grad.fill(0)
        self.cache = dict()


def mse_loss(y, y_hat):
    J = np.square(y_hat - y).mean()
    return J, 2 * (y_hat - y) / np.prod(y.shape)


def bce_loss(y, y_hat):
    J = np.mean(-y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat))
    return J, ((1 - y) / (1 - y_hat) - y / y_hat) / np.prod(y.shape)
'''

# f is looked up among two activations only: the network cannot be built for f = 'identity'.
NO_IDENTITY_FOR_F = ACCUMULATES.replace(
    "        self.f_function, self.g_function = f_function, g_function\n",
    "        self.f_function, self.g_function = f_function, g_function\n"
    "        self.f = {'relu': torch.relu, 'sigmoid': torch.sigmoid}[f_function]\n")

# forward is right; backward reads a cache entry forward never wrote.
BACKWARD_CRASHES = ACCUMULATES.replace("dJdz3.T @ c['z2']", "dJdz3.T @ c['a2']")

# a package the grader lacks, used by bce_loss only (line 3)
NUMPY_PANDAS_IN_BCE = '''
import numpy as np
import pandas as pd
''' + NUMPY_PER_SAMPLE.split("import numpy as np\n", 1)[1].replace(
    "J = np.mean(-y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat))",
    "J = pd.DataFrame(-y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat)).stack().mean()")

ACCUMULATES_MUTANTS = [
    ("wrong sign", "dJdz3 = dJdy_hat * slope", "dJdz3 = -dJdy_hat * slope"),
    ("= instead of +=", "self.grads['dJdW1'] += dJdz1.T @ c['x']",
     "self.grads['dJdW1'] = dJdz1.T @ c['x']"),
]
JACOBIANS_MUTANTS = [
    ("missing transpose", "self.grads['dJdW2'] = dJds2.t() @ self.cache['a1']",
     "self.grads['dJdW2'] = self.cache['a1'].t() @ dJds2"),
]
