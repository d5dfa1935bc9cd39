"""The copy step: the course's notebooks into a student's home, never over their work.

Used by ``jupyterhub_config.py`` as JupyterHub's ``Spawner.pre_spawn_hook`` (it runs in the
hub, before each start of a student's server). A file the student already has, edited or
not, is left as it is; only files missing from the home are copied. So the first start
gives the whole course, a later start adds what the teacher has added since (a new
chapter), and a student who wants a fresh copy of a chapter renames or deletes theirs and
restarts the server (JupyterHub's File → Hub Control Panel → Stop / Start).
"""
import os
import shutil
from pathlib import Path

# Files of the course folder that are never copied (editor and run-time leftovers).
SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__"}


def course_files(source, solutions=True):
    """The files under ``source`` to give a student, as paths relative to it, sorted.
    ``solutions=False`` leaves out the ``solutions/`` folder (a graded class)."""
    source = Path(source)
    if not source.is_dir():
        raise ValueError(f"source: no such folder {source}")
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or SKIPPED_PARTS.intersection(relative.parts):
            continue
        if not solutions and relative.parts[0] == "solutions":
            continue
        found.append(relative)
    return found


def copy_course(source, target, *, solutions=True, uid=None, gid=None):
    """Copy into ``target`` each course file of ``source`` that ``target`` does not have.
    Never overwrites (an existing file, even an empty one, is the student's). With
    ``uid``/``gid`` (the hub runs as root, the student is a system user), every folder and
    file made is given to that user. Returns the relative paths copied."""
    if (uid is None) != (gid is None):
        raise ValueError("uid and gid: give both or neither")
    target = Path(target)
    made = _make_dirs(target, uid, gid)
    copied = []
    for relative in course_files(source, solutions=solutions):
        destination = target / relative
        if destination.exists() or destination.is_symlink():
            continue
        made += _make_dirs(destination.parent, uid, gid)
        # "x": create only, so a file that appeared since the check is not replaced.
        try:
            with open(Path(source) / relative, "rb") as src, open(destination, "xb") as dst:
                shutil.copyfileobj(src, dst)
        except FileExistsError:
            continue
        made.append(destination)
        copied.append(relative)
    if uid is not None:
        for path in made:
            os.chown(path, uid, gid)
    return copied


def _make_dirs(folder, uid, gid):
    """Make ``folder`` and its missing parents; returns the folders made (to chown)."""
    missing = []
    current = Path(folder)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o755)
    return list(reversed(missing)) if uid is not None else []


def main(argv=None):
    """Command line (Zero to JupyterHub runs it in the student's container at start):
    python course_files.py SOURCE TARGET [--no-solutions]"""
    import argparse

    parser = argparse.ArgumentParser(description="Copy the course's files a student lacks.")
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--no-solutions", action="store_true", help="leave out solutions/")
    args = parser.parse_args(argv)
    copied = copy_course(args.source, args.target, solutions=not args.no_solutions)
    print(f"{len(copied)} course files copied into {args.target}")


if __name__ == "__main__":
    main()
