#!/bin/sh
# Installs node_modules when they are missing or older than package-lock.json, so scripts that need
# the pinned Node 24 (node_modules/.bin/node) work on a fresh clone. Silent when nothing is to do.
set -eu

case "$0" in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
cd "$here/../.."

needs_install() {
  [ -x node_modules/.bin/node ] || return 0
  [ -f node_modules/.package-lock.json ] || return 0
  # find -newer is POSIX; test -nt is not.
  [ -n "$(find package-lock.json -newer node_modules/.package-lock.json 2>/dev/null)" ] && return 0
  return 1
}

needs_install || exit 0

if ! command -v npm >/dev/null 2>&1; then
  echo "ensure-deps: npm is not on PATH. Install Node.js with npm (e.g. sudo apt-get install -y nodejs npm)." >&2
  exit 2
fi

echo "ensure-deps: installing dependencies (npm ci)..." >&2
# No fallback to `npm install`: it would rewrite package-lock.json in the user's clone. A lock file
# out of sync with package.json is a bug of the commit, and must fail here (and in CI) loudly.
if ! npm ci --no-audit --no-fund; then
  echo "ensure-deps: npm ci failed: package-lock.json must match package.json (run npm install and commit the lock file)." >&2
  exit 1
fi
