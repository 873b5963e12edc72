#!/usr/bin/env bash
# `npm test`: lint, type-check, unit and integration tests (vitest) on the simulator, then on a real
# control plane (kube-apiserver and friends with kwok nodes), then end-to-end (Playwright in Debian's
# Chromium). Installs only what a fresh machine lacks, when run as root: Chromium, and
# Prometheus (the dashboard's tests query a real one; test/support/prometheus.ts starts it, never systemd).
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

# The Docker host tests run a real container engine of their own (test/support/docker-engine.ts): podman
# with runc serving the Docker Engine API, Debian's docker-registry on loopback, and a Debian base
# image made by debootstrap. The registry package's service must not start: the tests run their own.
engine_packages=()
for pair in podman:/usr/bin/podman runc:/usr/sbin/runc docker-registry:/usr/bin/docker-registry debootstrap:/usr/sbin/debootstrap iptables:/usr/sbin/iptables; do
  [ -x "${pair#*:}" ] || engine_packages+=("${pair%%:*}")
done
if [ ${#engine_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's ${engine_packages[*]} for the container engine tests…"
    apt-get update -qq
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${engine_packages[@]}" >/dev/null
    if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "The container engine tests need ${engine_packages[*]}: run 'sudo apt-get install -y podman runc docker-registry debootstrap' once." >&2
    exit 1
  fi
fi

# The binaries the suites call, checked before anything starts: a missing one fails here in plain
# words instead of as a skipped or oddly failing test later. The kubectl matrix is printed.
kubectl_dir=/usr/lib/google-cloud-sdk/bin
kubectl_versions=${SIM_KUBECTL_VERSIONS:-1.27,1.33}
missing=()
for tool in /usr/bin/kubectl go openssl python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
for version in ${kubectl_versions//,/ }; do [ -x "$kubectl_dir/kubectl.$version" ] || missing+=("$kubectl_dir/kubectl.$version"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "npm test needs these and cannot find them: ${missing[*]} (kubectl.<minor> come with the google-cloud-sdk kubectl packages; Go 1.26+ builds the real control plane; python3 with pip runs the API fuzzer and the Python client tests)." >&2
  exit 1
fi
client_version() { "$1" version --client 2>/dev/null | sed -n -e 's/.*GitVersion:"\([^"]*\)".*/\1/p' -e t -e 's/^Client Version: //p'; }
echo "kubectl for the integration, real control plane and end-to-end tests: /usr/bin/kubectl $(client_version /usr/bin/kubectl)"
for version in ${kubectl_versions//,/ }; do
  echo "kubectl for the simulator's compatibility suite: $kubectl_dir/kubectl.$version $(client_version "$kubectl_dir/kubectl.$version")"
done

# Each step's output is also kept, so the run can end with one summary of what was tested.
logs=$(mktemp -d "${TMPDIR:-/tmp}/berth-test-XXXXXX")
step() {
  local name=$1; shift
  echo "== $name"
  "$@" 2>&1 | tee "$logs/$name.log"
}
counts() { sed -e 's/\x1b\[[0-9;]*m//g' "$logs/$1.log" | grep -E "$2" | sed -e 's/^ *//' -e 's/  */ /g' | paste -sd ';' | sed 's/;/; /g'; }

step lint npx eslint --max-warnings 0 .
# One formatting for all code (.prettierrc.json: 120 columns, imports grouped); `npm run format` applies it.
step format npx prettier --check --log-level warn .
step typecheck npm run --silent typecheck
# The OpenAPI document as the code makes it, under Redocly's recommended rules (redocly.yaml),
# offline: no usage data and no update check leave the machine.
openapi_lint() {
  local document status=0
  document=$(mktemp "${TMPDIR:-/tmp}/berth-openapi-XXXXXX.json")
  npx tsx scripts/openapi-document.ts >"$document" &&
    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx redocly lint "$document" --config redocly.yaml --format=summary || status=$?
  rm -f "$document"
  return $status
}
step openapi-lint openapi_lint
# The console's production build, as the image's standalone tree, once and before the suites:
# scripts/standalone.test.ts then only copies it, and Playwright's server start reuses the same .next.
step standalone npm run --silent build:standalone
step vitest npx vitest run
# The same integration suites on a real control plane, as Berth's deploy/ ServiceAccount. Its
# binaries are built from Go modules into a cache outside the tree: on a fresh machine the first
# build takes about 25 minutes on 2 cores (Go 1.26+ and the Go module proxy needed), then seconds.
step real-binaries npm run --silent cluster:real -- --prepare-only
step real npm run --silent test:real
step e2e npx playwright test
# The Python client and its `berth` CLI (pytest, clients/python/tests) against a fresh console on
# the build Playwright left; BERTH_PYTHON_CLIENT_PORT (default 3400) moves it.
step python-client npx tsx scripts/python-client-tests.ts
# After Playwright, whose server start leaves a current build for the fuzzer's console.
step fuzz npx tsx scripts/fuzz-api.ts

echo "== summary: every step passed (logs in $logs)"
echo "lint, formatting and typecheck: clean"
echo "vitest on the simulator: $(counts vitest '^ *(Test Files|Tests) ')"
echo "vitest on the real control plane: $(counts real '^ *(Test Files|Tests) ')"
echo "Playwright in Chromium: $(counts e2e '^ *[0-9]+ (passed|failed|flaky|skipped|did not run)')"
echo "Python client and CLI (pytest): $(counts python-client '^[= ]*[0-9]+ (passed|failed)')"
echo "$(counts fuzz '^API fuzzing ')"
