"""Chapter 4 exercise checkers: accept right answers, reject wrong ones with a reason,
never raise."""
import numpy as np
import pytest

from dlskills.exercises import regularization as ex4
from tests.verdicts import verdict


# --- batch norm forward -------------------------------------------------------------

def bn_right(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def test_batchnorm_checker_accepts_a_right_answer():
    verdict(ex4.check_batchnorm_forward(bn_right), True)


def test_batchnorm_checker_matches_the_package():
    x = np.random.default_rng(0).normal(size=(7, 3))
    np.testing.assert_allclose(ex4.reference_batchnorm(x, np.ones(3), np.zeros(3)),
                               bn_right(x, np.ones(3), np.zeros(3)))


@pytest.mark.parametrize("wrong, reason", [
    (lambda x, g, b, eps=1e-5: x, "不一致"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0)) + b, "ε"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b,
     "n-1"),
    (lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps), "γ·x̂ + β"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0) + eps), "忘了加 β"),
    (lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + b, "忘了乘 γ"),
    (lambda x, g, b, eps=1e-5: g * x / np.sqrt(x.var(0) + eps) + b, "均值"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / (x.var(0) + eps) + b, "标准差"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(1, keepdims=True))
     / np.sqrt(x.var(1, keepdims=True) + eps) + b, "axis=0"),
    (lambda x, g, b, eps=1e-5: None, "return"),
    (lambda x, g, b, eps=1e-5: x[:2], "形状"),
    (lambda x, g, b, eps=1e-5: 1 / 0, "ZeroDivisionError"),
])
def test_batchnorm_checker_names_the_mistake(wrong, reason):
    with np.errstate(all="ignore"):
        verdict(ex4.check_batchnorm_forward(wrong), False, reason)


def test_batchnorm_checker_rejects_changing_the_input():
    def in_place(x, gamma, beta, eps=1e-5):
        x -= x.mean(axis=0)
        x /= np.sqrt((x ** 2).mean(axis=0) + eps)
        return gamma * x + beta

    verdict(ex4.check_batchnorm_forward(in_place), False, "改动了输入")


# --- inverted dropout ---------------------------------------------------------------

def dropout_right(x, p, train, rng):
    if not train:
        return x
    return x * (rng.random(x.shape) >= p) / (1 - p)


def test_dropout_checker_accepts_a_right_answer():
    verdict(ex4.check_inverted_dropout(dropout_right), True)


@pytest.mark.parametrize("wrong, reason", [
    (lambda x, p, train, rng: x, "置 0"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) if train else x, "1/(1-p)"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) * (1 - p) if train else x,
     "不是乘 (1-p)"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) / (1 - p), "测试阶段"),
    (lambda x, p, train, rng: x * (1 - p) if not train else dropout_right(x, p, True, rng),
     "测试阶段"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) < p) / p if train else x, "置 0"),
    (lambda x, p, train, rng: x * (np.random.random(x.shape) >= p) / (1 - p) if train else x,
     "rng"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= 0.5) / 0.5 if train else x, "置 0"),
    (lambda x, p, train, rng: None, "return"),
    (lambda x, p, train, rng: [][0], "IndexError"),
])
def test_dropout_checker_names_the_mistake(wrong, reason):
    verdict(ex4.check_inverted_dropout(wrong), False, reason)


# --- the old dropout's test-time factor ---------------------------------------------

def test_old_dropout_checker():
    verdict(ex4.check_old_dropout_scale(0.7), True)
    verdict(ex4.check_old_dropout_scale(1 - 0.3), True)
    for wrong, reason in ((1 / 0.7, "1/(1-p)"), (0.3, "保留的比例"), (1.0, "(1-p)·x"),
                          (None, "请填一个数"), ("0.7x", "请填一个数")):
        verdict(ex4.check_old_dropout_scale(wrong), False, reason)


# --- a lambda that closes the gap ---------------------------------------------------

def test_weight_decay_checker_accepts_a_lambda_in_the_window():
    verdict(ex4.check_weight_decay(0.08), True, "λ=0.08")
    m = ex4.check_weight_decay.last
    assert m.gap <= 0.75 * m.baseline_gap
    assert m.test_acc >= m.baseline_test_acc - 0.10
    assert "λ=0.08" in str(m)


@pytest.mark.parametrize("wrong, reason", [(0.0, "λ 再大一些"), (0.01, "λ 再大一些"),
                                           (0.5, "欠拟合")])
def test_weight_decay_checker_rejects_too_small_and_too_large(wrong, reason):
    verdict(ex4.check_weight_decay(wrong), False, reason)


@pytest.mark.parametrize("wrong", [-0.1, "abc", None, float("nan")])
def test_weight_decay_checker_rejects_non_numbers_without_raising(wrong):
    verdict(ex4.check_weight_decay(wrong), False, "λ")
