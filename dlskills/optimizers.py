"""Optimizers with the course text's formulas, used as ``opt.update(params, grads)``.

``params`` and ``grads`` are dicts of arrays with the same keys (``W1``, ``b1``, ...);
parameters are updated in place. ``opt.lr`` may be changed between steps (that is
how the learning-rate schedules drive an optimizer).

Where PyTorch differs (a learner will meet both):

* Momentum: here ``v <- alpha v - lr grad; W <- W + v``, so the learning rate is baked
  into the velocity. ``torch.optim.SGD(momentum=...)`` keeps ``buf <- mu buf + grad`` and
  steps ``W <- W - lr buf``: with a constant lr the two are the same, but when the lr
  changes, PyTorch rescales the whole accumulated velocity at once while here only new
  gradients get the new lr.
* Adam: here eps is added to sqrt(h) and the bias corrections are folded into the step
  size, ``lr_t = lr sqrt(1 - alpha2^t) / (1 - alpha1^t)`` (the course text's code).
  PyTorch adds eps to sqrt(h_hat) = sqrt(h / (1 - alpha2^t)); the two differ only
  while h is comparable to eps^2, i.e. for tiny gradients early in training.
"""

import inspect
import math

import numpy as np

from ._checks import Registry, check_array, check_number

EPS = 1e-8

OPTIMIZERS = Registry("optimizer")


class Optimizer:
    """Base class: holds ``lr`` (checked, changeable) and per-parameter state; its
    ``settings()`` are the arguments its class takes, with their current values."""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.state = {}

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = check_number("lr", value, low=0, low_open=True)

    def update(self, params, grads):
        """Update every array in ``params`` in place from the same key in ``grads``.

        ``params`` maps names to floating-point arrays, ``grads`` the same names to
        arrays of the same shapes.
        """
        _check_update(params, grads)
        self._begin_step()
        for key, p in params.items():
            if key not in self.state:
                self.state[key] = self._new_state(p)
            self._update_one(p, grads[key], self.state[key])

    def _begin_step(self):
        pass

    def _new_state(self, p):
        return None

    def _update_one(self, p, g, state):
        raise NotImplementedError

    def __repr__(self):
        settings = ", ".join(f"{k}={v}" for k, v in self.settings().items())
        return f"{type(self).__name__}({settings})"

    def settings(self):
        return {name: getattr(self, name) for name in inspect.signature(type(self)).parameters}


def _check_update(params, grads):
    """Raise a clear error for what numpy would broadcast silently or reject obscurely."""
    for name, value in (("params", params), ("grads", grads)):
        if not isinstance(value, dict):
            raise TypeError(f"{name} must be a dict of numpy arrays (such as net.params), "
                            f"got {type(value).__name__}")
    if grads.keys() != params.keys():
        raise ValueError(f"grads must have the keys of params: missing "
                         f"{sorted(params.keys() - grads.keys())}, unexpected "
                         f"{sorted(grads.keys() - params.keys())}")
    for key, p in params.items():
        g = grads[key]
        check_array(f"params[{key!r}]", p, "f",
                    "a floating-point numpy array (updated in place)")
        if not isinstance(g, np.ndarray) or g.shape != p.shape:
            got = f"shape {g.shape}" if isinstance(g, np.ndarray) else type(g).__name__
            raise ValueError(f"grads[{key!r}] must be an array of the shape of "
                             f"params[{key!r}], {p.shape}, got {got}")


class SGD(Optimizer):
    """W <- W - lr * grad."""

    def _update_one(self, p, g, state):
        p -= self.lr * g


class Momentum(Optimizer):
    """v <- momentum * v - lr * grad;  W <- W + v."""

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = check_number("momentum", momentum, 0, 1, high_open=True)

    def _new_state(self, p):
        return np.zeros_like(p)

    def _update_one(self, p, g, v):
        v *= self.momentum
        v -= self.lr * g
        p += v


class AdaGrad(Optimizer):
    """h <- h + grad^2;  W <- W - lr * grad / (sqrt(h) + eps)."""

    def _new_state(self, p):
        return np.zeros_like(p)

    def _update_one(self, p, g, h):
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + EPS)


class RMSProp(Optimizer):
    """h <- decay * h + (1 - decay) * grad^2;  W <- W - lr * grad / (sqrt(h) + eps)."""

    def __init__(self, lr=0.01, decay=0.99):
        super().__init__(lr)
        self.decay = check_number("decay", decay, 0, 1, high_open=True)

    def _new_state(self, p):
        return np.zeros_like(p)

    def _update_one(self, p, g, h):
        h *= self.decay
        h += (1 - self.decay) * g * g
        p -= self.lr * g / (np.sqrt(h) + EPS)


class Adam(Optimizer):
    """Adam as in the course text (t counts steps from 1):

    v <- alpha1 v + (1 - alpha1) grad;   h <- alpha2 h + (1 - alpha2) grad^2
    W <- W - lr_t v / (sqrt(h) + eps),   lr_t = lr sqrt(1 - alpha2^t) / (1 - alpha1^t)

    which is W <- W - lr v_hat / sqrt(h_hat) with v_hat = v / (1 - alpha1^t) and
    h_hat = h / (1 - alpha2^t), apart from where eps sits. The course text's code
    defaults to lr=0.01; the default here is the usual 0.001.
    """

    def __init__(self, lr=0.001, alpha1=0.9, alpha2=0.999):
        super().__init__(lr)
        self.alpha1 = check_number("alpha1", alpha1, 0, 1, high_open=True)
        self.alpha2 = check_number("alpha2", alpha2, 0, 1, high_open=True)
        self.t = 0

    def _begin_step(self):
        self.t += 1
        self.lr_t = self.lr * math.sqrt(1 - self.alpha2 ** self.t) / (1 - self.alpha1 ** self.t)

    def _new_state(self, p):
        return np.zeros_like(p), np.zeros_like(p)

    def _update_one(self, p, g, state):
        v, h = state
        v += (1 - self.alpha1) * (g - v)
        h += (1 - self.alpha2) * (g * g - h)
        p -= self.lr_t * v / (np.sqrt(h) + EPS)


for _cls in (SGD, Momentum, AdaGrad, RMSProp, Adam):
    OPTIMIZERS.register(_cls.__name__.lower(), _cls)


CLIP_MODES = ("norm", "value")


def clip_gradients(grads, limit, by="norm"):
    """Gradients limited before an update (any optimizer): returns ``(clipped, total,
    acted)`` with ``clipped`` a new dict (``grads`` is not changed), ``total`` the global
    norm sqrt(sum of every squared entry) before clipping and ``acted`` whether anything
    changed.

    by="norm":  if total > limit, every gradient is multiplied by limit / total: the
                direction of the whole step is kept, only its length is cut.
    by="value": every entry is cut to [-limit, limit] on its own: large entries shrink,
                small ones do not, so the direction changes.
    """
    if not isinstance(grads, dict) or not all(isinstance(g, np.ndarray)
                                              for g in grads.values()):
        raise TypeError(f"grads must be a dict of numpy arrays (such as net.gradient(x, t)), "
                        f"got {type(grads).__name__}")
    limit = check_number("limit", limit, low=0, low_open=True)
    if by not in CLIP_MODES:
        raise ValueError(f"by must be 'norm' or 'value', got {by!r}")
    total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    if by == "norm":
        acted = total > limit
        scale = limit / total if acted else 1.0
        return {key: g * g.dtype.type(scale) for key, g in grads.items()}, total, acted
    acted = any(g.size and float(np.max(np.abs(g))) > limit for g in grads.values())
    return {key: np.clip(g, -limit, limit) for key, g in grads.items()}, total, acted


def make_optimizer(name, **settings):
    """An optimizer by name (``"sgd"``, ``"momentum"``, ``"adagrad"``, ``"rmsprop"``,
    ``"adam"``) with its settings, e.g. ``make_optimizer("adam", lr=1e-3)``."""
    return OPTIMIZERS.make(name, **settings)
