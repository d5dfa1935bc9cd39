#!/usr/bin/env bash
# Install JupyterHub's proxy, configurable-http-proxy, into deploy/jupyterhub/node_modules
# from the lock file: bash deploy/jupyterhub/install_proxy.sh
#
# The lock pins a version whose whole dependency tree supports Node.js >= 18 (Debian 12's
# apt nodejs is 18.20). `npm ci` needs the registry and deletes node_modules/ first, so it
# runs only when what npm last installed there (node_modules/.package-lock.json) differs
# from package-lock.json. Used by tests/run.sh and start.sh. Exits non-zero when npm is
# missing or fails, or the proxy does not run afterwards.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROXY="$HERE/node_modules/.bin/configurable-http-proxy"

installed_is_locked() {
    node -e '
const fs = require("fs"), path = require("path"), folder = process.argv[1];
const read = (file) => JSON.parse(fs.readFileSync(path.join(folder, file), "utf8")).packages;
try {
  const pinned = read("package-lock.json");
  delete pinned[""];            // the lock'"'"'s own package is not installed into node_modules
  process.exit(require("util").isDeepStrictEqual(pinned, read("node_modules/.package-lock.json")) ? 0 : 1);
} catch (error) {
  process.exit(1);
}' "$HERE"
}

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "npm is missing: install Node.js >= 18 and npm (Debian/Ubuntu: apt-get install nodejs npm)" >&2
    exit 1
fi
if installed_is_locked; then
    echo "configurable-http-proxy: node_modules matches package-lock.json (npm ci skipped)"
else
    npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error
fi
"$PROXY" --version >/dev/null || { echo "$PROXY does not run (Node.js $(node --version))" >&2; exit 1; }
