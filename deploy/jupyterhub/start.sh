#!/usr/bin/env bash
# Start the class's JupyterHub: bash deploy/jupyterhub/start.sh [jupyterhub arguments]
#
# PYTHON: the course environment's python (default: python on PATH), the one with
#         dlskills installed with its hub extra: pip install "<this repository>[hub]".
# The proxy is installed from the lock file when node_modules/ lacks it (install_proxy.sh).
# Every choice a school makes is an environment variable read by jupyterhub_config.py
# (its docstring lists them with their defaults; README: "在 JupyterHub 上给全班上课").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if ! "$PYTHON" -c "import jupyterhub, jupyterhub_idle_culler, dlskills" 2>/dev/null; then
    echo "The course environment ($PYTHON) lacks jupyterhub, jupyterhub-idle-culler or dlskills:" >&2
    echo "    $PYTHON -m pip install \"$(dirname "$(dirname "$HERE")")[hub]\"" >&2
    exit 1
fi
if [ -n "${DLSKILLS_HUB_PROXY:-}" ]; then
    "$DLSKILLS_HUB_PROXY" --version >/dev/null || { echo "$DLSKILLS_HUB_PROXY does not run" >&2; exit 1; }
else
    bash "$HERE/install_proxy.sh"
fi

# The course environment is the one running the hub, unless DLSKILLS_HUB_ENV says otherwise.
export DLSKILLS_HUB_ENV="${DLSKILLS_HUB_ENV:-$("$PYTHON" -c 'import sys; print(sys.prefix)')}"
exec "$PYTHON" -m jupyterhub -f "$HERE/jupyterhub_config.py" "$@"
