"""One process tree (a server and everything it started), read the same way by the hub
(harness/hub.py), Voilà (harness/voila.py) and the memory benchmarks.

Which numbers are sampled and which are high-water marks:

- sampled, true only at the moment they are read: a process's resident memory (RSS,
  psutil's ``memory_info().rss``), its CPU seconds (user + system), the tree's total RSS;
- high-water marks, kept by the OS, so a peak between two polls is not missed: a
  process's peak RSS, ``VmHWM`` in /proc/PID/status (Linux; psutil's ``memory_info`` and
  ``memory_full_info`` have no such field). Writing 5 to /proc/PID/clear_refs restarts it
  from the current RSS (:func:`reset_high_water_mark`), so a window's peak is exact too.
  Where /proc has neither (not Linux), the peaks are the largest sampled values.

:class:`Poller` reads the tree every ``interval`` seconds in a thread::

    with Poller(pid, interval=0.2) as poller:
        ...                                   # the server works
    poller.peak[pid], poller.cpu[pid]         # per process: peak RSS (bytes), CPU seconds

A process that ends between two polls keeps what its last poll read: its high-water mark
up to then (what it did after that is lost: /proc forgets a process when it ends).
"""
import contextlib
import threading
from pathlib import Path

import psutil


def alive(pid):
    """``psutil.Process(pid)`` if it runs (a zombie does not), else None."""
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(pid)
        if process.status() != psutil.STATUS_ZOMBIE:
            return process
    return None


def tree(pid):
    """The process ``pid`` and all its descendants that run ([] when ``pid`` does not)."""
    root = alive(pid)
    if root is None:
        return []
    found = [root]
    with contextlib.suppress(psutil.Error):
        found += root.children(recursive=True)
    return found


def high_water_mark(pid):
    """Peak RSS in bytes of process ``pid`` as the OS counted it (VmHWM; since the last
    :func:`reset_high_water_mark`), or None where /proc has none."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def reset_high_water_mark(pid):
    """Restart process ``pid``'s VmHWM from its current RSS (Linux >= 4.0, same user or
    root); True if it was reset."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` and its descendants that run now;
    None when ``pid`` does not run."""
    processes = tree(pid)
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total if processes else None


def thread_states(pid):
    """One line per process of the tree: its command, and each thread's state and the
    kernel function it waits in (/proc wchan): tells a busy process from one that waits."""
    lines = []
    for process in tree(pid):
        with contextlib.suppress(psutil.Error, OSError):
            command = " ".join(process.cmdline())[:90]
            threads = []
            for thread in sorted(t.id for t in process.threads()):
                with contextlib.suppress(OSError, IndexError):
                    task = Path(f"/proc/{process.pid}/task/{thread}")
                    state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    threads.append(f"{state}:{(task / 'wchan').read_text().strip() or '-'}")
            lines.append(f"  pid {process.pid} [{' '.join(threads)}] {command}")
    return "\n".join(lines)


class Poller(threading.Thread):
    """Reads the tree of ``pid`` every ``interval`` seconds (:meth:`poll`), keeping:

    - ``seen``: {pid: start time} of every process of the tree it ever saw (a reused pid
      is never taken for one of them: see :meth:`leftovers`);
    - ``peak``: {pid: peak RSS in bytes}, the larger of the high-water mark and the
      sampled RSS (a lifetime peak: kept across :meth:`window`'s resets);
    - ``cpu``: {pid: CPU seconds at the last poll};
    - ``total_peak``: the largest sampled total RSS of the tree, and ``samples``.
    """

    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.seen, self.peak, self.cpu = {}, {}, {}
        self.total_peak = self.samples = 0
        self._window_peak = 0
        self._window_exact = False
        self._lock = threading.RLock()
        self._halt = threading.Event()

    def poll(self):
        """Read every process of the tree now; returns them (psutil.Process) and their
        total RSS in bytes."""
        processes, total = tree(self.pid), 0
        with self._lock:
            for process in processes:
                with contextlib.suppress(psutil.Error):
                    pid = process.pid
                    self.seen.setdefault(pid, process.create_time())
                    rss = process.memory_info().rss
                    times = process.cpu_times()
                    self.peak[pid] = max(self.peak.get(pid, 0), rss,
                                         high_water_mark(pid) or 0)
                    self.cpu[pid] = times.user + times.system
                    total += rss
            self.samples += 1
            self.total_peak = max(self.total_peak, total)
            self._window_peak = max(self._window_peak, total)
        return processes, total

    def window(self):
        """End the current window and start the next, with one poll. Returns the ended
        window's peak of the tree's total RSS (the sum of its processes' high-water marks
        since the window began when the OS could reset them all then: exact for one
        process, for several an upper bound, their peaks need not coincide; else the
        largest sampled total) and the total RSS that poll read (the next window's start)."""
        with self._lock:
            processes, total = self.poll()
            ended = self._window_peak
            if self._window_exact:
                marks = [high_water_mark(p.pid) for p in processes]
                if None not in marks:
                    ended = max(ended, sum(marks))
            self._window_exact = all([reset_high_water_mark(p.pid) for p in processes])
            self._window_peak = total
        return ended, total

    def leftovers(self):
        """Pids of processes of the tree (ever seen) that still run: the same processes,
        their start time the one seen."""
        found = []
        for pid, created in list(self.seen.items()):
            process = alive(pid)
            with contextlib.suppress(psutil.Error):
                if process is not None and process.create_time() == created:
                    found.append(pid)
        return found

    def run(self):
        while not self._halt.is_set():
            self.poll()
            self._halt.wait(self.interval)

    def stop(self):
        """Stop polling (after one last poll)."""
        self._halt.set()
        if self.is_alive():
            self.join()
        self.poll()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
