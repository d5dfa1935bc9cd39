"""Latency of the chapter 5 explorer, kernel side only (not a test: it prints numbers).

    python benchmarks/ch5_latency.py -n 3

DeepLab at depth 30 and at depth 100 (residual + Adam, 5 epochs): Run -> first live
redraw, total run time, redraws per run; the redraw cost of a finished run (final frame)
and of a live frame, median and p95. No browser part yet.
"""

if __package__:                               # python -m benchmarks.ch5_latency
    from . import _common as bench
else:                                         # python benchmarks/ch5_latency.py
    import _common as bench


def kernel(args):
    from dlskills.explorers.deep import DeepLab

    out = {}
    for depth in (30, 100):
        lab = DeepLab(residual=True, adam=True, depth=depth, epochs=5)
        out.update(bench.time_training(lab, args.n, f"depth{depth}"))
    return out


if __name__ == "__main__":
    arguments = bench.parser(__doc__, n=3, n_help="runs to time").parse_args()
    bench.run(arguments, kernel, lambda args: print("browser: not measured for chapter 5"))
