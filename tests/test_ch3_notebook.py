"""Chapter 3 as stored: nothing spoiled, explorers visible without a kernel, answers in
the solutions notebook, the course's terms."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTER = NOTEBOOKS / "03_initialization.ipynb"
SOLUTIONS = NOTEBOOKS / "solutions" / "03_solutions.ipynb"


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def texts(cell):
    """Everything a stored output shows as text."""
    out = []
    for o in cell.get("outputs", []):
        if "text" in o:
            out.append("".join(o["text"]))
        for kind in ("text/plain", "text/markdown", "text/html"):
            if kind in o.get("data", {}):
                out.append("".join(o["data"][kind]))
    return "\n".join(out)


def exercise_cells():
    return [c for c in cells(CHAPTER) if c["cell_type"] == "code" and "# TODO" in source(c)]


def test_every_exercise_is_stored_unsolved_without_its_answer():
    stubs = exercise_cells()
    assert len(stubs) == 4
    answers = {"check_zero_init_answer": ["W3, b3", "b3 的梯度"],
               "check_relu_prediction": ["he", "最接近"],
               "check_he_normal": ["rng.normal(0.0, np.sqrt"],
               "check_xavier_uniform": ["np.sqrt(6.0"]}
    for cell in stubs:
        shown = texts(cell)
        assert shown.startswith("✗"), shown          # stored as "not yet"
        check = next(name for name in answers if name in source(cell))
        for giveaway in answers[check]:
            assert giveaway not in shown, (check, shown)


def test_each_exercise_links_to_its_reference_answer_and_none_is_in_the_chapter():
    all_cells = cells(CHAPTER)
    for k, cell in enumerate(all_cells):
        if cell in exercise_cells():
            following = source(all_cells[k + 1])
            assert "(solutions/03_solutions.ipynb)" in following, following
    assert not any("参考答案：练习" in source(c) for c in all_cells)
    assert not any(texts(c).startswith("✓") for c in all_cells if c["cell_type"] == "code")


def test_solutions_notebook_checks_every_exercise_right():
    sol = cells(SOLUTIONS)
    assert source(sol[0]).startswith("# 第 3 章　练习参考答案")
    headings = [source(c) for c in sol if source(c).startswith("## 练习")]
    assert [h.split("：")[0] for h in headings] == [f"## 练习 {k}" for k in (1, 2, 3, 4)]
    checked = [c for c in sol if "nbval-check-output" in c["metadata"].get("tags", [])]
    assert len(checked) == 4
    for cell in checked:
        assert texts(cell).startswith("✓"), texts(cell)


@pytest.mark.parametrize("path", [CHAPTER, SOLUTIONS])
def test_no_maintainer_markers_in_sources(path):
    for cell in cells(path):
        assert "NBVAL" not in source(cell)


def test_every_explorer_output_carries_a_static_png():
    explorers = [c for c in cells(CHAPTER) if c["cell_type"] == "code"
                 and any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                         for o in c.get("outputs", []))]
    assert len(explorers) == 2
    for cell in explorers:
        data = next(o["data"] for o in cell["outputs"] if "data" in o)
        assert data.get("image/png"), source(cell)


def test_the_course_terms():
    prose = "\n".join(source(c) for c in cells(CHAPTER) if c["cell_type"] == "markdown")
    assert "讲义" not in prose
    assert not re.search("单元(?!格)", prose)
    assert "六种初始化" in prose and "常数、单位矩阵、正态分布、均匀分布、Xavier、He" in prose
    headings = re.findall(r"^(#+) (.*)$", prose, flags=re.M)
    for level, title in headings:
        if level == "#":
            assert re.match(r"第 3 章　", title), title
        elif level == "##":
            assert re.match(r"\d+　", title), title
        else:
            assert re.match(r"\d+\.\d+　", title), title
