"""Chapter 3 in a real JupyterLab: run the notebook, then change the initializer, the
activation and the depth of the initialization explorer; after each change the exact
status and a new, inked figure must appear."""
import os
import re
from pathlib import Path

import pytest

NOTEBOOK = "03_initialization.ipynb"
EXPLORER = "initialization"
SHOTS = Path(__file__).resolve().parent / "artifacts"


def settings_status(init, scale, activation, depth, width=100, seed=0):
    """The exact beginning of the explorer's status for these settings."""
    text = (f"init={init} ({scale}) activation={activation} depth={depth} "
            f"width={width} seed={seed} | ")
    return re.compile("^" + re.escape(text))


@pytest.fixture
def chapter3(browser_page, lab):
    browser_page.open(lab, NOTEBOOK)
    browser_page.run_all(timeout=600)       # the notebook trains three MNIST networks
    return browser_page


def test_initializer_and_activation_redraw(chapter3):
    nb = chapter3
    # the notebook's own cell drove the explorer to He + ReLU, 20 layers
    nb.wait_status(EXPLORER, settings_status("he_normal", "std 0.141 by formula", "relu", 20))
    assert nb.figure_ink(EXPLORER) > 0.05

    seconds = nb.time_change(lambda: nb.select(EXPLORER, "init", "normal"), EXPLORER,
                             settings_status("normal", "std 1", "relu", 20))
    assert nb.control(EXPLORER, "std").locator(".noUi-target[disabled]").count() == 0
    assert "activations overflow" not in nb.status_text(EXPLORER)
    assert nb.figure_ink(EXPLORER) > 0.05

    seconds += nb.time_change(lambda: nb.select(EXPLORER, "activation", "sigmoid"), EXPLORER,
                              settings_status("normal", "std 1", "sigmoid", 20))
    seconds += nb.time_change(lambda: nb.press_slider(EXPLORER, "depth", "ArrowLeft", times=15),
                              EXPLORER, settings_status("normal", "std 1", "sigmoid", 5))
    seconds += nb.time_change(lambda: nb.select(EXPLORER, "init", "xavier_uniform"), EXPLORER,
                              settings_status("xavier_uniform", "bound 0.173 by formula",
                                              "sigmoid", 5))
    for key in ("std", "bound", "value"):     # Xavier has no free scale: all three greyed
        assert nb.control(EXPLORER, key).locator(".noUi-target[disabled]").count() == 1, key
    assert "saturated" not in nb.status_text(EXPLORER)
    print(f"mean seconds from input to new status and inked figure: {seconds / 4:.2f}")

    trainer = nb.status_text("init-training")
    assert re.match(r"^activation=relu std=0\.01 iterations=400 lr=0\.01 seed=0 \| "
                    r"normal std 0\.01: loss 2\.3\d", trainer), trainer
    assert nb.figure_ink("init-training") > 0.03
    assert nb.errors() == []
    if os.environ.get("DLSKILLS_SCREENSHOTS"):
        nb.screenshot(SHOTS / "ch3_explorer.png", explorer=EXPLORER)
        nb.screenshot(SHOTS / "ch3_trainer.png", explorer="init-training")
