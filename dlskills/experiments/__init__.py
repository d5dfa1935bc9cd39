"""The chapters' experiments as pure functions that return dataclasses (one module per
chapter: ``gradients``, ``optimizers``, ``initialization``, ``regularization``,
``deep``), the one MNIST helper they share and :class:`SeedSpread`, the one result of a
comparison repeated over seeds (chapters 2, 4 and 5). Notebooks, exercise checks,
explorers and tests call the same functions; numpy only: nothing here imports matplotlib
or ipywidgets, so checking an exercise or running an experiment needs no display and no
widgets.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .._checks import check_number
from ..datasets import load_mnist
from ..messages import say, say_list
from ..training import History


def _frozen(*arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _read(source, dtype):
    (x, t), (x_test, t_test) = load_mnist(normalize=True, flatten=True, source=source,
                                          dtype=dtype)
    return _frozen(x, t), _frozen(x_test, t_test)


_kept = functools.lru_cache(maxsize=None)(_read)


def _load(source, dtype):
    """The digits as ``dtype``: float32 (what the experiments train on) read once and
    kept; another dtype read anew on each call (the bundled pixels are decoded once per
    process anyway), so that its copy (31 MB in float64 for the 4,000 digits) is freed
    with the run that asked for it instead of staying in the kernel."""
    return (_kept if dtype == "float32" else _read)(source, dtype)


@functools.lru_cache(maxsize=16)
def _indices(n_train, n_validation, seed, source):
    """Indices (training, validation or None) of :func:`mnist`'s draw: ``n_validation``
    digits set aside first, the same number from every class (stratified), then
    ``n_train`` (None: all the rest) drawn from the rest, each with ``seed``. Only the
    indices are kept (sixteen kept draws of the digits held up to ~100 MB in a kernel);
    they do not depend on the dtype: they are found on the kept float32 digits."""
    (x, t), _ = _kept(source, "float32")
    rest, held = np.arange(x.shape[0]), None
    if n_validation is not None:
        classes = np.unique(t)
        n_validation = check_number("validation", n_validation, len(classes),
                                    x.shape[0] - len(classes), integer=True)
        if n_validation % len(classes):
            raise ValueError(f"validation must be a multiple of {len(classes)} (the same "
                             f"number of digits from every class), got {n_validation}")
        rng = np.random.default_rng(seed)
        held = np.sort(np.concatenate([
            rng.choice(np.flatnonzero(t == c), n_validation // len(classes), replace=False)
            for c in classes]))
        rest = np.setdiff1d(rest, held)
    if n_train is not None:
        n_train = check_number("n_train", n_train, 1, rest.size, integer=True)
        rest = np.sort(np.random.default_rng(seed).choice(rest, n_train, replace=False))
    return rest, held


def mnist(n_train=None, seed=0, source="subset", dtype=np.float32, validation=None):
    """MNIST for the experiments: ``((x, t), (x_test, t_test))``, images as normalized rows
    of 784 ``dtype`` values, labels as class numbers; read-only (copy before changing
    them), and kept in float32 (another ``dtype`` is read anew on each call).

    ``n_train=None``: every training digit of ``source`` ("subset": the bundled 4,000;
    "full": 60,000, see :func:`dlskills.load_mnist`). A number: that many training digits
    drawn at random with ``seed``, kept in their stored order. The bundled digits are
    stored in class order, so a random draw (not the first ``n_train``) is what gives
    every class its share. The test digits are always all of them.

    ``validation``: a number of training digits to set aside for choosing
    hyper-parameters, the same number from every class, drawn with ``seed`` before the
    ``n_train`` digits are drawn from the rest (so the two never overlap, and the
    validation digits do not change with ``n_train``). Then the result has three parts,
    ``((x, t), (x_val, t_val), (x_test, t_test))``; the test digits are never part of a
    choice.
    """
    dtype = np.dtype(dtype).name
    if n_train is None and validation is None:
        return _load(source, dtype)
    (x, t), test = _load(source, dtype)      # the digits copied out on each call: a copy
    idx, held = _indices(n_train, validation, seed, source)   # lives as long as its run
    train = _frozen(x[idx], t[idx])
    return (train, test) if held is None else (train, _frozen(x[held], t[held]), test)


@dataclass
class SeedSpread:
    """The same comparison run with several seeds (each seed draws other initial weights
    and other mini-batches, in chapters 4 and 5 also other digits): ``runs[k]`` maps each
    label to the :class:`~dlskills.History` of seed ``seeds[k]``. A ranking from one seed
    is one run, not a rule: :meth:`always` and :meth:`tiers` say what held in every seed."""
    seeds: tuple
    runs: list

    def final(self, quantity):
        """label -> the final ``quantity`` of each seed's run (an array in the order of
        ``seeds``): "loss" (:meth:`~dlskills.History.final_loss`), "train_acc",
        "test_acc" (the held-out data, test or validation), "val_acc" (NaN when the
        held-out data were the test set) or "gap" (training minus held-out accuracy)."""
        if quantity not in ("loss", "train_acc", "test_acc", "val_acc", "gap"):
            raise ValueError(f"quantity must be 'loss', 'train_acc', 'test_acc', 'val_acc' "
                             f"or 'gap', got {quantity!r}")

        def value(history):
            if quantity in ("loss", "gap"):
                return history.final_loss() if quantity == "loss" else history.gap
            values = getattr(history, quantity)
            return values[-1] if values else np.nan
        return {label: np.array([value(run[label]) for run in self.runs], dtype=float)
                for label in self.runs[0]}

    def subset(self, labels):
        """The same comparison restricted to ``labels``."""
        return type(self)(self.seeds, [{label: run[label] for label in labels}
                                       for run in self.runs])

    def always(self, quantity, label, other):
        """True when the final ``quantity`` (see :meth:`final`) of ``label`` is larger
        than that of ``other`` in every seed (compared seed by seed)."""
        values = self.final(quantity)
        return bool(np.all(values[label] > values[other]))

    def tiers(self, quantity="loss"):
        """Labels grouped from the lowest to the highest mean final ``quantity``, so that
        every member of a group is below every member of each later group in every seed;
        within a group the order changed from seed to seed."""
        mean = {label: float(np.mean(v)) for label, v in self.final(quantity).items()}
        tiers = []
        for label in sorted(mean, key=mean.get):
            if tiers and not all(self.always(quantity, label, other) for other in tiers[-1]):
                tiers[-1].append(label)
            else:
                tiers.append([label])
        return tiers

    @property
    def finding(self):
        """The order of the final losses that held in every seed; which neighbours
        swapped places."""
        tiers = self.tiers()
        order = " < ".join("/".join(tier) for tier in tiers)
        mixed = say_list("/".join(tier) for tier in tiers if len(tier) > 1)
        if mixed:
            return say("optimizers.seeds.order_mixed", n=len(self.seeds), order=order,
                       names=mixed)
        return say("optimizers.seeds.order", n=len(self.seeds), order=order)

    def table(self):
        """Rows (label, quantity, mean, min, max) in percent, for printing; quantity is
        "train", the held-out data's name ("validation" or "test") or "gap"."""
        train, held, gap = (self.final(q) for q in ("train_acc", "test_acc", "gap"))
        return [(label, name, 100 * v.mean(), 100 * v.min(), 100 * v.max())
                for label in train
                for name, v in (("train", train[label]),
                                (self.runs[0][label].held_out, held[label]),
                                ("gap", gap[label]))]
