"""Latency of the chapter 5 explorer (not a test: it prints numbers).

    python benchmarks/ch5_latency.py -n 3
    python benchmarks/ch5_latency.py --only browser

Kernel: DeepLab at depth 30 and at depth 100 (residual + Adam, 5 epochs): Run -> first
live redraw, total run time, redraws per run; the redraw cost of a frame, median and p95.
Browser: DeepLab alone in a notebook in JupyterLab (headless Chromium): Run (residual +
Adam, depth 30, 5 epochs) -> the first live figure and -> the finished run's figure. (A
control change only rewrites the status: DeepLab draws no preview, so no figure to time.)
"""
import re

if __package__:                               # python -m benchmarks.ch5_latency
    from . import _common as bench
else:                                         # python benchmarks/ch5_latency.py
    import _common as bench

EXPLORER = "deep"
NOTEBOOK = "ch5_latency.ipynb"
NOTEBOOK_SOURCE = [
    "from dlskills.explorers.deep import DeepLab\n"
    "lab = DeepLab(residual=True, adam=True)\nlab",
]


def kernel(args):
    from dlskills.explorers.deep import DeepLab

    out = {}
    for depth in (30, 100):
        lab = DeepLab(residual=True, adam=True, depth=depth, epochs=5)
        out.update(bench.time_training(lab, args.n, f"depth{depth}"))
    return out


def browser(args):
    from dlskills.messages import say

    training = re.compile(re.escape(say("explorer.training", settings="",
                                        fraction=0.0).rstrip("0%")))
    completed = re.compile(re.escape(say("training.status.completed")))
    folder = bench.explorer_notebook(NOTEBOOK, NOTEBOOK_SOURCE)
    with bench.lab_page(NOTEBOOK, folder) as page:
        page.run_all()
        page.wait_status(EXPLORER, say("explorer.press_run", settings=""))
        first, total = [], []
        for _ in range(args.n):
            first.append(page.time_change(lambda: page.click(EXPLORER, "run"), EXPLORER,
                                          training))
            page.wait_status(EXPLORER, completed, timeout=300)
            total.append(page.time_change(lambda: page.click(EXPLORER, "run"), EXPLORER,
                                          completed, timeout=300))
    # no target for Run (as in chapter 4): the first frame comes after the first epoch
    return {"browser_run_to_first_live_image": bench.report(
                "browser, Run -> first live image", first),
            "browser_run_to_final_image": bench.report("browser, Run -> final image",
                                                       total)}


if __name__ == "__main__":
    bench.run(bench.parser(__doc__, n=3, n_help="runs to time").parse_args(), kernel, browser)
