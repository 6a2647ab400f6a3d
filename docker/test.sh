#!/usr/bin/env bash
# Builds and runs the vae images with the container engine this machine has (podman or docker):
#   1. a Debian base image bootstrapped from Debian's own packages, when the official base images cannot be pulled
#      (VAE_DOCKER_BASE=official uses them instead);
#   2. the CPU image; in it `train --epochs 1 --limit 2000` with a volume for the data and one for runs/, whose run
#      directory is then checked on the host (metrics, pictures, checkpoint, record, owner); a second `train` into
#      the same run directory while the first holds it, which must get the lock message; `bench --quick --no-peer`;
#   3. the CUDA image, as far as a machine without a GPU can: it builds, holds the CUDA backend's classes and native
#      library, and its application says why no GPU can be used.
# Usage: docker/test.sh [WORK_DIR]     (default: a new temporary directory; MNIST is fetched into WORK_DIR/mnist
#                                       unless VAE_MNIST_DIR names a directory that has it)
# Exits non-zero on the first failed check, naming it. Prints "docker test: N passed, 0 failed" at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
passed=0
pass() { passed=$((passed + 1)); echo "docker test: ok: $*"; }
fail() { echo "docker test: FAILED: $*" >&2; echo "docker test: $passed passed, 1 failed"; exit 1; }
step() { echo; echo "=== $* ($(date +%H:%M:%S))"; }

# --- the engine -----------------------------------------------------------------------------------------------------
if command -v podman >/dev/null 2>&1; then
  engine=podman
  # In VMs of this kind podman needs: no default ulimits, cgroupfs, runc (crun refuses the hybrid cgroup layout),
  # and chroot isolation for builds.
  conf="$work/containers.conf"
  printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\n' >"$conf"
  export CONTAINERS_CONF="$conf"
  run=(podman --runtime runc run --rm)
  build=(podman --runtime runc build --isolation chroot)
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  engine=docker
  run=(docker run --rm)
  build=(docker build)
else
  # a docker client alone (no engine answering `docker info`) cannot build or run anything
  echo "docker test: no container engine on this machine (podman, or docker with a running engine); install podman" \
    "(apt-get install podman runc debootstrap); nothing to test" >&2
  exit 3
fi
echo "docker test: engine $engine, work directory $work"

# --- base images ----------------------------------------------------------------------------------------------------
base="localhost/vae-debian-base:bookworm"
if [ "${VAE_DOCKER_BASE:-local}" = official ]; then
  base_args=()
else
  if ! $engine image exists "$base" 2>/dev/null && ! $engine image inspect "$base" >/dev/null 2>&1; then
    step "bootstrapping $base from Debian's packages"
    command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install debootstrap)"
    rootfs="$work/rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap of the base image"; }
    tar -C "$rootfs" -c . | $engine import - "$base" >/dev/null 2>&1
    rm -rf "$rootfs"
  fi
  pass "base image $base"
  base_args=(--build-arg "BUILD_IMAGE=$base" --build-arg "RUNTIME_IMAGE=$base")
fi

# The build stage's Maven repository: the host's, so that a machine that has built the project downloads nothing.
m2="${VAE_DOCKER_M2:-$HOME/.m2}"
mkdir -p "$m2"
cache_args=()
[ "$engine" = podman ] && cache_args=(--volume "$m2:/root/.m2")
# Certificate authorities this machine trusts beyond the usual ones (a TLS-inspecting proxy's): the build stage
# needs them to reach Maven Central through it.
if [ "$engine" = podman ] && ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  cache_args+=(--volume /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro)
fi

# --- volumes --------------------------------------------------------------------------------------------------------
data="$work/mnist"
runs="$work/runs"
mkdir -p "$data" "$runs"
# MNIST from the host's data directory when it has it (a copy: the volume's owner changes); else the image fetches it.
host_data="${VAE_MNIST_DIR:-$HOME/.vae4j/mnist}"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -f "$host_data/$f" ] && cp "$host_data/$f" "$data/"
done
# The image runs as uid 10001 (user vae); its volumes must be writable by it.
chown -R 10001:10001 "$runs" "$data" 2>/dev/null || chmod -R a+rwX "$runs" "$data"
volumes=(--volume "$data:/data" --volume "$runs:/vae/runs")

# --- the CPU image --------------------------------------------------------------------------------------------------
if [ "${VAE_DOCKER_ONLY:-}" != cuda ]; then
step "building the CPU image"
"${build[@]}" "${base_args[@]}" "${cache_args[@]}" -f "$here/docker/Dockerfile.cpu" -t vae:cpu "$here" \
  >"$work/build-cpu.log" 2>&1 || { tail -40 "$work/build-cpu.log" >&2; fail "build of docker/Dockerfile.cpu"; }
pass "the CPU image builds"


step "train --epochs 1 --limit 2000 in the CPU image"
"${run[@]}" --network host "${volumes[@]}" vae:cpu train --epochs 1 --limit 2000 --test-limit 1000 \
  --out /vae/runs/first >"$work/train.log" 2>&1 || { tail -30 "$work/train.log" >&2; fail "train in the CPU image"; }
grep -q "Test -ELBO after 1 epochs" "$work/train.log" || fail "train printed no result"
r="$runs/first"
for f in metrics.csv metrics.json run.json model.vae reconstruction_1.png samples_1.png; do
  [ -s "$r/$f" ] || fail "the run directory on the host has no $f"
done
[ "$(wc -l <"$r/metrics.csv")" -eq 2 ] || fail "metrics.csv should hold a header and one epoch"
owner=$(stat -c %u "$r/model.vae")
[ "$owner" = 10001 ] || fail "model.vae belongs to uid $owner, not the image's user 10001"
pass "train left a complete run directory on the host, owned by uid 10001"

step "a second train into the same run directory while the first holds it"
"${run[@]}" -d --name vae-test-holder --network host "${volumes[@]}" vae:cpu train --epochs 5 --limit 2000 \
  --test-limit 1000 --out /vae/runs/held >/dev/null
for _ in $(seq 1 60); do
  [ -f "$runs/held/.lock" ] && break
  sleep 1
done
[ -f "$runs/held/.lock" ] || { $engine rm -f vae-test-holder >/dev/null 2>&1; fail "the first train took no lock"; }
set +e
"${run[@]}" --network host "${volumes[@]}" vae:cpu train --epochs 5 --limit 2000 --test-limit 1000 \
  --out /vae/runs/held >"$work/second.log" 2>&1
second=$?
set -e
$engine rm -f vae-test-holder >/dev/null 2>&1 || true
[ "$second" -ne 0 ] || fail "the second train into a held run directory was not refused"
grep -q "is in use by another run" "$work/second.log" || { cat "$work/second.log" >&2; fail "the second train's message"; }
pass "a second train into the held directory gets the lock message"

step "bench --quick --no-peer in the CPU image"
"${run[@]}" --network host "${volumes[@]}" -e VAE_BENCH_OUT=/vae/runs/bench vae:cpu bench --quick --no-peer \
  >"$work/bench.log" 2>&1 || { tail -30 "$work/bench.log" >&2; fail "bench in the CPU image"; }
grep -q "TrainingBenchmark.trainSteps" "$runs/bench/bench-results.md" || fail "bench-results.md has no training row"
grep -q "| gpu | not run: " "$runs/bench/bench-results.md" || fail "bench-results.md does not say why the GPU row did not run"
pass "bench --quick --no-peer wrote its results, and a GPU row saying why it did not run"
fi

# --- the CUDA image -------------------------------------------------------------------------------------------------
step "building the CUDA image (no GPU here: it is built and inspected, not run on a GPU)"
"${build[@]}" "${base_args[@]}" "${cache_args[@]}" -f "$here/docker/Dockerfile.cuda" -t vae:cuda "$here" \
  >"$work/build-cuda.log" 2>&1 || { tail -40 "$work/build-cuda.log" >&2; fail "build of docker/Dockerfile.cuda"; }
pass "the CUDA image builds"
cuda_jar=nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar
# the runtime image has no tool to list a jar: copy it out and list it here
$engine rm -f vae-test-cuda >/dev/null 2>&1 || true
$engine create --name vae-test-cuda vae:cuda >/dev/null
$engine cp "vae-test-cuda:/opt/vae/lib/$cuda_jar" "$work/$cuda_jar" || { $engine rm vae-test-cuda >/dev/null; \
  fail "the CUDA image has no $cuda_jar in /opt/vae/lib"; }
$engine rm vae-test-cuda >/dev/null
(cd "$work" && jar tf "$cuda_jar" >"$work/cuda-jar.txt")
grep -q "libnd4jcuda.so" "$work/cuda-jar.txt" || fail "the CUDA jar holds no libnd4jcuda.so"
"${run[@]}" --entrypoint sh vae:cuda -c 'ls /opt/vae/lib | grep -q "^nd4j-cuda-11.6-1.0.0-M2.1.jar$"' \
  || fail "the CUDA image has no nd4j-cuda-11.6 classes jar"
pass "the CUDA image holds the CUDA backend's classes and libnd4jcuda.so ($cuda_jar)"
"${run[@]}" --network host "${volumes[@]}" vae:cuda train --epochs 1 --limit 500 --test-limit 200 \
  --out /vae/runs/cuda-on-cpu >"$work/cuda-train.log" 2>&1 || { tail -30 "$work/cuda-train.log" >&2; fail "train in the CUDA image"; }
grep -q "GPU backend is in this build but cannot run" "$work/cuda-train.log" \
  || { grep -i gpu "$work/cuda-train.log" >&2; fail "the CUDA image did not say why the GPU cannot be used"; }
pass "without a GPU the CUDA image says why and trains on the CPU"

echo
echo "docker test: $passed passed, 0 failed"
