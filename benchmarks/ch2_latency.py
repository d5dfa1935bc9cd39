"""Latency of chapter 2's optimizer playground (five optimizers on x^2/20 + y^2), from a
learning-rate change to the finished new figure; and the notebook's run time.
Prints median and p95 (not a test).

    python benchmarks/ch2_latency.py                  # kernel and browser, 30 changes each
    python benchmarks/ch2_latency.py --only kernel -n 50
    python benchmarks/ch2_latency.py --notebook       # also time the whole notebook
    python benchmarks/ch2_latency.py --screenshots /tmp/ch2

Kernel: wall time of ``ex.set(lr=...)`` (compute five paths, update the artists, PNG,
status) in this process, and its CPU time (the wall time on an idle machine).
Browser: a real JupyterLab in headless Chromium (harness/lab.py) runs the notebook;
each change is one ArrowRight/ArrowLeft key press on the lr slider, timed in the page from
the key press until the status shows exactly the new settings AND a new, decoded, inked
image is shown (``NotebookPage.time_change``).
Notebook: ``jupyter nbconvert --execute`` of a copy, wall time.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__:                               # python -m benchmarks.ch2_latency
    from . import _common as bench
else:                                         # python benchmarks/ch2_latency.py
    import _common as bench

NOTEBOOK = "02_optimizers.ipynb"
EXPLORER = "optimizer_playground"
BASE = dict(surface="ill_conditioned", tuned_lr=False, lr=0.1)
LRS = (10 ** -1.0, 10 ** -0.95)          # one slider step apart (0.05 in log10)


def playground(**settings):
    from dlskills.explorers.optimizers import OptimizerPlayground
    return OptimizerPlayground(**settings)


def kernel(args):
    ex = playground(**BASE)
    ex.set(lr=LRS[1])                        # warm up (fonts, caches)
    wall, cpu = bench.time_changes(ex, [{"lr": lr} for lr in LRS], args.n)
    bench.report("kernel: ex.set(lr=...)", wall, bench.KERNEL_MS, cpu)


def browser(args):
    from harness.lab import exactly

    expected = [exactly(playground(**{**BASE, "lr": lr}).status) for lr in LRS]
    with bench.lab_page(NOTEBOOK) as nb:
        nb.run_all(timeout=300)
        nb.toggle(EXPLORER, "tuned_lr")          # the notebook leaves lr=0.1, tuned on
        nb.wait_status(EXPLORER, expected[0], timeout=60)
        if args.screenshots:
            nb.page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
            print("saved", nb.screenshot(Path(args.screenshots) / "ch2_page_top.png"))
            bench.screenshots(nb, args.screenshots, "ch2", (EXPLORER,))
            # two trainers on the page (the comparison and the divergence demo): the first
            trainer = nb.explorer("optimizer_trainer").first
            trainer.scroll_into_view_if_needed()
            path = Path(args.screenshots) / "ch2_explorer_optimizer_trainer.png"
            trainer.screenshot(path=str(path))
            print("saved", path)
        times = bench.time_slider(nb, EXPLORER, "lr", expected[1], expected[0], args.n)
    bench.report("browser: lr key press -> image", times, bench.BROWSER_MS)


def notebook_time():
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / NOTEBOOK
        shutil.copy(bench.REPO / "notebooks" / NOTEBOOK, copy)
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(bench.REPO),
                                                          env.get("PYTHONPATH")]))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                        "--execute", "--inplace", str(copy)], check=True, env=env, cwd=tmp,
                       capture_output=True)
        seconds = time.perf_counter() - t0
    print(f"notebook: {seconds:.1f} s to execute top to bottom (target: well under 60 s)")
    print(f"after the notebook run: {bench.load_text()}")


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--notebook", action="store_true", help="also time the notebook")
    args = parser.parse_args()
    bench.run(args, kernel, browser)
    if args.notebook:
        notebook_time()


if __name__ == "__main__":
    main()
