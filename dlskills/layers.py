"""Layers: each a forward/backward pair that keeps its own cache.

The vocabulary is the one of "Deep Learning from Scratch": ``out = layer.forward(x)``,
then ``dx = layer.backward(dout)``; a layer with parameters keeps them as attributes
(``W``, ``b``, ``gamma``, ``beta``) and their gradients as ``dW``, ``db``, ... after
``backward``. ``forward`` takes ``train``: training and evaluation differ in BatchNorm and Dropout,
and only a training pass keeps a cache (what ``backward`` needs): an evaluation pass
of thousands of samples keeps nothing of them, so ``backward`` follows a training
``forward``. Every layer names its parameters in ``param_names`` (none for most),
so a network binds and collects them the same way for every layer, as micrograd's
``parameters()`` does.
"""

import numpy as np

from ._checks import check_number, check_rng
from .functions import cross_entropy, log_softmax, sigmoid


class Layer:
    """Base: parameter ``p`` (one of ``param_names``) is attribute ``p``, its gradient after
    ``backward`` is attribute ``"d" + p``."""
    param_names = ()

    def parameters(self):
        return {name: getattr(self, name) for name in self.param_names}

    def gradients(self):
        return {name: getattr(self, "d" + name) for name in self.param_names}

    def backward_input(self, dout):
        """dL/d input alone: a layer with parameters may skip their gradients (by default
        it is ``backward``)."""
        return self.backward(dout)

    def _kept(self, value):
        """What the last training ``forward`` kept for ``backward``; a clear error after
        an evaluation pass, which keeps nothing."""
        if value is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a training forward "
                               f"first (train=True, the default); an evaluation pass "
                               f"(train=False) keeps nothing for backward")
        return value


class Affine(Layer):
    """out = x @ W + b. Inputs of more than two dimensions are flattened per sample.
    ``need_dx=False`` (a first layer) skips computing dx: ``backward`` returns None."""
    param_names = ("W", "b")

    def __init__(self, W, b, need_dx=True):
        self.W, self.b, self.need_dx = W, b, need_dx
        self.x = self.x_shape = self.dW = self.db = None

    def forward(self, x, train=True):
        flat = x.reshape(x.shape[0], -1)
        out = flat @ self.W
        out += self.b
        self.x, self.x_shape = (flat, x.shape) if train else (None, None)
        return out

    def backward(self, dout):
        """Gradients dW, db; returns dx (None when ``need_dx`` is False)."""
        self.dW = self._kept(self.x).T @ dout
        self.db = dout.sum(axis=0)
        return self.backward_input(dout)

    def backward_input(self, dout):
        """dx alone (None when ``need_dx`` is False); dW and db are not computed."""
        shape = self._kept(self.x_shape)
        return (dout @ self.W.T).reshape(shape) if self.need_dx else None


class Sigmoid(Layer):
    """out = 1 / (1 + exp(-x)); backward uses out * (1 - out)."""

    def __init__(self):
        self.out = None

    def forward(self, x, train=True):
        out = sigmoid(x)
        self.out = out if train else None
        return out

    def backward(self, dout):
        out = self._kept(self.out)
        return dout * out * (1.0 - out)


class Tanh(Layer):
    """out = tanh(x); backward uses 1 - out^2."""

    def __init__(self):
        self.out = None

    def forward(self, x, train=True):
        out = np.tanh(x)
        self.out = out if train else None
        return out

    def backward(self, dout):
        out = self._kept(self.out)
        return dout * (1.0 - out * out)


class ReLU(Layer):
    """out = max(x, 0); backward passes the gradient where x > 0."""

    def __init__(self):
        self.mask = None

    def forward(self, x, train=True):
        self.mask = x > 0 if train else None
        return np.maximum(x, 0)  # not x * mask: -inf * 0 would be NaN

    def backward(self, dout):
        return dout * self._kept(self.mask)


ACTIVATION_LAYERS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


class Fork(Layer):
    """Start of a residual block ``out = x + F(x)``: passes x on to the branch F and
    keeps it for the matching :class:`Join`; backward adds the gradient the Join sent
    along the shortcut to the one that came back through F."""

    def __init__(self):
        self.x = self.dshortcut = None

    def forward(self, x, train=True):
        self.x = x
        return x

    def backward(self, dout):
        return dout + self.dshortcut


class Join(Layer):
    """End of a residual block: out = F(x) + x, with x kept by ``fork``; backward sends
    dout unchanged both into F and along the shortcut (the identity's gradient is 1)."""

    def __init__(self, fork):
        if not isinstance(fork, Fork):
            raise TypeError(f"fork must be the Fork that starts the block, "
                            f"got {type(fork).__name__}")
        self.fork = fork

    def forward(self, x, train=True):
        out = x + self.fork.x
        if not train:               # the fork's x was only kept for this sum
            self.fork.x = None
        return out

    def backward(self, dout):
        self.fork.dshortcut = dout
        return dout


class BatchNorm(Layer):
    """Batch normalization over the batch axis, as in the course text.

    Training: mu and sigma^2 = mean((x - mu)^2) of the batch (the biased variance, 1/n),
    x_hat = (x - mu) / sqrt(sigma^2 + eps), out = gamma * x_hat + beta.
    Evaluation: the same with running averages in place of mu and sigma^2.
    (A training batch of one sample gives x_hat = 0, so out = beta and every gradient
    through x is 0: ``MLP`` refuses such batches, the layer itself computes them.)

    Running averages: ``running = momentum * running + (1 - momentum) * batch_value``
    with ``momentum = 0.9``, starting from mean 0 and variance 1, and the biased batch
    variance is averaged. (PyTorch writes the same average with ``momentum=0.1`` meaning
    the weight of the new value, and averages the unbiased variance n/(n-1) sigma^2.)
    """
    param_names = ("gamma", "beta")

    def __init__(self, gamma, beta, momentum=0.9, eps=1e-5):
        self.gamma, self.beta = gamma, beta
        # python floats: a numpy float64 scalar would promote float32 arrays to float64
        self.momentum = float(check_number("momentum", momentum, 0, 1))
        self.eps = float(check_number("eps", eps, low=0, low_open=True))
        self.running_mean = np.zeros_like(gamma)
        self.running_var = np.ones_like(gamma)
        self.x_hat = self.inv_std = self.dgamma = self.dbeta = None

    def forward(self, x, train=True):
        if train:
            mu = x.mean(axis=0)
            xc = x - mu
            var = (xc * xc).mean(axis=0)
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var
        else:
            xc = x - self.running_mean
            var = self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = xc * inv_std
        self.inv_std, self.x_hat = (inv_std, x_hat) if train else (None, None)
        return self.gamma * x_hat + self.beta

    def backward(self, dout):
        """Backward of the training-mode forward (batch statistics depend on x)."""
        n = dout.shape[0]
        self.dbeta = dout.sum(axis=0)
        self.dgamma = (dout * self._kept(self.x_hat)).sum(axis=0)
        dx_hat = dout * self.gamma
        # d/dx of (x - mu) * inv_std, with mu and inv_std functions of the whole batch
        return self.inv_std / n * (n * dx_hat - dx_hat.sum(axis=0)
                                   - self.x_hat * (dx_hat * self.x_hat).sum(axis=0))


class Dropout(Layer):
    """Inverted dropout, as in the course text.

    Training: each unit is set to 0 with probability ``p`` and the survivors are scaled
    by 1 / (1 - p), so the expected output equals the input. Evaluation: the input
    passes unchanged. ``fixed_mask=True`` reuses the last mask (for gradient checks).
    """

    def __init__(self, p=0.5, rng=None):
        self.p = float(check_number("dropout p", p, 0, 1, high_open=True))
        self.rng = check_rng("rng", rng)
        self.mask = None
        self.fixed_mask = False
        self.active = False

    def forward(self, x, train=True):
        self.active = train and self.p > 0
        if not self.active:
            return x
        if not self.fixed_mask or self.mask is None or self.mask.shape != x.shape:
            keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
            self.mask = keep.astype(x.dtype) / (1.0 - self.p)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask if self.active else dout


class SoftmaxWithLoss(Layer):
    """Softmax followed by mean cross-entropy; ``t`` is labels (N,) or one-hot (N, C).
    Like the other layers, only a training pass keeps the probabilities and ``t``."""

    def __init__(self):
        self.probs = self.t = None

    def forward(self, x, t, train=True):
        log_probs = log_softmax(x)
        self.probs, self.t = (np.exp(log_probs), t) if train else (None, None)
        return cross_entropy(log_probs, t)

    def backward(self, dout=1.0):
        probs = self._kept(self.probs)
        n = probs.shape[0]
        dx = probs.copy()
        if self.t.ndim == dx.ndim:
            dx -= self.t
        else:
            dx[np.arange(n), self.t] -= 1
        return dx * (dout / n)
