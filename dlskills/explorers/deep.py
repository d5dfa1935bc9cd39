"""Chapter 5: :class:`DeepLab`, a deep network with any set of remedies, trained and
drawn live (per-layer gradient norms, loss, validation accuracy) from
:mod:`dlskills.experiments.deep`."""

from ..experiments.deep import REMEDIES, run_deep
from ..views.deep import DeepView
from . import controls
from .base import TrainingExplorer


class DeepLab(TrainingExplorer):
    """One checkbox per remedy, depth up to 100 hidden layers, epochs; Run trains
    :func:`~dlskills.experiments.deep.run_deep` and redraws after every epoch."""

    name = "deep"
    figsize = (15, 5)           # the view's own is 4.8 high
    columns = (REMEDIES[:4], REMEDIES[4:], ("depth", "epochs"))
    experiment = staticmethod(run_deep)
    view_class = DeepView

    def make_controls(self):
        found = {remedy: controls.toggle(False) for remedy in REMEDIES}
        found["depth"] = controls.slider(30, 2, 100, width="340px")
        found["epochs"] = controls.slider(5, 1, 30, width="340px")
        return found

    def arguments(self, settings):
        """``run_deep``'s: the ticked remedies as one list, depth and epochs."""
        return {"remedies": [remedy for remedy in REMEDIES if settings[remedy]],
                "depth": settings["depth"], "epochs": settings["epochs"]}

    def draw(self, result):
        """The base's, with the layer axis of an empty frame spanning the depth set."""
        self.view.update(result, self.previous, layers=self.settings["depth"] + 1)
