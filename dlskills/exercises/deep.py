"""Checks for the exercises of chapter 5 (a deep network that learns).

Each ``check_*`` returns a :class:`~dlskills.exercises.Verdict` shown as one line
(sentences from the message catalogue, keys ``deep.ex.*``) and never raises.
"""

import numpy as np

from ..experiments.deep import CHANCE_LIMIT, REMEDIES, remedy_label, run_deep
from ..messages import say, say_list
from ..optimizers import clip_gradients
from . import Verdict, checker


def _clip_cases():
    rng = np.random.default_rng(5)
    big = {"W1": rng.normal(size=(4, 3)) * 3, "b1": rng.normal(size=3),
           "W2": rng.normal(size=(3, 2)) * 3}
    small = {key: g * 1e-3 for key, g in big.items()}
    return big, small


def _clip_hint(out, grads, limit):
    """The catalogue sentence naming the usual mistake behind a wrong clipped gradient."""
    for key in grads:     # each array scaled by its own norm instead of the global one
        own = np.linalg.norm(grads[key])
        if own > limit and np.allclose(out[key], grads[key] * limit / own):
            return say("deep.ex.clip.per_array")
    if all(np.allclose(out[key], np.clip(g, -limit, limit)) for key, g in grads.items()):
        return say("deep.ex.clip.by_value")
    return say("deep.ex.clip.other")


@checker
def check_clip_by_norm(fn, limit=1.0):
    """Exercise: ``fn(grads, max_norm)`` returns a new dict with every gradient multiplied
    by max_norm / total when the global norm ``total`` (over all arrays) exceeds max_norm,
    unchanged otherwise; ``grads`` itself is not changed."""
    big, small = _clip_cases()
    for grads in (big, small):
        before = {key: g.copy() for key, g in grads.items()}
        out = fn(grads, limit)
        if not isinstance(out, dict) or set(out) != set(grads):
            return Verdict(False, say("deep.ex.clip.not_dict", keys=sorted(grads)))
        if any(not np.array_equal(grads[key], before[key]) for key in grads):
            return Verdict(False, say("deep.ex.clip.in_place"))
        out = {key: np.asarray(value, dtype=np.float64) for key, value in out.items()}
        if any(out[key].shape != grads[key].shape for key in grads):
            return Verdict(False, say("deep.ex.clip.shape"))
        want, total, acted = clip_gradients(grads, limit)
        if all(np.allclose(out[key], want[key], rtol=1e-7, atol=1e-12) for key in grads):
            continue
        if not acted:
            return Verdict(False, say("deep.ex.clip.below", total=total, limit=limit))
        return Verdict(False, _clip_hint(out, grads, limit))
    total = clip_gradients(big, limit)[1]
    return Verdict(True, say("deep.ex.clip.right", total=total, limit=limit))


@checker
def check_few_remedies(answer, most=2, depth=30, epochs=10, seeds=(0, 1, 2)):
    """Exercise: at most ``most`` remedies (names of :data:`REMEDIES`) that make the deep
    sigmoid baseline learn. The check trains the set with ``seeds`` and says what it
    measured: right when every seed's final validation accuracy is above the chance
    limit."""
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple)) or not answer or len(answer) > most \
            or any(name not in REMEDIES for name in answer):
        return Verdict(False, say("deep.ex.few.form", most=most, answer=answer,
                                  names=say_list(REMEDIES)))
    val = [run_deep(answer, depth, epochs, seed=seed, curves=False,
                    record_layers=False).val_acc[-1] for seed in seeds]
    values = dict(remedies=remedy_label(answer), low=100 * min(val), high=100 * max(val),
                  seeds=len(seeds), depth=depth, limit=100 * CHANCE_LIMIT)
    if min(val) > CHANCE_LIMIT:
        return Verdict(True, say("deep.ex.few.right", **values))
    return Verdict(False, say("deep.ex.few.wrong", **values))
