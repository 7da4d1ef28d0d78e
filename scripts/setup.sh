#!/usr/bin/env bash
# Idempotent set-up of a fresh machine for sharpfields.
#   scripts/setup.sh          runtime: Python venv + packages, front-end assets
#   scripts/setup.sh --dev    also test tools and Debian chromium for browser tests
# Re-running is cheap: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0; [[ "${1:-}" == "--dev" ]] && DEV=1
PY=${PYTHON:-python3}
REQ=requirements.txt; [[ $DEV == 1 ]] && REQ=requirements-dev.txt

if [[ ! -x .venv/bin/python ]]; then
  echo "[setup] creating virtual environment .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.sharpfields-$(basename "$REQ").sha
want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "[setup] installing Python packages from $REQ (first time: several minutes, ~6 GB)"
  # -qq: pip warns about each missing local index folder on some machines; errors still show.
  .venv/bin/python -m pip install -qq --disable-pip-version-check -r "$REQ"
  echo "$want" > "$stamp"
fi
# torchvision's compiled ops must match torch: fail loudly here, not later.
.venv/bin/python -c "import torch, torchvision; torchvision.ops.nms" \
  || { echo "[setup] torch/torchvision mismatch: see README 'Installing'"; exit 1; }

lock_sha=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f static/vendor/.lock.sha || "$(cat static/vendor/.lock.sha)" != "$lock_sha" ]]; then
  echo "[setup] installing front-end assets (Leaflet, Leaflet.draw, Leaflet.Sync) from the npm lockfile"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf static/vendor && mkdir -p static/vendor
  cp -r node_modules/leaflet/dist static/vendor/leaflet
  cp -r node_modules/leaflet-draw/dist static/vendor/leaflet-draw
  mkdir -p static/vendor/leaflet.sync && cp node_modules/leaflet.sync/L.Map.Sync.js static/vendor/leaflet.sync/
  echo "$lock_sha" > static/vendor/.lock.sha
fi

# The tests' local STAC API (stac-fastapi-static) needs an older Starlette than Streamlit's,
# so it gets its own virtualenv.
if [[ $DEV == 1 ]]; then
  stac_want=$(sha256sum requirements-stac.txt | cut -d' ' -f1)
  if [[ ! -f .venv-stac/.sha || "$(cat .venv-stac/.sha)" != "$stac_want" ]]; then
    echo "[setup] installing the test STAC API into .venv-stac"
    [[ -x .venv-stac/bin/python ]] || "$PY" -m venv .venv-stac
    .venv-stac/bin/python -m pip install -qq --disable-pip-version-check -r requirements-stac.txt
    echo "$stac_want" > .venv-stac/.sha
  fi
fi

if [[ $DEV == 1 && ! -x /usr/bin/chromium ]]; then
  echo "[setup] installing Debian chromium for the browser tests"
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [[ $DEV == 1 && ( ! -x /usr/lib/postgresql/15/bin/pg_ctl || ! -f /usr/share/postgresql/15/extension/postgis.control ) ]]; then
  echo "[setup] installing PostgreSQL 15 + PostGIS for the label-store tests"
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >/dev/null
fi
echo "[setup] ready"
