#!/usr/bin/env bash
# Builds helm (the chart tests' `helm lint` and `helm template`) from its
# upstream Go module and caches it next to the control-plane binaries.
#
#   e2e/k8s-bin/build-helm.sh            build when missing (idempotent, instant when cached)
#   e2e/k8s-bin/build-helm.sh --check    exit 0 when present, 1 otherwise
#
# The version can be overridden with HELM_VERSION; the cache root with
# PHYSALIA_K8S_CACHE (default ~/.cache/physalia-k8s). Result: $CACHE/bin/helm.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE="${PHYSALIA_K8S_CACHE:-$HOME/.cache/physalia-k8s}"
HELM_DIR="$CACHE/helm/$HELM_VERSION"
START=$SECONDS

log() { printf '[helm-bin %4ds] %s\n' "$((SECONDS - START))" "$*"; }

present() { [[ -x "$HELM_DIR/helm" && -x "$CACHE/bin/helm" ]]; }

if [[ "${1:-}" == "--check" ]]; then
  if present; then echo "present: $CACHE/bin/helm"; exit 0; fi
  echo "missing: run e2e/k8s-bin/build-helm.sh"; exit 1
fi

if [[ -x "$HELM_DIR/helm" ]]; then
  log "helm $HELM_VERSION: cached"
else
  if ! command -v go >/dev/null 2>&1; then
    echo "build-helm.sh: Go 1.26 or newer is needed (https://go.dev/dl/); 'go' is not on PATH" >&2
    exit 1
  fi
  export GOMODCACHE="$CACHE/gomod"
  export GOCACHE="$CACHE/gobuild"
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  export GOFLAGS="-trimpath"
  log "downloading helm.sh/helm/v3@$HELM_VERSION; cache $CACHE"
  gomod="$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",*$/\1/p')"
  # As helm's Makefile: the Kubernetes version helm assumes offline (lint,
  # template's .Capabilities) is one minor ahead of the client-go it uses.
  client_go="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")"
  cg="${client_go#v}"; major=$(( ${cg%%.*} + 1 )); minor="${cg#*.}"; minor="${minor%%.*}"
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld+=" -X $pkg.k8sVersionMajor=$major -X $pkg.k8sVersionMinor=$minor"
  done
  log "building helm $HELM_VERSION (client-go $client_go; a cold build takes minutes)"
  mkdir -p "$HELM_DIR.tmp"
  GOBIN="$HELM_DIR.tmp" go install -ldflags "$ld" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  mkdir -p "$HELM_DIR" && mv "$HELM_DIR.tmp/helm" "$HELM_DIR/helm"
  rmdir "$HELM_DIR.tmp" 2>/dev/null || true
fi
mkdir -p "$CACHE/bin"
ln -sfn "$HELM_DIR/helm" "$CACHE/bin/helm"
log "done: $CACHE/bin/helm ($("$CACHE/bin/helm" version --short))"
