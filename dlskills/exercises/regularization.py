"""Checks for the exercises of chapter 4 (regularization).

Each ``check_*`` returns a :class:`~dlskills.exercises.Verdict` shown as one line,
"✓ 正确: ..." or "✗ 还不对: <the first mismatch>", and never raises: a learner's
half-written code gets a sentence, not a traceback.
"""

from dataclasses import dataclass

import numpy as np

from ..experiments.regularization import run_overfitting
from ..layers import BatchNorm
from . import Verdict, checker

EPS = 1e-5


def _call(fn, shape, *args):
    """(output as a float array of ``shape``, None) or (None, error sentence) for the
    learner's ``fn(*args)``."""
    try:
        out = fn(*args)
    except Exception as err:  # the learner's code: report, don't raise
        return None, f"你的函数报错了 {type(err).__name__}: {err}"
    if out is None:
        return None, "函数没有返回结果（忘了 return？）"
    out = np.asarray(out, dtype=np.float64)
    if out.shape != shape:
        return None, f"输出的形状应该是 {shape}，你的是 {out.shape}"
    return out, None


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
    """Name the usual mistake behind a wrong batch-norm output."""
    mu, n = x.mean(axis=0), x.shape[0]
    var = x.var(axis=0)
    if not np.all(np.isfinite(out)):
        return "有 nan 或 inf：第 3 列的值全部相同（方差为 0），分母里要加 ε"
    if np.allclose(out, gamma * (x - mu) / np.sqrt(var * n / (n - 1) + EPS) + beta):
        return "方差要除以 n（批次样本数），不是 n-1"
    if np.allclose(out, (x - mu) / np.sqrt(var + EPS)):
        return "标准化之后还要缩放与平移：y = γ·x̂ + β"
    if np.allclose(out, gamma * (x - mu) / np.sqrt(var + EPS)):
        return "忘了加 β"
    if np.allclose(out, (x - mu) / np.sqrt(var + EPS) + beta):
        return "忘了乘 γ"
    if np.allclose(out, gamma * x / np.sqrt(var + EPS) + beta):
        return "没有减去批次均值 μ"
    if np.allclose(out, gamma * (x - mu) / (var + EPS) + beta):
        return "要除以标准差 sqrt(σ² + ε)，不是方差"
    row_mu, row_var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    if np.allclose(out, gamma * (x - row_mu) / np.sqrt(row_var + EPS) + beta):
        return "均值和方差要沿批次方向（axis=0，每个特征一组）计算，不是每个样本一组"
    return "输出和 γ·(x-μ)/sqrt(σ²+ε) + β 不一致"


@checker
def check_batchnorm_forward(fn):
    """Exercise: ``fn(x, gamma, beta)`` is the training-mode batch-norm forward pass
    (batch mean, batch variance with 1/n, eps = 1e-5, scale and shift)."""
    x, gamma, beta = _batchnorm_cases()
    x_before = x.copy()
    out, error = _call(fn, x.shape, x, gamma, beta)
    if error is not None:
        return Verdict(False, error)
    if not np.array_equal(x, x_before):
        return Verdict(False, "函数改动了输入 x；请只计算输出，不要原地修改 x")
    want = reference_batchnorm(x, gamma, beta)
    if not np.allclose(out, want, rtol=1e-6, atol=1e-8):
        return Verdict(False, _batchnorm_hint(out, x, gamma, beta))
    return Verdict(True, "四步（均值、方差、标准化、缩放平移）都对了")


# --- exercise 2: inverted dropout ---------------------------------------------------

@checker
def check_inverted_dropout(fn):
    """Exercise: ``fn(x, p, train, rng)`` is inverted dropout: in training drop each value
    with probability p (using ``rng``) and scale the survivors by 1/(1-p); at test time
    return x unchanged."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 2.0, size=(400, 250))
    out, error = _call(fn, x.shape, x.copy(), 0.3, False, np.random.default_rng(0))
    if error is not None:
        return Verdict(False, error)
    if not np.array_equal(out, x):
        return Verdict(False, "测试阶段（train=False）应原样返回 x：不丢弃，也不缩放")
    for p in (0.3, 0.6):
        out, error = _call(fn, x.shape, x.copy(), p, True, np.random.default_rng(1))
        if error is not None:
            return Verdict(False, error)
        dropped = out == 0
        share = dropped.mean()
        if abs(share - p) > 0.02:
            return Verdict(False, f"p={p} 时应有约 {p:.0%} 的值被置 0，你的是 {share:.1%}")
        kept = ~dropped
        ratio = out[kept] / x[kept]
        if np.allclose(ratio, 1.0):
            return Verdict(False, "保留下来的值还要乘 1/(1-p)，训练时的期望才不变")
        if np.allclose(ratio, 1 - p):
            return Verdict(False, "保留下来的值要乘 1/(1-p)（放大），不是乘 (1-p)")
        if not np.allclose(ratio, 1 / (1 - p)):
            return Verdict(False, "保留下来的值应该等于 x/(1-p)")
        if abs(out.mean() / x.mean() - 1) > 0.02:
            return Verdict(False, "训练时输出的均值应和输入的均值基本相同")
    first = _call(fn, x.shape, x.copy(), 0.5, True, np.random.default_rng(3))[0]
    second = _call(fn, x.shape, x.copy(), 0.5, True, np.random.default_rng(3))[0]
    if not np.array_equal(first, second):
        return Verdict(False, "随机数请用传入的 rng（例如 rng.random(x.shape)），"
                               "同一个种子应得到同一个掩码")
    return Verdict(True, "训练时按 p 丢弃并放大 1/(1-p)，测试时原样输出")


# --- exercise 3: the test-time factor of the old dropout -----------------------------

@checker
def check_old_dropout_scale(answer, p=0.3):
    """Exercise: with the old dropout (no scaling in training), by what factor must the
    test-time output be multiplied, for p = 0.3? (1 - p)"""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Verdict(False, f"请填一个数，你填的是 {answer!r}")
    if np.isclose(value, 1 - p):
        return Verdict(True, f"训练时保留的比例是 1-p = {1 - p:g}，测试时乘它，期望就一致了")
    if np.isclose(value, 1 / (1 - p)):
        return Verdict(False, "1/(1-p) 是倒置 Dropout 在训练时的放大系数；"
                               "旧式做法在测试时要缩小")
    if np.isclose(value, p):
        return Verdict(False, "p 是丢弃的比例；测试时要乘的是保留的比例")
    return Verdict(False, f"训练时每个值只以 1-p 的概率保留，期望是 (1-p)·x；"
                           f"你的 {value:g} 不对")


# --- exercise 4: a lambda that closes the gap ---------------------------------------

@dataclass
class GapMeasurement:
    """What ``check_weight_decay`` measured (accuracies as fractions)."""
    weight_decay: float
    train_acc: float
    test_acc: float
    baseline_train_acc: float
    baseline_test_acc: float

    @property
    def gap(self):
        return self.train_acc - self.test_acc

    @property
    def baseline_gap(self):
        return self.baseline_train_acc - self.baseline_test_acc

    def __str__(self):
        return (f"λ=0: train {100 * self.baseline_train_acc:.1f}% test "
                f"{100 * self.baseline_test_acc:.1f}% gap {100 * self.baseline_gap:.1f} | "
                f"λ={self.weight_decay:g}: train {100 * self.train_acc:.1f}% test "
                f"{100 * self.test_acc:.1f}% gap {100 * self.gap:.1f}")


#: Exercise 4 asks for the gap cut by at least this share ...
GAP_CUT = 0.25
#: ... while losing at most this much test accuracy (fraction).
MAX_TEST_LOSS = 0.10
_RUNS = {}     # (lambda, epochs, seed) -> (final train acc, final test acc)


def measure_gap(weight_decay, epochs=100, seed=0):
    """Final train/test accuracy of the overfitting setting with ``weight_decay`` and with
    lambda = 0 (cached), trained ``epochs`` epochs."""
    def final(lam):
        if (lam, epochs, seed) not in _RUNS:
            run = run_overfitting(weight_decay=lam, epochs=epochs, seed=seed)
            _RUNS[lam, epochs, seed] = (run.train_acc[-1], run.test_acc[-1])
        return _RUNS[lam, epochs, seed]

    return GapMeasurement(weight_decay, *final(float(weight_decay)), *final(0.0))


@checker
def check_weight_decay(weight_decay, epochs=100):
    """Exercise: a lambda that cuts the final train/test gap of the overfitting setting by
    at least a quarter while test accuracy drops by at most 10 points. The numbers
    measured are kept in ``check_weight_decay.last`` (a :class:`GapMeasurement`)."""
    try:
        lam = float(weight_decay)
    except (TypeError, ValueError):
        return Verdict(False, f"λ 要是一个数，你填的是 {weight_decay!r}")
    if not np.isfinite(lam) or lam < 0:
        return Verdict(False, f"λ 要是一个非负数，你填的是 {weight_decay!r}")
    m = measure_gap(lam, epochs)
    check_weight_decay.last = m
    if m.gap > (1 - GAP_CUT) * m.baseline_gap:
        return Verdict(False, f"差距只从 {100 * m.baseline_gap:.1f} 缩小到 "
                               f"{100 * m.gap:.1f} 个百分点（要缩小至少 1/4）：λ 再大一些")
    if m.test_acc < m.baseline_test_acc - MAX_TEST_LOSS:
        return Verdict(False, f"差距缩小了，但测试准确率从 {100 * m.baseline_test_acc:.1f}% "
                               f"掉到 {100 * m.test_acc:.1f}%：这是欠拟合，λ 太大了")
    return Verdict(True, f"λ={lam:g} 把差距缩小了至少 1/4，测试准确率的损失不到 10 个百分点")


check_weight_decay.last = None
