"""Widget apps for the notebooks, all built on :class:`Explorer`."""

from .base import Explorer, TrainingExplorer  # noqa: F401
