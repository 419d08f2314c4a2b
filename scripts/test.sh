#!/usr/bin/env bash
# Runs every check and test of async visits: formatting, lints, then the whole test suite.
# It needs only the Rust toolchain; everything else the tests use is built from the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
