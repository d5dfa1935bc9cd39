"""Numbers that several chapters draw: the one histogram binning of the course.

A :class:`Binning` is a fixed set of bins for one kind of value (sigmoid outputs,
ReLU outputs, gradients...). Fixed bins let a live figure update its artists in place,
and every chapter counts the same way: values beyond the range fall in the edge bins,
non-finite values are counted apart, exact zeros may get a column of their own.
:func:`layer_histograms` gives each layer's shares and standard deviation. Views draw
these numbers; they do not count.
"""

import functools
from dataclasses import dataclass

import numpy as np

#: a float32 magnitude's top 16 of 31 bits: its exponent and first 8 mantissa bits
BUCKET_SHIFT = 15

@dataclass(frozen=True)
class Binning:
    """Fixed bins for histograms of one kind of value.

    ``scale="linear"``: ``n`` equal bins on [lo, hi] of the value itself.
    ``scale="log"``: ``n`` equal bins on [lo, hi] of log10(|value|), for a value's float32
    magnitude cut to 8 mantissa bits (at most 0.4 % smaller): its bin is then read off its
    top 16 bits, several times faster than a logarithm of every value.
    ``zero_column``: values that are exactly 0 are counted in a column of their own,
    left of the bins with an empty gap column between (ReLU's zeros, often half the
    values, would otherwise hide the rest). Values beyond the range are counted in the
    edge bins; non-finite values are not counted (``shares`` reports their share).
    ``label`` is the catalogue key of the axis label.
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
        kept = []
        for a in arrays:            # in the arrays' own float dtype: no float64 copies
            m = np.abs(np.asarray(a)).ravel()
            m = m if m.dtype.kind == "f" else m.astype(np.float64)
            kept.append(m[np.isfinite(m) & (m > 0)])
        mags = np.concatenate(kept)
        if mags.size == 0:
            return cls("log", -1.0, 1.0, 2 * per_decade, zero_column=True, label=label)
        tail = (1 - coverage) / 2
        low, high = np.log10(np.quantile(mags, [tail, 1 - tail]))
        lo, hi = np.floor(low), np.ceil(high)
        if hi - lo < 2:
            hi = lo + 2
        return cls("log", float(lo), float(hi), int(round((hi - lo) * per_decade)),
                   zero_column=True, label=label)

    def __post_init__(self):
        if self.scale not in ("linear", "log"):
            raise ValueError(f"Binning: scale must be 'linear' or 'log', got {self.scale!r}")
        if not (self.n >= 1 and self.hi > self.lo):
            raise ValueError(f"Binning: needs n >= 1 bins and lo < hi, got n={self.n!r}, "
                             f"lo={self.lo!r}, hi={self.hi!r}")
        if self.scale == "log" and self.width < 0.01:
            raise ValueError(f"Binning: log bins must be at least 0.01 decade wide (one "
                             f"float32 bucket is 0.0017), got {self.width:.3g}")

    @property
    def width(self):
        return (self.hi - self.lo) / self.n

    @functools.cached_property
    def _bucket_starts(self):
        """Log bins: the first magnitude bucket (float32 bits >> BUCKET_SHIFT) of each
        bin; a bucket belongs to the bin of its smallest value."""
        buckets = np.arange(2 ** (31 - BUCKET_SHIFT), dtype=np.uint32) << BUCKET_SHIFT
        with np.errstate(divide="ignore", invalid="ignore"):      # 0 and NaN buckets
            smallest = buckets.view(np.float32).astype(np.float64)
            index = np.floor((np.log10(smallest) - self.lo) / self.width)
        index[np.isnan(index)] = self.n - 1         # not-a-number buckets: never filled
        return np.searchsorted(np.clip(index, 0, self.n - 1), np.arange(self.n))

    @property
    def columns(self):
        return self.n + (2 if self.zero_column else 0)   # zero column, gap, bins

    def edges(self):
        """Bin edges on the x axis (the value, or log10 of its magnitude)."""
        return np.linspace(self.lo, self.hi, self.n + 1)

    def extent_x(self):
        """(left, right) of all columns in data units of the x axis."""
        left = self.lo - (2 * self.width if self.zero_column else 0.0)
        return left, self.hi

    @property
    def zero_x(self):
        """x position of the centre of the "= 0" column."""
        return self.lo - 1.5 * self.width

    def shares(self, values):
        """(share of values per column, share that is not finite), both out of all values
        (columns as drawn: zero column and gap first when there is a zero column)."""
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
                # float32 magnitudes (float64 ones beyond its range become 0 or inf, and
                # land in the edge bins like the rest): their top bits are counted per
                # bucket, and the buckets summed per bin
                with np.errstate(over="ignore"):
                    bits = np.abs(v).astype(np.float32, copy=False).view(np.uint32)
                buckets = np.bincount(bits >> BUCKET_SHIFT, minlength=2 ** (31 - BUCKET_SHIFT))
                counts[offset:] += np.add.reduceat(buckets, self._bucket_starts)
            else:
                with np.errstate(over="ignore"):    # overflows: clipped to the edge bins
                    x = v - self.lo
                    x *= 1.0 / self.width
                np.clip(x, 0, self.n - 1, out=x)    # beyond the range: the edge bins
                counts[offset:] += np.bincount(x.astype(np.intp), minlength=self.n)
            if self.zero_column:
                n_zero = int(np.count_nonzero(v == 0))
                zero_bin = 0 if self.scale == "log" else \
                    int(np.clip((0.0 - self.lo) / self.width, 0, self.n - 1))
                counts[0] = n_zero
                counts[offset + zero_bin] -= n_zero
        total = max(1, v.size + n_bad)
        return counts / total, n_bad / total


@dataclass(frozen=True)
class LayerHistograms:
    """Histograms of several layers' values in one :class:`Binning` (index 0 = layer 1):
    ``shares[k]`` per column and ``bad[k]`` not finite (as :meth:`Binning.shares`), and
    ``std[k]`` the standard deviation (:func:`std64`)."""
    shares: np.ndarray
    bad: np.ndarray
    std: np.ndarray


def layer_histograms(binning, per_layer):
    """The :class:`LayerHistograms` of ``per_layer`` (one array of values per layer):
    what every chapter's per-layer histograms draw."""
    shares, bad = zip(*(binning.shares(values) for values in per_layer))
    return LayerHistograms(np.array(shares), np.array(bad),
                           np.array([std64(values) for values in per_layer]))


def std64(values):
    """Standard deviation in float64 (squares of float32 values neither overflow nor
    underflow there), nan when a value is not finite or the sum of squares overflows
    (float64 values beyond about 1e154); the sum of squares is one BLAS dot.
    Works on a copy: ``values`` are left as they are."""
    v = np.array(values, dtype=np.float64).ravel()
    with np.errstate(invalid="ignore", over="ignore"):      # inf - inf, overflow: nan
        v -= v.mean()
        s = float(np.sqrt(np.dot(v, v) / v.size))
    return s if np.isfinite(s) else float("nan")


def median_nonzero(values):
    """Median of |values| over the non-zero finite ones (ReLU zeroes about half of
    them); 0 when there are none."""
    values = np.asarray(values)
    mag = np.abs(values[np.isfinite(values)])
    mag = mag[mag > 0]
    return float(np.median(mag)) if mag.size else 0.0


def activation_bins(activation, n=40, relu_top=4.0, zero_column=False):
    """``n`` linear bins over the range of an activation's outputs: [0, 1] for sigmoid,
    [-1, 1] for tanh, [0, ``relu_top``] for ReLU (larger values in the last bin)."""
    lo, hi = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation, (0.0, relu_top))
    return Binning("linear", lo, float(hi), n, zero_column=zero_column)


#: bins of the initialization explorer's heatmaps, per activation (log bins for ReLU:
#: a quarter decade each, so a layer-to-layer factor of sqrt(1/2) shows as a drift)
ACTIVATION_BINS = {
    "sigmoid": activation_bins("sigmoid"),
    "tanh": activation_bins("tanh"),
    "relu": Binning("log", -12.0, 8.0, 80, zero_column=True, label="init.axis.activation_log"),
}
#: bins for gradients dL/dz (magnitude, log scale)
GRADIENT_BINS = Binning("log", -20.0, 4.0, 96, zero_column=True,
                        label="init.axis.gradient_log")
