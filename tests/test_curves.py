"""The one loss/accuracy panel, views/curves.TrainingCurves: its options (accuracy in %,
train and held-out splits, whole-epoch ticks, a capped linear loss, one axes only) and
the views and figures drawn with it."""
import numpy as np
import pytest

from dlskills.messages import say
from dlskills.training import History
from dlskills.views import new_figure
from dlskills.views.curves import TrainingCurves, smooth
from dlskills.views.style import color


def history(**fields):
    n = max(len(fields.get("train_acc", [])), len(fields.get("test_acc", [])))
    fields.setdefault("epochs", list(range(n)))
    return History(**fields)


def two_axes():
    fig, (ax_loss, ax_acc) = new_figure((8, 3), nrows=1, ncols=2)
    return fig, ax_loss, ax_acc


def visible_ticks(axis):
    low, high = sorted(axis.get_view_interval())
    return [t for t in axis.get_majorticklocs() if low <= t <= high]


def test_empty_panels_span_0_to_1_and_autoscale_once_a_run_is_drawn():
    """Before any run (the trainer's first frame) an axis without given limits reads 0 to
    1, not matplotlib's -0.04 ... 0.04 around 0; the next frame still scales to its run."""
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc, logy=True, raw=True, whole_epochs=True)
    curves.update({}, iterations=300)
    assert visible_ticks(ax_acc.xaxis) == [0, 1] and ax_acc.get_ylim() == (0, 1)
    assert ax_loss.get_xlim() == (0, 300)
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc)        # linear loss, no epoch locator
    curves.update({})
    for axis in (ax_loss.xaxis, ax_acc.xaxis):
        ticks = visible_ticks(axis)
        assert [ticks[0], ticks[-1]] == pytest.approx([0, 1])
    curves.update({"adam": history(loss=[2.3] * 50, test_acc=[0.2, 0.5, 0.7, 0.8])})
    assert ax_loss.get_xlim()[1] >= 50 and ax_acc.get_xlim()[1] >= 3


def test_splits_in_percent_are_coloured_by_split_and_the_previous_run_is_dashed():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc, gap=True)
    run = history(train_acc=[0.1, 0.5, 0.9], test_acc=[0.1, 0.4, 0.7], held_out="validation",
                  loss=[2.3, 1.0, 0.5])
    old = history(train_acc=[0.1, 0.3], test_acc=[0.1, 0.2], loss=[2.3, 2.0])
    curves.update({"run": run}, previous={"run": old}, previous_labels={"run": "before"})
    lines = curves.acc.lines
    train, held = lines["run:train"], lines["run:validation"]
    assert np.allclose(train.get_ydata(), [10, 50, 90])
    assert np.allclose(held.get_ydata(), [10, 40, 70])
    assert train.get_color() == color("train") and held.get_color() == color("validation")
    assert train.get_linestyle() == held.get_linestyle() == "-"
    dashed = lines["previous:run:train"], lines["previous:run:test"]
    assert all(line.get_linestyle() == "--" and line.get_alpha() < 1 for line in dashed)
    assert dashed[1].get_color() == color("test")       # the previous run's own split
    legend = [t.get_text() for t in ax_acc.get_legend().get_texts()]
    assert legend == ["before", say("curves.split.train"), say("curves.split.validation")]
    assert ax_acc.get_ylim() == (0.0, 102.0)
    assert ax_acc.get_ylabel() == say("curves.accuracy_percent")


def test_one_split_is_coloured_by_run_and_reads_in_fractions():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc)
    curves.update({"adam": history(train_acc=[0.1, 0.8], test_acc=[0.1, 0.7], loss=[2, 1])},
                  colors={"adam": "#123456"})
    (line,) = curves.acc.lines.values()
    assert np.allclose(line.get_ydata(), [0.1, 0.7]) and line.get_color() == "#123456"
    assert ax_acc.get_ylim() == (0.0, 1.0) and ax_acc.get_ylabel() == say("curves.accuracy")


def test_markers_only_while_the_points_are_few():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc)
    curves.update({"a": history(test_acc=[0.5] * 25, epochs=list(range(25)))})
    assert curves.acc.lines["a:held_out"].get_marker() == "o"
    curves.update({"a": history(test_acc=[0.5] * 26, epochs=list(range(26)))})
    assert curves.acc.lines["a:held_out"].get_marker() in ("", "None")


def test_whole_epochs_and_whole_iterations_are_ticked():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc, whole_epochs=True)
    run = history(test_acc=[0.1, 0.5, 0.6], loss=list(np.linspace(2.3, 1.0, 50)))
    curves.update({"a": run}, iterations=50, epochs=2)
    fig.canvas.draw()
    assert visible_ticks(ax_acc.xaxis) == [0, 1, 2]
    ticks = visible_ticks(ax_loss.xaxis)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and step / 10 ** np.floor(np.log10(step)) in (1, 2, 5)  # not 6, 12
    plain = TrainingCurves(*two_axes()[1:])
    plain.update({"a": run}, iterations=50, epochs=2)
    assert any(not float(t).is_integer() for t in visible_ticks(plain.ax_acc.xaxis))


def test_a_linear_loss_axis_starts_at_zero_and_stops_at_loss_top():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc, window=1, loss_top=5.0)
    curves.update({"a": history(loss=[2.3, 50.0, 1e6])})
    assert ax_loss.get_ylim() == (0.0, 5.0)
    curves.update({"a": history(loss=[2.0, 1.0])})
    assert ax_loss.get_ylim() == pytest.approx((0.0, 2.1))


def test_one_axes_is_enough():
    fig, ax = new_figure((4, 3), nrows=1, ncols=1)
    only_loss = TrainingCurves(ax, raw=True, window=2)
    only_loss.update({"a": history(loss=[3.0, 1.0, 2.0], test_acc=[0.5], epochs=[1])})
    assert only_loss.acc is None and set(only_loss.loss.lines) == {"a", "a:raw"}
    assert only_loss.loss.lines["a"].get_ydata()[-1] == pytest.approx(smooth([3.0, 1.0, 2.0], 2)[-1])
    fig, ax = new_figure((4, 3), nrows=1, ncols=1)
    only_acc = TrainingCurves(None, ax, legend_below=True)
    only_acc.update({"a": history(loss=[3.0], test_acc=[0.5], epochs=[1])})
    assert only_acc.loss is None and fig.legends == [only_acc.legend]


def test_several_runs_with_both_splits_are_refused():
    fig, ax_loss, ax_acc = two_axes()
    curves = TrainingCurves(ax_loss, ax_acc, gap=True)
    run = history(train_acc=[0.5], test_acc=[0.4])
    with pytest.raises(ValueError, match="runs: one run per panel"):
        curves.update({"a": run, "b": run})


def test_the_training_comparison_draws_losses_with_training_curves_and_titles_them():
    from dlskills.views.gradients import plot_training_comparison
    loss = list(np.linspace(2.3, 0.3, 40))
    updates = [[0.01, 1.0]] * 40
    runs = {"relu + he": history(loss=loss, update_norms=updates),
            "sigmoid + xavier": history(loss=[2.3] * 40, update_norms=updates)}
    ax = plot_training_comparison(runs).axes[0]
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colours["relu + he"] == color("relu") and colours["sigmoid + xavier"] == color("sigmoid")
    finals = say("explorer.settings_sep").join([
        say("gradients.fig.loss_item", name="relu", loss=smooth(loss, 10)[-1]),
        say("gradients.fig.loss_item", name="sigmoid", loss=2.3)])
    assert ax.get_title() == say("gradients.fig.loss_title", finals=finals)
    assert ax.get_ylim()[0] == 0
    with pytest.raises(ValueError, match="record_layers=True"):
        plot_training_comparison({"a": history(loss=loss)})


def test_the_views_have_no_accuracy_panel_of_their_own():
    """OverfittingView, BatchNormView and plot_overfitting draw accuracy with
    TrainingCurves (the one panel), not with hand-made lines."""
    from dlskills.views.regularization import BatchNormView, OverfittingView
    fig, _ = new_figure((10, 6))
    assert isinstance(OverfittingView(fig).curves, TrainingCurves)
    fig, _ = new_figure((10, 6))
    view = BatchNormView(fig, n_layers=2)
    assert isinstance(view.curves, TrainingCurves)


def test_the_batch_norm_view_shows_its_epochs_and_a_little_past_the_last():
    """BatchNormView's accuracy x axis: 0 to 2 % past the set epochs (the last epoch's
    markers whole), with a run and before one."""
    from dlskills.experiments.regularization import BatchNormFrame
    from dlskills.views.regularization import BatchNormView
    fig, _ = new_figure((10, 6))
    view = BatchNormView(fig, n_layers=2)
    layers = [np.linspace(0.0, 1.0, 50)] * 2
    settings = {"activation": "relu", "weight_scale": 0.01, "batchnorm": True, "epochs": 5}
    run = history(loss=[2.3, 1.0], train_acc=[0.5, 0.9], test_acc=[0.4, 0.8], epochs=[1, 2])
    for trained in (None, run):
        view.update(BatchNormFrame(settings, layers, trained))
        assert view.curves.ax_acc.get_xlim() == pytest.approx((0, 5.1))


def test_chapter_1_and_5_mark_what_a_log_axis_cannot_show_by_one_rule():
    """show_profile: an exact 0 is a mark on the bottom edge, inf/NaN one on the top, in
    chapter 5's gradient panel as in chapter 1's (chapter 5 had no top marks)."""
    from dlskills.views.axes import EDGE
    from dlskills.views.deep import DeepView
    fig, _ = new_figure(DeepView.figsize)
    view = DeepView(fig)
    norms = [0.0, 1e-3, np.inf, np.nan, 0.1]
    view.update(history(loss=[2.3], grad_norms=[norms], settings={"epochs": 1}))
    assert list(view.zeros["start"].get_xdata()) == [1]
    assert list(view.infs["start"].get_xdata()) == [3, 4]
    assert list(view.infs["start"].get_ydata()) == [1 - EDGE] * 2
    assert view.infs["start"].get_color() == view.grads.lines["start"].get_color()
    shown = view.grads.lines["start"].get_ydata()
    assert np.isnan(shown[[0, 2, 3]]).all() and list(shown[[1, 4]]) == [1e-3, 0.1]
    view.update(history(loss=[2.3], grad_norms=[[1e-3] * 5], settings={"epochs": 1}))
    assert len(view.infs["start"].get_xdata()) == 0


def test_smooth_averages_the_last_window_points_and_keeps_non_finite_values():
    assert np.allclose(smooth([1.0, 2.0, 3.0, 4.0], 2), [1.0, 1.5, 2.5, 3.5])
    assert np.allclose(smooth([1.0, np.nan, 3.0, 5.0], 2), [1.0, np.nan, 3.0, 4.0],
                       equal_nan=True)
    assert np.array_equal(smooth([1.0, 5.0], 1), [1.0, 5.0])


def test_zero_based_starts_at_zero_and_stops_above_the_highest_visible_line():
    from dlskills.views.curves import zero_based
    fig, ax = new_figure((4, 3), nrows=1, ncols=1)
    zero_based(ax, empty=2.5)
    assert ax.get_ylim() == (0.0, 2.5)
    ax.plot([0, 1], [3.0, 4.0])
    hidden, = ax.plot([0, 1], [50.0, 60.0])
    hidden.set_visible(False)
    zero_based(ax)
    assert ax.get_ylim() == pytest.approx((0.0, 4.2))
    zero_based(ax, top=3.5)
    assert ax.get_ylim() == (0.0, 3.5)
    ax.plot([0, 1, 2], [1.0, 5.0, np.inf])     # a norm that overflowed: no inf limit
    zero_based(ax)
    assert ax.get_ylim() == pytest.approx((0.0, 5.25))
    zero_based(ax, top=4.5)                    # with a cap, an exploding line leaves it
    assert ax.get_ylim() == (0.0, 4.5)


def test_layer_ticks_name_the_first_and_the_last_layer():
    from dlskills.views.axes import LayerTicks
    ticks = LayerTicks()
    assert list(ticks.tick_values(0.5, 50.5)) == [1, 10, 20, 30, 40, 50]
    assert list(ticks.tick_values(0.5, 51.5)) == [1, 10, 20, 30, 40, 51]   # 50 too close
    assert list(ticks.tick_values(0.5, 4.5)) == [1, 2, 3, 4]
    assert list(ticks.tick_values(0.8, 20.2)) == [1, 5, 10, 15, 20]        # autoscaled
    assert list(ticks.tick_values(0.5, 1.5)) == [1]
    for n in range(2, 300):
        values = ticks.tick_values(0.5, n + 0.5)
        assert values[0] == 1 and values[-1] == n and len(values) <= 8
        assert np.all(np.diff(values) > 0)
        assert len(values) == n or np.all(np.diff(values) >= 2)   # no "1, 2, 4" crowding
    assert list(ticks.tick_values(0.5, 11.5)) == [1, 4, 6, 8, 11]   # chapter 1's default


def test_seed_spread_draws_each_seed_a_bar_over_the_finite_range_and_the_mean():
    from dlskills.views.curves import seed_spread
    fig, ax = new_figure((4, 3), nrows=1, ncols=1)
    seed_spread(ax, {"a": [1.0, 3.0, np.nan], "b": [np.nan]}, {"a": "#111111", "b": "#222222"})
    bar, mean, dots, only_nan = ax.get_lines()
    assert list(bar.get_ydata()) == [1.0, 3.0] and list(mean.get_ydata()) == [2.0, 2.0]
    assert np.allclose(dots.get_xdata(), [-0.12, 0.0, 0.12]) and dots.get_color() == "#111111"
    assert np.allclose(only_nan.get_xdata(), [1.0]) and ax.get_xlim() == (-0.6, 1.6)


def test_whole_ticks_are_whole_1_2_5_steps_and_none_past_last():
    from dlskills.views.axes import WholeTicks
    ticks = WholeTicks()
    assert list(ticks.tick_values(0, 2)) == [0, 1, 2]                  # not 0.25, 0.5, ...
    for most in (6, 8, 10):
        ticks = WholeTicks(most=most)
        for high in (1, 3, 7, 12, 50, 130, 299, 400, 3000):
            values = ticks.tick_values(0, high)
            inside = values[values <= high]
            step = values[1] - values[0]
            assert np.all(values == np.round(values)) and len(inside) <= most + 1
            assert step / 10 ** np.floor(np.log10(step)) in (1, 2, 5)   # not 0, 6, 12
    ticks = WholeTicks(most=8)
    ticks.last = 200
    assert list(ticks.tick_values(0, 240)) == [0, 50, 100, 150, 200]     # 240: the margin


def test_the_gap_marker_keeps_the_epoch_ticks_out_of_its_margin_with_one_locator():
    from dlskills.views.regularization import OverfittingView
    fig, _ = new_figure(OverfittingView.figsize)
    view = OverfittingView(fig)
    locator = view.curves.ax_acc.xaxis.get_major_locator()
    for epochs in (20, 150):
        run = history(train_acc=[0.1] * (epochs + 1), test_acc=[0.1] * (epochs + 1),
                      loss=[2.3], weight_norms=[[1.0]] * (epochs + 1), settings={"epochs": epochs})
        view.update(run)
        ticks = visible_ticks(view.curves.ax_acc.xaxis)
        assert view.curves.ax_acc.xaxis.get_major_locator() is locator   # set once
        assert ticks[-1] > 0.8 * epochs and max(ticks) <= epochs
        assert view.curves.ax_acc.get_xlim()[1] > 1.1 * epochs
