"""Chapter 4 (regularization) figures: accuracy curves with the train/test gap marked,
weight norms, per-layer activation histograms, the weight-scale sweep.

Functions take arrays or run records (objects with ``epochs``, ``train_acc``,
``test_acc``, ``total_norm``, ``loss``, ``status``), never a network. The ``*View``
classes make their artists once and update them in place (for the explorers); the
``plot_*`` functions draw a finished figure for a notebook.
"""

import numpy as np

from .curves import CurvePanel, smooth
from .style import PALETTE, TECHNIQUES, color, new_figure, style

#: x range of the activation histograms, per activation (ReLU outputs are clipped).
HIST_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 4.0)}


def technique_color(label):
    """Colour of a run labelled e.g. "weight decay λ=0.1" (by the technique it names)."""
    for name in TECHNIQUES:
        if str(label).startswith(name):
            return color(name)
    return PALETTE["black"]


def _percent(values):
    return 100.0 * np.asarray(values, dtype=float)


def zero_based(ax, cap=np.inf, empty=1.0):
    """y axis from 0 to just above the largest visible value, at most ``cap`` (a norm
    that barely moves is drawn flat, not blown up; an exploding loss leaves the top);
    from 0 to ``empty`` when nothing is drawn yet."""
    tops = [float(np.nanmax(line.get_ydata())) for line in ax.get_lines()
            if line.get_visible() and np.any(np.isfinite(line.get_ydata()))]
    top = max([t for t in tops if np.isfinite(t)], default=empty / 1.08) * 1.08
    ax.set_ylim(0, min(top, cap))


# --- accuracy curves and the gap ---------------------------------------------------

class GapMarker:
    """A double arrow between the final train and test accuracy, with its size in points."""

    def __init__(self, ax):
        self.ax = ax
        self.arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), visible=False,
                                 arrowprops=dict(arrowstyle="<->", color=PALETTE["black"],
                                                 lw=1.8, shrinkA=0, shrinkB=0))
        self.text = ax.text(0, 0, "", ha="right", va="center", visible=False,
                            fontsize=13, fontweight="bold",
                            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none",
                                      alpha=0.85))

    def show(self, epoch, train_pct, test_pct):
        if not (np.isfinite(train_pct) and np.isfinite(test_pct)):
            return self.hide()
        self.arrow.xy, self.arrow.xyann = (epoch, train_pct), (epoch, test_pct)
        self.text.set_position((epoch, 0.5 * (train_pct + test_pct)))
        self.text.set_text(f"gap {train_pct - test_pct:.1f} pts  ")
        self.arrow.set_visible(True)
        self.text.set_visible(True)

    def hide(self):
        self.arrow.set_visible(False)
        self.text.set_visible(False)


def show_accuracy(panel, run, previous=False):
    """Train and test accuracy (%) of ``run`` on a :class:`CurvePanel`; a ``previous`` run
    is drawn dashed and faint, with one legend entry naming its settings."""
    for split in ("train", "test"):
        values = getattr(run, f"{split}_acc")
        if not values:
            continue
        if previous:
            label = (f"previous run ({settings_text_short(run)})" if split == "train"
                     else "_previous test")
            line = panel.show("previous " + split, run.epochs[:len(values)], _percent(values),
                              label=label, color=color(split), linestyle="--")
            line.set_alpha(0.55)
        else:
            panel.show(split, run.epochs[:len(values)], _percent(values))


def run_title(run):
    """The finding of a run, from its numbers: final accuracies and gap."""
    if not run.test_acc:
        return "not trained yet"
    train, test = 100 * run.train_acc[-1], 100 * run.test_acc[-1]
    return f"train {train:.1f}% vs test {test:.1f}%: gap {train - test:.1f} points"


def settings_text(settings):
    """Compact figure text of a run's settings (English and math only)."""
    parts = []
    for key, value in settings.items():
        name = {"weight_decay": "λ", "dropout": "p", "n_train": "n", "weight_scale": "σ",
                "batchnorm": "BN"}.get(key, key)
        if isinstance(value, bool):
            value = "on" if value else "off"
        elif isinstance(value, float):
            value = f"{value:.3g}"
        parts.append(f"{name}={value}")
    return ", ".join(parts)


class OverfittingView:
    """Left: train/test accuracy per epoch with the final gap; right: ||W|| per epoch.
    The previous run is drawn dashed for comparison."""

    def __init__(self, fig):
        self.fig = fig
        ax_acc, ax_norm = fig.subplots(1, 2, width_ratios=[3, 2])
        self.acc = CurvePanel(ax_acc, "epoch", "accuracy (%)", ylim=(0, 102),
                              legend_loc="best")
        self.norm = CurvePanel(ax_norm, "epoch", "weight norm ||W|| (all layers)",
                               legend_loc="lower left")
        self.gap = GapMarker(ax_acc)

    def show(self, run):
        self.acc.begin()
        self.norm.begin()
        if run is None:
            self.gap.hide()
            self.acc.ax.set_title("press Run to train", loc="left")
            self.norm.ax.set_title("")
            self.acc.finish(xlim=(0, 1))
            self.norm.finish(xlim=(0, 1))
            return
        previous = run.previous
        if previous is not None and previous.test_acc:
            show_accuracy(self.acc, previous, previous=True)
            line = self.norm.show("previous", previous.epochs[:len(previous.total_norm)],
                                  previous.total_norm, color=color("without"), linestyle="--",
                                  label=f"previous ({settings_text_short(previous)})")
            line.set_alpha(0.6)
        show_accuracy(self.acc, run)
        norm = run.total_norm
        if norm.size:
            self.norm.show("now", run.epochs[:norm.size], norm, color=color("with"),
                           label=f"this run ({settings_text_short(run)})")
        epochs = run.settings.get("epochs", run.epochs[-1] if run.epochs else 1)
        if run.test_acc:
            self.gap.show(run.epochs[-1], 100 * run.train_acc[-1], 100 * run.test_acc[-1])
        else:
            self.gap.hide()
        title = run_title(run)
        if run.status.startswith("diverged"):
            title = f"{run.status}: {title}"
        self.acc.ax.set_title(title, loc="left")
        if norm.size:
            self.norm.ax.set_title(f"||W||: {norm[0]:.1f} at start -> {norm[-1]:.1f}",
                                   loc="left")
        self.acc.finish(xlim=(0, epochs * 1.02))
        self.norm.finish(xlim=(0, epochs * 1.02))
        zero_based(self.norm.ax)


def settings_text_short(run):
    """λ and p and BN of a run: what the overfitting lab compares."""
    s = run.settings
    keys = [k for k in ("n_train", "batchnorm", "weight_decay", "dropout", "weight_scale",
                        "activation") if k in s]
    return settings_text({k: s[k] for k in keys})


def plot_overfitting(runs, fig=None):
    """One panel per labelled run (train/test accuracy, gap marked; two columns when
    there are more than two runs) and, on the right, every run's weight norm.
    ``runs``: dict label -> run. Returns the figure."""
    ncols = 2 if len(runs) > 2 else len(runs)
    nrows = int(np.ceil(len(runs) / ncols))
    if fig is None:
        fig, _ = new_figure((4.6 * (ncols + 1), 4.2 * nrows + 0.4))
    with style():
        left, right = fig.subfigures(1, 2, width_ratios=[ncols, 1])
        axes = left.subplots(nrows, ncols, squeeze=False, sharex=True).ravel()
        for k, ax in enumerate(axes):
            if k >= len(runs):
                ax.set_visible(False)
                continue
            label, run = list(runs.items())[k]
            panel = CurvePanel(ax, "epoch" if k >= len(runs) - ncols else "",
                               "accuracy (%)" if k % ncols == 0 else "", ylim=(0, 102),
                               legend_loc="lower right")
            show_accuracy(panel, run)
            panel.finish()
            GapMarker(ax).show(run.epochs[-1], 100 * run.train_acc[-1],
                               100 * run.test_acc[-1])
            ax.set_title(f"{label}: test {100 * run.test_acc[-1]:.1f}%", fontsize=13)
        ax_norm = right.subplots()
        norm_panel = CurvePanel(ax_norm, "epoch", "||W|| (all layers)", legend_loc="lower left")
        for label, run in runs.items():
            norm_panel.show(label, run.epochs, run.total_norm, color=technique_color(label))
        norm_panel.finish()
        zero_based(ax_norm)
        smallest = min(runs, key=lambda label: runs[label].total_norm[-1])
        ax_norm.set_title(f"weight norm: smallest with\n{smallest}", fontsize=13)
    return fig


# --- activation histograms --------------------------------------------------------

def histogram_edges(activation, bins=30):
    low, high = HIST_RANGE.get(activation, (-3.0, 3.0))
    return np.linspace(low, high, bins + 1)


def layer_histogram(values, edges):
    """Share of ``values`` in each bin (values outside the range go to the end bins)."""
    values = np.clip(np.ravel(values), edges[0], edges[-1])
    counts, _ = np.histogram(values, bins=edges)
    return counts / max(1, values.size)


class HistogramRow:
    """One histogram per layer, updated in place (StepPatch.set_data)."""

    def __init__(self, axes, xlabel="activation value"):
        self.axes = list(axes)
        edges = histogram_edges("sigmoid")
        self.patches = [ax.stairs(np.zeros(edges.size - 1), edges, fill=True, alpha=0.85)
                        for ax in self.axes]
        self.notes = [ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top",
                              fontsize=11) for ax in self.axes]
        for i, ax in enumerate(self.axes):
            ax.set_xlabel(xlabel if i == len(self.axes) // 2 else "")
            ax.set_title(f"layer {i + 1}", fontsize=13)
            if i:
                ax.tick_params(labelleft=False)
        self.axes[0].set_ylabel("share of values")

    def show(self, layers, activation):
        """Histograms of the arrays ``layers`` (one per axes); the std of each is written."""
        edges = histogram_edges(activation)
        shares = [layer_histogram(values, edges) for values in layers]
        top = max([0.05] + [float(s.max()) for s in shares])
        for ax, patch, note, share, values in zip(self.axes, self.patches, self.notes,
                                                  shares, layers):
            patch.set_data(share, edges)
            patch.set_facecolor(color(activation))
            patch.set_edgecolor(color(activation))
            ax.set_xlim(edges[0], edges[-1])
            ax.set_ylim(0, top * 1.15)
            note.set_text(f"std {np.std(values):.2g}")
        return shares


def plot_activation_grid(rows, activation, fig=None):
    """Rows of per-layer histograms; ``rows``: dict label -> list of per-layer arrays.
    Each row's label says where its last layer's values are (their std)."""
    n_layers = len(next(iter(rows.values())))
    if fig is None:
        fig, _ = new_figure((2.7 * n_layers, 2.6 * len(rows)))
    with style():
        axes = fig.subplots(len(rows), n_layers, squeeze=False)
        for row_axes, (label, layers) in zip(axes, rows.items()):
            row = HistogramRow(row_axes)
            row.show(layers, activation)
            row_axes[0].set_ylabel(f"{label}\nshare", fontsize=12)
            for ax in row_axes[1:]:
                ax.set_ylabel("")
        low, high = HIST_RANGE.get(activation, (-3, 3))
        fig.suptitle(f"{activation} activations per layer (clipped to [{low:g}, {high:g}])",
                     fontsize=14)
    return fig


class BatchNormView:
    """Top: activation histogram of each hidden layer; bottom: accuracy per epoch and
    loss per iteration of the current run (the previous one dashed)."""

    def __init__(self, fig, n_layers=5):
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.25])
        self.hist = HistogramRow(top.subplots(1, n_layers))
        ax_acc, ax_loss = bottom.subplots(1, 2)
        self.acc = CurvePanel(ax_acc, "epoch", "accuracy (%)", ylim=(0, 102),
                              legend_loc="best")
        # linear: the loss goes from ln(10) = 2.3 to about 0.1, barely more than a decade
        self.loss = CurvePanel(ax_loss, "iteration", "training loss (smoothed)",
                               legend_loc="lower left")
        self.title = fig.suptitle(" ", fontsize=14)
        self.note = ax_loss.text(0.5, 0.55, "", transform=ax_loss.transAxes, ha="center",
                                 va="center", fontsize=16, color=PALETTE["vermillion"])
        self.fig = fig

    def show(self, frame):
        if frame is None:
            return
        activation = frame.settings["activation"]
        self.hist.show(frame.layers, activation)
        stds = [np.std(values) for values in frame.layers]
        # the text changes, not the place: the explorer lays the figure out only once
        self.title.set_text(f"{activation}, σ={frame.settings['weight_scale']:.1e}, "
                            f"BN {'on' if frame.settings['batchnorm'] else 'off'}: activation "
                            f"std {stds[0]:.2g} in layer 1, {stds[-1]:.2g} in layer "
                            f"{len(stds)} (at initialization)")
        self.acc.begin()
        self.loss.begin()
        for run, previous in ((frame.previous, True), (frame.run, False)):
            if run is None or not run.train_acc:
                continue
            show_accuracy(self.acc, run, previous)
            if run.loss:
                label = f"previous run ({settings_text_short(run)})" if previous else "this run"
                line = self.loss.show("previous" if previous else "now",
                                      np.arange(1, len(run.loss) + 1), smooth(run.loss, 10),
                                      label=label, linestyle="--" if previous else "-",
                                      color=color("without" if previous else "with"))
                line.set_alpha(0.6 if previous else 1.0)
        diverged = frame.run is not None and frame.run.status.startswith("diverged")
        self.note.set_text(f"{frame.run.status}:\nthe loss overflowed" if diverged else "")
        if frame.run is not None and frame.run.test_acc:
            self.acc.ax.set_title(run_title(frame.run), loc="left", fontsize=13)
            self.loss.ax.set_title(frame.run.status, loc="left", fontsize=13)
        else:
            self.acc.ax.set_title("press Run to train", loc="left", fontsize=13)
            self.loss.ax.set_title("", loc="left")
        epochs = frame.settings["epochs"]
        self.acc.finish(xlim=(0, epochs * 1.02))
        self.loss.finish()
        zero_based(self.loss.ax, cap=4 * np.log(10), empty=np.log(10))  # log(10): guessing


# --- the weight-scale sweep -------------------------------------------------------

def plot_scale_sweep(scales, final_without, final_with, ax=None):
    """Final training accuracy against the initial weight scale (log axis), without and
    with batch norm; the title counts the scales where batch norm did better."""
    if ax is None:
        fig, ax = new_figure((8, 4.6), nrows=1, ncols=1)
    with style():
        ax.plot(scales, _percent(final_without), "o-", color=color("without"),
                label="without BN")
        ax.plot(scales, _percent(final_with), "o-", color=color("with"), label="with BN")
        ax.set_xscale("log")
        ax.set_xlabel("initial weight scale σ (std of W)")
        ax.set_ylabel("final training accuracy (%)")
        ax.set_ylim(0, 102)
        better = int(np.sum(np.asarray(final_with) > np.asarray(final_without) + 0.02))
        ax.set_title(f"BN better (by > 2 points) at {better} of {len(scales)} scales",
                     loc="left")
        ax.legend(loc="lower left")
    return ax.figure


def plot_scale_curves(sweep, fig=None, ncols=4):
    """Small multiples: training accuracy per epoch at each scale, without and with BN."""
    n = len(sweep.scales)
    nrows = int(np.ceil(n / ncols))
    if fig is None:
        fig, _ = new_figure((3.3 * ncols, 2.5 * nrows))
    with style():
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for k, ax in enumerate(axes):
            if k >= n:
                ax.set_visible(False)
                continue
            ax.plot(sweep.epochs, _percent(sweep.without_bn[k]), color=color("without"),
                    linestyle="--", label="without BN")
            ax.plot(sweep.epochs, _percent(sweep.with_bn[k]), color=color("with"),
                    label="with BN")
            ax.set_title(f"σ = {sweep.scales[k]:.2g}", fontsize=12)
            ax.set_ylim(0, 102)
            if k % ncols == 0:
                ax.set_ylabel("train acc. (%)", fontsize=12)
            if k >= n - ncols:
                ax.set_xlabel("epoch", fontsize=12)
        fig.legend(handles=axes[0].get_lines(), loc="outside upper center", ncols=2)
    return fig
