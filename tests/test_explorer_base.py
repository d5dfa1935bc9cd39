"""The explorer pattern itself, on a small explorer made for the test."""

import base64
import importlib
from fractions import Fraction
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlskills.experiments.gradients import gradient_profile
from dlskills.explorers import Explorer, TrainingExplorer, controls
from dlskills.functions import ACTIVATIONS
from dlskills.messages import say
from harness.statuses import settings_text
from tests.pictures import ink


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


@pytest.mark.parametrize("make, change", [
    ("gradients.GradientExplorer", {"seed": 1}),          # a view that says its widest
    ("optimizers.OptimizerPlayground", {"steps": 31})])   # one laid out for its first result
def test_the_first_result_is_drawn_once(make, change, monkeypatch):
    """The first show lays the figure out once and draws the result once: one
    ``View.update``; two figure draws (the one that pins the layout's labels, the PNG's),
    then one of each per change."""
    module, name = make.split(".")
    cls = getattr(importlib.import_module(f"dlskills.explorers.{module}"), name)
    updates, draws = [], []
    view_update, figure_draw = cls.view_class.update, Figure.draw
    monkeypatch.setattr(cls.view_class, "update", lambda view, *args, **options: (
        updates.append(1), view_update(view, *args, **options))[1])
    monkeypatch.setattr(Figure, "draw", lambda fig, renderer: (
        draws.append(1), figure_draw(fig, renderer))[1])
    ex = cls()
    assert (len(updates), len(draws), ex.redraws) == (1, 2, 1)
    ex.set(**change)
    assert (len(updates), len(draws), ex.redraws) == (2, 3, 2)


def test_training_explorer_shows_run_and_stop_whatever_its_layout():
    class OwnLayout(Counter):
        def layout_controls(self):
            return widgets.HBox(list(self.controls.values()))

    for ex in (Counter(), OwnLayout()):
        shown = list(_descendants(ex.widget))
        assert ex.run_button in shown and ex.stop_button in shown and ex.progress in shown


def test_training_explorer_runs_on_demand_and_can_stop():
    ex = Counter()
    assert ex.status == say("explorer.press_run", settings=settings_text(steps=5))
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


def test_one_rule_for_what_a_run_leaves_to_compare_with():
    """A run (History) is kept as ``previous`` once it measured an epoch after its start;
    other results as they are; BatchNormExplorer keeps its frame's run."""
    from dlskills.explorers.regularization import BatchNormExplorer
    from dlskills.training import History
    ex = Counter()
    started, trained = History(epochs=[0]), History(epochs=[0, 1])
    assert ex.comparable(started) is None and ex.comparable(trained) is trained
    assert ex.comparable([0, 1]) == [0, 1] and ex.comparable(None) is None
    ex.run(steps=3)
    assert ex.previous == [0, 1, 2]
    ex.train = lambda settings, report: started          # stopped before an epoch
    ex.draw, ex.describe = (lambda result: None), (lambda settings, result: "")
    ex.run()
    assert ex.result is started and ex.previous == [0, 1, 2]
    assert BatchNormExplorer().comparable(SimpleNamespace(run=trained)) is trained


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
    assert ex.status.values["new"] == settings_text(steps=9)
    assert ex.status.values["settings"] == "steps=4: 1 done"


def test_run_says_training_at_once_before_the_first_report():
    """Run says "训练中，0%" before the training reports anything (chapter 5's first
    report is an epoch away): a learner is never left with "press Run" after pressing."""
    ex = Counter()
    seen = []
    ex.train = lambda settings, report: seen.append(ex.status) or [0]
    ex.run(steps=4)
    assert seen[0].key == "explorer.training" and seen[0].values["fraction"] == 0.0
    assert ex.progress.value == 0.0


def test_stored_output_shows_the_figure_without_a_kernel():
    ex = Wave()
    data = ex._repr_mimebundle_()
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
    assert ex.status == settings_text(seed=0, kind="sin")


# --- what every explorer owes the learner, checked on the two made here ----------------

class Chapter5Sketch(Explorer):
    """Chapter 5's skeleton (gradient clipping), declared: controls, when each is used,
    a pure compute on an experiment, a draw. Labels, wiring, enabling, status, input
    checks and the PNG come from the base."""

    name = "clipping"
    figsize = (6, 3)
    used_when = {"clip": lambda s: s["clipping"]}
    columns = (("depth", "activation"), ("clipping", "clip"))

    def make_controls(self):
        return {"depth": controls.slider(8, 2, 20),
                "activation": controls.choice(ACTIVATIONS.names(), "sigmoid"),
                "clipping": controls.toggle(False),
                "clip": controls.log_slider(0.01, -4, 0, 0.5)}

    def setup(self, fig):
        self.ax = fig.subplots()
        (self.line,) = self.ax.semilogy([1, 2], [1, 1], marker="o")

    def compute(self, depth, activation, clipping, clip):
        profile = gradient_profile(depth, activation)
        norms = np.minimum(profile.grad_norms, clip) if clipping else profile.grad_norms
        return SimpleNamespace(norms=norms, finding=profile.finding)

    def draw(self, result):
        self.line.set_data(np.arange(1, len(result.norms) + 1), result.norms)
        self.ax.relim()
        self.ax.autoscale_view()


def label(ex, key):
    return ex.controls[key].description or key


@pytest.mark.parametrize("make, other", [
    (Wave, {"freq": 2.0, "kind": "cos"}),
    (Chapter5Sketch, {"depth": 12, "clipping": True, "clip": 1e-3, "activation": "relu"})])
def test_the_explorer_contract(make, other):
    ex = make()
    assert ex.redraws == 1 and ex.error is None and ink(ex.png) > 0.005
    assert f"dlskills-explorer-{ex.name}" in ex.widget._dom_classes
    shown = list(_descendants(ex.widget))
    assert all(control in shown for control in ex.controls.values())   # none left out
    for key, value in other.items():            # each control: one redraw, said in the status
        before, redraws = ex.png, ex.redraws
        ex.set(**{key: value})
        assert ex.redraws == redraws + 1 and ex.error is None, ex.status
        assert ex.png != before and ink(ex.png) > 0.005
        assert f"dlskills-control-{key}" in ex.controls[key]._dom_classes
        assert settings_text(**{key: ex.settings[key]}) in ex.status
    for key, control in ex.controls.items():    # a wrong option or type names the control
        bad = "no such option" if hasattr(control, "options") else "fast"
        with pytest.raises(ValueError, match=f"control '{key}' .*(options|from|True)"):
            ex.set(**{key: bad})                 # a ValueError, not traitlets' TraitError
    assert ex.settings == {**ex.settings, **other}      # refused values changed nothing


def test_a_setting_not_in_use_is_disabled_and_not_said():
    ex = Chapter5Sketch()
    clip = settings_text(clip=0.01)
    assert ex.controls["clip"].disabled and clip not in ex.status
    ex.set(clipping=True)
    assert not ex.controls["clip"].disabled and clip in ex.status
    assert label(ex, "clip") in ex.status.values["settings"]


def test_out_of_range_numbers_are_moved_to_the_end_and_said():
    ex = Chapter5Sketch()
    ex.set(depth=50, activation="tanh")
    assert ex.settings["depth"] == 20 and ex.error is None
    assert ex.status.key == "explorer.adjusted"
    assert ex.status.values["status"].key == "explorer.result"
    assert ex.status.values["moved"] == say("explorer.clamped", label=say("control.depth"),
                                            asked="50", value="20")
    ex.set(depth=3)                             # in range: nothing to say
    assert ex.status.key == "explorer.result"
    ex.set(clipping=True, clip=10.0)            # log slider: 10 -> its top, 1
    assert ex.settings["clip"] == 1.0
    assert ex.status.values["moved"] == say("explorer.clamped", label=label(ex, "clip"), asked="10",
                                            value="1")
    with pytest.raises(ValueError, match="control 'activation' has no option 'nope'"):
        ex.set(depth=5, activation="nope")
    assert ex.settings["depth"] == 3            # nothing changed by a refused set()
    for bad in (2.5, True, float("nan"), "8"):
        with pytest.raises(ValueError, match="control 'depth' takes an integer from 2 to 20"):
            ex.set(depth=bad)
    with pytest.raises(ValueError, match="control 'clip' takes a number from 0.0001 to 1"):
        ex.set(clip=float("inf"))


def test_an_explorer_with_its_own_setup_and_no_figsize_gets_the_default_size():
    class Plain(Wave):
        figsize = None

    from dlskills.views.base import View
    assert Plain().figsize == View.figsize


def test_numbers_of_any_real_type_are_taken_as_python_values():
    """numpy's and the standard library's numbers are set as plain Python values (a
    Checkbox's traitlet refuses np.True_; copy-as-code writes only literals); a Fraction
    is a number, not a crash in numpy."""
    ex = Chapter5Sketch()
    ex.set(clipping=np.True_, depth=np.int64(12), clip=Fraction(1, 100))
    assert ex.error is None and ex.settings["clipping"] is True
    assert type(ex.settings["depth"]) is int and ex.settings["clip"] == 0.01
    with pytest.raises(ValueError, match="control 'clipping' takes True or False"):
        ex.set(clipping=1)


def test_an_empty_selection_is_said():
    class Pick(Wave):
        def make_controls(self):
            return {"kinds": controls.choices(["sin", "cos"])}

        def compute(self, kinds):
            return super().compute(1.0, (kinds or ("sin",))[0])

    ex = Pick()
    ex.set(kinds=())
    assert say("explorer.none_selected") in ex.status
    with pytest.raises(ValueError, match="control 'kinds' has no option 'tan'"):
        ex.set(kinds=("sin", "tan"))
    with pytest.raises(ValueError, match="a tuple of several"):
        ex.set(kinds="sin")


def test_changed_moves_other_controls_before_the_one_redraw():
    class Linked(Wave):
        def changed(self, key, value):
            if key == "kind":
                self.controls["freq"].value = 3.0 if value == "cos" else 1.0

    ex = Linked()
    ex.set(kind="cos")
    assert ex.redraws == 2 and ex.settings == {"freq": 3.0, "kind": "cos"}
    ex.controls["kind"].value = "sin"           # as the browser sets it
    assert ex.redraws == 3 and ex.settings == {"freq": 1.0, "kind": "sin"}


@pytest.mark.parametrize("make, small, moved", [
    ("initialization.InitTrainingExplorer", {"iterations": 100}, {"seed": 3}),
    ("optimizers.OptimizerTrainer", {"optimizers": ("sgd",), "iterations": 50},
     {"iterations": 100}),
    ("regularization.OverfittingLab", {"n_train": 100, "epochs": 10}, {"epochs": 20}),
    ("regularization.BatchNormExplorer", {"epochs": 2}, {"batchnorm": True})])
def test_every_training_explorer_says_a_control_moved_during_its_run(make, small, moved):
    module, name = make.split(".")
    ex = getattr(importlib.import_module(f"dlskills.explorers.{module}"), name)(**small)
    train = ex.train

    def moving(settings, report):
        for key, value in moved.items():
            ex.controls[key].value = value      # as the learner does meanwhile
        return train(settings, report)

    ex.train = moving
    ex.run()
    assert ex.error is None and ex.status.key == "explorer.stale", ex.status
    assert ex.status.values["new"] == ex.describe_settings(ex.settings)
    assert all(settings_text(**{key: value}) in ex.status.values["new"]
               for key, value in moved.items())


def test_activation_names_come_from_the_registry():
    """Lists of activations are ACTIVATIONS.names(); tables keyed by activation (a layer
    class, a colour, histogram bins or range) cover exactly its names, so a new
    activation registered in dlskills.functions is offered and drawn everywhere."""
    from dlskills.explorers import gradients, initialization, regularization
    from dlskills.layers import ACTIVATION_LAYERS
    from dlskills.stats import ACTIVATION_BINS
    from dlskills.views.style import COLORS

    names = list(ACTIVATIONS.names())
    for ex in (gradients.GradientExplorer(), initialization.InitializationExplorer(),
               initialization.InitTrainingExplorer(), regularization.BatchNormExplorer()):
        assert list(ex.controls["activation"].options) == names, type(ex).__name__
    for table in (ACTIVATION_LAYERS, ACTIVATION_BINS):
        assert sorted(table) == sorted(names)
    assert set(names) <= set(COLORS)
