# Sourced by e2e/k8s-bin/build.sh and e2e/kind/build-node-image.sh, so that the control-plane
# binaries of the e2e tests and the Kind node image are built at the same Kubernetes and etcd
# versions, from the same Go module and build caches, and say the same version.
#
# Sets KUBE_VERSION, ETCD_VERSION (both overridable), KUBE_PLAIN (the version without its "v"),
# K8S_CACHE (PHYSALIA_K8S_CACHE, default ~/.cache/physalia-k8s) and the Go environment; defines
# kube_ldflags.

KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.8}"
KUBE_PLAIN="${KUBE_VERSION#v}"
K8S_CACHE="${PHYSALIA_K8S_CACHE:-$HOME/.cache/physalia-k8s}"

if ! command -v go >/dev/null 2>&1; then
  echo "$(basename "$0"): Go 1.26 or newer is needed (https://go.dev/dl/); 'go' is not on PATH" >&2
  exit 1
fi
export GOMODCACHE="$K8S_CACHE/gomod"
export GOCACHE="$K8S_CACHE/gobuild"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -trimpath"

# The -X flags that give Kubernetes binaries their version (kubeadm checks kubelet's), stripped.
kube_ldflags() {
  local major minor pkg ld="-s -w"
  major="${KUBE_PLAIN%%.*}"; minor="${KUBE_PLAIN#*.}"; minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  echo "$ld"
}
