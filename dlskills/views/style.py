"""The one plotting style of the course: large text for a projector, a colour-blind-safe
palette (Okabe & Ito), and the same colour for the same thing in every chapter.

Figure text is Chinese (from the message catalogue) with English technical terms and
math. Chinese renders on any machine, with or without a Chinese font installed: the
package ships a subset of Noto Sans SC, regular and bold (``dlskills/fonts/``, SIL OFL
1.1), holding every character the course draws, registered with matplotlib when this
module is imported.
``font.family`` lists DejaVu Sans first (Latin, digits, math symbols) and the subset
second (CJK); matplotlib falls back per character. Chinese fonts installed on the
machine follow as a last resort for text a learner types that the subset lacks.
Rebuild the subset after adding characters: ``python tools/font_subset.py``.
"""

import contextlib
import struct
import zlib
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.font_manager import fontManager, get_font
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
CJK_FONT_FILES = [FONT_DIR / f"NotoSansSC-dlskills-{weight}.ttf" for weight in ("Regular", "Bold")]

# Installed Chinese fonts used (when present) after the bundled subset.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei",
)


def _register_cjk_font():
    """Add the bundled subset (regular and bold) to matplotlib's font manager; return
    its family name."""
    for path in CJK_FONT_FILES:
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=CJK_FONT_FILES[0]).get_name()


CJK_FAMILY = _register_cjk_font()


def font_families():
    """The course's ``font.family`` list: DejaVu Sans, the bundled CJK subset, then any
    installed Chinese font (only installed ones: a missing family makes matplotlib log)."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return (["DejaVu Sans", CJK_FAMILY]
            + [name for name in SYSTEM_CJK_FAMILIES if name in installed])

# Okabe & Ito (2008), safe for the common forms of colour blindness
PALETTE = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#7F7F7F",
}

# The same thing has the same colour in every chapter.
COLORS = {
    # optimizers
    "sgd": PALETTE["grey"], "momentum": PALETTE["blue"], "adagrad": PALETTE["green"],
    "rmsprop": PALETTE["purple"], "adam": PALETTE["vermillion"],
    # initializers
    "constant": PALETTE["grey"], "identity": PALETTE["black"], "normal": PALETTE["sky"],
    "uniform": PALETTE["yellow"], "xavier": PALETTE["green"], "xavier_normal": PALETTE["green"],
    "xavier_uniform": PALETTE["green"], "he": PALETTE["vermillion"],
    "he_normal": PALETTE["vermillion"], "he_uniform": PALETTE["vermillion"],
    "lecun_normal": PALETTE["purple"],
    # activations
    "sigmoid": PALETTE["blue"], "tanh": PALETTE["green"], "relu": PALETTE["orange"],
    # data splits (validation and test: the held-out data a figure shows, one of them)
    "train": PALETTE["blue"], "test": PALETTE["orange"], "validation": PALETTE["orange"],
    # with / without a technique
    "with": PALETTE["vermillion"], "without": PALETTE["grey"],
    # regularization techniques
    "baseline": PALETTE["grey"], "weight decay": PALETTE["green"],
    "dropout": PALETTE["purple"], "batch norm": PALETTE["vermillion"],
}

TECHNIQUES = ("baseline", "weight decay", "dropout", "batch norm")

RC = {
    "font.family": font_families(),
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "axes.prop_cycle": matplotlib.cycler(color=[PALETTE[k] for k in (
        "blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]),
}


def color(name):
    """The course colour of ``name`` (an optimizer, initializer, activation, "train"...)."""
    return COLORS.get(str(name).lower(), PALETTE["black"])


@contextlib.contextmanager
def style():
    """Context in which new figures and artists get the course style."""
    with matplotlib.rc_context(RC):
        yield


def apply_style():
    """Make the course style the default for this session (e.g. for pyplot in a notebook)."""
    matplotlib.rcParams.update(RC)


class _GlyphRecorder:
    """Stands in for the Agg renderer's C++ core while one text is drawn: forwards every
    glyph bitmap and keeps a copy for :class:`_TextCachingRenderer`."""

    def __init__(self, core):
        self.core, self.glyphs = core, []

    def draw_text_image(self, image, x, y, angle, gc):
        self.glyphs.append((image.copy(), x, y, angle))
        self.core.draw_text_image(image, x, y, angle, gc)


class _TextCachingRenderer(RendererAgg):
    """Agg that rasterizes a text once per (string, font, place, angle) and then pastes
    its glyph bitmaps: shaping and rendering the glyphs were about half of an explorer's
    redraw (its titles, labels and tick labels come back at the same places each frame).
    The colour comes from each draw; the pixels are Agg's own."""

    MAX_TEXTS = 2000     # a few MB of glyph bitmaps at most

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._texts = {}
        self._heights = {}

    def _get_font_height_metrics(self, prop):
        """(ascent, descent, line gap) in pixels of ``prop``'s first font, from its OS/2
        table (else hhea), as a matplotlib Text reckons them before every layout: Text
        asks its renderer first (matplotlib >= 3.11), and without an answer looks the
        font up through every family of the list and reads its tables again, for every
        text of every draw (a tenth of chapter 3's redraw). Looked up once per font."""
        key = hash(prop)
        metrics = self._heights.get(key)
        if metrics is None:
            font = get_font(fontManager._find_fonts_by_props(prop))
            scale = prop.get_size_in_points() * self.dpi / 72 / \
                font.get_sfnt_table("head")["unitsPerEm"]
            metrics = (None, None, None)
            for table, ascent, descent, gap in (
                    ("OS/2", "sTypoAscender", "sTypoDescender", "sTypoLineGap"),
                    ("hhea", "ascent", "descent", "lineGap")):
                values = font.get_sfnt_table(table)
                if values is not None:
                    metrics = (values[ascent] * scale, -values[descent] * scale,
                               values[gap] * scale)
                    break
            self._heights[key] = metrics
        return metrics

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        # a Text of several lines draws each line with mtext=None (then Agg uses no
        # font features and no language): cached as well, not laid out every frame
        shaping = (None, None) if mtext is None else \
            (mtext.get_fontfeatures(), mtext.get_language())
        key = (s, hash(prop), x, y, angle, gc.get_antialiased(), shaping)
        glyphs = self._texts.get(key)
        if glyphs is None:
            core = self._renderer
            self._renderer = recorder = _GlyphRecorder(core)
            try:
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            finally:
                self._renderer = core
            if len(self._texts) >= self.MAX_TEXTS:
                self._texts.clear()
            self._texts[key] = recorder.glyphs
            return None
        for image, gx, gy, gangle in glyphs:
            self._renderer.draw_text_image(image, gx, gy, gangle, gc)
        return None


class CourseCanvas(FigureCanvasAgg):
    """The Agg canvas of every course figure, with :class:`_TextCachingRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def new_figure(figsize=(12, 5), dpi=100, **subplots):
    """A pyplot-free figure with an Agg canvas, and its axes from ``fig.subplots(**subplots)``.

    Safe to build and update from widget callbacks (no pyplot state, no inline flush).
    Create the artists inside ``with style():`` to get the course style.
    """
    with style():
        fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        CourseCanvas(fig)
        axes = fig.subplots(**subplots) if subplots else None
    return fig, axes


def freeze_layout(fig):
    """Lay ``fig`` out now (constrained layout) and keep it that way.

    Constrained layout re-runs on every draw, and each draw also places titles and axis
    labels around the tick labels again; together that was a third to a half of an
    explorer's redraw time. This lays the figure out once, pins every title and axis
    label where the layout put them, and turns the layout engine off. Call it when the
    figure holds its widest content, and again when that changes (another surface...).
    """
    fig.set_layout_engine("constrained")
    fig.get_layout_engine().execute(fig)
    for ax in fig.axes:
        ax.set_title(ax.get_title(), y=1.0, fontsize=ax.title.get_fontsize())
    # pin every axis label where a draw puts it: unpinned, each draw measures the tick
    # labels again to place the axis labels (about a fifth of a redraw, on chapter 1's)
    fig.canvas.draw()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            display = label.get_transform().transform(label.get_position())
            axis.set_label_coords(*ax.transAxes.inverted().transform(display))
    fig.set_layout_engine("none")


def png_bytes(fig):
    """Draw ``fig`` on its canvas and return it as PNG bytes, fast: the pixels as Agg drew
    them, RGB when the figure is opaque (else RGBA), rows unfiltered, zlib level 1.

    An explorer encodes a PNG on every redraw; Pillow's writer (``print_png``) took
    twice as long for a file of the same size (a tenth of chapter 3's redraw).
    """
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height, width, _ = rgba.shape
    opaque = bool(rgba[..., 3].min() == 255)
    channels = 3 if opaque else 4
    rows = np.zeros((height, 1 + width * channels), np.uint8)   # byte 0: filter "none"
    rows[:, 1:].reshape(height, width, channels)[...] = rgba[..., :channels]

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))
