"""Chapter 2 exercises: implement Momentum, AdaGrad and Adam in the course text's
``update(params, grads)`` form; the checkers compare a learner's class with the
package's reference on random problems and name the first mismatch.

    check_momentum(MyMomentum)     # ✓ 正确: ... or ✗ 还不对: ... (a Verdict; never raises)
    verify_optimizer(MyMomentum, "momentum")   # the same, for any reference's name

Each check builds four parameters (``W1``, ``b1``, ``W2``, ``b2``) and feeds the
learner's optimizer and the reference the same random gradients for several steps,
changing ``opt.lr`` between steps (as a learning-rate schedule would). It reports the
first step, key and element where the two differ, with the expected and the actual
value, and a hint when the pattern of the mismatch says what went wrong (a parameter
that never moved, only the last key moving, gradients changed in place).

Also here: the course text's own Momentum and RMSProp code exactly as printed
(``COURSE_MOMENTUM_CODE``, ``COURSE_RMSPROP_CODE``), to run in the "find the bug"
section, and helpers to run it safely (``define_course_class``) and to see which
parameters an optimizer actually moves (``which_params_move``).
"""

import numpy as np

from ..messages import say
from ..optimizers import OPTIMIZERS, make_optimizer
from . import Verdict, Wrong, attempt, checker

# The course text's code, character for character (only the markdown list's indentation
# is removed). Momentum: `params[key] += self.v[key]` sits after the loop. RMSProp: the
# update loop sits at class level, outside `update`.
COURSE_MOMENTUM_CODE = '''\
# 动量法
class Momentum:
    # 初始化
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None   # 历史负梯度的加权和
    # 更新方法
    def update(self, params, grads):
        # 对v进行初始化
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        # 按照公式进行参数更新
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
        params[key] += self.v[key]
'''

COURSE_RMSPROP_CODE = '''\
# RMSProp
class RMSProp:
    # 初始化
    def __init__(self, lr=0.01, decay=0.99):
        self.lr = lr
        self.decay = decay
        self.h = None
    # 更新方法
    def update(self, params, grads):
    # 对h进行初始化
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
    # 按照公式进行参数更新
    for key in params.keys():
        self.h[key] *= self.decay
        self.h[key] += (1 - self.decay) * grads[key] * grads[key]
        params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-8)
'''

#: Settings each exercise's class is built with (the course text's argument names).
SETTINGS = {
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "adagrad": {"lr": 0.1},
    "rmsprop": {"lr": 0.1, "decay": 0.9},
    "adam": {"lr": 0.1, "alpha1": 0.9, "alpha2": 0.999},
}

#: Learning rate of each step of a check: it changes, as under a schedule.
LR_STEPS = (1.0, 1.0, 0.5, 0.5, 2.0, 0.25, 1.0)

SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}

#: An update counts as right when it agrees with the reference's update to this relative
#: precision (per element). Loose enough for Adam with eps on sqrt(h_hat) instead of
#: sqrt(h) (a relative difference below 1e-5 on these gradients), far too tight for any
#: real mistake.
UPDATE_RTOL = 1e-4


def define_course_class(code, name, namespace=None):
    """Run ``code`` (a class definition) the way a notebook cell would, with ``np``
    available and the names in ``namespace`` as the cell's globals.

    Returns ``(cls, None)`` if the class could be defined, else ``(None, error)`` with
    the exception that running the code raised: nothing is raised here.
    """
    scope = {"np": np, **(namespace or {})}
    try:
        exec(compile(code, f"<course text: {name}>", "exec"), scope)
    except Exception as err:  # the point is to show this error, not to stop
        return None, err
    return scope.get(name), None


def random_problem(seed=0, dtype=np.float64):
    """Parameters (dict of arrays) and one list of gradient dicts per step in LR_STEPS."""
    rng = np.random.default_rng(seed)
    params = {key: rng.normal(size=shape).astype(dtype) for key, shape in SHAPES.items()}

    def gradient(shape):
        # sizes 0.05 .. 4.5, either sign: no element so close to 0 that eps matters
        size = rng.uniform(0.5, 1.5, size=shape) * rng.choice([0.1, 1.0, 3.0])
        return (size * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)

    grads = [{key: gradient(shape) for key, shape in SHAPES.items()} for _ in LR_STEPS]
    return params, grads


def which_params_move(optimizer, steps=3, seed=0):
    """Run ``optimizer.update`` ``steps`` times on a random problem; return
    key -> how far that parameter moved (0.0: it never changed). Errors raised by
    ``update`` are returned as the value for the key ``"error"``."""
    params, grads = random_problem(seed)
    start = {key: value.copy() for key, value in params.items()}
    try:
        for g in grads[:steps]:
            optimizer.update(params, {k: v.copy() for k, v in g.items()})
    except Exception as err:
        return {"error": err}
    return {key: float(np.linalg.norm(params[key] - start[key])) for key in start}


def verify_optimizer(candidate, reference, settings=None, seed=0):
    """Compare optimizer class ``candidate`` with the package's ``reference`` (a name:
    "momentum", "adagrad", "rmsprop", "adam") on a random problem; return a
    :class:`~dlskills.exercises.Verdict`.

    Both are built with ``settings`` (default ``SETTINGS[reference]``); before step s
    both get ``opt.lr = base lr * LR_STEPS[s]``. An unknown ``reference`` or bad
    ``settings`` raise (the caller's mistake); whatever ``candidate`` does is a verdict.
    """
    settings = dict(SETTINGS[reference] if settings is None else settings)
    return _compare(candidate, make_optimizer(reference, **settings), settings, seed)


@checker
def _compare(candidate, ref, settings, seed):
    """The verdict of :func:`verify_optimizer`, against the built reference ``ref``."""
    args = ", ".join(f"{k}={v}" for k, v in settings.items())
    mine = attempt(say("optimizers.check.build_call", args=args,
                       name=getattr(candidate, "__name__", str(candidate))),
                   candidate, **settings)
    params, grads = random_problem(seed)
    expected = {key: value.copy() for key, value in params.items()}
    base_lr = settings["lr"]
    for step, (factor, g) in enumerate(zip(LR_STEPS, grads), start=1):
        before = {key: np.array(value, copy=True) for key, value in params.items()}
        given = {key: value.copy() for key, value in g.items()}
        mine.lr = ref.lr = base_lr * factor
        attempt(say("optimizers.check.update_call", step=step), mine.update, params, given)
        ref.update(expected, g)
        changed = [key for key in g if not np.array_equal(given[key], g[key])]
        if changed:
            return Verdict(False, say("optimizers.check.grads_changed", step=step,
                                      param=changed[0]))
        _check_step(params, expected, before, step)
        for key, value in expected.items():   # next step starts from the same point
            params[key][...] = value
    return Verdict(True, say("optimizers.check.right", reference=type(ref).__name__,
                             n_params=len(SHAPES), n_steps=len(LR_STEPS)))


def _check_step(params, expected, before, step):
    """End the check (raise :class:`Wrong`) at the first parameter that differs from the
    reference. A step that moved no parameter at all is said as such (no expected
    numbers: a stub learns nothing from them)."""
    for key in expected:
        if key not in params:
            raise Wrong(say("optimizers.check.missing_key", step=step, param=key))
    unchanged = [key for key in expected if np.array_equal(np.asarray(params[key]), before[key])]
    if len(unchanged) == len(expected) and any(
            not np.array_equal(want, before[key]) for key, want in expected.items()):
        raise Wrong(say("optimizers.check.nothing_moved", step=step))
    for key, want in expected.items():
        got = np.asarray(params[key])
        if got.shape != want.shape:
            raise Wrong(say("optimizers.check.shape", step=step, param=key, got=got.shape,
                            want=want.shape))
        tolerance = UPDATE_RTOL * np.abs(want - before[key]) + 1e-12
        wrong = ~(np.abs(got - want) <= tolerance)      # NaN counts as wrong
        if not wrong.any():
            continue
        index = np.unravel_index(np.argmax(np.where(wrong, np.abs(got - want), -1.0)),
                                 want.shape)
        mismatch = say("optimizers.check.mismatch", step=step,
                       where=f"{key}[{', '.join(map(str, index))}]",
                       want=float(want[index]), got=float(got[index]))
        if key not in unchanged:
            raise Wrong(mismatch)
        moved = [k for k in params if k not in unchanged]
        hint = say("optimizers.check.only_last", last=moved[0]) \
            if moved == [list(params)[-1]] else ""
        raise Wrong(say("optimizers.check.not_updated", mismatch=mismatch, hint=hint))


def _check_of(name):
    """The exercise's check for a learner's class of optimizer ``name``:
    :func:`verify_optimizer` against the package's class, built with ``SETTINGS[name]``."""
    def check(candidate):
        return verify_optimizer(candidate, name)
    check.__name__ = check.__qualname__ = f"check_{name}"
    check.__doc__ = (f"The verdict for a learner's {OPTIMIZERS.get(name).__name__} class "
                     f"({', '.join(SETTINGS[name])}).")
    return check


check_momentum, check_adagrad, check_rmsprop, check_adam = map(_check_of, SETTINGS)
