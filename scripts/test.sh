#!/usr/bin/env bash
# The one test command: installs what is missing, builds, lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx eslint --max-warnings=0 .
node scripts/run-tests.mjs "$@"
