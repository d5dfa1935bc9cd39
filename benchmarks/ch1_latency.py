"""Latency of chapter 1's gradient explorer at depth 20: from a control change to the
finished new figure. Prints median and p95 (not a test).

    python benchmarks/ch1_latency.py                # kernel and browser, 30 changes each
    python benchmarks/ch1_latency.py --only kernel -n 50
    python benchmarks/ch1_latency.py --screenshots /tmp/ch1   # also save screenshots

Kernel: wall time of ``ex.set(...)`` (compute, draw, PNG, status) in this process.
Browser: a real JupyterLab in headless Chromium (harness/lab.py) runs the notebook;
each change is one ArrowRight/ArrowLeft key press on the depth slider, timed in the page
from the key press until the status names the new depth AND a new, decoded, inked image
is shown (``NotebookPage.time_change``).
"""
from pathlib import Path

if __package__:                               # python -m benchmarks.ch1_latency
    from . import _common as bench
else:                                         # python benchmarks/ch1_latency.py
    import _common as bench

NOTEBOOK = "01_vanishing_exploding_gradients.ipynb"
CHANGES = [{"depth": 20}, {"depth": 21}, {"activation": "tanh"},
           {"activation": "sigmoid"}, {"scale": 0.0126}, {"scale": 0.01}]


def settings(depth):
    """The status's settings part at ``depth`` (other controls at their defaults), from
    the message catalogue: "深度 20，激活函数 sigmoid，…"."""
    from harness.statuses import settings_text

    return settings_text(depth=depth, activation="sigmoid", init="normal", scale="0.01", seed=0)


def drawn(depth):
    """The start of the status once the figure for ``depth`` is drawn ("… → ")."""
    from dlskills.messages import say

    return say("explorer.result", settings=settings(depth), finding="")


def kernel(args):
    from dlskills.explorers.gradients import GradientExplorer

    ex = GradientExplorer(depth=20)
    ex.set(depth=21)                      # warm caches (data, fonts)
    wall, cpu = bench.time_changes(ex, CHANGES, args.n)
    bench.report("kernel: ex.set(...) at depth 20-21", wall, bench.KERNEL_MS, cpu)


def browser(args):
    with bench.lab_page(NOTEBOOK) as nb:
        nb.run_all(timeout=300)
        nb.wait_status("gradients", drawn(10), timeout=60)
        if args.screenshots:
            bench.screenshots(nb, args.screenshots, "ch1", ("gradients", "depth_width"))
        nb.press_slider("gradients", "depth", "ArrowRight", times=10)
        nb.wait_status("gradients", drawn(20), timeout=60)
        times = bench.time_slider(nb, "gradients", "depth", drawn(21), drawn(20), args.n)
        if args.screenshots:
            print("saved", nb.screenshot(Path(args.screenshots) / "ch1_explorer_depth20.png",
                                         explorer="gradients"))
    bench.report("browser: depth key press -> image", times, bench.BROWSER_MS)


if __name__ == "__main__":
    bench.run(bench.parser(__doc__).parse_args(), kernel, browser)
