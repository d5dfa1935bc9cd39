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
    message = verdict(check_he_normal(he_normal), True, "init.ex.he_right", n=3)
    assert message.values == {"n": 3}
    assert capsys.readouterr().out == ""


def test_he_normal_right_answers():
    verdict(check_he_normal(he_normal), True, "init.ex.he_right")
    verdict(check_he_normal(lambda s, rng: dl.initialize("he_normal", s, rng)), True)


@pytest.mark.parametrize("wrong, key, values", [
    (lambda s, rng: rng.normal(0, np.sqrt(2 / s[1]), s), "init.ex.he_std", {"guess": "n_out"}),
    (lambda s, rng: rng.normal(0, np.sqrt(2 / (s[0] + s[1])), s), "init.ex.he_std",
     {"guess": "xavier_std"}),
    (lambda s, rng: rng.normal(0, np.sqrt(1 / s[0]), s), "init.ex.he_std", {"guess": "lecun"}),
    (lambda s, rng: rng.normal(0, 2 / s[0], s), "init.ex.he_std", {"guess": "no_sqrt"}),
    (lambda s, rng: rng.normal(0, np.sqrt(6 / s[0]), s), "init.ex.he_std",
     {"guess": "he_bound"}),
    (lambda s, rng: rng.uniform(-np.sqrt(6 / s[0]), np.sqrt(6 / s[0]), s),
     "init.ex.not_normal", {"shape": (400, 50)}),
    (lambda s, rng: rng.normal(0.5, np.sqrt(2 / s[0]), s), "init.ex.mean", {}),
    (lambda s, rng: np.random.normal(0, np.sqrt(2 / s[0]), s), "init.ex.global_rng", {}),
    (lambda s, rng: np.zeros(s), "init.ex.he_std", {"got": 0.0, "guess": None}),
    (lambda s, rng: np.zeros((s[1], s[0])), "exercise.shape", {"want": (400, 50)}),
    (lambda s, rng: [0.0] * s[0], "init.ex.not_array", {"kind": "list"}),
    (lambda s, rng: np.full(s, np.nan), "init.ex.not_finite", {}),
    (lambda s, rng: 1 / 0, "verdict.raised", {"kind": "ZeroDivisionError"}),
])
def test_he_normal_wrong_answers(wrong, key, values):
    verdict(check_he_normal(wrong), False, key, **values)


def test_he_normal_message_names_the_numbers():
    message = verdict(check_he_normal(lambda s, rng: np.zeros(s)), False, "init.ex.he_std")
    assert message.values["want"] == pytest.approx(np.sqrt(2 / 400))
    assert message.values["hint"] == ""


def test_xavier_uniform_right_answers():
    verdict(check_xavier_uniform(xavier_uniform), True, "init.ex.xavier_right")
    verdict(check_xavier_uniform(lambda s, rng: dl.initialize("xavier_uniform", s, rng)), True)


@pytest.mark.parametrize("wrong, key, values", [
    (lambda s, rng: rng.uniform(-np.sqrt(6 / s[0]), np.sqrt(6 / s[0]), s),
     "init.ex.xavier_outside", {"guess": "he_bound_for_xavier"}),
    (lambda s, rng: rng.uniform(-np.sqrt(2 / sum(s)), np.sqrt(2 / sum(s)), s),
     "init.ex.xavier_reach", {"guess": "xavier_std_for_bound"}),
    (lambda s, rng: rng.normal(0, np.sqrt(2 / sum(s)), s), "init.ex.xavier_outside", {}),
    (lambda s, rng: rng.uniform(0, np.sqrt(6 / sum(s)), s), "init.ex.xavier_reach", {}),
    (lambda s, rng: np.sqrt(6 / sum(s)) * np.sign(rng.uniform(-1, 1, s)),
     "init.ex.xavier_std", {}),
    (lambda s, rng: rng.uniform(-0.1, 0.1, size=s), "init.ex.xavier_reach",
     {"high": pytest.approx(0.1, abs=1e-3)}),
])
def test_xavier_uniform_wrong_answers(wrong, key, values):
    message = verdict(check_xavier_uniform(wrong), False, key, **values)
    if key != "init.ex.xavier_std":
        assert message.values["bound"] == pytest.approx(np.sqrt(6 / 450))


@pytest.fixture(scope="module")
def batch():
    (x, t), _ = dl.load_mnist(dtype=np.float64)
    return x[::40], t[::40]


def test_zero_init_answer(batch):
    x, t = batch
    verdict(check_zero_init_answer({"W3", "b3"}, x, t), True, "init.ex.zero_right",
            names="W3, b3")
    verdict(check_zero_init_answer(["b3", "W3 "], x, t), True)
    verdict(check_zero_init_answer({"b3"}, x, t, activation="relu"), True,
            "init.ex.zero_right", names="b3")
    verdict(check_zero_init_answer({"W3"}, x, t), False, "init.ex.zero_missing", n=1)
    verdict(check_zero_init_answer({"W1", "W2", "W3", "b3"}, x, t), False,
            "init.ex.zero_extra", n=2)
    verdict(check_zero_init_answer({"W4"}, x, t), False, "init.ex.zero_unknown",
            unknown="W4")
    verdict(check_zero_init_answer("W3", x, t), False, "init.ex.zero_missing")


def test_zero_init_wrong_answers_do_not_name_the_answer(batch):
    x, t = batch
    for answer in ({"W1", "W2", "W3"}, {"W3"}, {"W1", "W2", "W3", "b3"}, {"b3"}):
        result = check_zero_init_answer(answer, x, t)
        assert not result
        assert "b3" not in str(result) or "b3" in answer, str(result)
        assert "W3, b3" not in str(result)


def test_relu_prediction():
    ratios = relu_std_ratios()
    assert set(ratios) == set(PREDICTION_CHOICES)
    assert 0.8 < ratios["he"] < 1.25 and ratios["xavier"] < 0.5 and ratios["normal_0.01"] < 1e-3
    verdict(check_relu_prediction("he"), True, "init.ex.prediction_right", choice="he")
    message = verdict(check_relu_prediction("xavier"), False, "init.ex.prediction_wrong",
                      choice="xavier")
    assert message.values["ratio"] == pytest.approx(ratios["xavier"])
    for wrong in ("xavier", "normal_0.01"):          # the right choice is never named
        assert "he" not in str(check_relu_prediction(wrong))
    verdict(check_relu_prediction("kaiming"), False, "init.ex.choose", choice="kaiming")
