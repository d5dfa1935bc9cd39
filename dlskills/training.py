"""One training loop for every chapter: mini-batches, history, callbacks, divergence.

    history = train(net, Adam(), (x_train, t_train), (x_test, t_test), epochs=10)
    history.loss        # one value per iteration
    history.train_acc   # one value per epoch (history.epochs says which)
    history.status      # "completed", "diverged" or "stopped" (history.message: the sentence)

Divergence (a loss or gradient that is NaN or infinite) ends training with that status
instead of a traceback or a wall of overflow warnings. Ctrl-C / the notebook's stop
button or a callback returning ``True`` (the one stop mechanism: a widget's Stop button
is a callback) end it early; the history keeps what was done.

Several runs with progress and a stop, each built only when its turn comes::

    histories = compare({"sgd": lambda: dict(net=MLP(...), optimizer=SGD(0.01)),
                         "adam": lambda: dict(net=MLP(...), optimizer=Adam())},
                        (x, t), iterations=300, progress=lambda histories, done: stop)
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._blas import single_thread_blas
from ._checks import (check_array, check_flag, check_labels, check_number, check_object,
                      check_rng)
from .functions import norm
from .messages import say
from .optimizers import CLIP_MODES, clip_gradients

#: iterations :meth:`History.final_loss` averages: one mini-batch's loss is noisy
FINAL_WINDOW = 20


@dataclass
class History:
    """What a training run produced; lists grow while it runs. ``test_acc`` is the
    accuracy on the held-out data given to :func:`train`; ``held_out`` says what they
    were ("test" or "validation"); ``settings`` is what the caller says the run was."""
    loss: list = field(default_factory=list)          # per iteration
    epochs: list = field(default_factory=list)        # epoch numbers evaluated (0 = start)
    train_acc: list = field(default_factory=list)     # per evaluated epoch
    test_acc: list = field(default_factory=list)      # per evaluated epoch (if test data)
    lr: list = field(default_factory=list)            # learning rate of each epoch
    weight_norms: list = field(default_factory=list)  # per evaluated epoch: ||W_l|| per layer
    grad_norms: list = field(default_factory=list)    # per iteration: ||dW_l|| per layer
    update_norms: list = field(default_factory=list)  # per iteration: ||Delta W_l|| per layer
    grad_total: list = field(default_factory=list)    # per iteration, with clip: global norm
    clipped: list = field(default_factory=list)       # per iteration, with clip: clipping acted
    status: str = "not started"                       # running, completed, diverged, stopped
    iterations: int = 0
    planned: int = 0                                  # iterations the run was asked for
    seconds: float = 0.0
    held_out: str = "test"
    settings: dict = field(default_factory=dict)
    net: object = field(default=None, repr=False)     # the network trained

    @property
    def diverged(self):
        return self.status == "diverged"

    @property
    def val_acc(self):
        """``test_acc`` when the held-out data were a validation split, else empty."""
        return self.test_acc if self.held_out == "validation" else []

    @property
    def gap(self):
        """Final training minus final held-out accuracy (nan before the first epoch)."""
        if not self.test_acc or not self.train_acc:
            return float("nan")
        return self.train_acc[-1] - self.test_acc[-1]

    @property
    def total_norm(self):
        """sqrt(sum_l ||W_l||^2) per evaluated epoch: the norm of all weights together."""
        return np.sqrt(np.sum(np.square(self.weight_norms), axis=1)) if self.weight_norms \
            else np.zeros(0)

    @property
    def message(self):
        """The status as the learner reads it (one catalogue sentence, every chapter),
        with the iteration a run stopped at or diverged at (the diverging one counts)."""
        ended = {"iteration": self.iterations + self.diverged} \
            if self.status in ("stopped", "diverged") else {}
        return say(f"training.status.{self.status.replace(' ', '_')}", **ended)

    def final_loss(self, window=FINAL_WINDOW):
        """Mean loss of the last ``window`` iterations (NaN if it diverged or never ran)."""
        if self.diverged or not self.loss:
            return float("nan")
        return float(np.mean(self.loss[-window:]))

    @property
    def finding(self):
        """The run in one sentence: how it ended, final accuracies and their gap, and
        how many steps clipping acted on (when it trained with ``clip``)."""
        finding = self.message
        if self.test_acc and self.train_acc:
            finding = say(f"training.finding.{self.held_out}", status=finding,
                          train=100 * self.train_acc[-1], held_out=100 * self.test_acc[-1],
                          gap=100 * self.gap)
        if self.clipped:
            finding = say("training.finding.clipped", finding=finding,
                          clipped=int(sum(self.clipped)), steps=len(self.clipped))
        return finding


def _finite(loss, grads):
    return math.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())


def _check_parts(net, optimizer, schedule, callbacks, history):
    """The objects ``train`` works with are objects, not names or None."""
    check_object("net", net, ("loss_and_gradient", "accuracy"), "a network such as dl.MLP()")
    check_object("optimizer", optimizer, ("update",),
                 "an optimizer object such as dl.Adam() (dl.make_optimizer('adam') makes "
                 "one from a name)")
    if schedule is not None:
        check_object("schedule", schedule, ("step",),
                     "a schedule object built on the optimizer, such as "
                     "dl.StepLR(optimizer, step_size=20, gamma=0.7)")
        if getattr(schedule, "optimizer", optimizer) is not optimizer:
            raise ValueError("schedule must be built on the optimizer it should drive, "
                             "e.g. dl.StepLR(optimizer, ...); this one drives "
                             f"{schedule.optimizer!r}, not {optimizer!r}")
    if not isinstance(callbacks, (list, tuple)) or not all(map(callable, callbacks)):
        raise TypeError(f"callbacks must be a list of functions cb(history, event), "
                        f"got {callbacks!r}")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be None or a History, got {type(history).__name__}")


def _check_data(name, data, net, finite):
    """``data = (x, t)``: x numeric, one row per label, finite (looked at when ``finite``);
    t labels for the net (as many classes as its ``sizes`` end with; a net without
    ``sizes`` checks them itself)."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (x, t) of inputs and labels, "
                        f"got {type(data).__name__}")
    x, t = data
    check_array(f"{name} x", x, "fiu", "a numeric numpy array")
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{name} x must have shape (samples, ...) with at least one sample, "
                         f"got {x.shape}")
    if finite and x.dtype.kind == "f" and not np.isfinite(x).all():
        bad = int(np.argwhere(~np.isfinite(x.reshape(x.shape[0], -1)))[0, 0])
        raise ValueError(f"{name} x contains NaN or infinite values (first in sample {bad}): "
                         f"the data are bad, the network has not diverged")
    check_labels(f"{name} t", t, x.shape[0], getattr(net, "sizes", [None])[-1])
    return x, t


def train(net, optimizer, train_data, test_data=None, *, epochs=None, iterations=None,
          batch_size=100, schedule=None, every="epoch", seed=0, callbacks=(),
          record_layers=False, eval_samples=None, accuracy=True, history=None, clip=None,
          clip_by="norm", check_finite=True):
    """Train ``net`` with ``optimizer`` on mini-batches of ``train_data = (x, t)``.

    Give ``epochs`` or ``iterations`` (total mini-batch steps). Accuracy on the training
    data (at most ``eval_samples`` of it) and on ``test_data`` is measured at the start
    and after every epoch (``accuracy=False`` skips it and records the loss only, as the
    classic optimizer comparison does: evaluating 4,000 digits costs about 15 training
    steps). ``schedule`` (an object with ``step()``) is stepped after each ``every``
    ("epoch" or "iteration"). The norm of every weight matrix is recorded with each
    accuracy; ``record_layers`` also stores per-iteration gradient and update norms.
    ``callbacks`` are called as ``cb(history, event)`` with event ``"iteration"`` or
    ``"epoch"``; one returning ``True`` stops training. ``history`` may be passed in
    to watch a run from another thread (or to give its ``held_out`` and ``settings``).
    ``clip`` (a number) limits every step's gradients before the optimizer sees them,
    by their global norm or by value (``clip_by``, see
    :func:`dlskills.optimizers.clip_gradients`); the history then records each step's
    global gradient norm before clipping (``grad_total``) and whether clipping acted
    (``clipped``). A ``batch_size`` larger than the data set means full-batch training.
    ``check_finite=False`` skips looking for NaN and inf in the inputs (:func:`compare`
    looks once for all its runs); bad inputs then end the run as "diverged".
    numpy's BLAS uses one thread while training (see :mod:`dlskills._blas`).
    """
    _check_parts(net, optimizer, schedule, callbacks, history)
    check_finite = check_flag("check_finite", check_finite)
    x_train, t_train = _check_data("train_data", train_data, net, check_finite)
    if test_data is not None:
        test_data = _check_data("test_data", test_data, net, check_finite)
    n = x_train.shape[0]
    if (epochs is None) == (iterations is None):
        raise ValueError("give exactly one of epochs or iterations")
    batch_size = min(n, check_number("batch_size", batch_size, low=1, integer=True))
    per_epoch = math.ceil(n / batch_size)
    if getattr(net, "batchnorm", False) and (batch_size == 1 or n % batch_size == 1):
        raise ValueError(f"batch_size {batch_size} makes a batch of 1 of the {n} training "
                         f"samples, and BatchNorm cannot train on a batch of 1; choose "
                         f"another batch_size")
    if epochs is not None:
        total = check_number("epochs", epochs, low=1, integer=True) * per_epoch
    else:
        total = check_number("iterations", iterations, low=1, integer=True)
    record_layers = check_flag("record_layers", record_layers)
    accuracy = check_flag("accuracy", accuracy)
    if every not in ("epoch", "iteration"):
        raise ValueError(f"every must be 'epoch' or 'iteration', got {every!r}")
    if clip is not None:
        check_number("clip", clip, low=0, low_open=True)
    if clip_by not in CLIP_MODES:
        raise ValueError(f"clip_by must be 'norm' or 'value', got {clip_by!r}")
    rng = check_rng("seed", seed)
    history = History() if history is None else history
    history.status, history.planned, history.net = "running", total, net
    weight_keys = [key for key in net.params if key.startswith("W")]
    if eval_samples is not None:
        eval_samples = check_number("eval_samples", eval_samples, low=1, integer=True)
    eval_idx = (slice(None) if eval_samples is None or eval_samples >= n
                else rng.choice(n, eval_samples, replace=False))

    def evaluate(epoch):
        history.epochs.append(epoch)
        history.lr.append(optimizer.lr)
        history.weight_norms.append([norm(net.params[k]) for k in weight_keys])
        if not accuracy:
            return
        history.train_acc.append(net.accuracy(x_train[eval_idx], t_train[eval_idx]))
        if test_data is not None:
            history.test_acc.append(net.accuracy(*test_data))

    def notify(event):  # every callback sees the event, even after one asks to stop
        return any([bool(cb(history, event)) for cb in callbacks])

    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"), single_thread_blas():
            evaluate(0)
            order = rng.permutation(n)
            for it in range(total):
                pos = (it % per_epoch) * batch_size
                if it % per_epoch == 0 and it > 0:
                    order = rng.permutation(n)
                batch = order[pos:pos + batch_size]
                loss, grads = net.loss_and_gradient(x_train[batch], t_train[batch])
                if not _finite(loss, grads):
                    history.loss.append(loss)
                    history.status = "diverged"
                    break
                if record_layers:
                    before = [net.params[k].copy() for k in weight_keys]
                    history.grad_norms.append([norm(grads[k]) for k in weight_keys])
                if clip is not None:
                    grads, grad_norm, acted = clip_gradients(grads, clip, clip_by)
                    history.grad_total.append(grad_norm)
                    history.clipped.append(acted)
                optimizer.update(net.params, grads)
                if record_layers:
                    history.update_norms.append([norm(net.params[k] - b)
                                                 for k, b in zip(weight_keys, before)])
                history.loss.append(loss)
                history.iterations = it + 1
                if schedule is not None and every == "iteration":
                    schedule.step()
                stop = notify("iteration")
                if (it + 1) % per_epoch == 0 or it + 1 == total:
                    evaluate((it + 1) / per_epoch)
                    if schedule is not None and every == "epoch":
                        schedule.step()
                    stop = notify("epoch") or stop
                if stop:
                    history.status = "stopped"
                    break
            else:
                history.status = "completed"
    except KeyboardInterrupt:
        history.status = "stopped"
    finally:
        history.seconds = time.perf_counter() - start
    return history


def compare(variants, train_data, test_data=None, *, progress=None, report_every=10,
            histories=None, **options):
    """Train one run per variant, one after the other; return ``{name: History}``.

    ``variants``: name -> a function returning the :func:`train` keywords of that run
    (``net``, ``optimizer``, optionally ``schedule``), called when the run starts: a
    network is built only when it trains. ``options`` go to :func:`train` for every run
    (the same ``seed``: the same mini-batches). ``histories`` (name -> History) may give
    the histories to fill, e.g. with their ``settings`` and ``held_out``.

    ``progress(histories, fraction)`` is called every ``report_every`` iterations (or
    after every epoch with ``report_every="epoch"``) and at the end of each run, with all
    the histories (the running one growing) and the share of the whole comparison done;
    returning True stops: the running run keeps what it did, the later ones stay "not
    started". A learner's Stop button is such a ``progress``."""
    histories = {name: (histories or {}).get(name) or History() for name in variants}
    finite = check_flag("check_finite", options.pop("check_finite", True))
    _check_data("train_data", train_data, None, finite)     # looked at once, for every run
    if test_data is not None:
        _check_data("test_data", test_data, None, finite)
    for k, (name, build) in enumerate(variants.items()):
        history = histories[name]

        def report(h, event, k=k):
            if progress is None or event != ("epoch" if report_every == "epoch"
                                             else "iteration"):
                return False
            if report_every != "epoch" and h.iterations % report_every \
                    and h.iterations < h.planned:
                return False
            return bool(progress(histories, (k + h.iterations / h.planned) / len(variants)))

        train(train_data=train_data, test_data=test_data, callbacks=[report],
              history=history, check_finite=False, **build(), **options)
        if history.status == "stopped":
            break
    return histories
