"""Figures of chapter 3 (parameter initialization).

Functions and panels here take arrays (or histories), never a network:

* :func:`binning_ticks`: x ticks for a :class:`~dlskills.stats.Binning` (the course's
  one histogram binning: fixed bins, so a heatmap is updated with ``set_data``);
* :class:`HistogramHeatmap`: one row per layer, one column per bin, colour = share of
  the layer's values in the bin (the explorer's compact "histogram of every layer");
* :class:`LayerStdPanel`: standard deviation of activations and gradients against the
  layer number, log y;
* :func:`histogram_grid`: the classic grid of small histograms ("Deep Learning from
  Scratch", chapter 6), one row per setting, one column per layer;
* :class:`LayerStatsView`, :class:`ComparedRunsView`: the two explorers' figures (the
  second: loss curves and test accuracy of a few training runs);
* :func:`final_loss_vs_scale`: loss after training against the initial weight scale;
* :func:`unit_images`: the input weights of hidden units as 28x28 pictures.
"""

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm
from matplotlib.image import AxesImage
from matplotlib.ticker import FuncFormatter

from ..experiments.initialization import std_ratio_text
from ..messages import say, say_layers
from ..stats import ACTIVATION_BINS, GRADIENT_BINS, layer_histograms, median_nonzero
from .axes import LayerTicks, log_axis, power_of_ten
from .base import View
from .curves import CurvePanel, TrainingCurves
from .style import PALETTE, color, new_figure, style

#: colour map of the heatmaps (perceptually uniform, colour-blind safe); empty bins white
HEATMAP_CMAP = "viridis"
#: smallest share shown in colour; emptier bins are drawn white
MIN_SHARE = 1e-4


def binning_ticks(binning):
    """(positions, labels) for the x axis of a :class:`~dlskills.stats.Binning`: a few
    values, and "0" for the zero column."""
    if binning.scale == "linear":
        pos = np.linspace(binning.lo, binning.hi, 5)
        return list(pos), [f"{p:g}" for p in pos]
    span = binning.hi - binning.lo
    step = 4 if span > 16 else 2 if span > 6 else 1
    first = np.ceil(binning.lo / step) * step
    if binning.zero_column and first == binning.lo:
        first += step                      # keep clear of the "0" label
    pos = list(np.arange(first, binning.hi + 1e-9, step))
    labels = [power_of_ten(p) for p in pos]
    if binning.zero_column:
        pos, labels = [binning.zero_x] + pos, ["0"] + labels
    return pos, labels


class _CellImage(AxesImage):
    """An image of RGBA colours (one per cell), drawn nearest-neighbour like any image,
    faster: which cell each screen pixel shows is worked out by matplotlib itself, once
    per placement, by drawing an image of cell numbers; each draw then only looks the
    colours up (an ordinary image resamples a full-size float copy on every draw, a
    quarter of the heatmaps' redraw). The pixels are the same."""

    _place = _lookup = None

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        colours = np.ascontiguousarray(self.get_array(), dtype=np.uint8)
        rows, cols = colours.shape[:2]
        place = (rows, cols, tuple(self.get_window_extent().extents),
                 tuple(self.axes.bbox.extents), magnification, unsampled)
        if place != self._place:
            cells = np.arange(rows * cols, dtype=np.uint32).reshape(rows, cols)
            codes = np.stack([cells & 255, cells >> 8 & 255, cells >> 16,
                              np.full_like(cells, 255)], axis=-1).astype(np.uint8)
            probe = AxesImage(self.axes, interpolation="nearest", origin=self.origin,
                              extent=self.get_extent(), transform=self.get_transform())
            probe.set_data(codes)
            image, x, y, trans = probe.make_image(renderer, magnification, unsampled)
            if image is not None:       # pixels outside every cell: the extra cell
                image = image.astype(np.uint32)
                image = np.where(image[..., 3] > 0, image[..., 0] | image[..., 1] << 8 |
                                 image[..., 2] << 16, rows * cols)
            self._place, self._lookup = place, (image, x, y, trans)
        index, x, y, trans = self._lookup
        if index is None:
            return None, 0, 0, None
        table = np.append(colours.view(np.uint32).reshape(-1), np.uint32(0))
        return table[index].view(np.uint8).reshape(index.shape + (4,)), x, y, trans


class HistogramHeatmap:
    """Histograms of every layer as one image: row = layer (layer 1 on top), column =
    bin, colour = share of the layer's values in that bin (log colour scale)."""

    def __init__(self, ax, binning, layer_labels=True):
        self.ax = ax
        #: shares -> colours (and the colour bar's scale); below MIN_SHARE and 0: white
        self.scale = ScalarMappable(LogNorm(MIN_SHARE, 1.0), matplotlib.colormaps[
            HEATMAP_CMAP].with_extremes(bad="white", under="white"))
        self.image = _CellImage(ax, interpolation="nearest", origin="upper")
        self.image.set_clip_path(ax.patch)          # as ax.imshow does
        ax.add_image(self.image)
        ax.grid(False)
        ax.set_ylabel(say("init.axis.layer") if layer_labels else "")
        ax.tick_params(axis="y", labelleft=layer_labels)
        ax.yaxis.set_major_locator(LayerTicks())
        # labels two digits wide at any depth (U+2007, a space as wide as a digit): the
        # layout frozen after the first draw then fits every depth up to 99
        ax.yaxis.set_major_formatter(FuncFormatter(lambda k, _: f"{k:.0f}".rjust(2, "\u2007")))
        self.set_binning(binning)
        self.update(np.zeros((1, binning.columns)))     # white until the first result

    def set_binning(self, binning):
        """Switch to other fixed bins (e.g. another activation function)."""
        self.binning = binning
        pos, labels = binning_ticks(binning)
        self.ax.set_xticks(pos, labels)
        self.ax.set_xlabel(say(binning.label))
        self.ax.set_xlim(*binning.extent_x())

    def update(self, shares):
        """``shares``: array (layers, binning.columns)."""
        shares = np.asarray(shares, dtype=float)
        depth = shares.shape[0]
        self.image.set_data(self.scale.to_rgba(shares, bytes=True))
        left, right = self.binning.extent_x()
        self.image.set_extent((left, right, depth + 0.5, 0.5))
        self.ax.set_ylim(depth + 0.5, 0.5)      # LayerTicks labels layers 1 to depth
        return self.image


class LayerStdPanel:
    """Standard deviation of activations and of gradients against the layer, log y.

    A zero standard deviation (every value equal) cannot be drawn on a log axis: those
    layers are left out and named in :attr:`zero_note`.
    """

    def __init__(self, ax):
        self.ax = ax
        self.curves = CurvePanel(ax, xlabel=say("init.axis.layer"),
                                 ylabel=say("control.std"), logy=True, legend_loc="best")
        ax.xaxis.set_major_locator(LayerTicks())
        self.zero_note = ax.text(0.98, 0.98, "", transform=ax.transAxes, ha="right",
                                 va="top", fontsize=11, color=PALETTE["vermillion"])

    def update(self, act_std, grad_std, title=""):
        act_std = np.asarray(act_std, dtype=float)
        grad_std = np.asarray(grad_std, dtype=float)
        layers = np.arange(1, act_std.size + 1)
        self.curves.begin()
        notes = []
        series = (("act", act_std, say("init.axis.activation"), "o", PALETTE["blue"]),
                  ("grad", grad_std, say("init.legend.gradients"), "s",
                   PALETTE["vermillion"]))
        for name, values, label, mark, line_color in series:
            shown = np.where(values > 0, values, np.nan)
            self.curves.show(name, layers, shown, label=label, color=line_color, marker=mark)
            short = "a" if name == "act" else "grad"
            for key, where in (("init.note.zero", values == 0),
                               ("init.note.overflow", ~np.isfinite(values))):
                if where.any():
                    notes.append(say(key, what=short, layers=say_layers(layers[where])))
        self.ax.set_autoscaley_on(True)
        self.curves.finish(xlim=(0.5, act_std.size + 0.5))
        if not (np.isfinite(act_std) & (act_std > 0)).any() and \
                not (np.isfinite(grad_std) & (grad_std > 0)).any():
            self.ax.set_ylim(1e-3, 1)               # nothing to draw on a log axis
        self.zero_note.set_text("\n".join(notes))
        self.ax.set_title(title)


def histogram_grid(rows, binning, title=None):
    """The classic picture: one row per setting, one small histogram per layer.

    ``rows``: list of ``(label, per_layer_values, color_name)`` (``color_name``: the
    initializer whose course colour the row gets); ``binning``: a :class:`Binning`
    (linear bins are drawn on the value axis, log bins on log10 of the magnitude with the
    zero column as a separate grey bar at the left). Each panel's title gives the layer
    and the standard deviation of its values. On log bins a dashed line in every panel
    of a row marks the median magnitude of its layer 1, so a drift from layer to layer
    shows even when it is a fraction of a decade; the y axis is scaled to the non-zero
    values and the zero bar, when taller, is clipped and labelled with its share.
    Returns the figure (its axes: ``fig.axes``, row by row).
    """
    depth = max(len(values) for _, values, _ in rows)
    fig, axes = new_figure((15, 2.6 * len(rows) + 0.6), nrows=len(rows), ncols=depth,
                           sharex=True, sharey="row", squeeze=False)
    with style():
        edges = binning.edges()
        pos, labels = binning_ticks(binning)
        if len(pos) > 6:
            pos, labels = pos[::2], labels[::2]
        for r, (label, per_layer, color_name) in enumerate(rows):
            row_color = color(color_name)
            reference = None
            if binning.scale == "log":
                middle = median_nonzero(per_layer[0])
                reference = float(np.log10(middle)) if middle > 0 else None
            hist, top, zeros = layer_histograms(binning, per_layer), 0.0, []
            for k, (share, bad, std) in enumerate(zip(hist.shares, hist.bad, hist.std)):
                ax = axes[r, k]
                bins = share[2:] if binning.zero_column else share
                top = max(top, float(bins.max()))
                ax.stairs(bins, edges, fill=True, color=row_color, alpha=0.85)
                if binning.zero_column:
                    ax.bar(binning.zero_x, share[0], width=binning.width, color=PALETTE["grey"])
                    zeros.append((ax, float(share[0])))
                if reference is not None:
                    ax.axvline(reference, color=PALETTE["black"], linestyle="--", linewidth=1.2)
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
            axes[r, 0].set_ylabel(say("axis.share_row", label=label), fontsize=12)
        for ax in axes[-1]:
            ax.set_xlabel(say(binning.label), fontsize=11)
        if title:
            fig.suptitle(title)
    return fig


class ComparedRunsView(View):
    """The runs of :func:`~dlskills.experiments.initialization.initializer_runs` (a
    :class:`~dlskills.experiments.initialization.ComparedRuns`): chapter 3's
    :class:`~dlskills.views.curves.TrainingCurves` (loss from 0, one legend below both
    panels), each panel titled with the result's headline (the start that did best, or
    that none did). The runs of ``previous`` (the last run, a control changed since) are
    drawn dashed."""

    figsize = (13, 4.8)

    def __init__(self, fig):
        super().__init__(fig)
        self.ax_loss, self.ax_acc = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.curves = TrainingCurves(self.ax_loss, self.ax_acc, legend_below=True)

    def update(self, result, previous=None):
        self.curves.update(result.histories, result.labels, previous and previous.histories,
                           result.settings["iterations"])
        self.ax_loss.set_title(say("init.previous.title") if previous and not result.histories
                               else result.headline)
        self.ax_acc.set_title(result.accuracy_headline)


class LayerStatsView(View):
    """Per-layer histograms of a
    :class:`~dlskills.experiments.initialization.LayerStats` as two heatmaps (row =
    layer; activations in their activation's fixed bins, gradients on a log scale, one
    shared colour bar), and the standard deviation of both against the layer."""

    figsize = (14, 5.2)

    def __init__(self, fig):
        super().__init__(fig)
        ax_act, ax_grad, ax_std = fig.subplots(1, 3, width_ratios=[1.05, 1.05, 1])
        self.act_map = HistogramHeatmap(ax_act, ACTIVATION_BINS["sigmoid"])
        self.grad_map = HistogramHeatmap(ax_grad, GRADIENT_BINS, layer_labels=False)
        bar = fig.colorbar(self.grad_map.scale, ax=[ax_act, ax_grad], fraction=0.03, pad=0.01)
        bar.set_label(say("axis.share"))            # one colour bar: one colour scale
        log_axis(bar.ax.yaxis)
        self.std_panel = LayerStdPanel(ax_std)
        self._binning = None

    def update(self, stats):
        binning = ACTIVATION_BINS[stats.activation]
        if binning is not self._binning:
            self.act_map.set_binning(binning)
            self._binning = binning
        self.act_map.update(stats.act_shares)
        self.act_map.ax.set_title(say("init.heatmap.act", depth=stats.depth,
                                      finding=stats.last_layer), fontsize=12)
        first, last = stats.grad_medians
        self.grad_map.update(stats.grad_shares)
        self.grad_map.ax.set_title(say("init.heatmap.grad", first=first, last=last,
                                       depth=stats.depth), fontsize=12)
        self.std_panel.update(stats.act_std, stats.grad_std,
                              title=std_ratio_text(stats.act_std, stats.grad_std, lines=2))
        self.std_panel.ax.title.set_fontsize(12)


def unit_images(rows, title=None, n=8, shape=(28, 28)):
    """The input weights of the first ``n`` hidden units (columns of each weight matrix
    in ``rows``, ``{label: weights}``) as pictures, one row per label, each row on one
    symmetric colour scale. Returns the figure."""
    fig, axes = new_figure((14, 2.1 * len(rows)), nrows=len(rows), ncols=n, squeeze=False)
    with style():
        for row, (label, weights) in zip(axes, rows.items()):
            weights = np.asarray(weights, dtype=float)
            limit = float(np.max(np.abs(weights[:, :n]))) or 1.0
            for k, ax in enumerate(row):
                ax.imshow(weights[:, k].reshape(shape), cmap="RdBu_r", vmin=-limit,
                          vmax=limit)
                ax.set_xticks([])
                ax.set_yticks([])
                ax.grid(False)
                ax.set_title(say("init.unit", k=k + 1), fontsize=11)
            row[0].set_ylabel(label, fontsize=12)
        if title:
            fig.suptitle(title)
    return fig


def final_loss_vs_scale(scales, losses, statuses, references=None):
    """Loss after training against the standard deviation all weights started with (log
    x). Diverged runs are drawn as crosses at the top; ``references`` (name -> loss)
    adds horizontal lines for starts that are not one std, e.g. He's per-layer std.
    Returns the figure."""
    fig, ax = new_figure((9, 4.5), nrows=1, ncols=1)
    with style():
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
        log_axis(ax.xaxis)
        ax.set_xlabel(say("init.axis.initial_std"))
        ax.set_ylabel(say("init.axis.final_loss"))
        if results:
            best = min(results)
            ax.set_title(say("init.sweep.title", loss=best[0], label=best[1],
                             diverged=int((~ok).sum())))
        ax.legend(loc="best")
    return fig


