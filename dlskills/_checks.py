"""Argument checking shared by every module: clear ValueErrors, one registry per kind."""

import inspect
import math

import numpy as np


class Registry:
    """Maps names to objects of one kind; an unknown name lists the valid ones.

    >>> ACTIVATIONS = Registry("activation")
    >>> @ACTIVATIONS.register("relu")
    ... def relu(x): ...
    >>> ACTIVATIONS.get("relu") is relu
    True
    """

    def __init__(self, kind):
        self.kind = kind
        self._items = {}

    def register(self, name, obj=None):
        """Register ``obj`` under ``name``; usable as a decorator when ``obj`` is omitted.
        An object that has a ``name`` attribute (a surface class) gets ``name`` there on
        its first registration: a later one is an alias and leaves the name as it is."""
        if obj is None:
            return lambda o: self.register(name, o)
        if hasattr(obj, "name") and all(o is not obj for o in self._items.values()):
            obj.name = name
        self._items[name] = obj
        return obj

    def get(self, name):
        key = name.lower() if isinstance(name, str) else name
        if key not in self._items:
            raise ValueError(
                f"unknown {self.kind} {name!r}; valid names: {', '.join(self.names())}")
        return self._items[key]

    def make(self, name, *args, **settings):
        """Call the registered class or function with ``settings``; a setting it does not
        take raises ValueError naming it."""
        factory = self.get(name)
        try:  # check the call against the signature only, so a TypeError raised inside
            inspect.signature(factory).bind(*args, **settings)  # is not misreported
        except TypeError as err:
            raise ValueError(f"{self.kind} {name!r} got a setting it does not take "
                             f"({', '.join(sorted(settings))}): {err}") from None
        return factory(*args, **settings)

    def names(self):
        return list(self._items)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._items


def check_number(name, value, low=None, high=None, *, low_open=False, high_open=False,
                 integer=False):
    """Return ``value`` if it is a finite number within the bounds, else raise ValueError.

    ``low_open``/``high_open`` exclude the bound itself. The message names the argument
    and the allowed range, e.g. ``lr must be > 0, got -1``.
    """
    kind = "an integer" if integer else "a number"
    ok_type = (isinstance(value, (int, float, np.integer, np.floating))
               and not isinstance(value, bool))
    if not ok_type or not math.isfinite(value) or (integer and int(value) != value):
        raise ValueError(f"{name} must be {kind}{_range_text(low, high, low_open, high_open)}, "
                         f"got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be{_range_text(low, high, low_open, high_open)}, "
                         f"got {value!r}")
    return int(value) if integer else value


def _range_text(low, high, low_open, high_open):
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high}"
    return ""


def check_float_dtype(dtype):
    """Return ``numpy.dtype(dtype)`` if it is a floating type, else raise ValueError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f":
        raise ValueError(f"dtype must be a floating-point type such as np.float32 or "
                         f"np.float64, got {dtype!r}")
    return dt


def check_flag(name, value):
    """Return ``value`` as a bool if it is True or False, else raise ValueError.

    A string such as ``"no"`` is truthy in Python, so it is refused rather than read.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_rng(name, value):
    """A ``numpy.random.Generator`` from a seed (None or an integer >= 0) or a Generator."""
    if isinstance(value, np.random.Generator):
        return value
    if value is not None and (isinstance(value, (bool, np.bool_))
                              or not isinstance(value, (int, np.integer)) or value < 0):
        raise ValueError(f"{name} must be None, an integer >= 0 or a "
                         f"numpy.random.Generator, got {value!r}")
    return np.random.default_rng(value)


def check_object(name, value, methods, example):
    """Raise TypeError unless ``value`` has every method in ``methods``.

    ``example`` says what to pass instead, e.g. ``"an optimizer such as dl.SGD(0.1)"``.
    """
    if not all(callable(getattr(value, m, None)) for m in methods):
        raise TypeError(f"{name} must be {example}, got {type(value).__name__} {value!r}")
    return value


def check_array(name, value, kinds, what):
    """Return ``value`` if it is a numpy array whose dtype kind is in ``kinds`` (e.g.
    ``"f"``), else raise TypeError saying it must be ``what``: a list or a string array
    is refused, not converted."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds:
        got = (f"{value.dtype} array" if isinstance(value, np.ndarray)
               else type(value).__name__)
        raise TypeError(f"{name} must be {what}, got {got}")
    return value


def check_labels(name, t, n, n_classes=None):
    """Check targets for ``n`` samples: integer class numbers 0..n_classes-1 of shape (n,)
    or one-hot / soft rows of shape (n, n_classes); ``n_classes`` None: any number of
    classes. Returns ``t`` as an array."""
    t = np.asarray(t)
    top, width = ("C-1", "C") if n_classes is None else (n_classes - 1, n_classes)
    allowed = (f"integer class numbers 0..{top} of shape ({n},) or one-hot "
               f"rows of shape ({n}, {width})")
    if t.ndim == 1:
        if t.dtype.kind not in "iu":
            raise TypeError(f"{name} must be {allowed}, got {t.dtype} labels")
        if t.shape[0] != n:
            raise ValueError(f"{name} must have {n} labels (one per sample), got {t.shape[0]}")
        if t.size and (t.min() < 0 or n_classes is not None and t.max() >= n_classes):
            raise ValueError(f"labels {name} must be class numbers 0..{top}, "  # -1 would
                             f"got values from {t.min()} to {t.max()}")          # index too
        return t
    if t.ndim != 2 or t.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be {allowed}, got a {t.dtype} array of shape {t.shape}")
    if t.shape != (n, t.shape[1] if n_classes is None else n_classes):
        raise ValueError(f"{name} must be {allowed}, got shape {t.shape}")
    return t
