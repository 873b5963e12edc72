#!/usr/bin/env bash
# `npm test`: lint, type-check, unit and integration tests (vitest), then end-to-end (Playwright
# in Debian's Chromium). Installs only what a fresh machine lacks, when run as root: Chromium, and
# Prometheus (the dashboard's tests query a real one; test/prometheus.ts starts it, never systemd).
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

if [ ! -x /usr/bin/prometheus ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's prometheus for the dashboard tests…"
    apt-get update -qq
    # The tests run their own instance: a temporary policy-rc.d keeps the package's service from starting.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "The dashboard tests need /usr/bin/prometheus: run 'sudo apt-get install -y prometheus' once." >&2
    exit 1
  fi
fi

echo "== lint"; npx eslint --max-warnings 0 .
echo "== typecheck"; npm run --silent typecheck
echo "== unit and integration (vitest)"; npx vitest run
echo "== end-to-end (Playwright)"; npx playwright test
# After Playwright, whose server start leaves a current build for the fuzzer's console.
echo "== API fuzzing (schemathesis)"; npx tsx scripts/fuzz-api.ts
