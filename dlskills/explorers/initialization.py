"""Chapter 3 (parameter initialization): the explorers, drawing the experiments of
:mod:`dlskills.experiments.initialization`.

* :class:`InitializationExplorer`: initializer, activation, depth, width, seed ->
  per-layer histograms of activations and gradients, and their standard deviations
  (:func:`~dlskills.experiments.initialization.layer_statistics`);
* :class:`InitTrainingExplorer`: live loss curves of
  :func:`~dlskills.experiments.initialization.compare_initializers`.
"""

import dataclasses

import ipywidgets as widgets
import numpy as np

from ..experiments.initialization import (SCALE_SETTING, ComparedRuns, activation_finding,
                                          compare_initializers, init_label,
                                          layer_statistics, median_nonzero, scale_text,
                                          std_ratio_text)
from ..messages import say
from ..stats import ACTIVATION_BINS, GRADIENT_BINS
from ..training import History
from ..views.initialization import (HistogramHeatmap, LayerStdPanel, LossPanel,
                                    add_share_colorbar)
from ..views.style import freeze_layout
from .base import Explorer, TrainingExplorer

#: the initializers the explorer offers (the six kinds of the course text, both variants
#: of Xavier and He, and the "sqrt(1/n)" one some books call Xavier)
INIT_KINDS = ("constant", "identity", "normal", "uniform", "xavier_normal",
              "xavier_uniform", "he_normal", "he_uniform", "lecun_normal")


def _slider(kind, key, **options):
    options.setdefault("continuous_update", False)
    options.setdefault("style", {"description_width": "initial"})
    return kind(description=say(f"control.{key}"), **options)


def _dropdown(key, options, value):
    return widgets.Dropdown(options=list(options), value=value,
                            description=say(f"control.{key}"))


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

    def make_controls(self):
        return {
            "init": _dropdown("init", INIT_KINDS, "normal"),
            "std": _slider(widgets.FloatLogSlider, "std", value=1.0, base=10, min=-3, max=1,
                           step=0.25, readout_format=".3g"),
            "bound": _slider(widgets.FloatLogSlider, "bound", value=0.1, base=10, min=-3,
                             max=1, step=0.25, readout_format=".3g"),
            "value": _slider(widgets.FloatSlider, "value", value=0.0, min=-1.0, max=1.0,
                             step=0.05, readout_format=".2f"),
            "activation": _dropdown("activation", ["sigmoid", "tanh", "relu"], "sigmoid"),
            "depth": _slider(widgets.IntSlider, "depth", value=5, min=1, max=20),
            "width": _slider(widgets.IntSlider, "width", value=100, min=10, max=300, step=10),
            "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=20),
        }

    def __init__(self, **initial):
        super().__init__(**initial)
        self.controls["init"].observe(lambda _: self._sync_enabled(), names="value")
        self._sync_enabled()

    def _sync_enabled(self):
        used = SCALE_SETTING.get(self.controls["init"].value)
        for key in ("std", "bound", "value"):
            self.controls[key].disabled = key != used

    def layout_controls(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["init"], c["std"], c["bound"], c["value"]]),
                             widgets.HBox([c["activation"], c["depth"], c["width"],
                                           c["seed"]])])

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
        """The base status, with the initializer's scale instead of the three scale
        sliders: "初始化 he_normal（按公式 std 0.141），激活函数 relu，…"."""
        s = dict(settings)
        scale = scale_text(s["init"], s["width"], s["width"], s.pop("std"), s.pop("bound"),
                           s.pop("value"))
        s["init"] = say("init.scale.with", init=s["init"], scale=scale)
        return super().describe_settings(s)


class InitTrainingExplorer(TrainingExplorer):
    """Train the classic MNIST network from std 0.01, Xavier and He starts (press Run);
    the loss curves grow while it trains."""

    name = "init-training"
    figsize = (13, 4.8)
    redraw_every = 1.0      # seconds between live redraws: drawing must not slow training

    def make_controls(self):
        return {
            "activation": _dropdown("activation", ["relu", "sigmoid", "tanh"], "relu"),
            "std": _slider(widgets.FloatLogSlider, "std", value=0.01, base=10, min=-3, max=0,
                           step=0.25, readout_format=".3g"),
            "iterations": _slider(widgets.IntSlider, "iterations", value=400, min=100,
                                  max=2000, step=100),
            "lr": _slider(widgets.FloatLogSlider, "lr", value=0.01, base=10, min=-3, max=0,
                          step=0.25, readout_format=".3g"),
            "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=20),
        }

    def setup(self, fig):
        ax_loss, ax_acc = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.panel = LossPanel(ax_loss, ax_acc)
        # lay out once with what the figure will hold: titles and the legend below
        placeholder = ComparedRuns(
            {name: _placeholder_history() for name in ("normal", "xavier_normal",
                                                        "he_normal")},
            {"normal": init_label("normal", 0.01)}, 400)
        self.panel.update(placeholder.histories, placeholder.labels, 400, previous=True)
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
        labels = {name: init_label(name, settings["std"]) for name in histories}
        return ComparedRuns(histories, labels, settings["iterations"], dict(settings))

    def preview(self, settings):
        """After a control change, the last run stays on screen, dashed and labelled as
        the previous run's until Run; back at its settings it is the current one again."""
        if self.result is None:
            return None
        previous = self.result.settings != settings
        if previous == self.result.previous:
            return None
        return dataclasses.replace(self.result, previous=previous)

    def draw(self, result):
        if result is None:
            self.panel.update({}, iterations=self.controls["iterations"].value)
            return
        self.panel.update(result.histories, result.labels, result.iterations,
                          previous=result.previous)


def _placeholder_history():
    return History(loss=[2.3, 0.5], epochs=[0, 1], test_acc=[0.1, 0.9])
