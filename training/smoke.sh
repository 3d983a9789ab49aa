#!/bin/sh
# Tiny end-to-end run: train a few steps, export into a temp dir (never public/weights), then
# check the TypeScript forward pass and loader against that fresh export.
set -e
cd "$(dirname "$0")/.."
DIR=$(mktemp -d "${TMPDIR:-/tmp}/pw-smoke.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
/usr/bin/python3 training/train.py --smoke --out "$DIR"
PW_WEIGHTS_DIR="$DIR" PW_FIXTURES_DIR="$DIR/fixtures" \
  npx vitest run --config vitest.config.ts tests/unit/fcn.test.ts tests/unit/weights.test.ts
