"""Peak kernel memory of each chapter notebook (not a test; prints numbers).

Each chapter notebook runs top to bottom in a fresh kernel (nbclient, the notebook's
own folder as working directory, this checkout first on PYTHONPATH, the inline
backend as in JupyterLab), while ``harness.procs.Poller`` reads the kernel process's
resident memory (RSS; children included) every ``--interval`` seconds. For each chapter
it prints:

- the RSS of the fresh kernel, after ``import dlskills, matplotlib.pyplot`` (the floor
  every chapter pays), the peak, and the RSS after the last cell (what an idle kernel
  keeps while the student reads);
- the cells that add the most retained memory (RSS after the cell minus before it) and
  the largest transient rise within a cell (peak during it minus before), each with its
  index among the notebook's cells and its first line.

Peaks are the kernel's own high-water mark (``VmHWM`` in /proc, Linux; reset at each
cell's start, so a cell's peak is exact too), or the polled maximum where /proc has
none. Nothing in the notebooks is written.

    python benchmarks/kernel_memory.py                    # chapters 1..5
    python benchmarks/kernel_memory.py --chapters 3 5 --top 8
"""
import argparse
import os
import sys
import time
from pathlib import Path

if __package__:                               # python -m benchmarks.kernel_memory
    from . import _common as bench
else:                                         # python benchmarks/kernel_memory.py
    import _common as bench

from harness.course import chapter_notebook
from harness.procs import Poller

MB = 1024 ** 2
PROBE = "import dlskills, matplotlib.pyplot"
# --traced: Python's own count of live bytes (numpy arrays included), and its peak since
# the last call; printed by a cell that is not stored
TRACE_START = "import tracemalloc as _tm; _tm.start()"
TRACE_READ = "print(*_tm.get_traced_memory()); _tm.reset_peak()"


def first_line(source):
    lines = [line for line in source.splitlines() if line.strip()]
    text = lines[0].strip() if lines else ""
    return text if len(text) <= 60 else text[:57] + "..."


def run_hidden(client, code):
    """Execute ``code`` in the kernel outside the notebook; returns its printed text.
    nbclient stores an executed cell at its index in the notebook, so the cell runs as a
    scratch cell appended to the notebook, then removed (the notebook's cells untouched)."""
    import nbformat

    cell = nbformat.v4.new_code_cell(code)
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    finally:
        client.nb.cells.pop()
    return "".join(out.get("text", "") for out in cell.outputs)


def measure(notebook, interval=0.1, timeout=600, traced=False):
    """Run ``notebook`` in a fresh kernel; returns a dict of figures in bytes and
    ``cells``: (index, first line, RSS before, after, peak during, live after, live peak)
    per code cell (the last two from tracemalloc with ``traced``, else None)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(notebook).parent)}})
    cells = []
    started = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.pid
        with Poller(pid, interval) as poller:
            fresh = poller.poll()[1]
            run_hidden(client, PROBE)
            imported = poller.poll()[1]
            if traced:
                run_hidden(client, TRACE_START)
            for index, cell in list(enumerate(nb.cells)):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                _, before = poller.window()        # one poll starts the cell's window
                client.execute_cell(cell, index)
                peak, after = poller.window()      # and one ends it
                live = live_peak = None
                if traced:
                    live, live_peak = map(int, run_hidden(client, TRACE_READ).split())
                cells.append((index, first_line(cell.source), before, after, peak, live,
                              live_peak))
            time.sleep(3 * interval)
            final = poller.poll()[1]
    # the kernel's lifetime peak (high-water marks read before each reset) and the
    # largest polled total of the kernel and its children
    return {"fresh": fresh, "imported": imported, "final": final,
            "peak": max(poller.total_peak, poller.peak.get(pid, 0)),
            "polled_peak": poller.total_peak, "hwm": poller.peak.get(pid),
            "samples": poller.samples, "seconds": time.perf_counter() - started,
            "cells": cells}


def print_chapter(name, figures, top):
    mb = {key: figures[key] / MB for key in ("fresh", "imported", "peak", "final")}
    hwm = "n/a" if figures["hwm"] is None else f"{figures['hwm'] / MB:.0f} MB"
    print(f"\n{name}  ({figures['seconds']:.0f} s, {figures['samples']} samples)")
    print(f"  fresh kernel {mb['fresh']:6.0f} MB   after import dlskills + matplotlib "
          f"{mb['imported']:6.0f} MB")
    print(f"  PEAK         {mb['peak']:6.0f} MB   (polled {figures['polled_peak'] / MB:.0f} "
          f"MB, kernel's high-water mark {hwm})   after the last cell {mb['final']:6.0f} MB")
    cells = figures["cells"]
    kept = sorted(cells, key=lambda c: c[3] - c[2], reverse=True)[:top]
    print("  cells that add the most retained memory (after - before):")
    for index, line, before, after, *_ in kept:
        print(f"    {(after - before) / MB:+7.1f} MB  cell {index:3d}  {line}")
    rise = sorted(cells, key=lambda c: c[4] - c[2], reverse=True)[:top]
    print("  largest rise within a cell (peak during - before):")
    for index, line, before, _, peak, *_ in rise:
        print(f"    {(peak - before) / MB:+7.1f} MB  cell {index:3d}  {line}")
    if cells and cells[0][5] is not None:
        top_live = max(cells, key=lambda c: c[6])
        print(f"  live Python memory (tracemalloc, since the imports): after the last cell "
              f"{cells[-1][5] / MB:.1f} MB, peak {top_live[6] / MB:.1f} MB in cell "
              f"{top_live[0]}; cells whose live memory grows most:")
        previous = [0] + [c[5] for c in cells[:-1]]
        grown = sorted(zip(cells, previous), key=lambda p: p[0][5] - p[1], reverse=True)
        for cell, before in grown[:top]:
            print(f"    {(cell[5] - before) / MB:+7.1f} MB  cell {cell[0]:3d}  {cell[1]}"
                  f"   (live peak in the cell {cell[6] / MB:.1f} MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", type=int, default=[1, 2, 3, 4, 5],
                        help="chapter numbers (default 1 2 3 4 5)")
    parser.add_argument("--top", type=int, default=5, help="cells listed per chapter")
    parser.add_argument("--traced", action="store_true",
                        help="also count live Python memory per cell with tracemalloc "
                             "(finds what is kept alive; slower, RSS a little higher)")
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between RSS samples (default 0.1)")
    args = parser.parse_args()

    # The kernels see this checkout and draw inline, as in JupyterLab.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(bench.REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    os.environ.pop("MPLBACKEND", None)
    print(f"{bench.load_text()} (timings are inflated on a busy machine; memory is not)")
    results = {}
    for chapter in args.chapters:
        notebook = chapter_notebook(f"{chapter:02d}")
        results[chapter] = figures = measure(notebook, args.interval, traced=args.traced)
        print_chapter(notebook.name, figures, args.top)
    print("\nchapter   peak MB   after import MB   after last cell MB")
    for chapter, figures in results.items():
        print(f"  {chapter:5d}   {figures['peak'] / MB:7.0f}   {figures['imported'] / MB:15.0f}"
              f"   {figures['final'] / MB:18.0f}")
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
