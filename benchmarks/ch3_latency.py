"""Redraw latency of the chapter-3 initialization explorer (not a test; prints numbers).

1. Kernel: time of ``ex.set(...)`` (compute + draw + PNG) over a cycle of changes of
   every kind (initializer, activation, depth, width, seed, std), 5 and 20 layers.
2. Browser: a real JupyterLab in headless Chromium shows the explorer alone; the time
   from the key press / selection until the exact new status and a new, inked figure are
   on screen (``NotebookPage.time_change``).

    python benchmarks/ch3_latency.py                # kernel and browser, 3 rounds
    python benchmarks/ch3_latency.py --only kernel -n 5
    python benchmarks/ch3_latency.py --screenshots /tmp/ch3

The machine's load average is printed too: on a busy machine numbers are higher.
"""
import itertools

if __package__:                               # python -m benchmarks.ch3_latency
    from . import _common as bench
else:                                         # python benchmarks/ch3_latency.py
    import _common as bench

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
N_HELP = (f"rounds: the kernel times n x {len(CHANGES)} changes at each depth, the "
          "browser max(3, 2n) rounds of 4 changes")
EXPLORER = "initialization"
NOTEBOOK = "ch3_latency.ipynb"
NOTEBOOK_SOURCE = [
    "from dlskills.explorers.initialization import InitializationExplorer\n"
    "ex = InitializationExplorer()\nex",
]


def kernel(args):
    from dlskills.explorers.initialization import InitializationExplorer

    ex = InitializationExplorer()
    for depth in (5, 20):
        ex.set(depth=depth)
        wall, cpu = bench.time_changes(ex, CHANGES, args.n * len(CHANGES))
        bench.report(f"kernel, depth {depth:2d}: ex.set(...)", wall, bench.KERNEL_MS, cpu)
    phases(ex, args.n)


def phases(ex, n):
    """CPU time of each part of a frame at the explorer's last depth, over the same
    changes: the experiment, the view's update, drawing the figure, encoding the PNG
    (``png_bytes`` draws once more: its time less a draw's)."""
    import time

    from dlskills._blas import single_thread_blas
    from dlskills.views.style import png_bytes, style

    parts = {"compute": [], "view.update": [], "figure draw": [], "PNG encode": []}
    for i in range(n * len(CHANGES)):
        settings = {**ex.settings, **CHANGES[i % len(CHANGES)]}
        start = time.process_time()
        with single_thread_blas():
            result = ex.compute(**settings)
        computed = time.process_time()
        with style():
            ex.draw(result)
        updated = time.process_time()
        ex.fig.canvas.draw()
        drawn = time.process_time()
        png_bytes(ex.fig)
        encoded = time.process_time()
        for key, seconds in zip(parts, (computed - start, updated - computed, drawn - updated,
                                        encoded - drawn - (drawn - updated))):
            parts[key].append(seconds)
    print(f"kernel, depth {ex.settings['depth']}, CPU ms per part (median): " + ", ".join(
        f"{key} {1000 * bench.stats(v)['median']:.0f}" for key, v in parts.items()))


def status(init, activation, depth):
    """The exact beginning of the status for these settings (std 1 for "normal")."""
    from harness.statuses import init_status

    return init_status(init, activation, depth)


def browser(args):
    rounds = max(3, args.n * 2)
    times = {"init (dropdown)": [], "activation (dropdown)": [], "depth (slider key)": []}
    with bench.lab_page(NOTEBOOK, bench.explorer_notebook(NOTEBOOK, NOTEBOOK_SOURCE)) as page:
        page.run_all()
        page.wait_status(EXPLORER, status("normal", "sigmoid", 5))
        if args.screenshots:
            bench.screenshots(page, args.screenshots, "ch3", (EXPLORER,))
        activation, depth = "sigmoid", 5
        for k in range(rounds):
            for init in ("he_normal", "normal"):
                times["init (dropdown)"].append(page.time_change(
                    lambda: page.select(EXPLORER, "init", init), EXPLORER,
                    status(init, activation, depth)))
            activation = "relu" if activation != "relu" else "tanh"
            times["activation (dropdown)"].append(page.time_change(
                lambda: page.select(EXPLORER, "activation", activation), EXPLORER,
                status("normal", activation, depth)))
            key, depth = ("ArrowRight", depth + 1) if k % 2 == 0 else ("ArrowLeft", depth - 1)
            times["depth (slider key)"].append(page.time_change(
                lambda: page.press_slider(EXPLORER, "depth", key), EXPLORER,
                status("normal", activation, depth)))
    for what, values in times.items():
        bench.report(f"browser, {what}", values, bench.BROWSER_MS)
    bench.report("browser, all changes", list(itertools.chain(*times.values())),
                 bench.BROWSER_MS)


if __name__ == "__main__":
    bench.run(bench.parser(__doc__, n=3, n_help=N_HELP).parse_args(), kernel, browser)
