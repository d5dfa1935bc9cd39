"""A multi-layer perceptron built from a short spec.

Each hidden layer is ``Affine -> [BatchNorm] -> activation -> [Dropout]`` (batch norm
after the linear layer and before the activation, dropout after the activation and
before the next linear layer, as in the course text); the output layer is
``Affine -> SoftmaxWithLoss``. With ``residual=True`` every hidden layer after the first
is a residual block ``h_i = h_{i-1} + F(h_{i-1})`` with F the same layers in the
"pre-activation" order ``[BatchNorm ->] activation [-> Dropout] -> Affine`` (layers
``Fork`` and ``Join`` around it). Parameters live in one dict, ``net.params``::

    W1, b1, [gamma1, beta1,] W2, b2, ..., WL, bL      (L = number of Affine layers)

and ``net.gradient(x, t)`` returns a dict with the same keys. Optimizers may update
``net.params`` in place or replace its arrays: the layers read it on every forward.
"""

from dataclasses import dataclass

import numpy as np

from ._checks import (check_flag, check_float_dtype, check_labels, check_number,
                      check_rng)
from .functions import ACTIVATIONS
from .initializers import initialize
from .layers import (ACTIVATION_LAYERS, Affine, BatchNorm, Dropout, Fork, Join,
                     SoftmaxWithLoss)


#: the parts of a :class:`LayerReport`, each one array per hidden layer
REPORT_PARTS = ("pre", "post", "grad_pre", "grad_post")


@dataclass
class LayerReport:
    """What one batch did in each hidden layer (index 0 = first hidden layer).

    pre[i], post[i]:      input and output of hidden layer i's activation function
    grad_pre[i]:          dL/d pre[i];  grad_post[i]: dL/d post[i]
    loss:                 the batch loss, weight decay included
    """
    pre: list
    post: list
    grad_pre: list
    grad_post: list
    loss: float


class _Trace(list):
    """A trace (see :meth:`MLP.predict`) that stores only what ``pick(entry)`` makes of each
    entry, nothing for None: a trace of every layer of a deep network would hold several
    arrays per layer until the pass ends."""

    def __init__(self, pick):
        super().__init__()
        self.pick = pick

    def append(self, entry):
        kept = self.pick(entry)
        if kept is not None:
            super().append(kept)


class MLP:
    """A fully connected network for classification.

    Parameters
    ----------
    input_size, hidden_sizes, output_size : e.g. 784, [100, 100, 100, 100], 10
    activation : an activation name (``dlskills.functions.ACTIVATIONS.names()``)
    init : an initializer name (see :mod:`dlskills.initializers`) or a number, meaning a
        normal distribution with that standard deviation ("weight scale")
    init_options : extra options for the initializer, e.g. ``{"std": 0.1}``
    batchnorm : insert BatchNorm after every hidden Affine layer; ``bn_eps``: its epsilon
    dropout : probability p of dropping a hidden unit in training (0 = no Dropout layer)
    weight_decay : lambda; the loss adds 1/2 lambda sum(W^2) over the weights W only
        (not biases, not gamma/beta) and the gradient adds lambda W
    residual : make every hidden layer after the first a residual block (needs equal
        hidden sizes): ``h_i = h_{i-1} + W_i f(BN(h_{i-1})) + b_i``, the "pre-activation"
        form of He et al. 2016. Nothing follows the sum, so the shortcut is a pure
        identity: the gradient reaches every earlier layer through the sums unchanged,
        whatever f' is (the original ``f(x + F(x))`` multiplies it by f' at every block,
        at most 1/4 for sigmoid). And the branch ends in a linear layer, whose output has
        mean 0 at the start: a branch ending in f (``x + f(Wx)``) adds f's positive mean
        (0.5 for sigmoid) at every block, and the sums grow with depth. The last block's
        sum goes to the output layer as it is. ``inspect`` reports each block's f.
    seed : seed (or ``numpy.random.Generator``) for the weights and dropout masks
    dtype : float64 for gradient checks, float32 for speed
    """

    def __init__(self, input_size, hidden_sizes, output_size, activation="relu", init="he",
                 init_options=None, batchnorm=False, dropout=0.0, weight_decay=0.0, seed=0,
                 dtype=np.float64, bn_eps=1e-5, residual=False):
        hidden_sizes = [hidden_sizes] if np.isscalar(hidden_sizes) else list(hidden_sizes)
        self.sizes = [check_number("input_size", input_size, low=1, integer=True)]
        self.sizes += [check_number("hidden size", h, low=1, integer=True) for h in hidden_sizes]
        self.sizes.append(check_number("output_size", output_size, low=1, integer=True))
        self.activation = ACTIVATIONS.get(activation).name
        # python floats: a numpy float64 scalar would promote float32 training to float64
        self.weight_decay = float(check_number("weight_decay (lambda)", weight_decay, low=0))
        self.dropout = float(check_number("dropout p", dropout, 0, 1, high_open=True))
        self.batchnorm = check_flag("batchnorm", batchnorm)
        bn_eps = check_number("bn_eps", bn_eps, low=0, low_open=True)
        self.residual = check_flag("residual", residual)
        if self.residual and (len(hidden_sizes) < 2 or len(set(self.sizes[1:-1])) > 1):
            raise ValueError(f"residual=True needs at least 2 hidden layers of one width "
                             f"(x + F(x) adds vectors of the same size), got hidden sizes "
                             f"{self.sizes[1:-1]}")
        self.dtype = check_float_dtype(dtype)
        rng = check_rng("seed", seed)
        if init_options is not None and not isinstance(init_options, dict):
            raise TypeError(f"init_options must be a dict such as {{'std': 0.1}}, "
                            f"got {init_options!r}")
        if isinstance(init, str):
            self.init, self.init_options = init, dict(init_options or {})
        else:
            self.init = "normal"
            self.init_options = {"std": check_number("init (weight scale)", init, low=0)}
        # (kind, index, layer); kinds: affine, batchnorm, activation, dropout, fork, join
        self.layers = []
        n_affine = len(self.sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            W = initialize(self.init, (n_in, n_out), rng, self.dtype, **self.init_options)
            affine = ("affine", i, Affine(W, np.zeros(n_out, dtype=self.dtype), need_dx=i > 1))
            if i == n_affine:
                self.layers.append(affine)
                break
            unit = []                                  # [BatchNorm ->] activation [-> Dropout]
            if self.batchnorm:
                unit.append(("batchnorm", i, BatchNorm(
                    np.ones(n_out, dtype=self.dtype), np.zeros(n_out, dtype=self.dtype),
                    eps=bn_eps)))
            unit.append(("activation", i, ACTIVATION_LAYERS[self.activation]()))
            if self.dropout > 0:
                unit.append(("dropout", i, Dropout(self.dropout, rng)))
            if self.residual and i > 1:                # h + Affine(unit(h)): pre-activation
                fork = Fork()
                self.layers += [("fork", i, fork), *unit, affine, ("join", i, Join(fork))]
            else:
                self.layers += [affine, *unit]
        self.loss_layer = SoftmaxWithLoss()
        self.params = {f"{name}{i}": value for _, i, layer in self.layers
                       for name, value in layer.parameters().items()}

    @property
    def depth(self):
        """Number of layers with weights (hidden layers + the output layer)."""
        return len(self.sizes) - 1

    def _bind_params(self):
        for _, i, layer in self.layers:
            for name in layer.param_names:
                setattr(layer, name, self.params[f"{name}{i}"])

    def _check_input(self, x, cast=True):
        """``x`` as an array of this network's dtype (``cast=False``: as it is), after
        checking its dtype and shape."""
        x = np.asarray(x)
        if x.dtype.kind not in "fiub":
            raise TypeError(f"x must be a numeric array, got {x.dtype}")
        if x.ndim < 2 or int(np.prod(x.shape[1:])) != self.sizes[0] or x.shape[0] == 0:
            raise ValueError(f"x must have shape (batch, {self.sizes[0]}) "
                             f"(or (batch, ...) with {self.sizes[0]} values per sample) "
                             f"and at least one sample, got {x.shape}")
        return x.astype(self.dtype, copy=False) if cast else x

    def _check_target(self, t, n):
        t = check_labels("t", t, n, self.sizes[-1])
        return t.astype(np.intp if t.ndim == 1 else self.dtype, copy=False)

    def predict(self, x, train=False, trace=None):
        """Logits (scores before softmax) for a batch ``x``.

        ``train`` switches BatchNorm to batch statistics and Dropout on. ``trace``, if a
        list, receives (kind, index, input, output) of every layer.
        """
        x = self._check_input(x)
        if train and self.batchnorm and x.shape[0] < 2:  # x_hat = 0: all gradients 0
            raise ValueError(f"x must hold at least 2 samples when a network with BatchNorm "
                             f"trains (batch statistics of 1 sample are 0), got {x.shape[0]}")
        self._bind_params()
        for kind, i, layer in self.layers:
            out = layer.forward(x, train)
            if trace is not None:
                trace.append((kind, i, x, out))
            x = out
        return x

    def weight_penalty(self):
        """1/2 * lambda * sum over weight matrices of sum(W^2)."""
        if self.weight_decay == 0:
            return 0.0
        return 0.5 * self.weight_decay * sum(
            float(np.sum(self.params[f"W{i}"] ** 2)) for i in range(1, self.depth + 1))

    def loss(self, x, t, train=False):
        """Mean cross-entropy plus the weight-decay penalty."""
        x = self._check_input(x)
        t = self._check_target(t, x.shape[0])
        logits = self.predict(x, train)
        return self.loss_layer.forward(logits, t, train) + self.weight_penalty()

    def accuracy(self, x, t, batch_size=1000):
        """Share of samples whose largest logit is the label (evaluation mode)."""
        x = self._check_input(x, cast=False)   # cast batch by batch, in predict
        t = self._check_target(t, x.shape[0])
        batch_size = check_number("batch_size", batch_size, low=1, integer=True)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        correct = 0
        for start in range(0, x.shape[0], batch_size):
            logits = self.predict(x[start:start + batch_size], train=False)
            correct += int(np.sum(logits.argmax(axis=1) == labels[start:start + batch_size]))
        return correct / x.shape[0]

    def loss_and_gradient(self, x, t, trace=None, grad_trace=None, params=True):
        """Forward in training mode, backpropagation; returns (loss, grads).

        ``grad_trace``, if a list, receives (kind, index, dL/d output) of every layer.
        ``params=False`` backpropagates only to the layers' inputs (for ``grad_trace``):
        the parameters' gradients are not computed, and ``grads`` is empty.
        """
        params = check_flag("params", params)
        x = self._check_input(x)
        t = self._check_target(t, x.shape[0])
        loss = self.loss_layer.forward(self.predict(x, train=True, trace=trace), t)
        loss += self.weight_penalty()
        dout = self.loss_layer.backward()
        grads = {}
        for kind, i, layer in reversed(self.layers):
            if grad_trace is not None:
                grad_trace.append((kind, i, dout))
            if params:
                dout = layer.backward(dout)
                grads.update((f"{name}{i}", g) for name, g in layer.gradients().items())
            else:
                dout = layer.backward_input(dout)
        if not params:
            return loss, grads
        if self.weight_decay:
            for i in range(1, self.depth + 1):
                grads[f"W{i}"] = grads[f"W{i}"] + self.weight_decay * self.params[f"W{i}"]
        return loss, {key: grads[key] for key in self.params}

    def gradient(self, x, t):
        """dLoss/dparam for every entry of ``net.params``, by backpropagation."""
        return self.loss_and_gradient(x, t)[1]

    def fix_dropout_masks(self, fixed=True):
        """Reuse each Dropout layer's last mask (so a gradient check sees one function)."""
        for _, _, layer in self.layers:
            if isinstance(layer, Dropout):
                layer.fixed_mask = fixed

    def count_params(self, biases=True):
        """Number of trainable numbers; ``biases=False`` counts only the weights W."""
        return sum(p.size for key, p in self.params.items() if biases or key.startswith("W"))

    def inspect(self, x, t, keep=REPORT_PARTS, params=True):
        """Run one batch forward and backward (training mode) and report, per layer, the
        activation values and gradients. Parameters are not changed, but BatchNorm's
        running averages are updated as in a training step. The parameters' gradients
        are left on the layers (``layer.dW``...); ``params=False`` does not compute them
        (a faster pass when only the report is wanted).

        ``keep``: the parts of the :class:`LayerReport` to fill (the others stay empty
        lists). Each part is one array per hidden layer; a part not kept is freed during
        the pass, so a deep network's report of two parts needs half the memory of all four.
        """
        if isinstance(keep, str) or not set(keep) <= set(REPORT_PARTS):
            raise ValueError(f"keep must be a list of report parts from {REPORT_PARTS}, "
                             f"got {keep!r}")
        keep = set(keep)

        def pick_values(entry):                        # (kind, index, input, output)
            kind, i, inp, out = entry
            if kind == "activation":
                return i, inp if "pre" in keep else None, out if "post" in keep else None
            return None

        def pick_grads(entry):                         # (kind, index, dL/d output)
            kind, i, dout = entry
            part = "grad_post" if kind == "activation" else \
                "grad_pre" if kind == self._pre_activation_kind(i) else None
            return (part, i, dout) if part in keep else None

        trace, grad_trace = _Trace(pick_values), _Trace(pick_grads)
        loss, _ = self.loss_and_gradient(x, t, trace=trace, grad_trace=grad_trace,
                                         params=params)
        grads = {(part, i): dout for part, i, dout in grad_trace}
        hidden = range(1, self.depth)
        return LayerReport(
            pre=[inp for _, inp, _ in trace] if "pre" in keep else [],
            post=[out for _, _, out in trace] if "post" in keep else [],
            grad_pre=[grads["grad_pre", i] for i in hidden] if "grad_pre" in keep else [],
            grad_post=[grads["grad_post", i] for i in hidden] if "grad_post" in keep else [],
            loss=loss)

    def _pre_activation_kind(self, i):
        """The layer whose output is hidden layer ``i``'s pre-activation z."""
        return "batchnorm" if self.batchnorm else \
            "fork" if self.residual and i > 1 else "affine"

    def __repr__(self):
        extras = [f"activation={self.activation!r}", f"init={self.init!r}"]
        if self.init_options:
            extras.append(f"init_options={self.init_options}")
        if self.batchnorm:
            extras.append("batchnorm=True")
        if self.dropout:
            extras.append(f"dropout={self.dropout}")
        if self.residual:
            extras.append("residual=True")
        if self.weight_decay:
            extras.append(f"weight_decay={self.weight_decay}")
        return f"MLP({' -> '.join(map(str, self.sizes))}, {', '.join(extras)})"
