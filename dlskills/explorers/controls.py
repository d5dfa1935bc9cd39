"""The controls explorers are declared with: one factory per kind of control.

A factory takes no name: :class:`~dlskills.explorers.base.Explorer` labels each control
from the catalogue (``control.<key>``), gives it its DOM class and wires it, so::

    def make_controls(self):
        return {"depth": controls.slider(10, 1, 50),
                "activation": controls.choice(ACTIVATIONS.names(), "sigmoid")}

Sliders update on release: with continuous updates the browser sends back any value it
snaps to its step grid (lr=1.2 came back as 1.26) and that late echo overrides what the
kernel set last; integer steps snap to nothing, so ``continuous=True`` is safe for them.
Extra keyword options go to the widget as they are.
"""

import ipywidgets as widgets

def _look(width, label_width):
    """Style and layout: ``width`` None shares a row equally (never narrower than 300px);
    ``label_width`` "initial" shows the whole label."""
    layout = (widgets.Layout(flex="1 1 0%", min_width="300px") if width is None
              else widgets.Layout(width=width))
    return {"style": {"description_width": label_width}, "layout": layout}


def slider(value, low, high, step=1, *, fmt=None, continuous=False, width=None,
           label_width="initial", **options):
    """An integer slider when ``value``, ``low``, ``high`` and ``step`` are all ints, else a
    float slider (``fmt``: its readout format, e.g. ".2f")."""
    numbers = (value, low, high, step)
    kind = (widgets.IntSlider if all(isinstance(n, int) for n in numbers)
            else widgets.FloatSlider)
    if fmt:
        options["readout_format"] = fmt
    return kind(value=value, min=low, max=high, step=step, continuous_update=continuous,
                **_look(width, label_width), **options)


def log_slider(value, low, high, step, *, fmt=".3g", width=None, label_width="initial",
               **options):
    """A slider on a log scale from 10**low to 10**high, ``step`` in decades."""
    return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=step,
                                  readout_format=fmt, continuous_update=False,
                                  **_look(width, label_width), **options)


def choice(options, value, *, width=None, label_width="initial", **extra):
    """A dropdown; an option is a value, or a (label, value) pair."""
    return widgets.Dropdown(options=list(options), value=value,
                            **_look(width, label_width), **extra)


def choices(options, value=None, *, width="230px", label_width="initial", **extra):
    """Several of ``options`` (all of them by default), one row each."""
    options = list(options)
    return widgets.SelectMultiple(options=options,
                                  value=tuple(options if value is None else value),
                                  rows=len(options), **_look(width, label_width), **extra)


def toggle(value=False, *, width="140px", label_width="initial", **extra):
    """A checkbox."""
    return widgets.Checkbox(value=value, indent=False, **_look(width, label_width), **extra)
