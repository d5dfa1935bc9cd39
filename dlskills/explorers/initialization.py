"""Chapter 3 (parameter initialization): the explorers, drawing the experiments of
:mod:`dlskills.experiments.initialization`.

* :class:`InitializationExplorer`: initializer, activation, depth, width, seed ->
  per-layer histograms of activations and gradients, and their standard deviations
  (:func:`~dlskills.experiments.initialization.layer_statistics`);
* :class:`InitTrainingExplorer`: live loss curves of
  :func:`~dlskills.experiments.initialization.compare_initializers`.
"""


import numpy as np

from ..experiments.initialization import (SCALE_SETTING, ComparedRuns, activation_finding,
                                          compare_initializers, init_label,
                                          layer_statistics, median_nonzero, scale_text,
                                          std_ratio_text)
from ..functions import ACTIVATIONS
from ..messages import say
from ..stats import ACTIVATION_BINS, GRADIENT_BINS
from ..training import History
from ..views.initialization import (HistogramHeatmap, LayerStdPanel, LossPanel,
                                    add_share_colorbar)
from ..views.style import freeze_layout
from . import controls
from .base import Explorer, TrainingExplorer

#: the initializers the explorer offers (the six kinds of the course text, both variants
#: of Xavier and He, and the "sqrt(1/n)" one some books call Xavier)
INIT_KINDS = ("constant", "identity", "normal", "uniform", "xavier_normal",
              "xavier_uniform", "he_normal", "he_uniform", "lecun_normal")


class InitializationExplorer(Explorer):
    """Initializer x activation x depth: how activations and gradients look layer by layer.

    Left: a histogram of every layer's activations as one heatmap (row = layer, fixed bins
    per activation function); middle: the same for the gradients dL/dz on a log scale,
    its rows aligned with the left ones; right: the standard deviation of both against
    the layer (log y). The std / bound / value sliders apply to normal / uniform /
    constant; a slider the initializer does not use is disabled and left out of the
    status, which names the scale that was used instead. The inputs are as wide as the layers, so every weight
    matrix is square and the identity initializer always applies.
    """

    name = "initialization"
    figsize = (14, 5.2)

    used_when = {key: (lambda s, key=key: SCALE_SETTING.get(s["init"]) == key)
                 for key in ("std", "bound", "value")}

    def make_controls(self):
        return {"init": controls.choice(INIT_KINDS, "normal"),
                "std": controls.log_slider(1.0, -3, 1, 0.25),
                "bound": controls.log_slider(0.1, -3, 1, 0.25),
                "value": controls.slider(0.0, -1.0, 1.0, 0.05, fmt=".2f"),
                "activation": controls.choice(ACTIVATIONS.names(), "sigmoid"),
                "depth": controls.slider(5, 1, 20),
                "width": controls.slider(100, 10, 300, 10),
                "seed": controls.slider(0, 0, 20)}

    def setup(self, fig):
        ax_act, ax_grad, ax_std = fig.subplots(1, 3, width_ratios=[1.05, 1.05, 1])
        self.act_map = HistogramHeatmap(ax_act, ACTIVATION_BINS["sigmoid"])
        self.grad_map = HistogramHeatmap(ax_grad, GRADIENT_BINS, layer_labels=False)
        add_share_colorbar(fig, self.grad_map.image, [ax_act, ax_grad])
        self.std_panel = LayerStdPanel(ax_std)
        self._binning = None

    def compute(self, init, std, bound, value, activation, depth, width, seed):
        stats = layer_statistics(init=init, activation=activation, depth=depth, width=width,
                                 seed=seed, std=std, bound=bound, value=value)
        with np.errstate(all="ignore"):       # overflowing settings are shown, not warned
            self._summarize(stats)
        return stats

    @staticmethod
    def _summarize(stats):
        """Histogram shares and one-line findings for ``draw`` (pure numpy)."""
        activation = stats.activation
        binning = ACTIVATION_BINS[activation]
        stats.extra["act_shares"] = np.array([binning.shares(a)[0] for a in stats.activations])
        stats.extra["grad_shares"] = np.array([GRADIENT_BINS.shares(g)[0]
                                               for g in stats.gradients])
        stats.extra["finding"] = activation_finding(activation, stats.activations[-1])
        stats.extra["grad_median"] = [median_nonzero(g) for g in
                                      (stats.gradients[0], stats.gradients[-1])]

    def draw(self, stats):
        binning = ACTIVATION_BINS[stats.activation]
        if binning is not self._binning:
            self.act_map.set_binning(binning)
            self._binning = binning
        self.act_map.update(stats.extra["act_shares"])
        self.act_map.ax.set_title(say("init.heatmap.act", depth=stats.depth,
                                      finding=stats.extra["finding"]), fontsize=12)
        self.grad_map.update(stats.extra["grad_shares"])
        first, last = stats.extra["grad_median"]
        self.grad_map.ax.set_title(say("init.heatmap.grad", first=first, last=last,
                                       depth=stats.depth), fontsize=12)
        self.std_panel.update(stats.act_std, stats.grad_std,
                              title=std_ratio_text(stats.act_std, stats.grad_std, lines=2))
        self.std_panel.ax.title.set_fontsize(12)

    def describe_settings(self, settings):
        """The base status, the three scale sliders said as the initializer's scale (the
        slider in use, or what the formula gives): "初始化 he_normal（按公式 std 0.141），…"."""
        s = {key: value for key, value in settings.items() if key not in self.used_when}
        s["init"] = say("init.scale.with", init=s["init"], scale=scale_text(
            s["init"], s["width"], s["width"], settings["std"], settings["bound"],
            settings["value"]))
        return super().describe_settings(s)


class InitTrainingExplorer(TrainingExplorer):
    """Train the classic MNIST network from std 0.01, Xavier and He starts (press Run);
    the loss curves grow while it trains."""

    name = "init-training"
    figsize = (13, 4.8)
    redraw_every = 1.0      # seconds between live redraws: drawing must not slow training

    def make_controls(self):
        return {"activation": controls.choice(ACTIVATIONS.names(), "relu"),
                "std": controls.log_slider(0.01, -3, 0, 0.25),
                "iterations": controls.slider(400, 100, 2000, 100),
                "lr": controls.log_slider(0.01, -3, 0, 0.25),
                "seed": controls.slider(0, 0, 20)}

    def setup(self, fig):
        ax_loss, ax_acc = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.panel = LossPanel(ax_loss, ax_acc)
        # lay out once with what the figure will hold: titles, a run and the previous one
        runs = {name: History(loss=[2.3, 0.5], epochs=[0, 1], test_acc=[0.1, 0.9],
                              settings={"label": init_label(name, 0.01)})
                for name in ("normal", "xavier_normal", "he_normal")}
        self.panel.update(runs, iterations=400, previous=runs)
        freeze_layout(fig)

    def compute(self, **settings):  # training happens in train(); nothing to precompute
        return None

    def train(self, settings, report):
        s = dict(settings)
        histories = compare_initializers(
            activation=s["activation"], iterations=s["iterations"], lr=s["lr"], std=s["std"],
            seed=s["seed"], progress=lambda h, f: report(self._result(h, s), f))
        return self._result(histories, s)

    @staticmethod
    def _result(histories, settings):
        return ComparedRuns(histories, dict(settings))

    def preview(self, settings):
        """After a control change, the last run stays on screen, dashed, as the previous
        run's until Run; back at its settings it is the current one again."""
        if self.previous is None:
            return None
        current = self.previous.settings == settings
        if current == (self.result is self.previous):
            return None
        return self.previous if current else self._result({}, settings)

    def draw(self, result):
        previous = self.previous if self.previous is not result else None
        if result is None:
            self.panel.update({}, iterations=self.controls["iterations"].value)
            return
        self.panel.update(result.histories, result.labels, result.iterations,
                          previous=previous and previous.histories)
