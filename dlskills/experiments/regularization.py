"""Chapter 4 (regularization): the experiments, pure numpy::

    run = run_overfitting(weight_decay=0.1)     # 300 digits, 784-100x6-10, SGD 0.01
    run.train_acc[-1], run.test_acc[-1], run.gap, run.total_norm[-1]
    sweep = bn_weight_scale_sweep(epochs=20)     # 16 weight scales, with and without BN
    layers = activation_snapshot(x, "sigmoid", 1.0, batchnorm=True)

The explorers of :mod:`dlskills.explorers.regularization` train and draw these.
"""

from dataclasses import dataclass, field

import numpy as np

from .._blas import single_thread_blas
from .._checks import check_number
from ..functions import norm, softmax
from ..model import MLP
from ..optimizers import SGD
from ..training import train
from . import mnist

#: The classic overfitting setting: 300 training digits, six hidden layers of 100.
OVERFIT_HIDDEN = (100,) * 6
#: The classic batch-norm experiment: five hidden layers of 100, 1,000 training digits.
BN_HIDDEN = (100,) * 5
#: The 16 initial weight scales (standard deviations) of the batch-norm experiment.
CLASSIC_SCALES = np.logspace(0, -4, 16)


def weight_norms(net):
    """||W_l|| (Frobenius) of every weight matrix, first layer first."""
    return np.array([norm(net.params[f"W{i}"]) for i in range(1, net.depth + 1)])


@dataclass
class TrainingRun:
    """Accuracy per epoch (epoch 0 = before training) and weight norms of one run."""
    settings: dict
    epochs: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    norms: list = field(default_factory=list)     # per epoch: ||W_l|| of every layer
    loss: list = field(default_factory=list)      # per iteration
    status: str = "not started"
    seconds: float = 0.0
    previous: "TrainingRun | None" = None         # the run before, drawn for comparison
    net: object = field(default=None, repr=False)  # the trained network

    @property
    def gap(self):
        """Final train accuracy minus final test accuracy (nan before the first epoch)."""
        if not self.test_acc:
            return float("nan")
        return self.train_acc[-1] - self.test_acc[-1]

    @property
    def total_norm(self):
        """sqrt(sum_l ||W_l||^2) per evaluated epoch: the norm of all weights together."""
        if not self.norms:
            return np.zeros(0)
        return np.sqrt(np.sum(np.square(self.norms), axis=1))

    @property
    def finished(self):
        return self.status not in ("not started", "running")


def _train_mnist(net, settings, data, epochs, lr, batch_size, seed, report, previous=None):
    """Train ``net`` with SGD, recording a :class:`TrainingRun`; ``report(run, fraction)``
    is called after every epoch and may return True to stop."""
    run = TrainingRun(settings=settings, status="running", previous=previous, net=net)
    run.norms.append(weight_norms(net))

    def on_epoch(history, event):
        if event != "epoch":
            return False
        run.norms.append(weight_norms(net))
        run.epochs, run.train_acc, run.test_acc = history.epochs, history.train_acc, \
            history.test_acc
        run.loss = history.loss
        return bool(report(run, history.epochs[-1] / epochs)) if report else False

    train_data, test_data = data
    history = train(net, SGD(lr), train_data, test_data, epochs=epochs,
                    batch_size=batch_size, seed=seed, callbacks=[on_epoch])
    run.epochs, run.train_acc, run.test_acc = history.epochs, history.train_acc, \
        history.test_acc
    run.loss, run.status, run.seconds = history.loss, history.status, history.seconds
    del run.norms[len(run.epochs):]
    return run


def run_overfitting(n_train=300, batchnorm=False, weight_decay=0.0, dropout=0.0,
                    epochs=200, *, hidden=OVERFIT_HIDDEN, lr=0.01, batch_size=100, seed=0,
                    dtype=np.float32, report=None, previous=None):
    """The classic overfitting experiment: few digits, a deep ReLU network (He init),
    SGD; returns a :class:`TrainingRun` with train/test accuracy after every epoch.

    Defaults are the full setting (300 digits, 784-100x6-10, lr 0.01, 200 epochs,
    batch 100). ``report(run, fraction)`` is called after every epoch (return True to
    stop); ``previous`` is kept on the result for comparison plots.
    """
    settings = dict(n_train=n_train, batchnorm=bool(batchnorm), weight_decay=weight_decay,
                    dropout=dropout, epochs=epochs)
    check_number("epochs", epochs, low=1, integer=True)
    data = mnist(n_train, seed=seed, dtype=dtype)
    net = MLP(784, list(hidden), 10, activation="relu", init="he", batchnorm=batchnorm,
              dropout=dropout, weight_decay=weight_decay, seed=seed, dtype=dtype)
    return _train_mnist(net, settings, data, epochs, lr, batch_size, seed, report, previous)


def run_weight_scale(weight_scale, batchnorm, activation="relu", epochs=20, *,
                     n_train=1000, hidden=BN_HIDDEN, lr=0.01, batch_size=100, seed=0,
                     dtype=np.float32, test=True, report=None, previous=None):
    """One run of the batch-norm experiment: weights drawn from N(0, weight_scale^2),
    with or without batch norm; returns a :class:`TrainingRun`. ``test=False`` skips
    the test accuracy (the classic experiment looks at training accuracy only)."""
    settings = dict(weight_scale=weight_scale, batchnorm=bool(batchnorm),
                    activation=activation, epochs=epochs)
    check_number("epochs", epochs, low=1, integer=True)
    check_number("weight_scale", weight_scale, low=0, low_open=True)
    train_data, test_data = mnist(n_train, seed=seed, dtype=dtype)
    data = (train_data, test_data if test else None)
    net = MLP(784, list(hidden), 10, activation=activation, init=float(weight_scale),
              batchnorm=batchnorm, seed=seed, dtype=dtype)
    return _train_mnist(net, settings, data, epochs, lr, batch_size, seed, report, previous)


@dataclass
class ScaleSweep:
    """Training accuracy per epoch for each weight scale, without and with batch norm."""
    scales: np.ndarray
    epochs: np.ndarray
    without_bn: np.ndarray     # (n_scales, n_epochs + 1) training accuracy
    with_bn: np.ndarray

    @property
    def final(self):
        """Final training accuracy per scale: (without BN, with BN)."""
        return self.without_bn[:, -1], self.with_bn[:, -1]


def bn_weight_scale_sweep(scales=CLASSIC_SCALES, epochs=20, *, activation="relu", seed=0,
                          **options):
    """The classic experiment: for each initial weight scale, train the 5x100 network on
    1,000 digits (SGD, lr 0.01) with and without batch norm; training accuracy per epoch.

    A run that diverges keeps its last accuracy for the remaining epochs.
    """
    scales = np.asarray(scales, dtype=float)
    curves = {False: np.zeros((scales.size, epochs + 1)), True: np.zeros((scales.size, epochs + 1))}
    for k, scale in enumerate(scales):
        for bn in (False, True):
            run = run_weight_scale(float(scale), bn, activation, epochs, seed=seed,
                                   test=False, **options)
            acc = np.asarray(run.train_acc, dtype=float)
            curves[bn][k, :acc.size] = acc
            curves[bn][k, acc.size:] = acc[-1]
    return ScaleSweep(scales, np.arange(epochs + 1), curves[False], curves[True])


def activation_snapshot(x, activation, weight_scale, batchnorm, *, hidden=BN_HIDDEN,
                        seed=0):
    """Outputs of every hidden layer's activation for the batch ``x`` in a fresh network
    (weights N(0, weight_scale^2)); batch norm uses the statistics of ``x``, as in training."""
    x = np.asarray(x)
    net = MLP(x.shape[1], list(hidden), 10, activation=activation, init=float(weight_scale),
              batchnorm=batchnorm, seed=seed, dtype=x.dtype)
    trace = []
    net.predict(x, train=True, trace=trace)
    return [out for kind, _, _, out in trace if kind == "activation"]


def ensemble_accuracy(net, x, t, counts=(1, 4, 16, 64)):
    """Accuracy of the average softmax output of random dropout sub-networks (dropout left
    on at test time: the masks come from the network's own seeded generator), for each
    number of sub-networks in ``counts``; and of the one pass with dropout off.
    Returns ``(single_pass, {count: accuracy})``."""
    probs = np.zeros((x.shape[0], net.sizes[-1]))
    found = {}
    with single_thread_blas():
        for k in range(1, max(counts) + 1):
            probs += softmax(net.predict(x, train=True))   # one random sub-network
            if k in counts:
                found[k] = float(np.mean(probs.argmax(axis=1) == t))
        single = net.accuracy(x, t)                          # dropout off: all units
    return single, found


def _percent(value):
    return f"{100 * value:.1f}%"


def describe_run(run):
    """One line on a finished run: status, final accuracies and gap."""
    if not run.test_acc:
        return run.status
    return (f"{run.status}, train {_percent(run.train_acc[-1])} test "
            f"{_percent(run.test_acc[-1])} gap {100 * run.gap:.1f} points")
