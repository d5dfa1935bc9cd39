"""A class on one JupyterHub: N students run a chapter at once, then move its explorer.

Starts the course's hub (deploy/jupyterhub/jupyterhub_config.py, with its proxy from
``deploy/jupyterhub/install_proxy.sh``) on 127.0.0.1 through ``harness/hub.py``: dummy
login, SimpleLocalProcessSpawner with homes in a temp folder. Each student's server is
started through the hub's REST API; in it a kernel (websocket through the proxy) runs the
chapter's code cells in order, then moves the chapter's explorer (``harness.hub.MOVES``:
``ex.set(...)``; chapter 5 a one-epoch ``lab.run(...)``), each move timed from
execute_request to idle. All students at once, one thread each. Every process of the hub's
tree is polled every 0.2 s (``harness.procs.Poller``): its peak RSS is the OS's
high-water mark (VmHWM), so a peak between two polls counts; CPU seconds are sampled.

Prints per chapter: each student's kernel peak RSS, chapter time and kernel CPU; the
hub + proxy + server overhead per student; explorer response median/p95; errors (must be
0); then a capacity table (students per core and per GB, and what one 16-core / 64 GB
server holds) and the per-student memory a limit must allow.

    python benchmarks/classroom.py                       # 10 students, chapter 1
    python benchmarks/classroom.py --students 4 --chapter 01 03 05 --timeout 900

Bounded: --timeout seconds per chapter (then the hub and everything under it is stopped
and the run counted as errors). Only 127.0.0.1. Every process and home folder it made is
removed at the end, also on Ctrl-C or an error.
"""
import argparse
import math
import signal
import statistics
import sys
import threading
import time

if __package__:                               # python -m benchmarks.classroom
    from . import _common as bench
else:                                         # python benchmarks/classroom.py
    import _common as bench

from harness.hub import MOVES, Hub, missing_reason, run_class

MB = 1 << 20
OS_RESERVE_MB = 2048      # left to the operating system on the big server (an assumption)


def parse():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--students", type=int, default=10, help="students at once (default 10)")
    parser.add_argument("--chapter", nargs="+", default=["01"], choices=sorted(MOVES),
                        help="chapters, one class run each (default 01)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="passes over the chapter's explorer moves (default 2)")
    parser.add_argument("--timeout", type=float, default=1200.0,
                        help="seconds allowed per chapter run (default 1200)")
    parser.add_argument("--window", type=float, default=600.0,
                        help="capacity: the class runs the chapter within this many "
                             "seconds of a lecture (default 600)")
    args = parser.parse_args()
    if not 1 <= args.students <= 60:
        parser.error("--students: 1 to 60")
    if not 1 <= args.rounds <= 20 or args.timeout <= 0 or args.window <= 0:
        parser.error("--rounds 1-20, --timeout and --window > 0")
    return args


def mb(value):
    return f"{value / MB:6.0f} MB"


def measure(chapter, args):
    """One class run of ``chapter``; prints its figures, returns them for the table."""
    print(f"\n=== chapter {chapter}: {args.students} students at once ===")
    print(f"at start: {bench.load_text()}")
    started = time.perf_counter()
    with Hub(prefix="dlskills-classroom-") as hub:
        result = {}
        worker = threading.Thread(daemon=True, target=lambda: result.update(
            runs=run_class(hub, args.students, chapter, rounds=args.rounds)))
        worker.start()
        worker.join(args.timeout)
        runs = result.get("runs")
        roles = hub.processes()
        peaks, cpu = dict(hub.poller.peak), dict(hub.poller.cpu)
        shared = {role: pid for pid, (role, _) in roles.items()
                  if role in ("hub", "proxy", "idle-culler")}
    wall = time.perf_counter() - started
    print(f"after: {bench.load_text()}; {wall:.0f} s wall in all")
    if runs is None:
        print(f"ERRORS: the class did not finish within --timeout {args.timeout:.0f} s; "
              f"everything was stopped")
        return None
    servers = {student: pid for pid, (role, student) in roles.items() if role == "server"}
    print(f"{'student':10s} {'kernel peak':>12s} {'chapter':>8s} {'kernel CPU':>11s} "
          f"{'moves median':>13s}  errors")
    kernel_peaks, kernel_cpu, chapter_times, moves, errors = [], [], [], [], []
    for run in runs:
        peak, seconds = peaks.get(run.kernel_pid, 0), cpu.get(run.kernel_pid, 0.0)
        kernel_peaks.append(peak)
        kernel_cpu.append(seconds)
        chapter_times.append(run.chapter_seconds)
        moves += run.moves
        errors += [f"{run.name}: {e}" for e in run.errors]
        middle = f"{1000 * statistics.median(run.moves):9.0f} ms" if run.moves else "         -"
        print(f"{run.name:10s} {mb(peak):>12s} {run.chapter_seconds:7.1f}s {seconds:10.1f}s "
              f"{middle:>13s}  {len(run.errors)}")
        for warning in run.warnings[:3]:
            print(f"    warning: {warning}")
    server_peaks = [peaks.get(pid, 0) for pid in servers.values()]
    server_cpu = [cpu.get(pid, 0.0) for pid in servers.values()]
    shared_rss = {role: peaks.get(pid, 0) for role, pid in shared.items()}
    per_student_overhead = sum(shared_rss.values()) / args.students + statistics.median(server_peaks)
    print("overhead: " + ", ".join(f"{role} {mb(rss).strip()}" for role, rss in shared_rss.items())
          + f" (shared), single-user server median {mb(statistics.median(server_peaks)).strip()}"
          f" (max {mb(max(server_peaks)).strip()}, CPU {statistics.median(server_cpu):.1f} s)")
    print(f"overhead per student: {mb(per_student_overhead).strip()} "
          f"(shared / {args.students} + one server)")
    print(f"kernel peak RSS: median {mb(statistics.median(kernel_peaks)).strip()}, "
          f"max {mb(max(kernel_peaks)).strip()}")
    print(f"chapter under load: median {statistics.median(chapter_times):.1f} s, "
          f"max {max(chapter_times):.1f} s (kernel CPU median {statistics.median(kernel_cpu):.1f} s)")
    if moves:
        figures = bench.stats(moves)
        print(f"explorer response ({MOVES[chapter][0]}.{MOVES[chapter][1]}, n={figures['n']}): "
              f"median {1000 * figures['median']:.0f} ms, p95 {1000 * figures['p95']:.0f} ms, "
              f"max {1000 * figures['max']:.0f} ms")
    print(f"errors: {len(errors)}")
    for error in errors[:10]:
        print(f"    {error}")
    return {"kernel": max(kernel_peaks), "server": max(server_peaks),
            "shared": sum(shared_rss.values()),
            "cpu": statistics.median(kernel_cpu) + statistics.median(server_cpu),
            "errors": len(errors)}


def capacity(figures, args):
    """Students per core and per GB per chapter, what a 16-core / 64 GB server holds."""
    print(f"\n=== capacity (from the peaks above; CPU: the class runs the chapter within "
          f"{args.window:.0f} s) ===")
    print(f"{'chapter':8s} {'per student':>12s} {'per GB':>7s} {'CPU s':>6s} {'per core':>9s} "
          f"{'16 cores / 64 GB':>17s}  bound by")
    for chapter, f in figures.items():
        if f is None:
            print(f"{chapter:8s} (no figures: the run did not finish)")
            continue
        student = f["kernel"] + f["server"]
        per_gb = 1024 * MB / student
        per_core = args.window / f["cpu"] if f["cpu"] else math.inf
        by_memory = int((64 * 1024 * MB - OS_RESERVE_MB * MB - f["shared"]) / student)
        by_cpu = int(16 * per_core)
        print(f"{chapter:8s} {mb(student):>12s} {per_gb:7.1f} {f['cpu']:6.1f} {per_core:9.1f} "
              f"{min(by_memory, by_cpu):17d}  {'memory' if by_memory <= by_cpu else 'CPU'}")
    usable = [f for f in figures.values() if f]
    if usable:
        worst = max(f["kernel"] + f["server"] for f in usable)
        print(f"per student (kernel + server), worst chapter: {mb(worst).strip()}; "
              f"one kernel open at a time (idle kernels are culled after "
              f"DLSKILLS_HUB_KERNEL_CULL seconds)")
    print(f"(64 GB less {OS_RESERVE_MB} MB for the system and the shared hub/proxy/culler; "
          f"per core: {args.window:.0f} s / (kernel + server CPU s per student))")


def interrupted(signum, frame):
    """SIGTERM as Ctrl-C; a second one while the hub is being stopped is ignored."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main():
    args = parse()
    reason = missing_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    # SIGTERM like Ctrl-C: the hub's `with` stops everything on the way out.
    signal.signal(signal.SIGTERM, interrupted)
    figures = {chapter: measure(chapter, args) for chapter in args.chapter}
    capacity(figures, args)
    failed = sum(f["errors"] if f else 1 for f in figures.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
