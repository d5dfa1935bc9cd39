"""Chapter 4 (regularization): the two explorers, training and drawing the experiments
of :mod:`dlskills.experiments.regularization`.

:class:`OverfittingLab` (training-set size, batch norm, lambda, dropout p, epochs ->
train/validation accuracy while training, the final gap; the test set is not shown: a
lab is where settings are tried, and they are chosen on validation) and
:class:`BatchNormExplorer`
(initial weight scale, activation, batch norm -> activation histograms at once, training
curves on Run). Statuses are the base's: the settings, then the run's ``finding``.
"""

import time
from dataclasses import dataclass

from ..experiments import mnist
from ..experiments.regularization import (BN_HIDDEN, VALIDATION, TrainingRun,
                                          activation_snapshot, run_overfitting,
                                          run_weight_scale)
from ..functions import ACTIVATIONS
from ..views import regularization as views
from . import controls
from .base import TrainingExplorer


class _ComparingTrainer(TrainingExplorer):
    """A training explorer that keeps the last finished run and draws it (dashed) next to
    the new one, so a learner sees what a change did."""

    def __init__(self, **initial):
        self.last_run = None
        self._live = False
        super().__init__(**initial)

    def show(self, result):
        """Draw and send the PNG; live redraws while training are spaced so that drawing
        takes at most a third of the run (on a slow or busy machine, drawing every
        0.4 s would otherwise take most of the time)."""
        start = time.perf_counter()
        super().show(result)
        if self._live:
            self.redraw_every = max(type(self).redraw_every, 2.0 * (time.perf_counter() - start))

    def train(self, settings, report):
        previous = self.last_run
        if previous is not None:
            previous.previous = None       # keep one run back, not a chain

        def live_report(partial, fraction):
            self._live = True
            try:
                return report(partial, fraction)
            finally:
                self._live = False

        result = self.train_run(settings, live_report, previous)
        run = self.run_of(result)
        if run.epochs and run.epochs[-1] > 0:
            self.last_run = run
        return result

    def train_run(self, settings, report, previous):
        """Train with ``settings``; return what ``draw`` shows."""
        raise NotImplementedError

    def run_of(self, result):
        """The :class:`TrainingRun` inside a result."""
        return result

    def draw(self, result):
        self.view.show(result)


class OverfittingLab(_ComparingTrainer):
    """Train the overfitting setting with any mix of batch norm, weight decay and dropout;
    train and validation accuracy drawn while training, the final gap marked. At most
    4,000 - ``VALIDATION`` training digits: the validation digits are set aside first."""

    name = "overfitting"
    figsize = (13, 5.2)

    def make_controls(self):
        return {"n_train": controls.slider(300, 100, 4000 - VALIDATION, 100, width="330px"),
                "batchnorm": controls.toggle(False),
                "weight_decay": controls.slider(0.0, 0.0, 0.2, 0.01, fmt=".2f", width="330px"),
                "dropout": controls.slider(0.0, 0.0, 0.8, 0.05, fmt=".2f", width="330px"),
                "epochs": controls.slider(100, 10, 400, 10, width="330px")}

    def setup(self, fig):
        self.view = views.OverfittingView(fig)

    def train_run(self, settings, report, previous):
        return run_overfitting(**settings, report=report, previous=previous)


class BatchNormExplorer(_ComparingTrainer):
    """Initial weight scale and batch norm: activation histograms of the 5 hidden layers
    at once (on 1,000 digits), training curves when Run is pressed."""

    name = "batchnorm"
    figsize = (13, 7.5)
    n_samples = 1000

    def make_controls(self):
        return {"weight_scale": controls.log_slider(0.01, -4, 0, 0.25, fmt=".1e",
                                                    width="360px"),
                "activation": controls.choice(ACTIVATIONS.names(), "relu", width="220px"),
                "batchnorm": controls.toggle(False),
                "epochs": controls.slider(20, 2, 60, width="300px")}

    def setup(self, fig):
        self.view = views.BatchNormView(fig, n_layers=len(BN_HIDDEN))

    def snapshot(self, settings):
        (x, _), _ = mnist(self.n_samples)
        return activation_snapshot(x, settings["activation"], settings["weight_scale"],
                                   settings["batchnorm"])

    def preview(self, settings):
        """The histograms now (one forward pass); the last run's curves stay (dashed)
        until Run is pressed."""
        return BatchNormFrame(settings, self.snapshot(settings), None, self.last_run)

    def train_run(self, settings, report, previous):
        layers = self.snapshot(settings)

        def frame_report(run, fraction):
            return report(BatchNormFrame(settings, layers, run, previous), fraction)

        run = run_weight_scale(settings["weight_scale"], settings["batchnorm"],
                               settings["activation"], settings["epochs"],
                               report=frame_report)
        return BatchNormFrame(settings, layers, run, previous)

    def run_of(self, result):
        return result.run


@dataclass
class BatchNormFrame:
    """What the batch-norm explorer draws: histograms, the current and the last run."""
    settings: dict
    layers: list
    run: TrainingRun = None
    previous: TrainingRun = None

    @property
    def finding(self):
        """The run's finding once trained; None before (the status says "press Run")."""
        return None if self.run is None else self.run.finding
