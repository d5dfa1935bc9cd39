"""What polling a process tree costs (harness/procs.py; not a test; prints numbers).

Starts a parent with ``--children`` sleeping child processes (a hub with a class's
servers and kernels is 3 + 2 per student), then times ``Poller.poll()`` (every process:
RSS, CPU seconds, high-water mark), ``Poller.window()`` (also resets the high-water
marks) and ``procs.cpu_seconds`` (Voilà's progress check), wall and CPU time, and prints
the share of one core a poller's CPU time takes at the hub's and kernel_memory's
intervals. ``psutil``'s child lookup reads every process of the machine: the cost grows
with all processes running, not only the tree's.

    python benchmarks/poller.py                     # 23 children (10 students)
    python benchmarks/poller.py --children 123 -n 50
"""
import argparse
import subprocess
import sys
import time

if __package__:                               # python -m benchmarks.poller
    from . import _common as bench
else:                                         # python benchmarks/poller.py
    import _common as bench

from harness import procs

PARENT = """
import subprocess, sys, time
children = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
            for _ in range(int(sys.argv[1]))]
print("ready", flush=True)
sys.stdin.read()
for child in children:
    child.kill()
"""


def timed(label, function, n):
    """Report wall and CPU seconds of ``n`` calls of ``function``, one by one; returns the
    CPU seconds' figures (on a busy machine the wall time is mostly waiting)."""
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    bench.report(label, wall, cpu=cpu)
    return bench.stats(cpu)


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--children", type=int, default=23,
                        help="child processes under the polled parent (default 23)")
    parser.add_argument("-n", type=int, default=30, help="calls timed (default 30)")
    args = parser.parse_args()
    if not 0 <= args.children <= 500 or args.n < 1:
        parser.error("--children 0-500, -n >= 1")
    print(f"at start: {bench.load_text()}")
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(args.children)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline() == "ready\n"
        poller = procs.Poller(parent.pid)
        assert len(poller.poll()[0]) == args.children + 1
        label = f"{args.children + 1} processes"
        poll = timed(f"Poller.poll(), {label}", poller.poll, args.n)
        timed(f"Poller.window(), {label}", poller.window, args.n)
        timed(f"procs.cpu_seconds, {label}", lambda: procs.cpu_seconds(parent.pid), args.n)
        for who, interval in (("hub (harness/hub.py)", 0.2), ("kernel_memory", 0.1)):
            print(f"CPU share of one core polling every {interval} s ({who}): "
                  f"{100 * poll['median'] / interval:.1f} %")
    finally:
        parent.stdin.close()
        parent.wait(timeout=30)
    print(f"at the end: {bench.load_text()}")


if __name__ == "__main__":
    main()
