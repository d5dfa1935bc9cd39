"""Which cells the lecture page (Voilà) leaves out, and the tag that says so.

``voila notebooks/<chapter>.ipynb`` run from the repository root reads ``voila.json``
there: code is hidden (``strip_sources``) and every cell tagged ``lecture-hide`` is
removed before the kernel runs (nbconvert's ``TagRemovePreprocessor``), so a hidden cell
is not executed either. The policy, one rule a kind of cell:

- a code cell that only prints source listings (``dl.show_code`` / imports);
- an exercise's check cell: code from the chapter's exercise section on that calls a
  ``check_...`` function (the answer cell above it shows nothing: code is stripped);
- a markdown cell that is only the link to the reference answers (``做完再看：...``).

A teacher may tag more cells; :func:`hidden_names_used` says whether a visible cell
still needs a name that only a hidden cell defines (the page would fail).

    python tools/lecture_tags.py          # add the tag where the policy asks for it
    python tools/lecture_tags.py --check  # exit 1 and list cells missing the tag
"""
import argparse
import ast
import json
import re
import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:   # run as a script
    sys.path.append(str(Path(__file__).resolve().parents[1]))
from harness.course import chapters  # noqa: E402  (harness/ is beside tools/)

TAG = "lecture-hide"
EXERCISE_HEADING = re.compile(r"^## \d+ 练习", re.M)
CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
ANSWER_LINK = re.compile(r"^\s*做完再看：\[[^\]]*\]\(solutions/[^)]*\)\s*$")
WIDGET = "application/vnd.jupyter.widget-view+json"


def source(cell):
    return "".join(cell["source"])


def python_source(cell):
    """The cell's code without IPython magics / shell lines (so ``ast`` can read it)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source(cell).splitlines())


def only_prints_source(cell):
    """True for a code cell whose statements are all ``show_code(...)`` calls or imports."""
    tree = ast.parse(python_source(cell))
    calls = 0
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call):
            return False
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "show_code":
            return False
        calls += 1
    return calls > 0


def shows_widget(cell):
    return any(WIDGET in out.get("data", {}) for out in cell.get("outputs", []))


def policy(cells):
    """Indices of the cells the policy hides (see the module docstring)."""
    start = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                  and EXERCISE_HEADING.search(source(c))), len(cells))
    hide = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            if only_prints_source(cell) or (i >= start and CHECK_CALL.search(source(cell))):
                hide.append(i)
        elif cell["cell_type"] == "markdown" and ANSWER_LINK.match(source(cell)):
            hide.append(i)
    return hide


def is_hidden(cell):
    return TAG in cell.get("metadata", {}).get("tags", [])


def _names(tree, context):
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, context):
            found.add(node.id)
        elif context is ast.Store:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update((a.asname or a.name).split(".")[0] for a in node.names)
    return found


def hidden_names_used(cells):
    """[(cell index, name)]: a visible code cell loads ``name`` and the last cell above it
    that binds ``name`` is hidden (so on the lecture page it would be undefined)."""
    bound_by = {}                       # name -> is the latest binding hidden?
    missing = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(python_source(cell))
        if not is_hidden(cell):
            missing += [(i, name) for name in sorted(_names(tree, ast.Load))
                        if bound_by.get(name)]
        for name in _names(tree, ast.Store):
            bound_by[name] = is_hidden(cell)
    return missing


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path, notebook):
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path, default=chapters())
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        notebook = _load(path)
        cells = notebook["cells"]
        untagged = [i for i in policy(cells) if not is_hidden(cells[i])]
        for i in untagged:
            print(f"{path.name}: cell {i} needs the tag {TAG!r}: {source(cells[i])[:60]!r}")
            if not args.check:
                cells[i].setdefault("metadata", {}).setdefault("tags", []).append(TAG)
        if untagged and not args.check:
            _save(path, notebook)
        status |= bool(untagged) and args.check
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
