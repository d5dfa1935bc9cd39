"""Chapter 4 (regularization): the two explorers, training and drawing the experiments
of :mod:`dlskills.experiments.regularization`.

:class:`OverfittingLab` (training-set size, batch norm, lambda, dropout p, epochs ->
train/validation accuracy while training, the final gap; the test set is not shown: a
lab is where settings are tried, and they are chosen on validation) and
:class:`BatchNormExplorer`
(initial weight scale, activation, batch norm -> activation histograms at once, training
curves on Run). Statuses are the base's: the settings, then the run's ``finding``.
"""

from ..experiments.regularization import VALIDATION, batchnorm_frame, run_overfitting
from ..functions import ACTIVATIONS
from ..views import regularization as views
from . import controls
from .base import TrainingExplorer


class OverfittingLab(TrainingExplorer):
    """Train the overfitting setting with any mix of batch norm, weight decay and dropout;
    train and validation accuracy drawn while training, the final gap marked, the
    previous run dashed. At most 4,000 - ``VALIDATION`` training digits: the validation
    digits are set aside first."""

    name = "overfitting"
    experiment = staticmethod(run_overfitting)
    view_class = views.OverfittingView

    def make_controls(self):
        return {"n_train": controls.slider(300, 100, 4000 - VALIDATION, 100, width="330px"),
                "batchnorm": controls.toggle(False),
                "weight_decay": controls.slider(0.0, 0.0, 0.2, 0.01, fmt=".2f", width="330px"),
                "dropout": controls.slider(0.0, 0.0, 0.8, 0.05, fmt=".2f", width="330px"),
                "epochs": controls.slider(100, 10, 400, 10, width="330px")}


class BatchNormExplorer(TrainingExplorer):
    """Initial weight scale and batch norm: activation histograms of the 5 hidden layers
    at once (on 1,000 digits), training curves when Run is pressed."""

    name = "batchnorm"
    experiment = staticmethod(batchnorm_frame)
    view_class = views.BatchNormView

    def make_controls(self):
        return {"weight_scale": controls.log_slider(0.01, -4, 0, 0.25, fmt=".1e",
                                                    width="360px"),
                "activation": controls.choice(ACTIVATIONS.names(), "relu", width="220px"),
                "batchnorm": controls.toggle(False),
                "epochs": controls.slider(20, 2, 60, width="300px")}

    def preview(self, settings):
        """The histograms now (one forward pass); the last run's curves stay (dashed)
        until Run is pressed."""
        return self.experiment(**self.arguments(settings), train=False)

    def comparable(self, frame):
        """The frame's run: the histograms are redrawn from every preview."""
        return super().comparable(frame.run)
