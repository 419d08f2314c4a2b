#!/usr/bin/env bash
# Runs every check and test of async visits. It installs what the tests need into .tools/
# (first run only), starts the local servers that speak the AWS wire protocols, and stops
# them when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-tools.sh

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

.tools/venv/bin/cfn-lint infra/template.yaml
SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=checking AWS_SECRET_ACCESS_KEY=checking \
  .tools/venv/bin/sam validate --lint -t infra/template.yaml

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "a local server on port $1 did not start" >&2
  return 1
}

servers=()
s3_root=$(mktemp -d)
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$s3_root"
}
trap cleanup EXIT

moto_port=$(free_port)
.tools/venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 &
servers+=($!)
s3_port=$(free_port)
.tools/bin/s3s-fs --host 127.0.0.1 --port "$s3_port" --access-key testing \
  --secret-key testing-secret "$s3_root" >/dev/null 2>&1 &
servers+=($!)
wait_for "$moto_port"
wait_for "$s3_port"
export MOTO_ENDPOINT="http://127.0.0.1:$moto_port" S3_ENDPOINT="http://127.0.0.1:$s3_port"

cargo test --workspace

# The pages in a real browser against the one-machine stack.
scripts/browser-tests.sh
