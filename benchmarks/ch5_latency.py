"""Latency of the chapter 5 explorer, kernel side only (not a test: it prints numbers).

    python benchmarks/ch5_latency.py -n 3

DeepLab at depth 30 and at depth 100 (residual + Adam, 5 epochs): Run -> first live
redraw, total run time, redraws per run; the redraw cost of a finished run (final frame)
and of a live frame, median and p95. No browser part yet.
"""
import statistics
import time

if __package__:                               # python -m benchmarks.ch5_latency
    from . import _common as bench
else:                                         # python benchmarks/ch5_latency.py
    import _common as bench


def kernel(args):
    from dlskills.explorers.deep import DeepLab

    out = {}
    for depth in (30, 100):
        lab = DeepLab(residual=True, adam=True, depth=depth, epochs=5)
        first, totals, redraws = [], [], []
        for _ in range(args.n):
            start, before = time.perf_counter(), lab.redraws
            lab.run(wait=False)
            while lab.redraws == before and lab.running:
                time.sleep(0.002)
            first.append(time.perf_counter() - start)
            lab.wait()
            totals.append(time.perf_counter() - start)
            redraws.append(lab.redraws - before)
        out[f"depth{depth}_first_live_redraw"] = bench.report(
            f"depth{depth}_first_live_redraw", first)
        out[f"depth{depth}_total_run_5_epochs"] = bench.report(
            f"depth{depth}_total_run_5_epochs", totals)
        print(f"{f'depth{depth}_redraws_per_run':{bench.LABEL_WIDTH}s} median "
              f"{statistics.median(redraws):g}")
        for key, live in (("redraw_final_frame", False), ("redraw_live_frame", True)):
            lab._live = live
            frames = []
            for _ in range(max(10, args.n)):
                start = time.perf_counter()
                lab.show(lab.result)
                frames.append(time.perf_counter() - start)
            out[f"depth{depth}_{key}"] = bench.report(f"depth{depth}_{key}", frames)
        lab._live = False
    return out


if __name__ == "__main__":
    arguments = bench.parser(__doc__, n=3, n_help="runs to time").parse_args()
    bench.run(arguments, kernel, lambda args: print("browser: not measured for chapter 5"))
