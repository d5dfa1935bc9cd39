"""Every figure the package draws, built from small real results.

``python -m tests.figure_gallery [--out DIR] [--isolated]`` renders each explorer class at
its default settings (``ex.png``) and each static figure function of ``dlskills.views``
with warnings as errors, so a missing glyph ("Glyph ... missing from font(s)") fails.
``--isolated`` first removes every font matplotlib did not ship from its font manager,
so the only Chinese font left is the subset bundled in ``dlskills/fonts/``; it then
checks that a character outside the subset does warn (the check can fail). Prints one
JSON line: what was rendered and which font files the course style resolves to.
``--out`` saves the PNGs, to look at them.

``STATIC`` lists the figure makers; ``NOT_FIGURES`` the public names of
``dlskills.views`` modules that draw no figure of their own (helpers, and the classes
the explorers use, which are rendered through the explorers). ``tests/test_fonts.py``
checks that every public name is in one of the two, so a new figure function cannot be
missed. A maker whose function the package does not have (yet) is not called; the
JSON line lists it under "absent".
"""
import argparse
import importlib
import inspect
import io
import json
import logging
import pkgutil
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402


# --------------------------------------------------------------------------
# Static figures: name -> function returning a Figure
# --------------------------------------------------------------------------

def _figure(figsize, **subplots):
    from dlskills.views import new_figure
    return new_figure(figsize, **subplots)


def _styled(draw, figsize, **subplots):
    from dlskills.views import style
    fig, axes = _figure(figsize, **subplots)
    with style():
        draw(fig, axes)
    return fig


def ch1_activations():
    from dlskills.views import gradients as gv
    return gv.plot_activations()


def ch1_products():
    from dlskills.views import gradients as gv
    factors = {"0.25": 0.25, "0.9": 0.9, "1": 1.0, "1.5": 1.5}
    return gv.plot_products(factors, n_max=20)


def ch1_norm_profiles():
    from dlskills.experiments.gradients import gradient_profile
    from dlskills.views import gradients as gv
    profiles = [gradient_profile(depth=4, scale=s, batch_size=20) for s in (0.01, 1.0)]
    return [gv.plot_norm_profiles(profiles, ["std 0.01", "std 1"]),
            gv.plot_norm_profiles(profiles, ["std 0.01", "std 1"], measure="peak")]


def _ch1_histories():
    import dlskills as dl
    from dlskills.experiments import mnist
    (x, t), (xt, tt) = mnist(n_train=200)
    runs = {}
    for name, activation, init in [("sigmoid + xavier", "sigmoid", "xavier"),
                                   ("relu + he", "relu", "he")]:
        net = dl.MLP(784, [20] * 3, 10, activation=activation, init=init, seed=0,
                     dtype=np.float32)
        runs[name] = dl.train(net, dl.SGD(lr=0.1), (x, t), (xt[:100], tt[:100]),
                              iterations=12, batch_size=50, seed=0, record_layers=True,
                              eval_samples=100)
    return runs


def ch1_training_comparison():
    from dlskills.views import gradients as gv
    return gv.plot_training_comparison(_ch1_histories(), window=3)


def ch2_paths():
    import dlskills as dl
    from dlskills.experiments.optimizers import run_on_surface
    from dlskills.surfaces import get_surface
    from dlskills.views.optimizers import paths_figure
    figures = []
    for name in ("ill_conditioned", "saddle", "local_minimum"):
        try:
            surface = get_surface(name)
        except (KeyError, ValueError):
            continue
        runs = [run_on_surface(dl.SGD(lr=0.1), surface, steps=10, name="sgd", label="sgd"),
                run_on_surface(dl.Adam(lr=0.3), surface, steps=10, name="adam", label="adam")]
        figures.append(paths_figure(surface, runs, finding=runs[0].label))
    surface = get_surface("ill_conditioned")
    decay = [run_on_surface(dl.SGD(lr=0.5), surface, steps=10, schedule=kind, noise=0.5,
                            name="sgd", label=str(kind)) for kind in (None, "step")]
    figures.append(paths_figure(surface, decay, show_lr=True))
    return figures


def ch2_seed_spread():
    from dlskills.experiments.optimizers import compare_over_seeds
    from dlskills.views.optimizers import seed_spread_figure
    spread = compare_over_seeds(names=("sgd", "adam"), seeds=(0, 1), iterations=10,
                                hidden=(20, 20), eval_samples=100)
    return seed_spread_figure(spread)


def ch2_schedules():
    from dlskills.views import course_figures
    return [course_figures.schedule_figure(kind) for kind in course_figures.FIGURES.values()]


def ch3_histograms():
    from dlskills.experiments.initialization import layer_statistics
    from dlskills.stats import ACTIVATION_BINS, GRADIENT_BINS
    from dlskills.views import initialization as iv
    rows = [(label, layer_statistics(init, "sigmoid", depth=3, n_samples=100,
                                     dtype=np.float64), init)
            for label, init in (("Xavier", "xavier_normal"), ("He", "he_normal"))]
    return [iv.histogram_grid([(label, s.activations if value == "activation" else
                                s.gradients, c) for label, s, c in rows], binning, title=value)
            for value, binning in (("activation", ACTIVATION_BINS["sigmoid"]),
                                   ("gradient", GRADIENT_BINS))]


def ch3_unit_images():
    from dlskills.views import initialization as iv
    weights = np.random.default_rng(0).standard_normal((784, 8))
    return iv.unit_images({"Xavier": weights, "He": 2 * weights}, title="W1")


def ch3_final_loss():
    from dlskills.experiments.initialization import compare_initializers
    from dlskills.views import initialization as iv
    stds = [0.01, 1.0]
    sweep = [compare_initializers(inits=("normal",), std=s, iterations=10,
                                  eval_samples=100)["normal"] for s in stds]
    final = [float(np.mean(h.loss[-5:])) for h in sweep]
    return iv.final_loss_vs_scale(stds, final, [h.status for h in sweep],
                                  references={"he": final[0]})


def ch4_overfitting():
    from dlskills.experiments import regularization as rx
    from dlskills.views import regularization as rv
    runs = {"baseline": rx.run_overfitting(n_train=100, epochs=2),
            "weight decay λ=0.1": rx.run_overfitting(n_train=100, weight_decay=0.1, epochs=2),
            "batch norm": rx.run_overfitting(n_train=100, batchnorm=True, epochs=2)}
    return rv.plot_overfitting(runs)


def ch4_activation_grid():
    from dlskills.experiments import regularization as rx
    from dlskills.views import regularization as rv
    x = np.random.default_rng(0).standard_normal((200, 100))
    rows = {f"σ={scale:g}, {'BN' if bn else 'no BN'}":
            rx.activation_snapshot(x, "sigmoid", scale, batchnorm=bn)
            for scale in (1.0, 0.01) for bn in (False, True)}
    return rv.plot_activation_grid(rows, "sigmoid")


def ch4_scale_sweep():
    from dlskills.experiments import regularization as rx
    from dlskills.views import regularization as rv
    sweep = rx.bn_weight_scale_sweep(rx.CLASSIC_SCALES[::4], epochs=1)
    return [rv.plot_scale_curves(sweep), rv.plot_scale_sweep(sweep.scales, *sweep.final)]


def ch4_seed_comparison():
    from dlskills.experiments import regularization as rx
    from dlskills.views import regularization as rv
    comparison = rx.compare_seeds({"baseline": {}, "weight decay λ=0.1": {"weight_decay": 0.1}},
                                  seeds=(0, 1), epochs=2, n_train=100)
    return rv.plot_seed_comparison(comparison)


def ch4_lambda_search():
    from dlskills.experiments import regularization as rx
    from dlskills.views import regularization as rv
    lambdas = [0.01, 0.1]
    runs = [rx.run_overfitting(n_train=100, weight_decay=lam, epochs=2) for lam in lambdas]
    return rv.plot_lambda_search(lambdas, [run.train_acc[-1] for run in runs],
                                 [run.test_acc[-1] for run in runs])


def ch5_deep_view():
    from dlskills.experiments import deep
    from dlskills.views.deep import DeepView
    return DeepView.figure(deep.run_deep(("relu", "he", "clip"), 4, 2, n_train=200,
                                         validation=100))


def ch5_ablation():
    from dlskills.experiments import deep
    from dlskills.views import deep as dv
    return dv.ablation_figure(deep.ablation([(), ("relu", "he", "adam")], seeds=(0, 1),
                                            epochs=1, depth=3, n_train=200, validation=100))


STATIC = {
    "gradients.plot_activations": ch1_activations,
    "gradients.plot_products": ch1_products,
    "gradients.plot_norm_profiles": ch1_norm_profiles,
    "gradients.plot_training_comparison": ch1_training_comparison,
    "optimizers.paths_figure": ch2_paths,
    "optimizers.seed_spread_figure": ch2_seed_spread,
    "course_figures.schedule_figure": ch2_schedules,
    "course_figures.make_course_figures": ch2_schedules,
    "initialization.histogram_grid": ch3_histograms,
    "initialization.unit_images": ch3_unit_images,
    "initialization.final_loss_vs_scale": ch3_final_loss,
    "regularization.plot_overfitting": ch4_overfitting,
    "regularization.plot_activation_grid": ch4_activation_grid,
    "regularization.plot_scale_curves": ch4_scale_sweep,
    "regularization.plot_scale_sweep": ch4_scale_sweep,
    "regularization.plot_seed_comparison": ch4_seed_comparison,
    "regularization.plot_lambda_search": ch4_lambda_search,
    "deep.DeepView": ch5_deep_view,
    "deep.ablation_figure": ch5_ablation,
}

# Public names of dlskills.views modules that are not figures of their own: helpers that
# draw part of a figure, or classes the explorers build on (rendered through them).
NOT_FIGURES = {
    "style.color", "style.style", "style.apply_style", "style.new_figure",
    "style.freeze_layout", "style.font_families", "style.CourseCanvas", "style.png_bytes",
    "course_figures.main",
    "curves.smooth", "curves.CurvePanel", "curves.TrainingCurves", "axes.WholeTicks",
    "curves.zero_based", "curves.seed_spread", "axes.LayerTicks",
    "gradients.GradientView", "gradients.ParamGrowthView",
    "axes.power_of_ten", "axes.log_axis", "axes.edge_marks", "axes.show_profile", "base.View",
    "initialization.binning_ticks", "initialization.HistogramHeatmap",
    "initialization.LayerStdPanel",
    "initialization.ComparedRunsView",
    "initialization.LayerStatsView",
    "optimizers.PathsView", "optimizers.TrainingComparisonView",
    "regularization.technique_color",
    "regularization.GapMarker",
    "regularization.settings_text", "regularization.OverfittingView",
    "regularization.HistogramRow",
    "regularization.BatchNormView",
    "regularization.technique_label",
}


def view_modules():
    """{short name: module} of every module in dlskills.views."""
    import dlskills.views as views
    return {info.name: importlib.import_module(f"dlskills.views.{info.name}")
            for info in pkgutil.iter_modules(views.__path__)}


def public_view_names():
    """'module.name' of every public function or class defined in a dlskills.views module."""
    names = set()
    for short, module in view_modules().items():
        for name, value in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if getattr(value, "__module__", None) == module.__name__:
                names.add(f"{short}.{name}")
    return names


def explorer_classes():
    """Every concrete explorer class of dlskills.explorers (not the bases, not private)."""
    import dlskills.explorers as explorers
    from dlskills.explorers.base import Explorer, TrainingExplorer
    found = []
    for info in pkgutil.iter_modules(explorers.__path__):
        module = importlib.import_module(f"dlskills.explorers.{info.name}")
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, Explorer)
                    and value not in (Explorer, TrainingExplorer) and not name.startswith("_")
                    and value.__module__ == module.__name__):
                found.append(value)
    return found


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

def isolate_fonts():
    """Keep in matplotlib's font manager only the fonts matplotlib itself ships."""
    from matplotlib import font_manager
    own = Path(matplotlib.get_data_path(), "fonts").resolve()
    manager = font_manager.fontManager
    manager.ttflist = [entry for entry in manager.ttflist
                       if own in Path(entry.fname).resolve().parents]
    manager.afmlist = [entry for entry in manager.afmlist
                       if own in Path(entry.fname).resolve().parents]
    manager._findfont_cached.cache_clear()


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


class _FontLog(logging.Handler):
    """Turns a warning that matplotlib's font manager logs (a family or weight not
    found: it then draws with another font) into an error, like a Python warning."""

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            raise RuntimeError(f"matplotlib.font_manager: {record.getMessage()}")


def render_all(out=None):
    """Render every figure with warnings as errors; return {name: PNG size}."""
    rendered = {}
    done = set()
    logger = logging.getLogger("matplotlib.font_manager")
    handler = _FontLog()
    logger.addHandler(handler)
    logger.propagate, propagate = False, logger.propagate
    try:
        _render_all(out, rendered, done)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return rendered


def _render_all(out, rendered, done):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cls in explorer_classes():
            explorer = cls()                   # draws its PNG, warnings as errors
            if explorer.error is not None:
                raise RuntimeError(f"{cls.__name__}: {explorer.error}")
            png = explorer.png
            rendered[f"explorer.{cls.__name__}"] = len(png)
            if out:
                Path(out, f"explorer_{cls.__name__}.png").write_bytes(png)
        present = public_view_names()
        for name, make in STATIC.items():
            if name not in present or make in done:
                continue
            done.add(make)
            figures = make()
            figures = figures if isinstance(figures, list) else [figures]
            for k, fig in enumerate(figures):
                png = _png(fig)
                rendered[f"{name}[{k}]"] = len(png)
                if out:
                    Path(out, f"{name}_{k}.png").write_bytes(png)


def missing_glyph_detected():
    """True when drawing a character outside the subset warns (proves the check bites)."""
    from dlskills.views import new_figure, style
    fig, ax = new_figure((3, 2), nrows=1, ncols=1)
    with style():
        ax.set_title("\u9f98")                 # 龘: in no course text
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _png(fig)
    return any("missing from font" in str(w.message) for w in caught)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder to save the PNGs in")
    parser.add_argument("--isolated", action="store_true",
                        help="only matplotlib's own fonts and the bundled subset")
    args = parser.parse_args(argv)
    if args.isolated:
        isolate_fonts()
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    from matplotlib import font_manager
    style_module = importlib.import_module("dlskills.views.style")
    families = list(style_module.RC["font.family"])
    files = [str(f) for f in font_manager.fontManager._find_fonts_by_props(
        font_manager.FontProperties(family=families))]
    own = Path(matplotlib.get_data_path(), "fonts").resolve()
    others = sorted({entry.fname for entry in font_manager.fontManager.ttflist
                     if own not in Path(entry.fname).resolve().parents})
    rendered = render_all(args.out)
    absent = sorted(set(STATIC) - public_view_names())
    print(json.dumps({"families": families, "font_files": files, "other_fonts": others,
                      "rendered": rendered, "absent": absent,
                      "canary_warns": missing_glyph_detected()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
