#!/usr/bin/env bash
# `npm test`: lint, type-check, unit and integration tests (vitest), then end-to-end (Playwright
# in Debian's Chromium). Installs only what a fresh machine lacks: Chromium, when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's chromium for the end-to-end tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The end-to-end tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium' once." >&2
    exit 1
  fi
fi

echo "== lint"; npx eslint --max-warnings 0 .
echo "== typecheck"; npm run --silent typecheck
echo "== unit and integration (vitest)"; npx vitest run
echo "== end-to-end (Playwright)"; npx playwright test
