#!/usr/bin/env bash
# Builds, offline, a Kind node image for Kubernetes $KUBE_VERSION from Debian
# packages (debootstrap) and Go modules. Everything is cached outside the
# repository under $PHYSALIA_KIND_CACHE (default ~/.cache/physalia-kind); a
# step whose output is already cached is skipped.
#
#   e2e/kind/build-node-image.sh              build what is missing
#   e2e/kind/build-node-image.sh STEP...      run only these steps (see STEPS)
#
# Heavy steps run under `nice -n $NICE` (default 15).
set -euo pipefail

KIND_VERSION="${KIND_VERSION:-v0.33.0}"
CONTAINERD_VERSION="${CONTAINERD_VERSION:-v2.3.4}"
RUNC_VERSION="${RUNC_VERSION:-v1.4.3}"
CRICTL_VERSION="${CRICTL_VERSION:-v1.36.0}"
CNI_VERSION="${CNI_VERSION:-v1.9.1}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.14.2}"
PAUSE_VERSION="${PAUSE_VERSION:-3.10.2}"
KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-v2.1.0}"   # the only v2 on the Go module proxy
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NICE="${NICE:-15}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# KUBE_VERSION, ETCD_VERSION, KUBE_PLAIN, K8S_CACHE, the Go environment, kube_ldflags: the same
# as the e2e control plane's (e2e/k8s-bin/build.sh)
source "$HERE/../k8s-bin/go-env.sh"
export GOCACHE="${KIND_GOCACHE:-$GOCACHE}"   # KIND_GOCACHE: e.g. a fresh one to measure a cold build
CACHE="${PHYSALIA_KIND_CACHE:-$HOME/.cache/physalia-kind}"
NODE_IMAGE="${NODE_IMAGE:-physalia/kind-node:$KUBE_VERSION}"
PROBE_IMAGE="${PROBE_IMAGE:-physalia/kind-probe:busybox}"
BIN="$CACHE/bin"          # built binaries, one directory per component version
WORK="$CACHE/work"        # go.mod wrappers and scratch
START=$SECONDS

log() { printf '[kind-image %5ds] %s\n' "$((SECONDS - START))" "$*"; }
heavy() { nice -n "$NICE" "$@"; }
# step NAME OUTPUT: prints "cached" and returns 1 when OUTPUT exists
step_start() { STEP_T0=$SECONDS; log "step $1: start"; }
step_done() { log "step $1: done in $((SECONDS - STEP_T0))s"; }
cached() { if [[ -e "$2" ]]; then log "step $1: cached ($2)"; return 0; fi; return 1; }

# go_wrapper DIR MODULE VERSION TOOL...: a throw-away module that requires
# MODULE@VERSION and lists TOOLs, so `go build` resolves its dependency graph.
go_wrapper() {
  local dir="$1" mod="$2" ver="$3"; shift 3
  mkdir -p "$dir"
  if [[ -f "$dir/go.mod" ]] && grep -q "^require $mod $ver\$" "$dir/go.mod"; then return; fi
  {
    echo "module physalia.io/kind-image/$(basename "$dir")"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0"
    echo
    echo "require $mod $ver"
    echo
    local t; for t in "$@"; do echo "tool $t"; done
  } > "$dir/go.mod"
  rm -f "$dir/go.sum"
  (cd "$dir" && go mod tidy)
}

# --- Debian rootfs ------------------------------------------------------------
# The packages kind's base image (images/base/Dockerfile) installs, minus the
# storage extras (nfs, iscsi, fuse-overlayfs) the e2e suites do not use.
DEB_PACKAGES="systemd,systemd-sysv,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,curl,jq,procps,e2fsprogs"
step_rootfs() {
  local out="$CACHE/rootfs-$DEBIAN_SUITE.tar"
  cached rootfs "$out" && return
  step_start rootfs
  command -v debootstrap >/dev/null || { log "installing debootstrap"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
  local dir="$WORK/rootfs-$DEBIAN_SUITE"
  rm -rf "$dir"
  log "debootstrap --variant=minbase $DEBIAN_SUITE (log $WORK/debootstrap.log)"
  heavy debootstrap --variant=minbase --include="$DEB_PACKAGES" "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  chroot "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/*
  heavy tar -C "$dir" --numeric-owner -cf "$out.tmp" .
  mv "$out.tmp" "$out"
  rm -rf "$dir"
  step_done rootfs
}

# --- Kubernetes node binaries -------------------------------------------------
kube_wrapper() {
  # Same approach as e2e/k8s-bin/build.sh: the staging modules are replaced by
  # the published v0.X.Y modules; reuse that generated go.mod's replace block.
  local dir="$WORK/kubernetes-$KUBE_VERSION" src="$HERE/../k8s-bin/kubernetes/go.mod"
  mkdir -p "$dir"
  if [[ -f "$dir/go.sum" ]]; then return; fi
  grep -qE "k8s.io/kubernetes $KUBE_VERSION( |$)" "$src" || { echo "run e2e/k8s-bin/build.sh for $KUBE_VERSION first" >&2; exit 1; }
  awk '/^module /{print "module physalia.io/kind-image/kubernetes"; next}
       /^tool \(/{skip=1} skip&&/^\)/{skip=0; next} skip{next} {print}' "$src" > "$dir/go.mod"
  printf 'tool (\n\tk8s.io/kubernetes/cmd/kubelet\n\tk8s.io/kubernetes/cmd/kubeadm\n\tk8s.io/kubernetes/cmd/kube-proxy\n)\n' >> "$dir/go.mod"
  cp "$HERE/../k8s-bin/kubernetes/go.sum" "$dir/go.sum"
  (cd "$dir" && go mod tidy)
}

step_kube() {
  local out="$BIN/kubernetes-$KUBE_VERSION" b
  for b in kubelet kubeadm kube-proxy; do
    cached "kube-$b" "$out/$b" && continue
    step_start "kube-$b"
    kube_wrapper
    mkdir -p "$out"
    (cd "$WORK/kubernetes-$KUBE_VERSION" && CGO_ENABLED=0 heavy go build -ldflags "$(kube_ldflags)" -o "$out/$b.tmp" "k8s.io/kubernetes/cmd/$b")
    mv "$out/$b.tmp" "$out/$b"
    step_done "kube-$b"
  done
}

# --- other Go components -------------------------------------------------------
# go_component NAME MODULE VERSION CGO TAGS LDFLAGS PKG...: builds each PKG of
# MODULE@VERSION into $BIN/NAME-VERSION/ through a wrapper module.
go_component() {
  local name="$1" mod="$2" ver="$3" cgo="$4" tags="$5" ld="$6"; shift 6
  local out="$BIN/$name-$ver" pkg b missing=()
  for pkg in "$@"; do [[ -x "$out/$(basename "$pkg")" ]] || missing+=("$pkg"); done
  if (( ${#missing[@]} == 0 )); then log "step $name: cached ($out)"; return; fi
  step_start "$name"
  go_wrapper "$WORK/$name-$ver" "$mod" "$ver" "$@"
  mkdir -p "$out"
  for pkg in "${missing[@]}"; do
    b="$(basename "$pkg")"
    log "  go build $pkg"
    (cd "$WORK/$name-$ver" && CGO_ENABLED="$cgo" heavy go build -tags "$tags" -ldflags "-s -w $ld" -o "$out/$b.tmp" "$pkg")
    mv "$out/$b.tmp" "$out/$b"
  done
  step_done "$name"
}

step_containerd() {
  go_component containerd github.com/containerd/containerd/v2 "$CONTAINERD_VERSION" 1 "no_btrfs no_devmapper no_zfs no_aufs" \
    "-X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION -X github.com/containerd/containerd/v2/version.Revision=module" \
    github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/v2/cmd/ctr
}
step_runc() {
  # cgo (runc's nsenter is C) and libseccomp; glibc of the build host must be
  # the node's: both are Debian $DEBIAN_SUITE.
  [[ -f /usr/include/seccomp.h ]] || { log "installing libseccomp-dev"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q libseccomp-dev pkg-config; }
  go_component runc github.com/opencontainers/runc "$RUNC_VERSION" 1 "seccomp urfave_cli_no_docs" \
    "-X main.version=${RUNC_VERSION#v} -X main.gitCommit=module" github.com/opencontainers/runc
}
step_crictl() {
  go_component crictl sigs.k8s.io/cri-tools "$CRICTL_VERSION" 0 "" \
    "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
}
step_cni() {
  local p=github.com/containernetworking/plugins/plugins
  go_component cni-plugins github.com/containernetworking/plugins "$CNI_VERSION" 0 "" "" \
    $p/main/bridge $p/main/loopback $p/main/ptp $p/ipam/host-local $p/meta/portmap
}
step_kind() {
  go_component kind sigs.k8s.io/kind "$KIND_VERSION" 0 "" "" sigs.k8s.io/kind
}
step_kube_router() {
  go_component kube-router github.com/cloudnativelabs/kube-router/v2 "$KUBE_ROUTER_VERSION" 0 "" \
    "-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
}
step_coredns() {
  go_component coredns github.com/coredns/coredns "$COREDNS_VERSION" 0 "" \
    "-X github.com/coredns/coredns/coremain.GitCommit=module" github.com/coredns/coredns
}

# --- images kubeadm expects --------------------------------------------------------
# Each image is a small rootfs turned into an image by `docker import` and
# written as a docker-archive tar by `docker save` (what `ctr images import`
# reads). No registry is involved.
IMAGES="$CACHE/images"
KB="$BIN/kubernetes-$KUBE_VERSION"
PATH_ENV='ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin'

# image_from_dir DIR REF TAR CHANGE...
image_from_dir() {
  local dir="$1" ref="$2" tar="$3"; shift 3
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  mkdir -p "$dir/tmp" "$dir/etc" && chmod 1777 "$dir/tmp"
  [[ -f "$dir/etc/passwd" ]] || printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
  [[ -f "$dir/etc/group" ]] || printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  tar -C "$dir" --numeric-owner -c . | docker import "${changes[@]}" - "$ref" > /dev/null
  docker save -o "$tar.tmp" "$ref"
  mv "$tar.tmp" "$tar"
  log "  $ref -> $(basename "$tar") ($(du -h "$tar" | cut -f1))"
}

# ldd_closure ROOT DEST FILE...: copies FILEs (paths inside ROOT, symlinks
# kept and followed) and the shared libraries they need from ROOT to DEST.
ldd_closure() {
  local root="$1" dest="$2"; shift 2
  local f l
  for f in "$@"; do
    while :; do
      mkdir -p "$dest$(dirname "$f")"; cp -a "$root$f" "$dest$f"
      [[ -L "$root$f" ]] || break
      l="$(readlink "$root$f")"; [[ "$l" == /* ]] || l="$(dirname "$f")/$l"; f="$l"
    done
    chroot "$root" ldd "$f" 2>/dev/null | awk '{for(i=1;i<=NF;i++) if ($i ~ /^\//) print $i}' | while read -r l; do
      mkdir -p "$dest$(dirname "$l")"; cp -L "$root$l" "$dest$l"
    done || true   # ldd fails on scripts (iptables-apply): nothing to copy
  done
}

step_images() {
  docker info >/dev/null 2>&1 || { echo "Docker is needed to build images: run e2e/kind/docker-up.sh" >&2; exit 1; }
  mkdir -p "$IMAGES"
  local d="$WORK/img" b tar
  # pause: Kubernetes' own build/pause/linux/pause.c, static, with gcc
  tar="$IMAGES/pause-$PAUSE_VERSION.tar"
  if ! cached image-pause "$tar"; then
    step_start image-pause
    rm -rf "$d"; mkdir -p "$d"
    gcc -Os -static -Wall -Werror -DVERSION="v$PAUSE_VERSION-physalia" -o "$d/pause" \
      "$(cd "$WORK/kubernetes-$KUBE_VERSION" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
    strip "$d/pause"
    image_from_dir "$d" "registry.k8s.io/pause:$PAUSE_VERSION" "$tar" 'ENTRYPOINT ["/pause"]' 'USER 65535:65535'
    step_done image-pause
  fi
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    tar="$IMAGES/$b-$KUBE_VERSION.tar"
    cached "image-$b" "$tar" && continue
    step_start "image-$b"
    rm -rf "$d"; mkdir -p "$d/usr/local/bin"
    cp -L "$K8S_CACHE/bin/$b" "$d/usr/local/bin/$b"
    image_from_dir "$d" "registry.k8s.io/$b:$KUBE_VERSION" "$tar" "$PATH_ENV"
    step_done "image-$b"
  done
  tar="$IMAGES/etcd-$ETCD_VERSION.tar"
  if ! cached image-etcd "$tar"; then
    step_start image-etcd
    rm -rf "$d"; mkdir -p "$d/usr/local/bin"
    cp -L "$K8S_CACHE/bin/etcd" "$d/usr/local/bin/etcd"
    image_from_dir "$d" "registry.k8s.io/etcd:${ETCD_VERSION#v}-0" "$tar" "$PATH_ENV"
    step_done image-etcd
  fi
  tar="$IMAGES/coredns-$COREDNS_VERSION.tar"
  if ! cached image-coredns "$tar"; then
    step_start image-coredns
    rm -rf "$d"; mkdir -p "$d"
    cp "$BIN/coredns-$COREDNS_VERSION/coredns" "$d/coredns"
    image_from_dir "$d" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$tar" 'ENTRYPOINT ["/coredns"]'
    step_done image-coredns
  fi
  # kube-proxy execs iptables(-restore/-save), ip6tables, conntrack and nft:
  # copy them and their libraries out of the Debian rootfs.
  tar="$IMAGES/kube-proxy-$KUBE_VERSION.tar"
  if ! cached image-kube-proxy "$tar"; then
    step_start image-kube-proxy
    local root="$WORK/proxy-root"
    rm -rf "$d" "$root"; mkdir -p "$d/usr/local/bin" "$d/usr/bin" "$d/usr/sbin" "$d/usr/lib/x86_64-linux-gnu" "$d/usr/lib64" "$root"
    ln -s usr/bin "$d/bin"; ln -s usr/sbin "$d/sbin"; ln -s usr/lib "$d/lib"; ln -s usr/lib64 "$d/lib64"   # Debian's merged /usr
    tar -C "$root" -xf "$CACHE/rootfs-$DEBIAN_SUITE.tar"
    local f files=(/usr/sbin/conntrack /usr/sbin/nft /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi)
    for f in "$root"/usr/sbin/ip{,6}tables*; do files+=("${f#$root}"); done
    ldd_closure "$root" "$d" "${files[@]}"
    cp -a "$root/usr/lib/x86_64-linux-gnu/xtables" "$d/usr/lib/x86_64-linux-gnu/"
    # the xtables extensions are dlopen()ed and need libraries of their own
    # (libxt_statistic.so needs libm: without it multi-endpoint Services fail)
    local ext=(); for f in "$root"/usr/lib/x86_64-linux-gnu/xtables/*.so; do ext+=("${f#$root}"); done
    ldd_closure "$root" "$d" "${ext[@]}"
    cp -a "$root/etc/alternatives" "$d/etc/" 2>/dev/null || true
    cp -L "$root/lib64/ld-linux-x86-64.so.2" "$d/lib64/"
    mkdir -p "$d/run" "$d/var/run"
    cp -L "$KB/kube-proxy" "$d/usr/local/bin/kube-proxy"
    rm -rf "$root"
    image_from_dir "$d" "registry.k8s.io/kube-proxy:$KUBE_VERSION" "$tar" "$PATH_ENV"
    step_done image-kube-proxy
  fi
  # kube-router (NetworkPolicy): the same iptables set plus Debian's ipset.
  tar="$IMAGES/kube-router-$KUBE_ROUTER_VERSION.tar"
  if ! cached image-kube-router "$tar"; then
    step_start image-kube-router
    rm -rf "$d"; mkdir -p "$d" "$WORK/debs"
    local cid; cid="$(docker create --entrypoint /usr/local/bin/kube-proxy "registry.k8s.io/kube-proxy:$KUBE_VERSION")"
    docker export "$cid" | tar -C "$d" -x; docker rm "$cid" > /dev/null
    rm -f "$d/usr/local/bin/kube-proxy" "$d/.dockerenv"
    (cd "$WORK/debs" && rm -f ./*.deb && apt-get download -q ipset libipset13 > /dev/null)
    for f in "$WORK"/debs/*.deb; do dpkg -x "$f" "$WORK/debs/x"; done
    cp -a "$WORK/debs/x/usr/sbin/ipset" "$d/usr/sbin/"
    cp -a "$WORK"/debs/x/usr/lib/x86_64-linux-gnu/libipset* "$d/usr/lib/x86_64-linux-gnu/"
    rm -rf "$WORK/debs"
    install -m 0755 "$BIN/kube-router-$KUBE_ROUTER_VERSION/kube-router" "$d/usr/local/bin/"
    image_from_dir "$d" "physalia/kube-router:$KUBE_ROUTER_VERSION" "$tar" "$PATH_ENV" 'ENTRYPOINT ["/usr/local/bin/kube-router"]'
    step_done image-kube-router
  fi
  rm -rf "$d"
}

# --- the node image -----------------------------------------------------------
# Assembles the rootfs the way kind's images/base/Dockerfile and its node-image
# builder (pkg/build/nodeimage) do: Debian + kind's base files (entrypoint,
# /kind/bin, systemd units, taken unmodified from the kind module at build time,
# never copied into this repository) + this project's node/ files + binaries,
# then imports it, preloads the image tars into containerd's content store
# with `ctr images import` inside a build container, and commits. Docker 20.10
# cannot set STOPSIGNAL on commit/import; kind removes nodes with `rm -f`.
node_inputs_sum() {
  { cat "$0" "$HERE"/node/*; ls -l "$BIN"/*/* "$IMAGES"/*.tar; } | sha256sum | cut -c1-16
}

step_node() {
  docker info >/dev/null 2>&1 || { echo "Docker is needed: run e2e/kind/docker-up.sh" >&2; exit 1; }
  local sum marker="$CACHE/node-image.sum"
  sum="$(node_inputs_sum)"
  if [[ "$(cat "$marker" 2>/dev/null)" == "$sum $NODE_IMAGE" ]] && docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
    log "step node: cached ($NODE_IMAGE)"; return
  fi
  step_start node
  local d="$WORK/node" kindsrc
  kindsrc="$(cd "$WORK/kind-$KIND_VERSION" && go list -m -f '{{.Dir}}' sigs.k8s.io/kind)/images/base/files"
  rm -rf "$d"; mkdir -p "$d"
  tar -C "$d" -xf "$CACHE/rootfs-$DEBIAN_SUITE.tar"
  log "  kind base files from $kindsrc"
  install -m 0755 "$kindsrc"/usr/local/bin/* "$d/usr/local/bin/"
  mkdir -p "$d/kind/bin" "$d/kind/manifests" "$d/etc/containerd" "$d/etc/systemd/system/kubelet.service.d" \
           "$d/etc/systemd/system/containerd.service.d" "$d/etc/kubernetes/manifests" "$d/opt/cni/bin" "$d/etc/cni/net.d"
  install -m 0755 "$kindsrc"/kind/bin/* "$d/kind/bin/"
  install -m 0644 "$kindsrc"/etc/crictl.yaml "$d/etc/"
  install -m 0644 "$kindsrc"/etc/sysctl.d/* "$d/etc/sysctl.d/"
  install -m 0644 "$kindsrc"/etc/systemd/system/*.service "$kindsrc"/etc/systemd/system/*.slice "$d/etc/systemd/system/"
  install -m 0644 "$kindsrc"/etc/systemd/system/kubelet.service.d/* "$d/etc/systemd/system/kubelet.service.d/"
  log "  this project's node files (containerd config, kubelet flags, CNI)"
  sed "s/@PAUSE_VERSION@/$PAUSE_VERSION/" "$HERE/node/containerd-config.toml" > "$d/etc/containerd/config.toml"
  install -m 0644 "$HERE/node/containerd-oom.conf" "$d/etc/systemd/system/containerd.service.d/10-physalia-oom.conf"
  install -m 0644 "$HERE/node/kubelet.default" "$d/etc/default/kubelet"
  install -m 0644 "$HERE/node/10-kuberouter.conflist" "$d/etc/cni/net.d/"
  sed "s/@KUBE_ROUTER_VERSION@/$KUBE_ROUTER_VERSION/" "$HERE/node/default-cni.yaml" > "$d/kind/manifests/default-cni.yaml"
  install -m 0644 "$HERE/node/default-storage.yaml" "$d/kind/manifests/"
  log "  binaries"
  install -m 0755 "$KB/kubelet" "$KB/kubeadm" "$d/usr/bin/"
  install -m 0755 "$(readlink -f "$K8S_CACHE/bin/kubectl")" "$d/usr/bin/kubectl"
  install -m 0755 "$BIN/containerd-$CONTAINERD_VERSION"/* "$BIN/crictl-$CRICTL_VERSION/crictl" "$d/usr/local/bin/"
  install -m 0755 "$BIN/runc-$RUNC_VERSION/runc" "$d/usr/local/sbin/runc"
  install -m 0755 "$BIN/cni-plugins-$CNI_VERSION"/* "$d/opt/cni/bin/"
  "$BIN/containerd-$CONTAINERD_VERSION/ctr" oci spec \
    | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' > "$d/etc/containerd/cri-base.json"
  echo "$KUBE_VERSION" > "$d/kind/version"
  log "  systemd: kind's unit set-up"
  find "$d/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "$d"/lib/systemd/system/multi-user.target.wants/* "$d"/etc/systemd/system/*.wants/* \
        "$d"/lib/systemd/system/local-fs.target.wants/* "$d"/lib/systemd/system/sockets.target.wants/*udev* \
        "$d"/lib/systemd/system/sockets.target.wants/*initctl* "$d"/lib/systemd/system/basic.target.wants/*
  echo "ReadKMsg=no" >> "$d/etc/systemd/journald.conf"
  ln -sfn /usr/lib/systemd/systemd "$d/sbin/init"
  chroot "$d" systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
  chroot "$d" systemctl mask systemd-binfmt.service >/dev/null 2>&1
  local base="${NODE_IMAGE%:*}:build-base"
  log "  docker import -> $base"
  heavy tar -C "$d" --numeric-owner -c . | docker import - "$base" > /dev/null
  rm -rf "$d"
  log "  preloading $(ls "$IMAGES"/*.tar | wc -l) image tars into containerd (k8s.io namespace)"
  local cid; cid="$(docker run -d --privileged --entrypoint /bin/sleep "$base" infinity)"
  docker exec "$cid" mkdir -p /kind/images
  local t; for t in "$IMAGES"/*.tar; do docker cp "$t" "$cid:/kind/images/"; done
  docker exec "$cid" bash -euc '
    containerd > /tmp/containerd.log 2>&1 &
    for i in $(seq 1 30); do ctr version >/dev/null 2>&1 && break; sleep 1; done
    for t in /kind/images/*.tar; do ctr -n k8s.io images import --all-platforms --no-unpack --digests "$t" >/dev/null; done
    ctr -n k8s.io images ls -q | grep -v "^sha256:"
    kill %1; wait || true
    rm -rf /kind/images /tmp/containerd.log /run/containerd' 2>&1 | grep -v -e DEPRECATION -e '^import-' | sed 's/^/    /'
  docker commit \
    --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
    --change 'ENV container=docker' \
    "$cid" "$NODE_IMAGE" > /dev/null
  docker rm -f "$cid" > /dev/null
  docker rmi "$base" > /dev/null
  echo "$sum $NODE_IMAGE" > "$marker"
  log "  $NODE_IMAGE: $(docker image inspect -f '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
  step_done node
}

# The probe image: Debian's busybox-static alone (nc, sh, wget, ...), for the Kind suite's
# connection probes (an ephemeral container in a node pod). Only in Docker: the suite loads it.
step_probe() {
  docker info >/dev/null 2>&1 || { echo "Docker is needed: run e2e/kind/docker-up.sh" >&2; exit 1; }
  if docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1; then log "step probe: cached ($PROBE_IMAGE)"; return; fi
  step_start probe
  local debs="$CACHE/debs" d="$WORK/probe" deb
  mkdir -p "$debs"
  deb="$(ls "$debs"/busybox-static_*.deb 2>/dev/null | head -n1 || true)"
  if [[ -z "$deb" ]]; then
    (cd "$debs" && apt-get download busybox-static >/dev/null)
    deb="$(ls "$debs"/busybox-static_*.deb | head -n1)"
  fi
  rm -rf "$d"; mkdir -p "$d/x" "$d/root/bin"
  dpkg-deb -x "$deb" "$d/x"
  install -m 0755 "$d/x/bin/busybox" "$d/root/bin/busybox"
  local a; for a in sh nc true sleep wget cat ls; do ln -s busybox "$d/root/bin/$a"; done
  tar -C "$d/root" --numeric-owner -c . | docker import --change 'ENV PATH=/bin' - "$PROBE_IMAGE" > /dev/null
  rm -rf "$d"
  log "  $PROBE_IMAGE from $(basename "$deb")"
  step_done probe
}

ALL_STEPS=(rootfs kube containerd runc crictl cni kind coredns kube_router images node probe)
STEPS=("$@"); (( ${#STEPS[@]} )) || STEPS=("${ALL_STEPS[@]}")
log "kubernetes $KUBE_VERSION, kind $KIND_VERSION; cache $CACHE; steps: ${STEPS[*]}"
mkdir -p "$BIN" "$WORK"
for s in "${STEPS[@]}"; do "step_$s"; done
log "done in $((SECONDS - START))s"
