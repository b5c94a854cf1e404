"""Assignment optim_cnn: optimisation and convolutional networks.

How to answer
-------------
Replace each ``None`` and write each function (NumPy is available).

Matrix answers are text in the named matrices X (n×d), t (n×1), w0 (d×1) and a = X w0 − t
(n×1), and the scalars n and eta: ``@`` or two names side by side is a matrix product, ``*`` is
element-wise or by a scalar, ``.T`` (or ``ᵀ``) transposes, ``I`` is an identity of the right
size, and ``inv(...)``, ``pinv(...)``, ``norm(...)`` (the Euclidean norm) and ``trace(...)`` are
available.  Scalar answers are text in Python/SymPy syntax (``3*lam*eta^2``); numbers may be
plain Python numbers.

Every function is run on the handout's case and on hidden random cases, and its result is
compared with a reference implementation, so it must work for any valid input, not only the
handout's.  The arguments X, t, w0, I and J are NumPy float arrays (t and w0 of shape (n,) and
(d,)); results may be NumPy arrays or nested lists, and a vector result may have shape (d,) or
(d, 1).  Raising ``ValueError`` with a clear message for invalid arguments (a kernel with an
even side, an unknown layer) is good practice; it is not graded.

Check your file before you submit (it says whether every answer can be read and every function
runs; correctness is decided when you submit):

    python -m autograder check optim_cnn .
"""
import numpy as np

# Throughout: least squares L(w) = (1/n) ||X w - t||^2 with X of shape (n, d), t of length n,
# and d > n (more unknowns than equations; X has full row rank).

# 1a. Gradient descent from w0 = 0 converges to the minimum-norm solution of X w = t.
#     Give it as a matrix expression (d×1).
q1a = None


# 1b. Return the minimum-norm solution of X w = t as an array of length d.
def min_norm_solution(X, t):
    raise NotImplementedError


# 1c. Mini-batch SGD from w0 = 0.  Each of the `steps` updates draws `batch_size` distinct rows B
#     at random (use np.random.default_rng(seed)) and moves against the mini-batch gradient
#     (2/b) X_Bᵀ (X_B w − t_B), with b = batch_size:  w ← w − eta · (2/b) X_Bᵀ (X_B w − t_B).
#     Return the final w (length d).  With a small enough eta it approaches your answer to 1a.
def minibatch_sgd(X, t, batch_size, eta, steps, seed):
    raise NotImplementedError


# 2a. One example x1 = [2, 1] (so X = [[2, 1]]) with target t = [2].  Give its minimum-norm
#     solution as a tuple (w1, w2).
q2a = None

# 2b. Does RMSProp (below) started from w0 = 0 reach that solution?  "yes" or "no".
q2b = None


# 2c. Full-batch RMSProp from w0 = 0 with v_{-1} = 0: at each of the `steps` steps
#         g = (2/n) Xᵀ (X w − t)
#         v ← beta · v + (1 − beta) · g²          (element-wise)
#         w ← w − eta · g / (sqrt(v) + eps)
#     Return the final w (length d).  Try X = [[2, 1]], t = [2], eta = 0.01, beta = 0.9,
#     eps = 1e-8, steps = 1000 to answer 2b.
def rmsprop(X, t, eta, beta, eps, steps):
    raise NotImplementedError


# 3. One GD step from w0: w1 = w0 − (2·eta/n) Xᵀ a, with a = X w0 − t.  Give the loss
#    L1(eta) = (1/n) ||X w1 − t||^2 as a matrix expression (1×1).
q3 = None

# 4a. The learning rate eta* that minimises L1(eta), as a matrix expression (1×1).
q4a = None


# 4b. Return eta* (a number) for the given X, t and w0 (w0 of length d).
def optimal_lr(X, t, w0):
    raise NotImplementedError


# 5. Weight decay updates w ← (1 − lam) w − eta ∇L(w).  For which lam_tilde does gradient
#    descent on L(w) + lam_tilde ||w||^2 make the same update?  Give lam_tilde in lam and eta.
q5 = None

# 6a. I ∗ J with zero "same" padding (the result has I's shape), where ∗ is cross-correlation:
#     (I ∗ J)[i, j] = sum over u, v of I[i + u, j + v] · J[u, v], with u, v centred on the kernel
#     (J is not flipped).  Give the 5×5 result as a list of rows or an array.
#         I = [[0, 0, 0, 0, 0],            J = [[-1, -1, -1],
#              [0, 0, 1, 1, 1],                 [ 0,  0,  0],
#              [1, 1, 1, 1, 0],                 [ 1,  1,  1]]
#              [0, 1, 1, 1, 0],
#              [0, 0, 1, 0, 0]]
q6a = None


# 6b. Return I ∗ J as above for any 2-D array I and any 2-D kernel J with odd sides.
def conv2d(I, J):
    raise NotImplementedError


# 7. A network on a size×size single-channel input is described by a list of layers:
#      ("conv", k, c)  k×k kernels, c output channels, stride 1, zero "same" padding; each
#                      output channel has one k×k×(input channels) kernel and one bias;
#      ("pool", p)     p×p max-pooling with stride p (no parameters).
#    Neurons count every unit of the input and of every layer's output.  The fully connected
#    version replaces each conv layer by a fully connected layer with the same input and
#    output units (weights and one bias per output unit); pooling layers stay.
#
# 7a. For size 32 and [("conv", 3, 1), ("pool", 2), ("conv", 3, 1), ("pool", 2), ("conv", 3, 1)],
#     give (CNN neurons, CNN parameters, FC neurons, FC parameters).
q7a = None


# 7b. Return (neurons, parameters) of the CNN, two integers.
def cnn_counts(size, layers):
    raise NotImplementedError


# 7c. Return (neurons, parameters) of its fully connected version, two integers.
def fc_counts(size, layers):
    raise NotImplementedError


# 8a. The receptive field (the side, in input pixels) of one unit after
#     conv 5×5 (stride 1) → max-pool 2×2 (stride 2) → conv 5×5 (stride 1).
q8a = None


# 8b. Return the receptive-field side of one unit after `layers`, a list of (kernel, stride)
#     pairs from the input onwards, e.g. [(5, 1), (2, 2), (5, 1)].
def receptive_field(layers):
    raise NotImplementedError
