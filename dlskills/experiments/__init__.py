"""The chapters' experiments as pure functions that return dataclasses (one module per
chapter: ``gradients``, ``optimizers``, ``initialization``, ``regularization``), and the
one MNIST helper they share. Notebooks, exercise checks, explorers and tests call the
same functions; numpy only: nothing here imports matplotlib or ipywidgets, so checking
an exercise or running an experiment needs no display and no widgets.
"""

import functools

import numpy as np

from .._checks import check_number
from ..datasets import load_mnist


@functools.lru_cache(maxsize=None)
def _load(source, dtype):
    (x, t), (x_test, t_test) = load_mnist(normalize=True, flatten=True, source=source,
                                          dtype=dtype)
    for array in (x, t, x_test, t_test):
        array.flags.writeable = False
    return (x, t), (x_test, t_test)


@functools.lru_cache(maxsize=16)
def _draw(n_train, seed, source, dtype):
    (x, t), test = _load(source, dtype)
    n_train = check_number("n_train", n_train, 1, x.shape[0], integer=True)
    idx = np.sort(np.random.default_rng(seed).choice(x.shape[0], n_train, replace=False))
    x, t = x[idx], t[idx]
    x.flags.writeable = t.flags.writeable = False
    return (x, t), test


def mnist(n_train=None, seed=0, source="subset", dtype=np.float32):
    """MNIST for the experiments: ``((x, t), (x_test, t_test))``, images as normalized rows
    of 784 ``dtype`` values, labels as class numbers; cached, and read-only (copy before
    changing them).

    ``n_train=None``: every training digit of ``source`` ("subset": the bundled 4,000;
    "full": 60,000, see :func:`dlskills.load_mnist`). A number: that many training digits
    drawn at random with ``seed``, kept in their stored order. The bundled digits are
    stored in class order, so a random draw (not the first ``n_train``) is what gives
    every class its share. The test digits are always all of them.
    """
    dtype = np.dtype(dtype).name
    if n_train is None:
        return _load(source, dtype)
    return _draw(n_train, seed, source, dtype)
