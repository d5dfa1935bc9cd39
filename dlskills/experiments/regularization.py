"""Chapter 4 (regularization): the experiments, pure numpy::

    run = run_overfitting(weight_decay=0.1)     # 300 digits, 784-100x6-10, SGD 0.01
    run.train_acc[-1], run.val_acc[-1], run.gap, run.total_norm[-1]   # a dl.History
    run.net.accuracy(*mnist()[1])               # the test set: once, at the very end
    spread = compare_seeds({"baseline": {}, "batch norm": {"batchnorm": True}})
    spread.final("val_acc")["batch norm"], spread.runs[0]["baseline"]  # per seed; seed 0's
    sweep = bn_weight_scale_sweep(epochs=20)     # 16 weight scales, with and without BN
    layers = activation_snapshot(x, "sigmoid", 1.0, batchnorm=True)

The overfitting runs measure, after every epoch, the accuracy on a validation split
carved out of the training digits (``VALIDATION`` of them, the same number per class):
hyper-parameters are chosen on it, never on the test set.

The explorers of :mod:`dlskills.explorers.regularization` train and draw these.
"""

from dataclasses import dataclass

import numpy as np

from .._blas import single_thread_blas
from .._checks import check_flag, check_number
from ..functions import softmax
from ..model import MLP
from ..optimizers import SGD
from ..training import History, compare
from . import SeedSpread, mnist

#: The classic overfitting setting: 300 training digits, six hidden layers of 100.
OVERFIT_HIDDEN = (100,) * 6
#: The classic batch-norm experiment: five hidden layers of 100, 1,000 training digits.
BN_HIDDEN = (100,) * 5
#: The 16 initial weight scales (standard deviations) of the batch-norm experiment.
CLASSIC_SCALES = np.logspace(0, -4, 16)
#: Training digits set aside for validation (100 per class) in the overfitting runs.
VALIDATION = 1000


def _train_mnist(net, settings, data, epochs, lr, batch_size, seed, progress,
                 held_out="test", curves=True, optimizer=None, **options):
    """Train ``net`` with SGD (or ``optimizer``; ``options`` go to :func:`dlskills.train`)
    as one run of :func:`dlskills.compare` (``progress(history, fraction)`` after every
    epoch, with the growing history; True stops) and return its
    :class:`~dlskills.History`, whose held-out data (``data[1]``) are ``held_out``.
    ``curves=False`` measures the accuracies once, at the end (about half the time of a
    small run goes into measuring them every epoch)."""
    train_data, held_out_data = data
    history = History(held_out=held_out, settings=settings)
    report = None if progress is None else (lambda _, done: progress(history, done))
    compare({"run": lambda: dict(net=net, optimizer=optimizer or SGD(lr))}, train_data,
            held_out_data, progress=report, report_every="epoch",
            histories={"run": history}, epochs=epochs, batch_size=batch_size, seed=seed,
            accuracy=curves, **options)
    if not curves:                      # the final epoch only
        history.epochs, history.weight_norms = history.epochs[-1:], history.weight_norms[-1:]
        with np.errstate(all="ignore"):  # a diverged network's accuracy: a result
            history.train_acc = [net.accuracy(*train_data)]
            history.test_acc = [net.accuracy(*held_out_data)] if held_out_data else []
    return history


def run_overfitting(n_train=300, batchnorm=False, weight_decay=0.0, dropout=0.0,
                    epochs=200, *, hidden=OVERFIT_HIDDEN, lr=0.01, batch_size=100, seed=0,
                    validation=VALIDATION, curves=True, dtype=np.float32, progress=None):
    """The classic overfitting experiment: few digits, a deep ReLU network (He init),
    SGD; returns a :class:`~dlskills.History` with train and validation accuracy and
    weight norms after every epoch.

    Defaults are the full setting (300 digits, 784-100x6-10, lr 0.01, 200 epochs,
    batch 100). The validation digits (``validation`` of them, 100 per class by
    default) are set aside from the training digits with ``seed`` (see
    :func:`dlskills.experiments.mnist`); the test set is not touched (measure it once,
    at the end: ``run.net.accuracy(x_test, t_test)``). ``validation=None`` measures the
    test set every epoch instead, as the classic experiment does. ``curves=False``
    measures the accuracies only after the last epoch (faster). ``progress(run,
    fraction)`` is called after every epoch with the growing run (return True to stop).
    """
    # Python floats: a numpy float64 lambda would silently turn float32 training into
    # float64 (numpy 2 promotion) and give other numbers than the same lambda as a float
    weight_decay = float(check_number("weight_decay", weight_decay, low=0))
    dropout = float(check_number("dropout", dropout, 0, 1, high_open=True))
    settings = dict(n_train=n_train, batchnorm=bool(batchnorm), weight_decay=weight_decay,
                    dropout=dropout, epochs=epochs)
    check_number("epochs", epochs, low=1, integer=True)
    if validation is None:
        data, held_out = mnist(n_train, seed=seed, dtype=dtype), "test"
    else:
        train_data, val_data, _ = mnist(n_train, seed=seed, dtype=dtype,
                                        validation=validation)
        data, held_out = (train_data, val_data), "validation"
    net = MLP(784, list(hidden), 10, activation="relu", init="he", batchnorm=batchnorm,
              dropout=dropout, weight_decay=weight_decay, seed=seed, dtype=dtype)
    return _train_mnist(net, settings, data, epochs, lr, batch_size, seed, progress,
                        held_out, curves)


def compare_seeds(settings, seeds=(0, 1, 2), epochs=100, *, run=None, **options):
    """Run the overfitting setting for each ``{label: run_overfitting keywords}`` with each
    seed (the seed draws the digits, the validation split, the weights, the batches and
    the dropout masks); returns a :class:`~dlskills.experiments.SeedSpread`. Only the
    first seed's runs record curves (accuracy every epoch) and keep their network; the
    others are measured at the end and keep their numbers only (a network of chapter 5
    with its caches holds 3-4 MB). ``run``: another experiment taking the same
    ``epochs``, ``seed`` and ``curves`` (chapter 5's :func:`dlskills.experiments.deep.run_deep`)."""
    def one(keywords, seed, first):
        history = (run or run_overfitting)(**{"epochs": epochs, **options, **keywords},
                                           seed=seed, curves=first)
        if not first:
            history.net = None
        return history
    seeds = tuple(seeds)
    return SeedSpread(seeds, [{label: one(keywords, seed, k == 0)
                               for label, keywords in settings.items()}
                              for k, seed in enumerate(seeds)])


def run_weight_scale(weight_scale, batchnorm, activation="relu", epochs=20, *,
                     n_train=1000, hidden=BN_HIDDEN, lr=0.01, batch_size=100, seed=0,
                     eps=1e-5, dtype=np.float32, test=True, progress=None):
    """One run of the batch-norm experiment: weights drawn from N(0, weight_scale^2),
    with or without batch norm (``eps``: the BN layers' ε); returns a
    :class:`~dlskills.History`. ``test=False`` skips the test accuracy (the classic experiment
    looks at training accuracy only)."""
    settings = dict(weight_scale=weight_scale, batchnorm=bool(batchnorm),
                    activation=activation, epochs=epochs)
    check_number("epochs", epochs, low=1, integer=True)
    check_number("weight_scale", weight_scale, low=0, low_open=True)
    train_data, test_data = mnist(n_train, seed=seed, dtype=dtype)
    data = (train_data, test_data if test else None)
    net = MLP(784, list(hidden), 10, activation=activation, init=float(weight_scale),
              batchnorm=batchnorm, seed=seed, dtype=dtype, bn_eps=eps)
    return _train_mnist(net, settings, data, epochs, lr, batch_size, seed, progress)


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


def _fresh_trace(x, activation, weight_scale, batchnorm, hidden, seed):
    """The layers' (kind, name, input, output) for the batch ``x`` in a fresh network
    (weights N(0, weight_scale^2)); batch norm uses the statistics of ``x``, as in training."""
    x = np.asarray(x)
    net = MLP(x.shape[1], list(hidden), 10, activation=activation, init=float(weight_scale),
              batchnorm=batchnorm, seed=seed, dtype=x.dtype)
    trace = []
    net.predict(x, train=True, trace=trace)
    return trace


def activation_snapshot(x, activation, weight_scale, batchnorm, *, hidden=BN_HIDDEN,
                        seed=0):
    """Outputs of every hidden layer's activation for the batch ``x`` in a fresh network
    (weights N(0, weight_scale^2)); batch norm uses the statistics of ``x``, as in training."""
    return [out for kind, _, _, out in _fresh_trace(x, activation, weight_scale, batchnorm,
                                                     hidden, seed) if kind == "activation"]


@dataclass
class BatchNormFrame:
    """What the batch-norm explorer draws: its settings, the activations of every hidden
    layer of the fresh network, and the training run (None before training)."""
    settings: dict
    layers: list
    run: History = None

    @property
    def finding(self):
        """The run's finding once trained; None before."""
        return None if self.run is None else self.run.finding


def batchnorm_frame(weight_scale=0.01, activation="relu", batchnorm=False, epochs=20, *,
                    train=True, n_samples=1000, progress=None):
    """The batch-norm explorer's experiment as a :class:`BatchNormFrame`: the
    activations of the 5 hidden layers of a fresh network for ``n_samples`` digits
    (:func:`activation_snapshot`) and, when ``train``, one :func:`run_weight_scale` on
    them. ``progress(frame, fraction)`` gets the frame with the growing run."""
    check_number("weight_scale", weight_scale, low=0, low_open=True)
    check_number("epochs", epochs, low=1, integer=True)
    settings = dict(weight_scale=weight_scale, activation=activation,
                    batchnorm=check_flag("batchnorm", batchnorm), epochs=epochs)
    (x, _), _ = mnist(n_samples)
    layers = activation_snapshot(x, activation, weight_scale, batchnorm)
    if not check_flag("train", train):
        return BatchNormFrame(settings, layers)
    report = None if progress is None else (lambda run, done: progress(
        BatchNormFrame(settings, layers, run), done))
    run = run_weight_scale(weight_scale, batchnorm, activation, epochs,
                           n_train=n_samples, progress=report)
    return BatchNormFrame(settings, layers, run)


def bn_input_variance(x, weight_scale, *, activation="relu", hidden=BN_HIDDEN, seed=0):
    """Per hidden layer, the mean over neurons of the batch variance of the values that
    enter batch norm, in a fresh network with weights N(0, weight_scale^2) and the
    batch ``x``: compare it with BN's eps."""
    return np.array([float(np.mean(np.var(inp.astype(np.float64), axis=0)))
                     for kind, _, inp, _ in _fresh_trace(x, activation, weight_scale, True,
                                                         hidden, seed)
                     if kind == "batchnorm"])


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
