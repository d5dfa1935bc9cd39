"""Latency of the chapter 4 explorers (not a test: it prints numbers).

    python benchmarks/ch4_latency.py                 # kernel and browser, 5 repeats
    python benchmarks/ch4_latency.py --only kernel -n 3

Kernel, overfitting lab at default settings (300 digits, 100 epochs, validation curve):
  - Run -> first live redraw, total run time, number of redraws;
  - redraw cost: ``show(result)`` of a finished run, final frame (layout engine on)
    and live frame (layout frozen), median and p95.
Kernel, batch-norm explorer: ``set(weight_scale=...)`` (histograms recomputed and
redrawn), median and p95; Run at default settings (20 epochs).
Browser: run the notebook (timed), then time, from the user's input to a new inked image
with the expected status: a weight-scale slider key press (BN explorer), and the lab's
Run button -> first live redraw and -> final status. Screenshots go to
``benchmarks/results/`` unless --screenshots says otherwise; the figures are also written
there as ``ch4_latency.json`` (not committed).
"""
import json
import re
import time
from pathlib import Path

if __package__:                               # python -m benchmarks.ch4_latency
    from . import _common as bench
else:                                         # python benchmarks/ch4_latency.py
    import _common as bench

RESULTS = bench.REPO / "benchmarks" / "results"
NOTEBOOK = "04_regularization.ipynb"
LAB = "overfitting"
BN = "batchnorm"
SCALES = [10 ** (-k / 4) for k in range(0, 17)]      # the weight-scale slider's grid


def _statuses():
    """Status patterns, built from the message catalogue as the explorers say them."""
    from dlskills.messages import say
    from harness.statuses import settings_text as settings

    bn = dict(activation="relu", batchnorm=True, epochs=4)   # as the notebook leaves it
    # "<settings>：训练中，0%" without the settings and the share: any live frame
    training = re.escape(say("explorer.training", settings="", fraction=0.0).rstrip("0%"))
    return {
        "bn_right": re.compile("^" + re.escape(say("explorer.press_run",
                                                   settings=settings(weight_scale=0.0178,
                                                                     **bn)))),
        "bn_left": re.compile("^" + re.escape(say("explorer.press_run",
                                                  settings=settings(weight_scale=0.01,
                                                                    **bn)))),
        "training": re.compile(training),
        "completed": re.compile(re.escape(say("training.status.completed"))),
    }


def kernel(args):
    from dlskills.explorers.regularization import BatchNormExplorer, OverfittingLab

    out = {}
    out.update(bench.time_training(OverfittingLab(), args.n, "lab"))

    bn = BatchNormExplorer()
    wall, cpu = bench.time_changes(bn, [{"weight_scale": s} for s in SCALES], max(10, args.n))
    out["bn_set_weight_scale"] = bench.report("bn_set_weight_scale", wall, cpu=cpu)
    bn.set(weight_scale=0.01)
    runs = []
    for _ in range(args.n):
        start = time.perf_counter()
        bn.run()
        runs.append(time.perf_counter() - start)
    out["bn_total_run_default"] = bench.report("bn_total_run_default", runs)
    return out


def browser(args):
    out = {}
    folder = Path(args.screenshots)
    with bench.lab_page(NOTEBOOK) as page:
        start = time.perf_counter()
        page.run_all(timeout=600)
        out["notebook_run_all_in_lab"] = time.perf_counter() - start
        print(f"{'notebook_run_all_in_lab':{bench.LABEL_WIDTH}s} "
              f"{out['notebook_run_all_in_lab']:.1f} s")
        bench.screenshots(page, folder, "ch4", (BN, LAB))

        status = _statuses()
        presses = bench.time_slider(page, BN, "weight_scale", status["bn_right"],
                                    status["bn_left"], args.n)
        out["browser_bn_slider_to_image"] = bench.report("browser_bn_slider_to_image", presses)
        first, total = [], []
        for _ in range(args.n):
            first.append(page.time_change(lambda: page.click(LAB, "run"), LAB,
                                          status["training"]))
            page.wait_status(LAB, status["completed"], timeout=300)
            total.append(page.time_change(lambda: page.click(LAB, "run"), LAB,
                                          status["completed"], timeout=300))
        for key, values in (("browser_lab_run_to_first_live_image", first),
                            ("browser_lab_run_to_final_image", total)):
            out[key] = bench.report(key, values)
        print("saved", page.screenshot(folder / "ch4_explorer_overfitting_after.png",
                                       explorer=LAB))
        print("saved", page.screenshot(folder / "ch4_page_end.png"))
    return out


def main():
    parser = bench.parser(__doc__, n=5, n_help="Runs and slider presses to time (at least "
                          "10 kernel redraws and BN changes)", screenshots=RESULTS)
    results = bench.run(parser.parse_args(), kernel, browser)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "ch4_latency.json"
    path.write_text(json.dumps(results, indent=1))
    print("saved", path)


if __name__ == "__main__":
    main()
