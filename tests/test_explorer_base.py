"""The explorer pattern itself, on a small explorer made for the test."""

import base64

import ipywidgets as widgets
import numpy as np
import pytest

from dlskills.explorers import Explorer, TrainingExplorer
from dlskills.messages import say
from tests.pictures import ink


def settings_text(**settings):
    """The status text of ``settings`` for controls without a catalogue label."""
    return say("explorer.settings_sep").join(
        say("explorer.setting", label=key, value=value) for key, value in settings.items())


class Wave(Explorer):
    name = "wave"
    figsize = (6, 3)

    def make_controls(self):
        return {"freq": widgets.FloatSlider(1.0, min=0.5, max=5.0, step=0.25),
                "kind": widgets.Dropdown(options=["sin", "cos"])}

    def setup(self, fig):
        self.ax = fig.subplots()
        (self.line,) = self.ax.plot([], [])
        self.ax.set_xlim(0, 6.3)
        self.ax.set_ylim(-1.1, 1.1)

    def compute(self, freq, kind):
        if freq > 4:
            raise ValueError("freq above 4 is not allowed here")
        x = np.linspace(0, 6.3, 100)
        return x, getattr(np, kind)(freq * x)

    def draw(self, result):
        self.line.set_data(*result)


def test_controls_redraw_once_and_status_names_the_settings():
    ex = Wave()
    first = ex.png
    assert ex.redraws == 1 and ex.status == settings_text(freq=1, kind="sin") and ink(first) > 0.005
    ex.set(freq=2.0, kind="cos")
    assert ex.redraws == 2 and ex.status == settings_text(freq=2, kind="cos")
    assert ex.png != first and ink(ex.png) > 0.005
    assert "dlskills-explorer-wave" in ex.widget._dom_classes
    assert "dlskills-control-freq" in ex.controls["freq"]._dom_classes


def test_errors_become_the_status_and_the_explorer_keeps_working():
    ex = Wave()
    good = ex.png
    ex.set(freq=4.5)
    assert isinstance(ex.error, ValueError) and "freq above 4" in ex.status
    assert ex.png == good                       # the last good figure stays
    ex.set(freq=3.0)
    assert ex.error is None and ex.status == settings_text(freq=3, kind="sin")
    with pytest.raises(ValueError, match="no control"):
        ex.set(amplitude=2)


def test_values_set_from_python_land_on_the_slider_grid():
    ex = Wave()
    ex.set(freq=1.3)                             # the browser would snap it to 1.25
    assert ex.controls["freq"].value == 1.25 and ex.status == settings_text(freq=1.25, kind="sin")


class Counter(TrainingExplorer):
    name = "counter"
    figsize = (4, 3)

    def make_controls(self):
        return {"steps": widgets.IntSlider(5, min=1, max=50)}

    def setup(self, fig):
        self.ax = fig.subplots()
        (self.line,) = self.ax.plot([], [])

    def train(self, settings, report):
        values = []
        for i in range(settings["steps"]):
            values.append(i)
            if report(list(values), (i + 1) / settings["steps"]):
                break
        return values

    def draw(self, result):
        result = result or []
        self.line.set_data(range(len(result)), result)
        self.ax.relim()
        self.ax.autoscale_view()

    def describe(self, settings, result):
        return f"steps={settings['steps']}: {len(result)} done"


def _descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


def test_training_explorer_shows_run_and_stop_whatever_its_layout():
    class OwnLayout(Counter):
        def layout_controls(self):
            return widgets.HBox(list(self.controls.values()))

    for ex in (Counter(), OwnLayout()):
        shown = list(_descendants(ex.widget))
        assert ex.run_button in shown and ex.stop_button in shown and ex.progress in shown


def test_training_explorer_runs_on_demand_and_can_stop():
    ex = Counter()
    assert ex.status == say("explorer.press_run", settings=settings_text(**{say("control.steps"): 5}))
    assert ex.status.key == "explorer.press_run" and ex.result is None
    assert ex.run(steps=8) == list(range(8)) and ex.status == "steps=8: 8 done"
    assert ex.progress.value == 1.0 and not ex.run_button.disabled

    def stopped_by_the_learner(settings, report):
        done = []
        for i in range(100):
            done.append(i)
            if i == 2:
                ex.stop_button.click()
            if report(list(done), i / 100):
                break
        return done

    ex.train = stopped_by_the_learner
    assert ex.run() == [0, 1, 2] and ex.status == "steps=8: 3 done"
    assert ex.run(wait=False) is None and ex.wait(timeout=10) == [0, 1, 2]


def test_errors_are_said_from_the_catalogue():
    ex = Wave()
    ex.set(freq=4.5)
    assert ex.status.key == "explorer.error"
    assert ex.status.values["kind"] == "ValueError"


def test_a_control_moved_during_a_run_is_said_plainly():
    ex = Counter()

    def slow(settings, report):
        ex.controls["steps"].value = 9          # the learner moves a slider meanwhile
        report([0], 0.5)
        return [0]

    ex.train = slow
    ex.run(steps=4)
    assert ex.status.key == "explorer.stale"
    assert ex.status.values["new"] == settings_text(**{say("control.steps"): 9})
    assert ex.status.values["settings"] == "steps=4: 1 done"


def test_stored_output_shows_the_figure_without_a_kernel():
    ex = Wave()
    bundle = ex._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    png = base64.b64decode(data["image/png"])
    assert png == ex.png and ink(png) > 0.005
    assert data["text/plain"] == ex.status


def test_controls_take_their_label_from_the_catalogue():
    class Labelled(Wave):
        def make_controls(self):
            return {"seed": widgets.IntSlider(0, min=0, max=3, description="seed"),
                    "kind": widgets.Dropdown(options=["sin", "cos"])}

        def compute(self, seed, kind):
            return super().compute(1.0, kind)

    ex = Labelled()
    assert ex.controls["seed"].description == say("control.seed")
    assert ex.status == settings_text(**{say("control.seed"): 0, "kind": "sin"})
