"""Screenshots of each chapter's lecture page in Voilà, and how long each takes to come up
(not a test): ``python benchmarks/voila_screenshots.py [--chapters 01 04] [--repeat N]``.

Starts Voilà as the README says (``python tools/lecture.py notebooks/<chapter>.ipynb`` in
the repository root, ``harness/voila.py``), opens the page in headless Chromium at a projector's
1920x1080, waits for every explorer, and saves into ``benchmarks/results/voila/``:

- ``<chapter>__<W>x<H>.png``: the whole page at that window width (stitched);
- ``<chapter>__<W>x<H>__<n>_<explorer>.png``: one screenful with the n-th explorer
  scrolled to the top, as the class sees it;

first at 1920x1080, then the same page resized to 1280x720. ``--repeat N`` starts each
chapter N times more without screenshots, to count starts that stall (a stall is
reported, never retried; so is a page showing an error, e.g. "model not found", with the
widget it could not find). Prints the seconds to the page and to the drawn explorers,
the widgets the page shows but its widget manager could not find, and the requests to
other hosts.
"""
import argparse
import sys
import time
from pathlib import Path

if __package__:                               # python -m benchmarks.voila_screenshots
    from . import _common as bench
    from .screenshots import full_notebook
else:                                         # python benchmarks/voila_screenshots.py
    import _common as bench
    from screenshots import full_notebook

from harness import course  # noqa: E402
from harness.lab import LabTimeout, chromium  # noqa: E402
from harness.voila import Voila, VoilaPage, VoilaStalled, shown_explorers  # noqa: E402

OUT = bench.REPO / "benchmarks" / "results" / "voila"
SIZES = ((1920, 1080), (1280, 720))


def chapters(prefixes):
    found = course.chapters()
    if prefixes:
        found = [p for p in found if any(p.name.startswith(x) for x in prefixes)]
    return [p.name for p in found]


# The element that scrolls the page (the lab template scrolls the body, not the window).
_SCROLLER = """() => {
  for (const selector of ['body', '#rendered_cells', 'html']) {
    const el = document.querySelector(selector);
    if (el && el.scrollHeight > el.clientHeight + 10
        && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY)) return selector;
  }
  return 'html';
}"""


def screenshots(page, name, out):
    paths = []
    names = page.explorer_names()
    for width, height in SIZES:
        page.page.set_viewport_size({"width": width, "height": height})
        page.page.wait_for_timeout(1500)                 # relayout, images rescale
        paths.append(full_notebook(page, out / f"{name[:-6]}__{width}x{height}.png",
                                   page.page.evaluate(_SCROLLER)))
        for n, explorer in enumerate(names):
            page.page.evaluate(
                "(n) => document.querySelector(`.dlskills-explorer[data-dlskills-n=\"${n}\"]`)"
                ".scrollIntoView({block: 'start'})", n)
            page.page.wait_for_timeout(500)
            paths.append(page.screenshot(
                out / f"{name[:-6]}__{width}x{height}__{n}_{explorer}.png"))
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", default=[], help="name prefixes, e.g. 01 04")
    parser.add_argument("--repeat", type=int, default=0,
                        help="extra starts per chapter, timed only (counts stalls)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--stall", type=float, default=120.0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(bench.load_text())
    starts, stalls, failed = 0, [], []
    with chromium() as browser:
        for name in chapters(args.chapters):
            for attempt in range(1 + args.repeat):
                starts += 1
                began = time.monotonic()
                width, height = SIZES[0]
                page = VoilaPage.new(browser, viewport={"width": width, "height": height})
                server = None
                try:
                    page.lab = server = Voila(name).start()
                    page.open(server, explorers=shown_explorers(name), timeout=args.timeout,
                              stall=args.stall)
                    print(f"{name} start {attempt + 1}: page {page.timings['executed']:.1f} s, "
                          f"explorers {page.timings['explorers']:.1f} s; "
                          f"errors on the page: {page.errors() or 'none'}; widgets not "
                          f"restorable: {page.widgets_not_restored() or 'none'}; requests "
                          f"to other hosts: {page.external_requests() or 'none'}")
                    if attempt == 0:
                        for path in screenshots(page, name, args.out):
                            print("   ", path)
                except VoilaStalled as error:
                    stalls.append(f"{name} start {attempt + 1}")
                    print(f"{name} start {attempt + 1}: STALLED after "
                          f"{time.monotonic() - began:.0f} s\n{error}")
                except LabTimeout as error:            # an error shown, or the timeout
                    failed.append(f"{name} start {attempt + 1}")
                    print(f"{name} start {attempt + 1}: FAILED after "
                          f"{time.monotonic() - began:.0f} s\n{error}")
                finally:
                    page.close()
                    if server is not None:
                        server.stop()
    print(f"{len(stalls)} stalled of {starts} starts{': ' + ', '.join(stalls) if stalls else ''}")
    print(f"{len(failed)} failed (an error on the page) of {starts} starts"
          f"{': ' + ', '.join(failed) if failed else ''}")
    print(bench.load_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
