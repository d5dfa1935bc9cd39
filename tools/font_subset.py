"""Rebuild the Chinese font subset the figures use: ``python tools/font_subset.py``.

The subsets (``dlskills/fonts/NotoSansSC-dlskills-{Regular,Bold}.ttf``) hold the
characters the course draws: every non-ASCII character of a string in the package's Python files (the message
catalogues first of all), every character of the notebooks' code cells, printable ASCII,
Latin-1 and the common full-width punctuation. Their source is Noto Sans SC as the
npm package ``@expo-google-fonts/noto-sans-sc`` ships it (static TrueType from Google
Fonts, SIL OFL 1.1), fetched with ``npm pack`` once and cached; ``--source REGULAR.ttf
BOLD.ttf`` uses files you already have. Run it after changing a catalogue or a notebook's code
when ``tests/test_fonts.py`` says a character is missing; it takes a few seconds once
the source is cached.
"""
import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "dlskills" / "fonts"
FAMILY = "dlskills Noto Sans SC"
REBUILD_COMMAND = "python tools/font_subset.py"

NPM_PACKAGE = "@expo-google-fonts/noto-sans-sc"
NPM_VERSION = "0.4.3"
# weight -> (file in the npm package, its sha256, the subset written)
WEIGHTS = {
    "Regular": ("package/400Regular/NotoSansSC_400Regular.ttf",
                "d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16",
                FONT_DIR / "NotoSansSC-dlskills-Regular.ttf"),
    "Bold": ("package/700Bold/NotoSansSC_700Bold.ttf",
             "9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96",
             FONT_DIR / "NotoSansSC-dlskills-Bold.ttf"),
}
SUBSETS = [output for _, _, output in WEIGHTS.values()]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dlskills-fonts"

# Always in the subset, used or not: printable ASCII, Latin-1, general punctuation
# (dashes, quotes, ellipsis), CJK symbols and punctuation, full-width forms.
ALWAYS = (
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + [chr(c) for c in range(0x2010, 0x2027)]
    + [chr(c) for c in range(0x3000, 0x3020)]
    + [chr(c) for c in range(0xFF01, 0xFF5F)]
)


# --------------------------------------------------------------------------
# The characters the course draws (also used by tests/test_fonts.py)
# --------------------------------------------------------------------------

def _strings(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def package_characters(root=ROOT):
    """{char: first file using it} for non-ASCII characters in strings of dlskills/*.py.

    Covers the catalogues (``dlskills/messages/*.py``) and any label written in code.
    Docstrings count too: a few extra glyphs are cheaper than a missed label.
    """
    found = {}
    for path in sorted((root / "dlskills").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for text in _strings(tree):
            for char in text:
                if ord(char) > 0x7E and char.isprintable():
                    found.setdefault(char, str(path.relative_to(root)))
    return found


def notebook_characters(root=ROOT):
    """{char: first notebook using it} for non-ASCII characters in notebooks' code cells."""
    found = {}
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for char in source:
                if ord(char) > 0x7E and char.isprintable():
                    found.setdefault(char, str(path.relative_to(root)))
    return found


def course_characters(root=ROOT):
    """{char: where it is used} for every character the subset should hold."""
    found = {char: "(always included)" for char in ALWAYS}
    found.update(notebook_characters(root))
    found.update(package_characters(root))
    return found


def font_characters(path):
    """The set of characters a font file maps to a glyph."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return {chr(code) for code in font.getBestCmap()}


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_sources():
    """{weight: path} of the cached Noto Sans SC TTFs; ``npm pack`` them if not cached."""
    folder = CACHE / f"noto-sans-sc-{NPM_VERSION}"
    targets = {weight: folder / Path(member).name for weight, (member, _, _) in WEIGHTS.items()}
    licence = folder / "OFL.txt"
    if not licence.exists() or not all(path.exists() for path in targets.values()):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            print(f"npm pack {NPM_PACKAGE}@{NPM_VERSION} (about 57 MB, once) ...", flush=True)
            subprocess.run(["npm", "pack", "--silent", f"{NPM_PACKAGE}@{NPM_VERSION}"],
                           cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            tarball = next(Path(tmp).glob("*.tgz"))
            members = [(member, targets[weight]) for weight, (member, _, _) in WEIGHTS.items()]
            with tarfile.open(tarball) as archive:
                for member, path in members + [("package/LICENSE_FONT", licence)]:
                    data = archive.extractfile(member).read()
                    partial = path.with_suffix(".part")
                    partial.write_bytes(data)
                    partial.replace(path)
    for weight, path in targets.items():
        if sha256(path) != WEIGHTS[weight][1]:
            raise SystemExit(f"{path}: sha256 is not the one pinned in {__file__}; "
                             "delete it and run again, or check the package version")
    return targets, licence


def rename(font, weight):
    """Give the subset its own family name, so it never shadows an installed Noto Sans SC."""
    names = font["name"]
    for name_id in (1, 2, 3, 4, 6, 16, 17, 21, 22):
        names.removeNames(nameID=name_id)
    postscript = FAMILY.replace(" ", "") + f"-{weight}"
    for name_id, value in ((1, FAMILY), (2, weight), (3, f"{postscript};subset"),
                           (4, f"{FAMILY} {weight}"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def build(source, output, weight):
    """Subset ``source`` to :func:`course_characters`; return (kept, missing) characters."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wanted = set(course_characters())
    available = font_characters(source)
    keep = sorted(wanted & available)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["STAT", "BASE"]
    font = TTFont(source, recalcTimestamp=False)     # same input, same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in keep])
    subsetter.subset(font)
    rename(font, weight)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".part")
    font.save(partial)
    partial.replace(output)
    return keep, sorted(wanted - available)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, nargs=2, metavar=("REGULAR", "BOLD"),
                        help="Noto Sans SC Regular and Bold TTFs to use instead of the npm package")
    args = parser.parse_args(argv)
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    if args.source:
        sources = dict(zip(WEIGHTS, args.source))
    else:
        sources, licence = fetch_sources()
        (FONT_DIR / "OFL.txt").write_bytes(licence.read_bytes())
    for weight, source in sources.items():
        output = WEIGHTS[weight][2]
        keep, missing = build(source, output, weight)
        cjk = sum(1 for c in keep if ord(c) >= 0x2E80)
        print(f"{output.relative_to(ROOT)}: {len(keep)} characters ({cjk} CJK), "
              f"{output.stat().st_size / 1024:.0f} KiB")
    if missing:
        shown = " ".join(f"U+{ord(c):04X}({c})" for c in missing)
        print(f"not in Noto Sans SC (drawn by DejaVu Sans, or not at all): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
