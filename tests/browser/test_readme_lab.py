"""The README's first command, followed as a learner does: every image loads.

``jupyter lab notebooks/`` (the argument read from the README) run from the repository
root makes ``notebooks/`` the server root, so a markdown image that points outside it
(``../fig/x.png``) answers 404 there, though a server on a copied tree would find it.
This starts JupyterLab that way, in place (nothing is written into the checkout), opens
every notebook in ``notebooks/`` and ``notebooks/solutions/`` and checks that every
``<img>`` of the rendered notebook, markdown images included, has loaded. A self-test
on a two-image notebook proves the check catches an image outside the server root.
"""
import json
import re
import subprocess

import nbformat
import pytest

from harness.lab import REPO_ROOT, JupyterLab, NotebookPage, readme_served_folder

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]+\)|<img\s", re.IGNORECASE)

# Every <img> of the notebook, scrolled into view; done when all have settled
# (loaded or failed) and the markdown ones number at least `markdown`.
_IMAGES_SETTLED = """(markdown) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const images = [...panel.querySelectorAll('.jp-Cell img')];
  const inMarkdown = images.filter(img => img.closest('.jp-MarkdownCell'));
  if (inMarkdown.length < markdown) return false;
  for (const img of images) {
    if (!img.complete || !img.getAttribute('src')) { img.scrollIntoView(); return false; }
  }
  return true;
}"""

_IMAGES = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return [...panel.querySelectorAll('.jp-Cell img')].map(img => ({
    src: (img.getAttribute('src') || '').slice(0, 120),
    alt: img.getAttribute('alt') || '',
    loaded: img.complete && img.naturalWidth > 0,
    markdown: !!img.closest('.jp-MarkdownCell'),
  }));
}"""


def notebooks_in(folder):
    """Notebook paths relative to ``folder``: its own and those in solutions/."""
    found = sorted(folder.glob("*.ipynb")) + sorted(folder.glob("solutions/*.ipynb"))
    return [path.relative_to(folder).as_posix() for path in found]


def markdown_image_count(path):
    notebook = nbformat.read(path, as_version=4)
    return sum(len(_MARKDOWN_IMAGE.findall(cell.source)) for cell in notebook.cells
               if cell.cell_type == "markdown")


def images_of(page, lab, name, expected_markdown, timeout=60.0):
    """Open ``name`` and return its images (src, loaded, markdown) once all settled."""
    page.open(lab, name)
    page.page.wait_for_function(_IMAGES_SETTLED, arg=expected_markdown,
                                polling=200, timeout=timeout * 1000)
    page.page.wait_for_timeout(300)          # a late resolver rewrite settles too
    page.page.wait_for_function(_IMAGES_SETTLED, arg=expected_markdown,
                                polling=200, timeout=timeout * 1000)
    return page.page.evaluate(_IMAGES)


def snapshot(folder):
    """(path, size, mtime) of every file below ``folder``, ignored ones included."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if p.is_file() or p.is_dir())


def git_status(folder):
    done = subprocess.run(["git", "status", "--porcelain", "--ignored", "--", "."],
                          cwd=folder, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


@pytest.fixture(scope="module")
def readme_lab(chromium_browser):
    served = readme_served_folder()
    folder = REPO_ROOT / served
    before, status_before = snapshot(folder), git_status(folder)
    with JupyterLab(serve=served, cwd=REPO_ROOT) as server:
        yield server
    assert snapshot(folder) == before, f"the test wrote into {served}"
    assert git_status(folder) == status_before


def test_readme_serves_the_notebook_folder():
    assert (REPO_ROOT / readme_served_folder()).is_dir()


def test_every_image_loads_under_the_readme_command(readme_lab, browser_page):
    folder = readme_lab.notebook_dir
    names = notebooks_in(folder)
    assert len(names) >= 4, f"notebooks found: {names}"
    broken, seen = [], {}
    for name in names:
        expected = markdown_image_count(folder / name)
        images = images_of(browser_page, readme_lab, name, expected)
        seen[name] = (len(images), sum(image["markdown"] for image in images))
        broken += [f"{name}: {image['src']}" for image in images if not image["loaded"]]
        readme_lab.shutdown_kernels()
    assert not broken, "images that did not load:\n" + "\n".join(broken)
    assert any(markdown for _, markdown in seen.values()), f"no markdown image checked: {seen}"


def test_check_catches_an_image_outside_the_server_root(chromium_browser, tmp_path):
    """Self-test: an image beside the served folder (``../fig``) fails, one inside loads."""
    png = (REPO_ROOT / "notebooks" / "fig" / "lr1.png").read_bytes()
    # As the course figures once were: in <repo>/fig, beside the served folder. (JupyterLab
    # resolves ../fig/out.png from a notebook at the server root to /files/fig/out.png.)
    for path in (tmp_path / "fig" / "out.png", tmp_path / "notebooks" / "fig" / "in.png"):
        path.parent.mkdir(parents=True)
        path.write_bytes(png)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("inside: ![ok](fig/in.png)"),
        nbformat.v4.new_markdown_cell("outside: ![bad](../fig/out.png)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                "language": "python"}})
    nbformat.write(notebook, tmp_path / "notebooks" / "two_images.ipynb")
    page = NotebookPage.new(chromium_browser)
    try:
        with JupyterLab(serve="notebooks/", cwd=tmp_path) as server:
            images = images_of(page, server, "two_images.ipynb", 2)
            server.shutdown_kernels()
    finally:
        page.close()
    loaded = {image["alt"]: image["loaded"] for image in images}
    assert loaded == {"ok": True, "bad": False}, json.dumps(images)
