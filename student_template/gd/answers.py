"""Assignment gd: analysing gradient descent.

How to answer
-------------
Replace each ``None`` with your answer.  Write math as text in Python/SymPy syntax, e.g.
``"a*eta^2 - 1"``; ``^`` for powers, ``η`` for eta and implicit products such as ``2a`` are fine.
You may use the symbols ``a``, ``b``, ``eta`` (all positive), ``w1``, ``w2``, the abbreviation
``kappa`` (= a/b), numbers, and the functions sqrt, exp, log, sin, cos, abs, max, min.
A question that asks for several values takes a tuple: ``("...", "...")``.  Plain numbers and
SymPy objects are accepted too.  Give exact values (``1/3``, ``sqrt(2)``) unless a question
says a decimal is fine.

Check your file before you submit (it tells you whether every answer can be read, not whether
it is right):

    python -m autograder check gd .

You may instead answer in a notebook named ``gd.ipynb`` that defines the same names.
"""
import numpy as np

# Question 1. Let L(w1, w2) = 1/2 (a*w1^2 + b*w2^2) with a, b > 0.

# 1a. The gradient of L: a tuple (dL/dw1, dL/dw2).
q1a = None

# 1b. The point w* = (w1*, w2*) where L is smallest.
q1b = None

# 1c. Gradient descent with learning rate eta updates each weight as w_i(t+1) = rho_i * w_i(t).
#     Give (rho_1, rho_2).
q1c = None

# 1d. For which learning rates does gradient descent converge to w* from every starting point?
#     Give a range of eta, e.g. "c < eta < d", "c <= eta < d", or interval notation "(c, d]".
q1d = None

# 1e. Suppose a >= b.  Which fixed eta makes the slowest coordinate converge fastest, and what
#     is the resulting rate max(|rho_1|, |rho_2|)?  Give (eta_best, rate).
q1e = None

# Question 2. Let R(w) = 13*w1^2 - 10*w1*w2 + 4*w1 + 2*w2^2 - 2*w2 + 1.

# 2a. The critical point of R: a tuple (w1, w2).
q2a = None

# 2b. The largest learning rate below which gradient descent on R converges (the supremum of
#     the convergent eta).  An exact expression, or a decimal with at least 3 significant digits.
q2b = None


# 2c. Run gradient descent on R from w(0) = (0, 0) with learning rate eta for `epochs` steps.
#     Return a NumPy array of length `epochs` whose entry t is ||w(t+1) - w*||, the distance to
#     the critical point after step t+1.  (Try eta = 0.02, 0.05 and 0.1: which ones converge?)
def gd_distances(eta, epochs):
    raise NotImplementedError
