"""What a learner meets in the stored notebooks, checked from their JSON.

- maintenance stays out of sight: no nbval marker or CI/test remark in a cell's source;
- predict, then check: in a chapter notebook, every exercise check's stored output says
  "not yet" (the stub is unsolved) and the reference answer is not in the chapter at all;
  the chapter's solutions notebook shows every check passing;
- every explorer output carries a PNG, so GitHub and nbviewer show its figure;
- markdown images are files inside notebooks/ (the folder JupyterLab serves);
- one vocabulary and one heading style in every notebook;
- the lecture page (Voilà, ``voila.json``) leaves out source listings, exercises and
  answer links by the cell tag ``lecture-hide`` (policy: ``tools/lecture_tags.py``),
  keeps every explorer, and no shown cell needs a name only a hidden cell defines.
"""
import importlib.util
import json
import re

import pytest

from dlskills.messages import say
from harness import course

NOTEBOOKS = course.NOTEBOOKS
CHAPTERS = course.chapters()
CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
WIDGET = "application/vnd.jupyter.widget-view+json"
RIGHT, WRONG = (say(key, message="").strip() for key in ("verdict.right", "verdict.wrong"))


def cells(path, kind="code"):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in notebook["cells"] if c["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


def output_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def checked_names(code_cells):
    return {name for c in code_cells for name in re.findall(r"\b(check_\w+)\s*\(", source(c))}


def exercise_part(path):
    """The code cells from the chapter's exercise section on (taught code above it may
    show what an exercise asks to rewrite)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))["cells"]
    start = next(i for i, c in enumerate(notebook) if c["cell_type"] == "markdown"
                 and re.search(r"^## \d+ 练习", source(c), re.M))
    return [c for c in notebook[start:] if c["cell_type"] == "code"]


def test_there_are_five_chapters():
    assert len(CHAPTERS) >= 5


@pytest.mark.parametrize("path", CHAPTERS + course.solutions(),
                         ids=lambda p: p.name)
def test_no_maintenance_text_in_what_the_learner_reads(path):
    for cell in cells(path, "code") + cells(path, "markdown"):
        text = source(cell)
        assert "NBVAL" not in text, text[:80]
        assert not re.search(r"\bnbval\b|\bpytest\b|\bCI\b", text), text[:120]


@pytest.mark.parametrize("path", CHAPTERS + course.solutions(),
                         ids=lambda p: p.name)
def test_stored_executed_without_errors(path):
    code = cells(path)
    assert code and all(c["execution_count"] is not None for c in code)
    for cell in code:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", source(cell)[:80]
            assert out.get("name") != "stderr", "".join(out.get("text", ""))[:300]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_unsolved_exercises_say_not_yet_and_give_nothing_away(path):
    checks = [c for c in cells(path) if CHECK_CALL.search(source(c))]
    assert checks, "a chapter without exercise checks"
    for cell in checks:
        shown = output_text(cell)
        assert WRONG in shown and RIGHT not in shown, (source(cell)[:80], shown[:200])
    solved = course.solution_of(path)
    assert solved.exists(), f"{path.name}: no solutions notebook {solved.name}"
    answered = [c for c in cells(solved) if CHECK_CALL.search(source(c))]
    assert checked_names(answered) == checked_names(checks), "one answer per exercise"
    chapter_code = "\n".join(source(c) for c in exercise_part(path))
    for cell in cells(solved):
        text = source(cell)
        if "nbgrader" in cell["metadata"]:      # the lines around the regions are the stub's
            text = "\n".join(re.findall(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION",
                                        text, re.S))
        for line in text.splitlines():
            line = line.strip()
            # a line of reference code (not an import, a check call or a comment)
            # (signatures such as "def update(self, params, grads):" are the stub's too)
            if (len(line) > 25
                    and not line.startswith(("import", "from", "#", "print", "def ", "class "))
                    and "check_" not in line):
                assert line not in chapter_code, f"{path.name} shows the answer: {line}"
    markdown = "\n".join(source(c) for c in cells(path, "markdown"))
    assert f"solutions/{solved.name}" in markdown


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_solution_passes_its_check(path):
    checks = [c for c in cells(course.solution_of(path)) if CHECK_CALL.search(source(c))]
    assert checks
    for cell in checks:
        shown = output_text(cell)
        assert RIGHT in shown and WRONG not in shown, (source(cell)[:80], shown[:200])
        assert "nbval-check-output" in cell["metadata"].get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_explorers_are_stored_with_a_figure(path):
    for cell in cells(path):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            assert WIDGET not in data or "image/png" in data, \
                f"{path.name}: widget stored without a figure: {source(cell)[:80]}"
    explorer_cells = [c for c in cells(path)
                      if re.search(r"^\w+ = \w+(Explorer|Playground|Trainer|Lab)\(",
                                   source(c), re.M)]
    for cell in explorer_cells:
        assert any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])), \
            f"{path.name}: explorer stored without its figure: {source(cell)[:80]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_markdown_images_live_inside_the_served_folder(path):
    for cell in cells(path, "markdown"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", source(cell)):
            if target.startswith(("http:", "https:", "attachment:", "data:")):
                continue
            file = (path.parent / target).resolve()
            assert NOTEBOOKS.resolve() in file.parents, f"{target} is outside notebooks/"
            assert file.is_file(), f"{path.name}: image {target} does not exist"


@pytest.mark.parametrize("path", CHAPTERS + course.solutions(),
                         ids=lambda p: p.name)
def test_one_vocabulary_and_one_heading_style(path):
    prose = "\n".join(source(c) for c in cells(path, "markdown"))
    assert "讲义" not in prose                      # the course text is 课文
    assert "检查器" not in prose                    # a checker is a 检查函数
    assert not re.search("单元(?!格)", prose)       # a unit is a 神经元 (单元格 = a cell)
    chapter = int(path.name[:2])
    for level, title in re.findall(r"^(#+) (.*)$", prose, flags=re.M):
        if level == "#":
            assert re.match(rf"第 {chapter} 章\u3000\S", title), title
        elif level == "##":
            assert re.match(r"(\d+ |练习 \d+：)\S|学习目标|小结", title), title
        else:
            assert re.match(r"(\d+\.\d+ |练习 \d+：)\S", title), title


def _lecture_tool():
    spec = importlib.util.spec_from_file_location(
        "lecture_tags", NOTEBOOKS.parent / "tools" / "lecture_tags.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lecture = _lecture_tool()


def test_voila_json_strips_code_and_removes_the_tagged_cells():
    config = json.loads((NOTEBOOKS.parent / "voila.json").read_text(encoding="utf-8"))
    assert config["VoilaConfiguration"]["strip_sources"] is True
    assert config["TagRemovePreprocessor"]["remove_cell_tags"] == [lecture.TAG]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_lecture_page_tags_follow_the_policy(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))["cells"]
    untagged = [i for i in lecture.policy(notebook) if not lecture.is_hidden(notebook[i])]
    assert not untagged, f"{path.name}: cells {untagged} need the tag {lecture.TAG!r} " \
                         "(python tools/lecture_tags.py adds it)"
    explorers = [i for i, c in enumerate(notebook) if lecture.shows_widget(c)]
    assert explorers and not any(lecture.is_hidden(notebook[i]) for i in explorers)
    assert lecture.hidden_names_used(notebook) == []


def _cell(kind, text, hidden=False):
    cell = {"cell_type": kind, "source": [text], "metadata": {}, "outputs": []}
    if hidden:
        cell["metadata"]["tags"] = [lecture.TAG]
    return cell


def test_lecture_policy_on_made_up_cells():
    made_up = [_cell("code", "%matplotlib inline\nimport numpy as np"),
               _cell("code", "dl.show_code(dl.SGD)\nfrom x import y"),
               _cell("code", "dl.show_code(dl.SGD)\nnet = make()"),
               _cell("markdown", "## 4 练习\n\n### 练习 1：问题"),
               _cell("code", "answer = None\ncheck_answer(answer)"),
               _cell("markdown", "做完再看：[参考答案](solutions/01_solutions.ipynb)"),
               _cell("markdown", "做完再看，然后想一想。")]
    assert lecture.policy(made_up) == [1, 4, 5]
    # a shown cell using what only a hidden cell defined; a later redefinition is fine
    cells = [_cell("code", "def f():\n    return 1", hidden=True),
             _cell("code", "import os as system", hidden=True),
             _cell("code", "print(f(), system.sep)"),
             _cell("code", "f = len", hidden=False),
             _cell("code", "f([])")]
    assert lecture.hidden_names_used(cells) == [(2, "f"), (2, "system")]


# --- the exercises in nbgrader form (tools/make_course.py, tests/test_nbgrader.py) -------
EXERCISES = {"01": 5, "02": 3, "03": 4, "04": 4, "05": 2}       # exercises per chapter
STUB = say("exercise.code_stub")


def graded_cells(path):
    """The code cells that carry nbgrader metadata, in order, as nbformat nodes."""
    import nbformat
    notebook = nbformat.read(path, as_version=4)
    return [c for c in notebook.cells if "nbgrader" in c.metadata]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_exercise_is_an_answer_cell_then_its_locked_check_cell(path):
    graded = graded_cells(path)
    assert len(graded) == 2 * EXERCISES[path.name[:2]]
    ids = [c.metadata.nbgrader["grade_id"] for c in graded]
    assert len(set(ids)) == len(ids)
    for number, (answer, check) in enumerate(zip(graded[::2], graded[1::2]), start=1):
        ours, theirs = answer.metadata.nbgrader, check.metadata.nbgrader
        assert re.fullmatch(rf"ex{number}-[a-z0-9-]+", ours["grade_id"]), ours["grade_id"]
        assert theirs["grade_id"] == ours["grade_id"] + "-check"
        assert answer.id == ours["grade_id"] and check.id == theirs["grade_id"]
        assert (ours["solution"], ours["grade"], ours["locked"]) == (True, False, False)
        assert (theirs["solution"], theirs["grade"], theirs["locked"]) == (False, True, True)
        assert theirs["points"] > 0
        # the learner replaces the stub's line; as it is, it runs and the check says no
        assert answer.source.count(STUB) == 1 and not CHECK_CALL.search(answer.source)
        compile(answer.source, ours["grade_id"], "exec")
        assert CHECK_CALL.search(check.source)
        assert "nbval-check-output" in check.metadata.get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_exercises_are_what_nbgrader_makes_of_the_solutions(path):
    """The solutions notebook holds the graded cells in nbgrader's source form; the
    chapter's are nbgrader's own ClearSolutions (with the course's stub) and
    ClearHiddenTests of them (the full generate_assignment: tests/test_nbgrader.py)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    clear = ClearSolutions(code_stub={"python": str(STUB)})
    hide = ClearHiddenTests()
    chapter, solved = graded_cells(path), graded_cells(course.solution_of(path))
    assert [c.id for c in solved] == [c.id for c in chapter]
    for ours, reference in zip(chapter, solved):
        mine, theirs = ours.metadata.nbgrader, reference.metadata.nbgrader
        for key in ("grade_id", "solution", "grade", "locked", "points"):
            assert mine.get(key) == theirs.get(key), (mine["grade_id"], key)
        if theirs["solution"]:
            assert reference.source.count("### BEGIN SOLUTION") == 1
        else:
            assert re.search(r"### BEGIN HIDDEN TESTS\nassert .*\n### END HIDDEN TESTS",
                             reference.source)
        expected = reference.copy()
        clear._replace_solution_region(expected, "python")
        hide.preprocess_cell(expected, {}, 0)
        assert ours.source == expected.source, mine["grade_id"]
