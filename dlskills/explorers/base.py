"""The explorer pattern shared by every chapter.

An explorer is: controls (declared with :mod:`.controls`; ``used_when`` says when a
setting matters) -> ``compute(**settings)`` (pure, numpy only)
-> ``draw(result)`` (updates the artists of one persistent matplotlib figure made once
in ``setup(fig)``) -> the figure rendered to PNG and shown by one ``ipywidgets.Image``,
replaced in one step (no flicker, no pyplot, so no blank figures from JupyterLab's
widget thread) -> a short status text naming the settings in use that were drawn,
then the result's ``finding``.

Driving from Python (tests, notebooks)::

    ex = GradientExplorer()
    ex.set(depth=10, activation="tanh")   # one redraw for both changes
    ex.result, ex.status, ex.png          # what was computed, said and shown

Copy as code: an explorer declares ``experiment`` (the public function computing its
result) and ``view_class`` (the view drawing it); ``compute`` calls the experiment with
``arguments(settings)``, and ``code()`` writes the same call with literal values and
``view_class.figure(result)``, so a learner's cell reproduces the numbers and the
figure (a training explorer: of its last run, or before one the code Run would run).
The code button shows it in a text box.

Errors in compute or draw are shown as the status (the figure keeps the last good
drawing) and the explorer keeps working. The DOM classes (``dlskills-explorer``,
``dlskills-explorer-<name>``, ``dlskills-control-<key>``, ``dlskills-status``,
``dlskills-figure``) are the contract the browser tests rely on.
"""

import ast
import base64
import functools
import html
import math
import numbers
import threading
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine

from .._blas import single_thread_blas
from ..messages import catalogue, say, say_list, say_yes_no
from ..training import History
from ..views.base import View
from ..views.style import PALETTE, freeze_layout, new_figure, png_bytes, style


class Explorer:
    """Base class. Subclasses set ``name``, declare their controls in ``make_controls``
    (with :mod:`dlskills.explorers.controls`) and ``used_when``, and declare
    ``experiment`` and ``view_class`` (or implement ``setup``, ``compute`` and ``draw``)."""

    name = "explorer"
    #: the figure's size; None: the ``view_class``'s own (without one, ``View``'s default)
    figsize = None
    dpi = 80          # on-screen resolution: keeps PNG encoding fast
    #: key -> predicate(settings): when a setting is in use. A control not in use is
    #: disabled and left out of the status (e.g. ``{"lr": lambda s: not s["tuned_lr"]}``)
    used_when = {}
    #: the layout as columns of control keys, e.g. ``(("optimizers",), ("lr", "steps"))``;
    #: None: two rows
    columns = None
    #: the public function that computes the result (``staticmethod(gradient_profile)``),
    #: called with ``arguments(settings)``: by ``compute`` (or ``train``) and by the code
    #: ``code()`` shows, so the two cannot differ
    experiment = None
    #: the :class:`~dlskills.views.base.View` drawing the result: made in ``setup``,
    #: updated in ``draw``; ``view_class.figure(result)`` is the figure of ``code()``
    view_class = None

    def __init__(self, **initial):
        self._holding = False
        self.controls = self.make_controls()
        labels = catalogue()
        for key, control in self.controls.items():
            if f"control.{key}" in labels:      # the one label, shared by every chapter
                control.description = labels[f"control.{key}"]
            control.add_class(f"dlskills-control-{key}")
            control.observe(functools.partial(self._on_change, key), names="value")
        self._enable()
        self.figsize = self.figsize or (self.view_class or View).figsize
        self.fig, _ = new_figure(self.figsize, dpi=self.dpi)
        with style():
            self.setup(self.fig)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%"))
        self.image.add_class("dlskills-figure")
        self.status_widget = widgets.HTML()
        self.status_widget.add_class("dlskills-status")
        self.code_button = widgets.Button(description=say("explorer.code"), icon="code")
        self.code_button.add_class("dlskills-control-code")
        self.code_button.on_click(self._toggle_code)
        self.code_hint = widgets.HTML(say("explorer.code_hint"),
                                      layout=widgets.Layout(display="none"))
        self.code_box = widgets.Textarea(layout=widgets.Layout(display="none", width="100%"))
        self.code_box.add_class("dlskills-code")
        self.widget = widgets.VBox([self.layout_controls(), self.action_row(),
                                    self.code_hint, self.code_box, self.status_widget,
                                    self.image], layout=widgets.Layout(width="100%"))
        self.widget.add_class("dlskills-explorer")
        self.widget.add_class(f"dlskills-explorer-{self.name}")
        self.result = None
        self._computed = None       # (settings, result) of the last whole result drawn
        self.error = None
        self.png = b""
        self.status = ""
        self.redraws = 0
        self._lock = threading.RLock()
        self.set(**initial)         # the first drawing, with the initial settings if any

    # --- to implement -------------------------------------------------------------
    def make_controls(self):
        """Return a dict key -> control (from :mod:`.controls`); keys are the keyword
        names of ``compute``. The base labels, classes and wires them."""
        raise NotImplementedError

    def setup(self, fig):
        """Create the axes and the artists that ``draw`` updates (called once); by
        default the ``view_class`` on ``fig``."""
        self.view = self.view_class(fig)

    def compute(self, **settings):
        """Pure computation from the settings; returns whatever ``draw`` needs. By
        default ``experiment(**arguments(settings))``."""
        return self.experiment(**self.arguments(settings))

    def draw(self, result):
        """Update the artists made in ``setup`` to show ``result``."""
        self.view.update(result)

    def arguments(self, settings):
        """The keyword arguments of ``experiment`` for ``settings``: literal values only
        (numbers, strings, booleans, None, tuples, lists, dicts of them). By default
        the settings themselves."""
        return dict(settings)

    # --- copy as code -------------------------------------------------------------
    def code(self):
        """Python source that reproduces the result and the figure shown now with the
        public ``dlskills`` API: the imports, the experiment called with the settings
        as literal values (one a line when they do not fit on one), and the view's
        figure of its result (the notebook cell's last expression, so Jupyter shows
        it; with ``figsize`` when the explorer's is not the view's own). ``result`` then
        equals ``self.result``. When the figure shows no whole result (nothing trained
        yet, a preview, a stopped run), the code computes one with the current settings,
        and its first line says so. TypeError naming an argument whose value has no
        literal spelling (its ``repr`` read back by ``ast.literal_eval`` differs)."""
        function, view = self.experiment, self.view_class
        if function is None or view is None:
            raise NotImplementedError(f"{type(self).__name__} declares no experiment "
                                      "and view_class to write code with")
        shown = self._computed is not None and self.result is self._computed[1]
        settings = self._computed[0] if shown else self.settings
        lines = [] if shown else ["# " + say("explorer.code_untrained")]
        lines += [f"from {item.__module__} import {item.__name__}" for item in (function, view)]
        args = []
        for key, value in self.arguments(settings).items():
            try:
                same = ast.literal_eval(repr(value)) == value
            except (ValueError, SyntaxError):
                same = False
            if not same:
                raise TypeError(f"argument {key!r} has no literal value to write as code: "
                                f"{value!r} (numbers, strings, booleans, None, tuples, "
                                f"lists and dicts of them)")
            args.append(f"{key}={value!r}")
        call = f"result = {function.__name__}({', '.join(args)})"
        if len(call) > 88:
            call = "\n".join([f"result = {function.__name__}("]
                             + [f"    {arg}," for arg in args] + [")"])
        size = "" if tuple(self.figsize) == tuple(view.figsize) \
            else f", figsize={tuple(self.figsize)!r}"
        return "\n".join(lines + ["", call, f"{view.__name__}.figure(result{size})", ""])

    def _toggle_code(self, _=None):
        """The code button: show the code in the text box, or hide it."""
        shown = self.code_box.layout.display != "none"
        if not shown:
            self._refresh_code()
        self.code_box.layout.display = "none" if shown else ""
        self.code_hint.layout.display = self.code_box.layout.display

    def _refresh_code(self):
        try:
            code = self.code()
            self.code_box.rows = code.count("\n") + 1      # all of it, no scrolling
            self.code_box.value = code
        except Exception as err:    # shown in the box; the explorer stays usable
            self.code_box.value = f"# {type(err).__name__}: {err}"

    def describe(self, settings, result):
        """The status after drawing ``result``: the settings, then the result's
        ``finding`` (a catalogue sentence) when it has one."""
        finding = getattr(result, "finding", None)
        text = self.describe_settings(settings)
        return say("explorer.result", settings=text, finding=finding) if finding else text

    def describe_settings(self, settings):
        """The settings in use as the learner reads them: each control's label (its
        catalogue label ``control.<key>``) and value as the control shows it,
        "深度 10，激活函数 tanh"."""
        return say("explorer.settings_sep").join(
            say("explorer.setting", label=self.controls[key].description or key,
                value=_shown(self.controls[key], value))
            for key, value in settings.items() if self.in_use(key, settings))

    def in_use(self, key, settings):
        """Whether setting ``key`` changes the result for ``settings`` (``used_when``)."""
        return key not in self.used_when or bool(self.used_when[key](settings))

    def changed(self, key, value):
        """Control ``key`` was set to ``value``: adjust other controls before the one
        redraw (e.g. move a start point into a new surface). By default nothing."""

    def layout_controls(self):
        """The controls in ``columns`` when declared, else in two rows of equal share
        (wrapping where the notebook is too narrow)."""
        if self.columns:
            return widgets.HBox([widgets.VBox([self.controls[key] for key in column])
                                 for column in self.columns],
                                layout=widgets.Layout(flex_flow="row wrap"))
        items = list(self.controls.values())
        half = (len(items) + 1) // 2
        wrap = widgets.Layout(flex_flow="row wrap")    # a narrow notebook wraps, never cuts
        return widgets.VBox([widgets.HBox(items[:half], layout=wrap),
                             widgets.HBox(items[half:], layout=wrap)])

    def action_row(self):
        """A row below the controls that no subclass layout replaces: the code button
        (and Run/Stop for training explorers)."""
        return widgets.HBox([self.code_button])

    # --- machinery ----------------------------------------------------------------
    @property
    def settings(self):
        return {key: control.value for key, control in self.controls.items()}

    def set(self, **values):
        """Set several controls at once and redraw once. An unknown key or an option a
        control does not offer raises ValueError; a number outside a slider's range is
        moved to the nearest end, and the status says so."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control {sorted(unknown)}; "
                             f"controls: {', '.join(self.controls)}")
        for key, value in values.items():       # refuse before changing anything
            _allowed(key, self.controls[key], value)
        moved = []
        with self._lock:
            self._holding = True
            try:
                for key, value in values.items():   # in order: a control may move another's range
                    control = self.controls[key]
                    control.value, asked = _allowed(key, control, value)
                    if asked is not None:
                        moved.append(say("explorer.clamped", label=control.description or key,
                                         asked=_fmt(asked), value=_fmt(control.value)))
            finally:
                self._holding = False
            self.update()
            if moved:
                self._show_status(say("explorer.adjusted", status=self.status,
                                      moved=say("explorer.settings_sep").join(moved)),
                                  error=self.error is not None)
        return self

    def _on_change(self, key, change):
        holding, self._holding = self._holding, True
        try:
            self.changed(key, change["new"])
        finally:
            self._holding = holding
        self._enable()
        if not self._holding:
            self.update()

    def _enable(self):
        settings = self.settings
        for key in self.used_when:
            self.controls[key].disabled = not self.in_use(key, settings)

    def update(self):
        """compute -> draw -> PNG -> image and status; errors become the status."""
        with self._lock:
            settings = self.settings
            try:
                with single_thread_blas():
                    result = self.compute(**settings)
                self.show(result)
            except Exception as err:  # shown to the learner; the explorer stays usable
                self.show_error(settings, err)
                return
            self._computed = (settings, result)
            self._show_status(self.describe(settings, result))

    def show(self, result):
        """Draw ``result`` into the figure and put the new PNG on screen in one step."""
        with self._lock:
            with style():
                # one layout, made at the first result and frozen (later redraws skip
                # it, the figure's layout engine is then off): for the widest content
                # the view shows (View.widest) when it can say, else for this result;
                # either way the result is drawn once
                first = result is not None and isinstance(self.fig.get_layout_engine(),
                                                          ConstrainedLayoutEngine)
                if first and hasattr(self, "view") and self.view.widest(
                        {key: _ends(control) for key, control in self.controls.items()}):
                    freeze_layout(self.fig)
                    first = False
                self.draw(result)
                if first:
                    freeze_layout(self.fig)
            self.png = png_bytes(self.fig)
            self.result, self.error = result, None
            self.image.value = self.png
            self.redraws += 1
            if self.code_box.layout.display != "none":     # the code shown follows
                self._refresh_code()

    def show_error(self, settings, err):
        self.error = err
        self._show_status(say("explorer.error", settings=self.describe_settings(settings),
                              kind=type(err).__name__, error=err), error=True)

    def _show_status(self, text, error=False):
        self.status = text
        color = PALETTE["vermillion"] if error else "#333333"
        self.status_widget.value = (f'<span style="font-family:monospace;color:{color}">'
                                    f"{html.escape(text)}</span>")

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus the figure as a plain PNG: a notebook viewed without a
        kernel (GitHub, nbviewer) shows the figure the explorer was saved with."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if self.png:
            bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
            bundle["text/plain"] = self.status
        return bundle


def _ends(control):
    """What ``control`` can be set to: a dropdown's or a selection's option values, a
    checkbox's (False, True), a slider's (lowest, highest) value (a log slider's too, not
    its exponents); any other control's value."""
    if isinstance(control, (widgets.Dropdown, widgets.SelectMultiple)):
        return tuple(option[1] if isinstance(option, tuple) else option
                     for option in control.options)
    if isinstance(control, widgets.Checkbox):
        return False, True
    if isinstance(control, widgets.FloatLogSlider):
        return control.base ** control.min, control.base ** control.max
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        return control.min, control.max
    return (control.value,)


def _allowed(key, control, value):
    """(the value ``control`` will hold, the value asked for if it had to be moved into
    range, else None); ValueError naming the control and what it allows otherwise.

    A float slider's value is also moved to the nearest position of its step grid: the
    browser snaps a slider's value to that grid and sends the snapped value back; set
    from Python off the grid, a value would come back changed a moment later and trigger
    another redraw with other settings (seen in JupyterLab).
    """
    if isinstance(control, (widgets.Dropdown, widgets.SelectMultiple)):
        options = _ends(control)
        many = isinstance(control, widgets.SelectMultiple)
        asked = list(value) if many and isinstance(value, (tuple, list)) else [value]
        bad = [v for v in asked if v not in options]
        if bad or (many and not isinstance(value, (tuple, list))):
            raise ValueError(f"control {key!r} has no option {bad[0] if bad else value!r}; "
                             f"options: {', '.join(map(repr, options))}"
                             + (" (a tuple of several)" if many else ""))
        return (tuple(value) if many else value), None
    if isinstance(control, widgets.Checkbox):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"control {key!r} takes True or False; got {value!r}")
        return bool(value), None           # traitlets' Bool refuses numpy's np.True_
    if not isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)):
        return value, None
    integer = isinstance(control, widgets.IntSlider)
    log = isinstance(control, widgets.FloatLogSlider)      # min, max, step: exponents
    low, high = _ends(control)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or (integer and value != int(value)):
        raise ValueError(f"control {key!r} takes {'an integer' if integer else 'a number'}"
                         f" from {_fmt(low)} to {_fmt(high)}; got {value!r}")
    inside = min(max(value, low), high)
    asked = None if inside == value else value
    if integer:
        return int(inside), asked
    x = np.log(float(inside)) / np.log(control.base) if log else float(inside)
    x = control.min + round((x - control.min) / control.step) * control.step
    x = min(max(x, control.min), control.max)
    return float(f"{control.base ** x if log else x:.12g}"), asked


def _shown(control, value):
    """``value`` as ``control`` shows it: an option's label, "none selected" for an empty
    selection, numbers and yes/no as ``_fmt`` writes them."""
    if isinstance(control, widgets.Dropdown):
        for option in control.options:
            if isinstance(option, tuple) and option[1] == value:
                return option[0]
    if isinstance(control, widgets.SelectMultiple) and not value:
        return say("explorer.none_selected")
    return _fmt(value)


def _fmt(value):
    if isinstance(value, bool):
        return say_yes_no(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list)):
        return say_list(value)
    return str(value)


class TrainingExplorer(Explorer):
    """An explorer whose computation is a training run.

    Changing a control does not train; the Run button (or ``run()``) does, in a
    background thread so the notebook stays responsive, with a progress bar, the
    figure redrawn while it trains, and a Stop button that ends the run and keeps what
    was drawn. Subclasses implement ``train(settings, report)``: it trains, calls
    ``report(partial_result, fraction)`` now and then (the progress protocol of
    :func:`dlskills.compare`: it returns True when the learner asked to stop) and
    returns the final result; ``draw`` must accept partial results, and ``None``
    (nothing trained yet: draw empty axes).

    Live redraws are at least ``redraw_every`` seconds and twice the last drawing's
    time apart (drawing takes at most a third of a run, however slow the machine).
    ``previous`` is what the last run that trained left to compare with (``comparable``),
    kept once it is drawn: ``draw`` shows it next to what it draws after (a preview,
    the next run); by default ``view.update(result, previous)``.
    """

    redraw_every = 0.4

    def __init__(self, **initial):
        self.run_button = widgets.Button(description=say("explorer.run"),
                                         button_style="primary", icon="play")
        self.stop_button = widgets.Button(description=say("explorer.stop"), icon="stop",
                                          disabled=True)
        self.progress = widgets.FloatProgress(min=0.0, max=1.0,
                                              description=say("explorer.progress"))
        self.run_button.add_class("dlskills-control-run")
        self.stop_button.add_class("dlskills-control-stop")
        self.progress.add_class("dlskills-progress")
        self.run_button.on_click(lambda _: self.run(wait=False))
        self.stop_button.on_click(lambda _: self.stop())
        self.running = False
        self._stop_event = threading.Event()
        self._thread = None
        self.previous = None
        super().__init__(**initial)

    def action_row(self):
        return widgets.HBox([self.run_button, self.stop_button, self.progress,
                             self.code_button])

    def train(self, settings, report):
        """By default ``experiment(**arguments(settings), progress=...)``; the progress
        callback gets what the experiment reports, passed on as the partial result."""
        return self.experiment(**self.arguments(settings), progress=report)

    def comparable(self, result):
        """What of ``result`` the next runs are drawn beside (kept as ``previous``), None
        when it trained nothing worth comparing: a run (a ``History``) when it measured
        at least one epoch after its start; any other result as it is."""
        if isinstance(result, History) and len(result.epochs) < 2:
            return None
        return result

    def draw(self, result):
        self.view.update(result, self.previous)

    def preview(self, settings):
        """What to draw when a control changes, before Run (something fast, e.g. the
        network's activations before training); None keeps the figure as it is."""
        return None

    def update(self):
        """A control changed: draw the preview, if any, and say what Run will do
        (training is too slow to start on every change)."""
        if self.running:
            return
        settings = self.settings
        try:
            with single_thread_blas():
                frame = self.preview(settings)
            if frame is not None or self.redraws == 0:
                self.show(frame)
        except Exception as err:  # shown to the learner; the explorer stays usable
            self.show_error(settings, err)
            return
        self._show_status(say("explorer.press_run", settings=self.describe_settings(settings)))

    def run(self, wait=True, live=None, **values):
        """Train with the current settings (after setting ``values``); ``wait=False`` runs in
        the background. Returns the final result when waiting. ``live`` (default: ``not
        wait``) redraws the figure while it trains: a cell that waits shows the explorer
        only afterwards and would not see the frames in between."""
        if self.running:
            return None
        if values:
            self.set(**values)
        self._live = (not wait) if live is None else live
        self._stop_event.clear()
        self.running = True
        self.run_button.disabled, self.stop_button.disabled = True, False
        settings = self.settings
        if wait:
            return self._run(settings)
        self._thread = threading.Thread(target=self._run, args=(settings,), daemon=True)
        self._thread.start()
        return None

    def stop(self):
        """Ask the running training to stop; what it drew so far stays."""
        self._stop_event.set()

    def wait(self, timeout=None):
        """Wait for a background run to finish."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result

    def _report(self, result, fraction):
        self.progress.value = min(1.0, max(0.0, float(fraction)))
        self._show_status(say("explorer.training",
                              settings=self.describe_settings(self._settings_running),
                              fraction=self.progress.value))
        start = time.perf_counter()
        if self._live and start - self._last_redraw >= self._spacing:
            try:
                self.show(result)
            except Exception:  # a failed live redraw must not end the training
                pass
            self._last_redraw = time.perf_counter()
            self._spacing = max(self.redraw_every, 2.0 * (self._last_redraw - start))
        return self._stop_event.is_set()

    def _run(self, settings):
        self._settings_running = settings
        self._last_redraw, self._spacing = 0.0, 0.0
        self.progress.value = 0.0
        # said at once: the first progress report (and frame) may be an epoch away
        self._show_status(say("explorer.training", settings=self.describe_settings(settings),
                              fraction=0.0))
        try:
            with single_thread_blas():
                result = self.train(settings, self._report)
            self.show(result)
            # a stopped run is not what its code would give: then the code says so
            self._computed = None if self._stop_event.is_set() else (settings, result)
            kept = self.comparable(result)
            self.previous = self.previous if kept is None else kept
            text = self.describe(settings, result)
            if self.settings != settings:   # a control moved during the run
                text = say("explorer.stale", settings=text,
                           new=self.describe_settings(self.settings))
            self._show_status(text)
            return result
        except Exception as err:
            self.show_error(settings, err)
            return None
        finally:
            self.running = False
            self.run_button.disabled, self.stop_button.disabled = False, True
