"""A class of `gd` submissions whose answers are all distinct: no two submissions give the same
text for any question, nor the same values from ``gd_distances``, so a regrade has no verdict
to reuse and pays every check of every submission (tests/batch/classroom.py's realistic class
shares answers, as real classes do).

Submission ``i`` writes each closed form with its own factor ``k = i + 2`` (``k*a*w1/k``,
right, or a known wrong form scaled the same way, about one in four) and offsets its
distances by ``(i + 1) * 1e-12``, inside the grader's tolerance (atol 1e-9 for up to 900).
"""
from __future__ import annotations

import random

RIGHT = {
    "q1a": '("{k}*a*w1/{k}", "b*w2*{k}/{k}")',
    "q1b": '("0*{k}", "{k} - {k}")',
    "q1c": '("1 - {k}*eta*a/{k}", "1 - eta*b*{k}/{k}")',
    "q1d": '"0 < eta < {k2}/({k}*max(a, b))"',
    "q1e": '("{k2}/({k}*(a + b))", "{k}*(a - b)/({k}*(a + b))")',
    "q2a": '("{k}/{k}", "{k3}/{k}")',
    "q2b": '"{k2}/({k}*(15 + sqrt(221)))"',
}
WRONG = {
    "q1a": '("{k2}*a*w1/{k}", "{k2}*b*w2/{k}")',
    "q1b": '("{k}/{k}", "{k}/{k}")',
    "q1c": '("1 + {k}*eta*a/{k}", "1 + eta*b*{k}/{k}")',
    "q1d": '"0 < eta < {k2}/({k}*min(a, b))"',
    "q1e": '("{k}/({k}*(a + b))", "{k}*(a - b)/({k}*(a + b))")',
    "q2a": '("{k3}/{k}", "{k}/{k}")',
    "q2b": '"{k2}/({k}*(15 - sqrt(221)))"',
}
CODE = '''
def gd_distances(eta, epochs):
    w_star = np.array([1.0, 3.0])
    w = np.zeros(2)
    out = []
    for _ in range(epochs):
        g = np.array([26*w[0] - 10*w[1] + 4, -10*w[0] + 4*w[1] - 2])
        w = w - eta*g
        out.append(np.linalg.norm(w - w_star) + {offset})
    return np.array(out)
'''


def distinct_class(count: int, seed: int = 0) -> list[dict[str, str]]:
    """``count`` answers.py files (as file name -> text), no answer shared."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        k = i + 2
        lines = ["import numpy as np", ""]
        for name in RIGHT:
            form = WRONG[name] if rng.random() < 0.25 else RIGHT[name]
            lines.append(f"{name} = {form.format(k=k, k2=2 * k, k3=3 * k)}")
        out.append({"answers.py": "\n".join(lines) + "\n"
                    + CODE.format(offset=f"{i + 1}e-12")})
    return out
