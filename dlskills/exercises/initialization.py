"""Exercises of chapter 3 (parameter initialization), with instant checks.

Each ``check_*`` returns a :class:`~dlskills.exercises.Verdict` shown as one line,
"✓ 正确: ..." or "✗ 还不对: <the first mismatch>", and never raises, whatever the
learner's code does.
"""

import numpy as np

from ..experiments.initialization import layer_statistics, nonzero_gradients
from ..initializers import he_std, xavier_bound
from ..model import MLP
from . import Verdict, checker


def _sample(fn, shape, seed=0):
    """Call the learner's initializer; return a float array of ``shape`` or a Verdict."""
    out = fn(shape, np.random.default_rng(seed))
    if not isinstance(out, np.ndarray):
        return Verdict(False, f"应返回 numpy 数组，得到的是 {type(out).__name__}")
    if out.shape != tuple(shape):
        return Verdict(False, f"形状应为 {tuple(shape)}，得到 {out.shape}")
    if not np.all(np.isfinite(out)):
        return Verdict(False, "数组里有 nan 或 inf")
    return out.astype(np.float64)


def _same_rng_same_numbers(fn, shape):
    a = fn(shape, np.random.default_rng(1))
    b = fn(shape, np.random.default_rng(1))
    c = fn(shape, np.random.default_rng(2))
    if not np.array_equal(a, b):
        return Verdict(False, "同一个 rng 种子应得到同样的数：请用参数 rng 抽随机数"
                              "（rng.normal / rng.uniform），不要用 np.random 的全局状态")
    if np.array_equal(a, c):
        return Verdict(False, "不同种子得到了完全一样的数组：权重应是随机的")
    return None


#: shapes the initializer exercises are checked on (n_in != n_out, so a mix-up shows)
CHECK_SHAPES = ((400, 50), (50, 400), (784, 100))


@checker
def check_he_normal(fn):
    """Exercise: ``fn(shape, rng)`` draws He-normal weights, N(0, 2 / n_in)."""
    for shape in CHECK_SHAPES:
        w = _sample(fn, shape)
        if isinstance(w, Verdict):
            return w
        n_in, n_out = shape
        want = he_std(n_in)
        got = float(np.std(w))
        if abs(float(np.mean(w))) > 5 * want / np.sqrt(w.size):
            return Verdict(False, f"形状 {shape}: 均值应接近 0，得到 {np.mean(w):.4f}")
        if abs(got / want - 1) > 0.05:
            return Verdict(False, f"形状 {shape}: 标准差应为 sqrt(2/n_in) = {want:.4f}，"
                                  f"得到 {got:.4f}" + _std_hint(got, n_in, n_out))
        kurtosis = float(np.mean((w - w.mean()) ** 4) / np.var(w) ** 2)
        if abs(kurtosis - 3) > 0.5:
            return Verdict(False, f"形状 {shape}: 标准差对了，但分布不像正态分布"
                                  f"（峰度 {kurtosis:.2f}，正态分布是 3，均匀分布是 1.8）")
    problem = _same_rng_same_numbers(fn, CHECK_SHAPES[0])
    if problem is not None:
        return problem
    return Verdict(True, f"{len(CHECK_SHAPES)} 种形状的标准差都等于 sqrt(2/n_in)")


def _std_hint(got, n_in, n_out):
    """Name the formula the learner probably used instead."""
    candidates = {
        "sqrt(2/n_out)（应该用 n_in）": np.sqrt(2 / n_out),
        "sqrt(2/(n_in+n_out))，这是 Xavier": np.sqrt(2 / (n_in + n_out)),
        "sqrt(1/n_in)（少了因子 2）": np.sqrt(1 / n_in),
        "2/n_in（忘了开平方）": 2 / n_in,
        "sqrt(6/n_in)（这是均匀分布的边界，不是标准差）": np.sqrt(6 / n_in),
    }
    for name, value in candidates.items():
        if abs(got / value - 1) < 0.05:
            return f"；看起来你用了 {name}"
    return ""


@checker
def check_xavier_uniform(fn):
    """Exercise: ``fn(shape, rng)`` draws Xavier-uniform weights,
    U(-sqrt(6/(n_in+n_out)), +sqrt(6/(n_in+n_out)))."""
    for shape in CHECK_SHAPES:
        w = _sample(fn, shape)
        if isinstance(w, Verdict):
            return w
        n_in, n_out = shape
        bound = xavier_bound(n_in, n_out)
        low, high = float(w.min()), float(w.max())
        if low < -bound * (1 + 1e-9) or high > bound * (1 + 1e-9):
            return Verdict(False, f"形状 {shape}: 取值应在 [-{bound:.4f}, {bound:.4f}] 内，"
                                  f"得到 [{low:.4f}, {high:.4f}]"
                                  + _bound_hint(max(-low, high), n_in, n_out))
        if min(-low, high) < 0.95 * bound:
            return Verdict(False, f"形状 {shape}: 区间应一直伸到 ±{bound:.4f}，"
                                  f"得到 [{low:.4f}, {high:.4f}]"
                                  + _bound_hint(max(-low, high), n_in, n_out))
        want_std = bound / np.sqrt(3)
        if abs(float(np.std(w)) / want_std - 1) > 0.05:
            return Verdict(False, f"形状 {shape}: 在区间内均匀分布时标准差应为 "
                                  f"{want_std:.4f}，得到 {np.std(w):.4f}（分布不均匀？）")
    problem = _same_rng_same_numbers(fn, CHECK_SHAPES[0])
    if problem is not None:
        return problem
    return Verdict(True, "取值区间是 ±sqrt(6/(n_in+n_out))，且在区间内均匀分布")


def _bound_hint(got, n_in, n_out):
    candidates = {
        "sqrt(6/n_in)，这是 He 的边界": np.sqrt(6 / n_in),
        "sqrt(2/(n_in+n_out))，这是 Xavier 的标准差，不是边界": np.sqrt(2 / (n_in + n_out)),
        "sqrt(1/n_in)": np.sqrt(1 / n_in),
    }
    for name, value in candidates.items():
        if abs(got / value - 1) < 0.06:
            return f"；看起来你用了 {name}"
    return ""


#: the network of the zero-initialization exercise
ZERO_NET = dict(input_size=784, hidden_sizes=[50, 50], output_size=10, activation="sigmoid",
                init="constant", init_options={"value": 0.0})


def zero_init_gradients(x, t, activation="sigmoid"):
    """Names of the parameters of the all-zero network :data:`ZERO_NET` (with
    ``activation``) that get a non-zero gradient on the batch ``(x, t)``."""
    net = MLP(**{**ZERO_NET, "activation": activation}, dtype=np.float64)
    return nonzero_gradients(net.gradient(x, t))


@checker
def check_zero_init_answer(answer, x, t, activation="sigmoid"):
    """Exercise: which parameters of a 784-50-50-10 network with every weight and bias 0
    get a non-zero gradient in the first step? ``answer``: a set of names like "W1"."""
    if isinstance(answer, str):
        answer = {answer}
    answer = {str(a).strip() for a in answer}
    truth = set(zero_init_gradients(x, t, activation))
    names = [f"{p}{i}" for i in (1, 2, 3) for p in ("W", "b")]
    unknown = sorted(answer - set(names))
    if unknown:
        return Verdict(False, f"没有参数叫 {', '.join(unknown)}；参数名是 {', '.join(names)}")
    missing = sorted(truth - answer)
    extra = sorted(answer - truth)
    if missing:
        return Verdict(False, f"{', '.join(missing)} 的梯度也不是 0：想想输出层的梯度 "
                              f"dL/dz = (y - t)/N 和它前面一层的输出")
    if extra:
        return Verdict(False, f"{', '.join(extra)} 的梯度是 0：反向传播到隐藏层时要乘以 "
                              f"W3ᵀ，而 W3 全是 0")
    return Verdict(True, f"只有 {', '.join(sorted(truth))} 得到非零梯度，"
                         f"隐藏层第一步一点也学不到")


#: choices of the prediction exercise
PREDICTION_CHOICES = ("normal_0.01", "xavier", "he")


def relu_std_ratios(depth=5, width=100, seed=0):
    """Layer-``depth`` activation std / layer-1 std of a ReLU network for each choice of
    :data:`PREDICTION_CHOICES`."""
    ratios = {}
    for choice in PREDICTION_CHOICES:
        init, std = ("normal", 0.01) if choice == "normal_0.01" else (f"{choice}_normal", None)
        stats = layer_statistics(init=init, activation="relu", depth=depth, width=width,
                                 seed=seed, std=std or 0.01)
        ratios[choice] = float(stats.act_std[-1] / stats.act_std[0])
    return ratios


@checker
def check_relu_prediction(choice):
    """Exercise: which initializer keeps the layer-5 activation std of a 5 x 100 ReLU
    network closest to layer 1's? ``choice``: one of :data:`PREDICTION_CHOICES`."""
    if choice not in PREDICTION_CHOICES:
        return Verdict(False, f"请从 {', '.join(repr(c) for c in PREDICTION_CHOICES)} "
                              f"中选一个，得到 {choice!r}")
    ratios = relu_std_ratios()
    best = min(ratios, key=lambda c: abs(np.log(ratios[c])))
    table = "，".join(f"{c}: {r:.2g}" for c, r in ratios.items())
    if choice != best:
        return Verdict(False, f"第 5 层 / 第 1 层的标准差之比是 {table}；最接近 1 的是 "
                              f"{best}")
    return Verdict(True, f"第 5 层 / 第 1 层的标准差之比是 {table}")
