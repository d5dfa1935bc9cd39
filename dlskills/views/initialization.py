"""Figures of chapter 3 (parameter initialization).

Functions and panels here take arrays (or histories), never a network:

* :class:`Binning`: fixed histogram bins for one kind of value (sigmoid / tanh outputs on
  a linear axis, ReLU outputs and gradients on a log10 axis with a separate "= 0" column),
  so a heatmap can be updated with ``set_data`` instead of being rebuilt;
* :class:`HistogramHeatmap`: one row per layer, one column per bin, colour = share of
  the layer's values in the bin (the explorer's compact "histogram of every layer");
* :class:`LayerStdPanel`: standard deviation of activations and gradients against the
  layer number, log y;
* :func:`histogram_grid`: the classic grid of small histograms ("Deep Learning from
  Scratch", chapter 6), one row per setting, one column per layer;
* :class:`LossPanel`: loss curves and test accuracy of a few training runs;
* :func:`final_loss_vs_scale`: loss after training against the initial weight scale;
* :func:`unit_images`: the input weights of hidden units as 28x28 pictures.
"""

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ..experiments.initialization import std_ratio_text  # noqa: F401  (re-exported)
from ..messages import say
from .curves import CurvePanel, TrainingCurves, smooth
from .style import PALETTE, color

#: colour map of the heatmaps (perceptually uniform, colour-blind safe); empty bins white
HEATMAP_CMAP = "viridis"
#: smallest share shown in colour; emptier bins are drawn white
MIN_SHARE = 1e-4


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074"
                                            "\u2075\u2076\u2077\u2078\u2079")


def power_of_ten(exponent):
    """"10⁻⁴" as plain text (Unicode superscripts): looks like math, draws much faster
    than mathtext, and DejaVu Sans has every glyph."""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def plain_log_axis(axis):
    """Major ticks at powers of ten labelled with :func:`power_of_ten`, no minor ticks:
    fewer artists to draw on every redraw of a live figure."""
    axis.set_major_locator(LogLocator(base=10, numticks=8))
    axis.set_major_formatter(FuncFormatter(
        lambda v, _: power_of_ten(np.log10(v)) if v > 0 else ""))
    axis.set_minor_locator(NullLocator())


@dataclass(frozen=True)
class Binning:
    """Fixed bins for histograms of one kind of value.

    ``scale="linear"``: ``n`` equal bins on [lo, hi] of the value itself.
    ``scale="log"``: ``n`` equal bins on [lo, hi] of log10(|value|), plus, when
    ``zero_column`` is set, a first column counting values that are exactly 0.
    Values beyond the range are counted in the edge bins; non-finite values are not
    counted (``shares`` reports their share separately). ``label`` is the catalogue key
    of the axis label.
    """
    scale: str
    lo: float
    hi: float
    n: int
    zero_column: bool = False
    label: str = "init.axis.activation"

    @classmethod
    def fit(cls, arrays, per_decade=8, label="init.axis.gradient_log", coverage=0.998):
        """Log bins (with a zero column) just wide enough for the non-zero magnitudes of
        ``arrays`` (all but the outer ``1 - coverage`` of them), ``per_decade`` bins per
        power of ten: a shift of a fraction of a decade between rows stays visible."""
        mags = [np.abs(np.asarray(a, dtype=np.float64)).ravel() for a in arrays]
        mags = np.concatenate([m[np.isfinite(m) & (m > 0)] for m in mags])
        if mags.size == 0:
            return cls("log", -1.0, 1.0, 2 * per_decade, zero_column=True, label=label)
        tail = (1 - coverage) / 2
        low, high = np.log10(np.quantile(mags, [tail, 1 - tail]))
        lo, hi = np.floor(low), np.ceil(high)
        if hi - lo < 2:
            hi = lo + 2
        return cls("log", float(lo), float(hi), int(round((hi - lo) * per_decade)),
                   zero_column=True, label=label)

    @property
    def width(self):
        return (self.hi - self.lo) / self.n

    @property
    def columns(self):
        return self.n + (2 if self.zero_column else 0)   # zero column, gap, bins

    def extent_x(self):
        """(left, right) of the heatmap image in data units of the x axis."""
        left = self.lo - (2 * self.width if self.zero_column else 0.0)
        return left, self.hi

    @property
    def zero_x(self):
        """x position of the centre of the "= 0" column."""
        return self.lo - 1.5 * self.width

    def shares(self, values):
        """(share of values per column, share that is not finite), shares summing to 1
        over the finite values' columns (columns as drawn, gap column included)."""
        v = np.asarray(values).ravel()
        if v.dtype.kind != "f":
            v = v.astype(np.float64)
        n_finite = int(np.count_nonzero(np.isfinite(v)))
        n_bad = v.size - n_finite
        if n_bad:
            v = v[np.isfinite(v)]
        counts = np.zeros(self.columns)
        offset = 2 if self.zero_column else 0
        if v.size:
            if self.scale == "log":
                x = np.abs(v)
                n_zero = v.size - int(np.count_nonzero(x))
                # zeros (and tiny values) land in the first bin; zeros move to their column
                np.maximum(x, np.finfo(x.dtype).tiny, out=x)
                np.log10(x, out=x)
            else:
                x = v - self.lo if self.lo else v.copy()
                n_zero = 0
            if self.scale == "log" and self.lo:
                x -= self.lo
            x *= 1.0 / self.width
            idx = x.astype(np.intp)
            np.clip(idx, 0, self.n - 1, out=idx)
            counts[offset:] += np.bincount(idx, minlength=self.n)
            if self.scale == "log":
                if self.zero_column:
                    counts[0] = n_zero
                    counts[offset] -= n_zero
        total = max(1, v.size + n_bad)
        return counts / total, n_bad / total

    def ticks(self):
        """(positions, labels) for the x axis: a few values, and "0" for the zero column.
        Values beyond the range are counted in the edge bins."""
        if self.scale == "linear":
            pos = np.linspace(self.lo, self.hi, 5)
            return list(pos), [f"{p:g}" for p in pos]
        span = self.hi - self.lo
        step = 4 if span > 16 else 2 if span > 6 else 1
        first = np.ceil(self.lo / step) * step
        if self.zero_column and first == self.lo:
            first += step                      # keep clear of the "0" label
        pos = list(np.arange(first, self.hi + 1e-9, step))
        labels = [power_of_ten(p) for p in pos]
        if self.zero_column:
            pos, labels = [self.zero_x] + pos, ["0"] + labels
        return pos, labels

    def edges(self):
        """Bin edges on the x axis (linear value or log10 of the magnitude)."""
        return np.linspace(self.lo, self.hi, self.n + 1)


#: bins for the outputs of each activation function (log bins: a quarter decade each, so
#: a layer-to-layer factor of sqrt(1/2) shows as a drift after a few layers)
ACTIVATION_BINS = {
    "sigmoid": Binning("linear", 0.0, 1.0, 40, label="init.axis.activation"),
    "tanh": Binning("linear", -1.0, 1.0, 40, label="init.axis.activation"),
    "relu": Binning("log", -12.0, 8.0, 80, zero_column=True, label="init.axis.activation_log"),
}
#: bins for gradients dL/dz (magnitude, log scale)
GRADIENT_BINS = Binning("log", -20.0, 4.0, 96, zero_column=True,
                        label="init.axis.gradient_log")


class HistogramHeatmap:
    """Histograms of every layer as one image: row = layer (layer 1 on top), column =
    bin, colour = share of the layer's values in that bin (log colour scale)."""

    def __init__(self, ax, binning, title="", layer_labels=True):
        self.ax = ax
        self.binning = binning
        self.image = ax.imshow(np.full((1, binning.columns), np.nan), aspect="auto",
                               cmap=_heatmap_cmap(), norm=LogNorm(MIN_SHARE, 1.0),
                               interpolation="nearest", origin="upper")
        ax.grid(False)
        ax.set_ylabel(say("init.axis.layer") if layer_labels else "")
        ax.tick_params(axis="y", labelleft=layer_labels)
        ax.set_title(title)
        self.set_binning(binning)

    def set_binning(self, binning):
        """Switch to other fixed bins (e.g. another activation function)."""
        self.binning = binning
        pos, labels = binning.ticks()
        self.ax.set_xticks(pos, labels)
        self.ax.set_xlabel(say(binning.label))
        self.ax.set_xlim(*binning.extent_x())

    def update(self, shares):
        """``shares``: array (layers, binning.columns)."""
        shares = np.asarray(shares, dtype=float)
        depth = shares.shape[0]
        self.image.set_data(np.ma.masked_less(shares, MIN_SHARE))
        left, right = self.binning.extent_x()
        self.image.set_extent((left, right, depth + 0.5, 0.5))
        self.ax.set_ylim(depth + 0.5, 0.5)
        self.ax.set_yticks(_layer_ticks(depth))
        return self.image


def _heatmap_cmap():
    return matplotlib.colormaps[HEATMAP_CMAP].with_extremes(bad="white", under="white")


def _layer_ticks(depth):
    """Layer numbers to label: all up to 10 layers, then 1 and every 5th (and the last)."""
    if depth <= 10:
        return list(range(1, depth + 1))
    ticks = [1] + list(range(5, depth + 1, 5))
    if depth - ticks[-1] >= 2:
        ticks.append(depth)
    return ticks


def add_share_colorbar(fig, image, axes):
    """One colour bar for heatmaps that share the colour scale."""
    bar = fig.colorbar(image, ax=axes, fraction=0.03, pad=0.01)
    bar.set_label(say("init.axis.share"))
    plain_log_axis(bar.ax.yaxis)
    return bar


class LayerStdPanel:
    """Standard deviation of activations and of gradients against the layer, log y.

    A zero standard deviation (every value equal) cannot be drawn on a log axis: those
    layers are left out and named in :attr:`zero_note`.
    """

    def __init__(self, ax):
        self.ax = ax
        self.curves = CurvePanel(ax, xlabel=say("init.axis.layer"),
                                 ylabel=say("init.axis.std"), logy=True, legend_loc="best")
        plain_log_axis(ax.yaxis)
        self.zero_note = ax.text(0.98, 0.98, "", transform=ax.transAxes, ha="right",
                                 va="top", fontsize=11, color=PALETTE["vermillion"])

    def update(self, act_std, grad_std, title=""):
        act_std = np.asarray(act_std, dtype=float)
        grad_std = np.asarray(grad_std, dtype=float)
        layers = np.arange(1, act_std.size + 1)
        self.curves.begin()
        notes = []
        series = (("act", act_std, say("init.legend.activations"), "o", PALETTE["blue"]),
                  ("grad", grad_std, say("init.legend.gradients"), "s",
                   PALETTE["vermillion"]))
        for name, values, label, mark, line_color in series:
            shown = np.where(values > 0, values, np.nan)
            line = self.curves.show(name, layers, shown, label=label, color=line_color)
            line.set_marker(mark)
            short = "a" if name == "act" else "grad"
            for key, where in (("init.note.zero", values == 0),
                               ("init.note.overflow", ~np.isfinite(values))):
                if where.any():
                    notes.append(say(key, what=short, layers=_layer_list(layers[where])))
        self.ax.set_autoscaley_on(True)
        self.curves.finish(xlim=(0.5, act_std.size + 0.5))
        if not (np.isfinite(act_std) & (act_std > 0)).any() and \
                not (np.isfinite(grad_std) & (grad_std > 0)).any():
            self.ax.set_ylim(1e-3, 1)               # nothing to draw on a log axis
        self.ax.set_xticks(_layer_ticks(act_std.size))
        self.zero_note.set_text("\n".join(notes))
        self.ax.set_title(title)


def _layer_list(layers):
    layers = [int(k) for k in layers]
    if len(layers) == 1:
        return say("init.layers.one", layer=layers[0])
    if layers == list(range(layers[0], layers[-1] + 1)):
        return say("init.layers.range", first=layers[0], last=layers[-1])
    return say("init.layers.list", layers="、".join(map(str, layers)))


def histogram_grid(fig, rows, binning):
    """The classic picture: one row per setting, one small histogram per layer.

    ``rows``: list of ``(label, per_layer_values, color_name)`` (``color_name``: the
    initializer whose course colour the row gets); ``binning``: a :class:`Binning`
    (linear bins are drawn on the value axis, log bins on log10 of the magnitude with the
    zero column as a separate grey bar at the left). Each panel's title gives the layer
    and the standard deviation of its values. On log bins a dashed line in every panel
    of a row marks the median magnitude of its layer 1, so a drift from layer to layer
    shows even when it is a fraction of a decade; the y axis is scaled to the non-zero
    values and the zero bar, when taller, is clipped and labelled with its share.
    Returns the axes (rows x layers).
    """
    depth = max(len(values) for _, values, _ in rows)
    axes = fig.subplots(len(rows), depth, sharex=True, sharey="row", squeeze=False)
    edges = binning.edges()
    pos, labels = binning.ticks()
    if len(pos) > 6:
        pos, labels = pos[::2], labels[::2]
    for r, (label, per_layer, color_name) in enumerate(rows):
        row_color = color(color_name)
        reference = None
        if binning.scale == "log":
            first = np.abs(np.asarray(per_layer[0], dtype=np.float64))
            first = first[np.isfinite(first) & (first > 0)]
            reference = float(np.log10(np.median(first))) if first.size else None
        top, zeros = 0.0, []
        for k, values in enumerate(per_layer):
            ax = axes[r, k]
            share, bad = binning.shares(values)
            bins = share[2:] if binning.zero_column else share
            top = max(top, float(bins.max()))
            ax.stairs(bins, edges, fill=True, color=row_color, alpha=0.85)
            if binning.zero_column:
                ax.bar(binning.zero_x, share[0], width=binning.width, color=PALETTE["grey"])
                zeros.append((ax, float(share[0])))
            if reference is not None:
                ax.axvline(reference, color=PALETTE["black"], linestyle="--", linewidth=1.2)
            std = np.std(np.asarray(values, dtype=np.float64))
            ax.set_title(say("init.grid.title", layer=k + 1, std=std) if np.isfinite(std)
                         else say("init.grid.overflow", layer=k + 1), fontsize=11)
            ax.set_xlim(*binning.extent_x())
            ax.set_xticks(pos, labels)
            if bad:
                ax.text(0.5, 0.5, say("init.grid.not_finite", share=bad),
                        transform=ax.transAxes, ha="center")
        limit = 1.3 * top if top > 0 else 1.0
        axes[r, 0].set_ylim(0, limit)
        for ax, zero in zeros:
            if zero > limit:
                ax.text(binning.zero_x + binning.width, 0.97 * limit,
                        say("init.grid.zero_share", share=zero), ha="left", va="top",
                        fontsize=10, color=PALETTE["grey"])
        axes[r, 0].set_ylabel(say("init.grid.row", label=label), fontsize=12)
    for ax in axes[-1]:
        ax.set_xlabel(say(binning.label), fontsize=11)
    return axes


class LossPanel:
    """Chapter 3's :class:`~dlskills.views.curves.TrainingCurves` (loss from 0, one legend
    below both panels: give the figure the constrained layout), titled with the start
    that did best, or that none did. Runs in ``previous`` (the last run, a control
    changed since) are drawn dashed."""

    def __init__(self, ax_loss, ax_acc, window=20):
        self.curves = TrainingCurves(ax_loss, ax_acc, window=window, legend_below=True)
        self.window = window
        self.ax_loss, self.ax_acc = ax_loss, ax_acc

    def update(self, histories, labels=None, iterations=None, previous=None):
        """``histories``, ``previous``: dict name -> History (possibly still growing)."""
        labels = labels or {}
        self.curves.update(histories, labels, previous, iterations)
        finals = [(float(smooth(h.loss, self.window)[-1]), labels.get(name, name))
                  for name, h in histories.items() if h.loss]
        finite = [(v, lab) for v, lab in finals if np.isfinite(v)]
        if previous and not histories:
            self.ax_loss.set_title(say("init.previous.title"))
        elif len(finite) > 1 and max(finite)[0] - min(finite)[0] < 0.01 * max(finite)[0]:
            self.ax_loss.set_title(say("init.loss.no_winner", loss=min(finite)[0]))
        elif finite:
            best = min(finite)
            self.ax_loss.set_title(say("init.loss.best", label=best[1], loss=best[0]))
        else:
            self.ax_loss.set_title(say("init.loss.title"))
        accs = [(h.test_acc[-1], labels.get(n, n)) for n, h in histories.items() if h.test_acc]
        if len(accs) > 1 and max(accs)[0] - min(accs)[0] < 0.01:
            self.ax_acc.set_title(say("init.acc.no_winner", acc=max(accs)[0]))
        elif accs:
            top = max(accs)
            self.ax_acc.set_title(say("init.acc.best", label=top[1], acc=top[0]))
        else:
            self.ax_acc.set_title("")


def unit_images(axes, weights, title=None, shape=(28, 28)):
    """Show the input weights of hidden units (columns of ``weights``) as images, one
    per axes, on one shared symmetric colour scale. Returns the images."""
    weights = np.asarray(weights, dtype=float)
    limit = float(np.max(np.abs(weights[:, :len(axes)]))) or 1.0
    images = []
    for k, ax in enumerate(axes):
        images.append(ax.imshow(weights[:, k].reshape(shape), cmap="RdBu_r",
                                vmin=-limit, vmax=limit))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        ax.set_title(say("init.unit", k=k + 1), fontsize=11)
    if title:
        axes[0].set_ylabel(title, fontsize=12)
    return images


def final_loss_vs_scale(ax, scales, losses, statuses, references=None):
    """Loss after training against the standard deviation all weights started with (log
    x). Diverged runs are drawn as crosses at the top; ``references`` (name -> loss)
    adds horizontal lines for starts that are not one std, e.g. He's per-layer std."""
    scales = np.asarray(scales, dtype=float)
    losses = np.asarray(losses, dtype=float)
    ok = np.array([s == "completed" for s in statuses]) & np.isfinite(losses)
    ax.plot(scales[ok], losses[ok], "o-", color=color("normal"),
            label=say("init.sweep.normal"))
    top = float(np.nanmax(losses[ok])) * 1.15 if ok.any() else 3.0
    if (~ok).any():
        ax.plot(scales[~ok], np.full((~ok).sum(), top), "x", markersize=14, mew=3,
                color=PALETTE["vermillion"], label=say("init.sweep.diverged"))
    results = [(losses[k], say("init.sweep.label", std=scales[k])) for k in np.flatnonzero(ok)]
    for name, loss in (references or {}).items():
        ax.axhline(loss, color=color(name), linestyle="--",
                   label=say("init.sweep.reference", name=name))
        results.append((loss, name))
    ax.set_xscale("log")
    ax.set_xlabel(say("init.axis.initial_std"))
    ax.set_ylabel(say("init.axis.final_loss"))
    if results:
        best = min(results)
        ax.set_title(say("init.sweep.title", loss=best[0], label=best[1],
                         diverged=int((~ok).sum())))
    ax.legend(loc="best")
