"""Chapter 2: the MNIST comparison over several seeds (experiments.optimizers), and the
figure that shows its spread."""

import numpy as np
import pytest

import dlskills as dl
from dlskills.experiments import SeedSpread
from dlskills.experiments.optimizers import (FLOOR, OptimizerComparison, compare_optimizers,
                                             compare_over_seeds, compare_paths)
from dlskills.messages import say


def spread_of(losses):
    """A SeedSpread from name -> per-seed final losses (no training)."""
    n = len(next(iter(losses.values())))
    return SeedSpread(tuple(range(n)), [{k: dl.History(loss=[v[seed]], test_acc=[0.9])
                                         for k, v in losses.items()} for seed in range(n)])


def test_tiers_keep_only_the_order_that_held_in_every_seed():
    spread = spread_of({"sgd": [0.5, 0.6, 0.55], "adam": [0.04, 0.03, 0.05],
                        "adagrad": [0.03, 0.04, 0.04], "momentum": [0.1, 0.12, 0.11]})
    assert spread.tiers() == [["adagrad", "adam"], ["momentum"], ["sgd"]]
    finding = spread.finding
    assert finding.key == "optimizers.seeds.order_mixed"
    assert finding.values == {"n": 3, "order": "adagrad/adam < momentum < sgd",
                              "names": "adagrad/adam"}


def test_a_strict_order_has_no_mixed_tier():
    spread = spread_of({"a": [1.0, 1.0], "b": [2.0, 3.0], "c": [4.0, 3.5]})
    assert spread.tiers() == [["a"], ["b"], ["c"]]
    assert spread.finding.key == "optimizers.seeds.order"


def test_compare_over_seeds_trains_each_seed_and_reuses_done_runs():
    settings = dict(iterations=20, eval_samples=200)
    first = compare_optimizers(("sgd", "adam"), seed=0, **settings)
    assert isinstance(first, OptimizerComparison) and first.seed == 0
    spread = compare_over_seeds(("sgd", "adam"), seeds=(0, 1), done=[first], **settings)
    assert spread.runs[0] is first.histories       # not trained again
    loss, accuracy = spread.final("loss"), spread.final("test_acc")
    assert list(loss) == ["sgd", "adam"]
    for name in ("sgd", "adam"):
        assert loss[name][0] == first.histories[name].final_loss()
        assert accuracy[name][0] == first.test_accuracy(name)
        assert len(loss[name]) == len(accuracy[name]) == 2
    # another seed: other initial weights and batches, so other numbers
    assert loss["sgd"][0] != loss["sgd"][1]
    again = compare_optimizers(("sgd",), seed=1, **settings)
    assert again.histories["sgd"].loss == spread.runs[1]["sgd"].loss


def test_final_loss_averages_the_last_window():
    result = compare_optimizers(("momentum",), iterations=30, eval_samples=200)
    history = result.histories["momentum"]
    assert history.final_loss() == pytest.approx(np.mean(history.loss[-20:]))
    assert history.final_loss(5) == pytest.approx(np.mean(history.loss[-5:]))
    assert result.test_accuracy("momentum") == history.test_acc[-1]
    assert result.outcome("momentum").key == "optimizers.train.completed"


def test_seed_spread_figure_draws_every_run():
    from dlskills.views.optimizers import seed_spread_figure
    spread = spread_of({"sgd": [0.5, 0.6, 0.55], "adam": [0.04, 0.03, 0.05]})
    fig = seed_spread_figure(spread)
    loss_ax = fig.axes[0]
    dots = [line for line in loss_ax.get_lines() if line.get_marker() == "o"]
    assert sorted(len(line.get_xdata()) for line in dots) == [3, 3]
    assert [t.get_text() for t in loss_ax.get_xticklabels()] == ["sgd", "adam"]
    assert spread.finding in fig._suptitle.get_text()


def test_training_headline_names_the_lowest_loss_the_ratio_and_diverged_runs():
    def run(label, loss, status="completed"):
        return dl.History(loss=list(loss), status=status,
                          settings={"label": label, "epochs": 1.0})
    comparison = OptimizerComparison({"sgd": run("sgd lr=0.01", [2.0] * 30),
                                      "adam": run("adam lr=0.001", [0.5] * 30),
                                      "momentum": run("momentum lr=9", [1.0, np.inf],
                                                      status="diverged")})
    line, notes = comparison.headline.split("\n")
    assert line == say("optimizers.sep").join(
        [say("optimizers.fig.lowest_loss", label="adam lr=0.001", loss=0.5),
         say("optimizers.fig.times_higher", label="sgd lr=0.01", ratio=4.0)])
    assert notes == say("optimizers.fig.run_diverged", label="momentum lr=9")
    assert OptimizerComparison({}).headline == ""       # the button's text is the view's


def test_path_headline_names_the_lowest_run_and_the_step_each_diverged_at():
    result = compare_paths("ill_conditioned", names=("sgd", "adam"),
                           lrs={"sgd": 2.5, "adam": 0.3}, steps=40)
    sgd, adam = result.runs
    assert sgd.diverged_at is not None and adam.diverged_at is None
    assert result.headline == say("optimizers.sep").join(
        [say("optimizers.fig.lowest", steps=40, label=adam.label,
             gap=float(adam.values[-1]) - result.f_min),
         say("optimizers.fig.diverged",
             runs=say("optimizers.fig.diverged_run", label=sgd.label, step=sgd.diverged_at))])
    close = compare_paths("ill_conditioned", names=("sgd",), lrs={"sgd": 0.95}, steps=2000)
    assert close.headline == say("optimizers.fig.lowest_floor", steps=2000, label="sgd lr=0.95",
                                 floor=FLOOR)
    assert compare_paths("saddle", names=()).headline.key == "optimizers.outcome.none"
