"""The controls explorers are declared with: one factory per kind of control.

A factory takes no name: :class:`~dlskills.explorers.base.Explorer` labels each control
from the catalogue (``control.<key>``), gives it its DOM class and wires it, so::

    def make_controls(self):
        return {"depth": controls.slider(10, 1, 50),
                "activation": controls.choice(ACTIVATIONS.names(), "sigmoid")}

Sliders update on release: with continuous updates the browser sends back any value it
snaps to its step grid (lr=1.2 came back as 1.26) and that late echo overrides what the
kernel set last; integer steps snap to nothing, so ``continuous=True`` is safe for them.
Every factory also takes ``width`` (None: share a row equally, never narrower than 300px)
and ``label_width`` ("initial": the whole label).
"""

import ipywidgets as widgets

def _look(width=None, label_width="initial"):
    """The widget's ``style`` and ``layout`` keywords."""
    layout = (widgets.Layout(flex="1 1 0%", min_width="300px") if width is None
              else widgets.Layout(width=width))
    return {"style": {"description_width": label_width}, "layout": layout}


def slider(value, low, high, step=1, *, fmt=None, continuous=False, **look):
    """An integer slider when ``value``, ``low``, ``high`` and ``step`` are all ints, else a
    float slider (``fmt``: its readout format, e.g. ".2f")."""
    kind = (widgets.IntSlider if all(isinstance(n, int) for n in (value, low, high, step))
            else widgets.FloatSlider)
    readout = {"readout_format": fmt} if fmt else {}
    return kind(value=value, min=low, max=high, step=step, continuous_update=continuous,
                **readout, **_look(**look))


def log_slider(value, low, high, step, *, fmt=".3g", **look):
    """A slider on a log scale from 10**low to 10**high, ``step`` in decades."""
    return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=step,
                                  readout_format=fmt, continuous_update=False,
                                  **_look(**look))


def choice(options, value, **look):
    """A dropdown; an option is a value, or a (label, value) pair."""
    return widgets.Dropdown(options=list(options), value=value, **_look(**look))


def choices(options, *, width="230px", **look):
    """Several of ``options``, all of them selected at first, one row each."""
    options = tuple(options)
    return widgets.SelectMultiple(options=options, value=options, rows=len(options),
                                  **_look(width, **look))


def toggle(value, *, width="140px", **look):
    """A checkbox."""
    return widgets.Checkbox(value=value, indent=False, **_look(width, **look))
