"""Chapter 3 (parameter initialization): the explorers, drawing the experiments of
:mod:`dlskills.experiments.initialization`.

* :class:`InitializationExplorer`: initializer, activation, depth, width, seed ->
  per-layer histograms of activations and gradients, and their standard deviations
  (:func:`~dlskills.experiments.initialization.layer_statistics`);
* :class:`InitTrainingExplorer`: live loss curves of
  :func:`~dlskills.experiments.initialization.compare_initializers`.
"""


from ..experiments.initialization import (SCALE_SETTING, ComparedRuns, init_label,
                                          initializer_runs, layer_statistics, scale_text)
from ..functions import ACTIVATIONS
from ..initializers import INITIALIZERS
from ..messages import say
from ..training import History
from ..views.initialization import ComparedRunsView, LayerStatsView
from ..views.style import freeze_layout
from . import controls
from .base import Explorer, TrainingExplorer

#: the initializers the explorer offers: every registered one under its own name (the six
#: kinds of the course text, both variants of Xavier and He, and the "sqrt(1/n)" one some
#: books call Xavier), not the aliases "xavier" and "he"
INIT_KINDS = tuple(name for name in INITIALIZERS.names()
                   if INITIALIZERS.get(name).__name__ == name)


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
    experiment = staticmethod(layer_statistics)
    view_class = LayerStatsView

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
    experiment = staticmethod(initializer_runs)
    view_class = ComparedRunsView
    redraw_every = 1.0      # seconds between live redraws: drawing must not slow training

    def make_controls(self):
        return {"activation": controls.choice(ACTIVATIONS.names(), "relu"),
                "std": controls.log_slider(0.01, -3, 0, 0.25),
                "iterations": controls.slider(400, 100, 2000, 100),
                "lr": controls.log_slider(0.01, -3, 0, 0.25),
                "seed": controls.slider(0, 0, 20)}

    def setup(self, fig):
        self.view = ComparedRunsView(fig)
        # lay out once with what the figure will hold: titles, a run and the previous one
        runs = {name: History(loss=[2.3, 0.5], epochs=[0, 1], test_acc=[0.1, 0.9],
                              settings={"label": init_label(name, 0.01)})
                for name in ("normal", "xavier_normal", "he_normal")}
        placeholder = ComparedRuns(runs, {"std": 0.01, "iterations": 400})
        self.view.update(placeholder, previous=placeholder)
        freeze_layout(fig)

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
            result = self._result({}, self.settings)
        self.view.update(result, previous)
