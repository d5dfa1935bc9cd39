"""Chapter 1 explorers, each a thin shell around a pure function of
:mod:`dlskills.experiments.gradients` that tests and exercises call directly:

* :class:`DepthWidthExplorer`: :func:`~dlskills.experiments.gradients.param_growth`,
  parameters of deeper versus wider networks;
* :class:`GradientExplorer`: :func:`~dlskills.experiments.gradients.gradient_profile`,
  the gradient norm every weight matrix receives and the activation histograms of the
  first, middle and last hidden layers.
"""

import ipywidgets as widgets

from ..experiments.gradients import gradient_profile, param_growth
from ..functions import ACTIVATIONS
from ..messages import say
from ..views.gradients import GradientView, ParamGrowthView
from .base import Explorer

#: weight-init choices of the gradient explorer: "normal" uses the ``scale`` slider as
#: its standard deviation; the named ones (chapter 3) ignore it
INIT_CHOICES = ("normal", "xavier", "he")


# --- the explorers ------------------------------------------------------------------

def _control(kind, key, **settings):
    """A control labelled from the catalogue (``control.<key>``), whose whole
    description is readable (each with its own Layout)."""
    return kind(description=say(f"control.{key}"), style={"description_width": "initial"},
                layout=widgets.Layout(flex="1 1 0%", min_width="300px"), **settings)


class _ViewExplorer(Explorer):
    """An explorer whose figure is one view object: made in ``setup``, updated in ``draw``."""

    view_class = None

    def setup(self, fig):
        self.view = self.view_class(fig)

    def draw(self, result):
        self.view.update(result)


class GradientExplorer(_ViewExplorer):
    """Depth, activation and initial weights -> gradient norm per layer and activation
    histograms. ``GradientExplorer(depth=20, activation="relu", init="he")``."""

    name = "gradients"
    figsize = (12.5, 5.4)
    view_class = GradientView

    def make_controls(self):
        return {
            "depth": _control(widgets.IntSlider, "depth", value=10, min=1, max=50,
                              continuous_update=False),
            "activation": _control(widgets.Dropdown, "activation",
                                   options=ACTIVATIONS.names(), value="sigmoid"),
            "init": _control(widgets.Dropdown, "init", value="normal",
                             options=[(say("gradients.init_normal_option")
                                       if name == "normal" else name, name)
                                      for name in INIT_CHOICES]),
            "scale": _control(widgets.FloatLogSlider, "scale", value=0.01, base=10, min=-3,
                              max=2, step=0.1, readout_format=".3g",
                              continuous_update=False),
            "seed": _control(widgets.IntSlider, "seed", value=0, min=0, max=9,
                             continuous_update=False),
        }

    def setup(self, fig):
        super().setup(fig)
        self.controls["init"].observe(self._scale_in_use, names="value")

    def _scale_in_use(self, change=None):
        self.controls["scale"].disabled = self.controls["init"].value != "normal"

    def compute(self, depth, activation, init, scale, seed):
        return gradient_profile(depth, activation, init, scale, seed)

    def describe_settings(self, settings):
        """The base's settings text, with ``scale`` only where it is used (init="normal")."""
        if settings.get("init") != "normal":
            settings = {key: value for key, value in settings.items() if key != "scale"}
        return super().describe_settings(settings)


class DepthWidthExplorer(_ViewExplorer):
    """Input size, width and depth -> parameters of deeper versus wider networks."""

    name = "depth_width"
    figsize = (12.5, 4.8)
    view_class = ParamGrowthView

    def make_controls(self):
        return {
            "input_size": _control(widgets.IntSlider, "input_size", value=784, min=1,
                                   max=1000, continuous_update=False),
            "width": _control(widgets.IntSlider, "width", value=5, min=1, max=50,
                              continuous_update=False),
            "depth": _control(widgets.IntSlider, "depth", value=2, min=1, max=10,
                              continuous_update=False),
            "biases": _control(widgets.Checkbox, "biases", value=False),
        }

    def compute(self, input_size, width, depth, biases):
        return param_growth(input_size, width, depth, biases)
