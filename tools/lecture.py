"""The lecture page of a chapter: Voilà with the course's lecture template.

    python tools/lecture.py notebooks/01_vanishing_exploding_gradients.ipynb [voila options]

run in the repository root, like ``voila``, whose arguments it takes: Voilà reads
``voila.json`` in the folder it starts in (code hidden, cells tagged ``lecture-hide``
removed). This adds the template ``lecture`` (``deploy/voila/templates/lecture``):
Voilà's lab template without the two Font Awesome stylesheets the lab template loads
from cdn.jsdelivr.net. Voilà's own voila-style.js carries Font Awesome with its fonts,
so the page asks no other host for anything and the buttons keep their icons in a
classroom without internet. Voilà finds templates only in the Jupyter data folders
(JUPYTER_PATH, the environment's share/jupyter), so this puts ``deploy/`` first among
them: nothing needs installing. (Plain ``voila notebooks/...`` still works, with the lab
template and the stylesheets from the CDN.)
"""
import os
import sys
from pathlib import Path

# a Jupyter data folder: Voilà looks for templates in its voila/templates
JUPYTER_DATA = Path(__file__).resolve().parents[1] / "deploy"


def jupyter_path(current=None):
    """JUPYTER_PATH with ``deploy/`` (holding voila/templates/lecture) first."""
    others = [p for p in (current or "").split(os.pathsep) if p and p != str(JUPYTER_DATA)]
    return os.pathsep.join([str(JUPYTER_DATA), *others])


def arguments(args):
    """Voilà's command line: the lecture template, then ``args`` (a later
    ``--template`` wins)."""
    return ["--template=lecture", *args]


def main(argv=None):
    os.environ["JUPYTER_PATH"] = jupyter_path(os.environ.get("JUPYTER_PATH"))
    from voila.app import main as voila

    sys.argv = ["voila", *arguments(sys.argv[1:] if argv is None else argv)]
    return voila()


if __name__ == "__main__":
    sys.exit(main())
