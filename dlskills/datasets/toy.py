"""Small 2-D classification data sets for fast demos, made from a seed.

Each maker returns ``(x, t)``: ``x`` of shape (N, 2) and floating ``dtype``, ``t`` the
int64 class numbers of shape (N,). Points come in class order (all of class 0, then
class 1, ...); :func:`train_test_split` shuffles and splits them. The same seed gives
the same points; ``noise`` is the standard deviation of Gaussian noise added to each
coordinate.

* :func:`make_spirals`: arms of a spiral winding out of the origin, one per class;
  not linearly separable, a classic test of what depth and width buy.
* :func:`make_blobs`: Gaussian clouds around centres; nearly linearly separable.
* :func:`make_moons`: two interleaving half circles.
"""

import numpy as np

from .._checks import check_float_dtype, check_number, check_rng, check_shape

__all__ = ["make_spirals", "make_blobs", "make_moons", "train_test_split"]


def _labels(n_per_class, n_classes):
    return np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)


def make_spirals(n_per_class=100, n_classes=3, noise=0.05, seed=0, *, turns=1.0,
                 dtype=np.float64):
    """Points on ``n_classes`` spiral arms, ``n_per_class`` each, within radius about 1.

    Arm ``k`` starts at the origin at angle ``2*pi*k/n_classes`` and winds ``turns``
    full turns while its radius grows evenly from 0 to 1. More turns or more noise
    make the classes harder to separate.
    """
    n = check_number("n_per_class", n_per_class, 1, integer=True)
    k = check_number("n_classes", n_classes, 2, integer=True)
    noise = check_number("noise", noise, 0)
    turns = check_number("turns", turns, 0, low_open=True)
    dtype = check_float_dtype(dtype)
    rng = check_rng("seed", seed)
    radius = np.tile(np.linspace(0.0, 1.0, n), k)
    start = np.repeat(2 * np.pi * np.arange(k) / k, n)
    angle = start + 2 * np.pi * turns * radius
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    x += noise * rng.standard_normal(x.shape)
    return x.astype(dtype), _labels(n, k)


def make_blobs(n_per_class=100, n_classes=None, noise=0.5, seed=0, *, centers=None,
               dtype=np.float64):
    """Gaussian clouds of standard deviation ``noise``, ``n_per_class`` points each.

    ``centers`` (shape (K, 2)) places the clouds; by default ``n_classes`` of them
    (3 unless given) sit evenly on a circle of radius 2 around the origin. Giving both
    ``n_classes`` and ``centers`` is fine when they agree.
    """
    n = check_number("n_per_class", n_per_class, 1, integer=True)
    noise = check_number("noise", noise, 0)
    dtype = check_float_dtype(dtype)
    if centers is None:
        k = 3 if n_classes is None else check_number("n_classes", n_classes, 2, integer=True)
        phi = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        centers = 2.0 * np.column_stack([np.cos(phi), np.sin(phi)])
    else:
        try:
            centers = np.asarray(centers, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"centers must be an array of shape (n_classes, 2) of numbers, "
                             f"got {centers!r}") from None
        check_shape("centers", centers, shape=(None, 2))
        if len(centers) < 2:
            raise ValueError(f"centers must have at least 2 rows (one per class), "
                             f"got {len(centers)}")
        if not np.all(np.isfinite(centers)):
            raise ValueError("centers must be finite numbers")
        k = len(centers)
        if n_classes is not None and check_number("n_classes", n_classes, 2,
                                                  integer=True) != k:
            raise ValueError(f"n_classes={n_classes} does not match the {k} rows of centers")
    rng = check_rng("seed", seed)
    x = np.repeat(centers, n, axis=0) + noise * rng.standard_normal((k * n, 2))
    return x.astype(dtype), _labels(n, k)


def make_moons(n_per_class=100, noise=0.1, seed=0, *, dtype=np.float64):
    """Two interleaving half circles of radius 1: class 0 opens downward, class 1 upward.

    Class 0 lies on the upper half of the unit circle around (0, 0), class 1 on the
    lower half of the unit circle around (1, 0.5), so each moon reaches into the other.
    """
    n = check_number("n_per_class", n_per_class, 1, integer=True)
    noise = check_number("noise", noise, 0)
    dtype = check_float_dtype(dtype)
    rng = check_rng("seed", seed)
    theta = np.linspace(0.0, np.pi, n)
    upper = np.column_stack([np.cos(theta), np.sin(theta)])
    lower = np.column_stack([1.0 - np.cos(theta), 0.5 - np.sin(theta)])
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((2 * n, 2))
    return x.astype(dtype), _labels(n, 2)


def train_test_split(x, t, test_fraction=0.2, seed=0):
    """Shuffle ``(x, t)`` together and split off a ``test_fraction`` of the rows.

    Returns ``(x_train, t_train), (x_test, t_test)``, the same layout as
    :func:`dlskills.datasets.load_mnist`. The test part has ``round(N * test_fraction)``
    rows; both parts must end up non-empty. The inputs are not modified.
    """
    x = np.asarray(x)
    t = np.asarray(t)
    if x.ndim == 0:
        raise ValueError("x must be an array with one row per sample, got a scalar")
    if t.ndim == 0 or len(t) != len(x):
        raise ValueError(f"t must have one entry per row of x: x has {len(x)} rows, "
                         f"t has shape {t.shape}")
    frac = check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    n = len(x)
    n_test = int(round(n * frac))
    if n_test < 1 or n_test > n - 1:
        raise ValueError(f"test_fraction={test_fraction} leaves {n_test} of {n} samples for "
                         f"testing; both the training and the test part need at least one")
    order = check_rng("seed", seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return (x[train], t[train]), (x[test], t[test])
