"""Chapter 2 explorers driven from Python: every control changes the figure and the
numbers; divergence is a status, not an exception; the trainer trains, stops, diverges.
Statuses are checked by message key and values, not by their wording."""

import time
import warnings

import numpy as np
import pytest

import dlskills as dl
from dlskills.experiments.optimizers import FLOOR, OPTIMIZER_NAMES, TUNED_LR, run_on_surface
from dlskills.explorers.optimizers import OptimizerPlayground, OptimizerTrainer
from dlskills.messages import say
from harness.statuses import settings_text
from tests.pictures import ink


def finals(ex):
    return {r.name: (tuple(np.round(r.points[-1], 12)), len(r.points)) for r in ex.result.runs}


def outcomes(ex):
    """name -> (message key, values) of each run's outcome in the playground's result."""
    return {r.name: (m.key, m.values) for r in ex.result.runs
            for m in [r.outcome(ex.result.f_min)]}


# --- the surface computation -----------------------------------------------------------------

def test_momentum_ends_closer_than_sgd_on_course_surface():
    ex = OptimizerPlayground()
    ex.set(optimizers=("sgd", "momentum"), tuned_lr=False, lr=0.1, steps=30)
    runs = {r.name: r for r in ex.result.runs}
    minimum = dl.get_surface("ill_conditioned").minimum
    assert runs["momentum"].distance_to(minimum) < 0.2 * runs["sgd"].distance_to(minimum)
    found = outcomes(ex)
    assert [key for key, _ in found.values()] == ["optimizers.outcome.gap"] * 2
    assert found["sgd"][1]["gap"] == pytest.approx(1.34, abs=0.01)
    assert found["momentum"][1]["gap"] == pytest.approx(0.048, abs=0.001)
    assert ex.status.key == "explorer.result"
    assert ex.status.values["finding"] == ex.result.finding
    assert ex.result.finding.key == "optimizers.outcomes"


def test_run_on_surface_matches_sgd_closed_form():
    run = run_on_surface(dl.SGD(lr=0.95), "ill_conditioned", steps=30)
    assert run.points.shape == (31, 2) and run.lrs.shape == (30,)
    assert run.points[-1, 0] == pytest.approx(-7 * (1 - 0.095) ** 30)
    assert run.points[-1, 1] == pytest.approx(2 * (1 - 1.9) ** 30)
    assert run.values == pytest.approx(run.points[:, 0] ** 2 / 20 + run.points[:, 1] ** 2)


def test_divergence_is_a_result_not_an_exception():
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no overflow warnings either
        run = run_on_surface(dl.SGD(lr=1.2), "ill_conditioned", steps=100)
        ex = OptimizerPlayground(optimizers=("sgd",), tuned_lr=False, lr=1.2)
    assert run.diverged_at == 22 and len(run.points) == 23
    assert ex.error is None
    lr = ex.settings["lr"]
    assert lr == pytest.approx(10 ** 0.1)       # 1.2 moved onto the slider's grid
    on_grid = run_on_surface(dl.SGD(lr=lr), "ill_conditioned", steps=30)
    assert on_grid.diverged_at == 18
    assert outcomes(ex) == {"sgd": ("optimizers.outcome.diverged", {"name": "sgd", "step": 18})}
    assert ex.status.values["finding"].endswith(str(ex.result.runs[0].outcome(ex.result.f_min)))
    huge = run_on_surface(dl.SGD(lr=10.0), "rosenbrock", steps=50)
    assert huge.diverged_at is not None and np.isfinite(huge.points).all()


def test_schedule_steps_every_step():
    run = run_on_surface(dl.Momentum(lr=0.3), "ill_conditioned", steps=45, schedule="step")
    assert run.lrs[[0, 19, 20, 39, 40]] == pytest.approx([0.3, 0.3, 0.21, 0.21, 0.147])


def test_noise_is_seeded():
    a = run_on_surface(dl.SGD(lr=0.1), "saddle", steps=20, noise=0.5, seed=3)
    b = run_on_surface(dl.SGD(lr=0.1), "saddle", steps=20, noise=0.5, seed=3)
    c = run_on_surface(dl.SGD(lr=0.1), "saddle", steps=20, noise=0.5, seed=4)
    assert np.array_equal(a.points, b.points) and not np.array_equal(a.points, c.points)


def test_local_minimum_surface():
    s = dl.get_surface("local_minimum")
    for point in (s.minimum, s.local_minimum):
        assert np.hypot(*s.grad(*point)) < 1e-6
    assert s.value(*s.minimum) < s.value(*s.local_minimum)
    sgd = run_on_surface(dl.SGD(lr=0.05), s, steps=200)
    assert sgd.distance_to(s.local_minimum) < 1e-3          # SGD is caught
    momentum = run_on_surface(dl.Momentum(lr=0.05), s, steps=200)
    assert momentum.distance_to(s.minimum) < 1e-2           # momentum rolls over the ridge


def test_saddle_momentum_passes_sgd_stalls():
    s = dl.get_surface("saddle")
    sgd = run_on_surface(dl.SGD(lr=0.1), s, steps=30)
    momentum = run_on_surface(dl.Momentum(lr=0.1), s, steps=30)
    near = lambda run: int((np.hypot(*run.points.T) < 0.3).sum())   # noqa: E731
    assert near(sgd) > 20 and near(momentum) < 5
    assert momentum.values[-1] < -0.9 < -0.1 < sgd.values[-1]


# --- the playground: every control ----------------------------------------------------------

BASE = dict(surface="ill_conditioned", optimizers=OPTIMIZER_NAMES, tuned_lr=False, lr=0.1,
            momentum=0.9, decay=0.99, alpha1=0.9, alpha2=0.999, schedule="none", steps=30,
            noise=0.0, x0=-7.0, y0=2.0)

CHANGES = [
    ("surface", "saddle"), ("optimizers", ("adam",)), ("tuned_lr", True), ("lr", 0.5),
    ("momentum", 0.5), ("decay", 0.9), ("alpha1", 0.5), ("alpha2", 0.9),
    ("schedule", "exponential"), ("steps", 60), ("noise", 1.0), ("x0", 5.0), ("y0", -3.0),
]


@pytest.fixture(scope="module")
def playground():
    return OptimizerPlayground(**BASE)


def test_every_control_is_covered(playground):
    assert {key for key, _ in CHANGES} == set(playground.controls)


@pytest.mark.parametrize("key, value", CHANGES)
def test_each_control_changes_figure_and_numbers(playground, key, value):
    playground.set(**BASE)
    before_png, before = playground.png, finals(playground)
    playground.set(**{key: value})
    assert playground.error is None, playground.status
    assert playground.png != before_png
    assert ink(playground.png) > 0.03
    assert finals(playground) != before
    assert playground.status.key == "explorer.result"


def test_status_names_every_setting_that_changes_the_result(playground):
    """momentum, decay, alpha1 and alpha2 included; the shared lr only when it is used."""
    playground.set(**BASE)
    shown = playground.status.values["settings"]
    for key, value in playground.settings.items():
        assert str(say(f"control.{key}")) in shown, key
    assert settings_text(lr="0.1") in shown
    playground.set(tuned_lr=True)
    assert settings_text(lr="0.1") not in playground.status.values["settings"]


def test_below_floor_is_said_as_floor_and_drawn_on_it(playground):
    """SGD with lr 0.5 on x^2/20 + y^2 reaches f - f_min ~ 1e-23 in 500 steps: the
    status says "< 1e-12" and the f panel's curve ends on the same floor."""
    playground.set(**{**BASE, "optimizers": ("sgd",), "lr": 10 ** -0.3, "steps": 500})
    run = playground.result.runs[0]
    assert run.values[-1] < 1e-15
    assert outcomes(playground)["sgd"] == ("optimizers.outcome.below_floor",
                                           {"name": "sgd", "floor": FLOOR})
    line = playground.view.f_panel.lines[next(iter(playground.view.f_panel.lines))]
    assert line.get_ydata()[-1] == FLOOR
    assert playground.fig._suptitle.get_text() == say("optimizers.fig.lowest_floor", steps=500,
                                                       label="sgd", floor=FLOOR)


def test_double_well_paths_stay_distinguishable():
    """AdaGrad and RMSProp slide into the same well: different marker, dashes and size,
    RMSProp's small markers drawn above AdaGrad's large open ones."""
    ex = OptimizerPlayground(surface="local_minimum", steps=100)
    lines = {key.split("|")[0]: line for key, line in ex.view.paths.items()}
    ada, rms = lines["adagrad"], lines["rmsprop"]
    assert ada.get_marker() != rms.get_marker()
    # both are dashed ("--"); the dash patterns differ (no public getter for them)
    assert ada._unscaled_dash_pattern != rms._unscaled_dash_pattern
    assert ada.get_markersize() > rms.get_markersize()
    assert rms.get_zorder() > ada.get_zorder()
    assert ada.get_markerfacecolor() == "none"


def test_surface_moves_start_and_keeps_one_redraw(playground):
    playground.set(**BASE)
    redraws = playground.redraws
    playground.controls["surface"].value = "local_minimum"       # as a click would
    assert playground.redraws == redraws + 1
    s = dl.get_surface("local_minimum")
    assert (playground.controls["x0"].value, playground.controls["y0"].value) == s.start
    assert (playground.controls["x0"].min, playground.controls["x0"].max) == s.xlim
    shown = playground.status.values["settings"]
    assert settings_text(x0="2.6") in shown and settings_text(y0="1.5") in shown


def test_tuned_lr_uses_table_and_disables_slider(playground):
    playground.set(**BASE)
    assert not playground.controls["lr"].disabled
    playground.set(surface="saddle", tuned_lr=True)
    assert playground.controls["lr"].disabled
    assert settings_text(tuned_lr=True) in playground.status.values["settings"]
    for run in playground.result.runs:
        assert run.lrs[0] == TUNED_LR["saddle"][run.name]


def test_no_optimizer_selected_is_shown(playground):
    playground.set(**BASE)
    playground.set(optimizers=())
    assert playground.error is None
    assert playground.result.finding.key == "optimizers.outcome.none"
    assert playground.status.values["finding"] == playground.result.finding
    assert settings_text(optimizers=say("explorer.none_selected")) in playground.status


def test_an_optimizers_sliders_are_used_only_when_it_is_selected(playground):
    playground.set(**BASE)
    own = {"sgd": (), "momentum": ("momentum",), "adagrad": (), "rmsprop": ("decay",),
           "adam": ("alpha1", "alpha2")}
    for name, keys in own.items():
        playground.set(optimizers=(name,))
        for key in ("momentum", "decay", "alpha1", "alpha2"):
            assert playground.controls[key].disabled == (key not in keys), (name, key)
            assert (say(f"control.{key}") in playground.status) == (key in keys), (name, key)


def test_a_wrong_choice_names_the_control_and_its_options(playground):
    with pytest.raises(ValueError, match="control 'surface' has no option 'bowl'; options: "
                                         "'ill_conditioned'"):
        playground.set(surface="bowl")
    with pytest.raises(ValueError, match="control 'optimizers' has no option 'lbfgs'"):
        playground.set(optimizers=("sgd", "lbfgs"))


# --- the MNIST trainer -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def trainer():
    return OptimizerTrainer()


def test_trainer_starts_empty_and_asks_for_run(trainer):
    assert trainer.status.key == "explorer.press_run"
    trainer.set(optimizers=())
    assert settings_text(optimizers=say("explorer.none_selected")) in trainer.status
    trainer.set(optimizers=OPTIMIZER_NAMES)
    assert trainer.view.loss_ax.get_title() == say("curves.press_run")
    assert ink(trainer.png) > 0.01


def test_trainer_trains_each_selected_optimizer(trainer):
    before = trainer.png
    result = trainer.run(wait=True, optimizers=("sgd", "adam"), lr="default",
                         schedule="none", iterations=60)
    assert trainer.error is None, trainer.status
    histories = result.histories
    assert list(histories) == ["sgd", "adam"]
    for history in histories.values():
        assert history.status == "completed" and len(history.loss) == 60
        assert np.mean(history.loss[-10:]) < history.loss[0]
    assert np.mean(histories["adam"].loss[-10:]) < np.mean(histories["sgd"].loss[-10:])
    assert trainer.png != before and ink(trainer.png) > 0.03
    assert trainer.status.key == "explorer.result"
    assert settings_text(lr=say("optimizers.lr_default")) in trainer.status.values["settings"]
    assert settings_text(iterations="60") in trainer.status.values["settings"]
    for name in ("sgd", "adam"):
        said = result.outcome(name)
        assert said.key == "optimizers.train.completed"
        assert said.values["loss"] == pytest.approx(np.mean(histories[name].loss[-20:]))
        assert said in trainer.status.values["finding"]


def test_trainer_controls_change_the_run(trainer):
    base = dict(optimizers=("momentum",), lr="default", schedule="none", iterations=50)
    first = trainer.run(wait=True, **base).histories["momentum"]
    variants = {"lr": 0.1, "schedule": "exponential", "iterations": 100,
                "optimizers": ("rmsprop",)}
    for key, value in variants.items():
        png = trainer.png
        history = list(trainer.run(wait=True, **{**base, key: value}).histories.values())[0]
        assert history.loss != first.loss, key
        assert trainer.png != png, key
    decayed = trainer.run(wait=True, **{**base, "schedule": "exponential"})
    assert decayed.histories["momentum"].lr[-1] == pytest.approx(0.01 * 0.99 ** 50)


def test_trainer_divergence_is_a_result(trainer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.run(wait=True, optimizers=("sgd",), lr=10.0, iterations=50)
    assert trainer.error is None
    said = trainer.result.outcome("sgd")
    assert said.key == "training.run" and said.values["label"] == "sgd"
    assert said.values["status"].key == "training.status.diverged"
    assert said.values["status"].values["iteration"] <= 10
    assert trainer.status.values["finding"] == said
    assert ink(trainer.png) > 0.02
    # the accuracy panel: whole-epoch ticks only, none beyond the axis' end
    ax = trainer.view.acc_ax
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    (acc_line,) = [line for line in ax.get_lines() if line.get_visible()]
    assert acc_line.get_marker() == "o"      # one point before the divergence: visible


def test_trainer_stop_keeps_the_curve(trainer):
    trainer.set(optimizers=("sgd", "adam"), lr="default", schedule="none", iterations=3000)
    trainer.run(wait=False)
    deadline = time.monotonic() + 60
    while trainer.progress.value == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    trainer.stop()
    result = trainer.wait(timeout=60)
    assert not trainer.running
    history = result.histories["sgd"]
    assert history.status == "stopped"
    assert 0 < len(history.loss) < 3000
    assert "adam" not in result.histories          # stopping ends the whole comparison
    said = result.outcome("sgd")
    assert said.key == "training.run" and said.values["status"] == history.message
    assert history.message.key == "training.status.stopped"
    assert history.message.values["iteration"] == len(history.loss)
    assert trainer.status.values["finding"] == result.finding
    assert ink(trainer.png) > 0.02


def test_a_waited_run_draws_once_a_live_run_draws_frames(trainer):
    base = dict(optimizers=("sgd",), lr="default", schedule="none", iterations=50)
    before = trainer.redraws
    trainer.run(wait=True, **base)
    assert trainer.redraws == before + 1            # only the final figure
    before = trainer.redraws
    trainer.run(wait=True, live=True, **base)
    assert trainer.redraws >= before + 2            # a frame while training, then the final
    assert trainer.redraw_every == OptimizerTrainer.redraw_every
