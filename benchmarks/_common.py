"""What the benchmark scripts share (not a script itself).

Importing this module puts the repository first on ``sys.path`` (so ``dlskills`` is this
checkout's, and ``harness.lab`` is importable) and makes matplotlib draw off screen
in this process. Then:

- ``parser`` / ``run``: the command line every latency script takes (``-n``,
  ``--only kernel|browser``, ``--screenshots``) and the kernel part, then the browser
  part, with the load average printed before and after each;
- ``time_changes``: wall and CPU time of ``explorer.set(...)`` changes in this process;
- ``lab_page``: JupyterLab + headless Chromium (``harness/lab.py``) with a notebook
  open (``explorer_notebook``: a notebook folder holding one explorer alone);
  ``time_slider``: alternate key presses on a slider, each timed from the key press
  to the new status and a new inked image; ``screenshots``;
- ``report``: median, p95, min and max of a series, against a median target.

The scripts import it as ``import _common as bench`` (run as ``python benchmarks/x.py``)
or ``from . import _common as bench`` (run as ``python -m benchmarks.x``).
"""
import argparse
import contextlib
import os
import sys
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if sys.path[0] != str(REPO):
    sys.path.insert(0, str(REPO))
# Explorers timed in this process draw off screen. JupyterLab's kernels (harness/lab.py)
# and ch2's nbconvert run drop MPLBACKEND, so they still use the inline backend.
os.environ["MPLBACKEND"] = "Agg"

KERNEL_MS = 150      # median target: a change -> the finished new figure, in the kernel
BROWSER_MS = 400     # median target: the user's input -> the new figure shown in JupyterLab
LABEL_WIDTH = 36


def load_text():
    """The load average and what bears on it, for the reader of noisy numbers."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"load average {load} on {os.cpu_count()} cores; "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")


# --- figures --------------------------------------------------------------------------

def stats(seconds):
    """Median, p95 (numpy's linear interpolation), min and max in seconds, and n."""
    values = np.asarray(seconds, dtype=float)
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95)),
            "min": float(values.min()), "max": float(values.max()), "n": int(values.size)}


def report(label, seconds, target_ms=None, cpu=None):
    """Print one series in ms: median, p95, min, max and, with ``target_ms``, whether the
    median meets it; with ``cpu`` (CPU seconds of this process per change), their median
    and p95 on a second line. Returns ``stats(seconds)``."""
    figures = stats(seconds)
    ms = {key: 1000 * figures[key] for key in ("median", "p95", "min", "max")}
    line = (f"{label:{LABEL_WIDTH}s} n={figures['n']:3d}  median {ms['median']:6.0f} ms  "
            f"p95 {ms['p95']:6.0f} ms  min {ms['min']:6.0f} ms  max {ms['max']:6.0f} ms")
    if target_ms is not None:
        verdict = "meets" if ms["median"] <= target_ms else "MISSES"
        line += f"  ({verdict} the {target_ms} ms median target)"
    print(line)
    if cpu is not None:
        cpu_ms = stats(cpu)
        print(f"{'':{LABEL_WIDTH}s} CPU time of this process per change: median "
              f"{1000 * cpu_ms['median']:.0f} ms, p95 {1000 * cpu_ms['p95']:.0f} ms "
              f"(on an idle machine, about the wall time, or more if it uses several threads)")
    return figures


# --- kernel ---------------------------------------------------------------------------

def time_changes(explorer, changes, n):
    """Do ``explorer.set(**change)`` ``n`` times, cycling through ``changes`` (each should
    differ from the one before, so that every set redraws). Returns (wall, cpu) seconds."""
    wall, cpu = [], []
    for i in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        explorer.set(**changes[i % len(changes)])
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert explorer.error is None, explorer.status
    return wall, cpu


def time_training(explorer, n, prefix):
    """Press Run ``n`` times on a training explorer; report the time to the first live
    redraw and to the end, the redraws per run, then the cost of redrawing a frame (live
    and final frames are drawn alike, layout frozen). Returns {label: stats}."""
    first, totals, redraws = [], [], []
    for _ in range(n):
        start, before = time.perf_counter(), explorer.redraws
        explorer.run(wait=False)
        while explorer.redraws == before and explorer.running:
            time.sleep(0.002)
        first.append(time.perf_counter() - start)
        explorer.wait()
        totals.append(time.perf_counter() - start)
        redraws.append(explorer.redraws - before)
    out = {f"{prefix}_first_live_redraw": report(f"{prefix}_first_live_redraw", first),
           f"{prefix}_total_run": report(f"{prefix}_total_run", totals),
           f"{prefix}_redraws_per_run": statistics.median(redraws)}
    print(f"{prefix + '_redraws_per_run':{LABEL_WIDTH}s} median "
          f"{out[prefix + '_redraws_per_run']:g}")
    frames = []         # a live frame and the final one take the same path (frozen layout)
    for _ in range(max(10, n)):
        start = time.perf_counter()
        explorer.show(explorer.result)
        frames.append(time.perf_counter() - start)
    out[f"{prefix}_redraw_frame"] = report(f"{prefix}_redraw_frame", frames)
    return out


# --- browser --------------------------------------------------------------------------

@contextlib.contextmanager
def lab_page(notebook, folder=None):
    """A JupyterLab server (on a copy of ``folder``, default the repository's notebooks/)
    and headless Chromium, with ``notebook`` open: yields its ``NotebookPage``, not run yet.
    On a normal exit, asserts that no cell output shows an error."""
    from harness.lab import JupyterLab, NotebookPage, chromium

    with JupyterLab(folder) as lab, chromium() as chrome:
        page = NotebookPage.new(chrome)
        try:
            page.open(lab, notebook)
            yield page
            errors = page.errors()
            assert errors == [], errors
        finally:
            page.close()
            lab.shutdown_kernels()


def explorer_notebook(name, source):
    """A temporary notebooks/ folder holding one notebook ``name`` whose code cells are
    ``source`` (the explorer alone); returns the folder, for ``lab_page``."""
    import nbformat

    folder = Path(tempfile.mkdtemp(prefix="dlskills-latency-")) / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in source]
    nbformat.write(nb, folder / name)
    return folder


def time_slider(page, explorer, control, right, left, n, timeout=60):
    """Seconds of ``n`` key presses on a slider, alternately ArrowRight (then the status
    must match ``right``) and ArrowLeft (``left``), each from the key press until that
    status AND a new, decoded, inked image are shown (``NotebookPage.time_change``)."""
    times = []
    for i in range(n):
        key, want = ("ArrowRight", right) if i % 2 == 0 else ("ArrowLeft", left)
        times.append(page.time_change(lambda key=key: page.press_slider(explorer, control, key),
                                      explorer, want, timeout=timeout))
    return times


def screenshots(page, folder, prefix, explorers):
    """For each explorer: the page scrolled to it (``<prefix>_page_<name>.png``) and the
    explorer alone (``<prefix>_explorer_<name>.png``) in ``folder``; prints the paths.
    JupyterLab lays out cells lazily and the heights of the cells it has just drawn move
    the explorer: it is scrolled to twice, with time to draw after each."""
    folder = Path(folder)
    for name in explorers:
        for _ in range(2):
            page.explorer(name).evaluate("el => el.scrollIntoView({block: 'start'})")
            page.page.wait_for_timeout(800)
        print("saved", page.screenshot(folder / f"{prefix}_page_{name}.png"))
        print("saved", page.screenshot(folder / f"{prefix}_explorer_{name}.png", explorer=name))


# --- command line ---------------------------------------------------------------------

def parser(doc, n=30, n_help="changes to time", screenshots=None):
    """The latency scripts' command line; a script may add its own options before
    ``parse_args()``. ``screenshots``: the default folder (None: no screenshots)."""
    result = argparse.ArgumentParser(description=" ".join(doc.split("\n\n")[0].split()))
    result.add_argument("-n", type=int, default=n, help=f"{n_help} (default {n})")
    result.add_argument("--only", choices=["kernel", "browser"],
                        help="measure one part only (default: kernel, then browser)")
    default = f" (default {screenshots})" if screenshots else ""
    result.add_argument("--screenshots", default=screenshots,
                        help=f"folder for JupyterLab screenshots{default}")
    return result


def run(args, kernel, browser):
    """Call ``kernel(args)`` then ``browser(args)`` as ``args.only`` allows (the browser
    part is skipped, saying why, when Playwright or Chromium is missing), printing the load
    average at the start and after each part. Returns {"load_average": 1-minute load at the
    start} updated with the dicts the parts return, if any."""
    from harness.lab import browser_missing_reason

    results = {"load_average": os.getloadavg()[0]}
    print(f"at start: {load_text()}")
    for name, part in (("kernel", kernel), ("browser", browser)):
        if args.only not in (None, name):
            continue
        reason = browser_missing_reason() if name == "browser" else None
        if reason:
            print(f"browser: skipped ({reason})")
            continue
        results.update(part(args) or {})
        print(f"after the {name} part: {load_text()}")
    return results
