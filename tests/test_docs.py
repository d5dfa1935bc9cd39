"""The teacher's guide (docs/teaching.md) cites only what exists.

- every section it cites ("§2.4", "§2", "第 3 章 §11") is a heading of that chapter's
  notebook ("### 2.4 …", "## 2 …"); every "练习 N" is an exercise heading there;
- every explorer it names (`GradientExplorer`) is an Explorer that the chapter's
  notebook uses; every control it names in corner brackets (「深度」) is the label the
  learner sees on a control of an explorer named in the same chapter, or a button;
- every command it gives names files, pip extras and nbgrader subcommands that exist;
- the README links to it.
"""
import re
import shlex
import sys
from pathlib import Path

import pytest

from dlskills.messages import catalogue
from tests.test_notebooks import cells, source

if sys.version_info >= (3, 11):
    import tomllib
else:                                           # the test extra installs tomli there
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "teaching.md"
TEXT = GUIDE.read_text(encoding="utf-8")

CHAPTER = re.compile(r"^## 第 (\d) 章.*?`(notebooks/[^`]+\.ipynb)`", re.M)
SECTION = re.compile(r"(?:第 (\d) 章 )?§(\d+(?:\.\d+)?)")
EXERCISE = re.compile(r"练习 (\d+)(?:[–-](\d+))?")
EXPLORER = re.compile(r"`([A-Z][A-Za-z]+)`")
CONTROL = re.compile(r"「([^」]+)」")
COMMAND = re.compile(r"^(python|voila|nbgrader|pip|jupyter)\b")
PATH_ROOTS = ("notebooks/", "benchmarks/", "tools/", "tests/", "docs/", "dlskills/")

def chapters():
    """{chapter number: (notebook path, the guide's text about that chapter)}."""
    found = {}
    for match in CHAPTER.finditer(TEXT):
        end = TEXT.find("\n## ", match.end())
        found[int(match.group(1))] = (REPO / match.group(2), TEXT[match.start():end])
    return found


CHAPTERS = chapters()


def headings(path):
    """Section numbers ("2", "2.4") and exercise numbers of a chapter notebook."""
    sections, exercises = set(), set()
    for cell in cells(path, "markdown"):
        for line in source(cell).splitlines():
            if m := re.match(r"#{2,3} (\d+(?:\.\d+)?) ", line):
                sections.add(m.group(1))
            if m := re.match(r"### 练习 (\d+)", line):
                exercises.add(int(m.group(1)))
    return sections, exercises


def code_of(path):
    return "\n".join(source(cell) for cell in cells(path))


def chapter_of(offset):
    """The chapter whose part of the guide contains ``offset`` (None: outside all)."""
    for number, (_, part) in CHAPTERS.items():
        start = TEXT.find(part)
        if start <= offset < start + len(part):
            return number
    return None


def explorer_classes():
    from dlskills.explorers import gradients, initialization, optimizers, regularization
    from dlskills.explorers.base import Explorer

    return {name: cls for module in (gradients, initialization, optimizers, regularization)
            for name, cls in vars(module).items()
            if isinstance(cls, type) and issubclass(cls, Explorer)
            and cls.__module__ == module.__name__ and not name.startswith("_")}


def control_labels(cls):
    """The labels the learner sees on ``cls``'s controls (the catalogue's control.<key>).
    The controls are declared without state, so they are made without building the
    explorer (which would compute and draw)."""
    labels = catalogue()
    keys = cls.make_controls(cls.__new__(cls))
    return {labels[f"control.{key}"] for key in keys if f"control.{key}" in labels}


def test_the_guide_covers_the_four_chapters():
    assert sorted(CHAPTERS) == [1, 2, 3, 4]
    for path, _ in CHAPTERS.values():
        assert path.is_file(), path


def test_every_cited_section_is_a_heading_of_its_chapter():
    cited = list(SECTION.finditer(TEXT))
    assert len(cited) > 40, "the guide cites sections as §N.M"
    for match in cited:
        chapter = int(match.group(1)) if match.group(1) else chapter_of(match.start())
        assert chapter in CHAPTERS, f"{match.group(0)!r} at {match.start()}: which chapter?"
        sections, _ = headings(CHAPTERS[chapter][0])
        assert match.group(2) in sections, f"chapter {chapter} has no section {match.group(2)}"


@pytest.mark.parametrize("chapter", [1, 2, 3, 4])
def test_every_cited_exercise_exists(chapter):
    path, part = CHAPTERS[chapter]
    _, exercises = headings(path)
    cited = set()
    for match in EXERCISE.finditer(part):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        cited.update(range(first, last + 1))
    assert cited, "each chapter's path gives its exercises"
    assert cited <= exercises, (sorted(cited - exercises), path.name)


@pytest.mark.parametrize("chapter", [1, 2, 3, 4])
def test_explorers_and_controls_are_the_ones_the_learner_sees(chapter):
    path, part = CHAPTERS[chapter]
    classes = explorer_classes()
    named = {name for name in EXPLORER.findall(part)
             if name.endswith(("Explorer", "Lab", "Playground", "Trainer"))}
    assert named, "each chapter's path names its explorers"
    code = code_of(path)
    labels = {catalogue()[key] for key in ("explorer.run", "explorer.stop")}
    for name in named:
        assert name in classes, f"{name} is not an explorer of dlskills.explorers"
        assert re.search(rf"\b{name}\b", code), f"{path.name} does not use {name}"
        labels |= control_labels(classes[name])
    shown = set(CONTROL.findall(part))
    assert shown, "each chapter's path names the controls to move"
    assert shown <= labels, (sorted(shown - labels), path.name)


def test_explorers_and_controls_outside_the_chapter_paths_exist():
    """The timing tables and the rest name explorers and controls too."""
    rest = TEXT
    for _, part in CHAPTERS.values():
        rest = rest.replace(part, "")
    classes = explorer_classes()
    named = {name for name in EXPLORER.findall(rest)
             if name.endswith(("Explorer", "Lab", "Playground", "Trainer"))}
    assert named <= set(classes), sorted(named - set(classes))
    labels = {catalogue()[key] for key in ("explorer.run", "explorer.stop")}
    labels |= {label for cls in classes.values() for label in control_labels(cls)}
    shown = set(CONTROL.findall(rest))
    assert shown and shown <= labels, sorted(shown - labels)


def commands():
    """Every command line the guide gives: in fenced blocks and in inline code."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", TEXT, re.S):
        lines += [line.split("  #")[0].strip() for line in block.splitlines()]
    lines += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", TEXT, flags=re.S))
    return sorted({line for line in lines if COMMAND.match(line)})


def needs(command):
    """What a command needs: ("file", path), ("extra", name), ("nbgrader", subcommand)."""
    words = shlex.split(command)
    wanted = [("file", word.rstrip("，。；")) for word in words if word.startswith(PATH_ROOTS)]
    if words[:3] == ["pip", "install", "-e"]:
        extras = re.fullmatch(r"\.\[([\w,]+)\]", words[3]).group(1)
        wanted += [("extra", name) for name in extras.split(",")]
    if words[0] == "nbgrader":
        wanted.append(("nbgrader", words[1]))
    return wanted


def test_the_guide_gives_the_commands_a_teacher_needs():
    given = " ".join(commands())
    for part in ("python tools/lecture.py notebooks/0", "python tools/make_course.py", "nbgrader generate_assignment ch1",
                 "nbgrader autograde ch1", "nbgrader export", 'pip install -e ".[notebooks,classroom]"',
                 "python benchmarks/ch1_latency.py"):
        assert part in given, part


REQUIREMENTS = sorted({need for command in commands() for need in needs(command)})


@pytest.mark.parametrize("need", REQUIREMENTS, ids=lambda need: f"{need[0]}:{need[1]}")
def test_what_each_command_needs_exists(need):
    kind, name = need
    if kind == "file":
        assert (REPO / name).exists(), name
    elif kind == "extra":
        project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert name in project["optional-dependencies"], name
    else:
        apps = pytest.importorskip("nbgrader.apps.nbgraderapp")
        assert name in apps.NbGraderApp.subcommands, name


def test_the_readme_links_the_guide():
    assert "(docs/teaching.md)" in (REPO / "README.md").read_text(encoding="utf-8")
