"""The course's log axis: one tick style for every chapter.

Over three decades or more: ticks at powers of ten (at most ``most``), labelled "10⁻⁴"
in plain text with Unicode superscripts (looks like math, draws much faster than
mathtext, and DejaVu Sans has every glyph). Under three decades: ticks at 1-2-5 steps
labelled as plain numbers ("0.2", "0.5", "1"), so a loss axis from 0.1 to 2.3 is not
left with a single label. No minor ticks: unlabelled, they only cost redraw time.
"""

import numpy as np
from matplotlib.ticker import FuncFormatter, Locator, LogLocator, MaxNLocator, NullLocator

#: a log axis spanning fewer decades than this gets 1-2-5 ticks instead of decades
NARROW_DECADES = 3

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074"
                                            "\u2075\u2076\u2077\u2078\u2079")


def power_of_ten(exponent):
    """"10⁻⁴" as plain text."""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def _narrow(vmin, vmax):
    low, high = sorted((vmin, vmax))
    return low > 0 and np.log10(high) - np.log10(low) < NARROW_DECADES   # high / low may overflow


class _LogTicks(LogLocator):
    """Decades over a wide range, 1-2-5 steps over a narrow one (see the module)."""

    def __init__(self, most):
        super().__init__(base=10, numticks=most)

    def tick_values(self, vmin, vmax):
        self.set_params(subs=(1.0, 2.0, 5.0) if _narrow(vmin, vmax) else (1.0,))
        return super().tick_values(vmin, vmax)


def _label(value, axis):
    if value <= 0 or not np.isfinite(value):
        return ""
    exponent = np.log10(value)
    if _narrow(*axis.get_view_interval()):
        return f"{value:g}" if 1e-3 <= value < 1e4 else \
            f"{value / 10 ** np.floor(exponent):g}×" + power_of_ten(np.floor(exponent))
    return power_of_ten(exponent) if abs(exponent - round(exponent)) < 1e-6 else ""


def log_axis(axis, most=8):
    """Put ``axis`` (``ax.yaxis``, ``ax.xaxis``, a colour bar's) on a log scale with the
    course's ticks, once: the ticks follow later changes of the limits (setting the scale
    again would reset them)."""
    if axis.get_scale() != "log":           # a colour bar's is already (by its norm)
        set_scale = axis.axes.set_xscale if axis is axis.axes.xaxis else axis.axes.set_yscale
        set_scale("log")
    axis.set_major_locator(_LogTicks(most))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: _label(value, axis)))
    axis.set_minor_locator(NullLocator())


#: where :func:`edge_marks` sit, as a fraction of the axes' height from each edge
EDGE = 0.03


def edge_marks(ax, markers="v^", **style):
    """One empty line of markers per character of ``markers`` for values a log axis cannot
    show: by the course's rule ▼ (an exact 0) at y = ``EDGE`` and ▲ (inf/NaN) at 1 - ``EDGE``
    (x in data, y in axes fraction: on the edge whatever the limits)."""
    return [ax.plot([], [], linestyle="none", marker=marker,
                    transform=ax.get_xaxis_transform(), **style)[0] for marker in markers]


def show_profile(line, zeros, infs, values):
    """A value per layer (1, 2, ...) on ``line`` where it is finite and > 0; the other
    layers on the ``zeros`` and ``infs`` marks of :func:`edge_marks`."""
    values = np.asarray(values, dtype=float)
    layers = np.arange(1, values.size + 1)
    line.set_data(layers, np.where(np.isfinite(values) & (values > 0), values, np.nan))
    for marks, where, edge in ((zeros, values == 0, EDGE), (infs, ~np.isfinite(values), 1 - EDGE)):
        marks.set_data(layers[where], np.full(where.sum(), edge))


class WholeTicks(MaxNLocator):
    """Ticks on whole numbers (iterations, epochs) at 1-2-5 steps, at most about ``most``
    (plain ``MaxNLocator(integer=True)`` gave 0, 6, 12). ``last``: none past it (a margin
    kept free on the right); change it as the data's end moves."""

    def __init__(self, most=6):
        super().__init__(nbins=most, integer=True, steps=[1, 2, 5, 10])
        self.last = None

    def tick_values(self, vmin, vmax):
        if self.last is None:
            return super().tick_values(vmin, vmax)
        ticks = super().tick_values(vmin, min(vmax, self.last))
        return ticks[ticks <= self.last]


class LayerTicks(Locator):
    """Layer numbers on a layer axis: the first and the last layer shown and the
    multiples of a 1-2-5 step between them, at most ``most`` ticks ("1, 10, 20, ..., 50",
    not "6, 12, ..., 48", which names neither end)."""

    def __init__(self, most=8):
        self.most = most

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        first, last = int(np.ceil(min(vmin, vmax))), int(np.floor(max(vmin, vmax)))
        if last <= first:
            return np.array([first], dtype=float)
        step = next(s * 10 ** e for e in range(8) for s in (1, 2, 5)
                    if (last - first) / (s * 10 ** e) <= self.most - 1)
        inner = np.arange((first // step + 1) * step, last, step)
        # no inner tick crowding an end: half a step away at least, and never next to it
        # ("1, 2, 4, ..., 10, 11" reads as a typo)
        gap = max(step / 2, 2 if step > 1 else 1)
        inner = inner[(inner - first >= gap) & (last - inner >= gap)]
        return np.concatenate([[first], inner, [last]]).astype(float)
