"""Chapter 2 figures: optimizer paths over the contour of a 2-D surface, f against step,
learning rates against step, and MNIST training curves of several optimizers.

Two kinds of object live here:

* ``PathsView`` and ``TrainingComparisonView`` make their artists once and update them
  in place (``update(...)``), for the explorers (the contour of each surface is drawn
  once and cached, paths move with ``set_data``);
* ``paths_figure`` builds a whole static figure with the same view, for notebook
  cells.

They take numbers, never a network or an optimizer: a *run* is any object with
``name`` (course colour key), ``label``, ``points`` (shape (n+1, 2)), ``values``
(f at each point), ``lrs`` (learning rate of each step), ``diverged_at`` (a step or
None) and ``color`` (None for the course colour); histories are ``dlskills.History``.
Titles, axis labels and legend notes come from the message catalogue.
"""

import numpy as np

from ..experiments.optimizers import FLOOR, PathComparison, surface_min_value
from ..messages import say
from ..training import FINAL_WINDOW
from .axes import log_axis
from .base import View
from .curves import CurvePanel, TrainingCurves, seed_spread
from .style import PALETTE, color, new_figure, style

#: Marker, line style, marker size and z-order of each optimizer's path, so that paths
#: running on top of each other stay distinguishable: AdaGrad's large open triangles and
#: dashes stay visible under RMSProp's small dots (both slide into the same well of the
#: double-well surface).
PATH_STYLES = {"sgd": ("o", "-", 4, 3.2), "momentum": ("s", "-", 4.5, 3.3),
               "adagrad": ("^", (0, (6, 3)), 8, 3.0), "rmsprop": ("o", (0, (1.5, 2)), 3, 3.4),
               "adam": ("D", "-", 4, 3.1)}


class PathsView(View):
    """Left: the surface's contour with each run's path (start: black circle, global
    minimum: black star, a local minimum: white star). Right: f - f_min against step
    (log y), and optionally a third panel with the learning rate of each step.
    The figure title is ``title``, by default the result's ``headline``."""

    figsize = (12, 5)

    def __init__(self, fig, show_lr=False, legend_loc="lower left", title=None):
        super().__init__(fig)
        self.title = title
        ratios = [1.35, 1.0, 0.8] if show_lr else [1.35, 1.0]
        axes = fig.subplots(1, len(ratios), width_ratios=ratios)
        self.ax, self.f_ax = axes[0], axes[1]
        self.ax.set_xlabel("x")
        self.ax.set_ylabel("y")
        self.contours = {}      # surface name -> its artists, drawn once, then shown or hidden
        (self.start,) = self.ax.plot([], [], "o", color=PALETTE["black"], markersize=8,
                                     zorder=5)
        self.paths, self.ends = {}, {}      # name|colour -> the path and its end mark
        self.f_ax.set_title(say("optimizers.fig.f_title"))
        self.f_panel = CurvePanel(self.f_ax, xlabel=say("optimizers.fig.step"),
                                  ylabel=say("optimizers.fig.gap_axis"), logy=True,
                                  legend_loc=legend_loc)
        self.lr_panel = None
        if show_lr:
            self.lr_panel = CurvePanel(axes[2], xlabel=say("optimizers.fig.step"),
                                       ylabel=say("optimizers.fig.lr_axis"),
                                       logy=True, legend_loc=None)   # as the f panel's
        self.panels = [panel for panel in (self.f_panel, self.lr_panel) if panel is not None]

    def update(self, result):
        """Show a :class:`~dlskills.experiments.optimizers.PathComparison` (``surface``,
        ``runs``, ``f_min``)."""
        surface, runs, f_min = result.surface, result.runs, result.f_min
        if surface.name not in self.contours:
            self.contours[surface.name] = self._contour(surface)
        for name, artists in self.contours.items():
            for artist in artists:
                artist.set_visible(name == surface.name)
        self.ax.set_xlim(*surface.xlim)
        self.ax.set_ylim(*surface.ylim)
        self.ax.set_title(f"$f(x, y) = {surface.formula}$")
        if runs:
            self.start.set_data([runs[0].points[0, 0]], [runs[0].points[0, 1]])
        for panel in self.panels:
            panel.begin()
        for line in (*self.paths.values(), *self.ends.values()):
            line.set_visible(False)
        for run in runs:
            line_color = run.color or color(run.name)
            marker, dashes, size, zorder = PATH_STYLES.get(run.name, ("o", "-", 4, 3.0))
            key = f"{run.name}|{line_color}"
            if key not in self.paths:       # the key names the colour: set once
                (self.paths[key],) = self.ax.plot([], [], marker=marker, linewidth=1.8,
                                                  linestyle=dashes, zorder=zorder,
                                                  color=line_color,
                                                  markerfacecolor="none" if size > 4
                                                  else None)
                (self.ends[key],) = self.ax.plot([], [], marker="X", markersize=11,
                                                 color=line_color, linestyle="none", zorder=6)
            path, end = self.paths[key], self.ends[key]
            path.set_data(run.points[:, 0], run.points[:, 1])
            path.set_markersize(size if len(run.points) <= 120 else 0)
            path.set_visible(True)
            end.set_data([run.points[-1, 0]], [run.points[-1, 1]])
            end.set_visible(run.diverged_at is not None)
            legend = run.label if run.diverged_at is None else \
                say("optimizers.fig.legend_diverged", label=run.label, step=run.diverged_at)
            self.f_panel.show(key, np.arange(len(run.values)), run.gaps(f_min), label=legend,
                              color=line_color, linestyle=dashes)
            if self.lr_panel is not None:
                self.lr_panel.show(key, np.arange(1, len(run.lrs) + 1), run.lrs,
                                   label=run.label, color=line_color)
        for panel in self.panels:
            panel.finish()
        self.fig.suptitle(self.title if self.title is not None else result.headline)

    def _contour(self, surface, resolution=160, levels=14):
        """The contour lines of ``surface`` and its minima marked: the artists made."""
        xx, yy = np.meshgrid(np.linspace(*surface.xlim, resolution),
                             np.linspace(*surface.ylim, resolution))
        zz = surface.value(xx, yy)
        low = float(zz.min()) if surface.minimum is None else surface_min_value(surface)
        gap = zz - low
        top = float(np.quantile(gap, 0.95))
        bottom = max(float(np.quantile(gap, 0.002)), top * 1e-3, FLOOR)
        artists = [self.ax.contour(xx, yy, zz, levels=low + np.geomspace(bottom, top, levels),
                                   cmap="Greys_r", linewidths=1.0, alpha=0.55, zorder=1)]
        for point, size, face in ((surface.minimum, 16, PALETTE["black"]),
                                  (getattr(surface, "local_minimum", None), 13, "white")):
            if point is not None:
                artists += self.ax.plot(*point, marker="*", markersize=size, linestyle="none",
                                        markerfacecolor=face, color=PALETTE["black"], zorder=4)
        return artists


def paths_figure(surface, runs, finding=None, show_lr=False):
    """``PathsView.figure`` of ``runs`` on ``surface`` (contour + f - f_min [+ lr]), titled
    ``finding`` (by default the comparison's ``headline``)."""
    result = PathComparison(surface, list(runs), surface_min_value(surface, runs))
    return PathsView.figure(result, figsize=(15, 5) if show_lr else None, show_lr=show_lr,
                            legend_loc="best", title=finding)


# --- MNIST -----------------------------------------------------------------------------

class TrainingComparisonView(View):
    """:class:`~dlskills.views.curves.TrainingCurves` with the loss on a log axis (thin:
    each mini-batch; thick: moving average); the title states the finding."""

    figsize = (13, 5)

    def __init__(self, fig):
        super().__init__(fig)
        self.loss_ax, self.acc_ax = fig.subplots(1, 2, width_ratios=[1.4, 1.0])
        self.curves = TrainingCurves(self.loss_ax, self.acc_ax, logy=True, raw=True,
                                     whole_epochs=True)

    def update(self, result, iterations=None):
        """Show an :class:`~dlskills.experiments.optimizers.OptimizerComparison` (its
        histories possibly still growing); ``iterations``: the loss panel's x-axis
        length (default: the result's)."""
        histories, labels = result.histories, result.labels
        shown = {name: say("optimizers.fig.legend_status", label=labels.get(name, name),
                           status=history.message)
                 if history.status in ("running", "stopped", "diverged")
                 else labels.get(name, name) for name, history in histories.items()}
        self.curves.update(histories, shown, iterations=iterations or result.iterations,
                           epochs=result.epochs)
        self.loss_ax.set_title(result.headline or say("curves.press_run"), fontsize=12)
        self.acc_ax.set_title(say("optimizers.fig.acc_title"), fontsize=12)


def seed_spread_figure(spread):
    """Each optimizer's final loss (left, log y) and test accuracy (right) in every seed of
    a :class:`~dlskills.experiments.SeedSpread`: one dot per run, a bar from
    the lowest to the highest value, the mean as a short line. The title is its finding."""
    fig, (loss_ax, acc_ax) = new_figure((12, 4.6), dpi=100, nrows=1, ncols=2)
    names = list(spread.runs[0])
    with style():
        for ax, values, label in (
                (loss_ax, spread.final("loss"), say("optimizers.fig.seed_loss_axis",
                                                    window=FINAL_WINDOW)),
                (acc_ax, spread.final("test_acc"), say("curves.accuracy"))):
            seed_spread(ax, {name: values[name] for name in names},
                        {name: color(name) for name in names})
            ax.set_xticks(range(len(names)), names)
            ax.set_ylabel(label)
        log_axis(loss_ax.yaxis)
        acc_ax.set_ylim(0.0, 1.0)
        fig.suptitle(say("optimizers.fig.seed_title", n=len(spread.seeds)) + "\n"
                     + spread.finding, fontsize=13)
    return fig
