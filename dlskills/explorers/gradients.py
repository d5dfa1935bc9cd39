"""Chapter 1 explorers, each a thin shell around a pure function of
:mod:`dlskills.experiments.gradients` that tests and exercises call directly:

* :class:`DepthWidthExplorer`: :func:`~dlskills.experiments.gradients.param_growth`,
  parameters of deeper versus wider networks;
* :class:`GradientExplorer`: :func:`~dlskills.experiments.gradients.gradient_profile`,
  the gradient norm every weight matrix receives and the activation histograms of the
  first, middle and last hidden layers.
"""

from ..experiments.gradients import gradient_profile, param_growth
from ..functions import ACTIVATIONS
from ..views.gradients import GradientView, ParamGrowthView
from . import controls
from .base import Explorer

#: weight-init choices of the gradient explorer: "normal" uses the ``scale`` slider as
#: its standard deviation; the named ones (chapter 3) ignore it
INIT_CHOICES = ("normal", "xavier", "he")


class GradientExplorer(Explorer):
    """Depth, activation and initial weights -> gradient norm per layer and activation
    histograms. ``GradientExplorer(depth=20, activation="relu", init="he")``."""

    name = "gradients"
    view_class = GradientView
    experiment = staticmethod(gradient_profile)

    used_when = {"scale": lambda s: s["init"] == "normal"}

    def make_controls(self):
        return {"depth": controls.slider(10, 1, 50),
                "activation": controls.choice(ACTIVATIONS.names(), "sigmoid"),
                "init": controls.choice(INIT_CHOICES, "normal"),
                "scale": controls.log_slider(0.01, -3, 2, 0.1),
                "seed": controls.slider(0, 0, 9)}


class DepthWidthExplorer(Explorer):
    """Input size, width and depth -> parameters of deeper versus wider networks."""

    name = "depth_width"
    view_class = ParamGrowthView
    experiment = staticmethod(param_growth)

    def make_controls(self):
        return {"input_size": controls.slider(784, 1, 1000),
                "width": controls.slider(5, 1, 50),
                "depth": controls.slider(2, 1, 10),
                "biases": controls.toggle(False, width=None)}
