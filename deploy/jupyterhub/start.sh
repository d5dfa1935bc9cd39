#!/usr/bin/env bash
# Start the class's JupyterHub: bash deploy/jupyterhub/start.sh [jupyterhub arguments]
#
# PYTHON: the course environment's python (default: python on PATH), the one with
#         dlskills installed with its hub extra: pip install "<this repository>[hub]".
# The proxy is installed on first use from the lock file (npm ci; needs Node.js >= 18).
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
PROXY="${DLSKILLS_HUB_PROXY:-$HERE/node_modules/.bin/configurable-http-proxy}"
if [ ! -x "$PROXY" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js >= 18 and npm" >&2; exit 1; }
    npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error
fi
"$PROXY" --version >/dev/null || { echo "$PROXY does not run: it needs Node.js >= 18" >&2; exit 1; }

# The course environment is the one running the hub, unless DLSKILLS_HUB_ENV says otherwise.
export DLSKILLS_HUB_ENV="${DLSKILLS_HUB_ENV:-$("$PYTHON" -c 'import sys; print(sys.prefix)')}"
exec "$PYTHON" -m jupyterhub -f "$HERE/jupyterhub_config.py" "$@"
