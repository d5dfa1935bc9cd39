"""Chapter 5's experiments and explorer: remedies map to the right network, runs measure
the validation split, the ablation and its finding, the explorer's controls."""

import numpy as np
import pytest

import dlskills as dl
from dlskills.experiments import deep
from dlskills.explorers.deep import DeepLab
from tests.pictures import ink

SMALL = dict(n_train=200, validation=100, width=20)


def test_remedies_are_checked_and_named_in_course_order():
    assert deep.check_remedies(["clip", "relu"]) == ("relu", "clip")
    with pytest.raises(ValueError, match=r"^unknown remedies \['dropout'\]; valid names: relu"):
        deep.check_remedies(["dropout"])
    with pytest.raises(TypeError, match="^remedies must be a list of names"):
        deep.check_remedies("relu")
    assert deep.remedy_label(()).key == "deep.remedy.none"
    assert str(deep.remedy_label(["he", "relu"])) == "ReLU + He 初始化"


def test_each_remedy_changes_its_one_thing():
    net, opt = deep.build((), 4, width=10)
    assert (net.activation, net.init, net.init_options) == ("sigmoid", "normal", {"std": 0.01})
    assert isinstance(opt, dl.SGD) and opt.lr == deep.LR
    assert not net.batchnorm and not net.residual and net.sizes == [784] + [10] * 4 + [10]
    net, opt = deep.build(("relu", "he", "batchnorm", "adam", "residual"), 4, width=10)
    assert (net.activation, net.init, net.batchnorm, net.residual) == ("relu", "he", True, True)
    assert isinstance(opt, dl.Adam) and opt.lr == deep.ADAM_LR


def test_standardize_uses_the_training_digits_statistics():
    (x, _), (x_val, _) = deep.data(("standardize",), n_train=300, validation=100)
    (raw, _), (raw_val, _) = deep.data((), n_train=300, validation=100)
    assert raw.min() >= 0 and raw.max() <= 1
    busy = raw.std(axis=0) > 0.1                       # pixels not floored by min_std
    np.testing.assert_allclose(x[:, busy].mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(x[:, busy].std(axis=0), 1, atol=1e-3)
    np.testing.assert_allclose(x_val, dl.Standardizer(raw)(raw_val), rtol=1e-6)


def test_run_deep_measures_validation_and_records_layers_and_clipping():
    run = deep.run_deep(("relu", "he", "clip"), 3, 2, clip=0.01, **SMALL)
    assert run.held_out == "validation" and run.status == "completed"
    assert run.epochs == [0, 1, 2] and len(run.val_acc) == 3
    assert len(run.grad_norms) == run.iterations == 4 and len(run.grad_norms[0]) == 4
    assert len(run.clipped) == 4 and all(run.clipped)
    finding = run.finding
    assert finding.key == "training.finding.clipped"
    assert finding.values["clipped"] == finding.values["steps"] == 4
    assert finding.values["finding"].key == "training.finding.validation"
    plain = deep.run_deep(("relu",), 3, 1, **SMALL)
    assert plain.clipped == [] and plain.finding.key == "training.finding.validation"
    assert plain.settings["label"] == "ReLU"


def test_start_gradients_show_the_vanishing_baseline_and_the_residual_shortcut():
    baseline = deep.start_gradients((), 20, width=30)
    residual = deep.start_gradients(("residual",), 20, width=30)
    assert baseline.grad_norms.shape == residual.grad_norms.shape == (21,)
    assert baseline.ratio < 1e-10 and baseline.verdict in ("vanishing", "underflow")
    assert residual.ratio > 1e-2                      # the shortcuts carry it down
    assert residual.init == "normal" and residual.scale == 0.01


def test_ablation_is_a_seed_comparison_with_a_finding():
    table = deep.ablation([(), ("relu", "he", "adam")], seeds=(0, 1), epochs=2, depth=3,
                          **SMALL)
    val = table.final("val_acc")
    labels = list(val)
    assert labels == ["基线（不加处方）", "ReLU + He 初始化 + Adam"]
    assert all(v.shape == (2,) for v in val.values())
    assert len(table.runs[0][labels[1]].epochs) == 3     # the first seed keeps its curves
    assert len(table.runs[1][labels[1]].epochs) == 1     # the others: the end only
    finding = table.finding
    assert finding.key == "deep.finding.ablation" and finding.values["sets"] == 2
    best = max(labels, key=lambda label: val[label].mean())
    assert finding.values["best"] == best
    assert finding.values["mean"] == pytest.approx(100 * val[best].mean())
    assert isinstance(table.subset(labels[:1]), deep.Ablation)


@pytest.fixture
def lab():
    return DeepLab(depth=3, epochs=1)


def test_lab_starts_empty_then_trains_and_draws(lab):
    assert lab.result is None and lab.status.key == "explorer.press_run"
    before = lab.png
    run = lab.run(residual=True, adam=True, clip=True)
    assert run.settings["remedies"] == ("adam", "residual", "clip")
    assert run.settings["depth"] == 3 and run.status == "completed"
    assert lab.status.key == "explorer.result"
    assert lab.status.values["finding"].key == "training.finding.clipped"
    assert lab.png != before and ink(lab.png) > ink(before)


@pytest.mark.parametrize("control, value", [("relu", True), ("depth", 5), ("epochs", 2),
                                            ("standardize", True)])
def test_every_lab_control_changes_the_run(lab, control, value):
    lab.run()
    first = lab.png
    lab.run(**{control: value})
    if control in deep.REMEDIES:
        assert control in lab.result.settings["remedies"]
    else:
        assert lab.result.settings[control] == value
    assert lab.previous is lab.result and lab.png != first


def test_lab_depth_goes_to_one_hundred(lab):
    assert lab.controls["depth"].max >= 100


def test_view_marks_layers_whose_gradient_is_exactly_zero():
    """A log axis cannot show 0: such layers are ▼ marks on the bottom edge, in their
    line's colour, with a legend entry; a run without zeros shows neither."""
    from dlskills.views.deep import DeepView
    from dlskills.views.style import new_figure
    run = deep.run_deep((), 3, 1, **SMALL)
    run.grad_norms = [[0.0, 0.0, 1e-3, 0.1], [0.0, 1e-4, 1e-3, 0.1]]
    view = DeepView(new_figure(DeepView.figsize)[0])
    view.update(run)
    assert list(view.zeros["start"].get_xdata()) == [1, 2]
    assert list(view.zeros["now"].get_xdata()) == [1]
    assert list(view.zeros["start"].get_ydata()) == [0.03, 0.03]
    assert view.zeros["start"].get_color() == view.grads.lines["start"].get_color()
    assert np.isnan(view.grads.lines["start"].get_ydata()[:2]).all()
    legend = [t.get_text() for t in view.grads.ax.get_legend().get_texts()]
    assert legend[-1] == dl.messages.say("deep.legend.zero")
    run.grad_norms = [[1e-5, 1e-4, 1e-3, 0.1]]
    view.update(run)
    assert len(view.zeros["start"].get_xdata()) == len(view.zeros["now"].get_xdata()) == 0
    legend = [t.get_text() for t in view.grads.ax.get_legend().get_texts()]
    assert dl.messages.say("deep.legend.zero") not in legend


def test_view_layout_gives_the_panels_most_of_the_height():
    """The zero marks take no part in the layout (unclipped, they once squeezed the three
    panels into the top third of the figure)."""
    import io
    from dlskills.views.deep import DeepView
    run = deep.run_deep((), 3, 1, **SMALL)
    run.grad_norms = [[0.0, 0.0, 1e-3, 0.1]]
    fig = DeepView.figure(run)
    fig.savefig(io.BytesIO(), format="png")
    assert all(ax.get_window_extent().height > 0.68 * fig.bbox.height for ax in fig.axes[:3])


def test_view_layer_axis_spans_the_layers_and_names_both_ends():
    """The layer axis runs from layer 1 to the last weight layer (ticks 1 ... 31 at depth
    30, not the autoscaled 0 ... 32, which are no layers)."""
    from dlskills.views.deep import DeepView
    run = deep.run_deep((), 3, 1, **SMALL)
    run.grad_norms = [list(np.logspace(-30, 0, 31))]
    fig = DeepView.figure(run)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.5, 31.5)
    ticks = [t for t in ax.get_xticks() if 0.5 <= t <= 31.5]
    assert ticks[0] == 1 and ticks[-1] == 31


def test_an_empty_frame_spans_the_depth_that_is_set():
    """Before any run the layer axis spans the layers of the depth set (it read 0, 1)."""
    from dlskills.explorers.deep import DeepLab
    lab = DeepLab(depth=40)
    ax = lab.view.grads.ax
    assert ax.get_xlim() == (0.5, 41.5)
    ticks = [t for t in ax.get_xticks() if 0.5 <= t <= 41.5]
    assert ticks[0] == 1 and ticks[-1] == 41
