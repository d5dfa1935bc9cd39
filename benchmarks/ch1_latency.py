"""Latency of chapter 1's gradient explorer at depth 20: from a control change to the
finished new figure. Prints median and p95 (not a test).

    python benchmarks/ch1_latency.py                # kernel and browser, 30 changes each
    python benchmarks/ch1_latency.py --only kernel -n 50
    python benchmarks/ch1_latency.py --screenshots /tmp/ch1   # also save screenshots

Kernel: wall time of ``ex.set(...)`` (compute, draw, PNG, status) in this process.
Browser: a real JupyterLab in headless Chromium (tests/browser/lab.py) runs the notebook;
each change is one ArrowRight/ArrowLeft key press on the depth slider, timed in the page
from the key press until the status names the new depth AND a new, decoded, inked image
is shown (``NotebookPage.time_change``).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NOTEBOOK = "01_vanishing_exploding_gradients.ipynb"
SETTINGS = "activation=sigmoid init=normal scale=0.01 seed=0"
TARGETS = {"kernel": 0.150, "browser": 0.400}


def summary(name, seconds, cpu=None):
    ms = np.asarray(seconds) * 1000
    median, p95 = statistics.median(ms), float(np.percentile(ms, 95))
    verdict = "meets" if median <= TARGETS[name] * 1000 else "MISSES"
    print(f"{name:8s} n={len(ms):3d}  median {median:6.0f} ms  p95 {p95:6.0f} ms  "
          f"min {ms.min():5.0f} ms  max {ms.max():5.0f} ms  "
          f"({verdict} the {TARGETS[name] * 1000:.0f} ms median target)")
    if cpu is not None:
        cpu_ms = np.asarray(cpu) * 1000
        print(f"{'':8s} CPU time of this process per change: median "
              f"{statistics.median(cpu_ms):.0f} ms, p95 {np.percentile(cpu_ms, 95):.0f} ms "
              f"(about the wall time on an idle machine)")
    print(f"{'':8s} load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    return median, p95


def kernel(n):
    import matplotlib
    matplotlib.use("Agg")
    from dlskills.explorers.gradients import GradientExplorer

    ex = GradientExplorer(depth=20)
    ex.set(depth=21)                      # warm caches (data, fonts)
    changes = [{"depth": 20}, {"depth": 21}, {"activation": "tanh"},
               {"activation": "sigmoid"}, {"scale": 0.0126}, {"scale": 0.01}]
    times, cpu = [], []
    for i in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        ex.set(**changes[i % len(changes)])
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert ex.error is None, ex.status
    return summary("kernel", times, cpu)


def browser(n, screenshots=None):
    from tests.browser.lab import JupyterLab, NotebookPage, chromium

    with JupyterLab() as lab, chromium() as chrome:
        nb = NotebookPage.new(chrome)
        try:
            nb.open(lab, NOTEBOOK)
            nb.run_all(timeout=300)
            nb.wait_status("gradients", f"depth=10 {SETTINGS}", timeout=60)
            if screenshots:
                shoot(nb, screenshots)
            nb.press_slider("gradients", "depth", "ArrowRight", times=10)
            nb.wait_status("gradients", f"depth=20 {SETTINGS}", timeout=60)
            times = []
            for i in range(n):
                key, depth = ("ArrowRight", 21) if i % 2 == 0 else ("ArrowLeft", 20)
                times.append(nb.time_change(
                    lambda: nb.press_slider("gradients", "depth", key),
                    "gradients", f"depth={depth} {SETTINGS} -> ", timeout=60))
            if screenshots:
                nb.screenshot(Path(screenshots) / "ch1_explorer_depth20.png", explorer="gradients")
            assert nb.errors() == []
        finally:
            nb.close()
    return summary("browser", times)


def shoot(nb, folder):
    """The notebook page scrolled to each explorer, and each explorer alone."""
    folder = Path(folder)
    for name in ("gradients", "depth_width"):
        nb.explorer(name).evaluate("el => el.scrollIntoView({block: 'start'})")
        nb.page.wait_for_timeout(500)
        print("saved", nb.screenshot(folder / f"ch1_page_{name}.png"))
        print("saved", nb.screenshot(folder / f"ch1_explorer_{name}.png", explorer=name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="changes to time (default 30)")
    parser.add_argument("--only", choices=["kernel", "browser"])
    parser.add_argument("--screenshots", help="folder for JupyterLab screenshots")
    args = parser.parse_args()
    if args.only != "browser":
        kernel(args.n)
    if args.only != "kernel":
        browser(args.n, args.screenshots)


if __name__ == "__main__":
    main()
