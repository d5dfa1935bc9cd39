"""Chapter 2 exercise checkers: right answers pass, wrong ones (including the course
text's own Momentum code) fail with a message naming step, key and values. Messages are
checked by catalogue key and values, not by their wording."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

import dlskills as dl
from dlskills.exercises import optimizers as ex
from tests.verdicts import verdict

COURSE_TEXT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_ded1b0d11a2b827c.txt"


# --- answers -----------------------------------------------------------------------------

class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.momentum * self.v[k] - self.lr * grads[k]
            params[k] += self.v[k]


class TorchMomentum(Momentum):
    """PyTorch's form: equal under a constant lr, different once lr changes."""

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.momentum * self.v[k] + grads[k]
            params[k] -= self.lr * self.v[k]


class FrozenLRMomentum(Momentum):
    """Reads the learning rate once, at construction: misses lr changes."""

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr, momentum)
        self.first_lr = lr

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.momentum * self.v[k] - self.first_lr * grads[k]
            params[k] += self.v[k]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.h[k] += grads[k] ** 2
            params[k] = params[k] - self.lr * grads[k] / (np.sqrt(self.h[k]) + 1e-8)


class AdaGradNoSqrt(AdaGrad):
    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.h[k] += grads[k] ** 2
            params[k] -= self.lr * grads[k] / (self.h[k] + 1e-8)


class AdaGradMutatesGrads(AdaGrad):
    def update(self, params, grads):
        for k in grads:
            grads[k] *= 0.5
        super().update(params, {k: 2 * g for k, g in grads.items()})


class AdamFormula:
    """The formula version: eps added to sqrt(h_hat) (as PyTorch does)."""

    def __init__(self, lr=0.001, alpha1=0.9, alpha2=0.999):
        self.lr, self.alpha1, self.alpha2 = lr, alpha1, alpha2
        self.v = self.h = None
        self.t = 0

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        self.t += 1
        for k in params:
            self.v[k] = self.alpha1 * self.v[k] + (1 - self.alpha1) * grads[k]
            self.h[k] = self.alpha2 * self.h[k] + (1 - self.alpha2) * grads[k] ** 2
            v_hat = self.v[k] / (1 - self.alpha1 ** self.t)
            h_hat = self.h[k] / (1 - self.alpha2 ** self.t)
            params[k] -= self.lr * v_hat / (np.sqrt(h_hat) + 1e-8)


class AdamNoBiasCorrection(AdamFormula):
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
            self.h = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.alpha1 * self.v[k] + (1 - self.alpha1) * grads[k]
            self.h[k] = self.alpha2 * self.h[k] + (1 - self.alpha2) * grads[k] ** 2
            params[k] -= self.lr * self.v[k] / (np.sqrt(self.h[k]) + 1e-8)


class Stub:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr

    def update(self, params, grads):
        pass


class Crashes(Stub):
    def update(self, params, grads):
        raise KeyError("v")


# --- right answers -------------------------------------------------------------------------

@pytest.mark.parametrize("candidate, reference, class_name", [
    (Momentum, "momentum", "Momentum"), (dl.Momentum, "momentum", "Momentum"),
    (AdaGrad, "adagrad", "AdaGrad"), (dl.AdaGrad, "adagrad", "AdaGrad"),
    (AdamFormula, "adam", "Adam"), (dl.Adam, "adam", "Adam"),
    (dl.RMSProp, "rmsprop", "RMSProp"),
])
def test_right_answers_pass(candidate, reference, class_name):
    verdict(ex.verify_optimizer(candidate, reference), True, "optimizers.check.right",
            reference=class_name, n_params=len(ex.SHAPES), n_steps=len(ex.LR_STEPS))


@pytest.mark.skipif(not COURSE_TEXT.exists(), reason="the course text (shared/seed) is not "
                    "next to this checkout")
def test_course_adagrad_and_adam_code_pass():
    """The course text's AdaGrad and Adam code (no indentation bug) is accepted."""
    blocks = dict(_course_blocks())
    adagrad, err = ex.define_course_class(blocks["AdaGrad"], "AdaGrad")
    assert err is None
    verdict(ex.verify_optimizer(adagrad, "adagrad"), True)
    adam, err = ex.define_course_class(blocks["Adam"], "Adam")
    assert err is None
    verdict(ex.verify_optimizer(adam, "adam"), True)


# --- wrong answers -------------------------------------------------------------------------

def test_course_momentum_is_caught():
    course_momentum, err = ex.define_course_class(ex.COURSE_MOMENTUM_CODE, "Momentum")
    assert err is None
    message = verdict(ex.verify_optimizer(course_momentum, "momentum"), False,
                      "optimizers.check.not_updated")
    mismatch, hint = message.values["mismatch"], message.values["hint"]
    assert mismatch.key == "optimizers.check.mismatch" and mismatch.values["step"] == 1
    assert mismatch.values["where"].startswith("W1[")
    assert mismatch.values["want"] != mismatch.values["got"]
    assert hint.key == "optimizers.check.only_last" and hint.values == {"last": "b2"}
    assert message.startswith(mismatch) and hint in message


def test_a_parameter_left_out_is_not_updated_without_the_only_last_hint():
    class SkipsW1(Momentum):
        def update(self, params, grads):
            w1 = params["W1"].copy()
            super().update(params, grads)
            params["W1"][...] = w1

    message = verdict(ex.verify_optimizer(SkipsW1, "momentum"), False,
                      "optimizers.check.not_updated", hint="")
    assert message.values["mismatch"].values["where"].startswith("W1[")
    assert message.startswith(message.values["mismatch"])


def test_course_momentum_moves_only_the_last_key():
    course_momentum, _ = ex.define_course_class(ex.COURSE_MOMENTUM_CODE, "Momentum")
    moved = ex.which_params_move(course_momentum(lr=0.1))
    assert [k for k, d in moved.items() if d > 0] == ["b2"]
    assert all(d > 0 for d in ex.which_params_move(dl.Momentum(lr=0.1)).values())


@pytest.mark.parametrize("candidate, reference, step", [
    (TorchMomentum, "momentum", 3),        # LR_STEPS changes the lr before step 3
    (FrozenLRMomentum, "momentum", 3),
    (AdaGradNoSqrt, "adagrad", 1),
    (AdamNoBiasCorrection, "adam", 1),
])
def test_wrong_answers_name_first_step(candidate, reference, step):
    message = verdict(ex.verify_optimizer(candidate, reference), False,
                      "optimizers.check.mismatch", step=step)
    assert re.fullmatch(r"(W1|b1|W2|b2)\[[0-9, ]+\]", message.values["where"])
    assert message.values["want"] != message.values["got"]


def test_a_stub_is_told_nothing_moved_without_the_expected_numbers():
    """The stored output of an unsolved exercise must not give the answer away."""
    message = verdict(ex.verify_optimizer(Stub, "momentum"), False,
                      "optimizers.check.nothing_moved", step=1)
    assert set(message.values) == {"step"}


def test_changed_gradients_are_reported():
    verdict(ex.verify_optimizer(AdaGradMutatesGrads, "adagrad"), False,
            "optimizers.check.grads_changed", step=1, param="W1")


def test_errors_become_verdicts_not_exceptions():
    message = verdict(ex.verify_optimizer(Crashes, "momentum"), False, "verdict.raised",
                      kind="KeyError")
    assert message.values["call"].key == "optimizers.check.update_call"
    assert message.values["call"].values == {"step": 1}
    message = verdict(ex.verify_optimizer(dl.SGD, "momentum"), False,  # takes no `momentum`
                      "verdict.raised", kind="TypeError")
    assert message.values["call"].key == "optimizers.check.build_call"
    assert message.values["call"].values["name"] == "SGD"

    class NoLR:
        __slots__ = ()                      # `opt.lr = ...` fails: no instance dict

        def __init__(self, lr=0.01, momentum=0.9):
            pass

        def update(self, params, grads):
            pass

    verdict(ex.verify_optimizer(NoLR, "momentum"), False, "verdict.raised",
            call="NoLR", kind="AttributeError")


def test_a_wrong_reference_is_the_callers_error():
    with pytest.raises(KeyError):
        ex.verify_optimizer(Momentum, "momentun")


def test_nan_is_a_mismatch():
    class Nan(Stub):
        def update(self, params, grads):
            for k in params:
                params[k] *= np.nan
    message = verdict(ex.verify_optimizer(Nan, "momentum"), False, "optimizers.check.mismatch")
    assert math.isnan(message.values["got"])


def test_check_functions_return_verdicts_and_print_nothing(capsys):
    verdict(ex.check_momentum(Stub), False, "optimizers.check.nothing_moved")
    verdict(ex.check_momentum(Momentum), True, "optimizers.check.right", reference="Momentum")
    verdict(ex.check_adagrad(AdaGrad), True, "optimizers.check.right", reference="AdaGrad")
    verdict(ex.check_adam(AdamFormula), True, "optimizers.check.right", reference="Adam")
    verdict(ex.check_rmsprop(dl.RMSProp), True, "optimizers.check.right", reference="RMSProp")
    verdict(ex.check_momentum(Crashes), False, "verdict.raised", kind="KeyError")
    assert capsys.readouterr().out == ""


# --- the course text's RMSProp -------------------------------------------------------------

def test_course_rmsprop_fails_at_class_definition():
    cls, err = ex.define_course_class(ex.COURSE_RMSPROP_CODE, "RMSProp")
    assert cls is None and isinstance(err, NameError) and "'params'" in str(err)
    cls, err = ex.define_course_class(ex.COURSE_RMSPROP_CODE, "RMSProp",
                                      {"params": {"W": np.zeros(2)}})
    assert cls is None and isinstance(err, NameError) and "'self'" in str(err)
    cls, err = ex.define_course_class(ex.COURSE_RMSPROP_CODE, "RMSProp", {"params": {}})
    assert err is None
    assert set(ex.which_params_move(cls(lr=0.1)).values()) == {0.0}
    verdict(ex.verify_optimizer(cls, "rmsprop"), False, "optimizers.check.nothing_moved")


def _course_blocks():
    """(class name, code) of each python block of the course text, list indent removed."""
    text = COURSE_TEXT.read_text(encoding="utf-8")
    for indent, body in re.findall(r"\n( *)```python\n(.*?)\n *```", text, re.S):
        lines = [line[len(indent):] if line.startswith(indent) else line
                 for line in body.split("\n")]
        code = "\n".join(lines) + "\n"
        yield re.search(r"^class (\w+)", code, re.M).group(1), code


@pytest.mark.skipif(not COURSE_TEXT.exists(), reason="the course text (shared/seed) is not "
                    "next to this checkout")
def test_course_code_is_quoted_exactly():
    blocks = dict(_course_blocks())
    assert blocks["Momentum"] == ex.COURSE_MOMENTUM_CODE
    assert blocks["RMSProp"] == ex.COURSE_RMSPROP_CODE
