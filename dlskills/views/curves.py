"""Training curves (loss per iteration, accuracy per epoch) that can be redrawn in place
while training runs: :class:`TrainingCurves`, the one loss/accuracy panel of every
chapter, built on :class:`CurvePanel`; and :func:`seed_spread`, the one way to show a
final number of several seeds."""

import numpy as np

from ..messages import say
from .axes import WholeTicks, log_axis
from .style import color as course_color


def smooth(values, window=20):
    """Moving average over ``window`` points (shorter at the start); keeps the length.

    Non-finite values (a diverged run) are kept as they are, not smeared.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or window <= 1:
        return values
    finite = np.isfinite(values)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, values, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    end = np.arange(1, values.size + 1)              # point i averages (i - window, i]
    start = np.maximum(end - window, 0)
    out = (sums[end] - sums[start]) / np.maximum(counts[end] - counts[start], 1)
    return np.where(finite, out, values)


def zero_based(ax, top=np.inf, empty=1.0):
    """y axis from 0 to just above the largest visible value, at most ``top`` (a value
    that barely moves is drawn flat, not blown up; an exploding one leaves the top);
    from 0 to ``empty`` when nothing is drawn yet."""
    ys = [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()
          if line.get_visible()]
    ys = [y for y in ys if np.isfinite(y).any()]
    if not ys:
        ax.set_ylim(0, empty)
        return
    high = min(1.05 * max(float(np.nanmax(y)) for y in ys), top)
    if not np.isfinite(high):   # an infinite value and no ``top``: the largest finite one
        high = 1.05 * max(float(np.max(y[np.isfinite(y)])) for y in ys)
    ax.set_ylim(0, high)


class CurvePanel:
    """Named lines on one axes, created on first use and updated with ``set_data``.

    >>> panel = CurvePanel(ax, xlabel="iteration", ylabel="loss", logy=True)
    >>> panel.show("adam", x, y)          # colour from the course palette by name
    >>> panel.finish()                    # rescale, legend, hide lines not shown
    """

    def __init__(self, ax, xlabel, ylabel, logy=False, ylim=None, legend_loc="best"):
        """``legend_loc=None``: no legend on this axes (the caller makes one)."""
        self.ax, self.ylim, self.legend_loc = ax, ylim, legend_loc
        self.lines = {}
        self._shown = set()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logy:
            log_axis(ax.yaxis)
        if ylim is not None:
            ax.set_ylim(*ylim)

    def begin(self):
        """Start a new frame: lines not shown again before ``finish`` are hidden."""
        self._shown = set()

    def show(self, name, x, y, label=None, color=None, linestyle="-", **props):
        """Line ``name`` (made on first use) through ``x``, ``y`` (non-finite values not
        drawn), shown in this frame; ``props``: other line properties (alpha, marker...)."""
        if name not in self.lines:
            (self.lines[name],) = self.ax.plot([], [])
        line = self.lines[name]
        line.set(color=color or course_color(name), linestyle=linestyle, **props)
        y = np.asarray(y, dtype=float)
        line.set_data(np.asarray(x, dtype=float), np.where(np.isfinite(y), y, np.nan))
        line.set_label(label if label is not None else name)
        line.set_visible(True)
        self._shown.add(name)
        return line

    def labelled(self):
        """The lines shown in this frame that have a legend entry."""
        return [line for name, line in self.lines.items()
                if name in self._shown and not line.get_label().startswith("_")]

    def finish(self, xlim=None, extra=()):
        """Hide the lines not shown in this frame, rescale, and remake the legend of the
        lines shown (and the ``extra`` handles, e.g. a marker key), none if empty. With
        nothing drawn (nothing trained yet), a linear axis is scaled as if it showed 0 to
        1, not to the ±0.055 matplotlib puts around 0 for no data."""
        for name, line in self.lines.items():
            line.set_visible(name in self._shown)
        self.ax.relim(visible_only=True)
        if not np.isfinite(self.ax.dataLim.x0):         # no finite point drawn
            self.ax.update_datalim([(0, 0), (1, 1)],
                                   updatex=self.ax.get_xscale() == "linear",
                                   updatey=self.ax.get_yscale() == "linear")
        self.ax.autoscale_view(scalex=xlim is None, scaley=self.ylim is None)
        if xlim is not None:
            self.ax.set_xlim(*xlim)
        if self.legend_loc is None:
            return
        handles = self.labelled() + list(extra)
        if handles:
            self.ax.legend(handles=handles, loc=self.legend_loc)
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()


class TrainingCurves:
    """The course's one loss/accuracy panel: loss per iteration (a moving average over
    ``window`` iterations; ``raw`` adds each mini-batch's loss, thin) and accuracy per
    epoch of named runs, updated in place while they train. Either axes may be None.

    >>> curves = TrainingCurves(ax_loss, ax_acc, logy=True, raw=True, whole_epochs=True)
    >>> curves.update({"sgd": history}, labels={"sgd": "sgd lr=0.01"},
    ...               previous={"sgd": last_history})      # dashed, for comparison

    The rule of colours and lines: a run has its course colour by name (``colors`` may
    give others) and is solid; a previous run is dashed and faint. ``gap``: each run's
    train and held-out accuracy in %, coloured by split (one current run per panel), for
    the gap between them; else the held-out accuracy from 0 to 1. ``whole_epochs``:
    epoch ticks on whole numbers (not for runs measured at fractional epochs).
    ``loss_top``: the highest loss shown on a linear axis (an exploding loss leaves the
    top). ``legend_loc``: where both panels' legends go (default: loss upper right,
    accuracy lower right); ``legend_below`` puts one legend under both panels (the figure needs the
    constrained layout), remade only when its entries change.
    """

    def __init__(self, ax_loss=None, ax_acc=None, *, logy=False, raw=False, window=20,
                 legend_below=False, gap=False, whole_epochs=False, loss_top=np.inf,
                 legend_loc=None):
        self.logy, self.raw, self.window, self.legend_below = logy, raw, window, legend_below
        self.gap, self.loss_top = gap, loss_top
        self.loss = self.acc = None
        if ax_loss is not None:
            self.loss = CurvePanel(ax_loss, say("axis.iteration"),
                                   say("curves.loss_log" if logy else "curves.loss"),
                                   logy=logy,
                                   legend_loc=None if legend_below else legend_loc or "upper right")
            ax_loss.xaxis.set_major_locator(WholeTicks(most=10))
        if ax_acc is not None:
            self.acc = CurvePanel(ax_acc, say("axis.epoch"),
                                  say("curves.accuracy_percent") if gap else say("curves.accuracy"),
                                  ylim=(0.0, 102.0) if gap else (0.0, 1.0),
                                  legend_loc=None if legend_below else legend_loc or "lower right")
            if whole_epochs:       # a 2-epoch run showed 0.25, 0.5, ...
                ax_acc.xaxis.set_major_locator(WholeTicks())
        self.ax_loss, self.ax_acc = ax_loss, ax_acc
        self.legend, self._legend_entries = None, None

    def update(self, runs, labels=None, previous=None, iterations=None, epochs=None,
               previous_labels=None, colors=None):
        """``runs``, ``previous``: name -> History (possibly still growing); ``labels``:
        name -> legend text of ``runs`` (default: a history's ``settings["label"]``, else
        its name); ``previous_labels``: the same for ``previous`` (default "上一次：…");
        ``colors``: name -> colour; ``iterations``, ``epochs``: x-axis lengths."""
        if self.gap and len(runs) > 1:
            raise ValueError(f"runs: one run per panel when both splits are drawn (gap=True), "
                             f"not {len(runs)}")
        labels, previous_labels, colors = labels or {}, previous_labels or {}, colors or {}
        panels = [p for p in (self.loss, self.acc) if p is not None]
        for panel in panels:
            panel.begin()
        for group, named, dashed in ((previous or {}, previous_labels, True),
                                     (runs, labels, False)):
            for name, history in group.items():
                label = history.settings.get("label", name)
                label = named.get(name, say("curves.previous", label=label) if dashed else label)
                self._show(name, history, label, dashed, colors.get(name, course_color(name)))
        if self.loss is not None:
            self.loss.finish(xlim=(0, iterations) if iterations else None)
            if not self.logy:   # from 0: how far each run got down from ln(10) at a glance
                zero_based(self.ax_loss, top=self.loss_top, empty=2.5)
        if self.acc is not None:
            self.acc.finish(xlim=(0, epochs) if epochs else None)
        if self.legend_below:
            self._one_legend()

    def _show(self, name, history, label, dashed, color):
        key = f"previous:{name}" if dashed else name
        style = {"color": color, "linestyle": "--" if dashed else "-"}
        alpha = 0.55 if dashed else 1.0
        if self.loss is not None and history.loss:
            x = np.arange(1, len(history.loss) + 1)
            if self.raw and not dashed:
                self.loss.show(key + ":raw", x, history.loss, label="_" + key, alpha=0.22,
                               linewidth=1.0, **style)
            self.loss.show(key, x, smooth(history.loss, self.window), label=label,
                           alpha=alpha, **style)
        if self.acc is None:
            return
        for split in ("train", "held_out") if self.gap else ("held_out",):
            values = history.train_acc if split == "train" else history.test_acc
            if not values:
                continue
            if self.gap:                   # colour by split; one legend entry per run
                split = history.held_out if split == "held_out" else split
                style["color"] = course_color(split)
                text = label if dashed else say(f"curves.split.{split}")
                if dashed and split != "train":
                    text = "_" + text
            else:
                text = label
            # markers while few: a run that diverged early has one point
            self.acc.show(f"{key}:{split}", history.epochs[:len(values)],
                          (100.0 if self.gap else 1.0) * np.asarray(values, dtype=float),
                          label=text, marker="o" if len(values) <= 25 else "", alpha=alpha,
                          **style)

    def _one_legend(self):
        """One legend below both panels (it covers no curve), remade only when its
        entries change (not on every frame of a run)."""
        handles = (self.loss or self.acc).labelled()
        entries = [(id(line), line.get_label()) for line in handles]
        if entries == self._legend_entries:
            return
        self._legend_entries = entries
        if self.legend is not None:
            self.legend.remove()
            self.legend = None
        if handles:
            self.legend = (self.ax_loss or self.ax_acc).figure.legend(
                handles=handles, loc="outside lower center", ncols=min(len(handles), 3))


def seed_spread(ax, values, colors):
    """``values``: label -> one number per seed, drawn at x = 0, 1, ...: each seed a dot
    (spread sideways a little), a faint bar from the lowest to the highest finite value,
    the mean a short line; ``colors``: label -> colour. The x ticks are the caller's."""
    for k, (label, v) in enumerate(values.items()):
        v = np.asarray(v, dtype=float)
        ok = v[np.isfinite(v)]
        if ok.size:
            ax.plot([k, k], [ok.min(), ok.max()], color=colors[label], linewidth=6, alpha=0.3,
                    solid_capstyle="butt")
            ax.plot([k - 0.25, k + 0.25], [ok.mean()] * 2, color=colors[label], linewidth=2.5)
        offsets = np.linspace(-0.12, 0.12, v.size) if v.size > 1 else np.zeros(v.size)
        ax.plot(k + offsets, v, "o", color=colors[label], markersize=7, markeredgewidth=2,
                markerfacecolor="white", linestyle="none")
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.grid(axis="x", visible=False)
