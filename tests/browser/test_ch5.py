"""Chapter 5 in a real JupyterLab: run the notebook, then in the deep-network lab tick
one more remedy (ReLU), move the depth slider, press Run, and wait for the final status
and a new, inked figure.

Expected statuses are built from the message catalogue, never copied Chinese."""
from dlskills.experiments.deep import REMEDIES
from dlskills.messages import say
from harness.lab import starts_with
from harness.statuses import settings_text

NOTEBOOK = "05_deep_network_lab.ipynb"
RUN_TIMEOUT = 900
LAB = "deep"


def lab_settings(depth, **ticked):
    return settings_text(**{remedy: ticked.get(remedy, False) for remedy in REMEDIES},
                         depth=depth, epochs=5)


def test_chapter5_lab_in_the_browser(notebook):
    page = notebook
    assert page.errors() == []
    # the notebook leaves the lab after residual alone, then residual + Adam
    done = lab_settings(30, adam=True, residual=True)
    page.wait_status(LAB, starts_with(say("explorer.result", settings=done,
                                          finding=say("training.status.completed"))),
                     timeout=120)
    assert page.figure_ink(LAB) > 0.02

    page.toggle(LAB, "relu")
    page.press_slider(LAB, "depth")                         # 30 -> 31
    assert page.slider_value(LAB, "depth") == "31"
    ready = lab_settings(31, relu=True, adam=True, residual=True)
    page.wait_status(LAB, starts_with(say("explorer.press_run", settings=ready)))
    old = page.figure_src(LAB)

    page.click(LAB, "run")
    page.wait_status(LAB, starts_with(say("explorer.result", settings=ready,
                                          finding=say("training.status.completed"))),
                     timeout=400)
    page.wait_new_figure(LAB, old)
    assert page.figure_ink(LAB) > 0.02
