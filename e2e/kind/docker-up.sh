#!/usr/bin/env bash
# Makes a Docker engine available on this machine, able to run --privileged
# containers (Kind nodes) although the VM's capability bounding set lacks
# CAP_SYS_RESOURCE:
#   1. installs Debian's docker.io when dockerd is missing;
#   2. builds the runc wrapper (runc-wrapper/, drops CAP_SYS_RESOURCE from
#      bundles and exec process specs) to /usr/local/bin/physalia-runc and
#      registers it as dockerd's default runtime in /etc/docker/daemon.json;
#   3. starts dockerd when none runs (log: $DOCKER_LOG) and waits for
#      `docker info`. Idempotent; docker-down.sh stops what this started.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${PHYSALIA_DOCKER_STATE:-/run/physalia-docker}"
DOCKER_LOG="${DOCKER_LOG:-/var/log/physalia-dockerd.log}"
WRAPPER=/usr/local/bin/physalia-runc
DAEMON_JSON=/etc/docker/daemon.json
CACHE="${PHYSALIA_K8S_CACHE:-$HOME/.cache/physalia-k8s}"
say() { echo "docker-up: $*"; }

if [[ $EUID -ne 0 ]]; then echo "docker-up: must run as root" >&2; exit 1; fi

if docker info >/dev/null 2>&1 && [[ ! -f "$STATE/dockerd.pid" ]]; then
  say "a Docker engine already runs (not started by us); leaving it alone"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "dockerd missing: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io
fi

REAL_RUNC="$(command -v runc || true)"
[[ -n "$REAL_RUNC" && "$REAL_RUNC" != "$WRAPPER" ]] || { echo "docker-up: no real runc found" >&2; exit 1; }

src_sum="$(cat "$HERE/runc-wrapper/main.go" "$HERE/runc-wrapper/go.mod" | sha256sum | cut -c1-16)"
if [[ -x "$WRAPPER" && "$(cat "$WRAPPER.src" 2>/dev/null)" == "$src_sum" ]]; then
  say "runc wrapper $WRAPPER: up to date"
else
  say "building runc wrapper -> $WRAPPER (drops CAP_SYS_RESOURCE, then runs $REAL_RUNC)"
  (cd "$HERE/runc-wrapper" && GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE="$CACHE/gobuild" GOFLAGS=-trimpath \
     go build -ldflags "-s -w" -o "$WRAPPER.tmp" .)
  mv "$WRAPPER.tmp" "$WRAPPER"
  echo "$src_sum" > "$WRAPPER.src"
fi

want="$(cat <<JSON
{
  "runtimes": { "physalia-runc": { "path": "$WRAPPER", "runtimeArgs": [] } },
  "default-runtime": "physalia-runc"
}
JSON
)"
mkdir -p /etc/docker
if [[ -f "$DAEMON_JSON" ]] && ! grep -q physalia-runc "$DAEMON_JSON"; then
  echo "docker-up: $DAEMON_JSON exists and is not ours; add the physalia-runc runtime by hand:" >&2
  echo "$want" >&2
  exit 1
fi
if [[ "$(cat "$DAEMON_JSON" 2>/dev/null)" != "$want" ]]; then
  say "writing $DAEMON_JSON (default runtime physalia-runc)"
  echo "$want" > "$DAEMON_JSON"
fi

mkdir -p "$STATE"
if [[ -f "$STATE/dockerd.pid" ]] && kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null; then
  say "dockerd started earlier by us runs (pid $(cat "$STATE/dockerd.pid"))"
else
  say "starting dockerd (log $DOCKER_LOG)"
  # PHYSALIA_REAL_RUNC reaches the wrapper through dockerd -> containerd -> shim.
  PHYSALIA_REAL_RUNC="$REAL_RUNC" setsid dockerd >>"$DOCKER_LOG" 2>&1 < /dev/null &
  echo $! > "$STATE/dockerd.pid"
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    say "ready: $(docker version -f 'engine {{.Server.Version}}, API {{.Server.APIVersion}}'), default runtime $(docker info -f '{{.DefaultRuntime}}')"
    exit 0
  fi
  kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null || { echo "docker-up: dockerd exited; see $DOCKER_LOG" >&2; tail -20 "$DOCKER_LOG" >&2; exit 1; }
  sleep 1
done
echo "docker-up: dockerd did not answer within 60s; see $DOCKER_LOG" >&2
exit 1
