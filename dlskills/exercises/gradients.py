"""Instant checks for chapter 1 (depth, vanishing and exploding gradients).

Each ``check_*`` takes the learner's answer (a value or a function), never raises, and
returns a :class:`~dlskills.exercises.Verdict` shown as one line, "✓ 正确: ..." or
"✗ 还不对: <the first mismatch>"; it is truthy when the answer is right.
"""

import math

import numpy as np

from ..experiments.gradients import chain_param_count, gradient_profile
from . import Verdict, checker


def _call(fn, *args):
    """(value, None) or (None, error text): a learner's function must not crash a check."""
    try:
        return fn(*args), None
    except Exception as err:  # shown to the learner as the verdict
        return None, f"{type(err).__name__}: {err}"


def _number(value):
    """``value`` as a float, or None if it is not a real number."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _call_text(name, args):
    return f"{name}({', '.join(map(repr, args))})"


# --- exercise 1: what really makes sigmoid networks vanish --------------------------

REASONS = {
    "A": "sigmoid 的输出值在 [0, 1] 之间",
    "B": "sigmoid 的导数最大只有 0.25，每经过一层梯度至少缩小到 1/4",
    "C": "多个小于 0 的数连乘",
    "D": "学习率太小",
}


@checker
def check_reason(answer):
    """Which statement explains why gradients vanish in a deep sigmoid network? ("B")."""
    choice = str(answer).strip().upper() if answer is not None else ""
    if choice not in REASONS:
        return Verdict(False, f"请填 A、B、C 或 D 中的一个字母，收到的是 {answer!r}")
    if choice == "B":
        return Verdict(True, "反向传播每过一层乘以 sigmoid'(z) <= 0.25，n 层之后最多 0.25^n。")
    why = {
        "A": "输出在 [0, 1] 里并不决定梯度：反向传播乘的是导数 sigmoid'(z)，不是输出值。",
        "C": "课文的笔误：应为“小于 1”；而且连乘的是导数，它的上界是 0.25。",
        "D": "学习率对所有层一视同仁，解释不了为什么前面的层比后面的层慢。",
    }[choice]
    return Verdict(False, f"{choice} 不对。{why}")


# --- exercise 2: the bound of a product of sigmoid derivatives ----------------------

@checker
def check_product_bound(product_bound):
    """``product_bound(n)`` must return the largest possible product of n sigmoid
    derivatives, 0.25 ** n."""
    for n in (1, 2, 3, 5, 10, 20):
        value, error = _call(product_bound, n)
        call = _call_text("product_bound", [n])
        if error:
            return Verdict(False, f"{call} 出错: {error}")
        number = _number(value)
        if number is None:
            return Verdict(False, f"{call} 返回了 {value!r}，应返回一个数")
        want = 0.25 ** n
        if not math.isclose(number, want, rel_tol=1e-9):
            return Verdict(False, f"{call} = {number:.6g}，应为 {want:.6g}"
                                  "（提示：sigmoid 的导数最大是多少？）")
    return Verdict(True, f"0.25^n：10 层之后最多 {0.25 ** 10:.1e}，20 层之后最多 "
                         f"{0.25 ** 20:.1e}。")


# --- exercise 3: predict, then check, which layer gets the smallest gradient --------

#: the two networks of the exercise (8 hidden layers, so weight layers 1..9)
SMALL_SIGMOID = {"depth": 8, "activation": "sigmoid", "init": "normal", "scale": 0.05, "seed": 0}
LARGE_TANH = {"depth": 8, "activation": "tanh", "init": "normal", "scale": 1.0, "seed": 0}


def _layer_number(value, top):
    """``value`` as a layer number 1..top, or None."""
    number = _number(value)
    if number is None or not number.is_integer() or not 1 <= number <= top:
        return None
    return int(number)


@checker
def check_smallest_layer(small_sigmoid, large_tanh):
    """Which weight layer (1 = next to the input, 9 = output) gets the smallest gradient
    norm in ``SMALL_SIGMOID`` and in ``LARGE_TANH``? Answers are checked against the
    gradients really computed."""
    for name, answer, config in (("small_sigmoid", small_sigmoid, SMALL_SIGMOID),
                                 ("large_tanh", large_tanh, LARGE_TANH)):
        top = config["depth"] + 1
        layer = _layer_number(answer, top)
        if layer is None:
            return Verdict(False, f"{name} 应是 1 到 {top} 之间的层号，收到的是 {answer!r}")
        profile = gradient_profile(**config)
        best = profile.smallest_layer
        if layer != best:
            settings = ", ".join(f"{key}={value!r}" for key, value in config.items())
            return Verdict(False, f"{name}: 第 {layer} 层的梯度范数是 "
                                  f"{profile.grad_norms[layer - 1]:.1e}，还有更小的层。"
                                  f"在探索器里设 {settings} 看一看。")
    return Verdict(True, "小权重的 sigmoid 网络梯度在第 1 层最小（消失）；大权重的 tanh 网络"
                         "正好相反，第 1 层最大、输出层最小（爆炸）。")


# --- exercise 4: count parameters ---------------------------------------------------

PARAM_CASES = [([784, 5, 5], False), ([784, 5, 5, 5], False), ([784, 10], False),
               ([784, 15], False), ([2, 3], True), ([784, 100, 100, 10], True),
               ([10, 20, 30, 40], False), ([10, 20, 30, 40], True)]


@checker
def check_param_count(count_params):
    """``count_params(sizes, biases)`` must count the weights (and, when ``biases`` is
    True, the biases) of the chain sizes[0] -> sizes[1] -> ..."""
    for sizes, biases in PARAM_CASES:
        value, error = _call(count_params, list(sizes), biases)
        call = _call_text("count_params", [sizes, biases])
        if error:
            return Verdict(False, f"{call} 出错: {error}")
        want = chain_param_count(sizes, biases)
        if _number(value) != want:
            return Verdict(False, f"{call} = {value!r}，应为 {want}")
    deeper = chain_param_count([784, 5, 5, 5], False) - chain_param_count([784, 5, 5], False)
    wider = chain_param_count([784, 15], False) - chain_param_count([784, 10], False)
    return Verdict(True, f"a=784 时，加深多 {deeper} 个参数，加宽多 {wider} 个 (= 5a)。")


# --- exercise 5: the weight scale that keeps a ReLU layer's factor at 1 -------------

@checker
def check_relu_std(std, width=100):
    """The standard deviation that makes a ReLU layer of ``width`` inputs multiply the
    gradient's size by 1 on average: sigma * sqrt(width / 2) = 1 (He initialization)."""
    number = _number(std)
    if number is None or number <= 0:
        return Verdict(False, f"std 应是一个正数，收到的是 {std!r}")
    want = float(np.sqrt(2.0 / width))
    factor = number * np.sqrt(width / 2.0)
    if abs(factor - 1.0) > 0.02:
        trend = "变大（爆炸）" if factor > 1 else "变小（消失）"
        return Verdict(False, f"std = {number:.4g} 时每层系数约为 {factor:.3g}，"
                              f"50 层后梯度约{trend}为 {factor ** 50:.1e} 倍")
    return Verdict(True, f"std = sqrt(2/{width}) = {want:.4f}，这就是 He 初始化"
                         "（见第 3 章）。")
