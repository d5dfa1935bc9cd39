"""Chapter 1: what depth costs in parameters, and what it does to gradients.

* :func:`param_growth`: the course text's comparison of "deeper" against "wider" (adding
  a 5-unit layer to ``a -> 5 -> 5`` costs 25 weights, widening ``a -> 10`` to
  ``a -> 15`` costs 5a);
* :func:`gradient_profile`: one mini-batch of MNIST through an :class:`~dlskills.MLP` of
  a chosen depth, activation and initial weights, and the gradient norm every weight
  matrix receives, plus the activation histograms of the first, middle and last hidden
  layers.

The gradient profile is computed in float32, as training frameworks do, so overflow
(``inf``) and gradients of exactly 0 (underflow, or saturated units whose derivative
rounds to 0) happen where they would in practice; all are reported as results. Gradient
norms are summed in float64 so that the norm itself neither overflows nor underflows
before the gradient does.
"""

from dataclasses import dataclass, field

import numpy as np

from .._blas import single_thread_blas
from .._checks import check_number
from ..functions import ACTIVATIONS, norm
from ..initializers import INITIALIZERS
from ..messages import say, say_layers
from ..model import MLP
from ..stats import activation_bins
from . import mnist

HIST_BINS = 40
#: below this derivative a unit passes (almost) no gradient: saturated or dead
FLAT_DERIVATIVE = 0.01
#: gradient norms of this network are about 0.1 to 1 when it is healthy (relu + he);
#: a hundred times more (less) is "exploded" ("vanished") even if every layer grew
#: (shrank) alike, as in relu networks, whose activations grow or shrink with the gradients
EXPLODED_NORM, VANISHED_NORM = 1e2, 1e-3
#: layer 1 getting under a tenth (over ten times) of the output layer's gradient
VANISHING_RATIO, EXPLODING_RATIO = 1e-1, 1e1


# --- depth versus width -------------------------------------------------------------

def chain_param_count(sizes, biases=True):
    """Trainable numbers of a chain of fully connected layers ``sizes[0] -> sizes[1] -> ...``.

    Each step ``n_in -> n_out`` has ``n_in * n_out`` weights and ``n_out`` biases; the
    same count as ``MLP(sizes[0], sizes[1:-1], sizes[-1]).count_params(biases)``.

    >>> chain_param_count([784, 5, 5], biases=False)
    3945
    """
    sizes = [check_number("layer size", s, low=1, integer=True) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and one layer, got {sizes}")
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return weights + (sum(sizes[1:]) if biases else 0)


@dataclass
class ParamGrowth:
    """Parameter counts of the "deep" chain ``a -> w x d`` and the "wide" layer
    ``a -> (w*d)`` for d = 1..len(depths), and the cost of adding ``w`` more units."""
    input_size: int
    width: int
    depth: int
    biases: bool
    depths: np.ndarray        # 1, 2, ..., number of hidden layers d
    units: np.ndarray         # hidden units w * d of both networks
    deep: np.ndarray          # parameters of a -> w -> ... -> w (d layers)
    wide: np.ndarray          # parameters of a -> (w * d)
    deep_cost: int            # deep(depth + 1) - deep(depth)
    wide_cost: int            # wide(depth + 1) - wide(depth)
    bias_cost: int            # the biases inside each cost: one per added unit

    @property
    def finding(self):
        """One catalogue sentence stating the comparison, from the counts."""
        bias = say("gradients.growth.with_biases") if self.biases else ""
        head = say("gradients.growth.head", width=self.width, deep=self.deep_cost,
                   wide=self.wide_cost, bias=bias)
        if self.deep_cost == self.wide_cost:
            return say("gradients.growth.same", head=head)
        factor = max(self.deep_cost, self.wide_cost) / min(self.deep_cost, self.wide_cost)
        key = ("gradients.growth.deeper_cheaper" if self.deep_cost < self.wide_cost
               else "gradients.growth.wider_cheaper")
        return say(key, head=head, factor=factor)


def param_growth(input_size=784, width=5, depth=2, biases=False):
    """Count the parameters of deeper versus wider networks (pure; see :class:`ParamGrowth`)
    for 1 to 10 hidden layers (or ``depth + 1``, when more)."""
    a = check_number("input_size", input_size, low=1, integer=True)
    w = check_number("width", width, low=1, integer=True)
    d = check_number("depth", depth, low=1, integer=True)
    depths = np.arange(1, max(d + 1, 10) + 1)
    deep = np.array([chain_param_count([a] + [w] * k, biases) for k in depths])
    wide = np.array([chain_param_count([a, w * k], biases) for k in depths])
    return ParamGrowth(a, w, d, bool(biases), depths, w * depths, deep, wide,
                       deep_cost=int(deep[d] - deep[d - 1]),
                       wide_cost=int(wide[d] - wide[d - 1]),
                       bias_cost=w if biases else 0)


# --- gradients through depth --------------------------------------------------------

@dataclass
class GradientProfile:
    """What one mini-batch did in a network of ``depth`` hidden layers.

    ``grad_norms[l - 1]`` is ||dL/dW_l|| for the weight layers l = 1..depth+1 (the last one
    is the output layer); ``hist_layers`` are the hidden layers whose activation values
    are summarised in ``hist_counts`` (share of values per bin), ``hist_edges`` and
    ``hist_stats`` (mean, std, share of units whose derivative is below 0.01).
    """
    depth: int
    activation: str
    init: str
    scale: float
    grad_norms: np.ndarray
    loss: float
    hist_layers: list = field(default_factory=list)
    hist_counts: list = field(default_factory=list)
    hist_edges: list = field(default_factory=list)
    hist_stats: list = field(default_factory=list)
    overflow_activation_layer: int = None   # first hidden layer with inf/NaN activations
    overflow_grad_layers: list = field(default_factory=list)   # layers with inf/NaN dW
    zero_layers: list = field(default_factory=list)            # layers whose dW is all 0
    zero_cause: str = None   # "underflow" (too small for float32) or "saturation" (f' = 0)
    verdict: str = ""        # vanishing, exploding, stable, overflow, underflow, saturated
    finding: str = ""        # one catalogue sentence, stated from the numbers

    @property
    def verdict_name(self):
        """The learner's word for the verdict ("vanishing" -> "消失")."""
        return say(f"gradients.verdict.{self.verdict}")

    @property
    def ratio(self):
        """||dW_1|| / ||dW_output||: how much of the output layer's gradient layer 1 gets."""
        first, last = self.grad_norms[0], self.grad_norms[-1]
        return float(first / last) if last > 0 else float("nan")

    @property
    def smallest_layer(self):
        """Weight layer (1-based) with the smallest finite gradient norm."""
        return _extreme_layer(self.grad_norms, np.nanargmin)

    @property
    def largest_layer(self):
        """Weight layer (1-based) with the largest finite gradient norm."""
        return _extreme_layer(self.grad_norms, np.nanargmax)


def _extreme_layer(norms, pick):
    """The 1-based layer ``pick`` (np.nanargmin, np.nanargmax) finds among the finite
    norms; None when there is none."""
    finite = np.where(np.isfinite(norms), norms, np.nan)
    return None if np.all(np.isnan(finite)) else int(pick(finite)) + 1


def _histogram(activation, pre, post):
    """Share of a layer's activation values per bin (fixed bins for sigmoid and tanh; for
    relu the positive values up to their 99.5th percentile, larger ones in the last bin,
    because relu's zeros, often half the values, are stated instead of drawn)."""
    finite = post[np.isfinite(post)]
    top = 1.0
    if activation == "relu":
        positive = finite[finite > 0]
        top = float(np.percentile(positive, 99.5)) if positive.size else 1.0
    binning = activation_bins(activation, HIST_BINS, relu_top=top,
                              zero_column=activation == "relu")
    shares, _ = binning.shares(post)
    with np.errstate(all="ignore"):
        flat = ACTIVATIONS.get(activation).grad(pre.astype(np.float64)) < FLAT_DERIVATIVE
        stats = {"mean": float(finite.mean(dtype=np.float64)) if finite.size else np.nan,
                 "std": float(finite.std(dtype=np.float64)) if finite.size else np.nan,
                 "flat": float(np.mean(flat)),
                 "nonfinite": 1.0 - finite.size / max(1, post.size)}
    return shares[2:] if binning.zero_column else shares, binning.edges(), stats


def gradient_profile(depth=10, activation="sigmoid", init="normal", scale=0.01, seed=0,
                     width=100, batch_size=200, dtype=np.float32):
    """Send one MNIST mini-batch forward and backward through
    ``MLP(784, [width] * depth, 10)`` and return a :class:`GradientProfile`.

    ``init="normal"`` draws weights from N(0, scale^2); ``"xavier"`` / ``"he"`` (or any
    initializer name) ignore ``scale``. ``seed`` picks the weights and the mini-batch.
    Pure: the same arguments give the same numbers.
    """
    depth = check_number("depth", depth, 1, 500, integer=True)
    ACTIVATIONS.get(activation)
    INITIALIZERS.get(init)
    scale = check_number("scale", scale, low=0, low_open=True)
    seed = check_number("seed", seed, low=0, integer=True)
    batch_size = check_number("batch_size", batch_size, 1, integer=True)
    (x, t), _ = mnist(batch_size, seed)
    net = MLP(x.shape[1], [check_number("width", width, low=1, integer=True)] * depth, 10,
              activation=activation, init=scale if init == "normal" else init,
              seed=seed, dtype=dtype)
    return network_profile(net, x, t, init, scale)


def network_profile(net, x, t, init, scale):
    """The :class:`GradientProfile` of the batch ``(x, t)`` in any :class:`~dlskills.MLP`
    ``net`` (batch norm, residual blocks, ...); ``init`` and ``scale`` are recorded as
    they are. Parameters are not changed (BatchNorm's running averages are)."""
    depth, activation = net.depth - 1, net.activation
    # overflow is a result here, not a warning
    with np.errstate(all="ignore"), single_thread_blas():
        # params=True: what is measured is the weights' gradients, which inspect leaves
        # on the layers (layer.dW); the report holds the activations and dL/d outputs
        report = net.inspect(x, t, params=True)
        weight_grads = [layer.dW for kind, _, layer in net.layers if kind == "affine"]
        norms = np.array([norm(g) for g in weight_grads])
    profile = GradientProfile(depth, activation, init, float(scale), norms, float(report.loss))
    for k in sorted({1, (depth + 1) // 2, depth}):   # first, middle and last hidden layer
        counts, edges, stats = _histogram(activation, report.pre[k - 1], report.post[k - 1])
        profile.hist_layers.append(k)
        profile.hist_counts.append(counts)
        profile.hist_edges.append(edges)
        profile.hist_stats.append(stats)
    bad_forward = [k for k, post in enumerate(report.post, start=1)
                   if not np.isfinite(post).all()]
    profile.overflow_activation_layer = bad_forward[0] if bad_forward else None
    if not np.isfinite(profile.loss) and profile.overflow_activation_layer is None:
        profile.overflow_activation_layer = depth + 1       # the logits overflowed
    profile.overflow_grad_layers = [k for k, n in enumerate(norms, start=1)
                                    if not np.isfinite(n)]
    profile.zero_layers = [k for k, g in enumerate(weight_grads, start=1)
                           if np.isfinite(norms[k - 1]) and not np.any(g)]
    if profile.zero_layers:
        profile.zero_cause = _zero_cause(report, profile.zero_layers[-1], activation)
    profile.verdict, profile.finding = judge(profile)
    return profile


def _zero_cause(report, k, activation):
    """Why weight layer k's gradient is exactly 0: "saturation" when dL/dh_k still had
    values but f'(z_k) is exactly 0 wherever it had (tanh/sigmoid rounded to their
    limits, relu units all off), else "underflow" (a product fell below float32's
    smallest number)."""
    if k > len(report.grad_post):
        return "underflow"
    upstream = report.grad_post[k - 1] != 0
    if not upstream.any():
        return "underflow"
    with np.errstate(all="ignore"):
        derivative = ACTIVATIONS.get(activation).grad(report.pre[k - 1])
    return "saturation" if not np.any(derivative[upstream]) else "underflow"


def judge(profile):
    """(verdict, finding) from the numbers of a :class:`GradientProfile`; the finding is
    a catalogue sentence (``gradients.finding.<...>``)."""
    p = profile
    out = p.depth + 1
    if p.overflow_activation_layer is not None:
        nan = not np.isfinite(p.loss) and not np.isfinite(p.grad_norms).any()
        tail = say("gradients.finding.tail_nan" if nan else "gradients.finding.tail_some")
        if p.overflow_activation_layer == out:
            return "overflow", say("gradients.finding.overflow_logits", tail=tail)
        return "overflow", say("gradients.finding.overflow_hidden",
                               layer=p.overflow_activation_layer, tail=tail)
    if p.overflow_grad_layers:
        return "overflow", say("gradients.finding.overflow_grads",
                               layers=say_layers(p.overflow_grad_layers))
    if p.zero_layers:
        cause = "saturated" if p.zero_cause == "saturation" else "underflow"
        return cause, say(f"gradients.finding.{cause}", layers=say_layers(p.zero_layers))
    ratio, peak = p.ratio, float(np.max(p.grad_norms))
    if ratio < VANISHING_RATIO:
        return "vanishing", say("gradients.finding.vanishing", ratio=ratio)
    if ratio > EXPLODING_RATIO:
        return "exploding", say("gradients.finding.exploding", ratio=ratio)
    if peak > EXPLODED_NORM:
        return "exploding", say("gradients.finding.exploding_size", peak=peak,
                                layer=p.largest_layer)
    if peak < VANISHED_NORM:
        return "vanishing", say("gradients.finding.vanishing_size", peak=peak)
    return "stable", say("gradients.finding.stable", ratio=ratio)
