"""Instant checks for chapter 1 (depth, vanishing and exploding gradients).

Each ``check_*`` takes the learner's answer (a value or a function), never raises, and
returns a :class:`~dlskills.exercises.Verdict` whose message is a catalogue sentence
(``gradients.ex.*``), shown as one line, "✓ 正确：..." or "✗ 还不对：<the first
mismatch>"; it is truthy when the answer is right.
"""

import math

import numpy as np

from ..experiments.gradients import chain_param_count, gradient_profile
from ..messages import say
from . import Verdict, Wrong, as_number, attempt, checker


def _number(call, fn, *args):
    """The learner's ``fn(*args)``, a number (as returned); anything else ends the check."""
    value = attempt(call, fn, *args)
    if as_number(value) is None:
        raise Wrong(say("gradients.ex.not_a_number", call=call, value=value))
    return value


# --- exercise 1: what really makes sigmoid networks vanish --------------------------

CHOICES = "ABCD"


def reasons():
    """The options of exercise 1, {letter: statement} (statements from the catalogue)."""
    return {letter: say(f"gradients.reason.{letter}") for letter in CHOICES}


@checker
def check_reason(answer):
    """Which statement explains why gradients vanish in a deep sigmoid network? ("B")."""
    choice = str(answer).strip().upper() if answer is not None else ""
    if len(choice) != 1 or choice not in CHOICES:
        return Verdict(False, say("gradients.ex.reason_invalid", answer=answer))
    if choice == "B":
        return Verdict(True, say("gradients.ex.reason_right"))
    return Verdict(False, say(f"gradients.ex.reason_wrong_{choice}"))


# --- exercise 2: the bound of a product of sigmoid derivatives ----------------------

@checker
def check_product_bound(product_bound):
    """``product_bound(n)`` must return the largest possible product of n sigmoid
    derivatives, 0.25 ** n (a bound on the derivatives' part of the gradient only)."""
    for n in (1, 2, 3, 5, 10, 20):
        call = f"product_bound({n})"
        number = as_number(_number(call, product_bound, n))
        want = 0.25 ** n
        if not math.isclose(number, want, rel_tol=1e-9):
            return Verdict(False, say("gradients.ex.bound_wrong", call=call, got=number,
                                      want=want))
    return Verdict(True, say("gradients.ex.bound_right", ten=0.25 ** 10, twenty=0.25 ** 20))


# --- exercise 3: predict, then check, which layer gets the smallest gradient --------

#: the two networks of the exercise (8 hidden layers, so weight layers 1..9)
SMALL_SIGMOID = {"depth": 8, "activation": "sigmoid", "init": "normal", "scale": 0.05, "seed": 0}
LARGE_TANH = {"depth": 8, "activation": "tanh", "init": "normal", "scale": 1.0, "seed": 0}


def _layer_number(value, top):
    """``value`` as a layer number 1..top, or None."""
    number = as_number(value)
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
            return Verdict(False, say("gradients.ex.layer_invalid", name=name, top=top,
                                      answer=answer))
        profile = gradient_profile(**config)
        if layer != profile.smallest_layer:
            settings = ", ".join(f"{key}={value!r}" for key, value in config.items())
            return Verdict(False, say("gradients.ex.layer_wrong", name=name, layer=layer,
                                      norm=profile.grad_norms[layer - 1], settings=settings))
    return Verdict(True, say("gradients.ex.layer_right"))


# --- exercise 4: count parameters ---------------------------------------------------

PARAM_CASES = [([784, 5, 5], False), ([784, 5, 5, 5], False), ([784, 10], False),
               ([784, 15], False), ([2, 3], True), ([784, 100, 100, 10], True),
               ([10, 20, 30, 40], False), ([10, 20, 30, 40], True)]


@checker
def check_param_count(count_params):
    """``count_params(sizes, biases)`` must count the weights (and, when ``biases`` is
    True, the biases) of the chain sizes[0] -> sizes[1] -> ..."""
    for sizes, biases in PARAM_CASES:
        call = f"count_params({sizes!r}, {biases!r})"
        value = _number(call, count_params, list(sizes), biases)
        want = chain_param_count(sizes, biases)
        if as_number(value) != want:
            return Verdict(False, say("gradients.ex.count_wrong", call=call, got=value,
                                      want=want))
    deeper = chain_param_count([784, 5, 5, 5], False) - chain_param_count([784, 5, 5], False)
    wider = chain_param_count([784, 15], False) - chain_param_count([784, 10], False)
    return Verdict(True, say("gradients.ex.count_right", deeper=deeper, wider=wider))


# --- exercise 5: the weight scale that keeps a ReLU layer's factor at 1 -------------

@checker
def check_relu_std(std, width=100):
    """The standard deviation that makes a ReLU layer of ``width`` inputs multiply the
    gradient's size by 1 on average: sigma * sqrt(width / 2) = 1 (He initialization)."""
    number = as_number(std)
    if number is None or number <= 0:
        return Verdict(False, say("gradients.ex.std_invalid", std=std))
    want = float(np.sqrt(2.0 / width))
    factor = float(number * np.sqrt(width / 2.0))
    if abs(factor - 1.0) > 0.02:
        key = "gradients.ex.std_explodes" if factor > 1 else "gradients.ex.std_vanishes"
        return Verdict(False, say(key, std=number, factor=factor, total=factor ** 50))
    return Verdict(True, say("gradients.ex.std_right", width=width, want=want))
