#!/usr/bin/env bash
# Set up (if needed) and start sharpfields on the bundled sample scene.
# Open http://localhost:${PORT:-8501} in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/streamlit run server.py --server.port "${PORT:-8501}" --server.headless true "$@"
