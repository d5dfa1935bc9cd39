"""Chapter 3: the exercise checkers accept right answers and name the first mismatch of
wrong ones, without raising."""
import numpy as np
import pytest

import dlskills as dl
from dlskills.exercises.initialization import (PREDICTION_CHOICES, Verdict, check_he_normal,
                                               check_relu_prediction, check_xavier_uniform,
                                               check_zero_init_answer, relu_std_ratios)


def he_normal(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


def xavier_uniform(shape, rng):
    bound = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-bound, bound, size=shape)


def test_verdict_prints_and_reads_as_bool(capsys):
    assert Verdict(True, "").message == "✓ 正确"
    assert not Verdict(False, "x")
    assert str(Verdict(False, "x")) == "✗ 还不对: x"
    check_he_normal(he_normal)
    assert capsys.readouterr().out.startswith("✓ 正确")


def test_he_normal_right_answers():
    assert check_he_normal.verdict(he_normal)
    assert check_he_normal.verdict(lambda s, rng: dl.initialize("he_normal", s, rng))


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
    verdict = check_he_normal.verdict(wrong)
    assert not verdict
    assert verdict.message.startswith("✗ 还不对: ")
    assert words in verdict.message


def test_xavier_uniform_right_answers():
    assert check_xavier_uniform.verdict(xavier_uniform)
    assert check_xavier_uniform.verdict(lambda s, rng: dl.initialize("xavier_uniform", s, rng))


@pytest.mark.parametrize("wrong, words", [
    (lambda s, rng: rng.uniform(-np.sqrt(6 / s[0]), np.sqrt(6 / s[0]), s), "He"),
    (lambda s, rng: rng.uniform(-np.sqrt(2 / sum(s)), np.sqrt(2 / sum(s)), s), "标准差"),
    (lambda s, rng: rng.normal(0, np.sqrt(2 / sum(s)), s), "取值应在"),
    (lambda s, rng: rng.uniform(0, np.sqrt(6 / sum(s)), s), "伸到"),
    (lambda s, rng: np.sqrt(6 / sum(s)) * np.sign(rng.uniform(-1, 1, s)), "标准差应为"),
    (lambda s, rng: rng.uniform(-0.1, 0.1, size=s), "还不对"),
])
def test_xavier_uniform_wrong_answers(wrong, words):
    verdict = check_xavier_uniform.verdict(wrong)
    assert not verdict
    assert words in verdict.message


@pytest.fixture(scope="module")
def batch():
    (x, t), _ = dl.load_mnist(dtype=np.float64)
    return x[::40], t[::40]


def test_zero_init_answer(batch):
    x, t = batch
    assert check_zero_init_answer.verdict({"W3", "b3"}, x, t)
    assert check_zero_init_answer.verdict(["b3", "W3 "], x, t)
    assert check_zero_init_answer.verdict({"b3"}, x, t, activation="relu")
    missing = check_zero_init_answer.verdict({"W3"}, x, t)
    assert not missing and "b3" in missing.message
    extra = check_zero_init_answer.verdict({"W1", "W2", "W3", "b3"}, x, t)
    assert not extra and "W1, W2" in extra.message
    unknown = check_zero_init_answer.verdict({"W4"}, x, t)
    assert not unknown and "W4" in unknown.message
    assert not check_zero_init_answer.verdict("W3", x, t)


def test_relu_prediction():
    ratios = relu_std_ratios()
    assert set(ratios) == set(PREDICTION_CHOICES)
    assert 0.8 < ratios["he"] < 1.25 and ratios["xavier"] < 0.5 and ratios["normal_0.01"] < 1e-3
    assert check_relu_prediction.verdict("he")
    wrong = check_relu_prediction.verdict("xavier")
    assert not wrong and "最接近 1 的是 he" in wrong.message
    assert "请从" in check_relu_prediction.verdict("kaiming").message
