#!/usr/bin/env bash
# The test command: bash tests/run.sh [pytest arguments]
#
# 1. installs the package with its test dependencies (pip, editable);
# 2. makes sure the system packages the browser and hub tests need are there
#    (Debian: chromium; nodejs and npm when npm is missing), installing them
#    when it can (as root, or with password-less sudo); figures need no system
#    font (the package ships a Chinese font subset, dlskills/fonts/);
# 3. installs JupyterHub's proxy, configurable-http-proxy, from the npm lock
#    file (npm ci --prefix deploy/jupyterhub, into its node_modules/), unless
#    node_modules/ already holds exactly what the lock file pins;
# 4. runs pytest: unit tests, every notebook (nbval), the real-browser tests,
#    the classroom tools (nbgrader's CLI, Voila, a class on JupyterHub), test
#    files in parallel.
#
# Without Chromium the browser tests are skipped, and without the proxy the
# JupyterHub smoke test, except in CI (CI set) or with DLSKILLS_REQUIRE_BROWSER=1
# / DLSKILLS_REQUIRE_HUB=1, where they fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

note() { printf '\n*** %s\n\n' "$*" >&2; }

"$PYTHON" -m pip install --disable-pip-version-check -e ".[test]"

have_chromium() {
    [ -n "${DLSKILLS_CHROMIUM:-}" ] && [ -x "$DLSKILLS_CHROMIUM" ] && return 0
    [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 \
        || command -v chromium-browser >/dev/null 2>&1
}

missing=()
have_chromium || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ "${#missing[@]}" -gt 0 ]; then
    as_root=()
    if [ "$(id -u)" -eq 0 ]; then
        as_root=(env)
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n env)
    fi
    if [ "${#as_root[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing system packages: ${missing[*]}"
        if ! { "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update \
            && "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; }; then
            note "apt-get could not install: ${missing[*]}"
        fi
    else
        note "Missing system packages: ${missing[*]}. Not root and no password-less sudo
    (or no apt-get), so they were not installed. To install them on Debian/Ubuntu:
        sudo apt-get install -y ${missing[*]}"
    fi
fi

if ! have_chromium; then
    if [ -n "${CI:-}" ] || [ "${DLSKILLS_REQUIRE_BROWSER:-}" = 1 ]; then
        note "Chromium is not installed: the browser tests will FAIL (CI / DLSKILLS_REQUIRE_BROWSER=1)."
    else
        note "Chromium is not installed: the browser tests will be SKIPPED.
    Run this script as root, or: sudo apt-get install -y chromium"
    fi
fi

# JupyterHub's proxy, pinned by deploy/jupyterhub/package-lock.json to a version whose
# whole dependency tree supports Node.js >= 18 (Debian 12's apt nodejs is 18.20).
HUB_DEPLOY=deploy/jupyterhub
PROXY=$HUB_DEPLOY/node_modules/.bin/configurable-http-proxy
# npm ci (which needs the registry and deletes node_modules/ first) only when what npm
# last installed there (its node_modules/.package-lock.json) differs from the lock file.
lock_installed() {
    "$PYTHON" - "$HUB_DEPLOY" <<'EOF'
import json, sys
from pathlib import Path
folder = Path(sys.argv[1])
try:
    pinned = json.loads((folder / "package-lock.json").read_text())["packages"]
    installed = json.loads((folder / "node_modules" / ".package-lock.json").read_text())["packages"]
except (OSError, ValueError, KeyError):
    sys.exit(1)
pinned.pop("", None)            # the lock's own package is not installed into node_modules
sys.exit(0 if pinned == installed else 1)
EOF
}
if lock_installed; then
    echo "configurable-http-proxy: node_modules matches $HUB_DEPLOY/package-lock.json (npm ci skipped)"
elif command -v npm >/dev/null 2>&1; then
    npm ci --prefix "$HUB_DEPLOY" --no-audit --no-fund --loglevel=error \
        || note "npm ci --prefix $HUB_DEPLOY failed"
fi
if ! "$PROXY" --version >/dev/null 2>&1; then
    if [ -n "${CI:-}" ] || [ "${DLSKILLS_REQUIRE_HUB:-}" = 1 ]; then
        note "configurable-http-proxy does not run: the JupyterHub test will FAIL (CI / DLSKILLS_REQUIRE_HUB=1)."
    else
        note "configurable-http-proxy does not run: the JupyterHub test will be SKIPPED.
    It needs Node.js >= 18 and npm: npm ci --prefix $HUB_DEPLOY"
    fi
fi

export MPLBACKEND=Agg
# Test files run in parallel, one worker per core up to 4 (pytest-xdist; a notebook's
# cells stay together on one worker: --dist loadfile). Add `-n 0` to run in one process.
exec "$PYTHON" -m pytest -n auto --maxprocesses=4 --dist loadfile "$@"
