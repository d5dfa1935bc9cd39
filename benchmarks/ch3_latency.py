"""Redraw latency of the chapter-3 initialization explorer (not a test; prints numbers).

1. Kernel: time of ``ex.set(...)`` (compute + draw + PNG) over a cycle of changes of
   every kind (initializer, activation, depth, width, seed, std), 5 and 20 layers.
2. Browser: a real JupyterLab in headless Chromium shows the explorer alone; the time
   from the key press / selection until the exact new status and a new, inked figure are
   on screen (``NotebookPage.time_change``).

Run: python benchmarks/ch3_latency.py [--kernel-only] [--repeat N]
The machine's load average is printed too: on a busy machine numbers are higher.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dlskills.explorers.initialization import InitializationExplorer  # noqa: E402

CHANGES = [  # each differs from the one before, so every set() redraws
    {"init": "he_normal", "activation": "relu"},
    {"init": "normal", "std": 0.01},
    {"activation": "tanh"},
    {"init": "xavier_normal"},
    {"activation": "sigmoid"},
    {"std": 1.0, "init": "normal"},
    {"init": "uniform", "bound": 0.3},
    {"init": "constant", "value": 0.1},
    {"init": "identity"},
    {"seed": 3},
    {"width": 150},
    {"width": 100, "seed": 0},
]


def summary(seconds):
    ms = np.asarray(seconds) * 1000
    return f"median {np.median(ms):6.0f} ms   p95 {np.percentile(ms, 95):6.0f} ms   (n={ms.size})"


def kernel_latency(repeat):
    ex = InitializationExplorer()
    for depth in (5, 20):
        ex.set(depth=depth)
        times, cpu = [], []
        for _ in range(repeat):
            for change in CHANGES:
                start, start_cpu = time.perf_counter(), time.process_time()
                ex.set(**change)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                assert ex.error is None, ex.status
        print(f"kernel, depth {depth:2d}: ex.set(...) wall   {summary(times)}")
        print(f"kernel, depth {depth:2d}: ex.set(...) CPU    {summary(cpu)}"
              "   (what an idle machine would see)")


NOTEBOOK_SOURCE = [
    "from dlskills.explorers.initialization import InitializationExplorer\n"
    "ex = InitializationExplorer()\nex",
]


def status_pattern(init, scale, activation, depth):
    return re.compile("^" + re.escape(f"init={init} ({scale}) activation={activation} "
                                      f"depth={depth} width=100 seed=0 | "))


def browser_latency(repeat):
    import nbformat

    from tests.browser.lab import JupyterLab, NotebookPage, browser_missing_reason, chromium

    reason = browser_missing_reason()
    if reason:
        print(f"browser: skipped ({reason})")
        return
    folder = Path(tempfile.mkdtemp(prefix="ch3-latency-")) / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_SOURCE]
    nbformat.write(nb, folder / "ch3_latency.ipynb")
    name = "initialization"
    with JupyterLab(folder) as lab, chromium() as browser:
        page = NotebookPage.new(browser)
        page.open(lab, "ch3_latency.ipynb")
        page.run_all()
        page.wait_status(name, status_pattern("normal", "std 1", "sigmoid", 5))
        steps = [
            (lambda: page.select(name, "init", "he_normal"), ("he_normal", "std 0.141 by formula")),
            (lambda: page.select(name, "init", "normal"), ("normal", "std 1")),
        ]
        times = {"init (dropdown)": [], "activation (dropdown)": [], "depth (slider key)": []}
        activation, depth = "sigmoid", 5
        for k in range(repeat):
            for action, (init, scale) in steps:
                times["init (dropdown)"].append(page.time_change(
                    action, name, status_pattern(init, scale, activation, depth)))
            activation = "relu" if activation != "relu" else "tanh"
            times["activation (dropdown)"].append(page.time_change(
                lambda: page.select(name, "activation", activation), name,
                status_pattern("normal", "std 1", activation, depth)))
            key, depth = ("ArrowRight", depth + 1) if k % 2 == 0 else ("ArrowLeft", depth - 1)
            times["depth (slider key)"].append(page.time_change(
                lambda: page.press_slider(name, "depth", key), name,
                status_pattern("normal", "std 1", activation, depth)))
        page.close()
    every = [t for values in times.values() for t in values]
    for what, values in times.items():
        print(f"browser, {what:22s} {summary(values)}")
    print(f"browser, all changes            {summary(every)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    kernel_latency(args.repeat)
    if not args.kernel_only:
        browser_latency(max(3, args.repeat * 2))


if __name__ == "__main__":
    main()
