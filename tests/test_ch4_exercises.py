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
    verdict(ex4.check_batchnorm_forward(bn_right), True, "reg.ex.bn.right")


def test_batchnorm_checker_matches_the_package():
    x = np.random.default_rng(0).normal(size=(7, 3))
    np.testing.assert_allclose(ex4.reference_batchnorm(x, np.ones(3), np.zeros(3)),
                               bn_right(x, np.ones(3), np.zeros(3)))


@pytest.mark.parametrize("wrong, key", [
    (lambda x, g, b, eps=1e-5: x, "reg.ex.bn.other"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0)) + b, "reg.ex.bn.nan"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b,
     "reg.ex.bn.ddof"),
    (lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps), "reg.ex.bn.no_affine"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0) + eps), "reg.ex.bn.no_beta"),
    (lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + b,
     "reg.ex.bn.no_gamma"),
    (lambda x, g, b, eps=1e-5: g * x / np.sqrt(x.var(0) + eps) + b, "reg.ex.bn.no_mean"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / (x.var(0) + eps) + b, "reg.ex.bn.variance"),
    (lambda x, g, b, eps=1e-5: g * (x - x.mean(1, keepdims=True))
     / np.sqrt(x.var(1, keepdims=True) + eps) + b, "reg.ex.bn.axis"),
    (lambda x, g, b, eps=1e-5: None, "reg.ex.no_return"),
    (lambda x, g, b, eps=1e-5: x[:2], "exercise.shape"),
])
def test_batchnorm_checker_names_the_mistake(wrong, key):
    with np.errstate(all="ignore"):
        verdict(ex4.check_batchnorm_forward(wrong), False, key)


def test_checkers_report_the_learners_error_without_raising():
    def my_batchnorm(x, gamma, beta):
        return 1 / 0

    verdict(ex4.check_batchnorm_forward(my_batchnorm), False, "verdict.raised",
            call="my_batchnorm(x, gamma, beta)", kind="ZeroDivisionError")
    verdict(ex4.check_inverted_dropout(lambda x, p, train, rng: [][0]), False,
            "verdict.raised", call="<lambda>(x, 0.3, False, rng)", kind="IndexError")
    verdict(ex4.check_batchnorm_forward(lambda x, g, b, eps=1e-5: x[:2]), False,
            "exercise.shape", want=(8, 5), got=(2, 5))


def test_batchnorm_checker_rejects_changing_the_input():
    def in_place(x, gamma, beta, eps=1e-5):
        x -= x.mean(axis=0)
        x /= np.sqrt((x ** 2).mean(axis=0) + eps)
        return gamma * x + beta

    verdict(ex4.check_batchnorm_forward(in_place), False, "reg.ex.bn.in_place")


# --- inverted dropout ---------------------------------------------------------------

def dropout_right(x, p, train, rng):
    if not train:
        return x
    return x * (rng.random(x.shape) >= p) / (1 - p)


def test_dropout_checker_accepts_a_right_answer():
    verdict(ex4.check_inverted_dropout(dropout_right), True, "reg.ex.dropout.right")


@pytest.mark.parametrize("wrong, key", [
    (lambda x, p, train, rng: x, "reg.ex.dropout.share"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) if train else x,
     "reg.ex.dropout.not_scaled"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) * (1 - p) if train else x,
     "reg.ex.dropout.old_scale"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= p) / (1 - p),
     "reg.ex.dropout.test_mode"),
    (lambda x, p, train, rng: x * (1 - p) if not train else dropout_right(x, p, True, rng),
     "reg.ex.dropout.test_mode"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) < p) / p if train else x,
     "reg.ex.dropout.share"),
    (lambda x, p, train, rng: x * (np.random.random(x.shape) >= p) / (1 - p) if train else x,
     "reg.ex.dropout.rng"),
    (lambda x, p, train, rng: x * (rng.random(x.shape) >= 0.5) / 0.5 if train else x,
     "reg.ex.dropout.share"),
    (lambda x, p, train, rng: None, "reg.ex.no_return"),
])
def test_dropout_checker_names_the_mistake(wrong, key):
    verdict(ex4.check_inverted_dropout(wrong), False, key)


def test_dropout_checker_says_the_share_it_measured():
    message = verdict(ex4.check_inverted_dropout(lambda x, p, train, rng: x), False,
                      "reg.ex.dropout.share", p=0.3, want=0.3)
    assert message.values["got"] == 0.0


# --- the old dropout's test-time factor ---------------------------------------------

def test_old_dropout_checker():
    verdict(ex4.check_old_dropout_scale(0.7), True, "reg.ex.old.right")
    verdict(ex4.check_old_dropout_scale(1 - 0.3), True, "reg.ex.old.right")
    for wrong, key in ((1 / 0.7, "reg.ex.old.inverted"), (0.3, "reg.ex.old.p"),
                       (1.0, "reg.ex.old.other"), (None, "reg.ex.not_number"),
                       ("0.7x", "reg.ex.not_number"), (True, "reg.ex.not_number"),
                       (float("nan"), "reg.ex.not_number")):
        verdict(ex4.check_old_dropout_scale(wrong), False, key)


# --- a lambda that closes the gap, judged on the validation split ------------------

def test_weight_decay_checker_accepts_a_lambda_in_the_window():
    message = verdict(ex4.check_weight_decay(0.08), True, "reg.ex.wd.right", lam=0.08)
    m = ex4.check_weight_decay.last
    assert m.gap <= 0.75 * m.baseline_gap
    assert m.val_acc >= m.baseline_val_acc - 0.10
    assert message.values["val"] == pytest.approx(100 * m.val_acc)
    assert str(m).key == "reg.ex.wd.measured" and str(m).values["lam"] == 0.08


def test_weight_decay_checker_measures_validation_not_test():
    from dlskills.experiments import mnist
    from dlskills.experiments.regularization import run_overfitting
    ex4.check_weight_decay(0.05)
    m = ex4.check_weight_decay.last
    run = run_overfitting(weight_decay=0.05, epochs=100)
    assert run.held_out == "validation"
    assert m.val_acc == run.val_acc[-1] and m.train_acc == run.train_acc[-1]
    assert run.val_acc is run.test_acc             # the one held-out set: validation
    test_acc = run.net.accuracy(*mnist()[1])
    assert test_acc != m.val_acc                   # a different set of digits


@pytest.mark.parametrize("wrong, key", [(0.0, "reg.ex.wd.too_small"),
                                        (0.01, "reg.ex.wd.too_small"),
                                        (0.5, "reg.ex.wd.too_large")])
def test_weight_decay_checker_rejects_too_small_and_too_large(wrong, key):
    verdict(ex4.check_weight_decay(wrong), False, key)


@pytest.mark.parametrize("wrong, key", [(-0.1, "reg.ex.wd.negative"),
                                        ("abc", "reg.ex.not_number"),
                                        (None, "reg.ex.not_number"),
                                        (float("inf"), "reg.ex.wd.negative"),
                                        (float("nan"), "reg.ex.not_number"),
                                        (True, "reg.ex.not_number")])
def test_weight_decay_checker_rejects_non_numbers_without_raising(wrong, key):
    verdict(ex4.check_weight_decay(wrong), False, key)
