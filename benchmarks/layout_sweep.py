"""Layout faults of chapter 1's explorers over a grid of their settings (not a test).

Each explorer starts at its defaults, as a learner's does, and moves through every
combination of the grid below; after each change its figure is checked by
``harness.layout.layout_faults`` (texts over texts, texts over another plot, texts cut
off at the edge). Prints, per explorer, how many settings showed a fault and the first
few faults. ``tests/test_layout.py`` checks a few of the hardest settings of this grid.

    python benchmarks/layout_sweep.py
"""
import itertools
import time

if __package__:                               # python -m benchmarks.layout_sweep
    from . import _common  # noqa: F401  (the repository first on sys.path, Agg)
else:                                         # python benchmarks/layout_sweep.py
    import _common  # noqa: F401

GRIDS = {
    "GradientExplorer": {"depth": (1, 2, 3, 10, 50),
                         "activation": ("sigmoid", "tanh", "relu"),
                         "init": ("normal", "xavier", "he"),
                         "scale": (0.001, 0.1, 100.0)},
    "DepthWidthExplorer": {"input_size": (1, 784, 1000), "width": (1, 5, 50),
                           "depth": (1, 10), "biases": (False, True)},
}


def sweep(explorer, grid):
    """(settings with a fault, settings tried, the first faults found)."""
    from harness.layout import layout_faults

    bad, tried, examples = 0, 0, []
    for values in itertools.product(*grid.values()):
        settings = dict(zip(grid, values))
        explorer.set(**settings)
        faults = layout_faults(explorer.fig)
        tried += 1
        if faults:
            bad += 1
            if len(examples) < 3:
                examples.append(f"{settings}: {faults[:2]}")
    return bad, tried, examples


def main():
    from dlskills.explorers import gradients

    for name, grid in GRIDS.items():
        start = time.perf_counter()
        bad, tried, examples = sweep(getattr(gradients, name)(), grid)
        print(f"{name}: layout faults in {bad} of {tried} settings "
              f"({time.perf_counter() - start:.0f} s)")
        for example in examples:
            print("   ", example)


if __name__ == "__main__":
    main()
