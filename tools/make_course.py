"""Build an nbgrader course folder from the notebooks (the teacher's edition).

    python tools/make_course.py ~/dlskills-course

writes ``nbgrader_config.py`` and ``source/ch1`` .. ``source/ch5``: each chapter notebook
with every graded cell (nbgrader ``grade_id``) replaced by the solutions notebook's cell
of the same ``grade_id`` (reference answer between ``### BEGIN SOLUTION`` /
``### END SOLUTION``, hidden tests), outputs cleared, plus the images its markdown shows.
Release and grading are nbgrader's own commands (README, "课堂：nbgrader")::

    cd ~/dlskills-course && nbgrader generate_assignment ch1
    # collect the students' notebooks into submitted/<student>/ch1/
    nbgrader autograde ch1

Running it again rewrites ``source/`` and the config; the gradebook is left alone.
"""
import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat

from dlskills.messages import say

if str(Path(__file__).resolve().parents[1]) not in sys.path:   # run as a script
    sys.path.append(str(Path(__file__).resolve().parents[1]))
from harness import course  # noqa: E402  (harness/ is beside tools/)

COURSE_ID = "dlskills"
CONFIG = '''\
# nbgrader configuration of the dlskills course (written by tools/make_course.py).
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {course_id!r}
# What an answer region becomes in the student edition: the same stub as the chapter
# notebooks (dlskills' message "exercise.code_stub").
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
# autograde runs a whole chapter; its training cells take far longer than nbgrader's
# default 30 s a cell on a slow laptop.
c.Execute.timeout = 900
'''


def chapters():
    """``{assignment name: chapter notebook}``: ch1 .. ch5."""
    return {f"ch{int(path.name[:2])}": path for path in course.chapters()}


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def graded_cells(notebook):
    """``{grade_id: cell}`` of the cells that carry nbgrader metadata."""
    return {grade_id(cell): cell for cell in notebook.cells if grade_id(cell)}


def teacher_edition(chapter):
    """The chapter notebook with the solutions notebook's graded cells (keeping the
    chapter's cell tags), outputs cleared."""
    notebook = nbformat.read(chapter, as_version=4)
    answers = graded_cells(nbformat.read(course.solution_of(chapter), as_version=4))
    asked = graded_cells(notebook)
    if set(asked) != set(answers):
        raise SystemExit(f"{chapter.name} and {course.solution_of(chapter).name} disagree on the "
                         f"graded cells: only in the chapter {sorted(set(asked) - set(answers))}, "
                         f"only in the solutions {sorted(set(answers) - set(asked))}")
    for index, cell in enumerate(notebook.cells):
        if grade_id(cell):        # the answer from the solutions, the tags (nbval,
            tags = cell.metadata.get("tags")             # lecture page) from the chapter
            cell = notebook.cells[index] = copy.deepcopy(answers[grade_id(cell)])
            cell.metadata.pop("tags", None)
            if tags:
                cell.metadata["tags"] = list(tags)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def shown_files(notebook):
    """Relative paths of the local images the notebook's markdown shows."""
    targets = (re.findall(r"!\[[^\]]*\]\(([^)\s]+)", cell.source)
               for cell in notebook.cells if cell.cell_type == "markdown")
    return sorted({t for found in targets for t in found if ":" not in t})


def make_course(course_dir):
    course = Path(course_dir).expanduser()
    if course.exists() and not course.is_dir():
        raise SystemExit(f"course_dir {course} exists and is not a folder")
    for assignment, chapter in chapters().items():
        folder = course / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        notebook = teacher_edition(chapter)
        nbformat.write(notebook, folder / chapter.name)
        for target in shown_files(notebook):
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(chapter.parent / target, folder / target)
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(course_id=COURSE_ID, stub=str(say("exercise.code_stub"))),
        encoding="utf-8")
    return course


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course_dir", help="the nbgrader course folder to write")
    course = make_course(parser.parse_args(argv).course_dir)
    print(f"{course}: nbgrader_config.py, source/{{{','.join(chapters())}}}")


if __name__ == "__main__":
    main()
