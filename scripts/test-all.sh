#!/usr/bin/env bash
# `npm test`: every check in one command. Installs what is missing (node
# modules from the lockfile, Debian's Chromium), then types, lint, format,
# unit / property / scenario tests, and the browser tests. Runs every stage
# even after a failure, and ends with one plain line:
#   tests: N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")/.."

# Install deps from the lockfile when node_modules is missing or stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing dependencies (npm ci)"
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi

rm -rf reports && mkdir -p reports
checks_failed=0
checks_passed=0
stage() {
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    echo "!! $name failed"
    checks_failed=$((checks_failed + 1))
  fi
}

stage "chromium" bash scripts/ensure-chromium.sh
stage "types (tsc -b)" npx tsc -b
stage "lint (eslint)" npx eslint . --max-warnings=0
stage "format (prettier --check)" npx prettier --check . --log-level warn

echo "== unit, property and scenario tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
echo "== browser tests (playwright, Debian chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json

node scripts/summary.mjs reports/vitest.json reports/playwright.json "$checks_passed" "$checks_failed"
