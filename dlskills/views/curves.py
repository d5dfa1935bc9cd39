"""Training curves (loss per iteration, accuracy per epoch) that can be redrawn in place
while training runs. Shared by every chapter's trainers."""

import numpy as np

from .style import color as course_color


def smooth(values, window=20):
    """Moving average over ``window`` points (shorter at the start); keeps the length.

    Non-finite values (a diverged run) are kept as they are, not smeared.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or window <= 1:
        return values
    finite = np.isfinite(values)
    filled = np.where(finite, values, 0.0)
    sums = np.cumsum(filled)
    counts = np.cumsum(finite)
    lo = np.maximum(np.arange(values.size) - window, -1)
    prev_sums = np.where(lo >= 0, sums[np.maximum(lo, 0)], 0.0)
    prev_counts = np.where(lo >= 0, counts[np.maximum(lo, 0)], 0)
    n = counts - prev_counts
    out = (sums - prev_sums) / np.maximum(n, 1)
    return np.where(finite, out, values)


class CurvePanel:
    """Named lines on one axes, created on first use and updated with ``set_data``.

    >>> panel = CurvePanel(ax, xlabel="iteration", ylabel="loss", logy=True)
    >>> panel.show("adam", x, y)          # colour from the course palette by name
    >>> panel.finish()                    # rescale, legend, hide lines not shown
    """

    def __init__(self, ax, xlabel, ylabel, logy=False, ylim=None, legend_loc="best"):
        self.ax, self.ylim, self.legend_loc = ax, ylim, legend_loc
        self.lines = {}
        self._shown = set()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logy:
            ax.set_yscale("log")
        if ylim is not None:
            ax.set_ylim(*ylim)

    def begin(self):
        """Start a new frame: lines not shown again before ``finish`` are hidden."""
        self._shown = set()

    def show(self, name, x, y, label=None, color=None, linestyle="-"):
        if name not in self.lines:
            (self.lines[name],) = self.ax.plot([], [])
        line = self.lines[name]
        line.set_color(color or course_color(name))
        line.set_linestyle(linestyle)
        y = np.asarray(y, dtype=float)
        line.set_data(np.asarray(x, dtype=float), np.where(np.isfinite(y), y, np.nan))
        line.set_label(label if label is not None else name)
        line.set_visible(True)
        self._shown.add(name)
        return line

    def finish(self, xlim=None):
        for name, line in self.lines.items():
            line.set_visible(name in self._shown)
        self.ax.relim(visible_only=True)
        self.ax.autoscale_view(scalex=xlim is None, scaley=self.ylim is None)
        if xlim is not None:
            self.ax.set_xlim(*xlim)
        if self._shown:
            shown = [line for name, line in self.lines.items()
                     if name in self._shown and not line.get_label().startswith("_")]
            self.ax.legend(handles=shown, loc=self.legend_loc)
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
