#!/usr/bin/env bash
# Starts Marrowscope: the Electron app where its runtime is installed, else the browser host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/launch.mjs "$@"
