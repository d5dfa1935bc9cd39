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

import ipywidgets as widgets
import numpy as np

from ..experiments.optimizers import (HIDDEN, OPTIMIZER_NAMES, SCHEDULE_NAMES, TUNED_LR,
                                      compare_optimizers, compare_paths)
from ..messages import say
from ..surfaces import SURFACES, get_surface
from ..views.optimizers import PathsView, TrainingComparisonView
from .base import Explorer, TrainingExplorer


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

    def make_controls(self):
        wide = widgets.Layout(width="340px")
        style = {"description_width": "100px"}
        surface = get_surface("ill_conditioned")

        # Float sliders update on release: with continuous updates the browser sends back
        # any value it snaps to its step grid (lr=1.2 came back as 1.26, the saddle's
        # start y = 0.001 as 0) or clamps while a range changes, and that late echo
        # overrides what the kernel set last. Integer steps snap to nothing: continuous.
        def slider(cls, key, value, low, high, step, fmt=None, continuous=False):
            extra = {"readout_format": fmt} if fmt else {}
            return cls(value=value, min=low, max=high, step=step,
                       description=say(f"control.{key}"), layout=wide, style=style,
                       continuous_update=continuous, **extra)

        controls = {
            "surface": widgets.Dropdown(options=SURFACES.names(), value="ill_conditioned",
                                        description=say("control.surface"), layout=wide,
                                        style=style),
            "optimizers": widgets.SelectMultiple(
                options=OPTIMIZER_NAMES, value=OPTIMIZER_NAMES, rows=len(OPTIMIZER_NAMES),
                description=say("control.optimizers"), layout=widgets.Layout(width="230px"),
                style=style),
            "tuned_lr": widgets.Checkbox(value=True, description=say("control.tuned_lr"),
                                         indent=False, layout=widgets.Layout(width="230px")),
            "lr": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=1, step=0.05,
                                         description=say("control.lr"), readout_format=".3g",
                                         continuous_update=False, layout=wide, style=style,
                                         disabled=True),
            "momentum": slider(widgets.FloatSlider, "momentum", 0.9, 0.0, 0.99, 0.01),
            "decay": slider(widgets.FloatSlider, "decay", 0.99, 0.5, 0.999, 0.001, ".3f"),
            "alpha1": slider(widgets.FloatSlider, "alpha1", 0.9, 0.0, 0.99, 0.01),
            "alpha2": slider(widgets.FloatSlider, "alpha2", 0.999, 0.9, 0.9999, 0.0001, ".4f"),
            "schedule": widgets.Dropdown(options=SCHEDULE_NAMES, value="none",
                                         description=say("control.schedule"), layout=wide,
                                         style=style),
            "steps": slider(widgets.IntSlider, "steps", 30, 1, 500, 1, continuous=True),
            "noise": slider(widgets.FloatSlider, "noise", 0.0, 0.0, 3.0, 0.1),
            "x0": slider(widgets.FloatSlider, "x0", surface.start[0], *surface.xlim,
                         0.01, ".3g"),
            "y0": slider(widgets.FloatSlider, "y0", surface.start[1], *surface.ylim,
                         0.01, ".3g"),
        }
        # registered before the base class's redraw observer: runs first, so a new
        # surface and its start point are drawn in one redraw
        controls["surface"].observe(self._surface_changed, names="value")
        controls["tuned_lr"].observe(self._tuned_changed, names="value")
        return controls

    def layout_controls(self):
        c = self.controls
        left = widgets.VBox([c["optimizers"], c["tuned_lr"]])
        middle = widgets.VBox([c["surface"], c["lr"], c["steps"], c["schedule"]])
        right = widgets.VBox([c["momentum"], c["decay"], c["alpha1"], c["alpha2"]])
        start = widgets.VBox([c["x0"], c["y0"], c["noise"]])
        return widgets.HBox([left, middle, right, start],
                            layout=widgets.Layout(flex_flow="row wrap"))

    def _surface_changed(self, change):
        surface = get_surface(change["new"])
        holding, self._holding = getattr(self, "_holding", False), True
        try:
            for key, (low, high), value in (("x0", surface.xlim, surface.start[0]),
                                            ("y0", surface.ylim, surface.start[1])):
                control = self.controls[key]
                with control.hold_sync():   # one message to the browser: no clamping there
                    control.min, control.max = min(low, control.min), max(high, control.max)
                    control.value = value
                    control.min, control.max = low, high
        finally:
            self._holding = holding

    def _tuned_changed(self, change):
        self.controls["lr"].disabled = bool(change["new"])

    def setup(self, fig):
        self.view = PathsView(fig)

    def compute(self, surface, optimizers, tuned_lr, lr, momentum, decay, alpha1, alpha2,
                schedule, steps, noise, x0, y0):
        return compare_paths(surface, optimizers, TUNED_LR.get(surface, {}) if tuned_lr
                             else None, lr, momentum, decay, alpha1, alpha2, schedule, steps,
                             noise, (x0, y0))

    def draw(self, result):
        self.view.update(result)

    def describe_settings(self, settings):
        """The base's text; the shared lr is left out while each optimizer uses its own."""
        if settings["tuned_lr"]:
            settings = {key: value for key, value in settings.items() if key != "lr"}
        return super().describe_settings(settings)


# --- MNIST ---------------------------------------------------------------------------

LR_VALUES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)


class OptimizerTrainer(TrainingExplorer):
    """The classic comparison of "Deep Learning from Scratch" (ch. 6): a
    784-100-100-100-100-10 ReLU network with He initialization, mini-batches of 128,
    trained once per selected optimizer from the same initial weights and the same
    batches. The loss curves are drawn while training runs.

    Controls: ``optimizers``, ``lr`` ("default": SGD, Momentum, AdaGrad, RMSProp 0.01,
    Adam 0.001; or one value for all), ``schedule`` (the course text's examples, stepped
    every iteration here), ``iterations`` (per optimizer). Constructor options:
    ``source`` ("subset": the bundled 4,000 digits; "full": 60,000, see ``load_mnist``),
    ``hidden``, ``batch_size``, ``seed``, ``dtype``.
    """

    name = "optimizer_trainer"
    figsize = (13, 5)
    report_every = 10        # iterations between progress reports
    redraw_every = 1.0       # seconds between live redraws (a redraw costs ~0.2 s)

    def __init__(self, source="subset", hidden=HIDDEN, batch_size=128, seed=0,
                 dtype=np.float32, **initial):
        self.source, self.hidden = source, tuple(hidden)
        self.batch_size, self.seed, self.dtype = batch_size, seed, dtype
        super().__init__(**initial)

    def make_controls(self):
        style = {"description_width": "80px"}
        choices = ((say("optimizers.lr_default"), "default"),) + tuple(
            (f"{v:g}", v) for v in LR_VALUES)
        return {
            "optimizers": widgets.SelectMultiple(
                options=OPTIMIZER_NAMES, value=OPTIMIZER_NAMES, rows=len(OPTIMIZER_NAMES),
                description=say("control.optimizers"), layout=widgets.Layout(width="230px"),
                style=style),
            "lr": widgets.Dropdown(options=choices, value="default",
                                   description=say("control.lr"),
                                   layout=widgets.Layout(width="300px"), style=style),
            "schedule": widgets.Dropdown(options=SCHEDULE_NAMES, value="none",
                                         description=say("control.schedule"),
                                         layout=widgets.Layout(width="300px"), style=style),
            "iterations": widgets.IntSlider(value=300, min=50, max=3000, step=50,
                                            description=say("control.iterations"),
                                            continuous_update=False,
                                            layout=widgets.Layout(width="300px"), style=style),
        }

    def layout_controls(self):
        c = self.controls
        return widgets.HBox([c["optimizers"],
                             widgets.VBox([c["lr"], c["schedule"], c["iterations"]])])

    def setup(self, fig):
        self.view = TrainingComparisonView(fig)

    def run(self, wait=True, live=None, **values):
        """As the base's; ``live`` (default: ``not wait``) redraws the figure while it
        trains. A notebook cell that waits and shows the explorer afterwards sees no
        frames in between, and each frame costs about as much as 60 training steps."""
        if self.running:
            return None
        self._redraw_every = self.redraw_every
        if not ((not wait) if live is None else live):
            self.redraw_every = float("inf")
        return super().run(wait, **values)

    def _run(self, settings):
        try:
            return super()._run(settings)
        finally:
            self.redraw_every = self._redraw_every

    def train(self, settings, report):
        return compare_optimizers(settings["optimizers"], settings["lr"],
                                  settings["schedule"], settings["iterations"],
                                  self.batch_size, self.hidden, self.seed, self.source,
                                  self.dtype, progress=report,
                                  report_every=self.report_every)

    def draw(self, result):
        if result is None:
            self.view.update({}, iterations=self.settings["iterations"])
            return
        self.view.update(result.histories, result.labels, result.iterations,
                         result.running, result.epochs)

    def describe_settings(self, settings):
        """The base's text, with "default" said as the catalogue says it."""
        if settings["lr"] == "default":
            settings = {**settings, "lr": say("optimizers.lr_default")}
        return super().describe_settings(settings)
