# Answers copied from my Overleaf write-up
import numpy as np

q1a = (r"a w_1", r"b w_2")
q1b = (r"0", r"0")
q1c = (r"1-\eta a", r"1-\eta b")
q1d = r"$0 < \eta < \frac{2}{\max(a,b)}$"
q1e = (r"\frac{2}{a+b}", r"\frac{a-b}{a+b}")
q2a = (r"1", r"3")
q2b = r"\frac{2}{15+\sqrt{221}}"

H = np.array([[26., -10.], [-10., 4.]])
c = np.array([4., -2.])


def gd_distances(eta, epochs):
    w, res = np.zeros(2), np.empty(epochs)
    for t in range(epochs):
        w = w - eta * (H @ w + c)
        res[t] = np.sqrt(((w - np.array([1, 3]))**2).sum())
    return res
