"""Chapter 2 explorers: optimizer paths on 2-D surfaces, and optimizers training MNIST.

    ex = OptimizerPlayground()                      # all five on x^2/20 + y^2 from (-7, 2)
    ex.set(optimizers=("sgd", "momentum"), tuned_lr=False, lr=0.1)
    ex.set(surface="saddle")                        # the start moves to the saddle's own
    [(r.name, r.diverged_at) for r in ex.result.runs]

    tr = OptimizerTrainer()                         # 784-100-100-100-100-10 ReLU, He init
    tr.run(wait=True, iterations=300)               # the loss curves are drawn as it trains
    OptimizerTrainer(source="full").run(iterations=2000)   # the classic full-size run

The computations are :func:`dlskills.experiments.optimizers.compare_paths` and
:func:`~dlskills.experiments.optimizers.compare_optimizers`; the statuses are the base
class's (every setting by its catalogue label, then the result's finding).
"""

from ..experiments.optimizers import (OPTIMIZER_NAMES, TUNED_LR, OptimizerComparison,
                                      compare_optimizers, compare_paths, optimizer_settings)
from ..messages import say
from ..schedules import SCHEDULES
from ..surfaces import SURFACES, get_surface
from ..views.optimizers import PathsView, TrainingComparisonView
from . import controls
from .base import Explorer, TrainingExplorer

SCHEDULE_NAMES = ("none",) + tuple(SCHEDULES.names())  # none, step, multistep, exponential


#: the settings each optimizer class takes (read once from its signature)
TAKES = {name: optimizer_settings(name) for name in OPTIMIZER_NAMES}


class OptimizerPlayground(Explorer):
    """Several optimizers on one 2-D surface: paths over the contour, f against step.

    Controls: ``surface``, ``optimizers`` (several), ``tuned_lr`` (each optimizer its own
    learning rate for this surface, from ``TUNED_LR``; off: all use ``lr``), ``lr``,
    ``momentum`` (Momentum), ``decay`` (RMSProp), ``alpha1``/``alpha2`` (Adam),
    ``schedule`` (the course text's decay examples, stepped every step), ``steps``,
    ``noise`` (gradient noise, as mini-batches give; same seed every time),
    ``x0``/``y0`` (start; choosing a surface moves it to that surface's start).
    Everything is closed-form: each change redraws at once.
    """

    name = "optimizer_playground"
    figsize = (13, 5.2)
    experiment = staticmethod(compare_paths)
    view_class = PathsView

    #: the shared lr is in use when the optimizers do not each use their own; every other
    #: setting an optimizer class takes (its signature, as compare_paths passes them:
    #: momentum, decay, alpha1, alpha2) when a selected optimizer takes it
    used_when = {"lr": lambda s: not s["tuned_lr"],
                 **{key: (lambda s, key=key: any(key in TAKES.get(n, ()) for n in s["optimizers"]))
                    for key in dict.fromkeys(k for t in TAKES.values() for k in t)
                    if key != "lr"}}

    columns = (("optimizers", "tuned_lr"), ("surface", "lr", "steps", "schedule"),
               ("momentum", "decay", "alpha1", "alpha2"), ("x0", "y0", "noise"))

    def make_controls(self):
        surface = get_surface("ill_conditioned")
        wide = {"width": "340px", "label_width": "100px"}
        return {
            "surface": controls.choice(SURFACES.names(), "ill_conditioned", **wide),
            "optimizers": controls.choices(OPTIMIZER_NAMES),
            "tuned_lr": controls.toggle(True, width="230px"),
            "lr": controls.log_slider(0.1, -3, 1, 0.05, **wide),
            "momentum": controls.slider(0.9, 0.0, 0.99, 0.01, **wide),
            "decay": controls.slider(0.99, 0.5, 0.999, 0.001, fmt=".3f", **wide),
            "alpha1": controls.slider(0.9, 0.0, 0.99, 0.01, **wide),
            "alpha2": controls.slider(0.999, 0.9, 0.9999, 0.0001, fmt=".4f", **wide),
            "schedule": controls.choice(SCHEDULE_NAMES, "none", **wide),
            "steps": controls.slider(30, 1, 500, continuous=True, **wide),
            "noise": controls.slider(0.0, 0.0, 3.0, 0.1, **wide),
            "x0": controls.slider(surface.start[0], *surface.xlim, 0.01, fmt=".3g", **wide),
            "y0": controls.slider(surface.start[1], *surface.ylim, 0.01, fmt=".3g", **wide),
        }

    def changed(self, key, value):
        """A new surface moves the start point to that surface's own, in the same redraw."""
        if key != "surface":
            return
        surface = get_surface(value)
        for key, (low, high), start in (("x0", surface.xlim, surface.start[0]),
                                        ("y0", surface.ylim, surface.start[1])):
            control = self.controls[key]
            with control.hold_sync():   # one message to the browser: no clamping there
                control.min, control.max = min(low, control.min), max(high, control.max)
                control.value = start
                control.min, control.max = low, high

    def arguments(self, settings):
        s = settings
        return dict(surface=s["surface"], names=s["optimizers"],
                    lrs=TUNED_LR.get(s["surface"], {}) if s["tuned_lr"] else None,
                    lr=s["lr"], momentum=s["momentum"], decay=s["decay"],
                    alpha1=s["alpha1"], alpha2=s["alpha2"], schedule=s["schedule"],
                    steps=s["steps"], noise=s["noise"], start=(s["x0"], s["y0"]))


# --- MNIST ---------------------------------------------------------------------------

LR_VALUES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)


class OptimizerTrainer(TrainingExplorer):
    """The classic comparison of "Deep Learning from Scratch" (ch. 6): a
    784-100-100-100-100-10 ReLU network with He initialization, mini-batches of 128,
    trained once per selected optimizer from the same initial weights and the same
    batches. The loss curves are drawn while training runs.

    Controls: ``optimizers``, ``lr`` ("default": SGD, Momentum, AdaGrad, RMSProp 0.01,
    Adam 0.001; or one value for all), ``schedule`` (the course text's examples, stepped
    every iteration here), ``iterations`` (per optimizer). Constructor option:
    ``source`` ("subset": the bundled 4,000 digits; "full": 60,000, see ``load_mnist``).
    """

    name = "optimizer_trainer"
    experiment = staticmethod(compare_optimizers)
    view_class = TrainingComparisonView
    redraw_every = 1.0       # seconds between live redraws (a redraw costs ~0.2 s)

    def __init__(self, source="subset", **initial):
        self.source = source
        super().__init__(**initial)

    columns = (("optimizers",), ("lr", "schedule", "iterations"))

    def make_controls(self):
        narrow = {"width": "300px", "label_width": "80px"}
        return {
            "optimizers": controls.choices(OPTIMIZER_NAMES),
            "lr": controls.choice(((say("optimizers.lr_default"), "default"),)
                                  + tuple((f"{v:g}", v) for v in LR_VALUES), "default",
                                  **narrow),
            "schedule": controls.choice(SCHEDULE_NAMES, "none", **narrow),
            "iterations": controls.slider(300, 50, 3000, 50, **narrow),
        }

    def arguments(self, settings):
        return dict(names=settings["optimizers"], lr=settings["lr"],
                    schedule=settings["schedule"], iterations=settings["iterations"],
                    source=self.source)

    def draw(self, result):
        if result is None:
            self.view.update(OptimizerComparison(), iterations=self.settings["iterations"])
            return
        self.view.update(result)
