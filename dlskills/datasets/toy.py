"""A small 2-D classification data set for fast demos and tests, made from a seed.

:func:`make_blobs` returns ``(x, t)``: ``x`` of shape (N, 2) and floating ``dtype``,
``t`` the int64 class numbers of shape (N,), in class order (all of class 0, then class
1, ...). The same seed gives the same points.
"""

import numpy as np

from .._checks import check_float_dtype, check_number, check_rng


def make_blobs(n_per_class=100, n_classes=3, noise=0.5, seed=0, *, dtype=np.float64):
    """Gaussian clouds of standard deviation ``noise``, ``n_per_class`` points each,
    around ``n_classes`` centres evenly on a circle of radius 2 around the origin:
    nearly linearly separable."""
    n = check_number("n_per_class", n_per_class, 1, integer=True)
    k = check_number("n_classes", n_classes, 2, integer=True)
    noise = check_number("noise", noise, 0)
    dtype = check_float_dtype(dtype)
    rng = check_rng("seed", seed)
    phi = np.pi / 2 + 2 * np.pi * np.arange(k) / k
    centers = 2.0 * np.column_stack([np.cos(phi), np.sin(phi)])
    x = np.repeat(centers, n, axis=0) + noise * rng.standard_normal((k * n, 2))
    return x.astype(dtype), np.repeat(np.arange(k, dtype=np.int64), n)
