"""Chapter 3: histogram bins and the plotting panels (arrays in, artists out)."""
import numpy as np
import pytest
from matplotlib.ticker import FuncFormatter

from dlskills.messages import say
from dlskills.training import FINAL_WINDOW, History
from dlskills.views import new_figure
from dlskills.views.style import style
from dlskills.views.axes import LayerTicks
from dlskills.stats import ACTIVATION_BINS, GRADIENT_BINS, Binning
from dlskills.experiments.initialization import ComparedRuns, std_ratio_text
from dlskills.views.initialization import (ComparedRunsView, HistogramHeatmap, LayerStdPanel,
                                           binning_ticks, final_loss_vs_scale,
                                           histogram_grid, unit_images)


def test_linear_bins_count_every_value_once():
    b = Binning("linear", 0.0, 1.0, 10)
    shares, bad = b.shares(np.array([0.05, 0.05, 0.55, 0.999, -3.0, 7.0, np.nan]))
    assert bad == pytest.approx(1 / 7)
    assert shares.sum() == pytest.approx(6 / 7)
    assert shares[0] == pytest.approx(3 / 7)        # two 0.05 and -3 (edge bin)
    assert shares[9] == pytest.approx(2 / 7)        # 0.999 and 7 (edge bin)
    assert shares[5] == pytest.approx(1 / 7)


def test_log_bins_have_a_zero_column_and_a_gap():
    b = Binning("log", -4.0, 0.0, 4, zero_column=True)
    assert b.columns == 6
    shares, bad = b.shares(np.array([0.0, 0.0, -2e-3, 0.5, 1e-9, np.inf]))
    assert bad == pytest.approx(1 / 6)
    assert shares[0] == pytest.approx(2 / 6)        # exact zeros
    assert shares[1] == 0                           # the gap column
    assert shares[2] == pytest.approx(1 / 6)        # 1e-9 -> edge bin [1e-4, 1e-3)
    assert shares[3] == pytest.approx(1 / 6)        # |-2e-3| in [1e-3, 1e-2)
    assert shares[5] == pytest.approx(1 / 6)        # 0.5
    left, right = b.extent_x()
    assert left == -6.0 and right == 0.0 and b.zero_x == -5.5
    pos, labels = binning_ticks(b)
    assert labels[0] == "0" and pos[0] == b.zero_x


def test_every_activation_has_bins_covering_its_range():
    assert ACTIVATION_BINS["sigmoid"].lo == 0 and ACTIVATION_BINS["sigmoid"].hi == 1
    assert ACTIVATION_BINS["tanh"].lo == -1 and ACTIVATION_BINS["tanh"].hi == 1
    assert ACTIVATION_BINS["relu"].zero_column and GRADIENT_BINS.zero_column


def test_heatmap_changes_depth_in_place():
    fig, _ = new_figure((5, 4))
    ax = fig.subplots()
    heatmap = HistogramHeatmap(ax, ACTIVATION_BINS["tanh"])
    image = heatmap.update(np.full((3, ACTIVATION_BINS["tanh"].columns), 1 / 40))
    assert ax.get_ylim() == (3.5, 0.5)
    same = heatmap.update(np.full((12, ACTIVATION_BINS["tanh"].columns), 1 / 40))
    assert same is image and image.get_array().shape[0] == 12
    heatmap.set_binning(ACTIVATION_BINS["relu"])
    assert ax.get_xlabel() == say("init.axis.activation_log")


@pytest.mark.parametrize("depth, size", [(1, (5, 4)), (7, (6.3, 3.7)), (20, (5, 4)),
                                         (50, (4.1, 5.3))])
def test_heatmap_pixels_are_those_of_an_ordinary_image(depth, size):
    """The heatmap's cell image (pixel -> cell map made once) draws exactly the pixels
    of matplotlib's own nearest-neighbour image of the shares, and follows a new depth."""
    binning = ACTIVATION_BINS["relu"]
    shares = np.random.default_rng(depth).random((depth, binning.columns)) ** 4

    def pixels(draw):
        fig, _ = new_figure(size)
        fig.set_layout_engine("none")       # the same axes box in both figures
        with style():
            ax = fig.subplots()
            draw(ax)
            ax.set_xlim(*binning.extent_x())
            ax.set_ylim(depth + 0.5, 0.5)
            fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).copy()

    def heatmap(ax):
        shown = HistogramHeatmap(ax, binning)
        shown.update(shares[:1])                     # another depth drawn first
        ax.figure.canvas.draw()
        shown.update(shares)

    def ordinary(ax):
        ax.imshow(shares, cmap=heatmap_scale.cmap, norm=heatmap_scale.norm, aspect="auto",
                  interpolation="nearest", origin="upper",
                  extent=(*binning.extent_x(), depth + 0.5, 0.5))
        ax.yaxis.set_major_locator(LayerTicks())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda k, _: f"{k:.0f}".rjust(2, "\u2007")))
        ax.set_xticks(*binning_ticks(binning))
        ax.set_xlabel(say(binning.label))
        ax.set_ylabel(say("init.axis.layer"))
        ax.grid(False)

    heatmap_scale = HistogramHeatmap(new_figure((2, 2))[0].subplots(), binning).scale
    np.testing.assert_array_equal(pixels(heatmap), pixels(ordinary))


def test_fitted_log_bins_cover_the_data_finely():
    rng = np.random.default_rng(0)
    rows = [np.maximum(rng.standard_normal(1000), 0) * 10.0 ** -k for k in range(5)]
    b = Binning.fit(rows, per_decade=8)
    assert b.scale == "log" and b.zero_column
    assert b.lo <= -6 and b.hi >= 1 and b.hi - b.lo <= 12
    assert b.n == 8 * (b.hi - b.lo)
    shares = np.array([b.shares(r)[0] for r in rows])
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    # a shift by a factor 10 moves the histogram by 8 bins
    peaks = shares[:, 2:].argmax(axis=1)
    assert np.all(np.abs(np.diff(peaks) + 8) <= 2), peaks
    assert Binning.fit([np.zeros(5)]).n > 0


def test_std_panel_names_zero_std_layers():
    fig, ax = new_figure((5, 4))
    ax = fig.subplots()
    panel = LayerStdPanel(ax)
    panel.update([0.5, 0.0, 0.0], [1e-3, 1e-4, 1e-5], title="t")
    assert panel.zero_note.get_text() == say("init.note.zero", what="a",
                                             layers=say("axis.layer_range", first=2, last=3))
    panel.update([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])      # nothing to draw: a fixed range
    assert ax.get_ylim() == (1e-3, 1)
    panel.update([0.5, 0.4, 0.3], [1e-3, 1e-4, 1e-5])   # ...and scaling resumes after it
    assert panel.zero_note.get_text() == ""
    low, high = ax.get_ylim()
    assert low <= 1e-5 and high >= 0.5
    assert ax.get_yscale() == "log"
    panel.update([1.0, np.nan], [np.nan, np.nan])
    assert panel.zero_note.get_text() == "\n".join([
        say("init.note.overflow", what="a", layers=say("axis.layer", layer=2)),
        say("init.note.overflow", what="grad", layers=say("axis.layer_range", first=1,
                                                           last=2))])


def test_std_ratio_text():
    text = std_ratio_text([1.0, 0.5, 0.25], [1e-6, 1e-4, 1e-2])
    assert text.key == "init.std_ratio"
    assert text.values == {"depth": 3, "act": "0.25", "grad": "0.0001"}
    assert std_ratio_text([1.0, 0.5], [1.0, 2.0], lines=2).key == "init.std_ratio.title"
    assert std_ratio_text([0.0, 0.0], [0.0, 0.0]).values["act"] == say("init.ratio.both_zero")
    assert std_ratio_text([0.0, 1.0], [1.0, 0.0]).values == {
        "depth": 2, "act": say("init.ratio.from_zero"), "grad": say("init.ratio.from_zero")}
    assert std_ratio_text([1.0, np.nan], [1.0, 1.0]).values["act"] == say("init.ratio.overflow")
    assert std_ratio_text([2.0], [3.0]).key == "init.std_ratio.one"


def test_histogram_grid_shape_and_titles():
    rng = np.random.default_rng(0)
    rows = [("a", [rng.random(100) for _ in range(4)], "xavier"),
            ("b", [rng.random(100) for _ in range(4)], "he")]
    fig = histogram_grid(rows, ACTIVATION_BINS["sigmoid"], title="t")
    assert len(fig.axes) == 8 and fig.get_suptitle() == "t"
    axes = np.array(fig.axes).reshape(2, 4)
    std = np.std(rows[0][1][2])
    assert axes[0, 2].get_title() == say("init.grid.title", layer=3, std=std)


def test_loss_panel_and_sweep_titles_come_from_data():
    good, flat = History(), History()
    good.loss, good.epochs, good.test_acc = list(np.linspace(2.3, 0.5, 50)), [0, 1], [0.1, 0.8]
    flat.loss, flat.epochs, flat.test_acc = [2.3] * 50, [0, 1], [0.1, 0.1]
    view = ComparedRunsView(new_figure((10, 4))[0])
    result = runs({"he": good, "normal": flat})
    view.update(result)
    assert result.headline == say("init.loss.best", label="he", loss=good.final_loss())
    assert result.accuracy_headline == say("init.acc.best", label="he", acc=0.8)
    assert view.ax_loss.get_title() == result.headline        # the view shows them
    assert view.ax_acc.get_title() == result.accuracy_headline
    ax = final_loss_vs_scale([0.01, 0.1, 1.0], [2.3, 1.2, np.nan],
                             ["completed", "completed", "diverged"],
                             references={"he": 0.8}).axes[0]
    assert ax.get_title() == say("init.sweep.title", loss=0.8, label="he", diverged=1)


def test_unit_images_share_one_colour_scale():
    w = np.zeros((784, 3))
    w[0, 1] = 2.0
    fig = unit_images({"a": w, "b": w / 2}, title="x", n=3)
    images = [ax.images[0] for ax in fig.axes]
    assert len(images) == 6 and fig.get_suptitle() == "x"
    assert all(im.get_clim() == (-2.0, 2.0) for im in images[:3])
    assert all(im.get_clim() == (-1.0, 1.0) for im in images[3:])


def runs(histories):
    """``histories`` as the result of ``initializer_runs`` (std 0.01, 50 iterations)."""
    return ComparedRuns(histories, {"std": 0.01, "iterations": 50})


def test_compared_runs_name_no_winner_when_every_run_ends_alike():
    def history(loss, acc):     # the last FINAL_WINDOW losses: all ``loss``
        return History(loss=[2.5] + [loss] * FINAL_WINDOW, epochs=[0, 1], test_acc=[0.1, acc])

    alike = runs({"xavier_normal": history(2.302, 0.10), "he_normal": history(2.301, 0.10)})
    assert alike.headline == say("init.loss.no_winner", loss=2.301)
    assert alike.accuracy_headline == say("init.acc.no_winner", acc=0.10)
    apart = runs({"xavier_normal": history(2.30, 0.10), "he_normal": history(0.40, 0.88)})
    assert apart.headline == say("init.loss.best", label="he_normal", loss=0.40)
    assert apart.accuracy_headline == say("init.acc.best", label="he_normal", acc=0.88)
    diverged = history(0.1, 0.5)
    diverged.loss[-1], diverged.status = np.inf, "diverged"      # takes no part
    apart.histories["normal"] = diverged
    assert apart.headline == say("init.loss.best", label="he_normal", loss=0.40)
    nothing = runs({})
    assert (nothing.headline, nothing.accuracy_headline) == (say("init.loss.title"), "")


def test_compared_runs_mark_a_previous_run_and_keep_one_legend_below():
    fig = new_figure((8, 3))[0]
    view = ComparedRunsView(fig)
    last = runs({"he_normal": History(loss=[2.5, 0.4], epochs=[0, 1], test_acc=[0.1, 0.9])})
    view.update(last)
    lines = view.curves.loss.lines
    line = lines["he_normal"]
    assert line.get_linestyle() == "-" and line.get_label() == "he_normal"
    assert view.ax_loss.get_legend() is None and view.ax_acc.get_legend() is None
    assert fig.legends == [view.curves.legend]
    view.update(runs({}), previous=last)                   # a control changed: dashed only
    dashed = lines["previous:he_normal"]
    assert dashed.get_linestyle() == "--" and not line.get_visible()
    assert dashed.get_label() == say("curves.previous", label="he_normal")
    assert view.ax_loss.get_title() == say("init.previous.title")
    assert fig.legends == [view.curves.legend]             # replaced, not added
    view.update(last, previous=last)                       # a new run next to the last one
    assert line.get_visible() and dashed.get_visible()
    assert sorted(t.get_text() for t in view.curves.legend.get_texts()) == sorted([
        say("curves.previous", label="he_normal"), "he_normal"])
