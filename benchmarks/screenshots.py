"""Screenshots of every chapter notebook after Run All, as a learner following the README
sees it (not a test): ``python benchmarks/screenshots.py [--solutions] [--out DIR]``.

Starts JupyterLab as the README's first command does (``jupyter lab notebooks/`` from the
repository root, in place: autosave off, checkpoints in a temp folder, so nothing is
written into the checkout), opens each notebook in headless Chromium, runs all cells,
waits until the kernel is idle, and saves

- ``<notebook>.png``: the whole notebook, stitched from one screenshot per screenful;
- ``<notebook>__<explorer>.png``: each explorer (widget app) of the notebook.

into ``benchmarks/results/screenshots/`` and prints their paths, with any cell error.
"""
import argparse
import io
import sys
import time
from pathlib import Path

if __package__:                               # python -m benchmarks.screenshots
    from . import _common as bench
else:                                         # python benchmarks/screenshots.py
    import _common as bench

from harness.lab import JupyterLab, NotebookPage, chromium, readme_served_folder  # noqa: E402

OUT = bench.REPO / "benchmarks" / "results" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}
SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"

_EXPLORERS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .dlskills-explorer')].map(el =>
  [...el.classList].find(c => c.startsWith('dlskills-explorer-')).slice('dlskills-explorer-'.length))"""


def full_notebook(nb, path, scroller=SCROLLER):
    """Scroll the notebook (the element ``scroller``, a CSS selector) a screenful at a time
    and stitch the shots into one PNG."""
    from PIL import Image

    box = nb.page.locator(scroller).first.bounding_box()
    height = nb.page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
    parts, top = [], 0
    while True:
        actual = nb.page.evaluate(
            f"(y) => {{ const s = document.querySelector('{scroller}'); s.scrollTop = y; "
            f"return s.scrollTop; }}", top)
        nb.page.wait_for_timeout(400)            # offscreen cells render, images decode
        shot = Image.open(io.BytesIO(nb.page.screenshot(clip=box)))
        parts.append((actual, shot))
        height = nb.page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
        if actual + box["height"] >= height - 1 or actual < top:
            break
        top += int(box["height"]) - 2          # overlap: each shot's top row is a border
    scale = parts[0][1].height / box["height"]
    total = int(round((parts[-1][0] + box["height"]) * scale))
    page = Image.new("RGB", (parts[0][1].width, total), "white")
    for k, (offset, shot) in enumerate(parts):
        skip = 0 if k == 0 else int(round(scale))
        page.paste(shot.crop((0, skip, shot.width, shot.height)),
                   (0, int(round(offset * scale)) + skip))
    page.save(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--solutions", action="store_true",
                        help="also the notebooks in notebooks/solutions/")
    parser.add_argument("--only", help="only notebooks whose name contains this")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per Run All")
    args = parser.parse_args(argv)
    served = readme_served_folder()
    folder = bench.REPO / served
    names = [p.name for p in sorted(folder.glob("*.ipynb"))]
    if args.solutions:
        names += [f"solutions/{p.name}" for p in sorted(folder.glob("solutions/*.ipynb"))]
    if args.only:
        names = [name for name in names if args.only in name]
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"jupyter lab {served} (cwd {bench.REPO}); {bench.load_text()}", flush=True)
    failures = 0
    with JupyterLab(serve=served, cwd=bench.REPO, startup_timeout=120) as lab, \
            chromium() as browser:
        for name in names:
            stem = name.replace("/", "__").removesuffix(".ipynb")
            nb = NotebookPage.new(browser, viewport=VIEWPORT)
            try:
                started = time.perf_counter()
                nb.open(lab, name, timeout=180)
                nb.run_all(timeout=args.timeout, raise_on_error=False)
                errors = nb.errors()
                nb.wait_idle(timeout=120, quiet=1.0)
                seconds = time.perf_counter() - started
                path = full_notebook(nb, args.out / f"{stem}.png")
                print(f"{path}  (Run All + idle: {seconds:.0f} s)", flush=True)
                found = nb.page.evaluate(_EXPLORERS)
                for k, explorer in enumerate(found):
                    nth = found[:k].count(explorer)        # a chapter may show one twice
                    suffix = f"_{nth + 1}" if found.count(explorer) > 1 else ""
                    shot = args.out / f"{stem}__{explorer}{suffix}.png"
                    nb.explorer(explorer).nth(nth).screenshot(path=str(shot))
                    print(f"{shot}", flush=True)
                for error in errors:
                    failures += 1
                    print(f"  CELL ERROR in {name}: {error[-500:]}", flush=True)
            finally:
                nb.close()
                lab.shutdown_kernels()
    print(bench.load_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
