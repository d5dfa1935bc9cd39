"""Chapter 4 in a real JupyterLab: run the notebook (once: it takes most of the time),
move the overfitting lab's dropout slider, press Run, and wait for the final status and
a new, inked figure; then move the batch-norm explorer's weight-scale slider."""
import re

NOTEBOOK = "04_regularization.ipynb"
LAB = "overfitting"


def test_chapter4_explorers_in_the_browser(lab, browser_page):
    page = browser_page
    page.open(lab, NOTEBOOK)
    page.run_all(timeout=400)
    # the notebook leaves the lab after a 20-epoch run with dropout p = 0.1
    page.wait_status(LAB, re.compile(r"dropout=0\.1 epochs=20: completed, train "))
    assert page.figure_ink(LAB) > 0.02

    page.press_slider(LAB, "dropout")                        # 0.1 -> 0.15
    assert page.slider_value(LAB, "dropout") == "0.15"
    page.wait_status(LAB, "dropout=0.15 epochs=20: press Run to train")
    old = page.figure_src(LAB)

    page.click(LAB, "run")
    page.wait_status(LAB, re.compile(
        r"dropout=0\.15 epochs=20: completed, train \d+\.\d% test \d+\.\d% gap -?\d+\.\d points"),
        timeout=180)
    page.wait_new_figure(LAB, old)
    assert page.figure_ink(LAB) > 0.02

    # the batch-norm explorer redraws its histograms on a slider move, without Run
    page.wait_status("batchnorm", re.compile(r"weight_scale=0\.01 .*: completed"))
    old = page.figure_src("batchnorm")
    page.press_slider("batchnorm", "weight_scale")           # 10^-2 -> 10^-1.75
    page.wait_status("batchnorm", re.compile(r"weight_scale=0\.0178 .*press Run to train"))
    page.wait_new_figure("batchnorm", old)
    assert page.figure_ink("batchnorm") > 0.02
