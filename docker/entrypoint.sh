#!/bin/sh
# Entrypoint of the vae images. Runs the vae application (`train` when no command is given);
# `bench [runner flags]` runs the benchmark runner instead, writing its report into /vae/runs.
# JVM options: the launcher's defaults (serial collector, 512 MB heap, 1 GB of ND4J native arrays; see ./vae),
# then VAE_JAVA_OPTS, which override them. Installation directory: VAE_HOME (default /opt/vae).
set -eu
home="${VAE_HOME:-/opt/vae}"
opts="-XX:+UseSerialGC -Xmx512m -Dorg.bytedeco.javacpp.maxbytes=1g ${VAE_JAVA_OPTS:-}"
if [ "$#" -eq 0 ]; then
  set -- train
fi
case "$1" in
  bench)
    shift
    if [ ! -f "$home/benchmarks.jar" ]; then
      echo "vae: error: $home/benchmarks.jar is missing; this image was built without the benchmarks" >&2
      exit 1
    fi
    # shellcheck disable=SC2086
    exec java $opts -jar "$home/benchmarks.jar" --out "${VAE_BENCH_OUT:-/vae/runs/bench}" "$@"
    ;;
  *)
    # shellcheck disable=SC2086
    exec java $opts -Djava.awt.headless=true -jar "$home/vae-mnist.jar" "$@"
    ;;
esac
