"""The one view protocol of the course.

A view makes its artists once on a figure, ``View(fig)``, and shows a result with
``update(result)``: an explorer calls it on every change, moving artists instead of
drawing anew. ``View.figure(result)`` is the same drawing as a static figure for a
notebook cell (the cell's last expression, so Jupyter shows it).
"""

from .style import new_figure, style


class View:
    """Base of the views: subclasses make their artists in ``__init__`` and implement
    ``update``; ``figsize`` is the static figure's size."""

    figsize = (12, 5)

    def __init__(self, fig):
        self.fig = fig

    def widest(self, ranges):
        """Show the widest content (tick labels, titles) the view will show, for the one
        layout an explorer makes before it draws its first result (``update`` then
        replaces all of it); return whether it showed anything. ``ranges``: each setting
        -> the values its control can take (a slider's lowest and highest). By default
        nothing: the layout is made for the first result, as wide as any."""
        return False

    def update(self, result):
        """Show ``result`` by updating the artists made in ``__init__``."""
        raise NotImplementedError

    @classmethod
    def figure(cls, result, figsize=None, **options):
        """A static figure of ``result``; ``options`` go to the constructor."""
        fig, _ = new_figure(figsize or cls.figsize, dpi=100)
        with style():
            cls(fig, **options).update(result)
        return fig
