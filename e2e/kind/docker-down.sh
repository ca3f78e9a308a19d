#!/usr/bin/env bash
# Stops the dockerd that docker-up.sh started (and nothing else). Leaves the
# package, the wrapper, /etc/docker/daemon.json and images in place.
set -euo pipefail
STATE="${PHYSALIA_DOCKER_STATE:-/run/physalia-docker}"
say() { echo "docker-down: $*"; }
if [[ ! -f "$STATE/dockerd.pid" ]]; then say "no dockerd started by docker-up; nothing to do"; exit 0; fi
pid="$(cat "$STATE/dockerd.pid")"
if kill -0 "$pid" 2>/dev/null; then
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then say "dockerd still runs after 30s; sending KILL"; kill -KILL "$pid"; fi
else
  say "dockerd (pid $pid) no longer runs"
fi
rm -f "$STATE/dockerd.pid"
say "stopped"
