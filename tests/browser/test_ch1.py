"""Chapter 1 in a real JupyterLab: run the notebook, move the explorers' controls, and
after each change wait for the status of exactly those settings and a newly drawn,
non-blank figure. Expected statuses are built from the message catalogue."""
from dlskills.messages import catalogue, say
from harness.lab import starts_with
from harness.statuses import settings_text

NOTEBOOK = "01_vanishing_exploding_gradients.ipynb"
RUN_TIMEOUT = 240
MIN_INK = 0.02


def status(finding_key=None, finding_head=None, **settings):
    """Pattern of a status: the settings (catalogue labels and values), then the start
    of the finding: the catalogue template ``finding_key`` up to its first value, or
    ``finding_head`` (a whole catalogue sentence)."""
    head = finding_head or (catalogue()[finding_key].split("{")[0] if finding_key else "")
    return starts_with(say("explorer.result", settings=settings_text(**settings), finding=head))


def gradients(depth, activation, init, scale=None, seed=0, finding_key=None):
    settings = dict(depth=depth, activation=activation, init=init, scale=scale, seed=seed)
    return status(finding_key, **{k: v for k, v in settings.items() if v is not None})


def test_gradient_explorer(notebook, tmp_path):
    nb = notebook
    assert nb.errors() == []
    # the notebook's last code-driven setting of the gradient explorer is the default one
    nb.wait_status("gradients", gradients(10, "sigmoid", "normal", "0.01",
                                          finding_key="gradients.finding.vanishing"),
                   timeout=60)
    assert nb.figure_ink("gradients") > MIN_INK

    nb.change_and_check(
        "gradients", lambda: nb.press_slider("gradients", "depth", "ArrowRight", times=2),
        gradients(12, "sigmoid", "normal", "0.01", finding_key="gradients.finding.vanishing"))
    assert nb.slider_value("gradients", "depth") == "12"

    nb.change_and_check(
        "gradients", lambda: nb.select("gradients", "activation", "relu"),
        gradients(12, "relu", "normal", "0.01", finding_key="gradients.finding.vanishing_size"))

    nb.change_and_check(
        "gradients", lambda: nb.select("gradients", "init", "he"),
        gradients(12, "relu", "he", finding_key="gradients.finding.stable"))

    nb.change_and_check(
        "gradients", lambda: nb.press_slider("gradients", "depth", "ArrowRight"),
        gradients(13, "relu", "he", finding_key="gradients.finding.stable"))
    assert nb.errors() == []
    nb.screenshot(tmp_path / "ch1_gradients.png", explorer="gradients")


def growth(width, deep, wide, biases):
    head = say("gradients.growth.head", width=width, deep=deep, wide=wide,
               bias=say("gradients.growth.with_biases") if biases else "")
    return status(finding_head=head, input_size=784, width=width, depth=2, biases=biases)


def test_depth_width_explorer(notebook):
    nb = notebook
    nb.wait_status("depth_width", growth(5, 25, 3920, biases=False))
    nb.change_and_check(
        "depth_width", lambda: nb.press_slider("depth_width", "width", "ArrowRight"),
        growth(6, 36, 784 * 6, biases=False))
    nb.change_and_check(
        "depth_width", lambda: nb.toggle("depth_width", "biases"),
        growth(6, 42, 784 * 6 + 6, biases=True))
    assert nb.errors() == []


def test_code_button_shows_the_code(notebook, tmp_path):
    """The code button opens a text box with the code of what is shown; moving a control
    changes the code, the status and the figure as before; a second click hides it."""
    nb = notebook
    nb.wait_status("depth_width", growth(5, 25, 3920, biases=False))
    nb.click("depth_width", "code")
    box = nb.explorer("depth_width").locator(".dlskills-code textarea")
    box.wait_for(state="visible", timeout=30_000)
    nb.page.wait_for_function("(el) => el.value.includes('param_growth(')",
                              arg=box.element_handle(), timeout=30_000)
    assert "width=5," in box.input_value()
    nb.change_and_check(
        "depth_width", lambda: nb.press_slider("depth_width", "width", "ArrowRight"),
        growth(6, 36, 784 * 6, biases=False))
    nb.page.wait_for_function("(el) => el.value.includes('width=6,')",
                              arg=box.element_handle(), timeout=30_000)
    nb.screenshot(tmp_path / "ch1_code.png", explorer="depth_width")
    nb.click("depth_width", "code")
    box.wait_for(state="hidden", timeout=30_000)
    assert nb.errors() == []
