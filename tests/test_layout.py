"""One layout policy: an explorer lays its figure out once, before its first draw, for
the widest content its view shows (``View.widest``), then freezes it. Chapter 1's
explorers used fixed margins instead; these settings (the hardest of
``benchmarks/layout_sweep.py``'s grid) overlapped or cut off text there."""
import pytest
from matplotlib.layout_engine import ConstrainedLayoutEngine

from harness.layout import layout_faults

HARD = {
    "GradientExplorer": [{"depth": 2}, {"depth": 1, "activation": "relu"},
                         {"depth": 50, "scale": 0.001}, {"depth": 50, "scale": 100.0},
                         {"depth": 3, "activation": "tanh", "init": "he"}],
    "DepthWidthExplorer": [{"input_size": 784, "width": 50, "depth": 1},
                           {"input_size": 1000, "width": 50, "depth": 10, "biases": True},
                           {"input_size": 1, "width": 1}],
}


@pytest.mark.parametrize("name", sorted(HARD))
def test_chapter1_explorers_show_no_layout_fault(name):
    from dlskills.explorers import gradients
    explorer = getattr(gradients, name)()
    assert layout_faults(explorer.fig) == []
    for settings in HARD[name]:
        explorer.set(**settings)
        assert layout_faults(explorer.fig) == [], settings


def test_layout_faults_sees_overlapping_and_cut_off_text():
    from dlskills.views import new_figure
    fig, (left, right) = new_figure((6, 3), nrows=1, ncols=2)
    assert layout_faults(fig) == []
    left.set_title("x" * 200)                             # runs over the figure's edge
    right.text(0.5, 0.5, "over", transform=right.transAxes)
    right.text(0.5, 0.5, "again", transform=right.transAxes)   # a note on a note
    faults = layout_faults(fig)
    assert "title of axes 0 is cut off at the figure's edge" in faults
    assert any(f.startswith("title of axes 0 overlaps") and "axes 1" in f for f in faults)
    assert "note of axes 1 overlaps note of axes 1" in faults


def test_every_explorer_view_is_laid_out_once_by_the_same_rule():
    """No view keeps fixed margins of its own: every explorer figure starts with the
    constrained layout, which the base freezes once."""
    import importlib

    from dlskills.explorers import Explorer
    from dlskills.views.style import new_figure
    for chapter in ("gradients", "optimizers", "initialization", "regularization", "deep"):
        importlib.import_module(f"dlskills.explorers.{chapter}")
    explorers, todo = [], [Explorer]
    while todo:                            # every subclass, at any depth
        found = todo.pop().__subclasses__()
        explorers += found
        todo += found
    views = {e.view_class for e in explorers if e.view_class is not None}
    assert len(views) >= 9                 # every chapter's explorers, not just chapter 1's
    for view_class in views:
        fig, _ = new_figure(view_class.figsize)
        view_class(fig)
        assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine), view_class


def test_the_widest_content_comes_from_the_controls_ranges(monkeypatch):
    """Chapter 1's views lay out for the ends of the explorer's own controls (a slider
    made longer widens the layout with it), not for hand-typed maxima."""
    from dlskills.experiments.gradients import param_growth
    from dlskills.explorers import gradients
    from dlskills.functions import ACTIVATIONS
    from dlskills.messages import say
    from dlskills.views import new_figure
    from dlskills.views.gradients import GradientView, ParamGrowthView

    seen = []
    widest = GradientView.widest
    monkeypatch.setattr(GradientView, "widest",
                        lambda view, ranges: seen.append(ranges) or widest(view, ranges))
    gradients.GradientExplorer()
    (ranges,) = seen
    assert ranges["depth"] == (1, 50) and ranges["scale"] == pytest.approx((0.001, 100.0))
    assert ranges["activation"] == tuple(ACTIVATIONS.names())
    assert ranges["init"] == gradients.INIT_CHOICES

    view = GradientView(new_figure(GradientView.figsize)[0])
    assert view.widest({**ranges, "depth": (1, 80), "scale": (1e-4, 1.0)})
    assert view.ax.get_title(loc="left") == say("gradients.view.net_title", depth=80,
                                                activation="sigmoid", weights="N(0, 0.0001²)")
    view = ParamGrowthView(new_figure(ParamGrowthView.figsize)[0])
    assert view.widest({"input_size": (1, 2000), "width": (1, 60), "depth": (1, 12),
                        "biases": (False, True)})
    largest = param_growth(2000, 60, 12, biases=True)
    assert view.ax.get_ylim()[1] > largest.wide.max() > 2000 * 60 * 12
    assert view.title.get_text() == largest.finding
