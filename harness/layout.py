"""Layout faults of a drawn matplotlib figure, as a reader would see them: texts over
texts, texts over another plot, texts cut off at the edge. Used by tests/test_layout.py
and benchmarks/layout_sweep.py."""
from matplotlib.text import Text


def _drawn_tick_labels(axis):
    """The tick labels a draw of ``axis`` shows: those of its ticks inside the view
    interval (as matplotlib 3.11's private ``Axis._update_ticks`` chooses them; no public
    call returns that list)."""
    axis.get_ticklabels(which="both")             # brings the ticks' places and texts up to date
    scale = axis.get_transform()
    low, high = sorted(scale.transform(axis.get_view_interval()))
    slack = 1e-10 * (high - low)
    return [label for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks())
            if low - slack <= scale.transform(tick.get_loc()) <= high + slack
            for label in (tick.label1, tick.label2)]


def _texts(fig):
    """(owner, kind, window box) of every drawn, non-empty text of ``fig``; a legend is
    one box; owner is the axes the text belongs to (None: the figure)."""
    drawn = []

    def add(owner, kind, artist):
        if artist.get_visible() and (not hasattr(artist, "get_text") or artist.get_text()):
            drawn.append((owner, kind, artist.get_window_extent()))

    for text in fig.texts:
        add(None, "figure text", text)
    for legend in fig.legends:
        add(None, "figure legend", legend)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        # the three titles are the axes' own texts that are not notes (ax.texts)
        for text in ax.get_children():
            if isinstance(text, Text) and text not in ax.texts:
                add(ax, "title" if text is ax.title else
                    f"{text.get_horizontalalignment()} title", text)
        for kind, text in (("x label", ax.xaxis.label), ("y label", ax.yaxis.label),
                           ("x offset", ax.xaxis.offsetText),
                           ("y offset", ax.yaxis.offsetText)):
            add(ax, kind, text)
        for text in ax.texts:
            add(ax, "note", text)
        for name, axis in (("x tick", ax.xaxis), ("y tick", ax.yaxis)):
            for label in _drawn_tick_labels(axis):
                add(ax, name, label)
        if ax.get_legend() is not None:
            add(ax, "legend", ax.get_legend())
    return drawn


def layout_faults(fig, tolerance=1.0):
    """What a reader would see as a layout fault in ``fig`` (drawn now): two texts whose
    boxes overlap, a text over another axes' plotting area, a text cut off at the
    figure's edge. Returns a list of sentences (empty: none)."""
    fig.canvas.draw()
    texts = _texts(fig)
    faults = []

    def overlap(a, b):
        return (min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
                and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance)

    def name(owner, kind):
        where = "the figure" if owner is None else f"axes {fig.axes.index(owner)}"
        return f"{kind} of {where}"

    for i, (owner, kind, box) in enumerate(texts):
        for other, other_kind, other_box in texts[i + 1:]:
            if overlap(box, other_box):
                faults.append(f"{name(owner, kind)} overlaps {name(other, other_kind)}")
        for ax in fig.axes:
            if ax is not owner and ax.get_visible() and overlap(box, ax.bbox):
                faults.append(f"{name(owner, kind)} overlaps axes {fig.axes.index(ax)}")
        if (box.x0 < -tolerance or box.y0 < -tolerance
                or box.x1 > fig.bbox.x1 + tolerance or box.y1 > fig.bbox.y1 + tolerance):
            faults.append(f"{name(owner, kind)} is cut off at the figure's edge")
    return faults
