"""Chapter 4 explorers driven from Python: every control changes what is drawn, the
numbers behind the figure are right, Stop keeps what was trained."""
import io
import time

import matplotlib.image
import numpy as np
import pytest

from dlskills.explorers.regularization import BatchNormExplorer, OverfittingLab


def inked(png):
    """Share of pixels that are not (near) white: a blank or empty image gives ~0."""
    image = matplotlib.image.imread(io.BytesIO(png))
    rgb = image[..., :3]
    if image.shape[-1] == 4:
        rgb = np.where(image[..., 3:4] > 0, rgb, 1.0)
    return float(np.mean(np.any(rgb < 0.9, axis=-1)))


@pytest.fixture
def lab():
    return OverfittingLab(epochs=10)


def test_lab_starts_empty_and_says_press_run(lab):
    assert lab.result is None and lab.error is None
    assert lab.status.endswith("press Run to train")
    assert inked(lab.png) > 0.01                     # axes are drawn


def test_lab_run_draws_curves_and_reports_the_gap(lab):
    before = lab.png
    run = lab.run()
    assert run is lab.result and run.status == "completed"
    assert run.epochs == list(range(11))
    assert "completed" in lab.status and "gap" in lab.status
    assert f"gap {100 * run.gap:.1f} points" in lab.status
    assert lab.png != before and inked(lab.png) > inked(before)
    assert not lab.running and lab.progress.value == 1.0


@pytest.mark.parametrize("control, value", [("n_train", 600), ("batchnorm", True),
                                            ("weight_decay", 0.1), ("dropout", 0.3),
                                            ("epochs", 20)])
def test_every_lab_control_changes_the_run_and_the_figure(lab, control, value):
    lab.run()
    first_png, first = lab.png, lab.result
    lab.run(**{control: value})
    assert lab.result.settings[control] == value
    assert lab.png != first_png and inked(lab.png) > 0.02
    assert lab.result.previous is first               # the last run drawn for comparison
    assert f"{control}=" in lab.status


def test_weight_decay_in_the_lab_gives_a_smaller_final_norm(lab):
    plain = lab.run(weight_decay=0.0)
    decayed = lab.run(weight_decay=0.2)
    assert decayed.total_norm[-1] < plain.total_norm[-1]
    assert lab.view.norm.ax.get_title(loc="left").endswith(f"{decayed.total_norm[-1]:.1f}")


def test_lab_marks_the_gap_it_measured(lab):
    run = lab.run()
    marker = lab.view.gap
    assert marker.arrow.get_visible()
    assert marker.arrow.xy == (run.epochs[-1], pytest.approx(100 * run.train_acc[-1]))
    assert f"gap {100 * run.gap:.1f}" in marker.text.get_text()


def test_stop_keeps_what_was_trained():
    lab = OverfittingLab(epochs=400)
    lab.run(wait=False)
    deadline = time.time() + 60
    while lab.redraws < 3 and time.time() < deadline:  # wait for a live redraw
        time.sleep(0.05)
    lab.stop()
    run = lab.wait(timeout=60)
    assert not lab.running
    assert run.status.startswith("stopped at iteration")
    assert 0 < run.epochs[-1] < 400
    assert "stopped at iteration" in lab.status
    assert inked(lab.png) > 0.02


def test_lab_live_redraws_while_training():
    lab = OverfittingLab(epochs=60)
    shown = []
    original = lab.view.show
    lab.view.show = lambda run: (shown.append(None if run is None else len(run.epochs)),
                                 original(run))
    lab.run()
    assert len(shown) >= 2                       # at least one partial and the final frame
    assert shown[-1] == 61


@pytest.fixture
def bn():
    return BatchNormExplorer(epochs=3)


def test_bn_explorer_draws_histograms_at_once(bn):
    assert bn.error is None and bn.result.run is None
    assert len(bn.result.layers) == 5
    assert bn.status.endswith("press Run to train")
    first, redraws = bn.png, bn.redraws
    bn.set(batchnorm=True)                         # no Run needed for the histograms
    assert bn.redraws == redraws + 1 and bn.png != first
    stds = [np.std(layer) for layer in bn.result.layers]
    assert max(stds) - min(stds) < 0.05            # BN: the same spread in every layer


@pytest.mark.parametrize("control, value", [("weight_scale", 1.0), ("activation", "sigmoid"),
                                            ("batchnorm", True), ("epochs", 5)])
def test_every_bn_control_redraws(bn, control, value):
    before = bn.png
    bn.set(**{control: value})
    assert f"{control}=" in bn.status
    if control == "epochs":                        # only the x range of the curves waits
        assert bn.result.settings["epochs"] == 5
    else:
        assert bn.png != before
    assert inked(bn.png) > 0.02


def test_bn_explorer_tiny_scale_no_bn_vanishes(bn):
    bn.set(weight_scale=1e-3, batchnorm=False, activation="relu")
    stds = [np.std(layer) for layer in bn.result.layers]
    assert stds[-1] < 1e-6 < stds[0]               # the signal dies layer by layer
    title = bn.view.fig.get_suptitle()
    assert "σ=1.0e-03" in title and f"{stds[-1]:.2g} in layer 5" in title


def test_bn_explorer_run_compares_with_the_previous_run(bn):
    bn.set(weight_scale=0.01, batchnorm=False, epochs=5)
    without = bn.run().run
    with_bn = bn.run(batchnorm=True).run
    assert bn.result.previous is without
    assert with_bn.train_acc[-1] > without.train_acc[-1] + 0.2
    assert "completed" in bn.status
    labels = [text.get_text() for text in bn.view.acc.ax.get_legend().get_texts()]
    assert any(label.startswith("previous run") for label in labels)


def test_bn_explorer_large_scale_is_a_result_not_a_crash(bn):
    frame = bn.run(weight_scale=1.0, batchnorm=False, activation="relu", epochs=2)
    assert bn.error is None
    status = frame.run.status
    assert status == "completed" or status.startswith("diverged")
    if status.startswith("diverged"):                  # said in the figure, not a traceback
        assert status in bn.view.note.get_text() and status in bn.status
    assert inked(bn.png) > 0.02
