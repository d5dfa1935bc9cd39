"""Chapter 2 explorers: optimizer paths on 2-D surfaces, and optimizers training MNIST.

    ex = OptimizerPlayground()                      # all five on x^2/20 + y^2 from (-7, 2)
    ex.set(optimizers=("sgd", "momentum"), tuned_lr=False, lr=0.1)
    ex.set(surface="saddle")                        # the start moves to the saddle's own
    [(r.name, r.diverged_at) for r in ex.result["runs"]]

    tr = OptimizerTrainer()                         # 784-100-100-100-100-10 ReLU, He init
    tr.run(wait=True, iterations=300)               # the loss curves are drawn as it trains
    OptimizerTrainer(source="full").run(iterations=2000)   # the classic full-size run

The paths themselves come from :func:`dlskills.experiments.optimizers.run_on_surface`.
"""

import ipywidgets as widgets
import numpy as np

from ..experiments import mnist
from ..experiments.optimizers import (DEFAULT_LR, OPTIMIZER_NAMES, SCHEDULE_NAMES, TUNED_LR,
                                      optimizer_settings, run_on_surface)
from ..model import MLP
from ..optimizers import make_optimizer
from ..schedules import course_schedule
from ..surfaces import SURFACES, get_surface
from ..training import History, train
from ..views.optimizers import PathsView, TrainingComparisonView, surface_min_value
from ..views.style import freeze_layout
from .base import Explorer, TrainingExplorer


def _fmt_lr(value):
    return f"{value:.3g}"


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
        style = {"description_width": "82px"}
        surface = get_surface("ill_conditioned")

        # Float sliders update on release: with continuous updates the browser sends back
        # any value it snaps to its step grid (lr=1.2 came back as 1.26, the saddle's
        # start y = 0.001 as 0) or clamps while a range changes, and that late echo
        # overrides what the kernel set last. Integer steps snap to nothing: continuous.
        def slider(cls, description, value, low, high, step, fmt=None, continuous=False):
            extra = {"readout_format": fmt} if fmt else {}
            return cls(value=value, min=low, max=high, step=step, description=description,
                       layout=wide, style=style, continuous_update=continuous, **extra)

        controls = {
            "surface": widgets.Dropdown(options=SURFACES.names(), value="ill_conditioned",
                                        description="surface", layout=wide, style=style),
            "optimizers": widgets.SelectMultiple(
                options=OPTIMIZER_NAMES, value=OPTIMIZER_NAMES, rows=len(OPTIMIZER_NAMES),
                description="optimizers", layout=widgets.Layout(width="230px"), style=style),
            "tuned_lr": widgets.Checkbox(value=True, description="each optimizer's own lr",
                                         indent=False, layout=widgets.Layout(width="230px")),
            "lr": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=1, step=0.05,
                                         description="lr", readout_format=".3g",
                                         continuous_update=False, layout=wide, style=style,
                                         disabled=True),
            "momentum": slider(widgets.FloatSlider, "momentum", 0.9, 0.0, 0.99, 0.01),
            "decay": slider(widgets.FloatSlider, "decay", 0.99, 0.5, 0.999, 0.001, ".3f"),
            "alpha1": slider(widgets.FloatSlider, "alpha1", 0.9, 0.0, 0.99, 0.01),
            "alpha2": slider(widgets.FloatSlider, "alpha2", 0.999, 0.9, 0.9999, 0.0001, ".4f"),
            "schedule": widgets.Dropdown(options=SCHEDULE_NAMES, value="none",
                                         description="schedule", layout=wide, style=style),
            "steps": slider(widgets.IntSlider, "steps", 30, 1, 500, 1, continuous=True),
            "noise": slider(widgets.FloatSlider, "grad noise", 0.0, 0.0, 3.0, 0.1),
            "x0": slider(widgets.FloatSlider, "start x", surface.start[0], *surface.xlim,
                         0.01, ".3g"),
            "y0": slider(widgets.FloatSlider, "start y", surface.start[1], *surface.ylim,
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
        surf = get_surface(surface)
        runs = []
        for name in OPTIMIZER_NAMES:            # always the same order, whatever was clicked
            if name not in optimizers:
                continue
            rate = TUNED_LR.get(surface, {}).get(name, lr) if tuned_lr else lr
            opt = make_optimizer(name, **optimizer_settings(name, rate, momentum, decay,
                                                            alpha1, alpha2))
            label = f"{name} lr={_fmt_lr(rate)}" if tuned_lr else name
            runs.append(run_on_surface(opt, surf, (x0, y0), steps, schedule, noise,
                                       name=name, label=label))
        return {"surface": surf, "runs": runs, "f_min": surface_min_value(surf)}

    def draw(self, result):
        self.view.update(result["surface"], result["runs"])
        if result["surface"].name != getattr(self, "_laid_out_for", None):
            freeze_layout(self.fig)     # once per surface: its tick labels differ
            self._laid_out_for = result["surface"].name

    def describe_settings(self, settings):
        s = settings
        chosen = ",".join(n for n in OPTIMIZER_NAMES if n in s["optimizers"])
        lr = "tuned" if s["tuned_lr"] else _fmt_lr(s["lr"])
        return (f"surface={s['surface']} optimizers={chosen} lr={lr} steps={s['steps']} "
                f"schedule={s['schedule']} noise={s['noise']:.2g} "
                f"start=({s['x0']:.3g}, {s['y0']:.3g})")

    def describe(self, settings, result):
        f_min = result["f_min"] or 0.0
        outcomes = [f"{r.name} diverged at step {r.diverged_at}" if r.diverged_at is not None
                    else f"{r.name}: f-f_min={max(r.values[-1] - f_min, 0.0):.2g}"
                    for r in result["runs"]]
        return (self.describe_settings(settings) + " -> "
                + "; ".join(outcomes or ["no optimizer selected"]))


# --- MNIST ---------------------------------------------------------------------------

LR_CHOICES = (("each optimizer's default", "default"),) + tuple(
    (f"{v:g}", v) for v in (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0))


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

    def __init__(self, source="subset", hidden=(100, 100, 100, 100), batch_size=128, seed=0,
                 dtype=np.float32, **initial):
        self.source, self.hidden = source, tuple(hidden)
        self.batch_size, self.seed, self.dtype = batch_size, seed, dtype
        super().__init__(**initial)

    def make_controls(self):
        style = {"description_width": "80px"}
        return {
            "optimizers": widgets.SelectMultiple(
                options=OPTIMIZER_NAMES, value=OPTIMIZER_NAMES, rows=len(OPTIMIZER_NAMES),
                description="optimizers", layout=widgets.Layout(width="230px"), style=style),
            "lr": widgets.Dropdown(options=LR_CHOICES, value="default", description="lr",
                                   layout=widgets.Layout(width="300px"), style=style),
            "schedule": widgets.Dropdown(options=SCHEDULE_NAMES, value="none",
                                         description="schedule",
                                         layout=widgets.Layout(width="300px"), style=style),
            "iterations": widgets.IntSlider(value=300, min=50, max=3000, step=50,
                                            description="iterations", continuous_update=False,
                                            layout=widgets.Layout(width="300px"), style=style),
        }

    def layout_controls(self):
        c = self.controls
        return widgets.HBox([c["optimizers"],
                             widgets.VBox([c["lr"], c["schedule"], c["iterations"]])])

    def setup(self, fig):
        self.view = TrainingComparisonView(fig)

    def lr_for(self, name, lr):
        return DEFAULT_LR[name] if lr == "default" else lr

    def train(self, settings, report):
        train_data, test_data = mnist(source=self.source, dtype=self.dtype)
        names = [n for n in OPTIMIZER_NAMES if n in settings["optimizers"]]
        total = settings["iterations"]
        result = {"histories": {}, "labels": {}, "iterations": total, "running": None,
                  "source": self.source,
                  "epochs": total * self.batch_size / len(train_data[0])}
        for index, name in enumerate(names):
            net = MLP(784, list(self.hidden), 10, activation="relu", init="he",
                      seed=self.seed, dtype=self.dtype)
            opt = make_optimizer(name, lr=self.lr_for(name, settings["lr"]))
            sched = None if settings["schedule"] == "none" else \
                course_schedule(settings["schedule"], opt)
            history = History()
            result["histories"][name] = history
            result["labels"][name] = f"{name} lr={_fmt_lr(opt.lr)}"
            result["running"] = name

            def callback(hist, event, index=index, sched=sched):
                if event != "iteration":
                    return False
                if sched is not None:
                    sched.step()
                if hist.iterations % self.report_every and hist.iterations < total:
                    return False
                return report(result, (index + hist.iterations / total) / len(names))

            train(net, opt, train_data, test_data, iterations=total,
                  batch_size=self.batch_size, seed=self.seed, callbacks=[callback],
                  eval_samples=1000, history=history)
            if history.status.startswith("stopped"):
                break
        result["running"] = None
        return result

    def draw(self, result):
        if result is None:
            self.view.update({}, iterations=self.settings["iterations"])
            return
        self.view.update(result["histories"], result["labels"], result["iterations"],
                         result["running"], result["epochs"])

    def describe_settings(self, settings):
        s = settings
        chosen = ",".join(n for n in OPTIMIZER_NAMES if n in s["optimizers"])
        lr = s["lr"] if s["lr"] == "default" else _fmt_lr(s["lr"])
        return (f"optimizers={chosen} lr={lr} schedule={s['schedule']} "
                f"iterations={s['iterations']}")

    def describe(self, settings, result):
        parts = []
        for name, history in result["histories"].items():
            if history.status == "completed":
                acc = history.test_acc[-1] if history.test_acc else float("nan")
                parts.append(f"{name}: loss {np.mean(history.loss[-20:]):.3f}, "
                             f"test {acc:.1%}")
            else:
                parts.append(f"{name} {history.status}")
        return self.describe_settings(settings) + " -> " + "; ".join(parts)
