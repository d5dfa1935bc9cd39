"""Chapter 5 (a deep network that learns): every remedy of the course text, together.

    run = run_deep(("relu", "he", "adam"), depth=30)    # a dl.History, validation split
    run.grad_norms[0]                                    # ||dW_l|| per layer, first step
    table = ablation({"baseline": (), "residual": ("residual",)}, seeds=(0, 1, 2))
    table.final("val_acc")["residual"]                   # final validation acc. per seed

The baseline is the network the course text says cannot learn: ``depth`` hidden layers
of ``width`` sigmoid units, weights N(0, 0.01^2), plain SGD, MNIST scaled to [0, 1].
Each remedy changes one thing (:data:`REMEDIES`); any set of them can be combined.
Runs measure a validation split carved out of the training digits, never the test set.
The explorer of :mod:`dlskills.explorers.deep` trains and draws these.
"""

import numpy as np

from .._checks import check_number
from ..datasets import Standardizer
from ..messages import say
from ..model import MLP
from ..optimizers import SGD, Adam
from . import mnist
from .gradients import network_profile
from . import SeedSpread
from .regularization import _train_mnist, compare_seeds

#: the remedies, in the order of the course text's list (section 二.5)
REMEDIES = ("relu", "he", "batchnorm", "adam", "residual", "clip", "standardize")
#: the failing baseline: hidden layers, their width, the weights' std, SGD's lr
DEPTH, WIDTH, INIT_STD, LR = 30, 100, 0.01, 0.1
#: Adam's lr, the global gradient norm clipping allows
ADAM_LR, CLIP = 0.001, 1.0
#: training and validation digits (100 per class)
N_TRAIN, VALIDATION = 1000, 500
#: a run whose final validation accuracy stays below this learned nothing (chance: 10 %)
CHANCE_LIMIT = 0.2


def check_remedies(remedies):
    """``remedies`` as a tuple in :data:`REMEDIES` order; unknown names raise ValueError."""
    if isinstance(remedies, str) or not all(isinstance(r, str) for r in remedies):
        raise TypeError(f"remedies must be a list of names such as ['relu', 'he'], "
                        f"got {remedies!r}")
    unknown = sorted(set(remedies) - set(REMEDIES))
    if unknown:
        raise ValueError(f"unknown remedies {unknown}; valid names: {', '.join(REMEDIES)}")
    return tuple(r for r in REMEDIES if r in remedies)


def remedy_label(remedies):
    """The learner's name of a set of remedies, their labels in the lab joined: "ReLU + He
    初始化", or the baseline's."""
    return " + ".join(say(f"control.{r}") for r in check_remedies(remedies)) \
        or say("deep.remedy.none")


def build(remedies=(), depth=DEPTH, *, width=WIDTH, lr=LR, seed=0, dtype=np.float32):
    """The network and optimizer of a set of remedies: ``(net, optimizer)``."""
    remedies = check_remedies(remedies)
    depth = check_number("depth", depth, low=2, integer=True)
    net = MLP(784, [width] * depth, 10, activation="relu" if "relu" in remedies else "sigmoid",
              init="he" if "he" in remedies else INIT_STD, batchnorm="batchnorm" in remedies,
              residual="residual" in remedies, seed=seed, dtype=dtype)
    return net, Adam(ADAM_LR) if "adam" in remedies else SGD(lr)


def data(remedies=(), *, n_train=N_TRAIN, validation=VALIDATION, seed=0, dtype=np.float32):
    """``(train, validation)`` digits, standardized with the training digits' statistics
    when ``"standardize"`` is a remedy, else scaled to [0, 1] as in the course."""
    (x, t), (x_val, t_val), _ = mnist(n_train, seed=seed, dtype=dtype, validation=validation)
    if "standardize" in check_remedies(remedies):
        scale = Standardizer(x)
        x, x_val = scale(x), scale(x_val)
    return (x, t), (x_val, t_val)


def run_deep(remedies=(), depth=DEPTH, epochs=10, *, width=WIDTH, lr=LR, clip=CLIP,
             n_train=N_TRAIN, validation=VALIDATION, batch_size=100, seed=0, curves=True,
             record_layers=True, progress=None, dtype=np.float32):
    """Train the deep network with a set of remedies; returns a :class:`~dlskills.History`
    (validation split; ``grad_norms[k]``: each weight matrix's gradient norm at step k
    with ``record_layers``; ``clipped``: which steps clipping changed, with "clip", and
    ``finding`` says how many).

    ``seed`` draws the digits, the validation split, the weights and the batches.
    ``curves=False`` measures the accuracies at the end only. ``progress(run, fraction)``
    is called after every epoch with the growing run (True stops).
    """
    remedies = check_remedies(remedies)
    check_number("epochs", epochs, low=1, integer=True)
    net, optimizer = build(remedies, depth, width=width, lr=lr, seed=seed, dtype=dtype)
    settings = dict(remedies=remedies, depth=depth, width=width, epochs=epochs,
                    optimizer=repr(optimizer), label=remedy_label(remedies))
    clip = check_number("clip", clip, low=0, low_open=True) if "clip" in remedies else None
    return _train_mnist(net, settings, data(remedies, n_train=n_train, validation=validation,
                                            seed=seed, dtype=dtype),
                        epochs, lr, batch_size, seed, progress, held_out="validation",
                        curves=curves, optimizer=optimizer, clip=clip,
                        record_layers=record_layers)


def start_gradients(remedies=(), depth=DEPTH, *, batch=100, seed=0, **options):
    """Chapter 1's :class:`~dlskills.experiments.gradients.GradientProfile` (gradient norm
    ||dW_l|| of every weight matrix, l = 1 .. depth + 1, and its verdict) of one batch of
    training digits in the fresh network of ``remedies``."""
    net, _ = build(remedies, depth, seed=seed, **options)
    (x, t), _ = data(remedies, seed=seed, dtype=net.dtype)
    batch = check_number("batch", batch, low=2, high=x.shape[0], integer=True)
    return network_profile(net, x[:batch], t[:batch], net.init,
                           net.init_options.get("std", float("nan")))


class Ablation(SeedSpread):
    """A :class:`~dlskills.experiments.SeedSpread` of sets of remedies."""

    @property
    def finding(self):
        """The ablation in one sentence: the best set (mean and range of the final
        validation accuracy over the seeds) and how many sets stayed at chance for every
        seed."""
        val = self.final("val_acc")
        means = {label: float(np.mean(v)) for label, v in val.items()}
        best = max(means, key=means.get)
        stuck = [label for label, v in val.items() if np.max(v) < CHANCE_LIMIT]
        return say("deep.finding.ablation", best=best, mean=100 * means[best],
                   low=100 * float(np.min(val[best])),
                   high=100 * float(np.max(val[best])), stuck=len(stuck),
                   sets=len(means), seeds=len(self.seeds), limit=100 * CHANCE_LIMIT)


def ablation(sets, seeds=(0, 1, 2), epochs=10, **options):
    """Final train and validation accuracy of every set of remedies with every seed: an
    :class:`Ablation` labelled with :func:`remedy_label` (``runs[0]``: the first seed's run
    of each, with curves; ``finding``: the result in one sentence).

    ``sets``: a list of remedy lists (or a dict label -> remedy list); ``options`` go to
    :func:`run_deep` (depth, lr, n_train, ...)."""
    if not isinstance(sets, dict):
        sets = {remedy_label(r): r for r in sets}
    settings = {label: {"remedies": check_remedies(r)} for label, r in sets.items()}
    return Ablation(**vars(compare_seeds(settings, seeds, epochs, run=run_deep,
                                         record_layers=False, **options)))
