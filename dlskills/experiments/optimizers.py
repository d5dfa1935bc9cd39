"""Chapter 2: optimizer paths on 2-D surfaces, and optimizers training MNIST.

``run_on_surface`` steps an optimizer (optionally under one of the course text's
learning-rate schedules, stepped once per step here) and reports where it went and
whether it diverged::

    from dlskills.experiments.optimizers import TUNED_LR, run_on_surface
    run = run_on_surface(dl.SGD(lr=TUNED_LR["ill_conditioned"]["sgd"]), "ill_conditioned")
    run.points[-1], run.diverged_at, run.outcome()

``compare_optimizers`` trains the classic MNIST network once per optimizer from the same
start and batches; ``compare_over_seeds`` repeats that for several seeds and says which
ordering held in every one (a ranking from one seed is one run, not a rule)::

    spread = compare_over_seeds(seeds=(0, 1, 2), iterations=200)
    spread.final("loss")["sgd"], spread.runs[1]["sgd"].loss, spread.finding

The explorers (:mod:`dlskills.explorers.optimizers`) draw these results.
"""

import inspect
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_number
from ..messages import say, say_list
from ..model import MLP
from ..optimizers import OPTIMIZERS, make_optimizer
from ..schedules import make_schedule
from ..surfaces import SurfacePath, get_surface, optimizer_path
from ..training import History, compare
from . import SeedSpread, mnist

OPTIMIZER_NAMES = tuple(OPTIMIZERS.names())          # sgd, momentum, adagrad, rmsprop, adam

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

#: f - f_min below this is reported (and drawn) as "< FLOOR": float64 rounding leaves
#: values like 2e-16 that say nothing about how close a path really is.
FLOOR = 1e-12


@dataclass
class PathRun(SurfacePath):
    """One optimizer's walk on a surface (:class:`~dlskills.surfaces.SurfacePath`: points,
    values, lrs, diverged_at), named for the figures."""
    name: str = ""
    label: str = ""
    color: str = None

    def distance_to(self, point):
        """Distance of the last point from ``point``."""
        return float(np.hypot(*(self.points[-1] - np.asarray(point, dtype=float))))

    def gaps(self, f_min):
        """f - f_min at each point, floored at :data:`FLOOR` (what the figures draw)."""
        return np.maximum(np.asarray(self.values, dtype=float) - f_min, FLOOR)

    def outcome(self, f_min):
        """One catalogue sentence: where the run ended (f - f_min, "< 1e-12" when under
        :data:`FLOOR`), or the step at which it diverged."""
        if self.diverged_at is not None:
            return say("optimizers.outcome.diverged", name=self.label, step=self.diverged_at)
        gap = float(self.values[-1]) - f_min
        if gap < FLOOR:
            return say("optimizers.outcome.below_floor", name=self.label, floor=FLOOR)
        return say("optimizers.outcome.gap", name=self.label, gap=gap)


@dataclass
class PathComparison:
    """Several :class:`PathRun` on one surface; ``f_min`` is f at its minimum (or the
    lowest value reached when it has none); ``finding`` says how each run ended."""
    surface: object
    runs: list
    f_min: float

    @property
    def finding(self):
        if not self.runs:
            return say("optimizers.outcome.none")
        return say("optimizers.outcomes", outcomes=say("optimizers.sep").join(
            run.outcome(self.f_min) for run in self.runs))

    @property
    def headline(self):
        """The comparison in one line (the figure's title): which run ends lowest after
        how many steps ("< 1e-12" under :data:`FLOOR`), and which diverged."""
        if not self.runs:
            return say("optimizers.outcome.none")
        parts = []
        finished = [r for r in self.runs if r.diverged_at is None]
        if finished:
            best = min(finished, key=lambda r: r.values[-1])
            gap, steps = float(best.values[-1]) - self.f_min, len(best.values) - 1
            parts.append(say("optimizers.fig.lowest_floor", steps=steps, label=best.label,
                             floor=FLOOR) if gap < FLOOR else
                         say("optimizers.fig.lowest", steps=steps, label=best.label, gap=gap))
        diverged = [say("optimizers.fig.diverged_run", label=r.label, step=r.diverged_at)
                    for r in self.runs if r.diverged_at is not None]
        if diverged:
            parts.append(say("optimizers.fig.diverged", runs=say_list(diverged)))
        return say("optimizers.sep").join(parts)


def surface_min_value(surface, runs=()):
    """f at the surface's (global) minimum; without a known minimum, the lowest value any
    of ``runs`` reached (0.0 if none)."""
    if surface.minimum is not None:
        return float(surface.value(*surface.minimum))
    return min((float(np.min(r.values)) for r in runs), default=0.0)


def optimizer_settings(name):
    """The settings the class of optimizer ``name`` takes: its signature's parameters
    ("lr", "momentum", ...)."""
    return tuple(inspect.signature(OPTIMIZERS.get(name)).parameters)


def compare_paths(surface, names=OPTIMIZER_NAMES, lrs=None, lr=0.1, momentum=0.9,
                  decay=0.99, alpha1=0.9, alpha2=0.999, schedule=None, steps=30,
                  noise=0.0, start=None, seed=0):
    """One :class:`PathRun` per optimizer in ``names`` (always in course order) on
    ``surface``. ``lrs``: name -> learning rate (e.g. ``TUNED_LR[surface]``; a name missing
    from it uses ``lr``); each optimizer takes those of ``momentum`` (Momentum), ``decay``
    (RMSProp), ``alpha1``/``alpha2`` (Adam) its class has; the other settings as in
    :func:`run_on_surface`. Labels name the learning rate when ``lrs`` is given."""
    surf = get_surface(surface) if isinstance(surface, str) else surface
    extra = dict(momentum=momentum, decay=decay, alpha1=alpha1, alpha2=alpha2)
    runs = []
    for name in [n for n in OPTIMIZER_NAMES if n in names]:
        rate = (lrs or {}).get(name, lr)
        takes = optimizer_settings(name)
        opt = make_optimizer(name, lr=rate, **{k: v for k, v in extra.items() if k in takes})
        label = f"{name} lr={rate:.3g}" if lrs is not None else name
        runs.append(run_on_surface(opt, surf, start, steps, schedule, noise, seed=seed,
                                   name=name, label=label))
    return PathComparison(surf, runs, surface_min_value(surf, runs))


def run_on_surface(optimizer, surface, start=None, steps=30, schedule=None, noise=0.0,
                   seed=0, name=None, label=None, color=None):
    """:func:`dlskills.optimizer_path` as a :class:`PathRun`: ``schedule`` is None/"none"
    or a schedule name ("step", "multistep", "exponential": the course text's examples),
    stepped after every step; ``name``/``label``/``color`` name the run in figures."""
    name = name or type(optimizer).__name__.lower()
    sched = None if schedule in (None, "none") else make_schedule(schedule, optimizer)
    path = optimizer_path(optimizer, surface, start, steps, sched, noise, seed)
    return PathRun(**vars(path), name=name, label=label or name, color=color)


# --- MNIST ---------------------------------------------------------------------------

#: The classic network of "Deep Learning from Scratch" (ch. 6): 784-100-100-100-100-10.
HIDDEN = (100, 100, 100, 100)


@dataclass
class OptimizerComparison:
    """MNIST training curves of several optimizers from the same start.

    histories: name -> :class:`~dlskills.History` (growing while one is "running"), each
    with ``settings`` {"label": "sgd lr=0.01", "epochs"}."""
    histories: dict = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self):     # runs a stop left unstarted are not part of the result
        self.histories = {name: h for name, h in self.histories.items()
                          if h.status != "not started"}

    @property
    def labels(self):
        return {name: h.settings["label"] for name, h in self.histories.items()}

    @property
    def iterations(self):
        """Iterations per optimizer."""
        return max((h.planned for h in self.histories.values()), default=0)

    @property
    def epochs(self):
        """How many epochs the iterations make."""
        return max((h.settings["epochs"] for h in self.histories.values()), default=0.0)

    def test_accuracy(self, name):
        history = self.histories[name]
        return float(history.test_acc[-1]) if history.test_acc else float("nan")

    def outcome(self, name):
        """One catalogue sentence on how optimizer ``name`` ended."""
        history = self.histories[name]
        if history.status != "completed":
            return say("training.run", label=name, status=history.message)
        return say("optimizers.train.completed", name=name, loss=history.final_loss(),
                   accuracy=self.test_accuracy(name))

    @property
    def finding(self):
        return say("optimizers.outcomes", outcomes=say("optimizers.sep").join(
            self.outcome(name) for name in self.histories))

    @property
    def headline(self):
        """The comparison in one line (the loss panel's title): the lowest final
        (averaged) loss and how many times higher the highest one is; diverged runs named.
        Empty when no run has a loss yet (what to do then is the explorer's to say)."""
        sep, labels = say("optimizers.sep"), self.labels
        finals = {name: h.final_loss() for name, h in self.histories.items()
                  if not h.diverged and h.loss}
        notes = [say("optimizers.fig.run_diverged", label=labels[name])
                 for name, h in self.histories.items() if h.diverged]
        if not finals:
            return sep.join(notes)
        best, worst = min(finals, key=finals.get), max(finals, key=finals.get)
        parts = [say("optimizers.fig.lowest_loss", label=labels[best], loss=finals[best])]
        if worst != best:
            parts.append(say("optimizers.fig.times_higher", label=labels[worst],
                             ratio=finals[worst] / finals[best]))
        return sep.join(parts) + ("\n" + sep.join(notes) if notes else "")


def compare_optimizers(names=OPTIMIZER_NAMES, lr="default", schedule="none",
                       iterations=300, batch_size=128, hidden=HIDDEN, seed=0,
                       source="subset", dtype=np.float32, eval_samples=1000, progress=None):
    """Train the classic network once per optimizer in ``names`` (course order), each from
    the same initial weights (``seed``) on the same mini-batches; return an
    :class:`OptimizerComparison`.

    ``lr``: "default" (each optimizer class's own default lr) or one value for
    all; ``schedule``: "none" or one of the course text's examples, stepped after every
    iteration. ``progress(comparison, fraction)`` is called every 10 iterations with the
    growing :class:`OptimizerComparison` (see :func:`dlskills.compare`; True stops).
    """
    iterations = check_number("iterations", iterations, 1, integer=True)
    names = [n for n in OPTIMIZER_NAMES if n in names]
    (x_train, t_train), test = mnist(source=source, dtype=dtype)
    rates = {name: make_optimizer(name).lr if lr == "default" else lr for name in names}
    epochs = iterations * batch_size / len(x_train)
    histories = {name: History(settings={"label": f"{name} lr={rates[name]:.3g}",
                                         "epochs": epochs})
                 for name in names}

    def variant(name):
        opt = make_optimizer(name, lr=rates[name])
        return dict(net=MLP(x_train.shape[1], list(hidden), 10, activation="relu",
                            init="he", seed=seed, dtype=dtype), optimizer=opt,
                    schedule=None if schedule in (None, "none")
                    else make_schedule(schedule, opt))

    report = None if progress is None else (lambda _, done: progress(
        OptimizerComparison(histories, seed=seed), done))
    compare({name: lambda name=name: variant(name) for name in names},
            (x_train, t_train), test, progress=report, histories=histories,
            iterations=iterations, batch_size=batch_size,
            seed=seed, eval_samples=eval_samples, every="iteration")   # one BLAS thread: train's
    return OptimizerComparison(histories, seed=seed)


def compare_over_seeds(names=OPTIMIZER_NAMES, seeds=(0, 1, 2), done=(), **settings):
    """:func:`compare_optimizers` once per seed (other settings as given); returns a
    :class:`~dlskills.experiments.SeedSpread` (its ``finding``: which ordering of the
    final losses held in every seed). ``done``: comparisons already run with the same
    settings (e.g. an explorer's result); the seeds they cover are not trained again."""
    known = {run.seed: run for run in done}
    seeds = tuple(seeds)
    return SeedSpread(seeds, [(known[seed] if seed in known else
                               compare_optimizers(names, seed=seed, **settings)).histories
                              for seed in seeds])
