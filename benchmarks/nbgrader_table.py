"""The nbgrader grading table from the real CLI, and how long grading takes (not a test).

    python benchmarks/nbgrader_table.py                 # in a temporary course folder
    python benchmarks/nbgrader_table.py ~/dlskills-course-try   # keep the folder

Runs exactly what tests/test_nbgrader.py runs (``make_course``, ``generate_assignment``
and ``autograde`` of the teacher's edition, the untouched student edition and a
half-solved copy; two chapters autograded at a time), for all five chapters (the test
leaves chapter 5 out for CI time), and prints chapter x submission -> points,
the seconds per chapter and the load average before and after.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if sys.path[0] != str(REPO):
    sys.path.insert(0, str(REPO))

from tests.test_nbgrader import ALL_CHAPTERS, grade_course, table  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course_dir", nargs="?", help="a new folder to keep (default: temporary)")
    args = parser.parse_args()
    print("load average before: %.1f %.1f %.1f" % os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="dlskills-course-") as scratch:
        course = Path(args.course_dir or Path(scratch) / "course").expanduser()
        start = time.perf_counter()
        results, seconds = grade_course(course, ALL_CHAPTERS)
        whole = time.perf_counter() - start
        print(table(results, course))
    print("autograde seconds per chapter (3 submissions, 2 chapters at a time): "
          + ", ".join(f"{a} {seconds[a]:.0f}" for a in ALL_CHAPTERS))
    print(f"whole (make_course + {len(ALL_CHAPTERS)} chapters, 2 at a time): {whole:.0f} s")
    print("load average after: %.1f %.1f %.1f" % os.getloadavg())


if __name__ == "__main__":
    main()
