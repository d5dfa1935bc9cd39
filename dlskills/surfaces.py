"""2-D test surfaces f(x, y) and the path an optimizer takes on them (the one walker).

Each surface has ``value(x, y)`` and ``grad(x, y)`` (both work on arrays, for contour
plots), a plotting window ``xlim``/``ylim``, a default start and its minimum (if any).
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ._checks import Registry, check_number, check_object, check_rng

SURFACES = Registry("surface")


class Surface:
    name = ""           # set by SURFACES.register
    formula = ""
    xlim = ylim = (-1.0, 1.0)
    start = (0.0, 0.0)
    minimum = None

    def value(self, x, y):
        raise NotImplementedError

    def grad(self, x, y):
        raise NotImplementedError

    def __repr__(self):
        return f"<surface {self.name}: f(x, y) = {self.formula}>"


@SURFACES.register("ill_conditioned")
class IllConditioned(Surface):
    """The course text's example: x^2/20 + y^2, 20 times steeper along y than along x."""
    formula = "x^2/20 + y^2"
    xlim, ylim, start, minimum = (-10.0, 10.0), (-5.0, 5.0), (-7.0, 2.0), (0.0, 0.0)

    def value(self, x, y):
        return x * x / 20.0 + y * y

    def grad(self, x, y):
        return x / 10.0, 2.0 * y


@SURFACES.register("saddle")
class Saddle(Surface):
    """A saddle point at the origin (x^2 - y^2), walled in by y^4/4 so that a path that
    leaves the saddle settles in one of the two minima (0, +-sqrt(2))."""
    formula = "x^2 - y^2 + y^4/4"
    xlim, ylim, start, minimum = (-2.0, 2.0), (-2.5, 2.5), (-1.5, 1e-3), (0.0, np.sqrt(2.0))

    def value(self, x, y):
        return x * x - y * y + y ** 4 / 4.0

    def grad(self, x, y):
        return 2.0 * x, -2.0 * y + y ** 3


@SURFACES.register("local_minimum")
class LocalMinimum(Surface):
    """A tilted double well x^4/4 - x^2 + 0.4x in x, a plain bowl y^2 in y: a shallow local
    minimum on the right (f = -0.456) and the global one on the left (f = -1.584), with a
    low ridge (f = 0.040 at x = 0.204) between them. Gradient descent started on the right
    stops in the local minimum; the x coordinates are the roots of x^3 - 2x + 0.4."""
    formula = "x^4/4 - x^2 + 0.4x + y^2"
    xlim, ylim, start = (-2.5, 3.0), (-2.0, 2.0), (2.6, 1.5)
    minimum = (-1.5052371, 0.0)
    local_minimum = (1.3009760, 0.0)

    def value(self, x, y):
        return x ** 4 / 4.0 - x * x + 0.4 * x + y * y

    def grad(self, x, y):
        return x ** 3 - 2.0 * x + 0.4, 2.0 * y


@SURFACES.register("rosenbrock")
class Rosenbrock(Surface):
    """(1 - x)^2 + 100 (y - x^2)^2: a long curved valley, minimum at (1, 1)."""
    formula = "(1 - x)^2 + 100 (y - x^2)^2"
    xlim, ylim, start, minimum = (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.0), (1.0, 1.0)

    def value(self, x, y):
        return (1 - x) ** 2 + 100.0 * (y - x * x) ** 2

    def grad(self, x, y):
        return -2.0 * (1 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


def get_surface(name):
    """A surface object by name; ValueError lists the valid names."""
    return SURFACES.get(name)()


def start_point(surface, start=None):
    """``start`` as two finite floats (x, y), or the surface's own start if it is None."""
    if start is None:
        return tuple(map(float, surface.start))
    if np.ndim(start) != 1 or len(start) != 2:
        raise ValueError(f"start must be a point (x, y), got {start!r}")
    return tuple(float(check_number(f"start {axis}", value)) for axis, value in zip("xy", start))


#: f growing by this factor over its start value (plus 1) counts as divergence.
BLOWUP = 1e6


@dataclass
class SurfacePath:
    """points: (n+1, 2) positions, start first; values: f at each point; lrs: the learning
    rate of each of the n steps; diverged_at: the step at which the path ran away, or None."""
    points: np.ndarray
    values: np.ndarray
    lrs: np.ndarray
    diverged_at: Optional[int] = None


def optimizer_path(optimizer, surface, start=None, steps=100, schedule=None, noise=0.0,
                   seed=0):
    """Step ``optimizer`` ``steps`` times on ``surface`` (an object or a name) from
    ``start`` (default: the surface's own); returns a :class:`SurfacePath`.

    ``schedule`` (e.g. ``make_schedule("step", optimizer)``) is stepped after every step.
    ``noise``: standard deviation of normal noise added to each gradient component
    (``seed`` fixes it), a stand-in for the noise of mini-batch gradients. Divergence (a
    non-finite point, or |f| above :data:`BLOWUP` times |f(start)| + 1) ends the path at
    the last finite point and sets ``diverged_at``; no warnings are printed.
    """
    check_object("optimizer", optimizer, ("update",), "an optimizer such as dl.SGD(0.1)")
    surface = get_surface(surface) if isinstance(surface, str) else surface
    steps = check_number("steps", steps, low=0, integer=True)
    noise = check_number("noise", noise, low=0)
    x0, y0 = start_point(surface, start)
    params = {"x": np.array([x0]), "y": np.array([y0])}  # float64: start_point gives floats
    points, values, lrs = [(x0, y0)], [float(surface.value(x0, y0))], []
    limit = BLOWUP * (abs(values[0]) + 1.0)
    rng = check_rng("seed", seed)   # checked with or without noise
    kicks = rng.normal(0.0, noise, size=(steps, 2)) if noise else np.zeros((steps, 2))
    diverged_at = None
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            gx, gy = surface.grad(params["x"], params["y"]) + kicks[step - 1, :, None]
            lrs.append(optimizer.lr)
            optimizer.update(params, {"x": gx, "y": gy})
            if schedule is not None:
                schedule.step()
            px, py = params["x"][0], params["y"][0]  # numpy floats: an overflow gives inf,
            value = float(surface.value(px, py))     # python floats raise OverflowError
            point = (float(px), float(py))
            if not np.isfinite(value) or not np.isfinite(point).all():
                diverged_at = step
                break
            points.append(point)
            values.append(value)
            if abs(value) > limit:
                diverged_at = step
                break
    return SurfacePath(np.array(points), np.array(values), np.array(lrs), diverged_at)
