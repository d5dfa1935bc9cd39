"""Chapter 3: the exercise checkers accept right answers and name the first mismatch of
wrong ones, without raising."""
import numpy as np
import pytest

import dlskills as dl
from dlskills.exercises.initialization import (PREDICTION_CHOICES, check_he_normal,
                                               check_relu_prediction, check_xavier_uniform,
                                               check_zero_init_answer, relu_std_ratios)
from tests.verdicts import verdict


def he_normal(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


def xavier_uniform(shape, rng):
    bound = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-bound, bound, size=shape)


def test_checks_return_a_verdict_and_print_nothing(capsys):
    text = verdict(check_he_normal(he_normal), True)
    assert text == "✓ 正确: 3 种形状的标准差都等于 sqrt(2/n_in)"
    assert capsys.readouterr().out == ""


def test_he_normal_right_answers():
    verdict(check_he_normal(he_normal), True, "sqrt(2/n_in)")
    verdict(check_he_normal(lambda s, rng: dl.initialize("he_normal", s, rng)), True)


@pytest.mark.parametrize("wrong, words", [
    (lambda s, rng: rng.normal(0, np.sqrt(2 / s[1]), s), "n_out"),
    (lambda s, rng: rng.normal(0, np.sqrt(2 / (s[0] + s[1])), s), "Xavier"),
    (lambda s, rng: rng.normal(0, np.sqrt(1 / s[0]), s), "因子 2"),
    (lambda s, rng: rng.normal(0, 2 / s[0], s), "开平方"),
    (lambda s, rng: rng.normal(0, np.sqrt(6 / s[0]), s), "边界"),
    (lambda s, rng: rng.uniform(-np.sqrt(6 / s[0]), np.sqrt(6 / s[0]), s), "正态"),
    (lambda s, rng: rng.normal(0.5, np.sqrt(2 / s[0]), s), "均值"),
    (lambda s, rng: np.random.normal(0, np.sqrt(2 / s[0]), s), "rng"),
    (lambda s, rng: np.zeros(s), "0.0000"),
    (lambda s, rng: np.zeros((s[1], s[0])), "形状"),
    (lambda s, rng: [0.0] * s[0], "numpy"),
    (lambda s, rng: np.full(s, np.nan), "nan"),
    (lambda s, rng: 1 / 0, "ZeroDivisionError"),
])
def test_he_normal_wrong_answers(wrong, words):
    verdict(check_he_normal(wrong), False, words)


def test_xavier_uniform_right_answers():
    verdict(check_xavier_uniform(xavier_uniform), True, "±sqrt(6/(n_in+n_out))")
    verdict(check_xavier_uniform(lambda s, rng: dl.initialize("xavier_uniform", s, rng)), True)


@pytest.mark.parametrize("wrong, words", [
    (lambda s, rng: rng.uniform(-np.sqrt(6 / s[0]), np.sqrt(6 / s[0]), s), "He"),
    (lambda s, rng: rng.uniform(-np.sqrt(2 / sum(s)), np.sqrt(2 / sum(s)), s), "标准差"),
    (lambda s, rng: rng.normal(0, np.sqrt(2 / sum(s)), s), "取值应在"),
    (lambda s, rng: rng.uniform(0, np.sqrt(6 / sum(s)), s), "伸到"),
    (lambda s, rng: np.sqrt(6 / sum(s)) * np.sign(rng.uniform(-1, 1, s)), "标准差应为"),
    (lambda s, rng: rng.uniform(-0.1, 0.1, size=s), "伸到 ±0.1155"),
])
def test_xavier_uniform_wrong_answers(wrong, words):
    verdict(check_xavier_uniform(wrong), False, words)


@pytest.fixture(scope="module")
def batch():
    (x, t), _ = dl.load_mnist(dtype=np.float64)
    return x[::40], t[::40]


def test_zero_init_answer(batch):
    x, t = batch
    verdict(check_zero_init_answer({"W3", "b3"}, x, t), True, "只有 W3, b3")
    verdict(check_zero_init_answer(["b3", "W3 "], x, t), True)
    verdict(check_zero_init_answer({"b3"}, x, t, activation="relu"), True, "只有 b3")
    verdict(check_zero_init_answer({"W3"}, x, t), False, "b3 的梯度也不是 0")
    verdict(check_zero_init_answer({"W1", "W2", "W3", "b3"}, x, t), False,
            "W1, W2 的梯度是 0")
    verdict(check_zero_init_answer({"W4"}, x, t), False, "没有参数叫 W4")
    verdict(check_zero_init_answer("W3", x, t), False, "b3")


def test_relu_prediction():
    ratios = relu_std_ratios()
    assert set(ratios) == set(PREDICTION_CHOICES)
    assert 0.8 < ratios["he"] < 1.25 and ratios["xavier"] < 0.5 and ratios["normal_0.01"] < 1e-3
    verdict(check_relu_prediction("he"), True, "标准差之比")
    verdict(check_relu_prediction("xavier"), False, "最接近 1 的是 he")
    verdict(check_relu_prediction("kaiming"), False, "请从")
