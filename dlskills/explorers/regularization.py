"""Chapter 4 (regularization): the two explorers, training and drawing the experiments
of :mod:`dlskills.experiments.regularization`.

:class:`OverfittingLab` (training-set size, batch norm, lambda, dropout p, epochs ->
train/validation accuracy while training, the final gap; the test set is not shown: a
lab is where settings are tried, and they are chosen on validation) and
:class:`BatchNormExplorer`
(initial weight scale, activation, batch norm -> activation histograms at once, training
curves on Run). Statuses are the base's: the settings, then the run's ``finding``.
"""

from dataclasses import dataclass

import ipywidgets as widgets

from ..experiments import mnist
from ..experiments.regularization import (BN_HIDDEN, VALIDATION, activation_snapshot,
                                          run_overfitting, run_weight_scale)
from ..training import History
from ..messages import say
from ..views import regularization as views
from .base import TrainingExplorer


def _trained(run):
    """A run that measured at least one epoch after the start."""
    return run is not None and len(run.epochs) > 1


class OverfittingLab(TrainingExplorer):
    """Train the overfitting setting with any mix of batch norm, weight decay and dropout;
    train and validation accuracy drawn while training, the final gap marked, the
    previous run dashed. At most 4,000 - ``VALIDATION`` training digits: the validation
    digits are set aside first."""

    name = "overfitting"
    figsize = (13, 5.2)

    def make_controls(self):
        style = {"description_width": "initial"}
        wide = widgets.Layout(width="330px")
        return {
            "n_train": widgets.IntSlider(value=300, min=100, max=4000 - VALIDATION, step=100,
                                         description=say("control.n_train"), style=style,
                                         layout=wide, continuous_update=False),
            "batchnorm": widgets.Checkbox(value=False, description=say("control.batchnorm"),
                                          indent=False, layout=widgets.Layout(width="140px")),
            "weight_decay": widgets.FloatSlider(value=0.0, min=0.0, max=0.2, step=0.01,
                                                readout_format=".2f",
                                                description=say("control.weight_decay"),
                                                style=style, layout=wide,
                                                continuous_update=False),
            "dropout": widgets.FloatSlider(value=0.0, min=0.0, max=0.8, step=0.05,
                                           readout_format=".2f",
                                           description=say("control.dropout"),
                                           style=style, layout=wide,
                                           continuous_update=False),
            "epochs": widgets.IntSlider(value=100, min=10, max=400, step=10,
                                        description=say("control.epochs"), style=style,
                                        layout=wide, continuous_update=False),
        }

    def setup(self, fig):
        self.view = views.OverfittingView(fig)

    def train(self, settings, report):
        return run_overfitting(**settings, progress=lambda histories, done:
                               report(histories["run"], done))

    def trained(self, result):
        return _trained(result)

    def draw(self, result):
        self.view.show(result, self.previous)


class BatchNormExplorer(TrainingExplorer):
    """Initial weight scale and batch norm: activation histograms of the 5 hidden layers
    at once (on 1,000 digits), training curves when Run is pressed."""

    name = "batchnorm"
    figsize = (13, 7.5)
    n_samples = 1000

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "weight_scale": widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=0,
                                                   step=0.25, readout_format=".1e",
                                                   description=say("control.weight_scale"),
                                                   style=style,
                                                   layout=widgets.Layout(width="360px"),
                                                   continuous_update=False),
            "activation": widgets.Dropdown(options=["relu", "sigmoid", "tanh"], value="relu",
                                           description=say("control.activation"), style=style,
                                           layout=widgets.Layout(width="220px")),
            "batchnorm": widgets.Checkbox(value=False, description=say("control.batchnorm"),
                                          indent=False, layout=widgets.Layout(width="140px")),
            "epochs": widgets.IntSlider(value=20, min=2, max=60, step=1,
                                        description=say("control.epochs"),
                                        style=style, layout=widgets.Layout(width="300px"),
                                        continuous_update=False),
        }

    def setup(self, fig):
        self.view = views.BatchNormView(fig, n_layers=len(BN_HIDDEN))

    def snapshot(self, settings):
        (x, _), _ = mnist(self.n_samples)
        return activation_snapshot(x, settings["activation"], settings["weight_scale"],
                                   settings["batchnorm"])

    def preview(self, settings):
        """The histograms now (one forward pass); the last run's curves stay (dashed)
        until Run is pressed."""
        return BatchNormFrame(settings, self.snapshot(settings))

    def train(self, settings, report):
        layers = self.snapshot(settings)
        run = run_weight_scale(settings["weight_scale"], settings["batchnorm"],
                               settings["activation"], settings["epochs"],
                               progress=lambda histories, done: report(
                                   BatchNormFrame(settings, layers, histories["run"]), done))
        return BatchNormFrame(settings, layers, run)

    def trained(self, result):
        return result is not None and _trained(result.run)

    def draw(self, result):
        self.view.show(result, self.previous and self.previous.run)


@dataclass
class BatchNormFrame:
    """What the batch-norm explorer draws: histograms and the run (None before Run)."""
    settings: dict
    layers: list
    run: History = None

    @property
    def finding(self):
        """The run's finding once trained; None before (the status says "press Run")."""
        return None if self.run is None else self.run.finding
