#!/usr/bin/env bash
# Installs what Marrowscope needs and is missing, then builds it. Safe to run again.
#   system packages (Debian/Ubuntu apt), npm dependencies (npm ci), the OpenSlide addon, TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config g++ make python3        # node-gyp toolchain for native/ and better-sqlite3
  libopenslide-dev                   # the OpenSlide library our addon links
  libjpeg-dev                        # libjpeg(-turbo) headers: the addon encodes tiles itself
  openslide-tools python3-openslide  # reference reader used by tests and the tile benchmark
  libvips-tools libtiff-tools        # tests build synthetic pyramidal TIFF/SVS slides
  chromium                           # end-to-end tests of the renderer (Playwright drives it)
  poppler-utils                      # report tests (pdftotext/pdftoppm)
  fonts-dejavu-core                  # PDF reports embed DejaVu Sans (µ, ±, –, ≥, ↑, ↓)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found $(node --version))." >&2
  exit 1
fi

# Electron's runtime and onnxruntime-node's CUDA libraries come from GitHub, which may be unreachable:
# their install scripts are denied in package.json (allowScripts); these variables make that explicit.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ ! -f native/build/Release/openslide_addon.node ] || [ -n "$(find native/src native/binding.gyp -newer native/build/Release/openslide_addon.node 2>/dev/null)" ]; then
  echo "setup: building the OpenSlide addon"
  npm run --silent build:native
fi
echo "setup: compiling TypeScript"
npm run --silent build:ts
echo "setup: building the renderer (renderer/dist)"
npm run --silent build:renderer
