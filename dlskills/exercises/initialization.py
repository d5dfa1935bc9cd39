"""Exercises of chapter 3 (parameter initialization), with instant checks.

Each ``check_*`` returns a :class:`~dlskills.exercises.Verdict` shown as one line,
"✓ 正确：..." or "✗ 还不对：<the first mismatch>", and never raises, whatever the
learner's code does. A wrong answer's message says what is off without naming the right
answer, so the stored output of an unsolved exercise gives nothing away.
"""

import numpy as np

from ..experiments.initialization import layer_statistics, nonzero_gradients
from ..initializers import he_std, xavier_bound
from ..messages import say, say_list
from ..model import MLP
from . import Verdict, checker


def _sample(fn, shape, seed=0):
    """Call the learner's initializer; return a float array of ``shape`` or a Verdict."""
    out = fn(shape, np.random.default_rng(seed))
    if not isinstance(out, np.ndarray):
        return Verdict(False, say("init.ex.not_array", kind=type(out).__name__))
    if out.shape != tuple(shape):
        return Verdict(False, say("exercise.shape", want=tuple(shape), got=out.shape))
    if not np.all(np.isfinite(out)):
        return Verdict(False, say("init.ex.not_finite"))
    return out.astype(np.float64)


def _same_rng_same_numbers(fn, shape):
    a = fn(shape, np.random.default_rng(1))
    b = fn(shape, np.random.default_rng(1))
    c = fn(shape, np.random.default_rng(2))
    if not np.array_equal(a, b):
        return Verdict(False, say("init.ex.global_rng"))
    if np.array_equal(a, c):
        return Verdict(False, say("init.ex.not_random"))
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
            return Verdict(False, say("init.ex.mean", shape=shape, mean=float(np.mean(w))))
        if abs(got / want - 1) > 0.05:
            guess = _guess(got, {"n_out": np.sqrt(2 / n_out),
                                 "xavier_std": np.sqrt(2 / (n_in + n_out)),
                                 "lecun": np.sqrt(1 / n_in), "no_sqrt": 2 / n_in,
                                 "he_bound": np.sqrt(6 / n_in)}, tolerance=0.05)
            return Verdict(False, say("init.ex.he_std", shape=shape, want=want, got=got,
                                      guess=guess, hint=_hint(guess)))
        kurtosis = float(np.mean((w - w.mean()) ** 4) / np.var(w) ** 2)
        if abs(kurtosis - 3) > 0.5:
            return Verdict(False, say("init.ex.not_normal", shape=shape, kurtosis=kurtosis))
    problem = _same_rng_same_numbers(fn, CHECK_SHAPES[0])
    if problem is not None:
        return problem
    return Verdict(True, say("init.ex.he_right", n=len(CHECK_SHAPES)))


def _guess(got, candidates, tolerance):
    """The id of the formula (``candidates``: id -> value) the learner probably used
    instead, or None."""
    for name, value in candidates.items():
        if abs(got / value - 1) < tolerance:
            return name
    return None


def _hint(guess):
    return say("init.ex.hint", formula=say(f"init.ex.guess.{guess}")) if guess else ""


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
        for key, wrong in (("init.ex.xavier_outside",
                            low < -bound * (1 + 1e-9) or high > bound * (1 + 1e-9)),
                           ("init.ex.xavier_reach", min(-low, high) < 0.95 * bound)):
            if wrong:
                guess = _guess(max(-low, high),
                               {"he_bound_for_xavier": np.sqrt(6 / n_in),
                                "xavier_std_for_bound": np.sqrt(2 / (n_in + n_out)),
                                "lecun_bound": np.sqrt(1 / n_in)}, tolerance=0.06)
                return Verdict(False, say(key, shape=shape, bound=bound, low=low, high=high,
                                          guess=guess, hint=_hint(guess)))
        want_std = bound / np.sqrt(3)
        if abs(float(np.std(w)) / want_std - 1) > 0.05:
            return Verdict(False, say("init.ex.xavier_std", shape=shape, want=want_std,
                                      got=float(np.std(w))))
    problem = _same_rng_same_numbers(fn, CHECK_SHAPES[0])
    if problem is not None:
        return problem
    return Verdict(True, say("init.ex.xavier_right"))


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
        return Verdict(False, say("init.ex.zero_unknown", unknown=", ".join(unknown),
                                  names=", ".join(names)))
    # counts, not names: the message of a wrong answer must not be the answer
    missing = sorted(truth - answer)
    extra = sorted(answer - truth)
    if missing:
        return Verdict(False, say("init.ex.zero_missing", n=len(missing)))
    if extra:
        return Verdict(False, say("init.ex.zero_extra", n=len(extra)))
    return Verdict(True, say("init.ex.zero_right", names=", ".join(sorted(truth))))


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
        return Verdict(False, say("init.ex.choose", choice=choice,
                                  choices=say_list(map(repr, PREDICTION_CHOICES))))
    ratios = relu_std_ratios()
    best = min(ratios, key=lambda c: abs(np.log(ratios[c])))
    if choice != best:       # only the chosen start's ratio: the others would tell
        return Verdict(False, say("init.ex.prediction_wrong", choice=choice,
                                  ratio=ratios[choice]))
    table = "，".join(f"{c}: {r:.2g}" for c, r in ratios.items())
    return Verdict(True, say("init.ex.prediction_right", table=table, choice=choice))
