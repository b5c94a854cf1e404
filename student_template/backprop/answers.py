"""Assignment backprop: a two-layer network by hand.  Derivations here; code in mlp.py.

How to answer
-------------
Replace each ``None``.  Scalar math is text in Python/SymPy syntax over the symbols ``s``,
``v`` (and ``phi``, which stands for phi(v) below); matrix answers are text in the named
matrices of question 3 (vectors are columns): ``@`` or two names side by side is a matrix
product, ``*`` is element-wise, ``.T`` (or ``ᵀ``) transposes, ``I`` is an identity of the right
size, and ``diag(...)``, ``relu(...)`` and comparisons such as ``(z1 > 0)`` (1 where true, 0
elsewhere) are available.

Check your files before you submit (it says whether every answer can be read and has the right
shape, and whether your backward pass matches finite differences of your own forward pass):

    python -m autograder check backprop .
"""

# Question 1. phi(v) = 1 / (1 + exp(-s*v)) is a sigmoid with slope s.  Give phi'(v); you may
# write it in terms of phi.
q1 = None

# Question 2. A network x -> Linear1 -> f -> Linear2 -> g for x in R^n, k hidden units and K
# outputs.  Give the shapes of W1, b1, W2, b2 in the symbols n, k, K, e.g. {"W1": ("k", "n"), ...}
# or "k x n" strings.
q2 = None

# Question 3. z1 = W1 x + b1, z2 = 5 relu(z1), z3 = W2 z2 + b2, yhat = z3, loss = ||yhat - y||^2,
# with x (n×1), W1 (k×n), b1 (k×1), W2 (K×k), b2 (K×1), y (K×1).  Numerator layout: the
# derivative of an m-vector by an n-vector is an m×n matrix.  Later answers may use the earlier
# ones by name: dl_dyhat (3a), dyhat_dz3 (3b), dz2_dz1 (3c).
q3a = None   # d loss / d yhat
q3b = None   # d yhat / d z3
q3c = None   # d z2 / d z1
q3d = None   # d loss / d W2, shaped like W2
q3e = None   # d loss / d b2, shaped like b2
q3f = None   # d loss / d W1, shaped like W1
q3g = None   # d loss / d b1, shaped like b1
