"""Chapter 4 explorers driven from Python: every control changes what is drawn, the
numbers behind the figure are right, Stop keeps what was trained."""
import time

import numpy as np
import pytest

from dlskills.explorers.regularization import BatchNormExplorer, OverfittingLab
from tests.pictures import ink


@pytest.fixture
def lab():
    return OverfittingLab(epochs=10)


def test_lab_starts_empty_and_says_press_run(lab):
    assert lab.result is None and lab.error is None
    assert lab.status.key == "explorer.press_run"
    assert ink(lab.png) > 0.01                     # axes are drawn


def test_lab_run_draws_curves_and_reports_the_gap(lab):
    before = lab.png
    run = lab.run()
    assert run is lab.result and run.status == "completed"
    assert run.epochs == list(range(11))
    assert lab.status.key == "explorer.result"
    finding = lab.status.values["finding"]
    assert finding.key == "training.finding.validation"     # the lab shows validation
    assert finding.values["gap"] == pytest.approx(100 * run.gap)
    assert lab.png != before and ink(lab.png) > ink(before)
    assert not lab.running and lab.progress.value == 1.0


def test_lab_draws_train_and_validation_never_test(lab):
    lab.run()
    labels = [text.get_text() for text in lab.view.curves.ax_acc.get_legend().get_texts()]
    from dlskills.messages import say
    assert labels == [say("curves.split.train"), say("curves.split.validation")]
    assert lab.result.held_out == "validation" and lab.result.val_acc is lab.result.test_acc


@pytest.mark.parametrize("control, value", [("n_train", 600), ("batchnorm", True),
                                            ("weight_decay", 0.1), ("dropout", 0.3),
                                            ("epochs", 20)])
def test_every_lab_control_changes_the_run_and_the_figure(lab, control, value):
    lab.run()
    first_png, first = lab.png, lab.result
    lab.run(**{control: value})
    assert lab.result.settings[control] == value
    assert lab.png != first_png and ink(lab.png) > 0.02
    assert lab.previous is lab.result                 # kept for the next comparison
    from dlskills.messages import say
    from dlskills.views.regularization import settings_text
    labels = [text.get_text() for text in lab.view.curves.ax_acc.get_legend().get_texts()]
    assert say("reg.legend.previous", settings=settings_text(first)) in labels
    assert lab.status.values["settings"] == lab.describe_settings(lab.settings)


def test_weight_decay_in_the_lab_gives_a_smaller_final_norm(lab):
    plain = lab.run(weight_decay=0.0)
    decayed = lab.run(weight_decay=0.2)
    assert decayed.total_norm[-1] < plain.total_norm[-1]
    assert lab.view.norm.ax.get_title(loc="left").endswith(f"{decayed.total_norm[-1]:.1f}")
    legend = [text.get_text() for text in lab.view.norm.ax.get_legend().get_texts()]
    from dlskills.messages import say
    from dlskills.views.regularization import settings_text
    assert say("reg.legend.previous", settings=settings_text(plain)) in legend


def test_lab_marks_the_gap_it_measured(lab):
    run = lab.run()
    marker = lab.view.gap
    assert marker.arrow.get_visible()
    assert marker.arrow.xy == (run.epochs[-1], pytest.approx(100 * run.train_acc[-1]))
    from dlskills.messages import say
    assert marker.text.get_text() == say("reg.gap", gap=100 * run.gap)


def test_gap_label_sits_clear_of_the_curves_and_the_ticks(lab):
    lab.run()
    fig, ax = lab.fig, lab.view.curves.ax_acc
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = lab.view.gap.text.get_window_extent(renderer)
    last_epoch = ax.transData.transform((lab.result.epochs[-1], 0))[0]
    assert box.x0 > last_epoch                        # right of every curve's last point
    assert box.x1 < ax.get_window_extent(renderer).x1  # inside the axes
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        assert not box.overlaps(label.get_window_extent(renderer))
    ticks = ax.get_xticks()
    assert np.all(ticks == np.round(ticks)) and ticks.max() <= lab.result.epochs[-1]


def test_stop_keeps_what_was_trained():
    lab = OverfittingLab(epochs=400)
    lab.run(wait=False)
    deadline = time.time() + 60
    while lab.redraws < 3 and time.time() < deadline:  # wait for a live redraw
        time.sleep(0.05)
    lab.stop()
    run = lab.wait(timeout=60)
    assert not lab.running
    assert run.status == "stopped"
    assert 0 < run.epochs[-1] < 400
    assert lab.status.values["finding"].values["status"].key == "training.status.stopped"
    assert ink(lab.png) > 0.02


def test_lab_live_redraws_while_training():
    lab = OverfittingLab(epochs=60)
    shown = []
    original = lab.view.update
    lab.view.update = lambda run, previous: (
        shown.append(None if run is None else len(run.epochs)), original(run, previous))
    lab.run(live=True)
    assert len(shown) >= 2                       # at least one partial and the final frame
    assert shown[-1] == 61


@pytest.fixture
def bn():
    return BatchNormExplorer(epochs=3)


def test_bn_explorer_draws_histograms_at_once(bn):
    assert bn.error is None and bn.result.run is None
    assert len(bn.result.layers) == 5
    assert bn.status.key == "explorer.press_run"
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
    assert bn.status.values["settings"] == bn.describe_settings(bn.settings)
    assert bn.settings[control] == value
    if control == "epochs":                        # only the x range of the curves waits
        assert bn.result.settings["epochs"] == 5
    else:
        assert bn.png != before
    assert ink(bn.png) > 0.02


def test_bn_explorer_tiny_scale_no_bn_vanishes(bn):
    bn.set(weight_scale=1e-3, batchnorm=False, activation="relu")
    stds = [np.std(layer) for layer in bn.result.layers]
    assert stds[-1] < 1e-6 < stds[0]               # the signal dies layer by layer
    title = bn.view.title.get_text()
    from dlskills.messages import say
    assert title == say("reg.title.bn", activation="relu", scale=1e-3, bn=say("bool.no"),
                        first=float(stds[0]), n=5, last=float(stds[-1]))


def test_bn_explorer_ticks_do_not_touch_and_epochs_are_whole(bn):
    bn.run(epochs=3)
    fig = bn.view.fig
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for ax in bn.view.hist.axes
             for label in ax.get_xticklabels() if label.get_text()]
    for a, b in zip(boxes, boxes[1:]):
        assert a.x1 + 2 < b.x0                        # a visible space between labels
    ticks = bn.view.curves.ax_acc.get_xticks()
    assert np.all(ticks == np.round(ticks))


def test_bn_explorer_run_compares_with_the_previous_run(bn):
    bn.set(weight_scale=0.01, batchnorm=False, epochs=5)
    without = bn.run().run
    with_bn = bn.run(batchnorm=True).run
    assert with_bn.train_acc[-1] > without.train_acc[-1] + 0.2
    assert bn.status.values["finding"].values["status"].key == "training.status.completed"
    labels = [text.get_text() for text in bn.view.curves.ax_acc.get_legend().get_texts()]
    from dlskills.messages import say
    from dlskills.views.regularization import settings_text
    assert say("reg.legend.previous", settings=settings_text(without)) in labels


def test_bn_explorer_large_scale_is_a_result_not_a_crash(bn):
    frame = bn.run(weight_scale=1.0, batchnorm=False, activation="relu", epochs=2)
    assert bn.error is None
    status = frame.run.status
    assert status == "completed" or status.startswith("diverged")
    if status.startswith("diverged"):                  # said in the figure, not a traceback
        assert frame.run.message in bn.view.note.get_text()
        assert bn.status.values["finding"].values["status"] == frame.run.message
    assert ink(bn.png) > 0.02


def test_figures_write_yes_and_no_as_the_statuses_do():
    """A checkbox's value reads the same in a figure (legend, title) as in the status."""
    from types import SimpleNamespace
    from dlskills.explorers.base import _fmt
    from dlskills.views.regularization import settings_text
    for value in (True, False):
        run = SimpleNamespace(settings={"n_train": 300, "batchnorm": value})
        assert settings_text(run).endswith(f"BN {_fmt(value)}")


def test_the_empty_norm_panel_starts_at_0():
    """Before any run the lab's ||W|| axis reads 0 to 1, not -0.04 ... 0.04."""
    from dlskills.views import new_figure
    from dlskills.views.regularization import OverfittingView
    fig, _ = new_figure(OverfittingView.figsize)
    view = OverfittingView(fig)
    view.update(None)
    assert view.norm.ax.get_ylim() == (0, 1) and view.norm.ax.get_xlim() == (0, 1)
