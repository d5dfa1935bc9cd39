"""Latency of the chapter 4 explorers (not a test: it prints numbers).

    python benchmarks/ch4_latency.py             # kernel only
    python benchmarks/ch4_latency.py --browser   # also JupyterLab in headless Chromium

Kernel, overfitting lab at default settings (300 digits, 100 epochs):
  - Run -> first live redraw (s), total run time (s), number of redraws;
  - redraw cost: ``show(result)`` of a finished run, final frame (layout engine on)
    and live frame (layout frozen), median and p95.
Kernel, batch-norm explorer: ``set(weight_scale=...)`` (histograms recomputed and
redrawn), median and p95; Run at default settings (20 epochs).
Browser: run the notebook, then time, from the user's input to a new inked image with
the expected status: a weight-scale slider key press (BN explorer), and the lab's Run
button -> first live redraw and -> final status. Screenshots go to
``benchmarks/results/`` (not committed). Results are also written there as JSON.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"


def summary(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"median": statistics.median(values), "p95": p95, "n": len(values)}


def line(name, stats):
    return (f"{name:44s} median {stats['median']:6.3f} s   p95 {stats['p95']:6.3f} s   "
            f"(n={stats['n']})")


def kernel(repeats):
    import matplotlib
    matplotlib.use("Agg")
    from dlskills.explorers.regularization import BatchNormExplorer, OverfittingLab

    out = {}
    lab = OverfittingLab()
    first, totals, redraws = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        before = lab.redraws
        lab.run(wait=False)
        while lab.redraws == before and lab.running:
            time.sleep(0.002)
        first.append(time.perf_counter() - start)
        lab.wait()
        totals.append(time.perf_counter() - start)
        redraws.append(lab.redraws - before)
    out["lab_first_live_redraw"] = summary(first)
    out["lab_total_run_default"] = summary(totals)
    out["lab_redraws_per_run"] = statistics.median(redraws)

    final, live = [], []
    for _ in range(max(10, repeats)):
        start = time.perf_counter()
        lab.show(lab.result)
        final.append(time.perf_counter() - start)
    lab._live = True
    for _ in range(max(10, repeats)):
        start = time.perf_counter()
        lab.show(lab.result)
        live.append(time.perf_counter() - start)
    lab._live = False
    out["lab_redraw_final_frame"] = summary(final)
    out["lab_redraw_live_frame"] = summary(live)

    bn = BatchNormExplorer()
    scales = [10 ** (-k / 4) for k in range(0, 17)]
    changes = []
    for i in range(max(10, repeats)):
        start = time.perf_counter()
        bn.set(weight_scale=scales[i % len(scales)])
        changes.append(time.perf_counter() - start)
    out["bn_set_weight_scale"] = summary(changes)
    bn.set(weight_scale=0.01)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        bn.run()
        runs.append(time.perf_counter() - start)
    out["bn_total_run_default"] = summary(runs)
    return out


def browser(repeats):
    from tests.browser.lab import JupyterLab, NotebookPage, chromium

    out = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    with JupyterLab() as server, chromium() as chrome:
        page = NotebookPage.new(chrome)
        try:
            page.open(server, "04_regularization.ipynb")
            start = time.perf_counter()
            page.run_all(timeout=600)
            out["notebook_run_all_in_lab"] = time.perf_counter() - start
            shoot(page, "batchnorm", RESULTS / "ch4_bn_explorer.png")
            shoot(page, LAB, RESULTS / "ch4_overfitting_lab.png")

            presses = []
            for i in range(repeats):
                key = "ArrowLeft" if i % 2 else "ArrowRight"
                want = "0.01 " if i % 2 else "0.0178 "
                presses.append(page.time_change(
                    lambda key=key: page.press_slider("batchnorm", "weight_scale", key),
                    "batchnorm", f"weight_scale={want}"))
            out["browser_bn_slider_to_image"] = summary(presses)

            first, total = [], []
            for _ in range(repeats):
                first.append(page.time_change(lambda: page.click(LAB, "run"), LAB, "training"))
                page.wait_status(LAB, "completed", timeout=300)
                total.append(page.time_change(lambda: page.click(LAB, "run"), LAB,
                                              "completed", timeout=300))
            out["browser_lab_run_to_first_live_image"] = summary(first)
            out["browser_lab_run_to_final_image"] = summary(total)
            shoot(page, LAB, RESULTS / "ch4_overfitting_lab_after.png")
            page.screenshot(RESULTS / "ch4_page.png")
        finally:
            page.close()
            server.shutdown_kernels()
    return out


LAB = "overfitting"


def shoot(page, explorer, path):
    """Screenshot of one explorer after scrolling it into view (JupyterLab renders cells
    lazily: an explorer far off screen may not be laid out yet)."""
    page.explorer(explorer).scroll_into_view_if_needed()
    page.page.wait_for_timeout(800)
    page.screenshot(path, explorer=explorer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also measure in JupyterLab")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at start: {load:.1f} on {os.cpu_count()} cores")
    results = {"load_average": load}
    results.update(kernel(args.repeats))
    if args.browser:
        results.update(browser(args.repeats))
    for name, value in results.items():
        if isinstance(value, dict):
            print(line(name, value))
        else:
            print(f"{name:44s} {value:.3g}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ch4_latency.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
