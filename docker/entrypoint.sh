#!/bin/sh
# Entrypoint of the vae images. Runs the vae application (`train` when no command is given);
# `bench [runner flags]` runs the benchmark runner instead, writing its report into /vae/runs.
# JVM options: VAE_JAVA_OPTS (default -Xmx4g). Installation directory: VAE_HOME (default /opt/vae).
set -eu
home="${VAE_HOME:-/opt/vae}"
opts="${VAE_JAVA_OPTS:--Xmx4g}"
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
