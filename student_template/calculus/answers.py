"""Assignment calculus: gradients and Jacobians.

How to answer
-------------
Replace each ``None`` with your answer.  Scalar math is text in Python/SymPy syntax, e.g.
``"4*x2"`` (``^`` for powers and implicit products such as ``2x1`` are fine), over the symbols
``x1``, ``x2``, ``x3`` and the functions sqrt, exp, log, sin, cos, tan.

Matrix answers are text too, in the named matrices and vectors below (vectors are columns):
``@`` or writing two names side by side is a matrix product, ``*`` is element-wise, ``.T`` (or
``ᵀ``, ``^T``) transposes, ``I`` is an identity of the right size, and ``outer(a, b)``,
``diag(v)``, ``relu``, ``sigmoid``, ``exp`` and comparisons such as ``(h > 0)`` (1 where true,
0 elsewhere) are available.  Example: ``"A.T @ c + 3 * v"``.

    A (m×n)   v, w, x (n×1)   V (k×n)   b, h, hp (k×1)   W (m×k)   c, y, yp (m×1)

Gradients with respect to a vector or matrix have the shape of that variable; a Jacobian has a
row per output and a column per input.  Check your file before you submit (it tells you whether
every answer can be read and has the right shape, not whether it is right):

    python -m autograder check calculus .

You may instead answer in a notebook named ``calculus.ipynb`` that defines the same names.
"""

# Question 1. f(x) = sin(x1) + 2*x2^2.
# 1a. The gradient of f: a tuple (df/dx1, df/dx2).
q1a = None

# 1b. One critical point of f and its type: ((x1, x2), "minimum" | "maximum" | "saddle").
q1b = None

# Question 2. f(x) = v^T x with v = (3, -2).
# 2a. The gradient of f: a tuple.
q2a = None

# 2b. Its critical points: "none", or the type of the critical points if there are any.
q2b = None

# Question 3. The Jacobian of f(x) = [2*x1^2 + 3*x2 + 5, sin(x3)*e^x1] for x = (x1, x2, x3),
# as a list of rows, e.g. [["...", "...", "..."], ["...", "...", "..."]].
q3 = None

# Question 4. For a matrix A and vectors v, w:
# 4a. The Jacobian of g(v) = A v (a matrix expression).
q4a = None

# 4b. The Jacobian of h(v) = v + w.
q4b = None

# Question 5. Gradients with respect to the matrix A:
# 5a. of v^T A v (take A square here, m = n).
q5a = None

# 5b. of ||A v||^2.
q5b = None

# Question 6. A small network: h = V x + b, hp = relu(h), yp = W hp + c, L = ||y - yp||^2.
# Give each gradient of L.  Later answers may use the earlier gradients by name:
# d_yp (the gradient with respect to yp), d_hp (... hp) and d_h (... h).
q6a = None   # with respect to yp
q6b = None   # with respect to W
q6c = None   # with respect to c
q6d = None   # with respect to hp
q6e = None   # with respect to h
q6f = None   # with respect to V
q6g = None   # with respect to b
