"""Chapter 4 (regularization) figures: accuracy curves with the train/test gap marked,
weight norms, per-layer activation histograms, the weight-scale sweep.

Functions take arrays or training histories (:class:`~dlskills.History`: ``epochs``,
``train_acc``, ``test_acc``, ``total_norm``, ``loss``, ``status``), never a network.
The ``*View`` classes make their artists once and update them in place (for the
explorers); the ``plot_*`` functions draw a finished figure for a notebook. Every title,
legend and note is a catalogue sentence (``reg.*``).
"""

import numpy as np

from ..experiments.regularization import BN_HIDDEN
from ..messages import say, say_yes_no
from ..stats import activation_bins, layer_histograms
from .axes import WholeTicks, log_axis
from .base import View
from .curves import CurvePanel, TrainingCurves, seed_spread, zero_based
from .style import PALETTE, TECHNIQUES, color, new_figure, style

#: bins per activation histogram (ReLU outputs above 4 fall in the last bin)
HIST_BINS = 30


def _technique(label):
    """The technique a run label names ("weight decay λ=0.1" -> "weight decay"), or None."""
    return next((name for name in (*TECHNIQUES, "more data") if str(label).startswith(name)),
                None)


def technique_color(label):
    """Colour of a run labelled e.g. "weight decay λ=0.1" (by the technique it names)."""
    name = _technique(label)
    return color(name) if name in TECHNIQUES else PALETTE["black"]


def technique_label(label):
    """The Chinese label of a run labelled in code ("weight decay λ=0.1", "dropout p=0.15",
    "batch norm", "baseline", "more data n=1200"); other labels are kept."""
    name, value = _technique(label), str(label).partition("=")[2]
    if name is None:
        return str(label)
    kind = name.replace(" ", "_")
    if not value:
        return say(f"reg.label.technique.{kind}")
    number = float(value.strip(")"))
    return say(f"reg.label.technique.{kind}", value=int(number) if number.is_integer() else number)


def _percent(values):
    return 100.0 * np.asarray(values, dtype=float)


# --- accuracy curves and the gap ---------------------------------------------------

#: Share of the x range left free right of the last epoch, where the gap label sits
#: (clear of every curve, which ends at the last epoch, and of the tick labels).
GAP_MARGIN = 0.2


class GapMarker:
    """A double arrow between the final train and held-out accuracy, its size in points
    written just right of it (in the margin kept by :meth:`epochs`, free of epoch ticks)."""

    def __init__(self, ax):
        self.ax = ax
        self.ticks = WholeTicks(most=8)      # a wide panel
        ax.xaxis.set_major_locator(self.ticks)
        self.arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), visible=False,
                                 arrowprops=dict(arrowstyle="<->", color=PALETTE["black"],
                                                 lw=1.8, shrinkA=0, shrinkB=0))
        self.text = ax.annotate("", xy=(0, 0), xytext=(6, 0), textcoords="offset points",
                                ha="left", va="center", visible=False, fontsize=13,
                                linespacing=1.1)

    def show(self, run):
        """Mark ``run``'s last gap; hidden when it measured none (yet) or not a finite one."""
        if not run.test_acc:
            return self.hide()
        epoch, train_pct, test_pct = run.epochs[-1], 100 * run.train_acc[-1], 100 * run.test_acc[-1]
        if not (np.isfinite(train_pct) and np.isfinite(test_pct)):
            return self.hide()
        self.arrow.xy, self.arrow.xyann = (epoch, train_pct), (epoch, test_pct)
        self.text.xy = (epoch, 0.5 * (train_pct + test_pct))
        self.text.set_text(say("reg.gap", gap=train_pct - test_pct))
        self.arrow.set_visible(True)
        self.text.set_visible(True)

    def hide(self):
        self.arrow.set_visible(False)
        self.text.set_visible(False)

    def epochs(self, epochs):
        """x from 0 to ``epochs`` and room for the label on the right, no tick in it."""
        self.ax.set_xlim(0, epochs * (1 + GAP_MARGIN))
        self.ticks.last = epochs


def _accuracy_curves(ax_acc, ax_loss=None, **options):
    """Chapter 4's :class:`TrainingCurves`: train and held-out accuracy in %, coloured by
    split, whole epochs; legends at the centre right, where a rising or stalled accuracy
    (ending above or below the middle) and a falling loss seldom are (a fixed place: no
    search for the emptiest one on every redraw)."""
    return TrainingCurves(ax_loss, ax_acc, gap=True, whole_epochs=True,
                          legend_loc="center right", **options)


def _show_runs(curves, run, previous=None, epochs=None):
    """Draw ``run`` and, dashed, ``previous`` (Histories or None) on ``curves``; the
    previous run's legend entry names its settings; the accuracy panel's title is the
    run's finding (or, with no run, how to start one)."""
    curves.update({} if run is None else {"run": run},
                  labels={"run": say("reg.legend.this_run")},
                  previous=None if previous is None else {"run": previous},
                  previous_labels=previous and {"run": say(
                      "reg.legend.previous", settings=settings_text(previous))},
                  epochs=epochs, colors={"run": color("with")})
    curves.acc.ax.set_title(say("curves.press_run") if run is None else run.finding, loc="left",
                            fontsize=13)


#: what chapter 4 varies in a run, and its symbol in figure text (activation: its name)
SETTING_SYMBOLS = {"n_train": "n", "batchnorm": "BN", "weight_decay": "λ", "dropout": "p",
                   "weight_scale": "σ", "activation": None}


def settings_text(run):
    """Compact figure text of what chapter 4 varies in a run's settings: symbols and numbers
    ("n=300，BN 否，λ=0.1")."""
    parts = []
    for key, symbol in SETTING_SYMBOLS.items():
        value = run.settings.get(key)
        if isinstance(value, bool):
            parts.append(f"{symbol} {say_yes_no(value)}")
        elif value is not None:
            value = f"{value:.3g}" if isinstance(value, float) else value
            parts.append(str(value) if symbol is None else f"{symbol}={value}")
    return say("explorer.settings_sep").join(parts)


class OverfittingView(View):
    """Left: train/test accuracy per epoch with the final gap; right: ||W|| per epoch.
    The previous run is drawn dashed for comparison."""

    figsize = (13, 5.2)

    def __init__(self, fig):
        super().__init__(fig)
        ax_acc, ax_norm = fig.subplots(1, 2, width_ratios=[3, 2])
        self.curves = _accuracy_curves(ax_acc)
        self.norm = CurvePanel(ax_norm, say("axis.epoch"), say("reg.axis.norm"),
                               legend_loc="lower left")
        self.gap = GapMarker(ax_acc)
        ax_norm.xaxis.set_major_locator(WholeTicks())

    def update(self, run, previous=None):
        """Draw ``run`` (a History, or None: nothing trained yet) and, dashed, the
        ``previous`` run."""
        self.norm.begin()
        if run is None:
            _show_runs(self.curves, None, epochs=1)
            self.gap.hide()
            self.norm.ax.set_title("")
            self.norm.finish(xlim=(0, 1))
            zero_based(self.norm.ax)        # a norm from 0, as once a run is drawn
            return
        previous = previous if previous is not None and previous.test_acc else None
        if previous is not None:
            self.norm.show("previous", previous.epochs[:len(previous.total_norm)],
                           previous.total_norm, color=color("without"), linestyle="--",
                           alpha=0.6, label=say("reg.legend.previous",
                                                settings=settings_text(previous)))
        norm = run.total_norm
        if norm.size:
            self.norm.show("now", run.epochs[:norm.size], norm, color=color("with"),
                           label=say("reg.legend.this", settings=settings_text(run)))
            self.norm.ax.set_title(say("reg.title.norm", start=norm[0], end=norm[-1]),
                                   loc="left", fontsize=13)
        epochs = run.settings.get("epochs", run.epochs[-1] if run.epochs else 1)
        self.gap.show(run)
        _show_runs(self.curves, run, previous)
        self.gap.epochs(epochs)
        self.norm.finish(xlim=(0, epochs * 1.02))
        zero_based(self.norm.ax)


def plot_overfitting(runs):
    """One panel per labelled run (train/held-out accuracy, gap marked; two columns when
    there are more than two runs) and, on the right, every run's weight norm.
    ``runs``: dict label -> run (labels as :func:`technique_label` reads them). Returns
    the figure."""
    ncols = 2 if len(runs) > 2 else len(runs)
    nrows = int(np.ceil(len(runs) / ncols))
    fig, _ = new_figure((4.6 * (ncols + 1), 4.2 * nrows + 0.4))
    with style():
        left, right = fig.subfigures(1, 2, width_ratios=[ncols, 1])
        axes = left.subplots(nrows, ncols, squeeze=False, sharex=True).ravel()
        for ax in axes[len(runs):]:
            ax.set_visible(False)
        for k, (ax, (label, run)) in enumerate(zip(axes, runs.items())):
            _accuracy_curves(ax).update({label: run})
            ax.set_xlabel(ax.get_xlabel() if k >= len(runs) - ncols else "")
            ax.set_ylabel(ax.get_ylabel() if k % ncols == 0 else "")
            gap = GapMarker(ax)
            gap.epochs(run.epochs[-1])
            gap.show(run)
            ax.set_title(say(f"reg.title.panel.{run.held_out}", label=technique_label(label),
                             acc=100 * run.test_acc[-1]), fontsize=13)
        ax_norm = right.subplots()
        norm_panel = CurvePanel(ax_norm, say("axis.epoch"), say("reg.axis.norm"),
                                legend_loc="lower left")
        for label, run in runs.items():
            norm_panel.show(label, run.epochs, run.total_norm, color=technique_color(label),
                            label=technique_label(label))
        norm_panel.finish()
        ax_norm.xaxis.set_major_locator(WholeTicks())
        zero_based(ax_norm)
        smallest = min(runs, key=lambda label: runs[label].total_norm[-1])
        ax_norm.set_title(say("reg.title.smallest_norm", label=technique_label(smallest)),
                          fontsize=13)
    return fig


# --- activation histograms --------------------------------------------------------

class HistogramRow:
    """One histogram per layer, updated in place (StepPatch.set_data)."""

    def __init__(self, axes):
        self.axes = list(axes)
        edges = activation_bins("sigmoid", HIST_BINS).edges()
        self.patches = [ax.stairs(np.zeros(edges.size - 1), edges, fill=True, alpha=0.85)
                        for ax in self.axes]
        self.notes = [ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top",
                              fontsize=11) for ax in self.axes]
        for i, ax in enumerate(self.axes):
            ax.set_xlabel(say("reg.axis.activation") if i == len(self.axes) // 2 else "")
            ax.set_title(say("axis.layer", layer=i + 1), fontsize=13)
            if i:
                ax.tick_params(labelleft=False)
        self.axes[0].set_ylabel(say("axis.share"))
        self.activation = None

    def _set_range(self, edges):
        """x range and ticks of every panel (once per activation, not per frame): three
        ticks, the end ones aligned inwards, so neighbouring panels' "1" and "0" never
        touch."""
        ticks = np.linspace(edges[0], edges[-1], 3)
        for ax in self.axes:
            ax.set_xlim(edges[0], edges[-1])
            ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
            for label, align in zip(ax.get_xticklabels(), ("left", "center", "right")):
                label.set_horizontalalignment(align)

    def show(self, layers, activation):
        """Histograms of the arrays ``layers`` (one per axes); the std of each is written
        and returned."""
        binning = activation_bins(activation, HIST_BINS)
        edges = binning.edges()
        hist = layer_histograms(binning, layers)
        shares, stds = hist.shares, [float(std) for std in hist.std]
        top = max([0.05] + [float(s.max()) for s in shares])
        if activation != self.activation:
            self._set_range(edges)
            self.activation = activation
        for ax, patch, note, share, std in zip(self.axes, self.patches, self.notes, shares,
                                               stds):
            patch.set_data(share, edges)
            patch.set_facecolor(color(activation))
            patch.set_edgecolor(color(activation))
            ax.set_ylim(0, top * 1.3)       # headroom: the note stays above the bars
            note.set_text(say("reg.title.std", std=std))
        return stds


def plot_activation_grid(rows, activation):
    """Rows of per-layer histograms; ``rows``: dict label -> list of per-layer arrays.
    Each row's label says where its last layer's values are (their std)."""
    n_layers = len(next(iter(rows.values())))
    fig, _ = new_figure((2.7 * n_layers, 2.6 * len(rows)))
    with style():
        axes = fig.subplots(len(rows), n_layers, squeeze=False)
        for row_axes, (label, layers) in zip(axes, rows.items()):
            row = HistogramRow(row_axes)
            row.show(layers, activation)
            row_axes[0].set_ylabel(say("axis.share_row", label=label), fontsize=12)
        binning = activation_bins(activation)
        fig.suptitle(say("reg.title.activations", activation=activation, low=binning.lo,
                         high=binning.hi),
                     fontsize=14)
    return fig


class BatchNormView(View):
    """Top: activation histogram of each hidden layer; bottom: accuracy per epoch and
    loss per iteration of the current run (the previous one dashed)."""

    figsize = (13, 7.5)

    def __init__(self, fig, n_layers=len(BN_HIDDEN)):
        super().__init__(fig)
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.25])
        self.hist = HistogramRow(top.subplots(1, n_layers))
        ax_acc, ax_loss = bottom.subplots(1, 2)
        # linear: the loss goes from ln(10) = 2.3 to about 0.1, barely more than a decade
        self.curves = _accuracy_curves(ax_acc, ax_loss, window=10, loss_top=4 * np.log(10))
        self.title = fig.suptitle(" ", fontsize=14)
        self.note = ax_loss.text(0.5, 0.55, "", transform=ax_loss.transAxes, ha="center",
                                 va="center", fontsize=16, color=PALETTE["vermillion"])

    def update(self, frame, previous=None):
        """Draw ``frame`` (a :class:`~dlskills.experiments.regularization.BatchNormFrame`:
        settings, histograms, its run) and, dashed, the ``previous`` run."""
        if frame is None:
            return
        activation = frame.settings["activation"]
        stds = self.hist.show(frame.layers, activation)
        # the text changes, not the place: the explorer lays the figure out only once
        self.title.set_text(say("reg.title.bn", activation=activation,
                                scale=frame.settings["weight_scale"],
                                bn=say_yes_no(frame.settings["batchnorm"]),
                                first=stds[0], n=len(stds), last=stds[-1]))
        # x to 2 % past the last epoch: its end markers whole
        _show_runs(self.curves, frame.run, previous, epochs=frame.settings["epochs"] * 1.02)
        diverged = frame.run is not None and frame.run.status.startswith("diverged")
        self.note.set_text(say("reg.title.diverged", status=frame.run.message)
                           if diverged else "")
        self.curves.ax_loss.set_title("" if frame.run is None else frame.run.message,
                                      loc="left", fontsize=13)


# --- the weight-scale sweep -------------------------------------------------------

def _final_accuracy(x, lines, xlabel, ylabel, title):
    """A figure of final accuracies against a setting on a log x axis: ``lines`` are
    (values 0-1, colour, legend label); extra artists are the caller's."""
    fig, ax = new_figure((8, 4.6), nrows=1, ncols=1)
    with style():
        for values, line_color, label in lines:
            ax.plot(x, _percent(values), "o-", color=line_color, label=label)
        log_axis(ax.xaxis)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, 102)
        ax.set_title(title, loc="left", fontsize=13)
    return ax


def plot_scale_sweep(scales, final_without, final_with):
    """Final training accuracy against the initial weight scale (log axis), without and
    with batch norm; the title counts the scales where batch norm did better."""
    better = int(np.sum(np.asarray(final_with) > np.asarray(final_without) + 0.02))
    ax = _final_accuracy(scales, [(final_without, color("without"), say("reg.legend.without_bn")),
                                  (final_with, color("with"), say("reg.legend.with_bn"))],
                         say("reg.axis.weight_scale"), say("reg.axis.final_train_accuracy"),
                         say("reg.title.sweep", better=better, total=len(scales)))
    with style():
        ax.legend(loc="lower left")
    return ax.figure


def plot_scale_curves(sweep, ncols=4):
    """Small multiples: training accuracy per epoch at each scale, without and with BN."""
    n = len(sweep.scales)
    nrows = int(np.ceil(n / ncols))
    fig, _ = new_figure((3.3 * ncols, 2.5 * nrows))
    with style():
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for ax in axes[n:]:
            ax.set_visible(False)
        for k, ax in enumerate(axes[:n]):
            ax.plot(sweep.epochs, _percent(sweep.without_bn[k]), color=color("without"),
                    linestyle="--", label=say("reg.legend.without_bn"))
            ax.plot(sweep.epochs, _percent(sweep.with_bn[k]), color=color("with"),
                    label=say("reg.legend.with_bn"))
            ax.set_title(say("reg.title.scale", scale=sweep.scales[k]), fontsize=12)
            ax.set_ylim(0, 102)
            ax.xaxis.set_major_locator(WholeTicks())
            if k % ncols == 0:
                ax.set_ylabel(say("reg.axis.train_accuracy"), fontsize=12)
            if k >= n - ncols:
                ax.set_xlabel(say("axis.epoch"), fontsize=12)
        fig.legend(handles=axes[0].get_lines(), loc="outside upper center", ncols=2)
    return fig


# --- several seeds, and a search on the validation split ---------------------------

def plot_seed_comparison(comparison):
    """Final validation accuracy and train - validation gap of each setting, one dot per
    seed and a bar at the mean (:func:`seed_spread`): the spread a single run would hide."""
    labels, gap = list(comparison.runs[0]), comparison.final("gap")
    fig, axes = new_figure((12, 4.6), nrows=1, ncols=2)
    with style():
        for ax, ylabel, values in ((axes[0], say("reg.axis.final_val_accuracy"),
                                    comparison.final("val_acc")),
                                   (axes[1], say("reg.axis.final_gap"), gap)):
            seed_spread(ax, {k: _percent(values[k]) for k in labels},
                        {k: technique_color(k) for k in labels})
            # the technique over its setting, on two lines: long labels never run together
            ax.set_xticks(np.arange(len(labels)),
                          [technique_label(k).replace(" ", "\n", 1) for k in labels])
            ax.set_ylabel(ylabel)
        axes[0].set_ylim(0, 100)
        top = max(float(np.max(_percent(gap[k]))) for k in labels)
        axes[1].set_ylim(0, max(5.0, 1.15 * top))
        fig.suptitle(say("reg.title.seeds", n=len(comparison.seeds)), fontsize=14)
    return fig


def plot_lambda_search(lambdas, train_acc, val_acc, seed=0):
    """Final train and validation accuracy against lambda on a log axis (one run each);
    the lambda with the best validation accuracy is marked."""
    lambdas = np.asarray(lambdas, dtype=float)
    ax = _final_accuracy(lambdas, [(train_acc, color("train"), say("curves.split.train")),
                                   (val_acc, color("validation"), say("curves.split.validation"))],
                         say("reg.axis.lambda"), say("reg.axis.final_accuracy"),
                         say("reg.title.lambda", seed=seed))
    best = int(np.argmax(val_acc))
    with style():
        ax.plot(lambdas[best], 100 * val_acc[best], "o", ms=16, mfc="none",
                mec=PALETTE["black"], mew=2,
                label=say("reg.legend.best_val", lam=float(lambdas[best])))
        ax.legend(loc="lower left")
    return ax.figure
