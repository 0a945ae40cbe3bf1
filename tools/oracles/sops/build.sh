#!/usr/bin/env bash
# Builds the real `sops` CLI from the Go module proxy into a cache outside the checkout, for the
# oracle tests in compiler/sops/oracle_test.ts (test infrastructure only; product code runs no
# subprocess). Prints the binary's path on the last line of stdout.
#
#   tools/oracles/sops/build.sh [version]      # default v3.13.3
#
# Cache: ${SEAM_ORACLE_CACHE:-$HOME/.cache/seam-oracles}/sops-<version>/bin/sops
# Exits non-zero with the go error when the build fails (the oracle test then fails loudly).
set -euo pipefail

version="${1:-${SOPS_ORACLE_VERSION:-v3.13.3}}"
cache="${SEAM_ORACLE_CACHE:-$HOME/.cache/seam-oracles}/sops-${version}"
bin="$cache/bin/sops"

if [[ -x "$bin" ]] && "$bin" --version --disable-version-check >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache/bin"
export GOBIN="$cache/bin"
export GOFLAGS="-trimpath -buildvcs=false"
export CGO_ENABLED=0
# Keep the build light on a shared machine.
export GOMAXPROCS="${GOMAXPROCS:-1}"
log="$cache/build.log"
if ! go install -p 1 "github.com/getsops/sops/v3/cmd/sops@${version}" >"$log" 2>&1; then
  echo "sops oracle: go install github.com/getsops/sops/v3/cmd/sops@${version} failed:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
"$bin" --version --disable-version-check >&2
echo "$bin"
