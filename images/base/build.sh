#!/usr/bin/env bash
# Builds the base image of the node and operator images from packages this machine reaches, with
# no container registry: Debian's libc6 (the only library the JVM links) and a Java runtime that
# jlink cuts from the build's own JDK, on an otherwise empty root. The result is a `docker save`
# tarball that Jib takes as its base (`tar://...`, see images/pom.xml).
#
#   images/base/build.sh OUT.tar
#
# The tarball is reproducible: the same libc6 package and the same JDK give the same bytes (every
# file's time is the epoch, owners are 0, entries are sorted). The libc6 package comes from
# PHYSALIA_IMAGE_CACHE (default ~/.cache/physalia-images/debs) or, the first time, from
# `apt-get download libc6`; put a libc6_*.deb there by hand on a machine without apt.
#
# There is no shell, no package manager and no user but root and `physalia` (10001) in the image.
set -euo pipefail

OUT="${1:?usage: build.sh OUT.tar}"
CACHE="${PHYSALIA_IMAGE_CACHE:-$HOME/.cache/physalia-images}"
# The Java modules the node (Vert.x, Netty, MapDB, the Prometheus client) and the operator (JOSDK,
# Fabric8 on the JDK's HTTP client and HTTP server, Jackson, SnakeYAML) use: `jdeps
# --print-module-deps` on their class paths (docs/images.md), less java.compiler (only annotation
# processors refer to it), plus jdk.crypto.ec where it is still a module of its own (Java 21). One
# runtime for both images: a machine running both pulls the base layer once.
MODULES="${PHYSALIA_JRE_MODULES:-java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.httpserver,jdk.jfr,jdk.unsupported}"
USER_ID=10001
START=$SECONDS
log() { printf '[base-image %3ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { echo "images/base/build.sh: $*" >&2; exit 1; }

[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jlink" ]] || die "JAVA_HOME must name a JDK with bin/jlink (it is '${JAVA_HOME:-unset}')"
for tool in tar sha256sum; do command -v "$tool" >/dev/null || die "'$tool' is not on PATH"; done

# --- libc6, from the cache or from apt ------------------------------------------------------------
mkdir -p "$CACHE/debs"
libc_deb() { find "$CACHE/debs" -maxdepth 1 -name 'libc6_*_amd64.deb' | sort -V | tail -n1; }
if [[ -z "$(libc_deb)" ]]; then
  command -v apt-get >/dev/null || die "no libc6_*_amd64.deb in $CACHE/debs and no apt-get to fetch one"
  log "fetching Debian's libc6 into $CACHE/debs"
  (cd "$CACHE/debs" && { apt-get download -q libc6 2>/dev/null || { apt-get update -q >/dev/null && apt-get download -q libc6; }; }) >/dev/null \
    || die "apt-get download libc6 failed; put a libc6_*_amd64.deb in $CACHE/debs"
fi
DEB="$(libc_deb)"
[[ -n "$DEB" ]] || die "apt-get download libc6 left no libc6_*_amd64.deb in $CACHE/debs"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
mkdir -p "$ROOT"

# dpkg-deb where there is one; a .deb is an ar archive holding data.tar.* otherwise
if command -v dpkg-deb >/dev/null; then
  dpkg-deb -x "$DEB" "$ROOT"
  LIBC_VERSION="$(dpkg-deb -f "$DEB" Version)"
  dpkg-deb -f "$DEB" > "$WORK/libc6.control"
else
  die "dpkg-deb is needed to unpack $DEB"
fi
# What a JVM never opens: iconv modules, documentation, the locale and debugging helpers.
rm -rf "$ROOT/usr/share" "$ROOT/usr/lib/x86_64-linux-gnu/gconv" "$ROOT/usr/bin" "$ROOT/usr/sbin" "$ROOT/usr/libexec"
log "libc6 $LIBC_VERSION"

# --- the Java runtime ------------------------------------------------------------------------------
available="$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//')"
if grep -qx jdk.crypto.ec <<<"$available"; then MODULES="$MODULES,jdk.crypto.ec"; fi
for m in ${MODULES//,/ }; do grep -qx "$m" <<<"$available" || die "the JDK in $JAVA_HOME has no module $m"; done
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --output "$ROOT/opt/java" >"$WORK/jlink.log" 2>&1 || { cat "$WORK/jlink.log" >&2
  die "jlink failed (a Debian JDK needs its jmods package too, e.g. openjdk-21-jmods)"; }
JAVA_VERSION="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$ROOT/opt/java/release")"
log "Java $JAVA_VERSION runtime: $MODULES"

# --- users, name service, /tmp ---------------------------------------------------------------------
# proc, dev and sys: the mount points a container runtime fills (the root is read-only in a pod)
mkdir -p "$ROOT/etc" "$ROOT/tmp" "$ROOT/var/lib/dpkg/status.d" "$ROOT/proc" "$ROOT/dev" "$ROOT/sys"
printf 'root:x:0:0:root:/root:/sbin/nologin\nphysalia:x:%d:%d:physalia:/nonexistent:/sbin/nologin\n' $USER_ID $USER_ID > "$ROOT/etc/passwd"
printf 'root:x:0:\nphysalia:x:%d:\n' $USER_ID > "$ROOT/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
# the package database scanners read (as distroless images keep it), so libc6's version is visible
cp "$WORK/libc6.control" "$ROOT/var/lib/dpkg/status.d/libc6"
chmod 1777 "$ROOT/tmp"

# --- one layer, then the docker-save tarball around it --------------------------------------------
deterministic_tar() { # DIR OUT: sorted entries, epoch times, numeric root ownership
  local entries
  entries="$(cd "$1" && LC_ALL=C ls -A)"
  # shellcheck disable=SC2086 # the names are ours: no spaces
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$1" -cf "$2" $entries
}
deterministic_tar "$ROOT" "$WORK/layer.tar"
DIFF_ID="$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)"
IMG="$WORK/image"
mkdir -p "$IMG/$DIFF_ID"
mv "$WORK/layer.tar" "$IMG/$DIFF_ID/layer.tar"
cat > "$WORK/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"$USER_ID:$USER_ID","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"WorkingDir":"/","Labels":{"io.physalia.base.libc6":"$LIBC_VERSION","io.physalia.base.java":"$JAVA_VERSION"}},"rootfs":{"type":"layers","diff_ids":["sha256:$DIFF_ID"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"images/base/build.sh: Debian libc6 $LIBC_VERSION, jlink Java $JAVA_VERSION ($MODULES)"}]}
EOF
CONFIG_ID="$(sha256sum "$WORK/config.json" | cut -d' ' -f1)"
mv "$WORK/config.json" "$IMG/$CONFIG_ID.json"
printf '[{"Config":"%s.json","RepoTags":["physalia/base:latest"],"Layers":["%s/layer.tar"]}]\n' "$CONFIG_ID" "$DIFF_ID" > "$IMG/manifest.json"
find "$IMG" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$OUT")"
deterministic_tar "$IMG" "$OUT.part"
mv "$OUT.part" "$OUT"
log "wrote $OUT ($(du -m "$OUT" | cut -f1) MB, layer sha256:${DIFF_ID:0:12})"
