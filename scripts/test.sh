#!/usr/bin/env bash
# Runs every test of Headroom on a fresh Debian machine: installs what the tests need when it is missing
# (real Redis, Chromium, PostgreSQL, dnsmasq and promtool from Debian's packages), then runs the Maven build with all
# tests, and fails if any test was skipped (a skipped test in CI is a failed test).
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- prerequisites: "command-or-path package" pairs, installed only when missing
prereqs=(
  "redis-server redis-server"
  "redis-cli redis-tools"
  "chromium chromium"
  "/usr/lib/postgresql/15/bin/initdb postgresql-15"
  "gcc gcc"
  "/usr/sbin/dnsmasq dnsmasq-base"   # the binary alone: the package "dnsmasq" would add a service on port 53
  "promtool prometheus"              # promtool checks the generated alerting rules (the server is not started)
)
missing=()
for pair in "${prereqs[@]}"; do
  what=${pair% *}; pkg=${pair#* }
  if [[ $what == /* ]]; then [[ -x $what ]] || missing+=("$pkg"); else command -v "$what" >/dev/null || missing+=("$pkg"); fi
done
if ((${#missing[@]})); then
  echo "installing missing packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- the build and every test
mvn -B -ntp verify "$@"

# ---- no skipped tests
skipped=$(grep -ho 'skipped="[0-9]*"' $(find . -path '*/target/surefire-reports/TEST-*.xml') 2>/dev/null \
  | grep -v 'skipped="0"' || true)
if [[ -n $skipped ]]; then
  echo "FAILED: some tests were skipped:"
  grep -l 'skipped="[1-9]' $(find . -path '*/target/surefire-reports/TEST-*.xml')
  exit 1
fi
echo "all tests passed, none skipped"
