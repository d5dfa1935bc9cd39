"""Chapter 2 explorers driven from Python: every control changes the figure and the
numbers; divergence is a status, not an exception; the trainer trains, stops, diverges."""

import io
import time
import warnings

import matplotlib.image as mpimg
import numpy as np
import pytest

import dlskills as dl
from dlskills.experiments.optimizers import OPTIMIZER_NAMES, TUNED_LR, run_on_surface
from dlskills.explorers.optimizers import OptimizerPlayground, OptimizerTrainer


def ink(png):
    """Share of pixels that are not (near) white."""
    image = mpimg.imread(io.BytesIO(png))[..., :3]
    return float((image.min(axis=-1) < 0.85).mean())


def finals(ex):
    return {r.name: (tuple(np.round(r.points[-1], 12)), len(r.points)) for r in ex.result["runs"]}


# --- the surface computation -----------------------------------------------------------------

def test_momentum_ends_closer_than_sgd_on_course_surface():
    ex = OptimizerPlayground()
    ex.set(optimizers=("sgd", "momentum"), tuned_lr=False, lr=0.1, steps=30)
    runs = {r.name: r for r in ex.result["runs"]}
    minimum = dl.get_surface("ill_conditioned").minimum
    assert runs["momentum"].distance_to(minimum) < 0.2 * runs["sgd"].distance_to(minimum)
    assert "sgd: f-f_min=1.3; momentum: f-f_min=0.048" in ex.status


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
    assert ex.status.endswith("-> sgd diverged at step 18")
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
    assert playground.status.startswith("surface=")


def test_surface_moves_start_and_keeps_one_redraw(playground):
    playground.set(**BASE)
    redraws = playground.redraws
    playground.controls["surface"].value = "local_minimum"       # as a click would
    assert playground.redraws == redraws + 1
    s = dl.get_surface("local_minimum")
    assert (playground.controls["x0"].value, playground.controls["y0"].value) == s.start
    assert (playground.controls["x0"].min, playground.controls["x0"].max) == s.xlim
    assert "start=(2.6, 1.5)" in playground.status


def test_tuned_lr_uses_table_and_disables_slider(playground):
    playground.set(**BASE)
    assert not playground.controls["lr"].disabled
    playground.set(surface="saddle", tuned_lr=True)
    assert playground.controls["lr"].disabled
    assert "lr=tuned" in playground.status
    for run in playground.result["runs"]:
        assert run.lrs[0] == TUNED_LR["saddle"][run.name]


def test_no_optimizer_selected_is_shown(playground):
    playground.set(**BASE)
    playground.set(optimizers=())
    assert playground.error is None
    assert playground.status.endswith("-> no optimizer selected")


def test_kernel_redraw_is_fast(playground):
    playground.set(**BASE)
    times = []
    for lr in np.geomspace(0.02, 0.8, 4):
        playground.set(lr=float(lr))
        times.append(playground.last_seconds)
    assert np.median(times) < 1.0      # generous: CI machines are shared; see benchmarks/


# --- the MNIST trainer -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def trainer():
    return OptimizerTrainer()


def test_trainer_starts_empty_and_asks_for_run(trainer):
    assert trainer.status.endswith("press Run to train")
    assert ink(trainer.png) > 0.01


def test_trainer_trains_each_selected_optimizer(trainer):
    before = trainer.png
    result = trainer.run(wait=True, optimizers=("sgd", "adam"), lr="default",
                         schedule="none", iterations=60)
    assert trainer.error is None, trainer.status
    histories = result["histories"]
    assert list(histories) == ["sgd", "adam"]
    for history in histories.values():
        assert history.status == "completed" and len(history.loss) == 60
        assert np.mean(history.loss[-10:]) < history.loss[0]
    assert np.mean(histories["adam"].loss[-10:]) < np.mean(histories["sgd"].loss[-10:])
    assert trainer.png != before and ink(trainer.png) > 0.03
    assert trainer.status.startswith("optimizers=sgd,adam lr=default schedule=none "
                                     "iterations=60 -> sgd: loss ")


def test_trainer_controls_change_the_run(trainer):
    base = dict(optimizers=("momentum",), lr="default", schedule="none", iterations=50)
    first = trainer.run(wait=True, **base)["histories"]["momentum"]
    variants = {"lr": 0.1, "schedule": "exponential", "iterations": 100,
                "optimizers": ("rmsprop",)}
    for key, value in variants.items():
        png = trainer.png
        history = list(trainer.run(wait=True, **{**base, key: value})["histories"].values())[0]
        assert history.loss != first.loss, key
        assert trainer.png != png, key
    decayed = trainer.run(wait=True, **{**base, "schedule": "exponential"})
    assert decayed["histories"]["momentum"].lr[-1] == pytest.approx(0.01 * 0.99 ** 50)


def test_trainer_divergence_is_a_result(trainer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.run(wait=True, optimizers=("sgd",), lr=10.0, iterations=50)
    assert trainer.error is None
    assert "-> sgd diverged at iteration" in trainer.status
    assert ink(trainer.png) > 0.02


def test_trainer_stop_keeps_the_curve(trainer):
    trainer.set(optimizers=("sgd", "adam"), lr="default", schedule="none", iterations=3000)
    trainer.run(wait=False)
    deadline = time.monotonic() + 60
    while trainer.progress.value == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    trainer.stop()
    result = trainer.wait(timeout=60)
    assert not trainer.running
    history = result["histories"]["sgd"]
    assert history.status.startswith("stopped at iteration")
    assert 0 < len(history.loss) < 3000
    assert "adam" not in result["histories"]          # stopping ends the whole comparison
    assert "sgd stopped at iteration" in trainer.status
    assert ink(trainer.png) > 0.02
