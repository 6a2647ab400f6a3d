#!/usr/bin/env bash
# Makes the pictures the README shows, from real runs: the default model (10 epochs) and a 2-D latent model.
# Usage: scripts/readme-pictures.sh [RUNS_DIR]   (default runs/readme; existing runs there are reused)
# Writes docs/images/{samples,reconstruction,interpolation,latent,manifold}.png. About 1-2 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-$here/runs/readme}"
out="$here/docs/images"
mkdir -p "$out"
vae="$here/vae"
[ -f "$runs/default/metrics.json" ] || "$vae" train --out "$runs/default"
[ -f "$runs/latent2d/metrics.json" ] || "$vae" train --latent 2 --out "$runs/latent2d"
"$vae" sample --model "$runs/default" --count 36 --out "$runs/pictures"
"$vae" reconstruct --model "$runs/default" --count 10 --out "$runs/pictures"
"$vae" interpolate --model "$runs/default" --from 3 --to 2 --steps 10 --mode spherical --out "$runs/pictures"
"$vae" latent --model "$runs/latent2d" --points 3000 --out "$runs/pictures"
cp "$runs/pictures/samples.png" "$out/samples.png"
cp "$runs/pictures/reconstruction.png" "$out/reconstruction.png"
cp "$runs/pictures"/interpolation_spherical_3_2.png "$out/interpolation.png"
cp "$runs/pictures/latent.png" "$out/latent.png"
cp "$runs/pictures/manifold.png" "$out/manifold.png"
ls -l "$out"
