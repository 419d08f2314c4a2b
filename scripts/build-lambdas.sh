#!/usr/bin/env bash
# Builds every Lambda function for arm64 (provided.al2023) with `sam build`, which runs
# cargo-lambda per function. It installs cargo-lambda, Zig (for the cross build) and the SAM
# CLI into .tools/ when they are missing. It is not part of the test command: it takes a few
# minutes per function on a small machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .tools/venv/bin/python ]; then
  python3 -m venv .tools/venv
fi
if [ ! -x .tools/venv/bin/cargo-lambda ] || [ ! -x .tools/venv/bin/sam ]; then
  .tools/venv/bin/pip install --quiet --disable-pip-version-check cargo-lambda ziglang aws-sam-cli
fi
rustup target add aarch64-unknown-linux-gnu

export PATH="$PWD/.tools/venv/bin:$PATH"
export SAM_CLI_TELEMETRY=0
sam build --config-file samconfig.toml "$@"
