"""Chapter 2 in a real JupyterLab: run the notebook, then change the optimizer
playground's optimizers and learning rate; after each change wait for the exact status
of those settings and a newly drawn, non-blank figure.

The expected status texts are computed here with the same explorer class, so they are
exactly what the kernel must show (the numbers of the paths included); what they say is
checked by message key and values."""
import pytest

from dlskills.experiments.optimizers import OPTIMIZER_NAMES
from dlskills.explorers.optimizers import OptimizerPlayground
from harness.lab import exactly
from harness.statuses import settings_text

NOTEBOOK = "02_optimizers.ipynb"
RUN_TIMEOUT = 300
EXPLORER = "optimizer_playground"
MIN_INK = 0.03

# the notebook's last code-driven setting of the playground
FINAL = dict(surface="ill_conditioned", optimizers=OPTIMIZER_NAMES, tuned_lr=True, lr=0.1,
             steps=30, schedule="none", noise=0.0)


def status_for(**settings):
    """The status the playground shows for these settings (computed in this process)."""
    return OptimizerPlayground(**settings).status


def outcome_for(**settings):
    """(key, values) of the single run's outcome for these settings."""
    result = OptimizerPlayground(**settings).result
    (said,) = [run.outcome(result.f_min) for run in result.runs]
    return said.key, said.values


def change_and_check(nb, action, settings):
    """Do ``action``; wait for the status of ``settings`` and a new inked figure."""
    return nb.change_and_check(EXPLORER, action, exactly(status_for(**settings)),
                               min_ink=MIN_INK)


def test_playground_optimizer_and_learning_rate(notebook, tmp_path):
    nb = notebook
    assert nb.errors() == []
    first = nb.wait_status(EXPLORER, exactly(status_for(**FINAL)), timeout=60)
    assert nb.figure_ink(EXPLORER) > MIN_INK

    # one optimizer instead of five: only its path and curve are left
    only_momentum = {**FINAL, "optimizers": ("momentum",)}
    second = change_and_check(nb, lambda: nb.select(EXPLORER, "optimizers", "momentum"),
                              only_momentum)
    key, values = outcome_for(**only_momentum)
    assert key == "optimizers.outcome.gap" and values["gap"] == pytest.approx(0.048, abs=1e-3)
    assert second != first

    # one learning rate for all (0.1 for momentum too: same path), then a larger one
    shared = {**only_momentum, "tuned_lr": False}
    change_and_check(nb, lambda: nb.toggle(EXPLORER, "tuned_lr"), shared)
    larger = {**shared, "lr": 10 ** -0.95}           # one slider step (0.05 in log10)
    third = change_and_check(nb, lambda: nb.press_slider(EXPLORER, "lr", "ArrowRight"), larger)
    lr_said = settings_text(lr=0.112)
    assert lr_said in third and third != second
    assert nb.slider_value(EXPLORER, "lr") == "0.112"

    # SGD at a learning rate where it diverges: a status, not an error
    nb.select(EXPLORER, "optimizers", "sgd")
    nb.wait_status(EXPLORER, exactly(status_for(**{**larger, "optimizers": ("sgd",)})))
    diverging = {**larger, "optimizers": ("sgd",), "lr": 10 ** 0.1}
    status = change_and_check(
        nb, lambda: nb.press_slider(EXPLORER, "lr", "ArrowRight", times=21), diverging)
    assert outcome_for(**diverging)[0] == "optimizers.outcome.diverged"
    assert status == status_for(**diverging)
    assert nb.errors() == []
    nb.screenshot(tmp_path / "ch2_playground.png", explorer=EXPLORER)
