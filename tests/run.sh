#!/usr/bin/env bash
# The test command: bash tests/run.sh [pytest arguments]
#
# 1. installs the package with its test dependencies (pip, editable);
# 2. makes sure the system packages the browser and hub tests need are there
#    (Debian: chromium; nodejs and npm when npm is missing), installing them
#    when it can (as root, or with password-less sudo); figures need no system
#    font (the package ships a Chinese font subset, dlskills/fonts/);
# 3. installs JupyterHub's proxy, configurable-http-proxy, from the npm lock
#    file (deploy/jupyterhub/install_proxy.sh: npm ci into its node_modules/,
#    unless node_modules/ already holds exactly what the lock file pins);
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

# JupyterHub's proxy from deploy/jupyterhub/package-lock.json (Node.js >= 18; npm ci only
# when node_modules/ differs from the lock).
PROXY=deploy/jupyterhub/node_modules/.bin/configurable-http-proxy
bash deploy/jupyterhub/install_proxy.sh || note "deploy/jupyterhub/install_proxy.sh failed"
if ! "$PROXY" --version >/dev/null 2>&1; then
    if [ -n "${CI:-}" ] || [ "${DLSKILLS_REQUIRE_HUB:-}" = 1 ]; then
        note "configurable-http-proxy does not run: the JupyterHub test will FAIL (CI / DLSKILLS_REQUIRE_HUB=1)."
    else
        note "configurable-http-proxy does not run: the JupyterHub test will be SKIPPED.
    It needs Node.js >= 18 and npm: bash deploy/jupyterhub/install_proxy.sh"
    fi
fi

export MPLBACKEND=Agg
# Test files run in parallel, one worker per core up to 4 (pytest-xdist; a notebook's
# cells stay together on one worker: --dist loadfile). Add `-n 0` to run in one process.
exec "$PYTHON" -m pytest -n auto --maxprocesses=4 --dist loadfile "$@"
