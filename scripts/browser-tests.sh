#!/usr/bin/env bash
# Browser tests of the patient portal and the physician's client: headless Chromium (its fake
# camera records for real) against the one-machine stack. Screenshots of each main screen land
# in artifacts/screenshots/; with UPDATE_SCREENSHOTS=1, and every test passed, they replace
# the ones the README shows in docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  apt-get update && apt-get install -y chromium
fi
if [ -f web-tests/package-lock.json ]; then
  npm ci --prefix web-tests --no-audit --no-fund
else
  npm install --prefix web-tests --no-audit --no-fund
fi
cargo build -p stack

rm -rf artifacts/screenshots
mkdir -p artifacts/screenshots
started=$(date +%s)
node --test web-tests/
echo "browser tests passed in $(( $(date +%s) - started )) s" >&2

if [ "${UPDATE_SCREENSHOTS:-0}" != 1 ]; then
  exit 0
fi
rm -f docs/screenshots/*.png
for shot in artifacts/screenshots/*.png; do
  size=$(stat -c %s "$shot")
  if [ "$size" -gt 204800 ]; then
    echo "note: $shot is $size bytes, over 200 KB; not copied to docs/screenshots" >&2
    continue
  fi
  cp "$shot" docs/screenshots/
done
echo "screenshots updated in docs/screenshots"
