"""Chinese in figures: the bundled Noto Sans SC subset covers what the course draws, and
every figure the package draws renders with it alone, without a missing glyph.

The characters are read from the files at test time (catalogues, every string in the
package, the notebooks' code cells), so a new message or label with a character the
subset lacks fails here, naming the rebuild command.
"""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location("font_subset", ROOT / "tools" / "font_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fonts = _load_tool()
DEJAVU = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def _describe(missing, used):
    return ", ".join(f"U+{ord(c):04X} {c!r} ({used[c]})" for c in sorted(missing))


@pytest.mark.parametrize("subset", fonts.SUBSETS, ids=lambda p: p.name)
def test_subset_has_every_character_the_course_uses(subset):
    """A catalogue value, a string in the package or a notebook code cell uses only
    characters the figures can draw: from DejaVu Sans (Latin, math) or the subset."""
    used = {**fonts.notebook_characters(), **fonts.package_characters()}
    assert used, "no characters found: the scan reads nothing"
    assert any(ord(c) >= 0x4E00 for c in used), "no Chinese found in catalogue or notebooks"
    drawable = fonts.font_characters(subset) | fonts.font_characters(DEJAVU)
    missing = set(used) - drawable
    assert not missing, (
        f"{subset.name} lacks {len(missing)} character(s) the course uses: "
        f"{_describe(missing, used)}. Rebuild the subset: {fonts.REBUILD_COMMAND}")


def test_catalogue_is_part_of_the_scan():
    """Every value of every message catalogue is among the characters scanned."""
    from dlskills import messages
    scanned = fonts.package_characters()
    catalogues = sorted((ROOT / "dlskills" / "messages").glob("*.py"))
    checked = 0
    for path in catalogues:
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"{messages.__name__}.{path.stem}")
        for key, text in module.MESSAGES.items():
            for char in text:
                if ord(char) > 0x7E and char.isprintable():
                    assert char in scanned, f"{path.name} {key}: {char!r} not scanned"
            checked += 1
    assert checked > 0


def test_bundled_font_ships_with_licence_and_package_data():
    for path in fonts.SUBSETS:
        assert path.stat().st_size < 2_000_000, f"{path.name} is not a subset"
    assert "SIL OPEN FONT LICENSE" in (fonts.FONT_DIR / "OFL.txt").read_text()
    assert fonts.REBUILD_COMMAND in (fonts.FONT_DIR / "README.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"fonts/*.ttf"' in pyproject and '"fonts/OFL.txt"' in pyproject


def test_style_puts_the_subset_after_dejavu():
    from matplotlib import font_manager
    style = importlib.import_module("dlskills.views.style")
    families = style.RC["font.family"]
    assert families[:2] == ["DejaVu Sans", fonts.FAMILY]
    registered = {Path(e.fname).resolve() for e in font_manager.fontManager.ttflist
                  if e.name == fonts.FAMILY}
    assert registered == {path.resolve() for path in fonts.SUBSETS}
    weights = {e.weight for e in font_manager.fontManager.ttflist if e.name == fonts.FAMILY}
    assert weights == {400, 700}


def test_every_figure_function_is_in_the_gallery():
    """A new figure function in dlskills.views must be added to tests/figure_gallery.py
    (STATIC), or to NOT_FIGURES if it draws no figure of its own."""
    from tests import figure_gallery as gallery
    names = gallery.public_view_names()
    unknown = names - set(gallery.STATIC) - gallery.NOT_FIGURES
    assert not unknown, f"not rendered by tests/figure_gallery.py: {sorted(unknown)}"
    stale = gallery.NOT_FIGURES - names
    assert not stale, f"NOT_FIGURES names what dlskills.views no longer has: {sorted(stale)}"


def test_every_figure_renders_with_the_bundled_font_alone(tmp_path):
    """Every explorer at its defaults and every static figure, drawn in a fresh process
    whose font manager holds only matplotlib's own fonts and the subset, with warnings
    (and font-manager log warnings) as errors: a missing glyph fails."""
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path / "mpl"), MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "tests.figure_gallery", "--isolated"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    subset_files = {str(path.resolve()) for path in fonts.SUBSETS}
    assert report["families"] == ["DejaVu Sans", fonts.FAMILY]
    assert Path(report["font_files"][1]).resolve() == fonts.SUBSETS[0].resolve()
    assert {str(Path(f).resolve()) for f in report["other_fonts"]} == subset_files, \
        "a font other than matplotlib's own and the subset was visible"
    assert report["canary_warns"], "a character outside the subset did not warn: the check is blind"
    from tests import figure_gallery as gallery
    explorers = {f"explorer.{cls.__name__}" for cls in gallery.explorer_classes()}
    assert explorers <= set(report["rendered"])
    present = gallery.public_view_names()
    makers = {make for name, make in gallery.STATIC.items() if name in present}
    assert sorted(report["absent"]) == sorted(set(gallery.STATIC) - present)
    assert len(report["rendered"]) >= len(explorers) + len(makers)
    assert all(size > 5000 for size in report["rendered"].values())


def test_text_caching_canvas_draws_the_same_pixels_as_plain_agg():
    """CourseCanvas pastes cached glyph bitmaps on redraws (it reaches into Agg's private
    renderer): a redraw after the data, a colour and a title changed must give exactly
    the pixels plain Agg gives for the same figure."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dlskills.views.style import new_figure, style

    def pixels(fig, canvas_class=None):
        if canvas_class is not None:
            canvas_class(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    fig, ax = new_figure((4, 3), nrows=1)
    line, = ax.plot([0, 1, 2], [0, 1, 4])
    ax.set_title("梯度范数 gradient norm")
    ax.set_xlabel("第 3 层\nlayer 3")              # two lines: drawn line by line
    with style():
        fig.suptitle("梯度 bold", fontweight="bold", fontsize=17)   # another font, size
    pixels(fig)                                   # fills the cache
    line.set_ydata([4, 1, 0])
    ax.xaxis.label.set_color("red")            # a cached text in a new colour
    ax.set_title("第二次 second")
    cached = pixels(fig)
    assert cached == pixels(fig, FigureCanvasAgg)
    assert cached != pixels(new_figure((4, 3), nrows=1)[0])


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_png_bytes_holds_exactly_the_pixels_agg_drew(alpha):
    """The explorers' own PNG writer: a PNG that Pillow reads back to exactly the canvas's
    pixels, RGB for an opaque figure and RGBA (nothing lost) for a transparent one."""
    import io

    import numpy as np
    from PIL import Image

    from dlskills.views.style import new_figure, png_bytes

    fig, ax = new_figure((3, 2), nrows=1)
    fig.patch.set_alpha(alpha)
    ax.imshow(np.arange(12.0).reshape(3, 4))
    ax.set_title("第 3 层")
    image = Image.open(io.BytesIO(png_bytes(fig)))
    drawn = np.asarray(fig.canvas.buffer_rgba())
    assert image.mode == ("RGB" if alpha == 1 else "RGBA")
    assert image.size == (drawn.shape[1], drawn.shape[0])
    assert np.array_equal(np.asarray(image), drawn[..., :len(image.mode)])
