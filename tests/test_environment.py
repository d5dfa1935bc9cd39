"""pyproject.toml and environment.yml must name the same dependencies.

A learner may install with pip (`pip install -e ".[test]"`) or with conda
(`conda env create -f environment.yml`); both must end up with the same
packages. The check compares names (normalized) and, where a lower bound is
given, the bound.
"""
import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# Packages that only conda lists: the interpreter and pip itself.
CONDA_ONLY = {"python", "pip"}
# conda-forge name -> PyPI name, where the two differ.
CONDA_TO_PYPI = {"playwright-python": "playwright"}


def normalize(name):
    """PEP 503 normalization: case-insensitive, runs of -_. are one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)")


def split_requirement(text):
    """'ipywidgets>=8; python_version<"4"' -> ('ipywidgets', '>=8')."""
    match = _REQUIREMENT.match(text)
    if not match:
        raise ValueError(f"cannot read requirement {text!r}")
    return normalize(match.group(1)), match.group(3).replace(" ", "")


def split_conda_spec(text):
    """'conda-forge::numpy >=1.23' -> ('numpy', '>=1.23')."""
    text = text.split("::")[-1].strip()
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", text)
    if not match:
        raise ValueError(f"cannot read conda spec {text!r}")
    return normalize(match.group(1)), match.group(2).replace(" ", "")


def parse_simple_yaml(text):
    """Parse the small YAML subset environment.yml uses.

    Supported: `key: value`, `key:` followed by a list of `- item`, and list
    items that are themselves `- key:` with a nested list (the pip section).
    Anything else raises ValueError, so a file this parser misreads fails the
    test instead of passing by accident.
    """
    lines = []
    for raw in text.splitlines():
        line = re.sub(r"\s+#.*$", "", raw).rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lines.append((len(line) - len(line.lstrip(" ")), line.strip()))

    def parse_list(i, indent):
        items = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            item = lines[i][1][2:].strip()
            i += 1
            if item.endswith(":") and i < len(lines) and lines[i][0] > indent:
                sub, i = parse_list(i, lines[i][0])
                items.append({item[:-1].strip(): sub})
            else:
                items.append(item)
        return items, i

    data = {}
    i = 0
    while i < len(lines):
        indent, line = lines[i]
        if indent != 0 or ":" not in line or line.startswith("- "):
            raise ValueError(f"unsupported YAML line: {line!r}")
        key, _, value = line.partition(":")
        i += 1
        if value.strip():
            data[key.strip()] = value.strip()
        elif i < len(lines) and lines[i][1].startswith("- "):
            data[key.strip()], i = parse_list(i, lines[i][0])
        else:
            data[key.strip()] = None
    return data


def pyproject_requirements(pyproject):
    """name -> set of version specifiers, over runtime deps and all extras."""
    project = pyproject["project"]
    texts = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        texts.extend(extra)
    found = {}
    for text in texts:
        name, spec = split_requirement(text)
        found.setdefault(name, set()).add(spec)
    return found


def conda_requirements(env):
    """name -> set of version specifiers (PyPI names), plus the pip section."""
    found, pip = {}, []
    for item in env.get("dependencies") or []:
        if isinstance(item, dict):
            pip.extend(item.get("pip", []))
            continue
        name, spec = split_conda_spec(item)
        if name in CONDA_ONLY:
            continue
        found.setdefault(CONDA_TO_PYPI.get(name, name), set()).add(spec)
    return found, pip


def compare(pip_reqs, conda_reqs):
    """Human-readable list of disagreements (empty when the two agree)."""
    problems = []
    for name in sorted(set(pip_reqs) - set(conda_reqs)):
        problems.append(f"{name}: in pyproject.toml, missing from environment.yml")
    for name in sorted(set(conda_reqs) - set(pip_reqs)):
        problems.append(f"{name}: in environment.yml, missing from pyproject.toml")
    for name in sorted(set(pip_reqs) & set(conda_reqs)):
        pip_specs = pip_reqs[name] - {""}
        conda_specs = conda_reqs[name] - {""}
        if len(pip_specs) > 1:
            problems.append(f"{name}: different bounds inside pyproject.toml {sorted(pip_specs)}")
        if pip_specs != conda_specs:
            problems.append(
                f"{name}: bound {sorted(pip_specs) or 'none'} in pyproject.toml, "
                f"{sorted(conda_specs) or 'none'} in environment.yml")
    return problems


def load():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = parse_simple_yaml((ROOT / "environment.yml").read_text(encoding="utf-8"))
    return pyproject, env


def test_same_dependencies_in_pyproject_and_environment():
    pyproject, env = load()
    pip_reqs = pyproject_requirements(pyproject)
    conda_reqs, _ = conda_requirements(env)
    for needed in ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "pytest", "nbval"):
        assert needed in pip_reqs, f"{needed} is not a dependency in pyproject.toml"
    problems = compare(pip_reqs, conda_reqs)
    assert not problems, "pyproject.toml and environment.yml disagree:\n" + "\n".join(problems)


def test_environment_installs_the_checkout():
    pyproject, env = load()
    assert env.get("channels") == ["conda-forge"]
    _, pip = conda_requirements(env)
    assert pip == ["-e ."], f"environment.yml pip section should be ['-e .'], got {pip}"
    python = [spec for spec in env["dependencies"]
              if isinstance(spec, str) and split_conda_spec(spec)[0] == "python"]
    requires = pyproject["project"]["requires-python"].replace(" ", "")
    assert python == [f"python{requires}"], (
        f"environment.yml should pin python{requires} like pyproject.toml, got {python}")


def test_comparison_reports_missing_and_mismatched():
    """The check itself can fail: a missing package and a different bound."""
    pip_reqs = {"numpy": {""}, "ipywidgets": {">=8"}, "nbval": {""}}
    conda_reqs = {"numpy": {""}, "ipywidgets": {">=7"}, "extra-thing": {""}}
    problems = compare(pip_reqs, conda_reqs)
    assert any(p.startswith("nbval:") and "missing from environment.yml" in p for p in problems)
    assert any(p.startswith("extra-thing:") and "missing from pyproject.toml" in p for p in problems)
    assert any(p.startswith("ipywidgets:") and "bound" in p for p in problems)
    assert compare(pip_reqs, pip_reqs) == []


def test_yaml_subset_parser():
    text = (
        "# comment\n"
        "name: demo\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        "  - python>=3.10  # trailing comment\n"
        "  - playwright-python\n"
        "  - pip:\n"
        "      - -e .\n"
    )
    env = parse_simple_yaml(text)
    assert env == {
        "name": "demo",
        "channels": ["conda-forge"],
        "dependencies": ["python>=3.10", "playwright-python", {"pip": ["-e ."]}],
    }
    reqs, pip = conda_requirements(env)
    assert reqs == {"playwright": {""}} and pip == ["-e ."]
    with pytest.raises(ValueError):
        parse_simple_yaml("dependencies: [numpy, scipy]\n  weird: indent\n")


@pytest.mark.parametrize("text, expected", [
    ("numpy", ("numpy", "")),
    ("ipywidgets>=8", ("ipywidgets", ">=8")),
    ("Jupyter_Lab >= 4", ("jupyter-lab", ">=4")),
    ("tomli; python_version < '3.11'", ("tomli", "")),
    ("pkg[extra]>=1,<2", ("pkg", ">=1,<2")),
])
def test_split_requirement(text, expected):
    assert split_requirement(text) == expected
