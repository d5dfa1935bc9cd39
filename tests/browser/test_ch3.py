"""Chapter 3 in a real JupyterLab: run the notebook, then change the initializer, the
activation and the depth of the initialization explorer; after each change the exact
status and a new, inked figure must appear. Statuses are built from the catalogue."""
import os
from pathlib import Path

from dlskills.messages import say
from harness.statuses import init_status as settings_status, settings_text

NOTEBOOK = "03_initialization.ipynb"
RUN_TIMEOUT = 600          # the notebook trains three MNIST networks
EXPLORER = "initialization"
SHOTS = Path(__file__).resolve().parent / "artifacts"


def test_initializer_and_activation_redraw(notebook):
    nb = notebook
    # the notebook opens the explorer at sigmoid + normal(std 1), 5 layers (its text says so)
    nb.wait_status(EXPLORER, settings_status("normal", "sigmoid", 5))
    assert nb.figure_ink(EXPLORER) > 0.05

    seconds = nb.time_change(lambda: nb.select(EXPLORER, "init", "he_normal"), EXPLORER,
                             settings_status("he_normal", "sigmoid", 5))
    for key in ("std", "bound", "value"):     # He has no free scale: all three greyed
        assert nb.control(EXPLORER, key).locator(".noUi-target[disabled]").count() == 1, key
    seconds += nb.time_change(lambda: nb.select(EXPLORER, "activation", "relu"), EXPLORER,
                              settings_status("he_normal", "relu", 5))
    seconds += nb.time_change(lambda: nb.press_slider(EXPLORER, "depth", "ArrowRight",
                                                      times=15),
                              EXPLORER, settings_status("he_normal", "relu", 20))
    assert say("init.ratio.overflow") not in nb.status_text(EXPLORER)
    seconds += nb.time_change(lambda: nb.select(EXPLORER, "init", "normal"), EXPLORER,
                              settings_status("normal", "relu", 20))
    assert nb.control(EXPLORER, "std").locator(".noUi-target[disabled]").count() == 0
    assert nb.figure_ink(EXPLORER) > 0.05
    print(f"mean seconds from input to new status and inked figure: {seconds / 4:.2f}")

    # the trainer was trained by the notebook: its status names the runs it drew
    trainer = nb.status_text("init-training")
    done = settings_text(activation="relu", std=0.01, iterations=400, lr=0.01, seed=0)
    assert trainer.startswith(say("explorer.result", settings=done, finding="")), trainer
    assert say("init.run.loss", label=say("init.label.normal", std=0.01),
               loss=2.30) in trainer, trainer
    assert nb.figure_ink("init-training") > 0.03
    assert nb.errors() == []
    if os.environ.get("DLSKILLS_SCREENSHOTS"):
        nb.screenshot(SHOTS / "ch3_explorer.png", explorer=EXPLORER)
        nb.screenshot(SHOTS / "ch3_trainer.png", explorer="init-training")
