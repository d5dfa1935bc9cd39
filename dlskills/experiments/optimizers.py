"""Chapter 2: optimizer paths on 2-D surfaces.

``run_on_surface`` steps an optimizer (optionally under one of the course text's
learning-rate schedules, stepped once per step here) and reports where it went and
whether it diverged::

    from dlskills.experiments.optimizers import TUNED_LR, run_on_surface
    run = run_on_surface(dl.SGD(lr=TUNED_LR["ill_conditioned"]["sgd"]), "ill_conditioned")
    run.points[-1], run.diverged_at

The optimizer playground (:class:`dlskills.explorers.optimizers.OptimizerPlayground`)
draws these runs.
"""

from dataclasses import dataclass

import numpy as np

from ..optimizers import OPTIMIZERS
from ..schedules import COURSE_SCHEDULES, course_schedule
from ..surfaces import get_surface, start_point

OPTIMIZER_NAMES = tuple(OPTIMIZERS.names())          # sgd, momentum, adagrad, rmsprop, adam
SCHEDULE_NAMES = ("none",) + tuple(COURSE_SCHEDULES)  # none, step, multistep, exponential

#: A learning rate per optimizer that gives a readable path on each surface in a few
#: dozen steps (on x^2/20 + y^2, SGD, Momentum, AdaGrad and Adam take the values of
#: "Deep Learning from Scratch", ch. 6; RMSProp's 0.2 is ours).
TUNED_LR = {
    "ill_conditioned": {"sgd": 0.95, "momentum": 0.1, "adagrad": 1.5, "rmsprop": 0.2,
                        "adam": 0.3},
    "saddle": {"sgd": 0.1, "momentum": 0.1, "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.1},
    "local_minimum": {"sgd": 0.05, "momentum": 0.05, "adagrad": 0.5, "rmsprop": 0.05,
                      "adam": 0.3},
    "rosenbrock": {"sgd": 0.001, "momentum": 0.002, "adagrad": 1.0, "rmsprop": 0.03,
                   "adam": 0.3},
}

#: The learning rates the MNIST comparison uses by default (each optimizer's usual one).
DEFAULT_LR = {"sgd": 0.01, "momentum": 0.01, "adagrad": 0.01, "rmsprop": 0.01, "adam": 0.001}

#: f growing by this factor over its start value counts as divergence.
BLOWUP = 1e6


def optimizer_settings(name, lr, momentum=0.9, decay=0.99, alpha1=0.9, alpha2=0.999):
    """The keyword settings optimizer ``name`` takes, picked from the playground's."""
    extra = {"momentum": {"momentum": momentum}, "rmsprop": {"decay": decay},
             "adam": {"alpha1": alpha1, "alpha2": alpha2}}.get(name, {})
    return {"lr": lr, **extra}


@dataclass
class PathRun:
    """One optimizer's walk on a surface.

    points: (n+1, 2) positions, start first; values: f at each point; lrs: learning rate
    used at each of the n steps; diverged_at: the step at which f ran away (then the
    path stops there) or None.
    """
    name: str
    label: str
    points: np.ndarray
    values: np.ndarray
    lrs: np.ndarray
    diverged_at: int = None
    color: str = None

    def distance_to(self, point):
        """Distance of the last point from ``point``."""
        return float(np.hypot(*(self.points[-1] - np.asarray(point, dtype=float))))


def run_on_surface(optimizer, surface, start=None, steps=30, schedule=None, noise=0.0,
                   seed=0, name=None, label=None, color=None):
    """Step ``optimizer`` ``steps`` times on ``surface`` (object or name) from ``start``
    (default: the surface's own). ``schedule``: None/"none" or one of the course text's
    examples ("step", "multistep", "exponential"), stepped after every step. ``noise``:
    standard deviation of normal noise added to each gradient component (``seed``
    fixes it), as a stand-in for the noise of mini-batch gradients.

    Divergence (a non-finite point, or f more than 1e6 times its start value) ends the
    path at the last finite point and sets ``diverged_at``; no warnings are printed.
    """
    surface = get_surface(surface) if isinstance(surface, str) else surface
    name = name or type(optimizer).__name__.lower()
    sched = None if schedule in (None, "none") else course_schedule(schedule, optimizer)
    x0, y0 = start_point(surface, start)  # two finite numbers, or ValueError
    params = {"x": np.array([x0]), "y": np.array([y0])}
    points, values, lrs = [(float(x0), float(y0))], [float(surface.value(x0, y0))], []
    limit = BLOWUP * (abs(values[0]) + 1.0)
    diverged_at = None
    kicks = np.random.default_rng(seed).normal(0.0, noise, size=(steps, 2)) if noise \
        else np.zeros((steps, 2))
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            gx, gy = surface.grad(params["x"], params["y"]) + kicks[step - 1, :, None]
            lrs.append(optimizer.lr)
            optimizer.update(params, {"x": gx, "y": gy})
            if sched is not None:
                sched.step()
            point = (float(params["x"][0]), float(params["y"][0]))
            value = float(surface.value(*point))
            if not (np.isfinite(point).all() and np.isfinite(value)):
                diverged_at = step
                break
            points.append(point)
            values.append(value)
            if abs(value) > limit:
                diverged_at = step
                break
    return PathRun(name=name, label=label or name, points=np.array(points),
                   values=np.array(values), lrs=np.array(lrs), diverged_at=diverged_at,
                   color=color)
