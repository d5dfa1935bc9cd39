"""Chapter 4 in a real JupyterLab: run the notebook (once: it takes most of the time),
move the overfitting lab's dropout slider, press Run, and wait for the final status and
a new, inked figure; then move the batch-norm explorer's weight-scale slider.

Expected statuses are built from the message catalogue (the same sentences the
explorers say), never copied Chinese."""
import re

from dlskills.messages import say
from harness.lab import starts_with
from harness.statuses import settings_text as settings

NOTEBOOK = "04_regularization.ipynb"
RUN_TIMEOUT = 600
LAB = "overfitting"
BN = "batchnorm"


def finished(settings_text):
    """A status that starts with these settings and a completed run's finding."""
    return starts_with(say("explorer.result", settings=settings_text,
                           finding=say("training.status.completed")))


def press_run(settings_text):
    return starts_with(say("explorer.press_run", settings=settings_text))


def lab_settings(dropout):
    return settings(n_train=300, batchnorm=False, weight_decay=0.1, dropout=dropout,
                    epochs=100)


def test_chapter4_explorers_in_the_browser(notebook):
    page = notebook
    assert page.errors() == []
    # the notebook leaves the lab after the default run and a run with lambda = 0.1
    page.wait_status(LAB, finished(lab_settings(0)), timeout=120)
    assert page.figure_ink(LAB) > 0.02

    page.press_slider(LAB, "dropout")                        # 0 -> 0.05
    assert page.slider_value(LAB, "dropout") == "0.05"
    page.wait_status(LAB, press_run(lab_settings(0.05)))
    old = page.figure_src(LAB)

    page.click(LAB, "run")
    status = page.wait_status(LAB, finished(lab_settings(0.05)), timeout=400)
    finding = status.split(say("training.status.completed"), 1)[1]
    # train, validation and gap, in this order: the lab never shows the test set
    numbers = re.findall(r"-?\d+\.\d", finding)
    assert len(numbers) == 3
    assert abs(float(numbers[0]) - float(numbers[1]) - float(numbers[2])) < 0.15
    assert say("curves.split.test").split()[0] not in finding
    page.wait_new_figure(LAB, old)
    assert page.figure_ink(LAB) > 0.02

    # the batch-norm explorer redraws its histograms on a slider move, without Run
    bn = dict(activation="relu", batchnorm=True, epochs=4)
    page.wait_status(BN, finished(settings(weight_scale=0.01, **bn)))
    old = page.figure_src(BN)
    page.press_slider(BN, "weight_scale")                    # 10^-2 -> 10^-1.75
    page.wait_status(BN, press_run(settings(weight_scale=0.0178, **bn)))
    page.wait_new_figure(BN, old)
    assert page.figure_ink(BN) > 0.02
