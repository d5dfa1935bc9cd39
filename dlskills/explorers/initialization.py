"""Chapter 3 (parameter initialization): experiments and explorers.

Experiments (pure numpy, used by the notebook, the explorers and the tests):

* :func:`layer_statistics`: push standard-normal inputs through a deep network started
  with one initializer, backpropagate a loss, and collect every hidden layer's
  activations and gradients (the classic experiment of "Deep Learning from Scratch",
  chapter 6, with gradients added);
* :func:`train_small`, :func:`symmetry_report`, :func:`distinct_units`,
  :func:`nonzero_gradients`: what a constant start does to the units of a layer;
* :func:`compare_initializers`: train the same MNIST network from several starts.

Explorers:

* :class:`InitializationExplorer`: initializer, activation, depth, width, seed ->
  per-layer histograms of activations and gradients, and their standard deviations;
* :class:`InitTrainingExplorer`: live loss curves of :func:`compare_initializers`.
"""

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from .._blas import single_thread_blas
from .._checks import check_number
from ..datasets import load_mnist
from ..functions import ACTIVATIONS
from ..initializers import INITIALIZERS, he_bound, he_std, xavier_bound, xavier_std
from ..model import MLP
from ..optimizers import SGD
from ..training import History, train
from ..views.initialization import (ACTIVATION_BINS, GRADIENT_BINS, HistogramHeatmap,
                                    LayerStdPanel, LossPanel, add_share_colorbar,
                                    std_ratio_text)
from ..views.style import freeze_layout
from .base import Explorer, TrainingExplorer

#: the initializers the explorer offers (the six kinds of the course text, both variants
#: of Xavier and He, and the "sqrt(1/n)" one some books call Xavier)
INIT_KINDS = ("constant", "identity", "normal", "uniform", "xavier_normal",
              "xavier_uniform", "he_normal", "he_uniform", "lecun_normal")

#: which scale setting each initializer takes from the controls (None: its formula)
SCALE_SETTING = {"normal": "std", "uniform": "bound", "constant": "value"}


def init_options(init, std=0.01, bound=0.05, value=0.0):
    """Options for :func:`dlskills.initialize` of ``init`` from the explorer's settings.

    ``std`` is used by "normal", ``bound`` (U(-bound, bound)) by "uniform", ``value`` by
    "constant"; the others have no free scale and ignore all three.
    """
    init = INITIALIZERS.get(init).__name__      # validates; "xavier" -> "xavier_normal"
    setting = SCALE_SETTING.get(init)
    if setting == "std":
        return {"std": check_number("std", std, low=0)}
    if setting == "bound":
        bound = check_number("bound", bound, low=0)
        return {"low": -bound, "high": bound}
    if setting == "value":
        return {"value": check_number("value", value)}
    return {}


def scale_text(init, n_in, n_out, std=0.01, bound=0.05, value=0.0):
    """What sets the size of ``init``'s weights: "std 0.01" (a setting), "std 0.141 by
    formula" (Xavier, He, LeCun for these layer sizes) or "1 on the diagonal"."""
    init = INITIALIZERS.get(init).__name__
    setting = SCALE_SETTING.get(init)
    if setting is not None:
        return f"{setting} {_fmt({'std': std, 'bound': bound, 'value': value}[setting])}"
    formula = {"xavier_normal": ("std", xavier_std(n_in, n_out)),
               "xavier_uniform": ("bound", xavier_bound(n_in, n_out)),
               "he_normal": ("std", he_std(n_in)), "he_uniform": ("bound", he_bound(n_in)),
               "lecun_normal": ("std", np.sqrt(1.0 / n_in))}
    if init in formula:
        name, number = formula[init]
        return f"{name} {number:.3g} by formula"
    return "1 on the diagonal"


def _fmt(x):
    return f"{x:.3g}"


@dataclass
class LayerStats:
    """Activations and gradients of every hidden layer for one batch (index 0 = layer 1).

    activations[k]: output a of hidden layer k+1's activation function, (n_samples, width)
    gradients[k]:   dL/dz for its input z (the pre-activation), same shape
    act_std, grad_std: standard deviation of each layer's values (nan after an overflow)
    input_std[k]:   the part of act_std that depends on the input: the standard deviation
                    over the inputs of one unit's activation, averaged over the units (a
                    unit whose output is the same for every input adds nothing here)
    unit_spread[k]: largest difference between two units of layer k+1 for the same input,
                    relative to the layer's largest value (0: all units identical)
    overflow_layer: first layer whose activations are not finite (float overflow), else None
    grad_overflow_layer: the layer where backpropagation first meets non-finite gradients
                    (the highest such layer), else None
    """
    init: str
    options: dict
    activation: str
    depth: int
    width: int
    activations: list
    gradients: list
    act_std: np.ndarray
    grad_std: np.ndarray
    input_std: np.ndarray
    unit_spread: np.ndarray
    overflow_layer: int = None
    grad_overflow_layer: int = None
    loss: float = float("nan")
    extra: dict = field(default_factory=dict)

    @property
    def symmetric(self):
        """True when every layer's units are identical for every input (constant start)."""
        return bool(np.all(self.unit_spread <= 1e-6))


def layer_statistics(init="xavier_normal", activation="sigmoid", depth=5, width=100,
                     n_samples=1000, seed=0, std=0.01, bound=0.05, value=0.0,
                     dtype=np.float32):
    """Activations and gradients of a ``depth`` x ``width`` network at its start.

    ``n_samples`` standard-normal inputs of ``width`` features go through ``depth``
    hidden layers (Affine -> activation, zero biases, weights from ``init``), then an
    output Affine layer with ``width`` classes and softmax cross-entropy; the mean loss
    over the batch against random labels is backpropagated (this is
    :meth:`dlskills.MLP.inspect`). Inputs as wide as the layers keep every weight matrix
    square, so the identity initializer works. ``std``/``bound``/``value`` set the scale
    of "normal" / "uniform" / "constant" (see :func:`init_options`).
    """
    depth = check_number("depth", depth, 1, 100, integer=True)
    width = check_number("width", width, 2, 4000, integer=True)
    n_samples = check_number("n_samples", n_samples, 1, 100_000, integer=True)
    activation = ACTIVATIONS.get(activation).name
    options = init_options(init, std, bound, value)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width)).astype(dtype)
    t = rng.integers(0, width, n_samples)
    with np.errstate(all="ignore"), single_thread_blas():
        net = MLP(width, [width] * depth, width, activation=activation, init=init,
                  init_options=options, seed=rng, dtype=dtype)
        report = net.inspect(x, t)
        act_std = np.array([_std(a) for a in report.post])
        grad_std = np.array([_std(g) for g in report.grad_pre])
        input_std = np.array([float(np.sqrt(np.mean(np.var(a, axis=0, dtype=np.float64))))
                              for a in report.post])
        spread = np.array([_unit_spread(a) for a in report.post])
    bad_a = [k + 1 for k, a in enumerate(report.post) if not np.isfinite(a).all()]
    bad_g = [k + 1 for k, g in enumerate(report.grad_pre) if not np.isfinite(g).all()]
    return LayerStats(init=init, options=options, activation=activation, depth=depth,
                      width=width, activations=report.post, gradients=report.grad_pre,
                      act_std=act_std, grad_std=grad_std, input_std=input_std,
                      unit_spread=spread,
                      overflow_layer=bad_a[0] if bad_a else None,
                      grad_overflow_layer=bad_g[-1] if bad_g else None,
                      loss=float(report.loss))


def _std(values):
    s = float(np.std(values, dtype=np.float64))
    return s if np.isfinite(s) else float("nan")


def _median_nonzero(values):
    """Median of |values| over the non-zero ones (ReLU zeroes about half of them)."""
    mag = np.abs(values[np.isfinite(values)])
    mag = mag[mag > 0]
    return float(np.median(mag)) if mag.size else 0.0


def _unit_spread(a, rows=64):
    """max over inputs of (max - min over units), relative to max |a| of those rows."""
    part = a[:rows]
    top = float(np.max(np.abs(part)))
    if not np.isfinite(top):
        return float("nan")
    if top == 0:
        return 0.0
    return float(np.max(np.ptp(part, axis=1))) / top


def activation_finding(activation, values):
    """One short sentence about a layer's activations: saturated, collapsed or zero."""
    a = np.asarray(values)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return "overflow"
    if activation == "relu":
        zero = float(np.mean(a == 0))
        positive = a[a > 0]
        median = f", median(a>0) {np.median(positive):.1g}" if positive.size else ""
        return f"{zero:.0%} are 0{median}"
    if activation == "sigmoid":
        saturated = float(np.mean((a < 0.02) | (a > 0.98)))
        middle = float(np.mean(np.abs(a - 0.5) < 0.02))
    else:
        saturated = float(np.mean(np.abs(a) > 0.98))
        middle = float(np.mean(np.abs(a) < 0.02))
    centre = "0.5" if activation == "sigmoid" else "0"
    if saturated >= 0.5:
        return f"{saturated:.0%} saturated (slope ~0)"
    if middle >= 0.5:
        return f"{middle:.0%} within 0.02 of {centre}"
    return f"spread out (std {float(np.std(a)):.2g})"


# --- symmetry of a constant start ------------------------------------------------------

def distinct_units(weights, tol=1e-9):
    """How many different columns (units' incoming weights) ``weights`` has; columns
    closer than ``tol`` times the largest |weight| count as the same."""
    w = np.asarray(weights, dtype=np.float64)
    scale = float(np.max(np.abs(w))) or 1.0
    representatives = []
    for j in range(w.shape[1]):
        column = w[:, j]
        if not any(np.max(np.abs(column - r)) <= tol * scale for r in representatives):
            representatives.append(column)
    return len(representatives)


def nonzero_gradients(grads, tol=1e-10):
    """Names of the parameters whose gradient is not zero (relative to the largest one)."""
    top = max(float(np.max(np.abs(g))) for g in grads.values())
    if top == 0:
        return []
    return [key for key, g in grads.items() if float(np.max(np.abs(g))) > tol * top]


def symmetry_report(net, x, t):
    """For each weight matrix of ``net``: its number of distinct units (columns), and the
    number of distinct columns of its gradient for the batch ``(x, t)``."""
    grads = net.gradient(x, t)
    rows = []
    for i in range(1, net.depth + 1):
        w, g = net.params[f"W{i}"], grads[f"W{i}"]
        rows.append({"layer": f"W{i}", "shape": w.shape, "units": w.shape[1],
                     "distinct_weights": distinct_units(w),
                     "distinct_grads": distinct_units(g) if np.any(g) else 0})
    return rows


def train_small(init="constant", activation="sigmoid", hidden=(16, 16), iterations=300,
                lr=0.5, batch_size=100, seed=0, data=None, **settings):
    """Train a small MNIST network with plain SGD from the start ``init``.

    784-16-16-10 in float64 (so units that start equal stay exactly equal); ``settings``
    are ``std`` / ``bound`` / ``value`` as in :func:`init_options`. Returns
    ``(net, start, history)``: the trained network, a copy of its parameters before
    training, and the :class:`~dlskills.History`.
    """
    if data is None:
        data = load_mnist(dtype=np.float64)
    (x_train, t_train), test = data
    net = MLP(x_train.shape[1], list(hidden), 10, activation=activation, init=init,
              init_options=init_options(init, **settings), seed=seed, dtype=np.float64)
    start = {key: value.copy() for key, value in net.params.items()}
    with single_thread_blas():
        history = train(net, SGD(lr=lr), (x_train, t_train), test, iterations=iterations,
                        batch_size=batch_size, seed=seed)
    return net, start, history


# --- training from several starts -------------------------------------------------------

#: the classic comparison of "Deep Learning from Scratch" (chapter 6)
COMPARED_INITS = ("normal", "xavier_normal", "he_normal")


def init_label(init, std=0.01):
    return f"normal std {std:g}" if init == "normal" else init


def compare_initializers(inits=COMPARED_INITS, activation="relu", iterations=400, lr=0.01,
                         batch_size=128, hidden=(100, 100, 100, 100), std=0.01, seed=0,
                         source="subset", eval_samples=1000, dtype=np.float32,
                         progress=None, data=None):
    """Train one MNIST network per initializer with plain SGD; return name -> History.

    The classic setting: 784-100-100-100-100-10, ``activation``, SGD with ``lr`` 0.01,
    batches of 128, float32, the same seed (so the same batches) for every start.
    ``std`` is the standard deviation of "normal". ``source="full"`` (with
    ``iterations=2000``) is the full-size run on all 60,000 digits; ``data`` may pass
    ``((x_train, t_train), (x_test, t_test))`` directly. ``progress(histories,
    fraction)`` is called every 10 iterations; returning True stops all training.
    """
    iterations = check_number("iterations", iterations, 1, integer=True)
    if data is None:
        data = load_mnist(source=source, dtype=dtype)
    (x_train, t_train), test = data
    histories = {}
    stopped = False
    for k, init in enumerate(inits):
        options = init_options(init, std=std) if init == "normal" else {}
        net = MLP(x_train.shape[1], list(hidden), 10, activation=activation, init=init,
                  init_options=options, seed=seed, dtype=dtype)
        history = histories[init] = History()
        if stopped:
            history.status = "not started"
            continue

        def callback(h, event, k=k):
            if progress is None or event != "iteration" or h.iterations % 10:
                return False
            return bool(progress(histories, (k + h.iterations / iterations) / len(inits)))

        with single_thread_blas():       # small products: a second thread only waits
            train(net, SGD(lr=lr), (x_train, t_train), test, iterations=iterations,
                  batch_size=batch_size, seed=seed, callbacks=[callback],
                  eval_samples=eval_samples, history=history)
        stopped = history.status.startswith("stopped")
    return histories


# --- explorers ---------------------------------------------------------------------------

def _slider(kind, description, **options):
    options.setdefault("continuous_update", False)
    options.setdefault("style", {"description_width": "initial"})
    return kind(description=description, **options)


class InitializationExplorer(Explorer):
    """Initializer x activation x depth: how activations and gradients look layer by layer.

    Left: a histogram of every layer's activations as one heatmap (row = layer, fixed bins
    per activation function); middle: the same for the gradients dL/dz on a log scale,
    its rows aligned with the left ones; right: the standard deviation of both against
    the layer (log y). The std / bound / value sliders apply to normal / uniform /
    constant; a slider the initializer does not use is disabled, and the status names
    the scale that was used. The inputs are as wide as the layers, so every weight
    matrix is square and the identity initializer always applies.
    """

    name = "initialization"
    figsize = (14, 5.2)

    def make_controls(self):
        return {
            "init": widgets.Dropdown(options=list(INIT_KINDS), value="normal",
                                     description="init"),
            "std": _slider(widgets.FloatLogSlider, "std (normal)", value=1.0, base=10,
                           min=-3, max=1, step=0.25, readout_format=".3g"),
            "bound": _slider(widgets.FloatLogSlider, "bound (uniform)", value=0.1, base=10,
                             min=-3, max=1, step=0.25, readout_format=".3g"),
            "value": _slider(widgets.FloatSlider, "value (constant)", value=0.0, min=-1.0,
                             max=1.0, step=0.05, readout_format=".2f"),
            "activation": widgets.Dropdown(options=["sigmoid", "tanh", "relu"],
                                           value="sigmoid", description="activation"),
            "depth": _slider(widgets.IntSlider, "depth", value=5, min=1, max=20),
            "width": _slider(widgets.IntSlider, "width", value=100, min=10, max=300,
                             step=10),
            "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=20),
        }

    def __init__(self, **initial):
        super().__init__(**initial)
        self.controls["init"].observe(lambda _: self._sync_enabled(), names="value")
        self._sync_enabled()

    def _sync_enabled(self):
        used = SCALE_SETTING.get(self.controls["init"].value)
        for key in ("std", "bound", "value"):
            self.controls[key].disabled = key != used

    def layout_controls(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["init"], c["std"], c["bound"], c["value"]]),
                             widgets.HBox([c["activation"], c["depth"], c["width"],
                                           c["seed"]])])

    def setup(self, fig):
        ax_act, ax_grad, ax_std = fig.subplots(1, 3, width_ratios=[1.05, 1.05, 1])
        self.act_map = HistogramHeatmap(ax_act, ACTIVATION_BINS["sigmoid"])
        self.grad_map = HistogramHeatmap(ax_grad, GRADIENT_BINS, layer_labels=False)
        add_share_colorbar(fig, self.grad_map.image, [ax_act, ax_grad])
        self.std_panel = LayerStdPanel(ax_std)
        self._binning = None
        # lay the figure out once, with the widest content it will show (20 layers, long
        # tick labels, two-line titles), then keep that layout: redraws stay fast
        for heatmap in (self.act_map, self.grad_map):
            heatmap.update(np.zeros((20, heatmap.binning.columns)))
            heatmap.ax.set_title("placeholder title", fontsize=12)
        self.std_panel.update(np.logspace(-30, 10, 20), np.logspace(-30, 10, 20),
                              title="two\nlines")
        self.std_panel.ax.title.set_fontsize(12)
        freeze_layout(fig)

    def compute(self, init, std, bound, value, activation, depth, width, seed):
        stats = layer_statistics(init=init, activation=activation, depth=depth, width=width,
                                 seed=seed, std=std, bound=bound, value=value)
        with np.errstate(all="ignore"):       # overflowing settings are shown, not warned
            self._summarize(stats)
        return stats

    @staticmethod
    def _summarize(stats):
        """Histogram shares and one-line findings for ``draw`` (pure numpy)."""
        activation = stats.activation
        binning = ACTIVATION_BINS[activation]
        stats.extra["act_shares"] = np.array([binning.shares(a)[0] for a in stats.activations])
        stats.extra["grad_shares"] = np.array([GRADIENT_BINS.shares(g)[0]
                                               for g in stats.gradients])
        stats.extra["finding"] = activation_finding(activation, stats.activations[-1])
        stats.extra["grad_median"] = [_median_nonzero(g) for g in
                                      (stats.gradients[0], stats.gradients[-1])]

    def draw(self, stats):
        binning = ACTIVATION_BINS[stats.activation]
        if binning is not self._binning:
            self.act_map.set_binning(binning)
            self._binning = binning
        self.act_map.update(stats.extra["act_shares"])
        self.act_map.ax.set_title(f"layer {stats.depth}: {stats.extra['finding']}",
                                  fontsize=12)
        self.grad_map.update(stats.extra["grad_shares"])
        first, last = stats.extra["grad_median"]
        self.grad_map.ax.set_title(f"median |grad|>0: layer 1 {first:.1g}, "
                                   f"layer {stats.depth} {last:.1g}", fontsize=12)
        self.std_panel.update(stats.act_std, stats.grad_std,
                              title=std_ratio_text(stats.act_std, stats.grad_std))
        self.std_panel.ax.title.set_fontsize(12)

    def describe(self, settings, stats):
        text = self.describe_settings(settings)
        notes = [std_ratio_text(stats.act_std, stats.grad_std).replace("\n", ", ")]
        if stats.overflow_layer is not None:
            notes = [f"activations overflow float32 from layer {stats.overflow_layer} on"]
        elif stats.grad_overflow_layer is not None:
            notes = [f"gradients overflow float32 from layer {stats.grad_overflow_layer} down"]
        elif stats.symmetric:
            notes.append("all units of each layer identical (symmetry)")
        return f"{text} | {'; '.join(notes)}"

    def describe_settings(self, settings):
        s = settings
        scale = scale_text(s["init"], s["width"], s["width"], s["std"], s["bound"], s["value"])
        return (f"init={s['init']} ({scale}) activation={s['activation']} "
                f"depth={s['depth']} width={s['width']} seed={s['seed']}")


class InitTrainingExplorer(TrainingExplorer):
    """Train the classic MNIST network from std 0.01, Xavier and He starts (press Run);
    the loss curves grow while it trains."""

    name = "init-training"
    figsize = (13, 4.8)
    redraw_every = 1.0      # seconds between live redraws: drawing must not slow training

    def make_controls(self):
        return {
            "activation": widgets.Dropdown(options=["relu", "sigmoid", "tanh"], value="relu",
                                           description="activation"),
            "std": _slider(widgets.FloatLogSlider, "std (normal)", value=0.01, base=10,
                           min=-3, max=0, step=0.25, readout_format=".3g"),
            "iterations": _slider(widgets.IntSlider, "iterations", value=400, min=100,
                                  max=2000, step=100),
            "lr": _slider(widgets.FloatLogSlider, "lr (SGD)", value=0.01, base=10, min=-3,
                          max=0, step=0.25, readout_format=".3g"),
            "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=20),
        }

    def setup(self, fig):
        ax_loss, ax_acc = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.panel = LossPanel(ax_loss, ax_acc)
        ax_loss.set_title("placeholder")
        ax_acc.set_title("placeholder")
        ax_loss.set_ylim(0, 2.5)
        freeze_layout(fig)

    def compute(self, **settings):  # training happens in train(); nothing to precompute
        return None

    def train(self, settings, report):
        s = dict(settings)
        histories = compare_initializers(
            activation=s["activation"], iterations=s["iterations"], lr=s["lr"], std=s["std"],
            seed=s["seed"], progress=lambda h, f: report(self._result(h, s), f))
        return self._result(histories, s)

    @staticmethod
    def _result(histories, settings):
        labels = {name: init_label(name, settings["std"]) for name in histories}
        return {"histories": histories, "labels": labels,
                "iterations": settings["iterations"]}

    def draw(self, result):
        if result is None:
            self.panel.update({}, iterations=self.controls["iterations"].value)
            return
        self.panel.update(result["histories"], result["labels"], result["iterations"])

    def describe(self, settings, result):
        parts = []
        for name, history in result["histories"].items():
            label = result["labels"][name]
            if history.status == "completed":
                parts.append(f"{label}: loss {np.mean(history.loss[-20:]):.2f}")
            else:
                parts.append(f"{label}: {history.status}")
        return f"{self.describe_settings(settings)} | {', '.join(parts)}"

    def describe_settings(self, settings):
        s = settings
        return (f"activation={s['activation']} std={_fmt(s['std'])} "
                f"iterations={s['iterations']} lr={_fmt(s['lr'])} seed={s['seed']}")
