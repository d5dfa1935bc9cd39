"""Numerical gradients by central differences, and the relative error used to compare."""

import numpy as np

from ._checks import check_array, check_number


def numerical_gradient(f, x, h=1e-5):
    """d f / d x by central differences: (f(x + h e_i) - f(x - h e_i)) / 2h for each i.

    ``f`` takes no argument, reads ``x`` and returns a number (the loss); ``x`` (a
    floating-point array) is changed in place one element at a time and restored, so
    ``f`` may be a closure over a network's parameters.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments returning a number, "
                        f"got {type(f).__name__}")
    check_array("x", x, "f", "a floating-point array (integer x +- h would be rounded)")
    h = check_number("h", h, low=0, low_open=True)
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("numerical_gradient needs a contiguous array x it can change in place")
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = _scalar(f())
        flat_x[i] = original - h
        f_minus = _scalar(f())
        flat_x[i] = original
        flat_g[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar(value):
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a single number (the loss), got an array of shape "
                         f"{np.shape(value)}")
    return value


def relative_error(a, b):
    """max|a - b| / max(1e-8, max(|a| + |b|)): 0 for equal arrays, about 1 for unrelated ones.

    Below 1e-7 in float64 means an analytic gradient agrees with the numerical one.
    NaN or infinite values raise ValueError (they would make any comparison meaningless).
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    for name, array in (("a", a), ("b", b)):
        if not np.isfinite(array).all():
            raise ValueError(f"relative_error: {name} contains NaN or infinite values")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))
