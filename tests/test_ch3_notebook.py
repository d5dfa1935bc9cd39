"""Chapter 3 as stored: what only this chapter must say (what every chapter must show is
checked in tests/test_notebooks.py)."""
import json
from pathlib import Path

CHAPTER = Path(__file__).resolve().parent.parent / "notebooks" / "03_initialization.ipynb"


def test_the_six_kinds_of_the_course_text_are_all_named():
    cells = json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "六种初始化" in prose and "常数、单位矩阵、正态分布、均匀分布、Xavier、He" in prose
