"""One training loop for every chapter: mini-batches, history, callbacks, divergence.

    history = train(net, Adam(), (x_train, t_train), (x_test, t_test), epochs=10)
    history.loss        # one value per iteration
    history.train_acc   # one value per epoch (history.epochs says which)
    history.status      # "completed", "diverged at iteration N", "stopped at iteration N"

Divergence (a loss or gradient that is NaN or infinite) ends training with that status
instead of a traceback or a wall of overflow warnings. Ctrl-C / the notebook's stop
button, a callback returning ``True``, or ``history.request_stop()`` (safe from another
thread, e.g. a widget's Stop button) end it early; the history keeps what was done.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._blas import single_thread_blas
from ._checks import (check_array, check_flag, check_labels, check_number, check_object,
                      check_rng)
from .functions import norm


@dataclass
class History:
    """What a training run produced; lists grow while it runs."""
    loss: list = field(default_factory=list)          # per iteration
    epochs: list = field(default_factory=list)        # epoch numbers evaluated (0 = start)
    train_acc: list = field(default_factory=list)     # per evaluated epoch
    test_acc: list = field(default_factory=list)      # per evaluated epoch (if test data)
    lr: list = field(default_factory=list)            # learning rate of each epoch
    grad_norms: list = field(default_factory=list)    # per iteration: ||dW_l|| per layer
    update_norms: list = field(default_factory=list)  # per iteration: ||Delta W_l|| per layer
    status: str = "not started"
    iterations: int = 0
    seconds: float = 0.0
    _stop: bool = False

    def request_stop(self):
        """Ask the loop to stop after the current iteration (thread-safe)."""
        self._stop = True

    @property
    def diverged(self):
        return self.status.startswith("diverged")

    @property
    def finished(self):
        return self.status not in ("not started", "running")


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


def _check_data(name, data, net):
    """``data = (x, t)``: x numeric, finite, one row per label; t labels for the net."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (x, t) of inputs and labels, "
                        f"got {type(data).__name__}")
    x, t = data
    check_array(f"{name} x", x, "fiu", "a numeric numpy array")
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{name} x must have shape (samples, ...) with at least one sample, "
                         f"got {x.shape}")
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        bad = int(np.argwhere(~np.isfinite(x.reshape(x.shape[0], -1)))[0, 0])
        raise ValueError(f"{name} x contains NaN or infinite values (first in sample {bad}): "
                         f"the data are bad, the network has not diverged")
    check_labels(f"{name} t", t, x.shape[0], net.sizes[-1])
    return x, t


def train(net, optimizer, train_data, test_data=None, *, epochs=None, iterations=None,
          batch_size=100, schedule=None, seed=0, callbacks=(), record_layers=False,
          eval_samples=None, accuracy=True, history=None):
    """Train ``net`` with ``optimizer`` on mini-batches of ``train_data = (x, t)``.

    Give ``epochs`` or ``iterations`` (total mini-batch steps). Accuracy on the training
    data (at most ``eval_samples`` of it) and on ``test_data`` is measured at the start
    and after every epoch (``accuracy=False`` skips it and records the loss only, as the
    classic optimizer comparison does: evaluating 4,000 digits costs about 15 training
    steps). ``schedule`` (an object with ``step()``) is stepped after each
    epoch. ``record_layers`` stores per-iteration gradient and update norms of every
    weight matrix. ``callbacks`` are called as ``cb(history, event)`` with event
    ``"iteration"`` or ``"epoch"``; one returning ``True`` stops training.
    ``history`` may be passed in to watch (or stop) a run from another thread.
    A ``batch_size`` larger than the data set means full-batch training. numpy's BLAS
    uses one thread while training (see :mod:`dlskills._blas`).
    """
    _check_parts(net, optimizer, schedule, callbacks, history)
    x_train, t_train = _check_data("train_data", train_data, net)
    if test_data is not None:
        test_data = _check_data("test_data", test_data, net)
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
    rng = check_rng("seed", seed)
    history = History() if history is None else history
    history.status = "running"
    weight_keys = [key for key in net.params if key.startswith("W")]
    if eval_samples is not None:
        eval_samples = check_number("eval_samples", eval_samples, low=1, integer=True)
    eval_idx = (slice(None) if eval_samples is None or eval_samples >= n
                else rng.choice(n, eval_samples, replace=False))

    def evaluate(epoch):
        history.epochs.append(epoch)
        history.lr.append(optimizer.lr)
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
                    history.status = f"diverged at iteration {it + 1}"
                    break
                if record_layers:
                    before = [net.params[k].copy() for k in weight_keys]
                    history.grad_norms.append([norm(grads[k]) for k in weight_keys])
                optimizer.update(net.params, grads)
                if record_layers:
                    history.update_norms.append([norm(net.params[k] - b)
                                                 for k, b in zip(weight_keys, before)])
                history.loss.append(loss)
                history.iterations = it + 1
                stop = notify("iteration") or history._stop
                if (it + 1) % per_epoch == 0 or it + 1 == total:
                    evaluate((it + 1) / per_epoch)
                    if schedule is not None:
                        schedule.step()
                    stop = notify("epoch") or stop
                if stop:
                    history.status = f"stopped at iteration {it + 1}"
                    break
            else:
                history.status = "completed"
    except KeyboardInterrupt:
        history.status = f"stopped at iteration {history.iterations}"
    finally:
        history.seconds = time.perf_counter() - start
    return history
