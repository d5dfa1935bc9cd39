"""Chapter 1 in a real JupyterLab: run the notebook, move the explorers' controls, and
after each change wait for the status of exactly those settings and a newly drawn,
non-blank figure."""
import pytest

from tests.browser.lab import starts_with as settings_status

NOTEBOOK = "01_vanishing_exploding_gradients.ipynb"
# the notebook's last code-driven setting of the gradient explorer is the default one
DEFAULT = "depth=10 activation=sigmoid init=normal scale=0.01 seed=0 -> "
MIN_INK = 0.02


@pytest.fixture
def notebook(browser_page, lab):
    browser_page.open(lab, NOTEBOOK)
    browser_page.run_all(timeout=240)
    return browser_page


def test_gradient_explorer(notebook, tmp_path):
    nb = notebook
    assert nb.errors() == []
    nb.wait_status("gradients", settings_status(DEFAULT), timeout=60)
    assert nb.figure_ink("gradients") > MIN_INK

    status = nb.change_and_check(
        "gradients", lambda: nb.press_slider("gradients", "depth", "ArrowRight", times=2),
        settings_status("depth=12 activation=sigmoid init=normal scale=0.01 seed=0 "
                        "-> vanishing"))
    assert nb.slider_value("gradients", "depth") == "12"
    assert "of the output layer's gradient" in status

    nb.change_and_check(
        "gradients", lambda: nb.select("gradients", "activation", "relu"),
        settings_status("depth=12 activation=relu init=normal scale=0.01 seed=0 "
                        "-> vanishing: gradient norms"))

    nb.change_and_check(
        "gradients", lambda: nb.select("gradients", "init", "he"),
        settings_status("depth=12 activation=relu init=he seed=0 -> stable"))

    nb.change_and_check(
        "gradients", lambda: nb.press_slider("gradients", "depth", "ArrowRight"),
        settings_status("depth=13 activation=relu init=he seed=0 -> stable"))
    assert nb.errors() == []
    nb.screenshot(tmp_path / "ch1_gradients.png", explorer="gradients")


def test_depth_width_explorer(notebook):
    nb = notebook
    nb.wait_status("depth_width", settings_status(
        "input_size=784 width=5 depth=2 biases=True -> 5 more units: deeper +30,"))
    nb.change_and_check(
        "depth_width", lambda: nb.press_slider("depth_width", "width", "ArrowRight"),
        settings_status("input_size=784 width=6 depth=2 biases=True "
                        "-> 6 more units: deeper +42,"))
    nb.change_and_check(
        "depth_width", lambda: nb.toggle("depth_width", "biases"),
        settings_status("input_size=784 width=6 depth=2 biases=False "
                        "-> 6 more units: deeper +36,"))
    assert nb.errors() == []
