"""Assignment backprop: a two-layer network, forward and backward by hand, in NumPy.

The network is y_hat = g(f(x W1^T + b1) W2^T + b2), where f and g are each 'relu', 'sigmoid'
or 'identity'.  Implement forward, backward, mse_loss and bce_loss (every
``raise NotImplementedError``); __init__ and clear_grad_and_cache are done for you.

Do not change the interface: keep the names, the arguments, the keys of self.parameters and
self.grads and the shapes below, since the autograder calls them exactly like this.  You may add
helper functions and anything you like to self.cache.

Check your file before you submit:

    python -m autograder check backprop .

It checks your backward pass against finite differences of your own forward pass.
"""
import numpy as np


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
        self.cache = dict()  # put here what forward computes and backward needs

    def forward(self, x):
        """x: (batch_size, linear_1_in_features) -> y_hat: (batch_size, linear_2_out_features).

        Compute z1 = x W1^T + b1, z2 = f(z1), z3 = z2 W2^T + b2 and y_hat = g(z3); keep in
        self.cache what backward will need, and return y_hat.
        """
        raise NotImplementedError

    def backward(self, dJdy_hat):
        """dJdy_hat: (batch_size, linear_2_out_features), the gradient of the loss J w.r.t. the
        y_hat of the last forward.

        Compute dJ/dW1, dJ/db1, dJ/dW2 and dJ/db2 (the shapes of W1, b1, W2, b2) and ADD them to
        self.grads['dJdW1'], ['dJdb1'], ['dJdW2'], ['dJdb2'] with +=, as PyTorch does: two
        backward calls without clear_grad_and_cache in between give the sum of both gradients.
        The losses already average, so sum over the batch here.  Return nothing.
        """
        raise NotImplementedError

    def clear_grad_and_cache(self):
        """Zero every gradient (keeping its shape) and empty the cache."""
        for grad in self.grads.values():
            grad.fill(0)
        self.cache = dict()


def mse_loss(y, y_hat):
    """y, y_hat: (batch_size, linear_2_out_features).

    Return (J, dJdy_hat): J is the mean of (y_hat - y)^2 over ALL entries (a scalar), and
    dJdy_hat its gradient w.r.t. y_hat, of the shape of y_hat.
    """
    raise NotImplementedError


def bce_loss(y, y_hat):
    """y in [0, 1] and y_hat in (0, 1), both (batch_size, linear_2_out_features).

    Return (J, dJdy_hat): J is the mean over ALL entries of
    -(y log(y_hat) + (1 - y) log(1 - y_hat)) (a scalar), and dJdy_hat its gradient w.r.t. y_hat,
    of the shape of y_hat.
    """
    raise NotImplementedError
