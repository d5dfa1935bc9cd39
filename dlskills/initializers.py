"""Weight initializers by name, with the formulas of the course text.

Every initializer is a function ``(shape, rng, dtype, **options) -> array`` where
``shape = (n_in, n_out)``. Look one up with :func:`get_initializer` or draw weights
with :func:`initialize`.

=================  ===========================================================
name               distribution
=================  ===========================================================
constant           every weight = ``value`` (default 0: "zeros")
identity           the identity matrix (``gain`` on the diagonal); n_in == n_out
normal             N(mean, std^2), defaults mean 0, std 0.01
uniform            U(low, high), defaults -0.05, 0.05
xavier_normal      N(0, 2 / (n_in + n_out))              (Glorot)
xavier_uniform     U(-sqrt(6 / (n_in + n_out)), +sqrt(...)) (Glorot)
he_normal          N(0, 2 / n_in)                        (Kaiming)
he_uniform         U(-sqrt(6 / n_in), +sqrt(6 / n_in))   (Kaiming)
lecun_normal       N(0, 1 / n_in): the simplified "sqrt(1/n)" that some books
                   call Xavier; it is not the Glorot formula above
=================  ===========================================================

``"xavier"`` and ``"he"`` are short for the normal variants.
"""

import numpy as np

from ._checks import Registry, check_float_dtype, check_number, check_rng

INITIALIZERS = Registry("initializer")


def constant(shape, rng=None, dtype=np.float64, *, value=0.0):
    return np.full(shape, check_number("value", value), dtype=dtype)


def identity(shape, rng=None, dtype=np.float64, *, gain=1.0):
    n_in, n_out = shape
    if n_in != n_out:
        raise ValueError(f"identity initialization needs a square weight matrix "
                         f"(n_in == n_out), got shape {shape}")
    w = np.eye(n_in, dtype=dtype)
    w *= check_number("gain", gain)  # in place: a numpy float64 gain keeps ``dtype``
    return w


def normal(shape, rng, dtype=np.float64, *, mean=0.0, std=0.01):
    check_number("std", std, low=0)
    return rng.normal(check_number("mean", mean), std, size=shape).astype(dtype, copy=False)


def uniform(shape, rng, dtype=np.float64, *, low=-0.05, high=0.05):
    check_number("low", low)
    check_number("high", high, low=low)
    return rng.uniform(low, high, size=shape).astype(dtype, copy=False)


def xavier_std(n_in, n_out):
    """Glorot's standard deviation sqrt(2 / (n_in + n_out))."""
    return np.sqrt(2.0 / (n_in + n_out))


def xavier_bound(n_in, n_out):
    """Glorot's uniform bound sqrt(6 / (n_in + n_out)): U(-b, b) has std sqrt(2/(n_in+n_out))."""
    return np.sqrt(6.0 / (n_in + n_out))


def he_std(n_in):
    """He's standard deviation sqrt(2 / n_in)."""
    return np.sqrt(2.0 / n_in)


def he_bound(n_in):
    """He's uniform bound sqrt(6 / n_in): U(-b, b) has std sqrt(2 / n_in)."""
    return np.sqrt(6.0 / n_in)


def xavier_normal(shape, rng, dtype=np.float64):
    return normal(shape, rng, dtype, std=xavier_std(*shape))


def xavier_uniform(shape, rng, dtype=np.float64):
    b = xavier_bound(*shape)
    return uniform(shape, rng, dtype, low=-b, high=b)


def he_normal(shape, rng, dtype=np.float64):
    return normal(shape, rng, dtype, std=he_std(shape[0]))


def he_uniform(shape, rng, dtype=np.float64):
    b = he_bound(shape[0])
    return uniform(shape, rng, dtype, low=-b, high=b)


def lecun_normal(shape, rng, dtype=np.float64):
    return normal(shape, rng, dtype, std=np.sqrt(1.0 / shape[0]))


for _f in (constant, identity, normal, uniform, xavier_normal, xavier_uniform,
           he_normal, he_uniform, lecun_normal):
    INITIALIZERS.register(_f.__name__, _f)
INITIALIZERS.register("xavier", xavier_normal)
INITIALIZERS.register("he", he_normal)


def get_initializer(name):
    """The initializer function called ``name``; ValueError lists the valid names."""
    return INITIALIZERS.get(name)


def initialize(name, shape, rng=None, dtype=np.float64, **options):
    """Draw a weight matrix of ``shape = (n_in, n_out)`` with the initializer ``name``.

    ``options`` go to the initializer (``std``/``mean`` for normal, ``low``/``high`` for
    uniform, ``value`` for constant, ``gain`` for identity); ``rng`` is a
    ``numpy.random.Generator`` or a seed; ``dtype`` a floating-point type.
    """
    if np.ndim(shape) != 1:
        raise ValueError(f"shape must be (n_in, n_out), got {shape!r}")
    shape = tuple(shape)
    if len(shape) != 2:
        raise ValueError(f"shape must be (n_in, n_out), got {shape}")
    shape = tuple(check_number(n, s, low=1, integer=True)
                  for n, s in zip(("n_in", "n_out"), shape))
    return INITIALIZERS.make(name, shape, check_rng("rng", rng), check_float_dtype(dtype),
                             **options)
