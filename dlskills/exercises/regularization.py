"""Checks for the exercises of chapter 4 (regularization).

Each ``check_*`` returns a :class:`~dlskills.exercises.Verdict` shown as one line,
"✓ 正确：..." or "✗ 还不对：<the first mismatch>" (sentences from the message catalogue,
keys ``reg.ex.*``), and never raises: a learner's half-written code gets a sentence,
not a traceback.
"""

import functools
from dataclasses import dataclass

import numpy as np

from ..experiments.regularization import run_overfitting
from ..layers import BatchNorm
from ..messages import say
from . import Verdict, Wrong, as_number, attempt, checker

EPS = 1e-5


def _output(fn, shape, said, *args):
    """The learner's ``fn(*args)`` as a float array of ``shape``; anything else ends the
    check with a sentence naming what went wrong (a failed call as ``fn(said)``)."""
    out = attempt(f"{getattr(fn, '__name__', 'fn')}({said})", fn, *args)
    if out is None:
        raise Wrong(say("reg.ex.no_return"))
    out = np.asarray(out, dtype=np.float64)
    if out.shape != shape:
        raise Wrong(say("exercise.shape", want=shape, got=out.shape))
    return out


# --- exercise 1: batch norm forward -------------------------------------------------

def reference_batchnorm(x, gamma, beta, eps=EPS):
    """The package's BatchNorm in training mode: what a correct answer returns."""
    return BatchNorm(np.asarray(gamma, dtype=np.float64), np.asarray(beta, dtype=np.float64),
                     eps=eps).forward(np.asarray(x, dtype=np.float64), train=True)


def _batchnorm_cases():
    rng = np.random.default_rng(4)
    x = rng.normal(3.0, 2.5, size=(8, 5))
    x[:, 2] = 7.0                                    # a constant feature: variance 0
    gamma = rng.uniform(0.5, 2.0, size=5)
    beta = rng.normal(0.0, 1.0, size=5)
    return x, gamma, beta


def _batchnorm_hint(out, x, gamma, beta):
    """The catalogue sentence naming the usual mistake behind a wrong batch-norm output."""
    mu, n = x.mean(axis=0), x.shape[0]
    var = x.var(axis=0)
    if not np.all(np.isfinite(out)):
        return say("reg.ex.bn.nan")
    if np.allclose(out, gamma * (x - mu) / np.sqrt(var * n / (n - 1) + EPS) + beta):
        return say("reg.ex.bn.ddof")
    if np.allclose(out, (x - mu) / np.sqrt(var + EPS)):
        return say("reg.ex.bn.no_affine")
    if np.allclose(out, gamma * (x - mu) / np.sqrt(var + EPS)):
        return say("reg.ex.bn.no_beta")
    if np.allclose(out, (x - mu) / np.sqrt(var + EPS) + beta):
        return say("reg.ex.bn.no_gamma")
    if np.allclose(out, gamma * x / np.sqrt(var + EPS) + beta):
        return say("reg.ex.bn.no_mean")
    if np.allclose(out, gamma * (x - mu) / (var + EPS) + beta):
        return say("reg.ex.bn.variance")
    row_mu, row_var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    if np.allclose(out, gamma * (x - row_mu) / np.sqrt(row_var + EPS) + beta):
        return say("reg.ex.bn.axis")
    return say("reg.ex.bn.other")


@checker
def check_batchnorm_forward(fn):
    """Exercise: ``fn(x, gamma, beta)`` is the training-mode batch-norm forward pass
    (batch mean, batch variance with 1/n, eps = 1e-5, scale and shift)."""
    x, gamma, beta = _batchnorm_cases()
    x_before = x.copy()
    out = _output(fn, x.shape, "x, gamma, beta", x, gamma, beta)
    if not np.array_equal(x, x_before):
        return Verdict(False, say("reg.ex.bn.in_place"))
    want = reference_batchnorm(x, gamma, beta)
    if not np.allclose(out, want, rtol=1e-6, atol=1e-8):
        return Verdict(False, _batchnorm_hint(out, x, gamma, beta))
    return Verdict(True, say("reg.ex.bn.right"))


# --- exercise 2: inverted dropout ---------------------------------------------------

@checker
def check_inverted_dropout(fn):
    """Exercise: ``fn(x, p, train, rng)`` is inverted dropout: in training drop each value
    with probability p (using ``rng``) and scale the survivors by 1/(1-p); at test time
    return x unchanged."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 2.0, size=(400, 250))
    out = _output(fn, x.shape, "x, 0.3, False, rng", x.copy(), 0.3, False,
                  np.random.default_rng(0))
    if not np.array_equal(out, x):
        return Verdict(False, say("reg.ex.dropout.test_mode"))
    for p in (0.3, 0.6):
        out = _output(fn, x.shape, f"x, {p}, True, rng", x.copy(), p, True,
                      np.random.default_rng(1))
        dropped = out == 0
        share = dropped.mean()
        if abs(share - p) > 0.02:
            return Verdict(False, say("reg.ex.dropout.share", p=p, want=p, got=float(share)))
        kept = ~dropped
        ratio = out[kept] / x[kept]
        if np.allclose(ratio, 1.0):
            return Verdict(False, say("reg.ex.dropout.not_scaled"))
        if np.allclose(ratio, 1 - p):
            return Verdict(False, say("reg.ex.dropout.old_scale"))
        if not np.allclose(ratio, 1 / (1 - p)):
            return Verdict(False, say("reg.ex.dropout.wrong_scale"))
        if abs(out.mean() / x.mean() - 1) > 0.02:
            return Verdict(False, say("reg.ex.dropout.mean"))
    first, second = (_output(fn, x.shape, "x, 0.5, True, rng", x.copy(), 0.5, True,
                             np.random.default_rng(3)) for _ in range(2))
    if not np.array_equal(first, second):
        return Verdict(False, say("reg.ex.dropout.rng"))
    return Verdict(True, say("reg.ex.dropout.right"))


# --- exercise 3: the test-time factor of the old dropout -----------------------------

@checker
def check_old_dropout_scale(answer, p=0.3):
    """Exercise: with the old dropout (no scaling in training), by what factor must the
    test-time output be multiplied, for p = 0.3? (1 - p)"""
    value = as_number(answer)
    if value is None:
        return Verdict(False, say("reg.ex.not_number", answer=answer))
    if np.isclose(value, 1 - p):
        return Verdict(True, say("reg.ex.old.right", keep=1 - p))
    if np.isclose(value, 1 / (1 - p)):
        return Verdict(False, say("reg.ex.old.inverted"))
    if np.isclose(value, p):
        return Verdict(False, say("reg.ex.old.p"))
    return Verdict(False, say("reg.ex.old.other", value=value))


# --- exercise 4: a lambda that closes the gap, chosen on the validation split --------

@dataclass
class GapMeasurement:
    """What ``check_weight_decay`` measured: final train and validation accuracy
    (fractions) with the learner's lambda and with lambda = 0. The test set is not
    measured: a lambda is chosen on the validation split."""
    weight_decay: float
    train_acc: float
    val_acc: float
    baseline_train_acc: float
    baseline_val_acc: float

    @property
    def gap(self):
        return self.train_acc - self.val_acc

    @property
    def baseline_gap(self):
        return self.baseline_train_acc - self.baseline_val_acc

    def percents(self):
        """The numbers in percent, as the catalogue sentences use them."""
        return dict(lam=self.weight_decay, train=100 * self.train_acc, val=100 * self.val_acc,
                    gap=100 * self.gap, baseline_train=100 * self.baseline_train_acc,
                    baseline_val=100 * self.baseline_val_acc,
                    baseline_gap=100 * self.baseline_gap)

    def __str__(self):
        return say("reg.ex.wd.measured", **self.percents())


#: Exercise 4 asks for the gap cut by at least this share ...
GAP_CUT = 0.25
#: ... while losing at most this much validation accuracy (fraction).
MAX_VAL_LOSS = 0.10


@functools.lru_cache(maxsize=None)
def _final_accuracy(weight_decay, epochs, seed):
    """Final (train, validation) accuracy of the overfitting setting with ``weight_decay``."""
    run = run_overfitting(weight_decay=weight_decay, epochs=epochs, seed=seed)
    return run.train_acc[-1], run.val_acc[-1]


@checker
def check_weight_decay(weight_decay, epochs=100):
    """Exercise: a lambda that cuts the final train/validation gap of the overfitting
    setting (seed 0) by at least a quarter while validation accuracy drops by at most 10
    points. The numbers measured are kept in ``check_weight_decay.last`` (a
    :class:`GapMeasurement`)."""
    lam = as_number(weight_decay)
    if lam is None:
        return Verdict(False, say("reg.ex.not_number", answer=weight_decay))
    if not np.isfinite(lam) or lam < 0:
        return Verdict(False, say("reg.ex.wd.negative", answer=weight_decay))
    m = GapMeasurement(lam, *_final_accuracy(lam, epochs, 0), *_final_accuracy(0.0, epochs, 0))
    check_weight_decay.last = m
    if m.gap > (1 - GAP_CUT) * m.baseline_gap:
        return Verdict(False, say("reg.ex.wd.too_small", **m.percents()))
    if m.val_acc < m.baseline_val_acc - MAX_VAL_LOSS:
        return Verdict(False, say("reg.ex.wd.too_large", **m.percents()))
    return Verdict(True, say("reg.ex.wd.right", **m.percents()))


check_weight_decay.last = None
