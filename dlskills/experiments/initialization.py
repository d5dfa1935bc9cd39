"""Chapter 3 (parameter initialization): the experiments.

* :func:`layer_statistics`: push standard-normal inputs through a deep network started
  with one initializer, backpropagate a loss, and collect every hidden layer's
  activations and gradients (the classic experiment of "Deep Learning from Scratch",
  chapter 6, with gradients added);
* :func:`train_small`, :func:`symmetry_report`, :func:`distinct_units`,
  :func:`nonzero_gradients`: what a constant start does to the units of a layer;
* :func:`compare_initializers`: train the same MNIST network from several starts.

The explorers of :mod:`dlskills.explorers.initialization` draw these results.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .._blas import single_thread_blas
from .._checks import check_number
from ..messages import say
from ..functions import ACTIVATIONS
from ..initializers import INITIALIZERS, he_bound, he_std, xavier_bound, xavier_std
from ..model import MLP
from ..optimizers import SGD
from ..stats import ACTIVATION_BINS, GRADIENT_BINS, layer_histograms, median_nonzero
from ..training import History, compare, train
from . import mnist

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
    """What sets the size of ``init``'s weights, as the learner reads it: "std 0.01" (a
    setting), "按公式 std 0.141" (Xavier, He, LeCun for these layer sizes) or "对角线为 1"
    (identity). A catalogue Message whose ``name``/``value`` give the scale."""
    init = INITIALIZERS.get(init).__name__
    setting = SCALE_SETTING.get(init)
    if setting is not None:
        number = {"std": std, "bound": bound, "value": value}[setting]
        return say("init.scale.setting", name=say(f"control.{setting}"),
                   value=f"{number:.3g}", setting=setting)
    formula = {"xavier_normal": ("std", xavier_std(n_in, n_out)),
               "xavier_uniform": ("bound", xavier_bound(n_in, n_out)),
               "he_normal": ("std", he_std(n_in)), "he_uniform": ("bound", he_bound(n_in)),
               "lecun_normal": ("std", np.sqrt(1.0 / n_in))}
    if init in formula:
        name, number = formula[init]
        return say("init.scale.formula", name=name, value=f"{number:.3g}",
                   setting=name)
    return say("init.scale.diagonal")


def std_ratio_text(act_std, grad_std, lines=1):
    """The finding of a std-vs-layer plot: activations of the last layer against the
    first, gradients of the first layer against the last (backprop runs backwards); on
    two lines for a figure title (``lines=2``)."""
    a = np.asarray(act_std, dtype=float)
    g = np.asarray(grad_std, dtype=float)
    if a.size < 2:
        return say("init.std_ratio.one", act=a[0], grad=g[0])
    key = "init.std_ratio.title" if lines == 2 else "init.std_ratio"
    return say(key, depth=a.size, act=_ratio(a[-1], a[0]), grad=_ratio(g[0], g[-1]))


def _ratio(top, bottom):
    if not (np.isfinite(top) and np.isfinite(bottom)):
        return say("init.ratio.overflow")
    if bottom == 0:     # a layer whose values do not vary: no ratio to state
        return say("init.ratio.both_zero" if top == 0 else "init.ratio.from_zero")
    return f"{top / bottom:.2g}"


@dataclass
class LayerStats:
    """Activations and gradients of every hidden layer for one batch (index 0 = layer 1).

    activations[k]: output a of hidden layer k+1's activation function, (n_samples, width)
    gradients[k]:   dL/dz for its input z (the pre-activation), same shape
    act_std, grad_std: standard deviation of each layer's values (nan after an overflow)
    unit_spread[k]: largest difference between two units of layer k+1 for the same input,
                    relative to the layer's largest value (0: all units identical)
    act_shares, grad_shares: (depth, columns) share of each layer's values in each column
                    of the chapter's bins (``stats.ACTIVATION_BINS`` of the activation,
                    ``stats.GRADIENT_BINS``): the heatmaps' rows
    last_layer:     what the last layer's activations look like (:func:`activation_finding`)
    grad_medians:   median of the non-zero |gradients| of layer 1 and of the last layer
    overflow_layer: first layer whose activations are not finite (float overflow), else None
    grad_overflow_layer: the layer where backpropagation first meets non-finite gradients
                    (the highest such layer), else None
    """
    init: str
    activation: str
    depth: int
    width: int
    activations: list
    gradients: list
    act_std: np.ndarray
    grad_std: np.ndarray
    unit_spread: np.ndarray
    act_shares: np.ndarray
    grad_shares: np.ndarray
    last_layer: str
    grad_medians: tuple
    overflow_layer: int = None
    grad_overflow_layer: int = None
    loss: float = float("nan")

    @property
    def symmetric(self):
        """True when every layer's units are identical for every input (constant start)."""
        return bool(np.all(self.unit_spread <= 1e-6))

    @functools.cached_property
    def input_std(self):
        """The part of ``act_std`` that depends on the input, per layer: the standard
        deviation over the inputs of one unit's activation, averaged over the units (a
        unit whose output is the same for every input adds nothing here)."""
        with np.errstate(all="ignore"):
            return np.array([float(np.sqrt(np.mean(np.var(a, axis=0, dtype=np.float64))))
                             for a in self.activations])

    @property
    def finding(self):
        """What the numbers say, in one catalogue sentence: where values overflow, else
        the std ratios across the network (and that every neuron is the same, if so)."""
        if self.overflow_layer is not None:
            return say("init.finding.act_overflow", layer=self.overflow_layer)
        if self.grad_overflow_layer is not None:
            return say("init.finding.grad_overflow", layer=self.grad_overflow_layer)
        ratios = std_ratio_text(self.act_std, self.grad_std)
        if self.symmetric:
            return say("init.finding.symmetric", ratios=ratios)
        return ratios


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
        report = net.inspect(x, t, keep=("post", "grad_pre"), params=False)
        act, grad = report.post, report.grad_pre
        a_hist = layer_histograms(ACTIVATION_BINS[activation], act)
        g_hist = layer_histograms(GRADIENT_BINS, grad)
        numbers = dict(act_std=a_hist.std, grad_std=g_hist.std, act_shares=a_hist.shares,
                       grad_shares=g_hist.shares,
                       unit_spread=np.array([_unit_spread(a) for a in act]),
                       last_layer=activation_finding(activation, act[-1]),
                       grad_medians=(median_nonzero(grad[0]), median_nonzero(grad[-1])))
    bad_a, bad_g = np.flatnonzero(a_hist.bad) + 1, np.flatnonzero(g_hist.bad) + 1
    return LayerStats(init=init, activation=activation, depth=depth,
                      width=width, activations=act, gradients=grad, **numbers,
                      overflow_layer=int(bad_a[0]) if bad_a.size else None,
                      grad_overflow_layer=int(bad_g[-1]) if bad_g.size else None,
                      loss=float(report.loss))


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
    """One short phrase about a layer's activations: saturated, collapsed, zero or spread
    out (a catalogue Message)."""
    a = np.asarray(values)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return say("init.act.overflow")
    if activation == "relu":
        zero = float(np.mean(a == 0))
        positive = a[a > 0]
        if positive.size:
            return say("init.act.relu", zero=zero, median=float(np.median(positive)))
        return say("init.act.relu_all_zero", zero=zero)
    if activation == "sigmoid":
        saturated = float(np.mean((a < 0.02) | (a > 0.98)))
        middle = float(np.mean(np.abs(a - 0.5) < 0.02))
    else:
        saturated = float(np.mean(np.abs(a) > 0.98))
        middle = float(np.mean(np.abs(a) < 0.02))
    centre = "0.5" if activation == "sigmoid" else "0"
    if saturated >= 0.5:
        return say("init.act.saturated", share=saturated)
    if middle >= 0.5:
        return say("init.act.collapsed", share=middle, centre=centre)
    std = float(np.std(a))
    if std < 0.02:      # bunched elsewhere (an identity or constant start): say where
        mean = float(np.mean(a))
        return say("init.act.collapsed", share=float(np.mean(np.abs(a - mean) < 0.02)),
                   centre=f"{mean:.2g}")
    return say("init.act.spread", std=std)


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

    784-16-16-10 in float64 (so units that start equal stay exactly equal; the network
    casts each float32 batch of digits to float64, so no float64 copy of the data set is
    made); ``settings`` are ``std`` / ``bound`` / ``value`` as in :func:`init_options`.
    Returns ``(net, start, history)``: the trained network, a copy of its parameters
    before training, and the :class:`~dlskills.History`.
    """
    if data is None:
        data = mnist()
    (x_train, t_train), test = data
    net = MLP(x_train.shape[1], list(hidden), 10, activation=activation, init=init,
              init_options=init_options(init, **settings), seed=seed, dtype=np.float64)
    start = {key: value.copy() for key, value in net.params.items()}
    history = train(net, SGD(lr=lr), (x_train, t_train), test, iterations=iterations,
                    batch_size=batch_size, seed=seed)        # on one BLAS thread, as always
    return net, start, history


# --- training from several starts -------------------------------------------------------

#: the classic comparison of "Deep Learning from Scratch" (chapter 6)
COMPARED_INITS = ("normal", "xavier_normal", "he_normal")


def init_label(init, std=0.01):
    """The name a run from ``init`` has in legends and statuses."""
    return say("init.label.normal", std=std) if init == "normal" else init


def run_summary(label, history):
    """One run in a status: its final loss when it completed, else its status."""
    if history.status == "completed":
        return say("init.run.loss", label=label, loss=history.final_loss())
    return say("training.run", label=label, status=history.message)


@dataclass
class ComparedRuns:
    """Training runs of :func:`compare_initializers` for one set of explorer settings
    (``iterations``, ``std``, ...)."""
    histories: dict
    settings: dict

    @property
    def labels(self):
        return {name: init_label(name, self.settings["std"]) for name in self.histories}

    @property
    def finding(self):
        return say("explorer.settings_sep").join(
            run_summary(self.labels[name], history)
            for name, history in self.histories.items())

    @property
    def headline(self):
        """The loss panel's title: the start whose final (averaged) loss is lowest, or
        that there is no winner (all within 1 % of the highest); diverged runs take no
        part."""
        finals = [(h.final_loss(), self.labels[name]) for name, h in self.histories.items()]
        finite = [(loss, label) for loss, label in finals if np.isfinite(loss)]
        if len(finite) > 1 and max(finite)[0] - min(finite)[0] < 0.01 * max(finite)[0]:
            return say("init.loss.no_winner", loss=min(finite)[0])
        if finite:
            best = min(finite)
            return say("init.loss.best", label=best[1], loss=best[0])
        return say("init.loss.title")

    @property
    def accuracy_headline(self):
        """The accuracy panel's title: the start with the highest last test accuracy, or
        that there is no winner (all within 1 point); empty before any evaluation."""
        accs = [(h.test_acc[-1], self.labels[name]) for name, h in self.histories.items()
                if h.test_acc]
        if len(accs) > 1 and max(accs)[0] - min(accs)[0] < 0.01:
            return say("init.acc.no_winner", acc=max(accs)[0])
        if accs:
            top = max(accs)
            return say("init.acc.best", label=top[1], acc=top[0])
        return ""


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
        data = mnist(source=source, dtype=dtype)
    (x_train, t_train), test = data

    def variant(init):
        options = init_options(init, std=std) if init == "normal" else {}
        return dict(net=MLP(x_train.shape[1], list(hidden), 10, activation=activation,
                            init=init, init_options=options, seed=seed, dtype=dtype),
                    optimizer=SGD(lr=lr))

    histories = {init: History(settings={"label": init_label(init, std)}) for init in inits}
    return compare({init: lambda init=init: variant(init) for init in inits},
                   (x_train, t_train), test, progress=progress, histories=histories,
                   iterations=iterations, batch_size=batch_size, seed=seed,
                   eval_samples=eval_samples)          # train() runs on one BLAS thread


def initializer_runs(activation="relu", std=0.01, iterations=400, lr=0.01, seed=0,
                     progress=None, **options):
    """:func:`compare_initializers` as :class:`ComparedRuns` (the runs and these
    settings), what chapter 3's training explorer shows; ``progress(runs, fraction)``
    gets the growing runs the same way. ``options`` go to :func:`compare_initializers`."""
    settings = dict(activation=activation, std=std, iterations=iterations, lr=lr, seed=seed)
    report = None if progress is None else \
        (lambda histories, done: progress(ComparedRuns(histories, settings), done))
    histories = compare_initializers(activation=activation, iterations=iterations, lr=lr,
                                     std=std, seed=seed, progress=report, **options)
    return ComparedRuns(histories, settings)
