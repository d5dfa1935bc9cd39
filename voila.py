"""Voilà reads this file, with voila.json, when started in the repository root (README,
"课堂：讲课模式"). It makes the course's lecture template (deploy/voila/templates/lecture,
named in voila.json) findable: Voilà looks templates up only in the Jupyter data folders
(JUPYTER_PATH), and this adds deploy/ to them before Voilà searches."""
import os
from pathlib import Path

os.environ["JUPYTER_PATH"] = os.pathsep.join(
    filter(None, [str(Path(__file__).resolve().parent / "deploy"), os.environ.get("JUPYTER_PATH")]))
