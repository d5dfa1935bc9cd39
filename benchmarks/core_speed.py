"""Speed of the engine (issue: core). Prints each figure and its ratio to the target.

1. One training step (forward, backward, Adam) of a 784-100-100-100-100-10 ReLU network,
   He init, batch 128, float32, against the matrix products of that step alone (both
   with one BLAS thread, as dl.train runs).
2. Four optimizers x 2,000 iterations of that network on the bundled MNIST subset.
3. ``import dlskills`` time, in a fresh interpreter.

Run: python benchmarks/core_speed.py
"""

import subprocess
import sys
import time

import numpy as np

if __package__:                               # python -m benchmarks.core_speed
    from . import _common as bench
else:                                         # python benchmarks/core_speed.py
    import _common as bench

import dlskills as dl                         # this checkout's: bench put it first on sys.path
from dlskills._blas import single_thread_blas

SIZES = (784, [100, 100, 100, 100], 10)
BATCH = 128


def median_time(fn, repeat=200, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def step_vs_products():
    (x_train, t_train), _ = dl.load_mnist()
    x, t = x_train[:BATCH], t_train[:BATCH]
    net = dl.MLP(*SIZES, activation="relu", init="he", seed=0, dtype=np.float32)
    opt = dl.Adam()

    def step():
        opt.update(net.params, net.gradient(x, t))

    weights = [net.params[f"W{i}"] for i in range(1, net.depth + 1)]
    acts = [x] + [np.ones((BATCH, w.shape[1]), np.float32) for w in weights]

    def products():  # the same products a step computes: forward, dW, dx (not for layer 1)
        for i, w in enumerate(weights):
            acts[i] @ w
            acts[i].T @ acts[i + 1]
            if i > 0:
                acts[i + 1] @ w.T

    with single_thread_blas():  # as in dl.train
        t_step, t_prod = median_time(step), median_time(products)
    print(f"one step (float32): {t_step * 1e3:.2f} ms; its matrix products alone: "
          f"{t_prod * 1e3:.2f} ms; ratio {t_step / t_prod:.2f} (target <= 3)")


def four_optimizers(accuracy):
    """The classic comparison records the loss only; with ``accuracy`` dl.train also
    measures train and test accuracy (4,000 + 1,000 digits) after each of the 64 epochs."""
    (x_train, t_train), test = dl.load_mnist()
    start = time.perf_counter()
    for name in ("sgd", "momentum", "adagrad", "adam"):
        net = dl.MLP(*SIZES, activation="relu", init="he", seed=0, dtype=np.float32)
        history = dl.train(net, dl.make_optimizer(name), (x_train, t_train), test,
                           iterations=2000, batch_size=BATCH, seed=0, accuracy=accuracy)
        print(f"  {name:9s} final loss {np.mean(history.loss[-50:]):.3f} "
              f"({history.seconds:.1f} s)")
    total = time.perf_counter() - start
    what = "loss and per-epoch accuracy" if accuracy else "loss only"
    print(f"4 optimizers x 2000 iterations ({what}): {total:.1f} s (target <= 10 s, "
          f"ratio {total / 10:.2f})")


def import_time():
    code = "import time; t = time.perf_counter(); import dlskills; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=bench.REPO).stdout) for _ in range(5)]
    best = min(runs)
    print(f"import dlskills: {best * 1e3:.0f} ms (best of 5; target <= 300 ms, "
          f"ratio {best / 0.3:.2f})")


def update_check_cost():
    """The input check in opt.update: dict and shape comparisons, small beside a step."""
    from dlskills.optimizers import _check_update
    net = dl.MLP(784, [100] * 4, 10)
    grads = {k: v.copy() for k, v in net.params.items()}
    t = median_time(lambda: _check_update(net.params, grads), repeat=2000)
    print(f"opt.update's input check, 10 arrays: {t * 1e6:.1f} us (target <= 20 us, "
          f"ratio {t / 20e-6:.2f})")


if __name__ == "__main__":
    print(f"at start: {bench.load_text()}")
    update_check_cost()
    step_vs_products()
    four_optimizers(accuracy=False)
    four_optimizers(accuracy=True)
    import_time()
    print(f"at the end: {bench.load_text()}")
