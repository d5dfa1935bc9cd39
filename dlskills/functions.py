"""Activation functions, their derivatives, and softmax with cross-entropy.

All are numerically stable: no overflow warnings for any finite input, and the
output keeps the input's floating dtype (float32 stays float32).
"""

import numpy as np

from ._checks import Registry, check_labels


def sigmoid(x):
    """1 / (1 + exp(-x)), computed as (1 + tanh(x/2)) / 2 so exp never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_grad(x):
    """d sigmoid / dx = sigmoid(x) * (1 - sigmoid(x)); never larger than 0.25 (at x = 0)."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    """d tanh / dx = 1 - tanh(x)^2; at most 1 (at x = 0)."""
    t = np.tanh(x)
    return 1.0 - t * t


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    """1 where x > 0, else 0 (the derivative at 0 is taken as 0)."""
    return (x > 0).astype(x.dtype)


class Activation:
    """An activation by name: ``f(x)`` and its derivative ``grad(x)``."""

    def __init__(self, name, f, grad):
        self.name, self.f, self.grad = name, f, grad

    def __repr__(self):
        return f"Activation({self.name!r})"


ACTIVATIONS = Registry("activation")
ACTIVATIONS.register("sigmoid", Activation("sigmoid", sigmoid, sigmoid_grad))
ACTIVATIONS.register("tanh", Activation("tanh", tanh, tanh_grad))
ACTIVATIONS.register("relu", Activation("relu", relu, relu_grad))


def get_activation(name):
    """The :class:`Activation` called ``name``; ValueError lists the valid names."""
    return ACTIVATIONS.get(name)


def log_softmax(x):
    """log(softmax(x)) along the last axis, shifted by the row maximum so exp never overflows."""
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(x):
    """exp(x) / sum(exp(x)) along the last axis; finite for logits of any size."""
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(log_probs, t):
    """Mean cross-entropy from log-probabilities.

    ``t`` is either integer labels of shape (N,) or one-hot / soft targets of shape (N, C).
    Working from log-probabilities (not probabilities) keeps the loss finite even when a
    probability underflows to 0.
    """
    n = log_probs.shape[0]
    t = check_labels("t", t, n, log_probs.shape[-1])
    if t.ndim == 2:
        return float(-(t * log_probs).sum() / n)
    return float(-log_probs[np.arange(n), t].sum() / n)


def softmax_cross_entropy(x, t):
    """Softmax of logits ``x`` and the mean cross-entropy against ``t``; returns (probs, loss)."""
    log_probs = log_softmax(x)
    return np.exp(log_probs), cross_entropy(log_probs, t)


def norm(array):
    """Frobenius norm, summed in float64: in float32 the squares of 1e-23 (or 1e20) would
    underflow to 0 (overflow to inf) although the values themselves do not."""
    return float(np.linalg.norm(np.asarray(array, dtype=np.float64)))
