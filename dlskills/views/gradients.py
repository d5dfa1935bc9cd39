"""Chapter 1 figures: parameters of deeper versus wider networks, gradients per layer,
activation histograms, and per-layer update sizes during training.

Two kinds of function live here:

* ``GradientView`` and ``ParamGrowthView`` (:class:`~dlskills.views.base.View`) make their
  artists once and update them in place (``update(result)``), for the explorers;
  ``GradientView.figure(profile)`` gives the same drawing as a static figure;
* ``plot_*`` functions draw a whole static figure for a notebook cell and return it.

All take numbers (arrays, a ``GradientProfile``, a ``ParamGrowth``, a ``History``), never
a network. Every text drawn comes from the message catalogue (``gradients.view.*``,
``gradients.growth.*``, ``gradients.fig.*``).
"""

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..experiments.gradients import param_growth
from ..functions import ACTIVATIONS
from ..messages import say
from .axes import LayerTicks, edge_marks, log_axis, show_profile
from .base import View
from .curves import TrainingCurves, smooth
from .style import PALETTE, color, new_figure, style

DEEP_COLOR, WIDE_COLOR = PALETTE["blue"], PALETTE["vermillion"]
ALERT = PALETTE["vermillion"]
LAYER_CMAP = "viridis"          # layer 1 (dark) ... output layer (yellow)


def _norm_axes(ax):
    """Chapter 1's axes of a gradient norm per weight layer: log y, layer ticks (a wide
    panel: every layer up to 12)."""
    log_axis(ax.yaxis, most=9)
    ax.set_xlabel(say("axis.weight_layer"))
    ax.set_ylabel(say("axis.grad_norm"))
    ax.xaxis.set_major_locator(LayerTicks(most=12))


def _fit_norms(ax, norms, layers):
    """x over ``layers`` weight layers; y around the finite positive ``norms`` (a default
    if none), 4 times beyond them and 4 decades at least, so that a flat profile looks
    flat and has tick labels."""
    ax.set_xlim(0.5, layers + 0.5)
    good = norms[np.isfinite(norms) & (norms > 0)]
    if good.size == 0:
        ax.set_ylim(1e-3, 1e3)
        return
    lo, hi = np.log10(float(good.min()) / 4), np.log10(float(good.max()) * 4)
    widen = max(0.0, 4 - (hi - lo)) / 2
    ax.set_ylim(10 ** (lo - widen), 10 ** (hi + widen))


def _weights(init, scale):
    """How the weights were drawn, in a title: "N(0, 0.01²)", or the initializer's name."""
    return f"N(0, {scale:.3g}²)" if init == "normal" else init


# --- the gradient explorer ----------------------------------------------------------

class GradientView(View):
    """Left: ||dL/dW_l|| per weight layer (log scale). Right: histograms of the
    activation values of up to three hidden layers. The figure title is the finding."""

    figsize = (12.5, 5.4)

    def __init__(self, fig, n_hist=3):
        super().__init__(fig)
        grid = fig.add_gridspec(n_hist, 2, width_ratios=[1.3, 1.0])
        ax = self.ax = fig.add_subplot(grid[:, 0])
        _norm_axes(ax)
        self.line, = ax.plot([], [], marker="o", markersize=5,
                             label=say("gradients.view.norm_legend"))
        self.reference = ax.axhline(1.0, color=PALETTE["grey"], linestyle="--",
                                    linewidth=1.3, label=say("gradients.view.output_legend"))
        self.legend = ax.legend(loc="lower right", fontsize=11, framealpha=0.85)
        # drawn only when some layer's gradient is exactly 0 or not finite (see the note)
        self.zeros, self.infs = edge_marks(ax, color=ALERT, markersize=10)
        self.note = ax.text(0.02, 0.5, "", transform=ax.transAxes, va="center", ha="left",
                            color=ALERT, fontsize=12,
                            bbox={"facecolor": "white", "edgecolor": ALERT, "alpha": 0.9})
        self.hist_axes = [fig.add_subplot(grid[row, 1]) for row in range(n_hist)]
        self.steps = [h.stairs(np.zeros(1), np.array([0.0, 1.0]), fill=True, alpha=0.75)
                      for h in self.hist_axes]
        for h in self.hist_axes:
            h.yaxis.set_major_locator(MaxNLocator(nbins=2))
            h.grid(False)                 # fewer lines to redraw; the bars need none
            h.xaxis.set_major_locator(MaxNLocator(nbins=5))
            # "2e+37" on the tick itself: an offset text ("1e38") ran into the title below
            h.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        self.hist_axes[-1].set_ylabel(say("axis.share"))     # the bottom one is always shown
        self.title = fig.suptitle("", fontsize=15)

    def widest(self, ranges):
        """The widest tick labels, titles and notes this view can show, for the one layout
        made before the first draw (``update`` then replaces all of it): from the controls'
        ``ranges``, the deepest network, the longest activation name and the longest
        weights; from the numbers' types, the smallest float64 norm and (not set by any
        control) float32 activations with two-digit mantissas and exponents."""
        depth = max(ranges["depth"])
        self.ax.set_ylim(np.finfo(float).tiny, 1e3)          # ticks down to 10⁻³⁰⁰
        weights = max((_weights(init, scale) for init in ranges["init"]
                       for scale in ranges["scale"]), key=len)
        self.ax.set_title(say("gradients.view.net_title", weights=weights, depth=depth,
                              activation=max(ranges["activation"], key=len)),
                          fontsize=13, loc="left")
        for ax in self.hist_axes:
            ax.set_visible(True)
            ax.set_xlim(0.0, 2.5e37)                     # "2.5e+37" at the right edge
            ax.set_ylim(0, 0.025)
            ax.set_title(say("gradients.view.hist_title", layer=depth, mean=-0.55, std=0.55,
                             flat=1.0), fontsize=12, loc="left")
        self.hist_axes[-1].set_xlabel(say("gradients.view.relu_value_axis"))
        self.title.set_text(say("gradients.view.norm_legend"))   # one line, as findings
        return True

    def update(self, p):
        """Show a ``GradientProfile``."""
        norms = p.grad_norms
        show_profile(self.line, self.zeros, self.infs, norms)
        self.line.set_color(color(p.activation))
        self.legend.legend_handles[0].set_color(color(p.activation))
        # keep the legend where the profile is not: it falls to the right when vanishing;
        # inf/NaN markers sit along the top edge
        rising = np.isfinite(p.ratio) and p.ratio < 1
        overflow = not np.all(np.isfinite(norms))
        self.legend.set_loc("lower right" if rising or overflow else "upper right")
        out = norms[-1]
        self.reference.set_ydata([out, out] if np.isfinite(out) and out > 0 else [np.nan] * 2)
        _fit_norms(self.ax, norms, norms.size)
        self.ax.set_title(say("gradients.view.net_title", activation=p.activation,
                              weights=_weights(p.init, p.scale), depth=p.depth),
                          fontsize=13, loc="left",
                          y=1.0)   # a fixed place: no title layout on every redraw
        note = self._note(p)
        self.note.set_text(note)
        self.note.set_visible(bool(note))
        self.title.set_text(p.finding)
        unused = len(self.hist_axes) - len(p.hist_layers)     # filled from the bottom
        for i, ax in enumerate(self.hist_axes):
            ax.set_visible(i >= unused)
        for i, k in enumerate(p.hist_layers):
            self._update_hist(unused + i, i, k, p)
        self.hist_axes[-1].set_xlabel(say("gradients.view.relu_value_axis")
                                      if p.activation == "relu"
                                      else say("gradients.view.value_axis",
                                               activation=p.activation))

    @staticmethod
    def _note(p):
        lines = []
        if p.zero_layers and p.zero_cause == "saturation":
            lines.append(say("gradients.view.note_saturation"))
        elif p.zero_layers:
            lines.append(say("gradients.view.note_underflow"))
        if p.overflow_grad_layers or p.overflow_activation_layer is not None:
            lines.append(say("gradients.view.note_overflow"))
        return "\n".join(lines)

    def _update_hist(self, place, i, k, p):
        """Histogram ``i`` of ``p`` (hidden layer ``k``) in the axes at ``place``."""
        ax, step = self.hist_axes[place], self.steps[place]
        counts, edges, stats = p.hist_counts[i], p.hist_edges[i], p.hist_stats[i]
        step.set_data(counts, edges)
        step.set_color(color(p.activation))
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, float(counts.max()) * 1.15 if counts.max() > 0 else 1.0)
        if stats["nonfinite"] >= 1.0:
            text = say("gradients.view.hist_nonfinite", layer=k)
        else:
            text = say("gradients.view.hist_title", layer=k, mean=stats["mean"],
                       std=stats["std"], flat=stats["flat"])
        ax.set_title(text, fontsize=12, loc="left", y=1.0)


# --- the depth-versus-width explorer ------------------------------------------------

class ParamGrowthView(View):
    """Left: parameters against hidden units for "deep" (a -> w -> ... -> w) and "wide"
    (a -> w*d). Right: what adding w more units costs each way (log scale)."""

    figsize = (12.5, 4.8)

    def __init__(self, fig):
        super().__init__(fig)
        self.ax, self.bar_ax = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
        ax = self.ax
        ax.set_xlabel(say("gradients.growth.units_axis"))
        ax.set_ylabel(say("gradients.growth.params_axis"))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        kinds = {"deep": ("o", DEEP_COLOR), "wide": ("s", WIDE_COLOR)}
        self.lines = {k: ax.plot([], [], marker=m, color=c)[0] for k, (m, c) in kinds.items()}
        # over each line, thick and faint: the step from d to d + 1 hidden layers
        self.steps = {k: ax.plot([], [], color=c, linewidth=10, alpha=0.35)[0]
                      for k, (_, c) in kinds.items()}
        b = self.bar_ax
        log_axis(b.yaxis)
        b.set_ylabel(say("gradients.growth.added_axis"))
        self.bars = b.bar([0, 1], [1, 1], color=[DEEP_COLOR, WIDE_COLOR], width=0.6)
        b.set_xticks([0, 1])
        self.bar_labels = [b.text(x, 1, "", ha="center", va="bottom", fontsize=13)
                           for x in (0, 1)]
        b.grid(axis="x", visible=False)
        self.title = fig.suptitle("", fontsize=15)

    def widest(self, ranges):
        """Draw the counts at the controls' largest settings (``ranges``: every count and
        number grows with each), for the one layout made before the first draw."""
        self.update(param_growth(**{key: max(ends) for key, ends in ranges.items()}))
        return True

    def update(self, g):
        """Show a ``ParamGrowth``."""
        a, w, d = g.input_size, g.width, g.depth
        for kind, counts, key in (("deep", g.deep, "gradients.growth.deep_label"),
                                  ("wide", g.wide, "gradients.growth.wide_label")):
            self.lines[kind].set_data(g.units, counts)
            self.lines[kind].set_label(say(key, w=w))
            self.steps[kind].set_data(g.units[[d - 1, d]], counts[[d - 1, d]])
        self.ax.legend(loc="upper left")        # replaces the last one
        top = max(g.deep.max(), g.wide.max())
        self.ax.set_xlim(0, g.units[-1] + w)
        self.ax.set_ylim(0, top * 1.08)
        self.ax.set_title(say("gradients.growth.title", a=a, w=w, d=d, next=d + 1),
                          fontsize=13, loc="left", y=1.0)
        costs = [g.deep_cost, g.wide_cost]
        bias = f" + {w}" if g.biases else ""
        formulas = [f"{w}×{w}{bias}", f"{a}×{w}{bias}"]
        for bar, label, cost, formula in zip(self.bars, self.bar_labels, costs, formulas):
            bar.set_height(cost)
            label.set_position((bar.get_x() + bar.get_width() / 2, cost * 1.15))
            label.set_text(say("gradients.growth.bar_label", cost=cost, formula=formula))
        self.bar_ax.set_xticklabels([say("gradients.growth.deeper_tick"),
                                     say("gradients.growth.wider_tick", w=w)])
        self.bar_ax.set_ylim(0.7, max(costs) * 30)
        self.bar_ax.set_title(say("gradients.growth.cost_title", w=w), fontsize=13, loc="left",
                              y=1.0)
        self.title.set_text(g.finding)


# --- static figures for the notebook ------------------------------------------------

def plot_activations():
    """Every activation function (left) and its derivative (right) on [-6, 6]; the title
    of the right axes states sigmoid's largest derivative. Returns the figure."""
    fig, (ax_f, ax_d) = new_figure((12, 4.2), nrows=1, ncols=2)
    with style():
        x = np.linspace(-6, 6, 601)
        for name in ACTIVATIONS.names():
            act = ACTIVATIONS.get(name)
            ax_f.plot(x, act.f(x), color=color(name), label=name)
            ax_d.plot(x, act.grad(x), color=color(name), label=f"{name}'")
        for ax, ylabel, ylim in ((ax_f, "f(z)", (-1.2, 2.2)), (ax_d, "f'(z)", (-0.1, 1.25))):
            ax.set_xlabel("z")
            ax.set_ylabel(ylabel)
            ax.set_ylim(*ylim)
            ax.legend(loc="upper left")
        ax_f.set_title(say("control.activation"))
        peak = ACTIVATIONS.get("sigmoid").grad(x)
        best = int(np.argmax(peak))
        ax_d.axhline(peak[best], color=color("sigmoid"), linestyle=":", linewidth=1.5)
        ax_d.annotate(say("gradients.fig.sigmoid_peak", peak=peak[best], z=x[best]),
                      xy=(x[best], peak[best]), xytext=(1.0, 0.5),
                      arrowprops={"arrowstyle": "->", "color": color("sigmoid")}, fontsize=12)
        ax_d.set_title(say("gradients.fig.derivatives_title", sigmoid=peak[best],
                           tanh=ACTIVATIONS.get("tanh").grad(x).max()))
    return fig


def plot_products(factors, n_max=50):
    """factor**n against n (log scale) for each ``{label: factor}``: shrinking factors in
    blues, 1 in grey, growing ones in oranges. The title states the smallest and the
    largest product at n = ``n_max``. Returns the figure."""
    fig, ax = new_figure((10, 4.5), nrows=1, ncols=1)
    with style():
        n = np.arange(0, n_max + 1)
        shrinking = iter([PALETTE["blue"], PALETTE["sky"], PALETTE["green"]])
        growing = iter([PALETTE["orange"], PALETTE["vermillion"], PALETTE["purple"]])
        ends = {}
        for label, factor in factors.items():
            factor = float(factor)
            c = PALETTE["grey"] if factor == 1 else next(shrinking if factor < 1 else growing)
            ax.plot(n, factor ** n, color=c, label=label)
            ends[factor] = factor ** n_max
        log_axis(ax.yaxis, most=9)
        ax.set_xlabel(say("gradients.fig.layers_axis"))
        ax.set_ylabel(say("gradients.fig.product_axis"))
        ax.legend(loc="lower left", fontsize=11)
        low, high = min(ends), max(ends)
        ax.set_title(say("gradients.fig.products_title", n=n_max, low=low, low_end=ends[low],
                         high=high, high_end=ends[high]), fontsize=13)
    return fig


def _sequence_colors(n, cmap=LAYER_CMAP):
    import matplotlib
    return [matplotlib.colormaps[cmap](v) for v in np.linspace(0.0, 0.85, max(n, 1))]


def plot_norm_profiles(profiles, labels, measure="ratio"):
    """Gradient norm per weight layer of several ``GradientProfile`` objects on one log
    axes; exact zeros and inf/NaN (overflow) are marked at the axis edges.

    The title states, for the first and the last profile, layer 1's share of the output
    layer's gradient (``measure="ratio"``) or, for every profile, its largest gradient
    norm (``measure="peak"``: the right measure when all layers blow up alike)."""
    fig, ax = new_figure((10, 4.8), nrows=1, ncols=1)
    with style():
        for p, label, c in zip(profiles, labels, _sequence_colors(len(profiles))):
            line, = ax.plot([], [], marker="o", markersize=4, color=c,
                            label=say("gradients.fig.profile_legend", label=label,
                                      verdict=p.verdict_name))
            show_profile(line, *edge_marks(ax, color=c, markersize=9), p.grad_norms)
        _norm_axes(ax)
        _fit_norms(ax, np.concatenate([p.grad_norms for p in profiles]),
                   max(p.grad_norms.size for p in profiles))
        ax.legend(loc="best", fontsize=11)
        if measure == "peak":
            peaks = say("explorer.settings_sep").join(
                say("gradients.fig.peak_item", label=label, peak=_short(np.max(p.grad_norms)))
                for label, p in zip(labels, profiles))
            ax.set_title(say("gradients.fig.peak_title", peaks=peaks), fontsize=13)
        else:
            ax.set_title(say("gradients.fig.ratio_title", first=_short(profiles[0].ratio),
                             first_label=labels[0], last=_short(profiles[-1].ratio),
                             last_label=labels[-1]), fontsize=13)
    return fig


def _short(value):
    """A ratio or a norm in a title: "0.19", "3e-12", or inf/NaN said as such."""
    if not np.isfinite(value):
        return say("gradients.fig.not_finite")
    return f"{value:.2g}" if 0.01 <= value < 100 else f"{value:.0e}"


def plot_training_comparison(histories, window=10):
    """Runs of ``{name: history}`` trained with ``record_layers=True``. Left: their loss
    per iteration (:class:`TrainingCurves`: each mini-batch thin, a moving average over 10
    thick, coloured by the activation the name starts with); the title states the last
    averaged loss of each. Then, per run, the update size ||Delta W_l|| of each layer
    (moving average of ``window`` iterations, one log scale shared by the runs), one
    legend for the layers; each title states layer 1's median update as a share of the
    output layer's. Returns the figure."""
    for name, history in histories.items():
        if np.size(history.update_norms) == 0:
            raise ValueError(f"histories[{name!r}] has no update_norms: train with "
                             f"record_layers=True")
    fig, axes = new_figure((15, 5), nrows=1, ncols=len(histories) + 1)
    with style():
        curves = TrainingCurves(axes[0], raw=True, window=10, legend_loc="best")
        curves.update(histories, labels={name: name for name in histories},
                      colors={name: color(name.split()[0]) for name in histories})
        finals = [say("gradients.fig.loss_item", name=name.split()[0],
                      loss=history.final_loss(10))       # the thick line's last point
                  for name, history in histories.items()]
        axes[0].set_title(say("gradients.fig.loss_title",
                              finals=say("explorer.settings_sep").join(finals)), fontsize=13)
        for ax, (name, history) in zip(axes[1:], histories.items()):
            updates = np.asarray(history.update_norms, dtype=float)
            n_layers = updates.shape[1]
            for layer, c in zip(range(n_layers), _sequence_colors(n_layers)):
                label = (say("gradients.fig.output_layer") if layer == n_layers - 1
                         else say("axis.layer", layer=layer + 1))
                ax.plot(np.arange(1, len(updates) + 1), smooth(updates[:, layer], window),
                        color=c, linewidth=1.8, label=label)
            log_axis(ax.yaxis, most=9)
            ax.set_xlabel(say("axis.iteration"))
            ax.set_ylabel(say("gradients.fig.update_axis", window=window))
            ratio = float(np.median(updates[:, 0]) / np.median(updates[:, -1]))
            ax.set_title(say("gradients.fig.update_title", name=name, ratio=ratio), fontsize=13)
        low = min(ax.get_ylim()[0] for ax in axes[1:])
        high = max(ax.get_ylim()[1] for ax in axes[1:])
        for ax in axes[1:]:
            ax.set_ylim(low, high)
        handles, labels = axes[1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=12)
    return fig
