"""Numerical gradients by central differences, and the relative error used to compare."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """d f / d x by central differences: (f(x + h e_i) - f(x - h e_i)) / 2h for each i.

    ``f`` takes no argument and reads ``x``, which is changed in place one element at a
    time and restored, so ``f`` may be a closure over a network's parameters.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("numerical_gradient needs a contiguous array it can change in place")
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = f()
        flat_x[i] = original - h
        f_minus = f()
        flat_x[i] = original
        flat_g[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """max|a - b| / max(1e-8, max(|a| + |b|)): 0 for equal arrays, about 1 for unrelated ones.

    Below 1e-7 in float64 means an analytic gradient agrees with the numerical one.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))
