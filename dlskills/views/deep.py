"""Chapter 5's figure: per-layer gradient norms and the training curves of a deep run
(:class:`DeepView`, drawn live by :class:`dlskills.explorers.deep.DeepLab`), and the
ablation table as a bar chart with the spread over seeds (:func:`ablation_figure`)."""

import numpy as np
from matplotlib.lines import Line2D

from ..messages import say
from .axes import LayerTicks, edge_marks, show_profile
from .base import View
from .curves import CurvePanel, TrainingCurves
from .style import PALETTE, new_figure, style


class DeepView(View):
    """Left: ||dW_l|| of every weight matrix at the first step and at the latest one (log
    scale; a layer whose gradient is exactly 0 has no place on it and is marked ▼ on the
    bottom edge, in its line's colour, as chapter 1 does); middle and right: loss and
    validation accuracy. The previous run is dashed."""

    figsize = (15, 4.8)

    def __init__(self, fig):
        super().__init__(fig)
        ax_grad, ax_loss, ax_acc = fig.subplots(1, 3, width_ratios=[4, 3, 3])
        self.grads = CurvePanel(ax_grad, say("axis.weight_layer"), say("axis.grad_norm"),
                                logy=True, legend_loc="lower right")
        ax_grad.xaxis.set_major_locator(LayerTicks())
        # name -> the marks of its exact zeros (bottom edge) and of its inf/NaN (top)
        self.zeros, self.infs = {}, {}
        for name in ("previous", "start", "now"):
            self.zeros[name], self.infs[name] = edge_marks(ax_grad, markersize=9)
        self.zero_key = Line2D([], [], linestyle="none", marker="v", markersize=9,
                               color=PALETTE["black"], label=say("deep.legend.zero"))
        self.curves = TrainingCurves(ax_loss, ax_acc, legend_below=True, whole_epochs=True)
        ax_acc.set_ylabel(say("deep.axis.val_accuracy"))

    def update(self, run, previous=None, layers=None):
        """Draw ``run`` (a History of :func:`~dlskills.experiments.deep.run_deep`, possibly
        still growing; None: nothing trained yet). ``layers``: the weight layers the
        layer axis spans while no run has measured any (the depth set, plus the output)."""
        self.grads.begin()
        for marks in (*self.zeros.values(), *self.infs.values()):
            marks.set_data([], [])
        if previous is not None and previous.grad_norms:
            self._norms("previous", previous.grad_norms[0], color=PALETTE["grey"],
                        linestyle="--", label=say("deep.legend.previous_start"), alpha=0.6)
        if run is not None and run.grad_norms:
            self._norms("start", run.grad_norms[0], color=PALETTE["vermillion"],
                        label=say("deep.legend.start"))
            self._norms("now", run.grad_norms[-1], color=PALETTE["blue"],
                        label=say("deep.legend.now", iteration=len(run.grad_norms)))
        zeros = any(len(marks.get_xdata()) for marks in self.zeros.values())
        layers = max((len(h.grad_norms[0]) for h in (run, previous)
                      if h is not None and h.grad_norms), default=layers or 0)
        # the layer axis spans the layers (LayerTicks names its ends: 1 and the last)
        self.grads.finish(xlim=(0.5, layers + 0.5) if layers else None,
                          extra=[self.zero_key] if zeros else [])
        self.grads.ax.set_title(say("deep.title.press_run") if run is None else run.finding,
                                loc="left", fontsize=12)
        runs = {} if run is None else {"with": run}
        self.curves.update(runs, previous={} if previous is None else {"with": previous},
                           epochs=run.settings.get("epochs") if run is not None else None)

    def _norms(self, name, norms, alpha=1.0, **style):
        """One line of gradient norms per layer; its exact zeros marked on the bottom edge,
        inf/NaN on the top (:func:`~dlskills.views.axes.show_profile`)."""
        line = self.grads.show(name, [], [], alpha=alpha, **style)
        show_profile(line, self.zeros[name], self.infs[name], norms)
        for marks in (self.zeros[name], self.infs[name]):
            marks.set_color(line.get_color())
            marks.set_alpha(alpha)


def ablation_figure(table):
    """The ablation as horizontal bars: mean final validation accuracy of every set of
    remedies, a line from the lowest to the highest seed, each seed a dot."""
    fig, ax = new_figure((11, 6), dpi=100, nrows=1, ncols=1)
    with style():
        val = table.final("val_acc")
        labels = list(val)
        for row, label in enumerate(labels):
            values = 100 * val[label]
            ax.barh(row, values.mean(), color=PALETTE["sky"], height=0.6)
            ax.plot([values.min(), values.max()], [row, row], color=PALETTE["black"], lw=1.5)
            ax.plot(values, np.full(values.size, row), "o", color=PALETTE["black"], ms=4)
        ax.axvline(10, color=PALETTE["grey"], linestyle=":", lw=1)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(say("deep.axis.final_val_accuracy"))
        ax.set_title(table.finding, loc="left", fontsize=11)
    return fig
