#!/usr/bin/env bash
# Renders a run's report.html in headless Chromium (Debian's `chromium` package) and saves a screenshot,
# so a person can check the page as a browser shows it.
# Usage: scripts/check-report.sh RUN_DIR [SCREENSHOT.png]
# The screenshot goes outside the run directory by default (the next `report` would embed it as a run picture).
set -euo pipefail
run_dir=${1:?usage: scripts/check-report.sh RUN_DIR [SCREENSHOT.png]}
shot=${2:-${TMPDIR:-/tmp}/report-screenshot-$(basename "$run_dir").png}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v chromium >/dev/null || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
"$here/vae" report --model "$run_dir"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# The flags keep Chromium from reaching for the network, which these machines do not have.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1200,2600 --screenshot="$shot" "file://$(cd "$run_dir" && pwd)/report.html" 2>/dev/null
[ -s "$shot" ] || { echo "no screenshot was written" >&2; exit 1; }
echo "Screenshot: $shot"
