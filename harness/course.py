"""The course's notebooks, found one way by tools/, tests/, benchmarks/ and harness/: the
chapters are ``notebooks/0N_<title>.ipynb`` (N = 1..9, in chapter order), their answers
``notebooks/solutions/0N_solutions.ipynb``."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO_ROOT / "notebooks"


def chapters():
    """The chapter notebooks, in chapter order."""
    return sorted(NOTEBOOKS.glob("0[0-9]_*.ipynb"))


def solutions():
    """The answer notebooks, in chapter order."""
    return sorted((NOTEBOOKS / "solutions").glob("0[0-9]_*.ipynb"))


def solution_of(chapter):
    """The answer notebook of the chapter notebook ``chapter`` (a path)."""
    return NOTEBOOKS / "solutions" / f"{Path(chapter).name[:2]}_solutions.ipynb"


def chapter_notebook(chapter):
    """The chapter notebook ``notebooks/<chapter>_*.ipynb`` for "01".."05"."""
    found = [path for path in chapters() if path.name.startswith(f"{chapter}_")]
    if len(found) != 1:
        raise ValueError(f"chapter: no single notebook notebooks/{chapter}_*.ipynb")
    return found[0]
