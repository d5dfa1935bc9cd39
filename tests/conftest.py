"""Shared pytest setup: draw with Agg in the test process."""
import os

import matplotlib

matplotlib.use("Agg")

# tests/run.sh exports MPLBACKEND=Agg for this process. Kernels started from
# here (nbval, the browser tests' JupyterLab) inherit the environment, and
# ipykernel only picks its inline backend when MPLBACKEND is unset: with Agg
# inherited, notebook figures would never be drawn, so a broken figure (or a
# missing-glyph warning) would go unnoticed. Kernels get a learner's setup.
if os.environ.get("MPLBACKEND", "").lower() == "agg":
    del os.environ["MPLBACKEND"]
