#!/usr/bin/env bash
# Installs what the tests need besides the Rust toolchain, into .tools/ (ignored by git):
# moto (DynamoDB, SES v2, Scheduler and Cognito on the AWS wire protocol), cfn-lint and the
# SAM CLI in a Python virtual environment, and s3s-fs (S3 with real SigV4 checks).
# Each step is skipped when its tool is already there, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
S3S_FS_VERSION=0.14.1

if [ ! -x .tools/venv/bin/python ]; then
  python3 -m venv .tools/venv
fi
if [ ! -x .tools/venv/bin/moto_server ] || [ ! -x .tools/venv/bin/cfn-lint ] \
  || [ ! -x .tools/venv/bin/sam ]; then
  .tools/venv/bin/pip install --quiet --disable-pip-version-check \
    "moto[server]==${MOTO_VERSION}" cfn-lint aws-sam-cli
fi

if [ ! -x .tools/bin/s3s-fs ]; then
  # Newer releases need a newer compiler than this project's; this one is known to work.
  cargo install "s3s-fs@${S3S_FS_VERSION}" --features binary --locked --root .tools
fi
