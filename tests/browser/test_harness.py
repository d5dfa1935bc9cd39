"""Self-test of the browser harness on a tiny notebook of plain ipywidgets.

The notebook follows the explorer DOM-class contract (see lab.py) without
importing dlskills, so this proves the harness before the chapters use it:
a real JupyterLab runs it in Chromium, the test moves a slider and picks a
dropdown option, and after each change waits for the exact status text and a
new image that is actually drawn. A second explorer draws an empty,
transparent image on change: the harness must see that as blank.
"""
import re
import sys

import nbformat
import pytest

from harness.lab import JupyterLab, NotebookPage

SETUP = '''\
import io
import sys

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure


def png(n, kind, blank=False):
    """PNG bytes, drawn with the object API (no pyplot in widget callbacks)."""
    fig = Figure(figsize=(6, 3.5), dpi=80)
    if blank:
        fig.patch.set_alpha(0.0)
    else:
        ax = fig.subplots()
        x = np.linspace(0, 1, 200)
        y = x ** n if kind == "a" else np.sin(2 * np.pi * n * x)
        ax.plot(x, y, linewidth=3)
        ax.set_title(f"n={n} kind={kind}")
        ax.set_xlabel("x")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def explorer(name, blank_on_change=False):
    n = widgets.IntSlider(value=3, min=1, max=9, description="n")
    n.add_class("dlskills-control-n")
    kind = widgets.Dropdown(options=["a", "b"], value="a", description="kind")
    kind.add_class("dlskills-control-kind")
    status = widgets.HTML()
    status.add_class("dlskills-status")
    image = widgets.Image(format="png")
    image.add_class("dlskills-figure")

    def update(change=None):
        image.value = png(n.value, kind.value, blank=blank_on_change and change is not None)
        status.value = f"<b>n={n.value}</b> kind={kind.value}"

    n.observe(update, "value")
    kind.observe(update, "value")
    update()
    root = widgets.VBox([widgets.HBox([n, kind]), status, image])
    root.add_class("dlskills-explorer")
    root.add_class(f"dlskills-explorer-{name}")
    return root
'''


def build_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Harness self-test\n\n中文说明：浏览器测试的自检。"),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell('print("kernel python:", sys.executable)'),
        nbformat.v4.new_code_cell('explorer("selftest")'),
        nbformat.v4.new_code_cell('explorer("blank", blank_on_change=True)'),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "selftest.ipynb")


@pytest.fixture(scope="module")
def tiny_lab(tmp_path_factory, chromium_browser):
    folder = tmp_path_factory.mktemp("harness") / "notebooks"
    build_notebook(folder)
    with JupyterLab(folder) as server:
        yield server


@pytest.fixture(scope="module")
def notebook(chromium_browser, tiny_lab):
    """The self-test notebook, opened and run once for this module's tests
    (each test uses its own explorer)."""
    page = NotebookPage.new(chromium_browser)
    try:
        page.open(tiny_lab, "selftest.ipynb")
        page.run_all()
        yield page
    finally:
        page.close()
        tiny_lab.shutdown_kernels()


def test_kernel_is_this_interpreter(tiny_lab):
    spec = tiny_lab.api("GET", "kernelspecs")["kernelspecs"]["python3"]["spec"]
    assert spec["argv"][0] == sys.executable


def test_slider_and_dropdown_redraw(notebook, tmp_path):
    nb = notebook
    assert nb.wait_status("selftest", "n=3 kind=a") == "n=3 kind=a"
    assert nb.page.get_by_text(f"kernel python: {sys.executable}").count() == 1
    first = nb.figure_src("selftest")
    assert first.startswith("blob:")
    assert nb.figure_ink("selftest") > 0.02

    nb.press_slider("selftest", "n")
    assert nb.wait_status("selftest", re.compile(r"^n=4 kind=a$")) == "n=4 kind=a"
    second = nb.wait_new_figure("selftest", first)
    assert nb.figure_ink("selftest") > 0.02
    assert nb.slider_value("selftest", "n") == "4"

    nb.select("selftest", "kind", "b")
    assert nb.wait_status("selftest", "n=4 kind=b") == "n=4 kind=b"
    nb.wait_new_figure("selftest", second)
    assert nb.figure_ink("selftest") > 0.02

    seconds = nb.time_change(lambda: nb.press_slider("selftest", "n", "ArrowLeft", times=2),
                             "selftest", "n=2 kind=b")
    assert 0 < seconds < 30
    print(f"key press -> new status and inked figure: {seconds:.3f} s")
    assert nb.errors() == []
    nb.screenshot(tmp_path / "selftest.png")


def test_blank_figure_is_seen_as_blank(notebook):
    nb = notebook
    nb.wait_status("blank", "n=3 kind=a")
    before = nb.figure_src("blank")
    assert nb.figure_ink("blank") > 0.02
    nb.press_slider("blank", "n")
    nb.wait_status("blank", "n=4 kind=a")
    nb.wait_new_figure("blank", before)
    assert nb.figure_ink("blank") < 0.001
    with pytest.raises(AssertionError, match="new inked figure"):
        nb.time_change(lambda: nb.press_slider("blank", "n"), "blank", "n=5 kind=a", timeout=2)


def test_failed_cell_is_reported(browser_page, tiny_lab):
    broken = nbformat.v4.new_notebook()
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    broken.cells = [nbformat.v4.new_code_cell("1 / 0"), nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(broken, tiny_lab.notebook_dir / "broken.ipynb")
    browser_page.open(tiny_lab, "broken.ipynb")
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        browser_page.run_all()
